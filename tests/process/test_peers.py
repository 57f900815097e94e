"""The benchmark peers answer real requests: a broken peer would make every ratio a fiction.

`benchmarks.litserve_app` and `benchmarks.plain_app` are started as `benchmarks.batching` starts
them, on the tiny T5 built in this session, and sent the same body the load test sends.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import httpx
import pytest

from tests.support.servers import launch

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.slow


@pytest.mark.parametrize("peer", ["litserve", "plain", "litserve-ct2"])
def test_a_peer_answers_a_cluster(peer: str, tiny_models: dict[str, Path], tmp_path: Path) -> None:
    model = tiny_models["t5"]
    backend: list[str] = []
    if peer == "litserve-ct2":  # converted once, as benchmarks.batching does for the peer
        pytest.importorskip("ctranslate2", reason="the ctranslate2 extra is not installed")
        from service.engines.ct2 import convert

        convert(str(model), tmp_path / "ct2")
        model, backend = tmp_path / "ct2", ["--backend=ctranslate2", "--compute-type=int8"]
    cmd = [
        sys.executable,
        "-m",
        f"benchmarks.{peer.split('-')[0]}_app",
        f"--model={model}",
        *backend,
        "--max-input-tokens=64",
        "--summary-min-new-tokens=3",
        "--summary-max-new-tokens=6",
        "--facts-min-new-tokens=3",
        "--facts-max-new-tokens=5",
    ]
    body = {
        "articles": [
            {"text": "The council approved the budget on Monday."},
            {"text": "Rain fell in the north."},
        ],
        "options": {"max_words": 3, "num_facts": 2},
    }
    with launch(cmd, {**os.environ, "TOKENIZERS_PARALLELISM": "false"}, cwd=ROOT) as (url, _):
        r = httpx.post(f"{url}/v1/summarize", json=body, timeout=60)
    assert r.status_code == 200, r.text
    answer = r.json()
    assert isinstance(answer["summary"], str)
    assert isinstance(answer["key_facts"], list)
    # Each row stops at its own limit: 3 words of summary (1.6 tokens a word: 5) and 5 facts tokens
    # (a random model may emit padding, which is not counted: hence no lower bound).
    assert 0 <= answer["generated_tokens"] <= 5 + 5
