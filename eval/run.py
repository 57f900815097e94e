"""One evaluation run: load -> generate -> score (rows written as they go) -> aggregate -> report."""

from __future__ import annotations

import asyncio
import logging
import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from tqdm import tqdm

from eval.aggregate import aggregate
from eval.baselines import BASELINES, recall_gain
from eval.data import (
    DataFormat,
    Example,
    Fields,
    SystemSummary,
    file_sha256,
    load_examples,
    split_by_date,
)
from eval.facts import fact_checks
from eval.novelty import novelty
from eval.peers import read_other_systems
from eval.provenance import git_commit, versions
from eval.report import write_report
from eval.rouge import Convention, Scorer, build_scorer
from eval.rouge.lines import as_lines
from eval.rouge.unicode import Tokenizer
from eval.rows import Rows
from eval.systems import EngineName, EngineSystem, Output, RemoteSystem, check_options, engine_system

log = logging.getLogger(__name__)

ROWS = "examples.jsonl"


class RunError(RuntimeError):
    """A run that cannot go ahead as asked (bad options)."""


# SumRepo names its human rows `human_<assessor>`.
_HUMAN_PREFIX = re.compile(r"^human[_\- ]?", re.IGNORECASE)


@dataclass(frozen=True)
class Human:
    """A `--systems` row that is a human's summary of an example.

    `own` is the index of that human's reference among the example's references; None when the
    human wrote none of them (then all of them are fair to score against).
    """

    own: int | None


def as_human(example: Example, system: str, row: SystemSummary) -> Human | None:
    """Whether a row is a human's summary, only as the row says it: `"human": true`, or its
    `reference_id` or its system name (`A`, or SumRepo's `human_A`) naming one of the example's
    `reference_ids`. A summary that merely equals a reference is not taken for a human's: a
    system that copies a reference is scored against all of them."""
    if row.human is False:
        return None
    ids = example.reference_ids or ()
    for named in (row.reference_id, system, _HUMAN_PREFIX.sub("", system, count=1)):
        if named in ids:
            return Human(own=ids.index(named))
    if row.human is None and row.reference_id is None:
        return None
    if row.reference_id is not None and example.reference_ids is not None:
        return Human(own=None)  # its author wrote none of this example's references
    # A human's by its own word, with no id to find its reference by: the reference it equals.
    text = " ".join(row.summary.split())
    return Human(own=next((i for i, r in enumerate(example.references) if " ".join(r.split()) == text), None))


@dataclass
class RunConfig:
    data: Path
    out: Path
    format: DataFormat = "native"
    fields: Fields | None = None
    limit: int | None = None
    engine: EngineName | None = "embedded"  # None: no in-process engine
    model: str | None = None
    url: str | None = None
    concurrency: int = 4
    retries: int = 6
    systems: list[Path] = field(default_factory=list)
    baselines: tuple[str, ...] = tuple(BASELINES)
    rouge: Convention = "rouge-score"
    rouge_options: str = ""
    stem: bool = True
    jackknife: bool = False
    wordnet_order: tuple[str, ...] | None = None
    rouge_tokenizer: Tokenizer = "default"
    max_words: int = 100
    num_facts: int = 5
    seed: int = 0
    resume: bool = False
    # Send the data's queries (topics) to the system; False: generic summaries of the same data.
    use_query: bool = True
    # Update task from dated data: the latest share of each example's documents are new, the
    # earlier ones its background (`eval.data.split_by_date`). None: the data as it is.
    split_by_date: float | None = None
    # Send the background to the system; False: it summarizes the new documents alone (the
    # novelty of its summary is still measured against the background).
    use_background: bool = True


