"""`python -m benchmarks.soak`, small: it starts the service, sends varied requests, reads its memory."""

from __future__ import annotations

import json
import random
import subprocess
import sys
from pathlib import Path

import pytest

from benchmarks.soak import FIXTURES, load_fixtures, make_request

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]


def test_requests_vary_and_are_seeded() -> None:
    clusters = load_fixtures(FIXTURES)
    bodies = [make_request(clusters, random.Random(7)) for _ in range(2)]
    assert bodies[0] == bodies[1]
    rng = random.Random(0)
    many = [json.dumps(make_request(clusters, rng), sort_keys=True) for _ in range(200)]
    assert len(set(many)) > 150
    assert any(len(json.loads(b)["articles"]) > 1 for b in many)
    assert any("<p>" in a["text"] for b in many for a in json.loads(b)["articles"])


def test_soak_smoke(tmp_path: Path) -> None:
    out = tmp_path / "soak.json"
    r = subprocess.run(
        [sys.executable, "-m", "benchmarks.soak", "--requests", "50", "--warmup", "10", "--json", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert r.returncode == 0, r.stdout + r.stderr
    assert "requests:           50 (warm-up 10, concurrency 4)" in r.stdout
    assert "errors by status:   none" in r.stdout
    assert "warm-up done (10 requests)" in r.stderr  # progress goes to the log
    figures = json.loads(out.read_text())
    assert figures["requests"] == 50 and figures["errors"] == {}
    assert figures["throughput_rps"] > 0 and 0 < figures["latency_p50_ms"] <= figures["latency_p95_ms"]
    assert figures["rss_after_warmup_kib"] > 10_000 and figures["rss_end_kib"] > 10_000
    assert figures["rss_growth_pct"] == (figures["rss_end_kib"] / figures["rss_after_warmup_kib"] - 1) * 100
