"""The plain-text report of a pages run (results.json in, a few lines out)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def _share(block: Mapping[str, Any]) -> str:
    if not block["sentences"]:
        return "none scored"
    head = f", {block['in_headline']} of them in a headline" if block["in_headline"] else ""
    return f"{block['found']} of {block['sentences']} in the article ({block['share']:.1%}){head}"


def _times(t: Mapping[str, float] | None) -> str:
    return "n/a" if t is None else f"p50 {t['p50']:.0f}, p90 {t['p90']:.0f}, max {t['max']:.0f}"


def pages_table(results: Mapping[str, Any]) -> str:
    """What the service said about the pages, and how much of it is in their articles."""
    r = results
    s = r["settings"]
    sut = s["system_under_test"]
    where = sut.get("url") or "the app in this process"
    lines = [
        f"pages: {s['data']} ({r['pages']} pages), service: {where}",
        f"refused: {r['refused']} of {r['pages']}" + (":" if r["refused"] else ""),
        *(f"  {n:>4}  {reason}" for reason, n in r["refused_by_reason"].items()),
        f"answered: {r['answered']}, of them with no summary: {r['no_summary']}",
        f"summary sentences: {_share(r['summary'])}",
        f"key facts: {_share(r['facts'])}",
        f"junk first sentence: {r['junk_first']} of {r['with_summary']} pages with a summary",
        f"server time (timings_ms.total, ms): {_times(r['server_ms'])}",
        f"client wall time (ms): {_times(r['wall_ms'])}; refusals included: {_times(r['wall_ms_all'])}",
    ]
    return "\n".join(lines) + "\n"
