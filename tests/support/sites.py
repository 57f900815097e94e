"""Web servers on 127.0.0.1 for the link tests (a thread each, started in milliseconds), and a
watch on every socket connection a test makes: one to anything but loopback fails the test."""

from __future__ import annotations

import ipaddress
import socket
import ssl
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

Route = Callable[[BaseHTTPRequestHandler], None]


@dataclass
class Site:
    """A web server on 127.0.0.1: what each path answers, and what it saw."""

    port: int
    seen: list[tuple[str, str]] = field(default_factory=list)  # (path, Host header)
    connections: int = 0
    cut: threading.Event = field(default_factory=threading.Event)  # a client hung up mid-body

    def url(self, path: str, host: str = "127.0.0.1", scheme: str = "http") -> str:
        return f"{scheme}://{host}:{self.port}{path}"


@contextmanager
def serve(routes: dict[str, Route], tls: ssl.SSLContext | None = None) -> Iterator[Site]:
    """A threaded HTTP/1.0 server on 127.0.0.1 (a body without Content-Length ends at the close)."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            state.seen.append((self.path, self.headers.get("Host", "")))
            route = routes.get(self.path.partition("?")[0])
            try:
                if route is None:
                    self.send_error(404)
                else:
                    route(self)
            except (BrokenPipeError, ConnectionResetError):
                state.cut.set()

        def log_message(self, format: str, *args: Any) -> None:
            pass

    class Server(ThreadingHTTPServer):
        daemon_threads = True
        block_on_close = False

        def process_request(self, request: Any, client_address: Any) -> None:
            state.connections += 1
            super().process_request(request, client_address)

    server = Server(("127.0.0.1", 0), Handler)
    if tls is not None:
        server.socket = tls.wrap_socket(server.socket, server_side=True)
    state = Site(port=server.server_address[1])
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()


def page(body: bytes, content_type: str = "text/html; charset=utf-8", length: bool = True) -> Route:
    def route(h: BaseHTTPRequestHandler) -> None:
        h.send_response(200)
        if content_type:
            h.send_header("Content-Type", content_type)
        if length:
            h.send_header("Content-Length", str(len(body)))
        h.end_headers()
        h.wfile.write(body)

    return route


def redirect(location: str, status: int = 302) -> Route:
    def route(h: BaseHTTPRequestHandler) -> None:
        h.send_response(status)
        h.send_header("Location", location)
        h.send_header("Content-Length", "0")
        h.end_headers()

    return route


def slow(delay_s: float) -> Route:
    """Answers after `delay_s`."""

    def route(h: BaseHTTPRequestHandler) -> None:
        time.sleep(delay_s)
        page(b"<p>late</p>")(h)

    return route


def trickle(every_s: float, total_s: float) -> Route:
    """Headers at once, then one byte every `every_s` for `total_s`: no single read ever waits long."""

    def route(h: BaseHTTPRequestHandler) -> None:
        h.send_response(200)
        h.send_header("Content-Type", "text/html")
        h.end_headers()
        end = time.monotonic() + total_s
        while time.monotonic() < end:
            h.wfile.write(b"x")
            h.wfile.flush()
            time.sleep(every_s)

    return route


def endless(chunk: bytes = b"x" * 65_536, chunks: int = 320) -> Route:
    """20 MB of HTML with no Content-Length."""

    def route(h: BaseHTTPRequestHandler) -> None:
        h.send_response(200)
        h.send_header("Content-Type", "text/html")
        h.end_headers()
        for _ in range(chunks):
            h.wfile.write(chunk)

    return route


def watch_connections(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """Every address a socket of this process connects to; any but loopback fails the test."""
    made: list[Any] = []
    real_connect, real_connect_ex = socket.socket.connect, socket.socket.connect_ex

    def check(address: Any) -> None:
        made.append(address)
        host = address[0] if isinstance(address, tuple) else None
        if host is None or not ipaddress.ip_address(str(host).partition("%")[0]).is_loopback:
            raise OSError(f"the tests connect to loopback only, not to {address}")

    def connect(self: socket.socket, address: Any) -> None:
        check(address)
        real_connect(self, address)

    def connect_ex(self: socket.socket, address: Any) -> int:
        check(address)
        return real_connect_ex(self, address)

    monkeypatch.setattr(socket.socket, "connect", connect)
    monkeypatch.setattr(socket.socket, "connect_ex", connect_ex)
    return made
