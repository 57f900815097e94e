"""`newsdigest summarize --url`: what is sent, and how each answer of the API ends the command.

A small HTTP server on 127.0.0.1 stands in for the service, so that every status the API can answer
(429, 503 and 504 are hard to provoke in a real one) is answered on demand; the real service is
asked in tests/process/test_cli.py.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from service.api.schemas import SummarizeResponse
from tests.support.cli import Cli, assert_same_answer
from tests.support.servers import free_port


@dataclass
class Stub:
    """What the stand-in answers, and what it was sent."""

    url: str
    status: int = 200
    body: bytes = b"{}"
    delay_s: float = 0.0
    requests: list[tuple[str, dict[str, str], bytes]] = field(default_factory=list)

    def answer(self, status: int, body: Any, delay_s: float = 0.0) -> None:
        self.status, self.delay_s = status, delay_s
        self.body = body if isinstance(body, bytes) else json.dumps(body).encode()


@pytest.fixture
def stub() -> Iterator[Stub]:
    state = Stub(url="")

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 - the name http.server calls
            sent = self.rfile.read(int(self.headers.get("content-length", 0)))
            state.requests.append((self.path, dict(self.headers), sent))
            time.sleep(state.delay_s)
            try:
                self.send_response(state.status)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(state.body)))
                self.end_headers()
                self.wfile.write(state.body)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the timeout test's client has hung up already: what it is testing

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    state.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()


def test_the_request_is_the_apis_body_and_the_answer_is_printed_as_received(
    cli: Cli,
    ferry_files: list[str],
    stub: Stub,
) -> None:
    flags = ["--json", "-w", "40", "-n", "2", "-q", "Who is on strike?"]
    local = cli("summarize", *ferry_files, *flags).json()
    stub.answer(200, {**local, "served_by": "the stub"})  # a field this client does not know is kept
    got = cli("summarize", *ferry_files, *flags, "--url", stub.url)
    assert got.status == 0, got.err
    assert got.json()["served_by"] == "the stub"
    assert_same_answer({k: v for k, v in got.json().items() if k != "served_by"}, local)

    ((path, headers, sent),) = stub.requests
    assert path == "/v1/summarize"
    assert headers["Content-Type"] == "application/json" and "Authorization" not in headers
    assert json.loads(sent) == {
        "articles": [{"text": Path(f).read_text(), "id": f} for f in ferry_files],
        "options": {"max_words": 40, "num_facts": 2},
        "query": "Who is on strike?",
    }
    text = cli("summarize", *ferry_files, "--url", stub.url + "/")  # a trailing slash is fine
    assert text.status == 0
    # The text is the service's answer: its summary, and the query it echoes.
    summary = SummarizeResponse.model_validate(local).summary
    assert text.out.startswith(f"Query: Who is on strike?\n\nSummary\n{summary}\n")


def test_the_key_goes_as_a_bearer_token(
    cli: Cli,
    ferry_files: list[str],
    stub: Stub,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    stub.answer(200, cli("summarize", ferry_files[0], "--json").json())
    assert cli("summarize", ferry_files[0], "--url", stub.url, "--api-key", "s3cret").status == 0
    monkeypatch.setenv("NEWSDIGEST_API_KEY", "from-env")
    assert cli("summarize", ferry_files[0], "--url", stub.url).status == 0
    assert [h.get("Authorization") for _, h, _ in stub.requests] == ["Bearer s3cret", "Bearer from-env"]


def error(code: str, message: str, details: list[dict[str, str]] | None = None) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, **({"details": details} if details else {})}}


@pytest.mark.parametrize(
    ("status", "body", "exit_status", "expected"),
    [
        (
            422,
            error("invalid_request", "the body is invalid", [{"loc": "body.articles.1.text", "msg": "?"}]),
            3,
            "newsdigest: invalid_request: the body is invalid\n"
            "  body.articles.1.text (island-courier.txt): ?\n",
        ),
        (
            422,
            error("invalid_request", "at most 2 articles per request, background included"),
            3,
            "newsdigest: invalid_request: at most 2 articles per request, background included\n",
        ),
        (
            413,
            error("payload_too_large", "article 2 has 700 characters; the limit is 600"),
            4,
            "payload_too_large: article 2 has 700 characters; the limit is 600 (business-daily.txt)\n",
        ),
        (401, error("unauthorized", "a valid API key is required"), 5, "unauthorized: a valid API key"),
        (429, error("overloaded", "32 requests are already waiting"), 6, "overloaded: 32 requests are"),
        (503, error("not_ready", "the engine is still loading"), 7, "not_ready: the engine is still loading"),
        (504, error("deadline_exceeded", "no result within 120 s"), 8, "deadline_exceeded: no result within"),
        (500, error("internal_error", "internal server error"), 1, "internal_error: internal server error"),
        (404, error("not_found", "Not Found"), 9, "newsdigest: not_found: Not Found\n"),
        (502, b"<html>Bad Gateway</html>", 9, "answered HTTP 502, not in the API's shape"),
        (200, b"[]", 9, "answered 200 with no JSON object"),
    ],
    ids=["422-details", "422", "413", "401", "429", "503", "504", "500", "404", "502-proxy", "200-not-json"],
)
def test_each_answer_of_the_api_ends_with_its_exit_status(
    cli: Cli,
    ferry_files: list[str],
    stub: Stub,
    status: int,
    body: Any,
    exit_status: int,
    expected: str,
) -> None:
    stub.answer(status, body)
    got = cli("summarize", *ferry_files, "--url", stub.url)
    assert got.status == exit_status
    assert expected in got.err and got.out == ""


def test_no_answer_in_time_and_no_service(
    cli: Cli,
    ferry_files: list[str],
    stub: Stub,
) -> None:
    stub.answer(200, {}, delay_s=2)
    got = cli("summarize", ferry_files[0], "--url", stub.url, "--timeout", "0.3")
    assert got.status == 8
    assert got.err == f"newsdigest: deadline_exceeded: no answer from {stub.url} within 0.3 s\n"
    closed = f"http://127.0.0.1:{free_port()}"  # nothing listens there
    got = cli("summarize", ferry_files[0], "--url", closed)
    assert got.status == 9 and got.err.startswith(f"newsdigest: unreachable: cannot reach {closed}: ")


def test_digest_posts_the_pile_to_the_digest_route(cli: Cli, ferry_files: list[str], stub: Stub) -> None:
    local = cli("digest", *ferry_files, "--json").json()
    stub.answer(200, local)
    got = cli("digest", *ferry_files, "--url", stub.url, "--json")
    assert got.status == 0, got.err
    assert got.json() == local
    ((path, _, sent),) = stub.requests
    assert path == "/v1/digest"
    assert json.loads(sent) == {"articles": [{"text": Path(f).read_text(), "id": f} for f in ferry_files]}
    stub.answer(413, {"error": {"code": "payload_too_large", "message": "1001 articles; at most 1000"}})
    got = cli("digest", *ferry_files, "--url", stub.url)
    assert got.status == 4 and "payload_too_large" in got.err
