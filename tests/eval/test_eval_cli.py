"""`python -m eval run` refuses out-of-range flags before anything loads (exit 2, stderr says why)."""

import os
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from eval.__main__ import EXTRA_MODULES, main
from eval.run import Evaluation, RunConfig
from service.errors import InvalidInput

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    ("flag", "value", "message"),
    [
        ("--max-words", "0", "argument --max-words: must be between 10 and 1000, got 0"),
        ("--max-words", "1", "argument --max-words: must be between 10 and 1000, got 1"),
        ("--max-words", "1001", "argument --max-words: must be between 10 and 1000, got 1001"),
        ("--max-words", "ten", "argument --max-words: 'ten' is not an integer"),
        ("--num-facts", "-1", "argument --num-facts: must be between 0 and 50, got -1"),
        ("--num-facts", "51", "argument --num-facts: must be between 0 and 50, got 51"),
        ("--limit", "0", "argument --limit: must be at least 1, got 0"),
        ("--concurrency", "0", "argument --concurrency: must be at least 1, got 0"),
        ("--retries", "-1", "argument --retries: must be at least 0, got -1"),
        ("--seed", "1.5", "argument --seed: invalid int value: '1.5'"),
    ],
)
def test_bad_flags_exit_2_before_anything_loads(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], flag: str, value: str, message: str
) -> None:
    out = tmp_path / "run"
    # The data does not exist: had the flags been accepted, the error would be about the file.
    argv = ["run", "--data", str(tmp_path / "missing.jsonl"), "--out", str(out), f"{flag}={value}"]
    with pytest.raises(SystemExit) as exited:
        main(argv)
    assert exited.value.code == 2
    assert message in capsys.readouterr().err
    assert not out.exists()


@pytest.mark.parametrize(("flag", "value"), [("--max-words", "10"), ("--num-facts", "0"), ("--seed", "-3")])
def test_flags_at_their_bounds_are_accepted(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], flag: str, value: str
) -> None:
    argv = ["run", "--data", str(tmp_path / "missing.jsonl"), "--out", str(tmp_path / "run"), flag, value]
    assert main([*argv, "--no-engine"]) == 2  # got as far as reading the (missing) data
    assert "missing.jsonl" in capsys.readouterr().err


def test_a_run_configured_in_code_is_checked_too(tmp_path: Path) -> None:
    config = RunConfig(data=tmp_path / "missing.jsonl", out=tmp_path / "run", engine=None, max_words=5)
    with pytest.raises(InvalidInput, match="max_words must be between 10 and 1000, got 5"):
        Evaluation(config)


# A Python whose `eval` extra is not installed: a sitecustomize that makes the named modules
# unimportable (None in sys.modules: `import` raises ModuleNotFoundError, find_spec finds nothing).
BLOCKER = "import sys\nfor name in {names!r}:\n    sys.modules[name] = None\n"


def _without(tmp_path: Path, names: list[str], program: list[str]) -> subprocess.CompletedProcess[str]:
    site = tmp_path / "site"
    site.mkdir()
    (site / "sitecustomize.py").write_text(BLOCKER.format(names=names))
    env = {**os.environ, "PYTHONPATH": str(site)}
    argv = ["run", "--data", str(tmp_path / "data.jsonl"), "--out", str(tmp_path / "run")]
    return subprocess.run(
        [*program, *argv], env=env, capture_output=True, text=True, timeout=120, cwd=ROOT, check=False
    )


@pytest.mark.parametrize(
    ("blocked", "named"),
    [
        (["tqdm"], "missing: tqdm"),
        (["rouge_score", "matplotlib"], "missing: rouge_score, matplotlib"),
    ],
)
@pytest.mark.parametrize("program", ["python -m eval", "newsdigest eval"])
def test_without_the_eval_extra_it_says_what_to_install(
    tmp_path: Path, blocked: list[str], named: str, program: str
) -> None:
    argv = (
        [sys.executable, "-m", "eval"]
        if program == "python -m eval"
        else [str(Path(sys.executable).parent / "newsdigest"), "eval"]
    )
    done = _without(tmp_path, blocked, argv)
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr
    assert done.stdout == ""
    assert f"the evaluation harness needs the 'eval' extra, which is not installed ({named})" in done.stderr
    assert "pip install 'newsdigest[eval]'" in done.stderr
    assert not (tmp_path / "run").exists()


def test_the_extra_modules_are_the_eval_extra() -> None:
    extra = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["optional-dependencies"]["eval"]
    packages = {re.split(r"[<>=!~\[ ;]", req, maxsplit=1)[0].replace("-", "_") for req in extra}
    # Distributions whose import name is not their own name.
    imported_as = {"lingua_language_detector": "lingua"}
    assert {imported_as.get(p, p) for p in packages} == set(EXTRA_MODULES)
