"""Scoring-speed benchmark: N summaries against their references, per ROUGE setting.

    python -m benchmarks.scoring_speed [--n 10000] [--data DUC.jsonl --systems SUMREPO/*.jsonl]

Summaries and references come from the given files (default: DUC 2004 in ../shared), reused
round-robin up to N. Prints one line per setting: seconds and summaries per second.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from eval.data import load_examples, load_system_outputs
from eval.rouge import build_scorer

SHARED = Path(__file__).resolve().parents[2] / "shared" / "data" / "duc2004"
SETTINGS = [
    ("1.5.5", "-n 4 -m -a -l 100 -x"),
    ("1.5.5", "-n 2 -m -l 100"),
    ("1.5.5", "-n 2 -m -2 4 -u -l 100 -x"),
    ("rouge-score", ""),
]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.scoring_speed", description=__doc__)
    parser.add_argument("--n", type=int, default=10_000)
    parser.add_argument("--data", type=Path, default=SHARED / "duc2004_task2.jsonl")
    parser.add_argument(
        "--systems", type=Path, nargs="*", default=sorted((SHARED / "sumrepo").glob("[A-Z]*.jsonl"))
    )
    args = parser.parse_args(argv)
    refs = {e.id: e.references for e in load_examples(args.data)}
    pairs = [
        (s, refs[i]) for outputs in load_system_outputs(args.systems).values() for i, s in outputs.items()
    ]
    if not pairs:
        sys.stderr.write("no summaries found: give --data and --systems\n")
        return 2
    pairs = [pairs[k % len(pairs)] for k in range(args.n)]
    n_refs = sum(len(r) for _, r in pairs) / len(pairs)
    sys.stdout.write(f"{len(pairs)} summaries, {n_refs:.1f} references each\n")
    for convention, options in SETTINGS:
        scorer = build_scorer(convention, options)  # type: ignore[arg-type]
        start = time.perf_counter()
        for summary, references in pairs:
            scorer.score(summary, references)
        took = time.perf_counter() - start
        sys.stdout.write(
            f"{convention:12s} {options or '(rouge1/2/L/Lsum, stemmed)':32s} {took:7.1f} s"
            f"  {len(pairs) / took:8.0f} summaries/s\n"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
