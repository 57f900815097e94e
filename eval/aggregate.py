"""From per-example rows to a run's numbers: each system's scores with CIs, key facts, paired tests.

A pure function of the rows, the scorer that scored them and a few settings: the same rows give the
same results, whether they were just written or read back from an earlier run.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from eval.rouge import Scorer
from eval.stats import bootstrap_ci, paired_test

Row = dict[str, Any]


def _estimate(scorer: Scorer, system: str, rows: Sequence[Row], metric: str, measure: str, seed: int) -> Row:
    """Mean with a seeded bootstrap CI; also the average and CI the convention's tool prints, if any."""
    est: Row = bootstrap_ci([r["scores"][metric][measure] for r in rows], seed).as_dict()
    printed = scorer.printed(system, {r["id"]: r["scores"][metric][measure] for r in rows})
    if printed is not None:
        est["perl"] = {"mean": printed.mean, "low": printed.low, "high": printed.high}
    return est


def _key_facts(scored: Sequence[Row], coverage_metrics: Sequence[str], seed: int) -> Row | None:
    facts = [r["facts"] for r in scored if "facts" in r]
    if not facts:
        return None
    total = sum(f["facts"] for f in facts)
    return {
        "per_example": total / len(facts),
        "grounded": sum(f["grounded"] for f in facts) / total if total else None,
        "invented": sum(f["invented"] for f in facts) / total if total else None,
        "support_gt1": sum(f["support_gt1"] for f in facts) / total if total else None,
        "conflicts_per_example": sum(f.get("conflicts", 0) for f in facts) / len(facts),
        "coverage": {
            m: bootstrap_ci([r.get("fact_coverage", {}).get(m, 0.0) for r in scored], seed).as_dict()
            for m in coverage_metrics
        },
    }


def aggregate(
    rows: Sequence[Row], scorer: Scorer, ids: Sequence[str], system_under_test: str | None, seed: int
) -> dict[str, Any]:
    """`{"system_under_test", "systems", "paired_tests"}` over the examples `ids` (rows of others
    are left out); paired tests compare the system under test with each other system on the
    scorer's primary measure."""
    known = set(ids)
    by_system: dict[str, dict[str, Row]] = {}
    for r in rows:
        if r["id"] in known:
            by_system.setdefault(r["system"], {})[r["id"]] = r
    coverage_metrics = scorer.content().metrics
    systems: dict[str, Any] = {}
    for name, per_id in by_system.items():
        scored = [per_id[i] for i in ids if i in per_id and per_id[i].get("scores")]
        if not scored:
            continue
        entry: dict[str, Any] = {
            "n": len(scored),
            "failed": sum(1 for i in ids if i in per_id and not per_id[i].get("scores")),
            "words": sum(r["words"] for r in scored) / len(scored),
            "metrics": {
                m: {k: _estimate(scorer, name, scored, m, k, seed) for k in "RPF"} for m in scorer.metrics
            },
        }
        humans = sum(1 for r in scored if r.get("human"))
        if humans:
            # Scored against one reference fewer than the systems: say so beside the numbers.
            entry["human_rows"] = humans
        fresh = [r["novelty"] for r in scored if r.get("novelty")]
        if fresh:
            # Update runs: the share of the summary's bigrams the reader had read (`eval.novelty`).
            entry["novelty"] = {k: bootstrap_ci([f[k] for f in fresh], seed).as_dict() for k in fresh[0]}
        facts = _key_facts(scored, coverage_metrics, seed)
        if facts is not None:
            entry["key_facts"] = facts
        systems[name] = entry
    primary = scorer.primary_measure
    comparisons: dict[str, Any] = {}
    sut = by_system.get(system_under_test) if system_under_test else None
    if sut is not None:
        for other, theirs in by_system.items():
            if other == system_under_test:
                continue
            shared = [i for i in ids if sut.get(i, {}).get("scores") and theirs.get(i, {}).get("scores")]
            if not shared:
                continue
            comparisons[other] = {
                m: paired_test(
                    [sut[i]["scores"][m][primary] for i in shared],
                    [theirs[i]["scores"][m][primary] for i in shared],
                    seed,
                ).as_dict()
                for m in scorer.metrics
            }
    return {
        "system_under_test": system_under_test,
        "systems": systems,
        "paired_tests": {"against": comparisons, "measure": primary},
    }
