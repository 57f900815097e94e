"""The three runs: `mine` (candidates to label, with their text), `export` (labelled candidates
into the label file, text dropped) and `score` (the system on the labelled clusters, scored)."""

from __future__ import annotations

import json
import logging
import time
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tqdm import tqdm

from eval.conflicts.datasets import load_datasets
from eval.conflicts.labels import Clusters, LabeledPair, PairKey, check_labels, read_labels, write_labels
from eval.conflicts.mining import mine_cluster
from eval.conflicts.reported import Reported, output_pairs
from eval.conflicts.scoring import score_pairs
from eval.conflicts.sentences import SplitArticle, fingerprint, split_cluster
from eval.data import DataError, file_sha256
from eval.provenance import git_commit, versions
from eval.systems import NUM_FACTS_RANGE, EngineName, engine_system

CANDIDATES = "candidates.jsonl"
RESULTS = "results.json"
ROWS = "pairs.jsonl"
UNLABELED = "unlabeled.jsonl"
# The summary budget (the service's usual one): only the conflicts are scored here.
MAX_WORDS = 100
DEFAULT_NUM_FACTS = 10

# The package's logger, as when this was one module: log lines read `eval.conflicts: ...`.
log = logging.getLogger(__package__)


def _candidate_row(
    key: PairKey, articles: Sequence[SplitArticle], why: Sequence[str], overlap: float | None
) -> dict[str, Any]:
    """A row to label: the label row's fields (label empty) and, for the labeller, the text."""
    dataset, cluster, a1, s1, a2, s2 = key
    row: dict[str, Any] = {
        "dataset": dataset,
        "cluster": cluster,
        "a": {"article": a1, "sentence": s1, "sha1": fingerprint(articles[a1].sentence(s1))},
        "b": {"article": a2, "sentence": s2, "sha1": fingerprint(articles[a2].sentence(s2))},
        "label": None,
        "quantity": None,
        "why": sorted(set(why)),
        "overlap": overlap,
    }
    for name, (art, idx) in (("a", (a1, s1)), ("b", (a2, s2))):
        article = articles[art]
        row[f"date_{name}"] = article.date.isoformat() if article.date else None
        row[f"title_{name}"] = article.title
        row[f"text_{name}"] = article.sentence(idx)
    return row


@dataclass
class MineConfig:
    data: Sequence[tuple[str, Path]]
    out: Path
    per_cluster: int = 3
    labels: Path | None = None  # pairs labelled already are not mined again
    engine: EngineName | None = "embedded"
    model: str | None = None
    num_facts: int = NUM_FACTS_RANGE[1]


def run_mine(config: MineConfig) -> dict[str, Any]:
    """Write `out/candidates.jsonl` (with the text: for local labelling, never committed)."""
    c = config
    datasets = load_datasets(c.data)
    done = frozenset(p.key for p in read_labels(c.labels)) if c.labels else frozenset()
    system = engine_system(c.engine, c.model) if c.engine else None
    rows: list[dict[str, Any]] = []
    counts: Counter[str] = Counter()
    for name, examples in datasets.items():
        for n, example in enumerate(tqdm(examples, desc=f"mine {name}", unit="cluster")):
            articles = split_cluster(example)
            why: dict[PairKey, list[str]] = {}
            overlap: dict[PairKey, float | None] = {}
            if system is not None:
                (output,) = system.summarize_batch([example], MAX_WORDS, c.num_facts)
                for r in output_pairs(name, example.id, output, articles)[0]:
                    if r.key not in done:
                        why.setdefault(r.key, []).append(f"reported-{r.kind}")
                        overlap[r.key] = None
            for cand in mine_cluster(name, example.id, articles, c.per_cluster, done | why.keys(), n):
                why.setdefault(cand.key, []).extend(cand.why)
                overlap[cand.key] = cand.overlap
            for key in sorted(why):
                rows.append(_candidate_row(key, articles, why[key], overlap[key]))
                counts.update(f"{name}:{w}" for w in why[key])
    c.out.mkdir(parents=True, exist_ok=True)
    with (c.out / CANDIDATES).open("w", encoding="utf-8") as f:
        for row in rows:
            f.write(json.dumps(row, ensure_ascii=False) + "\n")
    log.info("wrote %d candidates to %s", len(rows), c.out / CANDIDATES)
    return {"candidates": len(rows), "by_reason": dict(sorted(counts.items()))}


def run_export(candidates: Sequence[Path], labels: Path) -> dict[str, int]:
    """Add the labelled rows of candidate files (`mine`'s or `score`'s unlabeled.jsonl) to the
    label file, text dropped. A pair labelled already keeps its label; a different one is an error."""
    existing = {p.key: p for p in read_labels(labels)} if labels.exists() else {}
    added = 0
    for path in candidates:
        for p in read_labels(path, extra_ok=True, skip_unlabeled=True):
            old = existing.get(p.key)
            if old is not None and (old.label, old.a.sha1, old.b.sha1) != (p.label, p.a.sha1, p.b.sha1):
                raise DataError(f"{path.name}: {p.key} is labelled {old.label!r} already, here {p.label!r}")
            if old is None:
                existing[p.key] = p
                added += 1
    write_labels(labels, existing.values())
    return {"added": added, "total": len(existing)}


