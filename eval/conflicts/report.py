"""The plain-text table of a scoring run."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def _fmt(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.3f}"


def conflicts_table(results: Mapping[str, Any]) -> str:
    """A short plain-text table of a scoring run."""
    sut = results["settings"]["system_under_test"]
    name = sut["engine"] + (f" ({sut['model']})" if sut.get("model") else "")
    lab = results["labels"]
    lines = [
        f"conflicts on labelled pairs: engine {name}, num_facts {results['settings']['num_facts']},"
        f" {lab['used']} labels in {lab['clusters']} clusters ({lab['skipped']} skipped)",
        f"{'':<10} {'precision':>9} {'recall':>7} {'tp':>4} {'fp':>4} {'fn':>4} {'unlabelled':>10}"
        f" {'conflict-level':>14}",
    ]
    blocks = [("all", results), *results["by_dataset"].items()]
    for label, block in blocks:
        m, k = block["metrics"], block["counts"]
        lines.append(
            f"{label:<10} {_fmt(m['precision']):>9} {_fmt(m['recall']):>7} {k['tp']:>4} {k['fp']:>4}"
            f" {k['fn']:>4} {k['reported_conflict_pairs_unlabelled']:>10}"
            f" {_fmt(m['conflict_precision']):>14}"
        )
    k, m = results["counts"], results["metrics"]
    wrong = k["reported_conflict_pairs_by_label"]
    lines.append(
        f"reported as conflicts but labelled: update {wrong['update']}, different {wrong['different']},"
        f" same {wrong['same']}; conflicts: {k['conflicts_correct']} correct, {k['conflicts_wrong']} wrong,"
        f" {k['conflicts_unjudged']} unjudged"
    )
    lines.append(
        f"updates: {k['reported_update_pairs']} pairs reported ({k['reported_update_pairs_unlabelled']}"
        f" unlabelled), precision {_fmt(m['update_precision'])}, recall {_fmt(m['update_recall'])};"
        f" labelled conflicts reported as updates: {k['conflicts_reported_as_update']}"
    )
    if results.get("unplaced_sources"):
        lines.append(f"sources that fall in no harness sentence: {results['unplaced_sources']}")
    return "\n".join(lines) + "\n"
