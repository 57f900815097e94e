"""`python -m eval readability`: the system's answers to clusters, read by the harness's own checker
(`eval.readability.checker`): dangling starts and credits in summaries, boilerplate key facts, and
wire headers or entities in either.

Each cluster goes to the system as `eval run` sends it (articles with titles and dates, and the
data's query when it has one). The run writes, to `out`: results.json (per dataset: summary
sentences, dangling ones by kind and their share, key facts, boilerplate ones, leaks; with the
data's hashes, the system, the git commit and versions) and flagged.jsonl (every flagged sentence
or fact with its text: it holds the data's text, keep it out of git).
"""

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
from eval.data import Example, file_sha256
from eval.provenance import git_commit, versions
from eval.readability.checker import Dangling, boilerplate_fact, dangling, leaks, split
from eval.systems import EngineName, engine_system

log = logging.getLogger(__name__)

RESULTS = "results.json"
FLAGGED = "flagged.jsonl"
DEFAULT_MAX_WORDS = 100
DEFAULT_NUM_FACTS = 5


@dataclass
class ReadabilityConfig:
    data: Sequence[tuple[str, Path]]
    out: Path | None = None
    engine: EngineName = "embedded"
    model: str | None = None
    max_words: int = DEFAULT_MAX_WORDS
    num_facts: int = DEFAULT_NUM_FACTS
    batch_size: int = 8
    limit: int | None = None  # the first N clusters of each dataset


@dataclass(frozen=True)
class Checked:
    dataset: str
    id: str
    sentences: int
    dangling: tuple[Dangling, ...] = ()
    facts: tuple[str, ...] = ()
    boilerplate: tuple[str, ...] = ()
    leaks: tuple[tuple[str, str], ...] = ()  # (where: "summary" or "fact", the match)
    error: str | None = None


def check_answer(
    dataset: str, example_id: str, documents: Sequence[str], summary: str, facts: Sequence[str]
) -> Checked:
    """Everything the checker flags in one answer."""
    sentences = split(summary)
    found = [("summary", m) for s in sentences for m in leaks(s)]
    found += [("fact", m) for f in facts for m in leaks(f)]
    return Checked(
        dataset=dataset,
        id=example_id,
        sentences=len(sentences),
        dangling=tuple(dangling(summary, documents)),
        facts=tuple(facts),
        boilerplate=tuple(f for f in facts if boilerplate_fact(f)),
        leaks=tuple(found),
    )


def _share(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def summarize_checked(answers: Sequence[Checked]) -> dict[str, Any]:
    """The counts and shares of one dataset's answers (refused ones counted apart)."""
    ok = [a for a in answers if a.error is None]
    sentences = sum(a.sentences for a in ok)
    kinds: Counter[str] = Counter(d.kind for a in ok for d in a.dangling)
    starts = sum(v for k, v in kinds.items() if k != "credit")
    facts = sum(len(a.facts) for a in ok)
    boiler = sum(len(a.boilerplate) for a in ok)
    return {
        "answers": len(ok),
        "refused": len(answers) - len(ok),
        "summary_sentences": sentences,
        "dangling_starts": starts,
        "dangling_start_share": _share(starts, sentences),
        "dangling_credits": kinds.get("credit", 0),
        "dangling_share_with_credits": _share(starts + kinds.get("credit", 0), sentences),
        "dangling_by_kind": dict(sorted(kinds.items())),
        "facts": facts,
        "boilerplate_facts": boiler,
        "leaks_in_summaries": sum(w == "summary" for a in ok for w, _ in a.leaks),
        "leaks_in_facts": sum(w == "fact" for a in ok for w, _ in a.leaks),
    }


def _answers(c: ReadabilityConfig, datasets: Mapping[str, Sequence[Example]]) -> tuple[list[Checked], Any]:
    system = engine_system(c.engine, c.model)
    answers: list[Checked] = []
    for name, examples in datasets.items():
        for start in tqdm(range(0, len(examples), c.batch_size), desc=f"{system.name} {name}", unit="batch"):
            batch = examples[start : start + c.batch_size]
            for example, output in zip(
                batch, system.summarize_batch(batch, c.max_words, c.num_facts), strict=True
            ):
                if output.error:
                    log.warning("%s %s: %s", name, example.id, output.error)
                    answers.append(Checked(name, example.id, 0, error=output.error))
                    continue
                documents = [d.text for d in example.documents]
                facts = [str(f.get("text", "")) for f in output.key_facts]
                answers.append(check_answer(name, example.id, documents, output.summary, facts))
    return answers, system


def run_readability(config: ReadabilityConfig) -> dict[str, Any]:
    """Every cluster through the system; what the checker flags, per dataset (and files in `out`)."""
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
            "max_words": c.max_words,
            "num_facts": c.num_facts,
            "engine_seconds": round(elapsed, 3),
            "git_commit": git_commit(),
            "versions": versions(),
        },
        "all": summarize_checked(answers),
        "by_dataset": {
            name: summarize_checked([a for a in answers if a.dataset == name]) for name in datasets
        },
    }
    if c.out is not None:
        _write(c.out, results, answers)
    return results


def _write(out: Path, results: Mapping[str, Any], answers: Sequence[Checked]) -> None:
    out.mkdir(parents=True, exist_ok=True)
    (out / RESULTS).write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    with (out / FLAGGED).open("w", encoding="utf-8") as f:
        for a in answers:
            rows: list[dict[str, Any]] = [
                {"what": "dangling", "kind": d.kind, "word": d.word, "sentence": d.sentence, "text": d.text}
                for d in a.dangling
            ]
            rows += [{"what": "boilerplate", "text": t} for t in a.boilerplate]
            rows += [{"what": "leak", "where": w, "text": m} for w, m in a.leaks]
            for row in rows:
                f.write(json.dumps({"dataset": a.dataset, "answer": a.id, **row}, ensure_ascii=False) + "\n")
    log.info("wrote %s and %s in %s", RESULTS, FLAGGED, out)
