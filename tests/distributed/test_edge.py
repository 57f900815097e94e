"""The app's outermost middleware on a Serve replica, and the proxy's, driven as ASGI apps in this
process (no Ray): who answered, a cancelled request heard as a client that left, and a request no
replica answered turned into a 503."""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import Sequence
from typing import Any

import pytest
from starlette.types import Message, Receive, Scope, Send

from service.api.app import create_app
from service.distributed.edge import NODE_HEADER, REPLICA_HEADER, ServeEdge
from service.distributed.proxy import middlewares
from service.domain import Cluster, Result
from service.engines.embedded import EmbeddedEngine
from service.settings import Settings
from tests.distributed.texts import cluster_articles


class WaitingEngine(EmbeddedEngine):
    """The embedded engine, but a request waits for its stop signal (10 s at most) first."""

    def __init__(self) -> None:
        super().__init__()
        self.started = threading.Event()
        self.stopped = threading.Event()

    def summarize(
        self, clusters: Sequence[Cluster], stop: Sequence[threading.Event] | None = None
    ) -> list[Result]:
        if stop is not None:  # a request (the warm-up passes none)
            self.started.set()
            if stop[0].wait(10):
                self.stopped.set()
        return super().summarize(clusters, stop)


def http_scope(method: str, path: str, body: bytes = b"", request_id: bytes | None = None) -> Scope:
    return {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [
            (b"content-type", b"application/json"),
            (b"content-length", str(len(body)).encode()),
            *([(b"x-request-id", request_id)] if request_id else []),
        ],
        "client": ("127.0.0.1", 40000),
        "server": ("127.0.0.1", 8000),
    }


def client(body: bytes = b"") -> Receive:
    """The body, then a client that stays connected."""
    sent = False

    async def receive() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        await asyncio.Event().wait()
        raise AssertionError("unreachable")

    return receive


def collector(messages: list[Message]) -> Send:
    async def send(message: Message) -> None:
        messages.append(message)

    return send


def test_responses_say_who_answered_and_a_cancelled_request_is_a_client_that_left() -> None:
    engine = WaitingEngine()
    app = create_app(Settings(), engine)
    edge = ServeEdge(app, replica="r-1", node="n-1")

    async def scenario() -> tuple[list[Message], list[Message], list[Message], str]:
        async with app.router.lifespan_context(app):
            while app.state.service.status != "ready":
                await asyncio.sleep(0.01)
            ready: list[Message] = []
            await edge(http_scope("GET", "/readyz"), client(), collector(ready))
            # Serve's proxy gives the request an id and adds it to the response itself.
            given: list[Message] = []
            await edge(http_scope("GET", "/readyz", request_id=b"serve-1"), client(), collector(given))
            body = json.dumps({"articles": cluster_articles(1)}).encode()
            cancelled: list[Message] = []
            task = asyncio.ensure_future(
                edge(http_scope("POST", "/v1/summarize", body), client(body), collector(cancelled))
            )
            assert await asyncio.to_thread(engine.started.wait, 10)
            task.cancel()  # what Serve's proxy does when the client hangs up
            with pytest.raises(asyncio.CancelledError):
                await task
            metrics = app.state.service.metrics.render().decode()
            return ready, given, cancelled, metrics

    ready, given, cancelled, metrics = asyncio.run(scenario())
    headers = dict(ready[0]["headers"])
    assert ready[0]["status"] == 200
    assert headers[REPLICA_HEADER.encode()] == b"r-1" and headers[NODE_HEADER.encode()] == b"n-1"
    assert headers[b"x-request-id"]  # the app's own id: no proxy adds one here
    # The proxy's id comes back once: the app's echo of it is left out.
    assert [v for k, v in given[0]["headers"] if k == b"x-request-id"] == []
    # The app heard the client leave: it told the engine to stop, counted a 499, sent nothing.
    assert engine.stopped.is_set()
    assert 'summarizer_requests_total{route="/v1/summarize",status="499"} 1.0' in metrics
    assert 'status="500"' not in metrics
    assert cancelled == []


async def _unanswered(scope: Scope, receive: Receive, send: Send) -> None:
    """What Serve's proxy does with a request whose replica died: returns, having sent nothing."""


async def _app_error(scope: Scope, receive: Receive, send: Send) -> None:
    await send({"type": "http.response.start", "status": 500, "headers": [(b"x-serve-replica", b"r")]})
    await send({"type": "http.response.body", "body": b'{"error": {"code": "internal_error"}}'})


async def _client_left(scope: Scope, receive: Receive, send: Send) -> None:
    await receive()


def run_proxy(app: Any, receive_messages: list[Message]) -> list[Message]:
    """`app` behind the middleware Serve's proxy takes from the callback (`middlewares`), stacked
    as Starlette stacks it (the first outermost)."""
    sent: list[Message] = []
    queue = list(receive_messages)

    async def receive() -> Message:
        return queue.pop(0)

    for cls, args, kwargs in reversed(middlewares()):
        app = cls(app, *args, **kwargs)
    asyncio.run(app(http_scope("POST", "/v1/summarize"), receive, collector(sent)))
    return sent


def test_a_request_no_replica_answered_is_a_503_to_retry() -> None:
    sent = run_proxy(_unanswered, [])
    assert sent[0]["status"] == 503
    assert (b"retry-after", b"1") in sent[0]["headers"]
    error = json.loads(sent[1]["body"])["error"]
    assert error["code"] == "not_ready" and "retry" in error["message"]


def test_the_apps_own_answers_and_a_client_that_left_pass_untouched() -> None:
    sent = run_proxy(_app_error, [])
    assert [m.get("status") for m in sent] == [500, None]
    assert run_proxy(_client_left, [{"type": "http.disconnect"}]) == []
