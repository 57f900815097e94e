"""`python -m eval duplicates`: the system's answers to clusters, and the pairs of key facts in
each answer that the checker (`eval.duplicates.checker`) flags as saying the same thing.

Each cluster goes to the system as `eval run` sends it: its articles, with titles and dates, and
the data's query (DUC 2006's topic) when it has one. The run writes, to `out`: results.json (per
dataset: answers, facts, flagged pairs, mean flagged pairs per answer, share of answers with at
least one; with the data's hashes, the system, the checker's thresholds, the git commit and
versions), pairs.jsonl (each flagged pair with its texts) and sample.jsonl (`SAMPLE_PER_DATASET`
answers of each dataset drawn with `seed`, not by the flags, every fact with its hash: what the
hand check reads). pairs.jsonl and sample.jsonl hold the data's text: keep them out of git.
"""

from __future__ import annotations

import json
import logging
import random
import time
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tqdm import tqdm

from eval.conflicts.datasets import load_datasets
from eval.data import Example, file_sha256
from eval.duplicates.checker import BAND, CONTAINMENT, JACCARD, PairScore, flagged_pairs
from eval.duplicates.handcheck import agreement, fact_hashes, read_judgements
from eval.provenance import git_commit, versions
from eval.systems import EngineName, engine_system

log = logging.getLogger(__name__)

RESULTS = "results.json"
PAIRS = "pairs.jsonl"
SAMPLE = "sample.jsonl"
# The service's usual summary budget: only the key facts are read here.
MAX_WORDS = 100
DEFAULT_NUM_FACTS = 10
SAMPLE_PER_DATASET = 10


@dataclass
class DuplicatesConfig:
    data: Sequence[tuple[str, Path]]
    out: Path | None = None
    engine: EngineName = "embedded"
    model: str | None = None
    num_facts: int = DEFAULT_NUM_FACTS
    batch_size: int = 8
    limit: int | None = None  # the first N clusters of each dataset
    seed: int = 0  # of the hand-check sample
    handcheck: Path | None = None  # a label file: the checker's agreement with the reader


@dataclass(frozen=True)
class Answer:
    dataset: str
    id: str
    texts: tuple[str, ...]  # the key facts' texts, in the answer's order
    flagged: tuple[tuple[int, int, PairScore], ...]
    error: str | None = None


def answer_of(dataset: str, example_id: str, key_facts: Sequence[Mapping[str, Any]]) -> Answer:
    texts = tuple(str(f.get("text", "")) for f in key_facts)
    return Answer(dataset, example_id, texts, tuple(flagged_pairs(texts)))


