"""A day's pile as one digest: server time for grouping and summarizing, against story-by-story.

    python -m benchmarks.digest [--sizes 250 500 1000] [--model DIR]

Starts the service as users do (`python -m service`, the embedded engine unless `--model`) on a
free loopback port. Each pile is real news: every DUC 2004 article, then DUC 2006 topics' articles,
each article once, shuffled, cut to the size asked. Each pile goes as one `POST /v1/digest`; the
benchmark prints the server's own timings (reading, grouping, summarizing; target, issue 30: the
1,000-article digest within 30 s on two cores) and the client's wall time. Beside the largest, what a
user does without a digest: one `POST /v1/summarize` per true cluster of the pile, one after the
other (the grouping done by hand, for free), and the ratio of the two wall times.
"""

from __future__ import annotations

import argparse
import hashlib
import logging
import os
import random
import sys
import time
from pathlib import Path
from typing import Any

import httpx

from eval.data import Document, load_examples
from tests.support.servers import launch

log = logging.getLogger(__name__)

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "data"
DUC04 = SHARED / "duc2004" / "duc2004_task2.jsonl"
DUC06 = SHARED / "duc2006" / "duc2006.jsonl"


def pile(size: int, seed: int) -> tuple[list[dict[str, Any]], list[str]]:
    """`size` articles (each once) and the cluster each comes from (the first it is in)."""
    seen: set[str] = set()
    articles: list[tuple[Document, str]] = []
    for path in (DUC04, DUC06):
        for e in load_examples(path):
            for d in e.documents:
                key = hashlib.sha1(" ".join(d.text.split()).encode()).hexdigest()
                if key not in seen:
                    seen.add(key)
                    articles.append((d, f"{path.stem}/{e.id}"))
    if size > len(articles):
        raise ValueError(f"at most {len(articles)} articles in the data, not {size}")
    chosen = articles[:size]
    random.Random(seed).shuffle(chosen)
    body = [
        {
            "text": d.text,
            **({"title": d.title} if d.title else {}),
            **({"published": d.date.isoformat()} if d.date else {}),
        }
        for d, _ in chosen
    ]
    return body, [label for _, label in chosen]


def measure(url: str, args: argparse.Namespace) -> None:
    """The digests of each size, then (unless --no-baseline) the largest story by story."""
    with httpx.Client(base_url=url, timeout=1800) as client:
        warm, _ = pile(20, args.seed + 1)
        client.post("/v1/digest", json={"articles": warm}).raise_for_status()  # first-use costs
        log.info("| articles | characters | stories | read s | group s | summarize s | server s | wall s |")
        log.info("|---|---|---|---|---|---|---|---|")
        walls: dict[int, float] = {}
        for size in sorted(args.sizes):
            articles, _ = pile(size, args.seed)
            t0 = time.perf_counter()
            r = client.post("/v1/digest", json={"articles": articles})
            walls[size] = time.perf_counter() - t0
            r.raise_for_status()
            data = r.json()
            t = {k: v / 1e3 for k, v in data["timings_ms"].items()}
            log.info(
                "| %d | %d | %d | %.1f | %.1f | %.1f | %.1f | %.1f |",
                size,
                sum(len(a["text"]) for a in articles),
                len(data["stories"]),
                t["read"],
                t["group"],
                t["summarize"],
                t["total"],
                walls[size],
            )
        if args.no_baseline:
            return
        largest = max(args.sizes)
        articles, labels = pile(largest, args.seed)
        clusters: dict[str, list[dict[str, Any]]] = {}
        for a, label in zip(articles, labels, strict=True):
            clusters.setdefault(label, []).append(a)
        t0 = time.perf_counter()
        for members in clusters.values():
            client.post("/v1/summarize", json={"articles": members[:25]}).raise_for_status()
        by_hand = time.perf_counter() - t0
        log.info(
            "story by story (%d true clusters, one /v1/summarize each): %.1f s wall; the digest of the"
            " same %d articles: %.1f s wall (%.2fx)",
            len(clusters),
            by_hand,
            largest,
            walls[largest],
            walls[largest] / by_hand,
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.digest", description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[250, 500, 1000])
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--model", help="a seq2seq checkpoint (SUMMARIZER_MODEL); default: the embedded engine"
    )
    parser.add_argument("--no-baseline", action="store_true", help="skip the story-by-story comparison")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    logging.getLogger("httpx").setLevel(logging.WARNING)
    if not (DUC04.exists() and DUC06.exists()):
        log.error("DUC 2004 / DUC 2006 not found under %s (see ../shared/README.md)", SHARED)
        return 2
    env = {k: v for k, v in os.environ.items() if not k.startswith("SUMMARIZER_")}
    env["SUMMARIZER_DIGEST_MAX_ARTICLES"] = str(max(1000, *args.sizes))
    env["SUMMARIZER_DIGEST_MAX_TOTAL_CHARS"] = str(10_000_000)
    if args.model:
        env["SUMMARIZER_MODEL"] = args.model
    with launch([sys.executable, "-m", "service", "--host", "127.0.0.1"], env, cwd=ROOT, timeout_s=600) as (
        url,
        _,
    ):
        measure(url, args)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
