"""`python -m eval paraphrase`: is a key fact's `support` earned? Its precision on sentence pairs.

Each pair of the Microsoft Research Paraphrase Corpus (two news sentences from different outlets,
labelled 1 when they mean the same) goes to the system under test as two one-sentence articles.
The system "merged" the pair when one of its key facts cites both articles (support 2); that
prediction is scored against the label. A pair where the system lists no key fact at all (neither
sentence is fact-bearing for it) counts as not merged, and is counted apart so the figure can be
read honestly.

Reading (`read_pairs`), judging one pair (`judge`), aggregating (`Confusion`) and the run
(`run_paraphrase`) are separate; the CLI in `eval.cli` is a thin layer on top.
"""

from __future__ import annotations

import csv
import json
import logging
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from tqdm import tqdm

from eval.data import DataError, Document, Example, file_sha256
from eval.provenance import git_commit, versions
from eval.systems import NUM_FACTS_RANGE, EngineName, EngineSystem, engine_system

log = logging.getLogger(__name__)

HEADER = ("Quality", "#1 ID", "#2 ID", "#1 String", "#2 String")
RESULTS = "results.json"
ROWS = "pairs.jsonl"
# Every fact the service will give: a merge anywhere in the list counts.
NUM_FACTS = NUM_FACTS_RANGE[1]
# Far above two MSRP sentences (at most 59 words together on the test split), so the summary
# budget never shapes what the system reads.
MAX_WORDS = 200


@dataclass(frozen=True)
class Pair:
    """One labelled pair: `label` is True when the two sentences mean the same."""

    id1: str
    id2: str
    label: bool
    text1: str
    text2: str


def read_pairs(path: Path, limit: int | None = None) -> list[Pair]:
    """The pairs of an MSRP TSV (header `HEADER`), in file order; the first `limit` when given.

    Quotes are text, not field delimiters (csv.QUOTE_NONE): some sentences hold an unpaired `"`.
    Raises `DataError` for a file of another layout, a label other than 0/1 or an empty sentence.
    """
    pairs: list[Pair] = []
    with path.open(encoding="utf-8-sig", newline="") as f:
        reader = csv.reader(f, delimiter="\t", quoting=csv.QUOTE_NONE)
        header = next(reader, None)
        if header is None or tuple(h.strip() for h in header) != HEADER:
            raise DataError(f"{path}: expected the MSRP header {'|'.join(HEADER)}, got {header!r}")
        for row in reader:
            if limit is not None and len(pairs) >= limit:
                break
            where = f"{path}:{reader.line_num}"
            if not row:
                continue
            if len(row) != len(HEADER):
                raise DataError(f"{where}: {len(row)} fields, expected {len(HEADER)}")
            label, id1, id2, text1, text2 = row
            if label not in ("0", "1"):
                raise DataError(f"{where}: label {label!r} is not 0 or 1")
            if not text1.strip() or not text2.strip():
                raise DataError(f"{where}: an empty sentence")
            pairs.append(Pair(id1=id1, id2=id2, label=label == "1", text1=text1, text2=text2))
    if not pairs:
        raise DataError(f"{path}: no pairs")
    return pairs


@dataclass(frozen=True)
class Verdict:
    """What the system did with one pair."""

    merged: bool  # a key fact cites both articles
    support: int  # the highest `support` the system gave a fact (0: no fact)
    facts: int
    conflicts: int
    refused: bool = False  # the system refused the pair (no sentence it would read)

    @property
    def no_fact(self) -> bool:
        return self.facts == 0


def judge(key_facts: Sequence[Mapping[str, Any]], conflicts: int = 0, refused: bool = False) -> Verdict:
    """Read one response: merged when some fact's sources cite article 0 and article 1.

    The sources decide, not the `support` number the system reports beside them.
    """
    merged = any({s["article"] for s in f.get("sources", ())} >= {0, 1} for f in key_facts)
    support = max((int(f.get("support", 0)) for f in key_facts), default=0)
    return Verdict(merged=merged, support=support, facts=len(key_facts), conflicts=conflicts, refused=refused)


