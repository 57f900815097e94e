"""What the app needs behind Ray Serve's proxy, as its outermost middleware on a replica.

- **Who answered.** Every response says which replica (`X-Serve-Replica`) on which Ray node
  (`X-Serve-Node`) made it: only on Serve, where more than one of each can answer.
- **One request id.** Serve's proxy gives each request an `X-Request-ID` (the client's, or its
  own) and adds it to the response; the app echoes the same id, so the app's copy is dropped here,
  and the response has the header once. An id the app did not take (not in its safe form) stays:
  then the response shows both.
- **A client that leaves.** The app learns of a client hanging up from an `http.disconnect`
  message (it polls `request.is_disconnected()`), and then drops the request's work and counts a
  499. Serve's proxy instead cancels the replica's handler. Here that cancellation is turned back
  into the message: the app runs on, shielded, hears `http.disconnect`, answers its 499 to nobody
  and stops the engine's work for it, as it does under uvicorn; only then does the cancellation
  go on.
"""

from __future__ import annotations

import asyncio

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from service.api.requestid import HEADER as REQUEST_ID_HEADER

REPLICA_HEADER = "x-serve-replica"
NODE_HEADER = "x-serve-node"
# How long a cancelled request's app gets to hear the disconnect and stop its work: the app polls
# for it every 0.2 s (service.api.routes.DISCONNECT_POLL_S).
DISCONNECT_GRACE_S = 2.0


class ServeEdge:
    def __init__(self, app: ASGIApp, replica: str, node: str, grace_s: float = DISCONNECT_GRACE_S) -> None:
        self.app = app
        self.headers = [(REPLICA_HEADER.encode(), replica.encode()), (NODE_HEADER.encode(), node.encode())]
        self.grace_s = grace_s

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        gone = asyncio.Event()
        request_id = REQUEST_ID_HEADER.encode()
        given = dict(scope.get("headers", [])).get(request_id)

        async def receive_or_gone() -> Message:
            # Returns at once when gone: the app polls from inside an already-cancelled scope.
            if gone.is_set():
                return {"type": "http.disconnect"}
            return await receive()

        async def send_labelled(message: Message) -> None:
            if gone.is_set():
                return  # nobody to send it to
            if message["type"] == "http.response.start":
                own = [(k, v) for k, v in message.get("headers", []) if (k.lower(), v) != (request_id, given)]
                message = {**message, "headers": [*own, *self.headers]}
            await send(message)

        task = asyncio.ensure_future(self.app(scope, receive_or_gone, send_labelled))
        try:
            await asyncio.shield(task)
        except asyncio.CancelledError:
            gone.set()
            await asyncio.wait({task}, timeout=self.grace_s)
            if not task.done():
                task.cancel()
            raise
