"""The page's routes in-process: what is served, with which headers, and that nothing names another host."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from service.api.page import REDOC_LOGO, STATIC
from service.settings import Settings
from tests.support.app import serve

# An attribute or CSS reference that would make the browser fetch from another origin.
EXTERNAL_RE = re.compile(r"""https?://|(?:src|href|action)\s*=\s*["']?//|url\(\s*["']?//""")


def test_the_page_and_its_assets_are_served_with_a_same_origin_policy(client: TestClient) -> None:
    r = client.get("/")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    csp = r.headers["content-security-policy"]
    assert "default-src 'none'" in csp and "connect-src 'self'" in csp and "unsafe-inline" not in csp
    for name, kind in (("app.js", "javascript"), ("style.css", "text/css"), ("icon.svg", "image/svg+xml")):
        asset = client.get(f"/page/{name}")
        assert asset.status_code == 200 and kind in asset.headers["content-type"], name
        assert f"page/{name}" in r.text
    assert client.get("/page/nothing.js").status_code == 404
    assert "/" not in client.get("/openapi.json").json()["paths"]


def test_the_shipped_assets_name_no_other_host() -> None:
    for path in STATIC.iterdir():
        text = path.read_text(encoding="utf-8")
        if path.suffix == ".svg":  # an XML namespace is a name, not a request
            text = text.replace('xmlns="http://www.w3.org/2000/svg"', "")
        assert not EXTERNAL_RE.search(text), f"{path.name}: {EXTERNAL_RE.search(text)}"


def test_the_page_needs_no_key_but_the_api_still_does() -> None:
    with serve(Settings(api_key="s3cret")) as c:  # type: ignore[arg-type]
        assert c.get("/").status_code == 200 and c.get("/page/app.js").status_code == 200
        assert c.post("/v1/summarize", json={"articles": [{"text": "A b c."}]}).status_code == 401


def test_the_api_docs_use_assets_served_here(client: TestClient) -> None:
    docs = client.get("/docs").text
    redoc = client.get("/redoc")
    for page in (docs, redoc.text):
        assert "cdn.jsdelivr.net" not in page and "fonts.googleapis.com" not in page
    assert "/static-offline-docs/swagger-ui-bundle.js" in docs
    assert client.get("/static-offline-docs/swagger-ui-bundle.js").status_code == 200
    assert "img-src 'self' data:" in redoc.headers["content-security-policy"]
    script = client.get("/redoc/redoc.standalone.js")
    assert script.status_code == 200 and len(script.content) > 100_000
    assert REDOC_LOGO not in script.text and "/redoc/redoc.standalone.js" in redoc.text
