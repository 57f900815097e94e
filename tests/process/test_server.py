"""`python -m service` as a user runs it: a real server process on a free port."""

import asyncio
import os
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.support.servers import free_port, wait_ready

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]


@contextmanager
def start_server(env: dict[str, str], ready_s: float = 60) -> Iterator[tuple[subprocess.Popen[str], str]]:
    """`python -m service` on a free port, ready; killed on exit if still running."""
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "service", "--host", "127.0.0.1", "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        if not wait_ready(url, ready_s, alive=lambda: proc.poll() is None):
            log = proc.stdout.read() if proc.poll() is not None and proc.stdout else ""
            pytest.fail(f"server did not become ready: {log}")
        yield proc, url
    finally:
        if proc.poll() is None:
            proc.kill()


@pytest.fixture(scope="module")
def server() -> Iterator[tuple[subprocess.Popen[str], str]]:
    env = {**os.environ, "SUMMARIZER_MAX_ARTICLES": "5"}
    env.pop("SUMMARIZER_MODEL", None)
    with start_server(env) as running:
        yield running


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


def test_sigterm_finishes_the_request_in_flight(
    tiny_models: dict[str, Path], ferry: list[dict[str, Any]]
) -> None:
    """SIGTERM mid-request: no new connections, the running request still gets its 200, exit < 10 s."""
    # A fixed, long output keeps the tiny model busy for a moment: the request is surely in flight.
    env = {
        **os.environ,
        "SUMMARIZER_MODEL": str(tiny_models["t5"]),
        "SUMMARIZER_NUM_BEAMS": "1",
        "SUMMARIZER_SUMMARY_MIN_NEW_TOKENS": "150",
        "SUMMARIZER_SUMMARY_MAX_NEW_TOKENS": "150",
        "SUMMARIZER_FACTS_MIN_NEW_TOKENS": "400",
        "SUMMARIZER_FACTS_MAX_NEW_TOKENS": "400",
    }
    with start_server(env, ready_s=120) as (proc, url):
        body = {"articles": ferry, "options": {"max_words": 100}}
        t = time.perf_counter()
        assert httpx.post(f"{url}/v1/summarize", json=body, timeout=60).status_code == 200
        alone = time.perf_counter() - t
        answer: list[httpx.Response] = []
        worker = threading.Thread(
            target=lambda: answer.append(httpx.post(f"{url}/v1/summarize", json=body, timeout=60))
        )
        worker.start()
        time.sleep(min(0.3, alone / 3))  # the request is being generated
        proc.send_signal(signal.SIGTERM)
        stopped = time.perf_counter()
        time.sleep(0.1)
        with pytest.raises(httpx.TransportError):  # no longer accepting
            httpx.get(f"{url}/healthz", timeout=2)
        worker.join(60)
        assert answer and answer[0].status_code == 200 and answer[0].json()["summary"]
        assert proc.wait(timeout=15) in (0, -signal.SIGTERM)
        assert time.perf_counter() - stopped < 10
        log = proc.stdout.read() if proc.stdout else ""
        assert "Traceback" not in log


def test_a_burst_gets_answers_not_connection_errors(ferry: list[dict[str, Any]]) -> None:
    """300 requests at once against a queue of 4: each one a 200 or a 429 with Retry-After."""
    env = {**os.environ, "SUMMARIZER_MAX_QUEUE": "4"}
    env.pop("SUMMARIZER_MODEL", None)

    async def burst(url: str) -> list[httpx.Response]:
        limits = httpx.Limits(max_connections=300, max_keepalive_connections=0)
        async with httpx.AsyncClient(timeout=60, limits=limits) as client:
            return await asyncio.gather(
                *(client.post(f"{url}/v1/summarize", json={"articles": ferry}) for _ in range(300))
            )

    with start_server(env) as (_, url):
        answers = asyncio.run(burst(url))  # a connection error would raise here
        statuses = Counter(r.status_code for r in answers)
        assert set(statuses) <= {200, 429} and statuses[200] > 0 and statuses[429] > 0, statuses
        assert all(r.headers["retry-after"] == "1" for r in answers if r.status_code == 429)
        assert httpx.post(f"{url}/v1/summarize", json={"articles": ferry}, timeout=30).status_code == 200
