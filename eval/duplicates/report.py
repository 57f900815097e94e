"""The plain-text table of a duplicates run."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def _fmt(value: float | None, spec: str = ".3f") -> str:
    return "n/a" if value is None else format(value, spec)


def duplicates_table(results: Mapping[str, Any]) -> str:
    s = results["settings"]
    sut = s["system_under_test"]
    name = sut["engine"] + (f" ({sut['model']})" if sut.get("model") else "")
    lines = [
        f"near-duplicate key facts: engine {name}, num_facts {s['num_facts']}, commit {s['git_commit']}",
        f"{'':<10} {'answers':>7} {'refused':>7} {'facts':>6} {'pairs':>6} {'flagged':>7}"
        f" {'per answer':>10} {'answers with one':>16}",
    ]
    for label, b in [*results["by_dataset"].items(), ("all", results["all"])]:
        lines.append(
            f"{label:<10} {b['answers']:>7} {b['refused']:>7} {b['facts']:>6} {b['pairs']:>6}"
            f" {b['flagged_pairs']:>7} {_fmt(b['mean_flagged_per_answer']):>10}"
            f" {b['answers_with_flagged']:>5} ({_fmt(b['share_answers_with_flagged'], '.1%')})"
        )
    rules = ", ".join(f"{k} {v}" for k, v in results["all"]["flagged_by_rule"].items()) or "none"
    lines.append(f"flagged by rule (a pair may meet several): {rules}")
    h = results.get("handcheck")
    if h:
        lines.append(
            f"hand check: {h['scored_answers']} of {h['judged_answers']} judged answers scored"
            f" ({len(h['changed_answers'])} changed since), {h['judged_duplicates']} duplicates judged,"
            f" {h['flagged']} flagged: precision {_fmt(h['precision'])}, recall {_fmt(h['recall'])}"
            f" (tp {h['tp']}, fp {h['fp']}, fn {h['fn']})"
        )
    return "\n".join(lines) + "\n"
