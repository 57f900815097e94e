"""Label rows: a pair of sentences by article, sentence index and hash, and its label; reading and
writing label files, and checking labels against the data (`check_labels`)."""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from eval.conflicts.sentences import HASH_LENGTH, SplitArticle, fingerprint
from eval.data import DataError, json_rows

LABELS = ("conflict", "different", "update", "same")
MAX_QUANTITY_CHARS = 40  # "a couple of words": a label row never carries the licensed text
# dataset, cluster, then (article, sentence) of both sentences, the smaller first.
PairKey = tuple[str, str, int, int, int, int]

# The package's logger, as when this was one module: log lines read `eval.conflicts: ...`.
log = logging.getLogger(__package__)


@dataclass(frozen=True)
class SentenceRef:
    article: int
    sentence: int
    sha1: str


def pair_key(dataset: str, cluster: str, x: tuple[int, int], y: tuple[int, int]) -> PairKey:
    (a1, s1), (a2, s2) = sorted((x, y))
    return (dataset, cluster, a1, s1, a2, s2)


@dataclass(frozen=True)
class LabeledPair:
    dataset: str
    cluster: str
    a: SentenceRef
    b: SentenceRef
    label: str
    quantity: str | None = None

    @property
    def key(self) -> PairKey:
        return pair_key(
            self.dataset, self.cluster, (self.a.article, self.a.sentence), (self.b.article, self.b.sentence)
        )

    def row(self) -> dict[str, Any]:
        """The label file's row: the smaller sentence first; no text."""
        a, b = sorted((self.a, self.b), key=lambda r: (r.article, r.sentence))
        row: dict[str, Any] = {
            "dataset": self.dataset,
            "cluster": self.cluster,
            "a": {"article": a.article, "sentence": a.sentence, "sha1": a.sha1},
            "b": {"article": b.article, "sentence": b.sentence, "sha1": b.sha1},
            "label": self.label,
        }
        if self.quantity:
            row["quantity"] = self.quantity
        return row


_HASH = re.compile(rf"[0-9a-f]{{{HASH_LENGTH}}}")
_LABEL_FIELDS = frozenset({"dataset", "cluster", "a", "b", "label", "quantity"})


def _sentence_ref(raw: Any, where: str, name: str) -> SentenceRef:
    if not isinstance(raw, dict) or set(raw) != {"article", "sentence", "sha1"}:
        raise DataError(f"{where}: {name!r} must be {{article, sentence, sha1}}")
    article, sentence, sha1 = raw["article"], raw["sentence"], raw["sha1"]
    for key, value in (("article", article), ("sentence", sentence)):
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            raise DataError(f"{where}: {name}.{key} must be a non-negative integer, got {value!r}")
    if not isinstance(sha1, str) or not _HASH.fullmatch(sha1):
        raise DataError(f"{where}: {name}.sha1 must be {HASH_LENGTH} lower-case hex digits, got {sha1!r}")
    return SentenceRef(article=article, sentence=sentence, sha1=sha1)


def parse_label(row: Mapping[str, Any], where: str, extra_ok: bool = False) -> LabeledPair:
    """One label row; `extra_ok` lets a candidate row's other fields (its text) through, unread."""
    unknown = set(row) - _LABEL_FIELDS
    if unknown and not extra_ok:
        raise DataError(f"{where}: unknown field(s) {sorted(unknown)} (a label row holds no text)")
    for key in ("dataset", "cluster"):
        if not isinstance(row.get(key), str) or not row[key]:
            raise DataError(f"{where}: {key!r} must be a non-empty string")
    label = row.get("label")
    if label not in LABELS:
        raise DataError(f"{where}: label {label!r} is not one of {', '.join(LABELS)}")
    quantity = row.get("quantity")
    if quantity is not None and (not isinstance(quantity, str) or len(quantity) > MAX_QUANTITY_CHARS):
        raise DataError(f"{where}: 'quantity' must be a string of at most {MAX_QUANTITY_CHARS} characters")
    a, b = _sentence_ref(row.get("a"), where, "a"), _sentence_ref(row.get("b"), where, "b")
    if a.article == b.article:
        raise DataError(f"{where}: both sentences are from article {a.article}; a pair spans two articles")
    return LabeledPair(row["dataset"], row["cluster"], a, b, label, quantity or None)


def read_labels(path: Path, extra_ok: bool = False, skip_unlabeled: bool = False) -> list[LabeledPair]:
    """The rows of a label file (or, with `extra_ok` and `skip_unlabeled`, the labelled rows of a
    candidates file). Raises `DataError` for a malformed row or a pair labelled twice."""
    labels: list[LabeledPair] = []
    seen: dict[PairKey, str] = {}
    for where, row in json_rows(path):
        if skip_unlabeled and row.get("label") is None:
            continue
        pair = parse_label(row, where, extra_ok)
        if pair.key in seen:
            raise DataError(f"{where}: the pair is labelled already at {seen[pair.key]}")
        seen[pair.key] = where
        labels.append(pair)
    return labels


def write_labels(path: Path, labels: Iterable[LabeledPair]) -> None:
    """One row a pair, sorted by dataset, cluster and sentence indices, so diffs stay small."""
    ordered = sorted(labels, key=lambda p: p.key)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as f:
        for p in ordered:
            f.write(json.dumps(p.row()) + "\n")


Clusters = Mapping[tuple[str, str], Sequence[SplitArticle]]


def check_labels(labels: Iterable[LabeledPair], clusters: Clusters) -> tuple[list[LabeledPair], list[str]]:
    """The labels whose sentences are still where they say, and why each other one was skipped."""
    kept: list[LabeledPair] = []
    skipped: list[str] = []
    for p in labels:
        articles = clusters.get((p.dataset, p.cluster))
        if articles is None:
            skipped.append(f"{p.dataset}/{p.cluster}: cluster not in the data")
            continue
        problem = None
        for name, ref in (("a", p.a), ("b", p.b)):
            if ref.article >= len(articles) or ref.sentence >= len(articles[ref.article].spans):
                problem = f"{name} = article {ref.article} sentence {ref.sentence} is not in the data"
            elif fingerprint(articles[ref.article].sentence(ref.sentence)) != ref.sha1:
                problem = (
                    f"{name} = article {ref.article} sentence {ref.sentence}: hash differs (text drifted)"
                )
            if problem:
                break
        if problem:
            skipped.append(f"{p.dataset}/{p.cluster}: {problem}")
        else:
            kept.append(p)
    for reason in skipped:
        log.warning("label skipped: %s", reason)
    return kept, skipped
