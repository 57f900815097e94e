"""The hand check: a reader's judgement of which key facts of an answer say the same thing, kept
as ids, fact indices and short hashes of the facts' texts (never the text: the data is licensed
for evaluation only), and the checker's agreement with it.

A row of the label file (eval/labels/duplicate_handcheck.jsonl):
`{"dataset", "answer", "facts": [hash of fact 0, ...], "duplicates": [[i, j], ...],
"flagged": [[i, j], ...], "commit"}`: `duplicates` are the pairs the reader judged the same fact
told twice, `flagged` those the checker flagged when the reader judged (a record; agreement is
recomputed with the checker as it is now), `commit` the commit whose answers were read. An answer
whose facts no longer hash the same (the service changed) is counted as changed, not scored.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from eval.conflicts.sentences import fingerprint
from eval.data import DataError

Pair = tuple[int, int]


@dataclass(frozen=True)
class Judgement:
    dataset: str
    answer: str
    facts: tuple[str, ...]  # `fingerprint` of each fact's text, in the answer's order
    duplicates: frozenset[Pair]
    flagged: frozenset[Pair]
    commit: str | None = None


def fact_hashes(texts: Iterable[str]) -> tuple[str, ...]:
    return tuple(fingerprint(t) for t in texts)


def _pairs(raw: Any, n: int, where: str) -> frozenset[Pair]:
    if not isinstance(raw, list):
        raise DataError(f"{where}: pairs must be a list of [i, j]")
    out = set()
    for p in raw:
        ok = isinstance(p, list) and len(p) == 2 and all(isinstance(k, int) for k in p)
        if not (ok and 0 <= p[0] < p[1] < n):
            raise DataError(f"{where}: {p!r} is not a pair [i, j] with 0 <= i < j < {n}")
        out.add((p[0], p[1]))
    return frozenset(out)


def read_judgements(path: Path) -> list[Judgement]:
    rows = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        where = f"{path.name}:{n}"
        try:
            raw = json.loads(line)
            facts = tuple(raw["facts"])
            rows.append(
                Judgement(
                    dataset=raw["dataset"],
                    answer=raw["answer"],
                    facts=facts,
                    duplicates=_pairs(raw["duplicates"], len(facts), f"{where} duplicates"),
                    flagged=_pairs(raw.get("flagged", []), len(facts), f"{where} flagged"),
                    commit=raw.get("commit"),
                )
            )
        except (json.JSONDecodeError, KeyError, TypeError) as exc:
            raise DataError(f"{where}: not a hand-check row ({exc})") from None
    return rows


def judgement_row(j: Judgement) -> dict[str, Any]:
    return {
        "dataset": j.dataset,
        "answer": j.answer,
        "facts": list(j.facts),
        "duplicates": [list(p) for p in sorted(j.duplicates)],
        "flagged": [list(p) for p in sorted(j.flagged)],
        "commit": j.commit,
    }


def agreement(
    judgements: Sequence[Judgement],
    answers: Mapping[tuple[str, str], Sequence[str]],
    flagged: Callable[[Sequence[str]], set[Pair]],
) -> dict[str, Any]:
    """The checker (`flagged(texts) -> set of (i, j)`) against the reader on the judged answers
    that `answers` ((dataset, id) -> fact texts) still holds with the same facts."""
    tp = fp = fn = matched = pairs = judged_answers = flagged_answers = both_answers = 0
    changed: list[str] = []
    for j in judgements:
        texts = answers.get((j.dataset, j.answer))
        if texts is None:
            continue
        if fact_hashes(texts) != j.facts:
            changed.append(f"{j.dataset}:{j.answer}")
            continue
        matched += 1
        pairs += len(texts) * (len(texts) - 1) // 2
        said = set(flagged(texts))
        tp += len(said & j.duplicates)
        fp += len(said - j.duplicates)
        fn += len(j.duplicates - said)
        judged_answers += bool(j.duplicates)
        flagged_answers += bool(said)
        both_answers += bool(j.duplicates) and bool(said)
    return {
        "judged_answers": len(judgements),
        "scored_answers": matched,
        "changed_answers": changed,
        "pairs": pairs,
        "judged_duplicates": tp + fn,
        "flagged": tp + fp,
        "tp": tp,
        "fp": fp,
        "fn": fn,
        "precision": tp / (tp + fp) if tp + fp else None,
        "recall": tp / (tp + fn) if tp + fn else None,
        # Answer level: has the answer at least one duplicate, by the reader and by the checker.
        "answers_judged_with_duplicate": judged_answers,
        "answers_flagged": flagged_answers,
        "answers_both": both_answers,
    }
