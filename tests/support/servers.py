"""A server process on this machine, as the tests and the benchmarks start it: a free port,
readiness from `/readyz`, a polite stop, and its memory from /proc (Linux)."""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import socket
import subprocess
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import IO

import httpx

log = logging.getLogger(__name__)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def wait_ready(url: str, timeout_s: float = 60.0, alive: Callable[[], bool] = lambda: True) -> bool:
    """Poll `url`/readyz until 200; False on timeout or once `alive()` says the server died."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline and alive():
        try:
            if httpx.get(f"{url}/readyz", timeout=2).status_code == 200:
                return True
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    return False


def status_kib(pid: int, field: str) -> int:
    """A memory figure of /proc/<pid>/status in KiB: VmRSS (resident now), VmHWM (peak)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1])
    raise RuntimeError(f"no {field} in /proc/{pid}/status")


@contextmanager
def launch(
    args: Sequence[str],
    env: Mapping[str, str],
    cwd: Path | None = None,
    stdout: int | IO[bytes] | None = subprocess.DEVNULL,
    timeout_s: float = 120.0,
) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """Run `args --port N` and yield (url, process) once ready; SIGTERM it (then SIGKILL) at the end.

    Its output goes to `stdout` (None: this process's own), stderr included. The server runs in a
    session of its own, and whatever of that session outlives it is killed at the end: LitServe's
    worker processes survive a SIGTERM to their parent and would keep spinning on the CPU.
    """
    port = free_port()
    proc = subprocess.Popen(
        [*args, "--port", str(port)],
        cwd=cwd,
        env=dict(env),
        stdout=stdout,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        if not wait_ready(url, timeout_s, alive=lambda: proc.poll() is None):
            raise RuntimeError(f"{' '.join(args)} exited or was not ready within {timeout_s:.0f} s")
        yield url, proc
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(30)
            except subprocess.TimeoutExpired:
                log.warning("server did not stop within 30 s of SIGTERM; killing it")
                proc.kill()
                proc.wait()
        with contextlib.suppress(ProcessLookupError):  # nothing of its session is left: fine
            os.killpg(proc.pid, signal.SIGKILL)
