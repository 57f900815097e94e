"""The plain-text table of a digest run."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def digest_table(results: Mapping[str, Any]) -> str:
    lines = [
        "| mix | articles | stories (true) | B-cubed P | R | F1 | R-2 story | R-2 alone | diff |"
        " group s | summarize s |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for m in results["mixes"]:
        b, r, t = m["bcubed"], m.get("rouge") or {}, m["timings_ms"]
        lines.append(
            f"| {m['mix']} | {m['articles']} | {b['stories']} ({b['clusters']}) | {b['precision']:.3f} |"
            f" {b['recall']:.3f} | {b['f1']:.3f} | {r.get('story_r2', 'n/a')} | {r.get('alone_r2', 'n/a')} |"
            f" {r.get('difference', 'n/a')} | {t['group'] / 1e3:.1f} | {t['summarize'] / 1e3:.1f} |"
        )
    return "\n".join(lines) + "\n"
