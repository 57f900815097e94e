"""The Docker image, built and run for real: offline build from a wheelhouse, a tiny checkpoint baked in.

Needs a running Docker engine and the base image `newsdigest-base:bookworm`, made from Debian
packages since no registry of container images is reachable here: `.ci/prepare-docker` prepares
both (CI runs it). Tests install nothing. In CI (CI=true) a missing engine or image is a test
failure, never a skip; elsewhere the tests skip and say why.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
import tomllib
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.support.servers import free_port, wait_ready

pytestmark = pytest.mark.docker

ROOT = Path(__file__).resolve().parents[2]
BASE_IMAGE = "newsdigest-base:bookworm"
IMAGE = "newsdigest:test"
# Built in, as users add them (--build-arg EXTRAS=...): the CTranslate2 backend is tested in the image.
EXTRAS = ("ctranslate2",)
# The classic builder: BuildKit needs the buildx plugin, which Debian's docker.io lacks.
ENV = {**os.environ, "DOCKER_BUILDKIT": "0"}


def _unavailable(reason: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(f"Docker could not be made to work in CI: {reason}")
    pytest.skip(f"no usable Docker here: {reason}")


def _run(*cmd: str, timeout: float = 600, check: bool = True, **kw: Any) -> subprocess.CompletedProcess[str]:
    return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, check=check, env=ENV, **kw)


def _docker() -> str:
    # Debian's client matches Debian's engine; a newer client elsewhere on PATH may want buildx.
    return "/usr/bin/docker" if Path("/usr/bin/docker").exists() else (shutil.which("docker") or "docker")


def _engine_up(docker: str) -> bool:
    try:
        return _run(docker, "info", timeout=20, check=False).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        return False


def _ensure_ready() -> str:
    """The docker client, once the engine and the base image are there (`.ci/prepare-docker`)."""
    docker = _docker()
    if not _engine_up(docker):
        _unavailable("no Docker engine runs here (as root, `bash .ci/prepare-docker` starts one)")
    if _run(docker, "image", "inspect", BASE_IMAGE, check=False).returncode != 0:
        _unavailable(f"no base image {BASE_IMAGE} (as root, `bash .ci/prepare-docker` makes it)")
    return docker


def _build_context(tmp: Path, model: Path) -> Path:
    """The repository's files, a wheelhouse of its dependencies, and the checkpoint to bake in."""
    ctx = tmp / "context"
    ctx.mkdir()
    for name in ("Dockerfile", ".dockerignore", "pyproject.toml", "README.md"):
        shutil.copy2(ROOT / name, ctx / name)
    for name in ("service", "prompts"):
        shutil.copytree(ROOT / name, ctx / name, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(model, ctx / "model")
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    requirements = project["dependencies"] + [r for e in EXTRAS for r in project["optional-dependencies"][e]]
    _run(
        sys.executable,
        "-m",
        "pip",
        "wheel",
        "-q",
        "--wheel-dir",
        str(ctx / "wheelhouse"),
        *requirements,
        timeout=1200,
    )
    return ctx


@pytest.fixture(scope="module")
def image(tiny_models: dict[str, Path], tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    tmp = tmp_path_factory.mktemp("docker")
    docker = _ensure_ready()
    try:
        ctx = _build_context(tmp, tiny_models["t5"])
        _run(
            docker,
            "build",
            "-q",
            "-t",
            IMAGE,
            "--build-arg",
            f"BASE_IMAGE={BASE_IMAGE}",
            "--build-arg",
            "PIP_INSTALL_ARGS=--no-index",
            "--build-arg",
            f"EXTRAS={','.join(EXTRAS)}",
            str(ctx),
            timeout=1800,
        )
    except subprocess.CalledProcessError as exc:
        _unavailable(f"{' '.join(exc.cmd[:3])} failed: {exc.stderr[-2000:]}")
    except subprocess.TimeoutExpired as exc:
        _unavailable(f"{exc.cmd} timed out")
    yield docker


@pytest.fixture
def container(image: str) -> Iterator[tuple[str, str, str]]:
    docker = image
    name = f"newsdigest-test-{uuid.uuid4().hex[:8]}"
    port = free_port()
    _run(docker, "run", "-d", "--name", name, "-p", f"127.0.0.1:{port}:8000", IMAGE)
    try:
        yield docker, name, f"http://127.0.0.1:{port}"
    finally:
        _run(docker, "rm", "-f", name, check=False)


def _wait_ready(docker: str, name: str, url: str) -> None:
    def engine_not_failed() -> bool:
        try:
            return httpx.get(f"{url}/healthz", timeout=2).status_code != 503
        except httpx.TransportError:
            return True  # not listening yet

    if wait_ready(url, 120, alive=engine_not_failed):
        return
    logs = _run(docker, "logs", name, check=False)
    lines = [line for line in (logs.stdout + logs.stderr).splitlines() if "GET /" not in line]
    pytest.fail("container not ready:\n" + "\n".join(lines[-60:]))


def test_container_serves_the_baked_model_as_non_root_and_stops_fast(
    container: tuple[str, str, str], ferry: list[dict[str, Any]]
) -> None:
    docker, name, url = container
    _wait_ready(docker, name, url)
    assert httpx.get(f"{url}/readyz").json()["engine"] == "seq2seq"

    r = httpx.post(
        f"{url}/v1/summarize", json={"articles": ferry[:2], "options": {"max_words": 30}}, timeout=120
    )
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["engine"] == "seq2seq" and body["model"] == "/opt/model"
    assert {"summary", "key_facts", "input", "timings_ms", "generated_tokens"} <= set(body)
    assert [a["article"] for a in body["input"]["articles"]] == [0, 1]
    assert httpx.post(f"{url}/v1/summarize", json={"articles": []}).status_code == 422

    uid = _run(docker, "exec", name, "id", "-u").stdout.strip()
    assert uid != "0"
    config = json.loads(_run(docker, "inspect", name).stdout)[0]["Config"]
    assert config["User"] not in ("", "0", "root") and "8000/tcp" in config["ExposedPorts"]
    assert config["Healthcheck"]["Test"][-1].endswith("/readyz', timeout=2).status != 200)")

    start = time.monotonic()
    _run(docker, "stop", name, timeout=30)
    assert time.monotonic() - start < 10
    logs = _run(docker, "logs", name, check=False)
    assert "Application shutdown complete" in logs.stdout + logs.stderr


def _serve(docker: str, *args: str) -> tuple[str, str]:
    name = f"newsdigest-test-{uuid.uuid4().hex[:8]}"
    port = free_port()
    _run(docker, "run", "-d", "--name", name, "-p", f"127.0.0.1:{port}:8000", *args, IMAGE)
    url = f"http://127.0.0.1:{port}"
    _wait_ready(docker, name, url)
    return name, url


def test_runtime_settings_pick_the_engine_and_a_mounted_model(
    image: str, tiny_models: dict[str, Path], tmp_path: Path
) -> None:
    docker = image
    names = []
    try:
        name, url = _serve(docker, "-e", "SUMMARIZER_ENGINE=embedded")
        names.append(name)
        assert httpx.get(f"{url}/readyz").json() == {"status": "ready", "engine": "embedded", "model": None}
        # A mounted checkpoint must be readable by the image's user (uid 10001).
        mounted = tmp_path / "bart"
        shutil.copytree(tiny_models["bart"], mounted)
        mounted.chmod(0o755)
        for f in mounted.iterdir():
            f.chmod(0o644)
        name, url = _serve(docker, "-v", f"{mounted}:/models/bart:ro", "-e", "SUMMARIZER_MODEL=/models/bart")
        names.append(name)
        assert httpx.get(f"{url}/readyz").json() == {
            "status": "ready",
            "engine": "seq2seq",
            "model": "/models/bart",
        }
    finally:
        for name in names:
            _run(docker, "rm", "-f", name, check=False)


def test_the_ctranslate2_extra_converts_and_serves_the_baked_model(
    image: str, ferry: list[dict[str, Any]]
) -> None:
    docker = image
    name, url = _serve(
        docker, "-e", "SUMMARIZER_BACKEND=ctranslate2", "-e", "SUMMARIZER_COMPUTE_TYPE=float32"
    )
    try:
        r = httpx.post(
            f"{url}/v1/summarize", json={"articles": ferry[:2], "options": {"max_words": 30}}, timeout=120
        )
        assert r.status_code == 200, r.text
        assert r.json()["engine"] == "seq2seq" and r.json()["generated_tokens"] > 0
        # Converted on first load, by the image's user, into the image's writable cache.
        listing = _run(docker, "exec", name, "sh", "-c", "ls /tmp/ct2/*/model.bin").stdout
        assert listing.strip().endswith("model.bin")
    finally:
        _run(docker, "rm", "-f", name, check=False)
