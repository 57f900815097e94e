"""The service in-process: a started app (lifespan run, engine ready) behind a TestClient."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager

from fastapi.testclient import TestClient

from service.api.app import create_app
from service.engines.base import Engine
from service.settings import Settings


def wait_ready(client: TestClient, timeout: float = 60.0) -> None:
    """Until /readyz says 200; fails at once when the engine failed to load."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if client.get("/readyz").status_code == 200:
            return
        if client.get("/healthz").status_code == 503:
            raise AssertionError(client.get("/readyz").json()["error"]["message"])
        time.sleep(0.02)
    raise AssertionError(f"service not ready after {timeout}s: {client.get('/readyz').text}")


@contextmanager
def serve(settings: Settings | None = None, engine: Engine | None = None) -> Iterator[TestClient]:
    """The app as configured (or with `engine` injected), ready, behind a TestClient."""
    app = create_app(settings or Settings(), engine=engine)
    with TestClient(app, raise_server_exceptions=False) as client:
        wait_ready(client)
        yield client
