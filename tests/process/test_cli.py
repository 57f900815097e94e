"""`newsdigest` as real processes: the sample article, bad input, `serve` and `--url`, `eval`, `--model`.

`python -m service.cli` is what the `newsdigest` script runs (pyproject's [project.scripts]).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from service.api.schemas import SummarizeResponse
from tests.support.articles import SHARED
from tests.support.cli import assert_same_answer
from tests.support.servers import free_port, launch

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = SHARED / "data" / "articles" / "zelensky-turkey-talks.txt"
KEY = "correct-horse"


def newsdigest(
    *argv: str, stdin: bytes = b"", cwd: Path = ROOT, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """`newsdigest ARGS...` in a process of its own; no traceback, whatever happens."""
    done = subprocess.run(
        [sys.executable, "-m", "service.cli", *argv],
        input=stdin,
        capture_output=True,
        cwd=cwd,
        env=env if env is not None else clean_env(),
        timeout=120,
    )
    result = subprocess.CompletedProcess(
        done.args, done.returncode, done.stdout.decode("utf-8"), done.stderr.decode("utf-8")
    )
    assert "Traceback" not in result.stderr, result.stderr
    return result


def clean_env(**extra: str) -> dict[str, str]:
    """This environment without the service's settings (the defaults apply), plus `extra`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SUMMARIZER_", "NEWSDIGEST_"))}
    return {**env, **extra}


@pytest.fixture(scope="module")
def sample() -> Path:
    if not SAMPLE.is_file():
        pytest.skip(f"sample article not found at {SAMPLE} (evaluation data, not in the repo)")
    return SAMPLE


@pytest.fixture
def files(tmp_path: Path, ferry: list[dict[str, Any]]) -> list[str]:
    for a in ferry:
        (tmp_path / f"{a['id']}.txt").write_text(a["text"], encoding="utf-8")
    return [f"{a['id']}.txt" for a in ferry]


@pytest.mark.shared
def test_the_sample_article_from_a_file_and_from_stdin_as_json_and_text(sample: Path) -> None:
    from_file = newsdigest("summarize", str(sample), "--json")
    from_stdin = newsdigest("summarize", "-", "--json", stdin=sample.read_bytes())
    assert from_file.returncode == from_stdin.returncode == 0, from_file.stderr + from_stdin.stderr
    a = SummarizeResponse.model_validate_json(from_file.stdout)
    b = SummarizeResponse.model_validate_json(from_stdin.stdout)
    # The same article: the same answer, but for the id it goes by and the times taken.
    differ = {"key_facts", "timings_ms"}
    assert a.model_dump(exclude=differ) == b.model_dump(exclude=differ)
    assert [(f.text, f.support) for f in a.key_facts] == [(f.text, f.support) for f in b.key_facts]
    assert a.engine == "embedded" and 0 < len(a.summary.split()) <= 100 and len(a.key_facts) == 5
    text = sample.read_text(encoding="utf-8")
    for fact in a.key_facts:
        assert {s.article_id for s in fact.sources} == {str(sample)}
        (src,) = fact.sources
        assert text[src.start : src.end].split() == fact.text.split()

    as_text = newsdigest("summarize", str(sample)), newsdigest("summarize", "-", stdin=sample.read_bytes())
    for run in as_text:
        assert run.returncode == 0 and run.stderr == ""
        lines = run.stdout.splitlines()
        assert lines[:2] == ["Summary", a.summary]
        start = lines.index("Key facts") + 1
        for n, (line, fact) in enumerate(zip(lines[start : start + 5], a.key_facts, strict=True), 1):
            assert line == f"{n}. {fact.text} [1:{fact.sources[0].sentence + 1}] (support 1)"
    assert f"Articles: [1] {sample}" in as_text[0].stdout and "Articles: [1] stdin" in as_text[1].stdout


@pytest.mark.parametrize(
    ("argv", "env", "status", "stderr"),
    [
        (["empty.txt"], {}, 3, "body.articles.0.text (empty.txt): `text` must not be empty"),
        (["FILES"], {"SUMMARIZER_MAX_ARTICLES": "2"}, 3, "invalid_request: at most 2 articles per request"),
        (["missing.txt"], {}, 2, "newsdigest: error: cannot read missing.txt: No such file or directory"),
        (["FILES"], {"SUMMARIZER_ENGINE": "seq2seq"}, 2, "invalid settings"),
    ],
    ids=["empty-file", "too-many-articles", "no-such-file", "bad-settings"],
)
def test_bad_input_ends_with_a_status_and_a_message(
    tmp_path: Path, files: list[str], argv: list[str], env: dict[str, str], status: int, stderr: str
) -> None:
    (tmp_path / "empty.txt").write_bytes(b"")
    expanded = [a for arg in argv for a in (files if arg == "FILES" else [arg])]
    run = newsdigest("summarize", *expanded, cwd=tmp_path, env=clean_env(**env))
    assert run.returncode == status
    assert stderr in run.stderr and run.stdout == ""