def _ratio(num: int, den: int) -> float | None:
    """None, not 0.0, when the ratio is undefined (nothing predicted, nothing to find)."""
    return num / den if den else None


@dataclass(frozen=True)
class Confusion:
    """ "Merged" against the label: tp = merged and labelled the same, and so on."""

    tp: int = 0
    fp: int = 0
    fn: int = 0
    tn: int = 0

    @classmethod
    def of(cls, labelled: Iterable[tuple[bool, bool]]) -> Confusion:
        """From (label, merged) pairs."""
        tp = fp = fn = tn = 0
        for label, merged in labelled:
            tp += label and merged
            fp += not label and merged
            fn += label and not merged
            tn += not label and not merged
        return cls(tp=tp, fp=fp, fn=fn, tn=tn)

    @property
    def total(self) -> int:
        return self.tp + self.fp + self.fn + self.tn

    def metrics(self) -> dict[str, float | None]:
        return {
            "precision": _ratio(self.tp, self.tp + self.fp),
            "recall": _ratio(self.tp, self.tp + self.fn),
            "f1": _ratio(2 * self.tp, 2 * self.tp + self.fp + self.fn),
            "accuracy": _ratio(self.tp + self.tn, self.total),
            "positive_share": _ratio(self.tp + self.fn, self.total),
            "merged_share": _ratio(self.tp + self.fp, self.total),
        }


@dataclass
class ParaphraseConfig:
    data: Path
    out: Path | None = None
    limit: int | None = None
    engine: EngineName = "embedded"
    model: str | None = None
    batch_size: int = 64
    # Merge thresholds to run the system at besides its default: the precision-recall curve.
    curve: tuple[float, ...] = ()


def summarize_results(
    pairs: Sequence[Pair], verdicts: Sequence[Verdict], settings: Mapping[str, Any]
) -> dict[str, Any]:
    """results.json: counts and metrics on every pair, and on the pairs with at least one fact."""
    if len(pairs) != len(verdicts):
        raise ValueError(f"{len(verdicts)} verdicts for {len(pairs)} pairs")
    both = list(zip(pairs, verdicts, strict=True))
    every = Confusion.of((p.label, v.merged) for p, v in both)
    with_fact = Confusion.of((p.label, v.merged) for p, v in both if not v.no_fact)
    no_fact = [p for p, v in both if v.no_fact]
    return {
        "settings": dict(settings),
        "counts": {
            "pairs": every.total,
            "positives": every.tp + every.fn,
            "merged": every.tp + every.fp,
            "no_fact": len(no_fact),
            "no_fact_positives": sum(p.label for p in no_fact),
            "with_conflict": sum(v.conflicts > 0 for v in verdicts),
            "refused": sum(v.refused for v in verdicts),
            **asdict(every),
        },
        "metrics": every.metrics(),
        "with_fact": {"counts": asdict(with_fact), "metrics": with_fact.metrics()},
    }


def _articles(pair: Pair) -> tuple[Document, Document]:
    """The pair as two one-sentence articles, undated and untitled."""
    return Document(pair.text1), Document(pair.text2)


def _verdicts(system: EngineSystem, pairs: Sequence[Pair], batch_size: int) -> list[Verdict]:
    verdicts: list[Verdict] = []
    with tqdm(total=len(pairs), desc=system.name, unit="pair") as bar:
        for start in range(0, len(pairs), batch_size):
            batch = pairs[start : start + batch_size]
            examples = [Example(id=f"{p.id1}-{p.id2}", documents=_articles(p), references=()) for p in batch]
            for example, output in zip(
                examples, system.summarize_batch(examples, MAX_WORDS, NUM_FACTS), strict=True
            ):
                if output.error:  # e.g. both sentences are boilerplate: no fact, so not merged
                    log.debug("pair %s: %s", example.id, output.error)
                verdicts.append(judge(output.key_facts, len(output.conflicts), refused=bool(output.error)))
            bar.update(len(batch))
    return verdicts


