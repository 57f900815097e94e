"""Server time of the default service on DUC 2004 clusters (10 articles each), or on any data.

    python -m benchmarks.engine_latency [--data DUC.jsonl] [--repeat 1] [--max-words 100]

Rows with a query (DUC 2006's topics) are sent with it, unless `--no-query`.

Each cluster is posted to the app in-process (the real routes, engine and runner) `--repeat`
times; prints p50/p90/max of the server's own total time (`timings_ms.total`) and of the
engine's stages, then what telling each article's language costs (`service.nlp.languages`, part of
`read`), per article, with the detector's model loaded as the service loads it at warm-up.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

from fastapi.testclient import TestClient

from benchmarks.stats import percentile
from eval.data import load_examples
from service.api.app import create_app
from service.nlp.languages import language_of
from service.settings import Settings

SHARED = Path(__file__).resolve().parents[2] / "shared" / "data" / "duc2004" / "duc2004_task2.jsonl"


def _percentiles(values: list[float]) -> str:
    p50, p90 = percentile(values, 50), percentile(values, 90)
    return f"p50 {p50:7.1f} ms  p90 {p90:7.1f} ms  max {max(values):7.1f} ms"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.engine_latency", description=__doc__)
    parser.add_argument("--data", type=Path, default=SHARED)
    # More than 1 re-sends clusters whose sentences the engine has read already (its word and
    # figure caches): a warm figure, not what new articles cost.
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--max-words", type=int, default=100)
    parser.add_argument("--no-query", action="store_true", help="leave the rows' queries out")
    args = parser.parse_args(argv)
    examples = load_examples(args.data)
    stages: dict[str, list[float]] = {}
    with TestClient(create_app(Settings())) as client:
        while client.get("/readyz").status_code != 200:
            pass
        for _ in range(args.repeat):
            for ex in examples:
                body = {
                    "articles": [{"text": d.text} for d in ex.documents],
                    "options": {"max_words": args.max_words},
                    **({"query": ex.query} if ex.query and not args.no_query else {}),
                }
                r = client.post("/v1/summarize", json=body)
                r.raise_for_status()
                for name, ms in r.json()["timings_ms"].items():
                    stages.setdefault(name, []).append(ms)
    n_articles = statistics.mean(len(e.documents) for e in examples)
    sys.stdout.write(f"{len(stages['total'])} requests, {n_articles:.0f} articles each\n")
    for name, values in stages.items():
        sys.stdout.write(f"{name:10s} {_percentiles(values)}\n")
    detect: list[float] = []
    for ex in examples:
        for d in ex.documents:
            t0 = time.perf_counter()
            language_of(d.text)
            detect.append((time.perf_counter() - t0) * 1e3)
    sys.stdout.write(f"language   {_percentiles(detect)}  (per article, {len(detect)} articles)\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
