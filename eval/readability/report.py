"""The plain-text table of a readability run."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def _pct(value: float | None) -> str:
    return "n/a" if value is None else format(value, ".2%")


def readability_table(results: Mapping[str, Any]) -> str:
    s = results["settings"]
    sut = s["system_under_test"]
    name = sut["engine"] + (f" ({sut['model']})" if sut.get("model") else "")
    lines = [
        f"readability: engine {name}, max_words {s['max_words']}, num_facts {s['num_facts']},"
        f" commit {s['git_commit']}",
        f"{'':<10} {'answers':>7} {'refused':>7} {'sentences':>9} {'dangling':>8} {'share':>7}"
        f" {'+credits':>8} {'share':>7} {'facts':>6} {'boilerplate':>11} {'leaks s/f':>9}",
    ]
    for label, b in [*results["by_dataset"].items(), ("all", results["all"])]:
        lines.append(
            f"{label:<10} {b['answers']:>7} {b['refused']:>7} {b['summary_sentences']:>9}"
            f" {b['dangling_starts']:>8} {_pct(b['dangling_start_share']):>7}"
            f" {b['dangling_starts'] + b['dangling_credits']:>8} {_pct(b['dangling_share_with_credits']):>7}"
            f" {b['facts']:>6} {b['boilerplate_facts']:>11}"
            f" {b['leaks_in_summaries']:>4}/{b['leaks_in_facts']:<4}"
        )
    kinds = ", ".join(f"{k} {v}" for k, v in results["all"]["dangling_by_kind"].items()) or "none"
    lines.append(f"dangling by kind: {kinds}")
    return "\n".join(lines) + "\n"
