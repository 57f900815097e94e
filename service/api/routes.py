"""HTTP routes. Thin: check the caller and the body, then answer it (`service.api.answer`)."""

from __future__ import annotations

import asyncio
import hmac
from collections.abc import Awaitable, Callable
from typing import TypeVar

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse, Response
from prometheus_client import CONTENT_TYPE_LATEST

from service.api.answer import answer
from service.api.digest import digest
from service.api.http_errors import error_response
from service.api.schemas import (
    DigestRequest,
    DigestResponse,
    ErrorResponse,
    SummarizeRequest,
    SummarizeResponse,
)
from service.api.state import ServiceState, State
from service.errors import (
    EngineFailed,
    NotReady,
    Unauthorized,
    UnsupportedMediaType,
)
from service.runner import EngineRunner

router = APIRouter()

T = TypeVar("T")

# How often a waiting request checks that its client is still there.
DISCONNECT_POLL_S = 0.2


def _check_key(request: Request, state: ServiceState) -> None:
    secret = state.settings.api_key
    if secret is None:
        return
    auth = request.headers.get("authorization", "")
    given = auth[7:] if auth.lower().startswith("bearer ") else request.headers.get("x-api-key", "")
    # Constant-time comparison: the time taken says nothing about how much of the key matched.
    if not hmac.compare_digest(given.encode(), secret.get_secret_value().encode()):
        raise Unauthorized("a valid API key is required (Authorization: Bearer <key> or X-API-Key)")


def require_key(request: Request, state: State) -> None:
    _check_key(request, state)


def require_json(request: Request) -> None:
    """Bodies are JSON: say so plainly instead of failing to read another type as JSON."""
    media = request.headers.get("content-type", "").split(";", 1)[0].strip().lower()
    if media != "application/json" and not (media.startswith("application/") and media.endswith("+json")):
        raise UnsupportedMediaType(f"the body must be application/json, not {media or 'untyped'}")


def require_key_for_metrics(request: Request, state: State) -> None:
    if state.settings.protect_metrics:
        _check_key(request, state)


ERRORS: dict[int | str, dict[str, object]] = {
    code: {"model": ErrorResponse} for code in (400, 401, 413, 415, 422, 429, 500, 503, 504)
}


@router.post(
    "/v1/summarize",
    response_model=SummarizeResponse,
    responses=ERRORS,
    dependencies=[Depends(require_key), Depends(require_json)],
)
async def summarize(body: SummarizeRequest, request: Request, state: State) -> SummarizeResponse:
    """Summarize one or more articles about one event, with key facts and their sources."""
    return await _connected(
        request, state, lambda runner, gone: answer(body, state.settings, runner, gone, state.metrics)
    )


@router.post(
    "/v1/digest",
    response_model=DigestResponse,
    responses=ERRORS,
    dependencies=[Depends(require_key), Depends(require_json)],
)
async def digest_pile(body: DigestRequest, request: Request, state: State) -> DigestResponse:
    """Group a pile of articles about many events into stories, and summarize each story."""
    return await _connected(
        request, state, lambda runner, gone: digest(body, state.settings, runner, gone, state.metrics)
    )


async def _connected(
    request: Request, state: ServiceState, work: Callable[[EngineRunner, asyncio.Event], Awaitable[T]]
) -> T:
    """`work` on the engine's runner, told (`gone`) when the client hangs up; 503 before the
    engine is ready."""
    if state.runner is None:
        raise NotReady(
            "the engine is still loading" if state.status == "loading" else "the engine failed to load"
        )
    gone = asyncio.Event()
    watcher = asyncio.create_task(_watch_disconnect(request, gone))
    try:
        return await work(state.runner, gone)
    finally:
        watcher.cancel()


async def _watch_disconnect(request: Request, gone: asyncio.Event) -> None:
    """Set `gone` when the client hangs up, so its queued or running work is dropped."""
    while not await request.is_disconnected():
        await asyncio.sleep(DISCONNECT_POLL_S)
    gone.set()


@router.get("/healthz")
async def healthz(state: State) -> JSONResponse:
    """Alive. 503 only when the engine failed to load, so an orchestrator restarts the process."""
    if state.status == "failed":
        return error_response(503, EngineFailed.code, f"the engine failed to load: {state.failure}")
    return JSONResponse({"status": "ok"})


@router.get("/readyz", responses={503: {"model": ErrorResponse}})
async def readyz(state: State) -> JSONResponse:
    """200 once the engine is loaded and warmed; 503 before, and with the reason if it failed."""
    if state.status == "failed":
        return error_response(503, EngineFailed.code, f"the engine failed to load: {state.failure}")
    if state.status != "ready":
        return error_response(503, NotReady.code, f"engine {state.status}", headers={"Retry-After": "1"})
    return JSONResponse({"status": "ready", "engine": state.engine.name, "model": state.engine.model_id})


@router.get("/metrics", response_class=Response, dependencies=[Depends(require_key_for_metrics)])
async def metrics(state: State) -> Response:
    """Prometheus text exposition."""
    return Response(state.metrics.render(), media_type=CONTENT_TYPE_LATEST)
