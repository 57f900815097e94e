"""`newsdigest batch` in this process: its flags, and the runs that need no Ray (nothing left to
do, nothing usable), which end before a cluster starts."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.distributed.texts import cluster_articles
from tests.support.cli import Cli, runner


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> Cli:
    return runner(capsys, monkeypatch)


@pytest.fixture
def source(tmp_path: Path) -> Path:
    path = tmp_path / "in.jsonl"
    rows = [{"id": f"c{i}", "articles": cluster_articles(i)} for i in range(3)]
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return path


def test_batch_is_a_command_with_its_own_help(cli: Cli) -> None:
    assert "batch       summarize every cluster of a JSONL file on Ray" in cli("--help").out
    shown = cli("batch", "--help")
    assert shown.status == 0
    assert "--address" in shown.out and "3   some rows were skipped" in shown.out


@pytest.mark.parametrize(
    ("flags", "message"),
    [
        (["--actors", "0"], "--actors and --batch-size must be at least 1"),
        (["--num-gpus", "-1"], "must not be negative"),
        (["--max-words", "5"], "--max-words must be between 10 and 1000"),
        (["--num-facts", "51"], "--num-facts must be between 0 and 50"),
    ],
)
def test_bad_flags_are_usage_errors(cli: Cli, source: Path, flags: list[str], message: str) -> None:
    done = cli("batch", str(source), str(source.with_name("out.jsonl")), *flags)
    assert done.status == 2 and message in done.err


def test_unreadable_input_same_file_and_bad_settings_are_usage_errors(
    cli: Cli, source: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    missing = cli("batch", str(source.with_name("nowhere.jsonl")), "out.jsonl")
    assert missing.status == 2 and "no such file" in missing.err
    assert cli("batch", str(source), str(source)).status == 2
    monkeypatch.setenv("SUMMARIZER_MAX_QUEUE", "0")
    invalid = cli("batch", str(source), str(source.with_name("out.jsonl")))
    assert invalid.status == 2 and "invalid settings: max_queue" in invalid.err


def test_a_finished_job_resumes_to_nothing_without_starting_ray(cli: Cli, source: Path) -> None:
    out = source.with_name("out.jsonl")
    out.write_text("".join(json.dumps({"id": f"c{i}", "summary": "s"}) + "\n" for i in range(3)))
    done = cli("batch", str(source), str(out))
    assert done.status == 0, done.err
    assert "0 written, 3 already in" in done.err


def test_rows_that_are_all_bad_are_reported_without_starting_ray(cli: Cli, tmp_path: Path) -> None:
    source = tmp_path / "in.jsonl"
    source.write_text('{"id": "x", "documents": []}\nnot json\n')
    done = cli("batch", str(source), str(tmp_path / "out.jsonl"))
    assert done.status == 3
    assert "skipped in.jsonl:1 (id x): articles:" in done.err
    assert "skipped in.jsonl:2: not JSON" in done.err
    assert "0 written, 0 already in" in done.err and "2 bad rows skipped" in done.err


def test_an_output_that_is_not_a_batch_output_is_left_alone(cli: Cli, source: Path) -> None:
    out = source.with_name("out.jsonl")
    out.write_text('{"id": "c0"}\nsomething else\n{"id": "c1"}\n')
    done = cli("batch", str(source), str(out))
    assert done.status == 2 and "is this a batch output?" in done.err
    assert out.read_text() == '{"id": "c0"}\nsomething else\n{"id": "c1"}\n'
