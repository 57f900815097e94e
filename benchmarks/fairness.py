"""Fairness under mixed load: do ordinary requests wait behind big ones? (embedded engine)

    python -m benchmarks.fairness [--heavy 4] [--ordinary 8] [--rounds 3] [--lanes on off]

Starts the service as users do (`python -m service`, embedded engine) on a free loopback port, once
per setting of the light lane (`SUMMARIZER_LIGHT_LANE_CHARS`: the default, and 0 for one lane).
Each round sends `--heavy` big requests (three articles of 99,000 characters each, real DUC 2004
text run together) and, right after them, `--ordinary` two-article DUC 2004 requests, all at once,
and waits for every answer. Prints per setting: each round's slowest ordinary and slowest heavy
request, and over all rounds the p50 and the worst of the ordinary ones. Target (issue 29): the
slowest ordinary request within 2 s with the lane on.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import sys
import time
from pathlib import Path
from typing import Any

import httpx

from benchmarks.stats import percentile
from eval.data import load_examples
from tests.support.servers import launch

log = logging.getLogger(__name__)

ROOT = Path(__file__).resolve().parents[1]
DUC = ROOT.parent / "shared" / "data" / "duc2004" / "duc2004_task2.jsonl"
HEAVY_CHARS = 99_000


def bodies(
    data: Path, heavy: int, ordinary: int, round_: int
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """This round's big and ordinary requests, from clusters the earlier rounds did not use."""
    examples = load_examples(data)
    texts = [d.text for ex in examples for d in ex.documents]

    def long_text(start: int) -> str:
        out, i = "", start
        while len(out) < HEAVY_CHARS:
            out += texts[i % len(texts)] + "\n\n"
            i += 1
        return out[:HEAVY_CHARS]

    big = [
        {"articles": [{"text": long_text(97 * (round_ * heavy + h) + 31 * k)} for k in range(3)]}
        for h in range(heavy)
    ]
    small = []
    for o in range(ordinary):
        ex = examples[(round_ * ordinary + o) % len(examples)]
        small.append({"articles": [{"text": d.text} for d in ex.documents[:2]]})
    return big, small


async def one_round(
    url: str, big: list[dict[str, Any]], small: list[dict[str, Any]]
) -> tuple[list[float], list[float]]:
    async with httpx.AsyncClient(base_url=url, timeout=300) as client:

        async def post(body: dict[str, Any]) -> float:
            t0 = time.perf_counter()
            r = await client.post("/v1/summarize", json=body)
            r.raise_for_status()
            return time.perf_counter() - t0

        heavy_tasks = [asyncio.ensure_future(post(b)) for b in big]
        await asyncio.sleep(0)  # the big ones are sent first: the case that used to hurt
        ordinary_tasks = [asyncio.ensure_future(post(b)) for b in small]
        heavy_s = await asyncio.gather(*heavy_tasks)
        ordinary_s = await asyncio.gather(*ordinary_tasks)
    return list(heavy_s), list(ordinary_s)


def measure(lane_chars: int | None, args: argparse.Namespace) -> list[tuple[list[float], list[float]]]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SUMMARIZER_")}
    env["SUMMARIZER_MAX_QUEUE"] = str(args.heavy + args.ordinary + 4)
    if lane_chars is not None:
        env["SUMMARIZER_LIGHT_LANE_CHARS"] = str(lane_chars)
    rounds = []
    with launch([sys.executable, "-m", "service", "--host", "127.0.0.1"], env, cwd=ROOT) as (url, _):
        warm_big, warm_small = bodies(args.data, 1, 1, args.rounds)
        asyncio.run(one_round(url, warm_big, warm_small))  # first-use costs are not a round's
        for r in range(args.rounds):
            big, small = bodies(args.data, args.heavy, args.ordinary, r)
            rounds.append(asyncio.run(one_round(url, big, small)))
    return rounds


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.fairness", description=__doc__)
    parser.add_argument("--data", type=Path, default=DUC)
    parser.add_argument("--heavy", type=int, default=4)
    parser.add_argument("--ordinary", type=int, default=8)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--lanes", nargs="+", choices=["on", "off"], default=["on", "off"])
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    logging.getLogger("httpx").setLevel(logging.WARNING)
    if not args.data.exists():
        log.error("DUC 2004 not found at %s (see ../shared/README.md)", args.data)
        return 2
    for lanes in args.lanes:
        rounds = measure(None if lanes == "on" else 0, args)
        label = "light lane on (default)" if lanes == "on" else "one lane (SUMMARIZER_LIGHT_LANE_CHARS=0)"
        log.info("%s:", label)
        every: list[float] = []
        for r, (heavy_s, ordinary_s) in enumerate(rounds):
            every += ordinary_s
            log.info(
                "  round %d: slowest ordinary %.2f s, slowest heavy %.2f s",
                r + 1,
                max(ordinary_s),
                max(heavy_s),
            )
        log.info(
            "  ordinary over %d rounds: p50 %.2f s, slowest %.2f s",
            len(rounds),
            percentile(every, 50),
            max(every),
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