@pytest.fixture(scope="module")
def service() -> Iterator[str]:
    """`newsdigest serve` with an API key and at most two articles a request."""
    env = clean_env(SUMMARIZER_API_KEY=KEY, SUMMARIZER_MAX_ARTICLES="2")
    command = [sys.executable, "-m", "service.cli", "serve", "--host", "127.0.0.1"]
    with launch(command, env, cwd=ROOT) as (url, _):
        yield url


def test_url_mode_answers_what_post_answers(service: str, tmp_path: Path, files: list[str]) -> None:
    two = files[:2]
    run = newsdigest("summarize", *two, "--json", "-n", "3", "--url", service, "--api-key", KEY, cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    body = {
        "articles": [{"text": (tmp_path / f).read_text(), "id": f} for f in two],
        "options": {"num_facts": 3},
    }
    posted = httpx.post(f"{service}/v1/summarize", json=body, headers={"X-API-Key": KEY}, timeout=30)
    assert posted.status_code == 200
    assert_same_answer(json.loads(run.stdout), posted.json())
    # ... and what this process computes itself.
    here = newsdigest("summarize", *two, "--json", "-n", "3", cwd=tmp_path)
    assert_same_answer(json.loads(here.stdout), posted.json())

    text = newsdigest(
        "summarize", *two, "--url", service, cwd=tmp_path, env=clean_env(NEWSDIGEST_API_KEY=KEY)
    )
    assert text.returncode == 0 and text.stdout.startswith(f"Summary\n{posted.json()['summary']}\n")


@pytest.mark.parametrize(
    ("extra", "status", "stderr"),
    [
        ([], 5, "newsdigest: unauthorized: a valid API key is required"),
        (["--api-key", "wrong"], 5, "newsdigest: unauthorized: a valid API key is required"),
        (["--api-key", KEY, "FILE3"], 3, "newsdigest: invalid_request: at most 2 articles per request"),
    ],
    ids=["no-key", "wrong-key", "too-many-articles"],
)
def test_url_mode_errors_are_the_services(
    service: str, tmp_path: Path, files: list[str], extra: list[str], status: int, stderr: str
) -> None:
    argv = [files[2] if a == "FILE3" else a for a in extra]
    run = newsdigest("summarize", *files[:2], "--url", service, *argv, cwd=tmp_path)
    assert run.returncode == status
    assert run.stderr.startswith(stderr) and run.stdout == ""


def test_url_mode_without_a_service(tmp_path: Path, files: list[str]) -> None:
    url = f"http://127.0.0.1:{free_port()}"
    run = newsdigest("summarize", files[0], "--url", url, cwd=tmp_path)
    assert run.returncode == 9 and run.stderr.startswith(f"newsdigest: unreachable: cannot reach {url}")


def test_eval_is_the_harness_in_its_own_right() -> None:
    helped = newsdigest("eval", "--help")
    assert helped.returncode == 0
    assert helped.stdout.startswith("usage: python -m eval") and "paraphrase" in helped.stdout
    wrong = newsdigest("eval", "run", "--data", "nowhere.jsonl")
    assert wrong.returncode == 2 and "the following arguments are required: --out" in wrong.stderr


def test_a_model_in_this_process(tiny_models: dict[str, Path], tmp_path: Path, files: list[str]) -> None:
    env = clean_env(SUMMARIZER_SUMMARY_MAX_NEW_TOKENS="8", SUMMARIZER_FACTS_MAX_NEW_TOKENS="8")
    model = str(tiny_models["t5"])
    run = newsdigest("summarize", *files, "--model", model, "--json", cwd=tmp_path, env=env)
    assert run.returncode == 0, run.stderr
    data = SummarizeResponse.model_validate_json(run.stdout)
    assert data.engine == "seq2seq" and data.model == model and data.input.unit == "tokens"
    (tmp_path / "no-model").mkdir()  # a directory without a checkpoint: no download is tried
    missing = newsdigest("summarize", *files, "--model", str(tmp_path / "no-model"), cwd=tmp_path, env=env)
    assert missing.returncode == 7 and missing.stderr.startswith("newsdigest: engine_failed: ")


def test_the_installed_script() -> None:
    script = Path(sys.executable).parent / "newsdigest"
    if not script.exists():
        pytest.skip(f"no {script}: `pip install -e .` installs the newsdigest script")
    run = subprocess.run([str(script), "--help"], capture_output=True, text=True, timeout=60)
    assert run.returncode == 0 and run.stdout.startswith("usage: newsdigest ")