class Evaluation:
    def __init__(self, config: RunConfig) -> None:
        self.config = config
        c = config
        unknown = [b for b in c.baselines if b not in BASELINES]
        if unknown:
            raise RunError(f"unknown baseline {unknown[0]!r} (choose from {', '.join(BASELINES)})")
        # Before anything loads: the budget binds the baselines too, not only the service.
        check_options(c.max_words, c.num_facts)
        self.examples = load_examples(c.data, c.format, c.fields, c.limit)
        if not c.use_query:
            self.examples = [replace(e, query=None) for e in self.examples]
        if c.split_by_date is not None:
            if not 0.0 < c.split_by_date < 1.0:
                raise RunError("--split-by-date takes the share of new documents, between 0 and 1")
            split = [split_by_date(e, c.split_by_date) for e in self.examples]
            left_out = sum(s is None for s in split)
            if left_out:
                log.warning("%d examples have undated documents or one only: not in the update run", left_out)
            self.examples = [s for s in split if s is not None]
        self.scorer: Scorer = build_scorer(
            c.rouge, c.rouge_options, c.stem, c.jackknife, c.wordnet_order, c.rouge_tokenizer
        )
        self.content = self.scorer.content()
        self.gain = recall_gain(self.content)
        self.others = read_other_systems(c.systems, [e.id for e in self.examples])
        self.sut: EngineSystem | RemoteSystem | None = None
        if c.url:
            self.sut = RemoteSystem(c.url, concurrency=c.concurrency, retries=c.retries)
        elif c.engine:
            self.sut = engine_system(c.engine, c.model)

    # --- scoring one summary ------------------------------------------------------------------
    def _row(
        self, system: str, example: Example, summary: str, human: Human | None = None, **extra: Any
    ) -> dict[str, Any]:
        lines = as_lines(summary)
        refs = list(example.references)
        if human is not None:
            # A human is scored against the other humans' references, as DUC scores them; scored
            # against their own it would be compared with itself.
            extra["human"] = True
            extra["own_reference"] = human.own
            if human.own is not None:
                del refs[human.own]
        scores = self.scorer.score(lines, refs) if summary.strip() and refs else None
        fresh = novelty(summary, example)
        if fresh is not None:
            extra["novelty"] = fresh
        return {
            "id": example.id,
            "system": system,
            "summary": lines,
            "words": len(summary.split()),  # as people and ROUGE's -l count them
            "scores": scores,
            **extra,
        }

    def _sut_row(self, system: str, example: Example, output: Output) -> dict[str, Any]:
        extra: dict[str, Any] = {"elapsed_ms": round(output.elapsed_ms, 2)}
        if example.query:
            extra["query"] = example.query
        if output.error:
            extra["error"] = output.error
        else:
            extra["facts"] = {**fact_checks(example, output.key_facts), "conflicts": len(output.conflicts)}
            extra["key_facts"] = output.key_facts
            extra["conflicts"] = output.conflicts
            if output.key_facts:
                joined = "\n".join(str(f.get("text", "")) for f in output.key_facts)
                cov = self.content.score(joined, example.references)
                extra["fact_coverage"] = {m: v["R"] for m, v in cov.items()}
        return self._row(system, example, output.summary, **extra)

    def _baseline(self, name: str, example: Example) -> str:
        c = self.config
        return BASELINES[name](example, c.max_words, seed=c.seed, gain=self.gain)

    # --- the run ------------------------------------------------------------------------------
    async def _generate(self, rows: Rows) -> None:
        c = self.config
        if self.sut is not None:
            todo = [e for e in self.examples if (self.sut.name, e.id) not in rows.done]
            whole = {e.id: e for e in todo}
            if not c.use_background:  # sent without it; scored with it
                todo = [replace(e, background=()) for e in todo]
            with tqdm(total=len(todo), desc=self.sut.name, unit="ex", disable=not todo) as bar:
                async for example, output in self.sut.outputs(todo, c.max_words, c.num_facts):
                    rows.write(self._sut_row(self.sut.name, whole[example.id], output))
                    bar.update()
        todo_other = [
            (name, e)
            for e in self.examples
            for name in [*c.baselines, *self.others]
            if (name, e.id) not in rows.done and (name in c.baselines or e.id in self.others[name])
        ]
        for name, example in tqdm(todo_other, desc="baselines and systems", unit="summary"):
            if name in c.baselines:
                rows.write(self._row(name, example, self._baseline(name, example)))
            else:
                other = self.others[name][example.id]
                rows.write(self._row(name, example, other.summary, as_human(example, name, other)))

    def _settings(self) -> dict[str, Any]:
        c = self.config
        return {
            "data": str(c.data),
            "dataset_sha256": file_sha256(c.data),
            "format": c.format,
            "examples": len(self.examples),
            "system_under_test": self.sut.describe() if self.sut else None,
            "max_words": c.max_words,
            "num_facts": c.num_facts,
            "queries": sum(e.query is not None for e in self.examples),
            "use_query": c.use_query,
            "split_by_date": c.split_by_date,
            "use_background": c.use_background,
            "background_documents": sum(len(e.background) for e in self.examples),
            "baselines": list(c.baselines),
            "other_systems": sorted(self.others),
            "rouge": self.scorer.settings,
            "primary_measure": self.scorer.primary_measure,
            "seed": c.seed,
            "git_commit": git_commit(),
            "versions": versions(),
        }

    def run(self) -> dict[str, Any]:
        c = self.config
        c.out.mkdir(parents=True, exist_ok=True)
        rows = Rows(c.out / ROWS, c.resume)
        try:
            asyncio.run(self._generate(rows))
            all_rows = list({(r["system"], r["id"]): r for r in rows.read()}.values())  # last write wins
        finally:
            rows.close()
        ids = [e.id for e in self.examples]
        sut = self.sut.name if self.sut else None
        results = {"settings": self._settings(), **aggregate(all_rows, self.scorer, ids, sut, c.seed)}
        write_report(c.out, results, all_rows)
        return results
