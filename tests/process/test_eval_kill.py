"""`python -m eval run` killed with SIGKILL, then `--resume`d: nothing finished is redone or lost.

A real harness process on a dataset big enough to be mid-run when killed (the project's fixture
clusters repeated under distinct ids, with their articles rotated). It is killed twice: once while
the engine is producing rows and once while the baselines are, and resumed after each kill.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from eval.__main__ import main
from tests.support.articles import load_cluster

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = 400
SYSTEMS = ("engine:embedded", "lead", "oracle")
OPTIONS = ["--baselines", "lead,oracle", "--rouge", "1.5.5", "--rouge-options", "-n 2 -m -l 40"]
OPTIONS += ["--max-words", "40", "--seed", "3"]


@pytest.fixture(scope="module")
def dataset(tmp_path_factory: pytest.TempPathFactory) -> Path:
    clusters = [load_cluster("ferry_strike"), load_cluster("prisoner_exchange")]
    rows = []
    for i in range(EXAMPLES):
        articles = clusters[i % 2]
        k = (i // 2) % len(articles)
        rotated = articles[k:] + articles[:k]
        documents = [a["text"] for a in rotated][: 2 + i % 2]
        # A reference that varies with the example and that no system's output equals.
        head, tail = documents[-1].split("\n")[0].split(), documents[0].split("\n")[1].split()
        reference = " ".join(head[:10] + tail[-8:])
        rows.append({"id": f"c{i:04d}", "documents": documents, "references": [reference]})
    path = tmp_path_factory.mktemp("kill") / "data.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return path


def _start(data: Path, out: Path, log: Path, *extra: str) -> subprocess.Popen[bytes]:
    cmd = [sys.executable, "-m", "eval", "run", "--data", str(data), "--out", str(out), *OPTIONS, *extra]
    with log.open("wb") as f:
        return subprocess.Popen(cmd, cwd=ROOT, stdout=f, stderr=subprocess.STDOUT)


def _complete_lines(path: Path) -> int:
    return path.read_bytes().count(b"\n") if path.exists() else 0


def _kill_after(proc: subprocess.Popen[bytes], rows: Path, at_least: int) -> bytes:
    """SIGKILL the run once `at_least` rows are on disk; what the file held when it died."""
    deadline = time.monotonic() + 180
    while _complete_lines(rows) < at_least:
        assert proc.poll() is None, f"the run ended (rc {proc.returncode}) before {at_least} rows"
        assert time.monotonic() < deadline, f"fewer than {at_least} rows after 180 s"
        time.sleep(0.002)
    os.kill(proc.pid, signal.SIGKILL)
    assert proc.wait(30) == -signal.SIGKILL
    return rows.read_bytes()


def _engine_calls(log: Path) -> int:
    """Examples the engine summarized in that process, from its progress bar (absent when none)."""
    counts = re.findall(rb"engine:embedded: +\d+%\|[^|]*\| *(\d+)/(\d+)", log.read_bytes())
    return int(counts[-1][0]) if counts else 0


def _engine_rows(data: bytes) -> int:
    whole = data[: data.rfind(b"\n") + 1]
    return sum(system == "engine:embedded" for system, _ in _keys(_parse(whole)))


def _keys(rows: list[dict[str, Any]]) -> list[tuple[str, str]]:
    return [(r["system"], r["id"]) for r in rows]


def _parse(data: bytes) -> list[dict[str, Any]]:
    return [json.loads(line) for line in data.splitlines()]


def test_sigkill_then_resume_redoes_nothing_and_loses_nothing(dataset: Path, tmp_path: Path) -> None:
    out = tmp_path / "killed"
    rows = out / "examples.jsonl"
    logs = [tmp_path / f"run{i}.log" for i in range(3)]

    # 1. Killed while the engine writes its rows (they come first, one per example).
    first = _kill_after(_start(dataset, out, logs[0]), rows, EXAMPLES // 4)
    # 2. Resumed, then killed again while the baselines write theirs.
    resumed = _start(dataset, out, logs[1], "--resume")
    second = _kill_after(resumed, rows, EXAMPLES + EXAMPLES // 2)
    # 3. Resumed to the end.
    done = _start(dataset, out, logs[2], "--resume")
    assert done.wait(300) == 0, logs[2].read_text(errors="replace")[-2000:]
    final = rows.read_bytes()

    # Finished rows are never rewritten: each kill's complete lines are a prefix of what follows
    # (a torn last line, if the kill cut one, is the only thing dropped).
    for before in (first, second):
        whole = before[: before.rfind(b"\n") + 1]
        assert whole and final.startswith(whole)
    # Every (system, example) exactly once: a recomputed row would be appended a second time.
    keys = _keys(_parse(final))
    assert len(keys) == len(set(keys)) == EXAMPLES * len(SYSTEMS)
    # The engine ran only for what was left: its calls over the three processes add up to the
    # examples, and each resumed process summarized exactly the examples missing from the file.
    engine_done = [_engine_rows(b) for b in (first, second)]
    calls = [_engine_calls(log) for log in logs]
    assert calls[1] == EXAMPLES - engine_done[0] and calls[2] == EXAMPLES - engine_done[1]
    assert engine_done[0] < EXAMPLES == engine_done[1]  # the first kill came mid-engine, the second after

    # Scores and aggregates equal an uninterrupted run's.
    clean = tmp_path / "clean"
    assert main(["run", "--data", str(dataset), "--out", str(clean), *OPTIONS]) == 0
    clean_rows = _parse((clean / "examples.jsonl").read_bytes())
    want = dict(zip(_keys(clean_rows), clean_rows, strict=True))
    got = dict(zip(keys, _parse(final), strict=True))
    assert set(got) == set(want)
    for key, row in got.items():
        # elapsed_ms is a wall-clock measurement; everything else is determined by the inputs.
        assert {**row, "elapsed_ms": None} == {**want[key], "elapsed_ms": None}, key
    results = json.loads((out / "results.json").read_text())
    expected = json.loads((clean / "results.json").read_text())
    assert set(results["systems"]) == set(SYSTEMS) and all(
        s["n"] == EXAMPLES for s in results["systems"].values()
    )
    assert results["systems"] == expected["systems"]
    assert results["paired_tests"] == expected["paired_tests"]
    assert results["settings"]["examples"] == EXAMPLES
