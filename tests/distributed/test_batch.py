"""`newsdigest batch` on a real two-node cluster (`--address`): every cluster once, bad rows
reported and skipped, a rerun resumes, a killed actor costs nothing, and the harness reads the
output with `--systems`."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from tests.distributed.texts import cluster_articles
from tests.support.ray_cluster import RayCluster

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
ACTOR_TITLE = "ray::MapWorker(MapBatches(ClusterWorker))"


def write_rows(path: Path, rows: list[dict[str, Any]], extra_lines: tuple[str, ...] = ()) -> None:
    lines = [json.dumps(row) for row in rows] + list(extra_lines)
    path.write_text("\n".join(lines) + "\n")


def harness_rows(n: int, start: int = 0) -> list[dict[str, Any]]:
    """Clusters in the evaluation data's layout (documents with a headline, references)."""
    return [
        {
            "id": f"cluster-{i}",
            "documents": [
                {"text": a["text"], "headline": a["title"], "date": f"2026-03-0{k + 1}"}
                for k, a in enumerate(cluster_articles(i))
            ],
            "references": [f"A {cluster_articles(i)[0]['title'].lower()} was reported."],
        }
        for i in range(start, start + n)
    ]


def batch(cluster: RayCluster, *argv: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "service.cli", "batch", *argv, "--address", cluster.address],
        env=cluster.env,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def finish(proc: subprocess.Popen[str], timeout_s: float = 240) -> tuple[int, str]:
    _, err = proc.communicate(timeout=timeout_s)
    assert "Traceback" not in err, err[-3000:]
    return proc.returncode, err


def ids_in(path: Path) -> Counter[str]:
    return Counter(json.loads(line)["id"] for line in path.read_text().splitlines())


def test_every_cluster_once_bad_rows_skipped_a_rerun_resumes_and_eval_reads_it(
    cluster: RayCluster, tmp_path: Path
) -> None:
    good = harness_rows(12)
    source, out = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    bad = (
        "{not json",
        json.dumps({"id": "no-documents", "documents": []}),
        json.dumps({"id": "cluster-3", "documents": ["the same id again"]}),
        json.dumps({"id": "no-sentences", "documents": ["..."]}),  # refused by the engine, not the schema
    )
    write_rows(source, good, bad)
    status, err = finish(batch(cluster, str(source), str(out), "--actors", "2", "--num-cpus", "0.5"))
    assert status == 3, err
    assert "skipped in.jsonl:13: not JSON" in err
    assert "skipped in.jsonl:14 (id no-documents): articles" in err
    assert "skipped in.jsonl:15 (id cluster-3): id 'cluster-3' was already used above" in err
    assert "failed no-sentences: invalid_request" in err
    assert "12 written, 0 already" in err
    assert ids_in(out) == Counter(row["id"] for row in good)
    row = json.loads(out.read_text().splitlines()[0])
    assert set(row) == {"id", "system", "summary", "key_facts", "conflicts"}
    assert row["system"] == "newsdigest-embedded" and row["summary"] and row["key_facts"]

    # A rerun finds every cluster done; the bad rows are still reported.
    status, err = finish(batch(cluster, str(source), str(out)))
    assert status == 3 and "0 written, 12 already" in err, err
    assert ids_in(out) == Counter(row["id"] for row in good)

    # The harness scores the output as another system's.
    data = tmp_path / "data.jsonl"
    write_rows(data, good)
    run = subprocess.run(
        [sys.executable, "-m", "eval", "run", "--data", str(data), "--systems", str(out), "--no-engine"]
        + ["--baselines", "lead", "--out", str(tmp_path / "run")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stderr[-3000:]
    results = json.loads((tmp_path / "run" / "results.json").read_text())
    assert set(results["systems"]) == {"newsdigest-embedded", "lead"}
    scored = [json.loads(line) for line in (tmp_path / "run" / "examples.jsonl").read_text().splitlines()]
    ours = [r for r in scored if r["system"] == "newsdigest-embedded"]
    assert len(ours) == 12 and all(r["scores"] for r in ours)


def test_a_killed_actor_costs_no_row_and_no_row_twice(cluster: RayCluster, tmp_path: Path) -> None:
    rows = [
        {"id": f"k{i}", "articles": cluster_articles(500 + i, articles=4, sentences=12)} for i in range(120)
    ]
    source, out = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    write_rows(source, rows)
    proc = batch(cluster, str(source), str(out), "--actors", "2", "--num-cpus", "0.5", "--batch-size", "2")
    # Mid-job: some rows written, many to go.
    deadline = time.monotonic() + 120
    while not (out.exists() and len(out.read_text().splitlines()) >= 10):
        assert proc.poll() is None and time.monotonic() < deadline, "the job ended or stalled early"
        time.sleep(0.1)
    actors = cluster.processes(ACTOR_TITLE)
    assert actors, "no actor processes found"
    victim = next((pid for pid, node in actors.items() if node == "worker"), next(iter(actors)))
    os.kill(victim, signal.SIGKILL)
    status, err = finish(proc)
    assert status == 0, err[-3000:]
    assert "120 written" in err
    assert ids_in(out) == Counter(row["id"] for row in rows)


def test_a_killed_job_resumes_where_it_stopped(cluster: RayCluster, tmp_path: Path) -> None:
    rows = [
        {"id": f"r{i}", "articles": cluster_articles(800 + i, articles=4, sentences=12)} for i in range(80)
    ]
    source, out = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    write_rows(source, rows)
    proc = batch(cluster, str(source), str(out), "--batch-size", "2", "--num-cpus", "0.5")
    deadline = time.monotonic() + 120
    while not (out.exists() and len(out.read_text().splitlines()) >= 10):
        assert proc.poll() is None and time.monotonic() < deadline, "the job ended or stalled early"
        time.sleep(0.1)
    proc.kill()
    proc.communicate()
    first = len(ids_in(out))
    assert 10 <= first < 80
    status, err = finish(batch(cluster, str(source), str(out), "--actors", "2", "--num-cpus", "0.5"))
    assert status == 0, err[-3000:]
    assert f"{80 - first} written, {first} already" in err
    assert ids_in(out) == Counter(row["id"] for row in rows)
