"""The pages for people: the web page at `/` and ReDoc at `/redoc`, nothing fetched from elsewhere.

The page is plain HTML, CSS and JS shipped in the package. It holds no data, so it is served
without the API key; its calls to `/v1/summarize` send the key the user types in. Its
Content-Security-Policy allows this origin only, and no inline script, so neither a stray external
URL nor markup smuggled in through article text can run or load.

Swagger UI (`/docs`) and ReDoc's script come from the `fastapi-offline` package. ReDoc's bundle
still shows its maker's logo from a CDN, so `/redoc` is served here: its script with the logo's
address emptied (an image with no source is never fetched), its page with a policy that keeps
every request on this origin.
"""

from __future__ import annotations

from functools import cache
from importlib.resources import files
from pathlib import Path

from fastapi import APIRouter, FastAPI, Request
from fastapi.openapi.docs import get_redoc_html
from fastapi.responses import FileResponse, HTMLResponse, Response
from fastapi.staticfiles import StaticFiles

STATIC = Path(__file__).resolve().parent / "static"
# Where the page's assets are served (index.html names them relative to `/`).
ASSETS_URL = "/page"

CSP = "; ".join(
    (
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self'",
        "connect-src 'self'",
        "base-uri 'none'",
        "form-action 'none'",
        "frame-ancestors 'none'",
    )
)
HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    # A new version of the service may ship a new page: always ask.
    "Cache-Control": "no-cache",
}

# ReDoc styles itself inline and parses the spec in a worker made from a blob.
REDOC_CSP = "; ".join(
    (
        "default-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "worker-src 'self' blob:",
        "base-uri 'none'",
        "frame-ancestors 'none'",
    )
)
# Where fastapi-offline serves the assets it ships.
OFFLINE_DOCS_URL = "/static-offline-docs"
REDOC_SCRIPT_URL = "/redoc/redoc.standalone.js"
REDOC_LOGO = "https://cdn.redoc.ly/redoc/logo-mini.svg"

router = APIRouter()


@router.get("/", include_in_schema=False)
async def index() -> FileResponse:
    """The page: paste or drop articles, read the summary, check each fact against its sentence."""
    return FileResponse(STATIC / "index.html", media_type="text/html; charset=utf-8", headers=HEADERS)


@router.get("/redoc", include_in_schema=False)
async def redoc(request: Request) -> HTMLResponse:
    """ReDoc from the assets fastapi-offline ships, kept from loading its CDN logo."""
    root = request.scope.get("root_path", "")
    page = get_redoc_html(
        openapi_url=f"{root}{request.app.openapi_url}",
        title=f"{request.app.title} - ReDoc",
        redoc_js_url=f"{root}{REDOC_SCRIPT_URL}",
        redoc_favicon_url=f"{root}{OFFLINE_DOCS_URL}/favicon.png",
        with_google_fonts=False,
    )
    page.headers["Content-Security-Policy"] = REDOC_CSP
    return page


@cache
def _redoc_script() -> bytes:
    script = (files("fastapi_offline") / "static" / "redoc.standalone.js").read_text(encoding="utf-8")
    return script.replace(REDOC_LOGO, "").encode()


@router.get(REDOC_SCRIPT_URL, include_in_schema=False)
async def redoc_script() -> Response:
    return Response(_redoc_script(), media_type="text/javascript; charset=utf-8")


def mount_page(app: FastAPI) -> None:
    """The page, its assets, and ReDoc."""
    app.include_router(router)
    app.mount(ASSETS_URL, StaticFiles(directory=STATIC), name="page")