def run_paraphrase(config: ParaphraseConfig) -> dict[str, Any]:
    """Send every pair through the engine in batches; write results.json and pairs.jsonl to `out`.

    With `curve`, the pairs go through again at each of those merge thresholds, and results.json
    gets the precision and recall at each (`curve`, threshold ascending).
    """
    c = config
    if c.batch_size < 1:
        raise ValueError(f"batch_size must be at least 1, got {c.batch_size}")
    if any(not 0.0 <= t <= 1.0 for t in c.curve):
        raise ValueError(f"curve thresholds must lie in [0, 1], got {list(c.curve)}")
    pairs = read_pairs(c.data, c.limit)
    system = engine_system(c.engine, c.model)
    t0 = time.perf_counter()
    verdicts = _verdicts(system, pairs, c.batch_size)
    elapsed = time.perf_counter() - t0
    curve = []
    for t in sorted(set(c.curve)):
        at = Confusion.of(
            (p.label, v.merged)
            for p, v in zip(
                pairs, _verdicts(engine_system(c.engine, c.model, t), pairs, c.batch_size), strict=True
            )
        )
        curve.append({"threshold": t, **asdict(at), **at.metrics()})
    settings = {
        "data": str(c.data),
        "dataset_sha256": file_sha256(c.data),
        "limit": c.limit,
        "system_under_test": system.describe(),
        "max_words": MAX_WORDS,
        "num_facts": NUM_FACTS,
        "batch_size": c.batch_size,
        "engine_seconds": round(elapsed, 3),
        "git_commit": git_commit(),
        "versions": versions(),
    }
    results = summarize_results(pairs, verdicts, settings)
    results["curve"] = curve
    if c.out is not None:
        c.out.mkdir(parents=True, exist_ok=True)
        (c.out / RESULTS).write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
        with (c.out / ROWS).open("w", encoding="utf-8") as f:
            for i, (p, v) in enumerate(zip(pairs, verdicts, strict=True)):
                row = {"index": i, "id1": p.id1, "id2": p.id2, "label": int(p.label), **asdict(v)}
                f.write(json.dumps(row) + "\n")
        log.info("wrote %s and %s in %s", RESULTS, ROWS, c.out)
    return results


def _fmt(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.3f}"


def paraphrase_table(results: Mapping[str, Any]) -> str:
    """A short plain-text table of the run."""
    counts = results["counts"]
    sut = results["settings"]["system_under_test"]
    name = sut["engine"] + (f" ({sut['model']})" if sut.get("model") else "")
    lines = [
        f"support on MSRP pairs: engine {name}, {counts['pairs']} pairs,"
        f" {_fmt(results['metrics']['positive_share'])} labelled paraphrase",
        f"{'':<12} {'precision':>9} {'recall':>7} {'F1':>6} {'accuracy':>8} {'pairs':>6}",
    ]
    for label, block in (("all pairs", results), ("with a fact", results["with_fact"])):
        m = block["metrics"]
        n = sum(block["counts"][k] for k in ("tp", "fp", "fn", "tn"))
        lines.append(
            f"{label:<12} {_fmt(m['precision']):>9} {_fmt(m['recall']):>7} {_fmt(m['f1']):>6}"
            f" {_fmt(m['accuracy']):>8} {n:>6}"
        )
    lines.append(
        f"merged: tp {counts['tp']}, fp {counts['fp']}; not merged: fn {counts['fn']}, tn {counts['tn']}"
    )
    lines.append(
        f"no fact: {counts['no_fact']} pairs ({counts['no_fact_positives']} labelled paraphrase),"
        f" counted as not merged (of them refused by the system: {counts.get('refused', 0)})"
    )
    if results.get("curve"):
        lines.append("precision-recall curve of the merge threshold (the system's default is above):")
        lines.append(f"{'threshold':>9} {'precision':>9} {'recall':>7} {'merged':>7}")
        for row in results["curve"]:
            lines.append(
                f"{row['threshold']:>9.2f} {_fmt(row['precision']):>9} {_fmt(row['recall']):>7}"
                f" {row['tp'] + row['fp']:>7}"
            )
    return "\n".join(lines) + "\n"