def summarize_answers(answers: Sequence[Answer]) -> dict[str, Any]:
    """The counts and shares of one dataset's answers (refused ones counted apart)."""
    ok = [a for a in answers if a.error is None]
    flagged = sum(len(a.flagged) for a in ok)
    with_flag = sum(bool(a.flagged) for a in ok)
    by_rule: Counter[str] = Counter(w for a in ok for _, _, s in a.flagged for w in s.why)
    return {
        "answers": len(ok),
        "refused": len(answers) - len(ok),
        "facts": sum(len(a.texts) for a in ok),
        "pairs": sum(len(a.texts) * (len(a.texts) - 1) // 2 for a in ok),
        "flagged_pairs": flagged,
        "mean_flagged_per_answer": flagged / len(ok) if ok else None,
        "answers_with_flagged": with_flag,
        "share_answers_with_flagged": with_flag / len(ok) if ok else None,
        "flagged_by_rule": dict(sorted(by_rule.items())),
    }


def sample_ids(answers: Sequence[Answer], k: int, seed: int) -> list[str]:
    """`k` answered ids drawn with `seed` from the sorted ids: the same draw whatever the flags."""
    ids = sorted(a.id for a in answers if a.error is None)
    return sorted(random.Random(seed).sample(ids, min(k, len(ids))))


def _answers(config: DuplicatesConfig, datasets: Mapping[str, Sequence[Example]]) -> tuple[list[Answer], Any]:
    c = config
    system = engine_system(c.engine, c.model)
    answers: list[Answer] = []
    for name, examples in datasets.items():
        for start in tqdm(range(0, len(examples), c.batch_size), desc=f"{system.name} {name}", unit="batch"):
            batch = examples[start : start + c.batch_size]
            for example, output in zip(
                batch, system.summarize_batch(batch, MAX_WORDS, c.num_facts), strict=True
            ):
                if output.error:
                    log.warning("%s %s: %s", name, example.id, output.error)
                    answers.append(Answer(name, example.id, (), (), error=output.error))
                else:
                    answers.append(answer_of(name, example.id, output.key_facts))
    return answers, system


def _flagged_indices(texts: Sequence[str]) -> set[tuple[int, int]]:
    return {(i, j) for i, j, _ in flagged_pairs(texts)}


def run_duplicates(config: DuplicatesConfig) -> dict[str, Any]:
    """Every cluster through the system; the flagged pairs per dataset (and files in `out`)."""
    c = config
    datasets = load_datasets(c.data)
    if c.limit is not None:
        datasets = {name: exs[: c.limit] for name, exs in datasets.items()}
    t0 = time.perf_counter()
    answers, system = _answers(c, datasets)
    elapsed = time.perf_counter() - t0
    results: dict[str, Any] = {
        "settings": {
            "data": {name: {"path": str(path), "sha256": file_sha256(path)} for name, path in c.data},
            "limit": c.limit,
            "queries": {name: sum(e.query is not None for e in exs) for name, exs in datasets.items()},
            "system_under_test": system.describe(),
            "max_words": MAX_WORDS,
            "num_facts": c.num_facts,
            "checker": {"jaccard": JACCARD, "band": BAND, "containment": CONTAINMENT},
            "sample": {"per_dataset": SAMPLE_PER_DATASET, "seed": c.seed},
            "engine_seconds": round(elapsed, 3),
            "git_commit": git_commit(),
            "versions": versions(),
        },
        "all": summarize_answers(answers),
        "by_dataset": {
            name: summarize_answers([a for a in answers if a.dataset == name]) for name in datasets
        },
    }
    if c.handcheck is not None:
        texts = {(a.dataset, a.id): a.texts for a in answers if a.error is None}
        results["handcheck"] = {
            "labels": str(c.handcheck),
            "labels_sha256": file_sha256(c.handcheck),
            **agreement(read_judgements(c.handcheck), texts, _flagged_indices),
        }
    if c.out is not None:
        _write(c.out, results, answers, c.seed)
    return results


def _write(out: Path, results: Mapping[str, Any], answers: Sequence[Answer], seed: int) -> None:
    out.mkdir(parents=True, exist_ok=True)
    (out / RESULTS).write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    with (out / PAIRS).open("w", encoding="utf-8") as f:
        for a in answers:
            for i, j, s in a.flagged:
                row = {
                    "dataset": a.dataset,
                    "answer": a.id,
                    "i": i,
                    "j": j,
                    "why": list(s.why),
                    "jaccard": round(s.jaccard, 4),
                    "containment": round(s.containment, 4),
                    "shared_figures": list(s.shared_figures),
                    "text_i": a.texts[i],
                    "text_j": a.texts[j],
                }
                f.write(json.dumps(row, ensure_ascii=False) + "\n")
    with (out / SAMPLE).open("w", encoding="utf-8") as f:
        for name in results["by_dataset"]:
            mine = [a for a in answers if a.dataset == name]
            chosen = set(sample_ids(mine, SAMPLE_PER_DATASET, seed))
            for a in mine:
                if a.id in chosen:
                    row = {
                        "dataset": a.dataset,
                        "answer": a.id,
                        "facts": list(fact_hashes(a.texts)),
                        "texts": list(a.texts),
                        "flagged": [[i, j] for i, j, _ in a.flagged],
                    }
                    f.write(json.dumps(row, ensure_ascii=False) + "\n")
    log.info("wrote %s, %s and %s in %s", RESULTS, PAIRS, SAMPLE, out)
