"""Request body size limit, answered in the API's error shape.

Starlette's own body limit answers in plain text, so the service keeps this small one: a declared
Content-Length over the limit is refused before reading; a streamed body is cut off as it grows.
"""

from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from service.api.http_errors import error_response


class BodySizeLimit:
    def __init__(self, app: ASGIApp, max_bytes: int, per_path: dict[str, int] | None = None) -> None:
        """`per_path`: routes with a limit of their own (a digest's pile), by exact path."""
        self.app = app
        self.max_bytes = max_bytes
        self.per_path = per_path or {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.per_path.get(scope.get("path", ""), self.max_bytes)
        message = f"request body over the limit of {limit} bytes"
        length = dict(scope.get("headers", [])).get(b"content-length", b"")
        if length.isdigit() and int(length) > limit:
            await error_response(413, "payload_too_large", message)(scope, receive, send)
            return

        received = 0

        async def limited_receive() -> Message:
            nonlocal received
            msg = await receive()
            if msg["type"] == "http.request":
                received += len(msg.get("body", b""))
                if received > limit:
                    # FastAPI passes HTTPExceptions raised while reading the body on to the error map.
                    raise HTTPException(413, message)
            return msg

        await self.app(scope, limited_receive, send)
