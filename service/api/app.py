"""App assembly: settings, engine loading in the lifespan, middleware, error map, routes."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi_offline import FastAPIOffline

from service.api.http_errors import install_error_handlers
from service.api.limits import BodySizeLimit
from service.api.metrics import Metrics, MetricsMiddleware
from service.api.page import OFFLINE_DOCS_URL, mount_page
from service.api.requestid import RequestIdMiddleware
from service.api.routes import router
from service.api.schemas import state_limits
from service.api.state import ServiceState
from service.engines import build_engine
from service.engines.base import Engine
from service.errors import load_failure
from service.nlp.languages import warm as warm_languages
from service.pages.extract import warm_extractor
from service.runner import EngineRunner
from service.settings import Settings

log = logging.getLogger(__name__)


async def _load(state: ServiceState) -> None:
    """Load and warm the engine in a worker thread; readiness flips only when both are done."""
    engine = state.engine
    try:
        await asyncio.to_thread(engine.load)
        await asyncio.to_thread(engine.warmup)
        # The page reader's first call loads trafilatura and its tables (~0.5 s): not a request's.
        await asyncio.to_thread(warm_extractor)
        await asyncio.to_thread(warm_languages)  # the language detector's model (1.5 s)
    except Exception as exc:
        state.status = "failed"
        state.failure = load_failure(exc)
        log.exception("engine %s failed to load; the service stays unready", engine.name)
        return
    s = state.settings
    state.runner = EngineRunner.serving(
        engine, s, timeout_s=s.request_timeout_s, on_batch=state.metrics.batch_size.observe
    )
    state.runner.start()
    state.metrics.track_queue(lambda: state.runner.depth if state.runner else 0)
    state.metrics.ready.set(1)
    state.status = "ready"
    log.info("engine %s ready (model: %s)", engine.name, engine.model_id or "none")


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    state: ServiceState = app.state.service
    if state.settings.engine_name == "embedded":
        log.info(
            "no SUMMARIZER_MODEL set: serving the embedded extractive engine; set "
            "SUMMARIZER_MODEL=google/flan-t5-base (a hub id or a local directory) to use a model"
        )
    # Loading runs beside the server so /healthz answers and /readyz says 503 meanwhile.
    state.loader = asyncio.create_task(_load(state))
    try:
        yield
    finally:
        state.loader.cancel()
        if state.runner is not None:
            state.runner.close()


def create_app(settings: Settings | None = None, engine: Engine | None = None) -> FastAPI:
    """The service. `engine` replaces the one the settings name (tests inject one this way)."""
    settings = settings or Settings()
    metrics = Metrics()
    # Swagger UI at /docs from assets shipped in a package: it works offline. /redoc is the page
    # module's (service.api.page).
    app = FastAPIOffline(
        redoc_url=None,
        static_url=OFFLINE_DOCS_URL,
        title="News summarizer",
        version="0.1.0",
        description="One or more news articles in; a short summary and cited key facts out.",
        lifespan=lifespan,
    )
    app.state.service = ServiceState(
        settings=settings, engine=engine or build_engine(settings), metrics=metrics
    )
    app.add_middleware(
        BodySizeLimit,
        max_bytes=settings.max_body_bytes,
        per_path={"/v1/digest": settings.digest_max_body_bytes},
    )
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_methods=["GET", "POST"],
            allow_headers=["Authorization", "Content-Type", "X-API-Key", "X-Request-ID"],
        )
    # Added last, so outermost: metrics count the 413s the size limit answers, and every
    # response, errors included, carries a request id.
    app.add_middleware(MetricsMiddleware, metrics=metrics)
    app.add_middleware(RequestIdMiddleware)
    install_error_handlers(app)
    app.include_router(router)
    mount_page(app)
    _openapi_states_the_limits(app, settings)
    return app


def _openapi_states_the_limits(app: FastAPI, settings: Settings) -> None:
    """/openapi.json (and /docs, /redoc) with this service's limits (SUMMARIZER_MAX_ARTICLES, ...)."""
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = state_limits(generate(), settings)
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