# --- the scoring run -----------------------------------------------------------------------------


@dataclass
class ScoreConfig:
    labels: Path
    data: Sequence[tuple[str, Path]]
    out: Path | None = None
    engine: EngineName = "embedded"
    model: str | None = None
    num_facts: int = DEFAULT_NUM_FACTS
    batch_size: int = 8


def run_score(config: ScoreConfig) -> dict[str, Any]:
    """Run the system on every labelled cluster of the given data and score its conflicts."""
    c = config
    all_labels = read_labels(c.labels)
    datasets = load_datasets(c.data)
    in_scope = [p for p in all_labels if p.dataset in datasets]
    wanted = {(p.dataset, p.cluster) for p in in_scope}
    examples = [(name, e) for name, exs in datasets.items() for e in exs if (name, e.id) in wanted]
    clusters = {(name, e.id): split_cluster(e) for name, e in examples}
    labels, skipped = check_labels(in_scope, clusters)
    system = engine_system(c.engine, c.model)
    reported: list[Reported] = []
    unplaced = 0
    t0 = time.perf_counter()
    with tqdm(total=len(examples), desc=system.name, unit="cluster") as bar:
        for start in range(0, len(examples), c.batch_size):
            batch = examples[start : start + c.batch_size]
            outputs = system.summarize_batch([e for _, e in batch], MAX_WORDS, c.num_facts)
            for (name, example), output in zip(batch, outputs, strict=True):
                pairs, lost = output_pairs(name, example.id, output, clusters[(name, example.id)])
                reported.extend(pairs)
                unplaced += lost
            bar.update(len(batch))
    elapsed = time.perf_counter() - t0
    results: dict[str, Any] = {
        "settings": {
            "labels": str(c.labels),
            "labels_sha256": file_sha256(c.labels),
            "data": {name: {"path": str(path), "sha256": file_sha256(path)} for name, path in c.data},
            "system_under_test": system.describe(),
            "max_words": MAX_WORDS,
            "num_facts": c.num_facts,
            "engine_seconds": round(elapsed, 3),
            "git_commit": git_commit(),
            "versions": versions(),
        },
        "labels": {
            "in_file": len(all_labels),
            "other_datasets": len(all_labels) - len(in_scope),
            "skipped": len(skipped),
            "used": len(labels),
            "clusters": len(examples),
        },
        "unplaced_sources": unplaced,
        **score_pairs(labels, reported),
        "by_dataset": {
            name: score_pairs(
                [p for p in labels if p.dataset == name], [r for r in reported if r.key[0] == name]
            )
            for name in datasets
        },
    }
    if c.out is not None:
        _write_score(c.out, results, labels, reported, clusters)
    return results


def _write_score(
    out: Path,
    results: Mapping[str, Any],
    labels: Sequence[LabeledPair],
    reported: Sequence[Reported],
    clusters: Clusters,
) -> None:
    """results.json; pairs.jsonl (every labelled or reported pair: ids, no text); unlabeled.jsonl
    (reported pairs with no label, with their text to label: keep the run directory out of git)."""
    out.mkdir(parents=True, exist_ok=True)
    (out / RESULTS).write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    by_key = {p.key: p for p in labels}
    seen: dict[PairKey, dict[str, Any]] = {}
    for p in labels:
        seen[p.key] = {"label": p.label, "conflict": False, "update": False, "subjects": []}
    for r in reported:
        row = seen.setdefault(r.key, {"label": None, "conflict": False, "update": False, "subjects": []})
        row[r.kind] = True
        if r.subject not in row["subjects"]:
            row["subjects"].append(r.subject)
    with (out / ROWS).open("w", encoding="utf-8") as f:
        for key in sorted(seen):
            dataset, cluster, a1, s1, a2, s2 = key
            f.write(
                json.dumps(
                    {"dataset": dataset, "cluster": cluster, "a": [a1, s1], "b": [a2, s2], **seen[key]}
                )
                + "\n"
            )
    with (out / UNLABELED).open("w", encoding="utf-8") as f:
        for key in sorted(k for k in seen if k not in by_key):
            why = [f"reported-{kind}" for kind in ("conflict", "update") if seen[key][kind]]
            row = _candidate_row(key, clusters[(key[0], key[1])], why, None)
            row["subjects"] = seen[key]["subjects"]
            f.write(json.dumps(row, ensure_ascii=False) + "\n")
    log.info("wrote %s, %s and %s in %s", RESULTS, ROWS, UNLABELED, out)
