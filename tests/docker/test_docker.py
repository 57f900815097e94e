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
EMBEDDED_IMAGE = "newsdigest:test-embedded"
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


def _build_context(tmp: Path, model: Path | None, *requirements_args: str) -> Path:
    """The repository's files, a wheelhouse of the requirements `.ci/requirements.py` lists for
    `requirements_args` (as the README's offline recipe makes it), and the checkpoint to bake in."""
    ctx = tmp / "context"
    ctx.mkdir()
    for name in ("Dockerfile", ".dockerignore", "pyproject.toml", "README.md"):
        shutil.copy2(ROOT / name, ctx / name)
    for name in ("service", "prompts", ".ci"):
        shutil.copytree(ROOT / name, ctx / name, ignore=shutil.ignore_patterns("__pycache__"))
    if model is not None:
        shutil.copytree(model, ctx / "model")
    listed = _run(sys.executable, str(ROOT / ".ci" / "requirements.py"), *requirements_args)
    _run(
        sys.executable,
        "-m",
        "pip",
        "wheel",
        "-q",
        "--wheel-dir",
        str(ctx / "wheelhouse"),
        *listed.stdout.split(),
        timeout=1200,
    )
    return ctx


def _build(docker: str, ctx: Path, tag: str, *build_args: str) -> subprocess.CompletedProcess[str]:
    args = [
        a
        for kv in (f"BASE_IMAGE={BASE_IMAGE}", "PIP_INSTALL_ARGS=--no-index", *build_args)
        for a in ("--build-arg", kv)
    ]
    return _run(docker, "build", "-q", "-t", tag, *args, str(ctx), timeout=1800)


@pytest.fixture(scope="module", autouse=True)
def _prune_build_stages() -> Iterator[None]:
    """The classic builder leaves each build's dependency stage as an untagged image (1-2 GB):
    removed by the label the Dockerfile gives it, once this module's builds are done."""
    yield
    docker = _docker()
    if _engine_up(docker):
        _run(docker, "image", "prune", "-f", "--filter", "label=newsdigest.stage=deps", check=False)


@pytest.fixture(scope="module")
def image(tiny_models: dict[str, Path], tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    tmp = tmp_path_factory.mktemp("docker")
    docker = _ensure_ready()
    try:
        ctx = _build_context(tmp, tiny_models["t5"], "--extras", ",".join(EXTRAS))
        _build(docker, ctx, IMAGE, f"EXTRAS={','.join(EXTRAS)}")
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


@pytest.fixture(scope="module")
def embedded_image(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """The image with the embedded engine only (ENGINE=embedded): no torch, no transformers."""
    tmp = tmp_path_factory.mktemp("docker-embedded")
    docker = _ensure_ready()
    try:
        ctx = _build_context(tmp, None, "--engine", "embedded")
        _build(docker, ctx, EMBEDDED_IMAGE, "ENGINE=embedded")
    except subprocess.CalledProcessError as exc:
        _unavailable(f"{' '.join(exc.cmd[:3])} failed: {exc.stderr[-2000:]}")
    except subprocess.TimeoutExpired as exc:
        _unavailable(f"{exc.cmd} timed out")
    yield docker, ctx


def test_the_embedded_only_image_serves_without_torch_and_refuses_a_model_saying_why(
    embedded_image: tuple[str, Path], image: str, ferry: list[dict[str, Any]], tiny_models: dict[str, Path]
) -> None:
    docker, ctx = embedded_image
    name = f"newsdigest-test-{uuid.uuid4().hex[:8]}"
    port = free_port()
    _run(docker, "run", "-d", "--name", name, "-p", f"127.0.0.1:{port}:8000", EMBEDDED_IMAGE)
    try:
        url = f"http://127.0.0.1:{port}"
        _wait_ready(docker, name, url)
        assert httpx.get(f"{url}/readyz").json() == {"status": "ready", "engine": "embedded", "model": None}
        r = httpx.post(
            f"{url}/v1/summarize", json={"articles": ferry[:2], "options": {"max_words": 40}}, timeout=60
        )
        assert r.status_code == 200, r.text
        assert r.json()["summary"] and r.json()["key_facts"]
        for module in ("torch", "transformers"):
            probe = _run(docker, "exec", name, "python", "-c", f"import {module}", check=False)
            assert probe.returncode != 0 and "No module named" in probe.stderr
    finally:
        _run(docker, "rm", "-f", name, check=False)

    # Asked for a model, it stops at once and says why (not a traceback from an import).
    refused = _run(
        docker, "run", "--rm", "-e", "SUMMARIZER_MODEL=/models/m", EMBEDDED_IMAGE, check=False, timeout=60
    )
    assert refused.returncode == 2
    assert "needs the seq2seq engine's packages" in refused.stderr and "Traceback" not in refused.stderr

    # Far smaller than the image with both engines.
    size = {
        tag: int(_run(docker, "image", "inspect", "-f", "{{.Size}}", tag).stdout)
        for tag in (EMBEDDED_IMAGE, IMAGE)
    }
    assert size[EMBEDDED_IMAGE] < 0.5 * size[IMAGE], size

    # A checkpoint in the context cannot be baked into it: the build says so and fails.
    shutil.copytree(tiny_models["t5"], ctx / "model")
    try:
        failed = _run(
            docker,
            "build",
            "-t",
            EMBEDDED_IMAGE + "-model",
            "--build-arg",
            f"BASE_IMAGE={BASE_IMAGE}",
            "--build-arg",
            "PIP_INSTALL_ARGS=--no-index",
            "--build-arg",
            "ENGINE=embedded",
            str(ctx),
            check=False,
            timeout=1800,
        )
    finally:
        shutil.rmtree(ctx / "model")
    assert failed.returncode != 0
    assert "ENGINE=embedded has no torch to serve a model with" in failed.stdout + failed.stderr
