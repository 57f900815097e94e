"""Request ids: taken from X-Request-ID (when sane) or made up, echoed back, and put in the logs.

The middleware also writes the access log line of each request (method, path, status, time), so
that line carries the id too: uvicorn's own access log is written outside the request's context,
where the id is no longer known (`python -m service` turns uvicorn's off).
"""

from __future__ import annotations

import logging
import re
import time
import uuid
from contextvars import ContextVar

from starlette.types import ASGIApp, Message, Receive, Scope, Send

HEADER = "x-request-id"
SANE = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")
current: ContextVar[str] = ContextVar("request_id", default="-")
access_log = logging.getLogger("service.access")


class RequestIdMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        given = dict(scope.get("headers", [])).get(HEADER.encode(), b"").decode("latin-1")
        request_id = given if SANE.match(given) else uuid.uuid4().hex
        token = current.set(request_id)
        start = time.perf_counter()
        status = 500  # if the app dies before answering, the server answers 500

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message.setdefault("headers", [])
                message["headers"] = [*message["headers"], (HEADER.encode(), request_id.encode())]
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            client = scope.get("client")
            access_log.info(
                '%s - "%s %s" %d %.1f ms',
                f"{client[0]}:{client[1]}" if client else "-",
                scope.get("method", "-"),
                scope.get("path", "-"),
                status,
                (time.perf_counter() - start) * 1e3,
            )
            current.reset(token)


class RequestIdFilter(logging.Filter):
    """Adds `request_id` to every log record, for formats that show it."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = current.get()
        return True
