"""One evaluation run: load -> generate -> score (rows written as they go) -> aggregate -> report."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from tqdm import tqdm

from eval.aggregate import aggregate
from eval.baselines import BASELINES, recall_gain
from eval.data import DataFormat, Example, Fields, file_sha256, load_examples, load_system_outputs
from eval.facts import fact_checks
from eval.provenance import git_commit, versions
from eval.report import write_report
from eval.rouge import Convention, Scorer, build_scorer
from eval.rouge.lines import as_lines
from eval.rouge.unicode import Tokenizer
from eval.rows import Rows
from eval.systems import EngineSystem, Output, RemoteSystem, engine_system

log = logging.getLogger(__name__)

ROWS = "examples.jsonl"


class RunError(RuntimeError):
    """A run that cannot go ahead as asked (bad options)."""


@dataclass
class RunConfig:
    data: Path
    out: Path
    format: DataFormat = "native"
    fields: Fields | None = None
    limit: int | None = None
    engine: Literal["embedded", "seq2seq"] | None = "embedded"  # None: no in-process engine
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


class Evaluation:
    def __init__(self, config: RunConfig) -> None:
        self.config = config
        c = config
        unknown = [b for b in c.baselines if b not in BASELINES]
        if unknown:
            raise RunError(f"unknown baseline {unknown[0]!r} (choose from {', '.join(BASELINES)})")
        self.examples = load_examples(c.data, c.format, c.fields, c.limit)
        self.scorer: Scorer = build_scorer(
            c.rouge, c.rouge_options, c.stem, c.jackknife, c.wordnet_order, c.rouge_tokenizer
        )
        self.content = self.scorer.content()
        self.gain = recall_gain(self.content)
        self.others = load_system_outputs(c.systems)
        self.sut: EngineSystem | RemoteSystem | None = None
        if c.url:
            self.sut = RemoteSystem(c.url, concurrency=c.concurrency, retries=c.retries)
        elif c.engine:
            self.sut = engine_system(c.engine, c.model)

    # --- scoring one summary ------------------------------------------------------------------
    def _row(self, system: str, example: Example, summary: str, **extra: Any) -> dict[str, Any]:
        lines = as_lines(summary)
        # A reference scored as a system (a human summary) is compared with the other references
        # only, as DUC scores humans; scoring it against itself would be meaningless.
        own = " ".join(summary.split())
        refs = [r for r in example.references if " ".join(r.split()) != own]
        if len(refs) < len(example.references):
            extra["excluded_own_reference"] = True
        scores = self.scorer.score(lines, refs) if summary.strip() and refs else None
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
            with tqdm(total=len(todo), desc=self.sut.name, unit="ex", disable=not todo) as bar:
                async for example, output in self.sut.outputs(todo, c.max_words, c.num_facts):
                    rows.write(self._sut_row(self.sut.name, example, output))
                    bar.update()
        todo_other = [
            (name, e)
            for e in self.examples
            for name in [*c.baselines, *self.others]
            if (name, e.id) not in rows.done and (name in c.baselines or e.id in self.others[name])
        ]
        for name, example in tqdm(todo_other, desc="baselines and systems", unit="summary"):
            summary = self._baseline(name, example) if name in c.baselines else self.others[name][example.id]
            rows.write(self._row(name, example, summary))

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
