"""Reported pairs scored against labels: pair-level precision and recall, conflict-level precision,
and the same for updates."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import Any

from eval.conflicts.labels import LABELS, LabeledPair
from eval.conflicts.reported import Reported


def _ratio(num: int, den: int) -> float | None:
    """None, not 0.0, when the ratio is undefined (nothing reported, nothing to find)."""
    return num / den if den else None


def score_pairs(labels: Iterable[LabeledPair], reported: Iterable[Reported]) -> dict[str, Any]:
    """Counts and metrics of reported pairs against labels (both of the clusters that were run).

    Pair level: precision = reported conflict pairs labelled `conflict` / reported conflict pairs
    that carry a label; recall = labelled `conflict` pairs reported as a conflict / all of them.
    Conflict level: a reported conflict is correct when every labelled pair of it is `conflict`,
    wrong when one is not, unjudged when none is labelled.
    """
    by_key = {p.key: p.label for p in labels}
    reported = list(reported)
    as_conflict = {r.key for r in reported if r.kind == "conflict"}
    as_update = {r.key for r in reported if r.kind == "update"}
    labelled_as = Counter(by_key.values())
    conflict_labels = Counter(by_key[k] for k in as_conflict if k in by_key)
    update_labels = Counter(by_key[k] for k in as_update if k in by_key)
    tp = conflict_labels["conflict"]
    fp = sum(conflict_labels.values()) - tp
    groups: dict[tuple[str, str, int], list[str]] = {}
    for r in reported:
        if r.kind == "conflict":
            groups.setdefault((r.key[0], r.key[1], r.group), []).extend(
                [by_key[r.key]] if r.key in by_key else []
            )
    correct = sum(bool(g) and all(x == "conflict" for x in g) for g in groups.values())
    wrong = sum(any(x != "conflict" for x in g) for g in groups.values())
    conflicts_missed_as_update = sum(1 for k in as_update - as_conflict if by_key.get(k) == "conflict")
    update_tp = update_labels["update"]
    return {
        "counts": {
            "labelled": dict(sorted(labelled_as.items())),
            "reported_conflict_pairs": len(as_conflict),
            "reported_conflict_pairs_labelled": tp + fp,
            "reported_conflict_pairs_unlabelled": len(as_conflict - by_key.keys()),
            "reported_conflict_pairs_by_label": {x: conflict_labels[x] for x in LABELS},
            "tp": tp,
            "fp": fp,
            "fn": labelled_as["conflict"] - tp,
            "reported_conflicts": len(groups),
            "conflicts_correct": correct,
            "conflicts_wrong": wrong,
            "conflicts_unjudged": len(groups) - correct - wrong,
            "reported_update_pairs": len(as_update),
            "reported_update_pairs_labelled": sum(update_labels.values()),
            "reported_update_pairs_unlabelled": len(as_update - by_key.keys()),
            "reported_update_pairs_by_label": {x: update_labels[x] for x in LABELS},
            "conflicts_reported_as_update": conflicts_missed_as_update,
        },
        "metrics": {
            "precision": _ratio(tp, tp + fp),
            "recall": _ratio(tp, labelled_as["conflict"]),
            "conflict_precision": _ratio(correct, correct + wrong),
            "update_precision": _ratio(update_tp, sum(update_labels.values())),
            "update_recall": _ratio(update_tp, labelled_as["update"]),
        },
    }
