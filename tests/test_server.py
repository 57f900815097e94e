"""`python -m service` as a user runs it: a real server process on a free port."""

import os
import signal
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.conftest import wait_http_ready

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@pytest.fixture(scope="module")
def server() -> Iterator[tuple[subprocess.Popen[str], str]]:
    port = free_port()
    env = {**os.environ, "SUMMARIZER_MAX_ARTICLES": "5"}
    env.pop("SUMMARIZER_MODEL", None)
    proc = subprocess.Popen(
        [sys.executable, "-m", "service", "--host", "127.0.0.1", "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    url = f"http://127.0.0.1:{port}"
    if not wait_http_ready(url, 60, alive=lambda: proc.poll() is None):
        proc.kill()
        pytest.fail("server did not become ready")
    assert proc.poll() is None, proc.stdout.read() if proc.stdout else ""
    yield proc, url
    if proc.poll() is None:
        proc.kill()


def test_serves_requests(server: tuple[subprocess.Popen[str], str], ferry: list[dict[str, Any]]) -> None:
    _, url = server
    r = httpx.post(f"{url}/v1/summarize", json={"articles": ferry}, timeout=30)
    assert r.status_code == 200 and r.json()["engine"] == "embedded"
    # settings from env vars apply
    r = httpx.post(f"{url}/v1/summarize", json={"articles": ferry * 2}, timeout=30)
    assert r.status_code == 422 and "at most 5 articles" in r.text


def test_sigterm_stops_cleanly_and_logs_the_embedded_default(
    server: tuple[subprocess.Popen[str], str],
) -> None:
    proc, _ = server
    proc.send_signal(signal.SIGTERM)
    # uvicorn shuts down gracefully, then re-raises the signal so supervisors see why it ended.
    assert proc.wait(timeout=15) in (0, -signal.SIGTERM)
    log = proc.stdout.read() if proc.stdout else ""
    assert "Application shutdown complete" in log
    assert "no SUMMARIZER_MODEL set: serving the embedded extractive engine" in log
    assert "SUMMARIZER_MODEL=google/flan-t5-base" in log


def test_invalid_settings_exit_with_a_message() -> None:
    env = {**os.environ, "SUMMARIZER_ENGINE": "seq2seq"}
    env.pop("SUMMARIZER_MODEL", None)
    r = subprocess.run(
        [sys.executable, "-m", "service"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert r.returncode == 2
    assert "SUMMARIZER_ENGINE=seq2seq needs SUMMARIZER_MODEL" in r.stderr
    assert "Traceback" not in r.stderr
