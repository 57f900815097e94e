"""Serve's HTTP proxy, made to say 503 (retry) when no replica answered a request.

When a replica dies with requests in hand (its process killed, its node lost), Serve's proxy ends
those requests without a response, and its web server then answers a bare `500 Internal Server
Error`: to a client, a fault of the service, not worth retrying. Every request the replica had not
answered is safe to send again (a summary changes nothing), so here it gets the API's 503
(`not_ready`, `Retry-After: 1`), which clients retry. Responses the app made, its own 500s
included, pass untouched.

Serve takes proxy middleware from the nodes' environment (not from serve.yaml): start every node
with `RAY_SERVE_HTTP_PROXY_CALLBACK_IMPORT_PATH=service.distributed.proxy:middlewares`.
"""

from __future__ import annotations

import logging

from starlette.middleware import Middleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from service.api.http_errors import error_response
from service.errors import NotReady

log = logging.getLogger(__name__)

UNANSWERED = "the replica handling the request stopped before answering; retry"


class UnansweredAs503:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = left = False

        async def heard(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        async def hear() -> Message:
            nonlocal left
            message = await receive()
            left = left or message["type"] == "http.disconnect"
            return message

        await self.app(scope, hear, heard)
        if not started and not left:  # a client that left gets nothing, as from the app
            log.warning("%s %s: no replica answered; 503", scope.get("method"), scope.get("path"))
            response = error_response(
                NotReady.status, NotReady.code, UNANSWERED, headers={"Retry-After": "1"}
            )
            await response(scope, receive, send)


def middlewares() -> list[Middleware]:
    """What `RAY_SERVE_HTTP_PROXY_CALLBACK_IMPORT_PATH` names: the proxy's extra middleware."""
    return [Middleware(UnansweredAs503)]
