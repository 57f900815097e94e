"""`python -m eval conflicts ...`: are the conflicts a system reports real? Precision and recall on
labelled sentence pairs (guidelines and workflow: docs/conflict-labels.md).

A conflict is two articles of one cluster giving different figures for the same thing. Each
labelled pair is two sentences from different articles of one cluster, labelled `conflict`,
`different` (figures for different things), `update` (one figure that changed over time) or `same`
(one value). A label names its sentences by article index, sentence index under the harness's own
splitter (`eval.rouge.lines`) and a short hash of the sentence, never by their text: the data is
licensed for evaluation only. A label whose hash no longer matches the data is skipped, with a
warning.

- `mine`: candidate pairs to label, with their text (for local use only): pairs the harness's own
  figure rules find, and every pair the system reports;
- `export`: labelled candidates into label rows (ids, indices and hashes only);
- `score`: run the system on the labelled clusters, turn each reported conflict (and update) into
  sentence pairs, and score them against the labels.

Sentences (`split_cluster`), labels (`read_labels`, `check_labels`), reported pairs
(`reported_pairs`), scoring (`score_pairs`) and figures (`figures`, `mine_cluster`) are separate;
the runs (`run_mine`, `run_export`, `run_score`) and the CLI in `eval.__main__` sit on top.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
import time
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from itertools import combinations
from pathlib import Path
from typing import Any, Literal

from tqdm import tqdm

from eval.data import DataError, Example, file_sha256, json_rows, load_examples
from eval.facts import FUNCTION_WORDS, words
from eval.provenance import git_commit, versions
from eval.rouge.lines import sentences
from eval.rouge.porter import porter_stem
from eval.systems import NUM_FACTS_RANGE, Output, engine_system

log = logging.getLogger(__name__)

LABELS = ("conflict", "different", "update", "same")
HASH_LENGTH = 8
MAX_QUANTITY_CHARS = 40  # "a couple of words": a label row never carries the licensed text
CANDIDATES = "candidates.jsonl"
RESULTS = "results.json"
ROWS = "pairs.jsonl"
UNLABELED = "unlabeled.jsonl"
# The summary budget (the service's usual one): only the conflicts are scored here.
MAX_WORDS = 100
DEFAULT_NUM_FACTS = 10

Kind = Literal["conflict", "update"]
Span = tuple[int, int]
# dataset, cluster, then (article, sentence) of both sentences, the smaller first.
PairKey = tuple[str, str, int, int, int, int]


# --- sentences -----------------------------------------------------------------------------------


def sentence_spans(text: str) -> list[Span]:
    """(start, end) of each of the harness's sentences (`eval.rouge.lines.sentences`) in `text`.

    The splitter gives sentences with their whitespace collapsed; each is found again in the text,
    in order, word by word, with only whitespace between its words.
    """
    spans: list[Span] = []
    at = 0
    for s in sentences(text):
        start = end = -1
        for word in s.split(" "):
            i = text.find(word, at if start < 0 else end)
            if i < 0 or (start >= 0 and not text[end:i].isspace()):
                # The splitter only drops whitespace; anything else is a bug to hear about.
                raise ValueError(f"sentence {len(spans)} not found in its text after offset {at}")
            start = i if start < 0 else start
            end = i + len(word)
        spans.append((start, end))
        at = end
    return spans


def normalise(text: str) -> str:
    return " ".join(text.split())


def fingerprint(text: str) -> str:
    """The first `HASH_LENGTH` hex digits of the sha1 of the whitespace-normalised sentence."""
    return hashlib.sha1(normalise(text).encode("utf-8")).hexdigest()[:HASH_LENGTH]


@dataclass(frozen=True)
class SplitArticle:
    """An article's text, as the system was sent it, with the harness's sentence spans."""

    text: str
    spans: tuple[Span, ...]
    date: datetime | None = None
    title: str | None = None

    def sentence(self, index: int) -> str:
        start, end = self.spans[index]
        return normalise(self.text[start:end])

    def locate(self, start: int, end: int) -> int | None:
        """The sentence holding most of [start, end) (the one holding `start` for an empty span)."""
        best, most = None, 0
        for i, (s, e) in enumerate(self.spans):
            overlap = min(e, end) - max(s, start) if end > start else int(s <= start < e)
            if overlap > most:
                best, most = i, overlap
        return best


def split_cluster(example: Example) -> tuple[SplitArticle, ...]:
    return tuple(
        SplitArticle(text=d.text, spans=tuple(sentence_spans(d.text)), date=d.date, title=d.title)
        for d in example.documents
    )


# --- labels --------------------------------------------------------------------------------------


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


# --- datasets ------------------------------------------------------------------------------------


def data_spec(text: str) -> tuple[str, Path]:
    """`NAME=PATH`, or `PATH` named by its file name up to the first `_` (duc2004_task2 -> duc2004)."""
    name, sep, path = text.partition("=")
    if not sep:
        path = text
        name = Path(text).stem.split("_")[0]
    if not name or not path:
        raise ValueError(f"--data {text!r}: expected PATH or NAME=PATH")
    return name, Path(path)


def load_datasets(specs: Sequence[tuple[str, Path]]) -> dict[str, list[Example]]:
    datasets: dict[str, list[Example]] = {}
    for name, path in specs:
        if name in datasets:
            raise ValueError(f"dataset {name!r} given twice")
        datasets[name] = load_examples(path)
    return datasets


# --- reported pairs ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Reported:
    """One sentence pair of a reported conflict (or update): two sources of two different claims."""

    kind: Kind
    group: int  # the conflict's (update's) index in the output
    subject: str
    key: PairKey


def _locate(articles: Sequence[SplitArticle], source: Mapping[str, Any]) -> tuple[int, int] | None:
    a, start, end = source.get("article"), source.get("start"), source.get("end")
    if not (
        isinstance(a, int) and 0 <= a < len(articles) and isinstance(start, int) and isinstance(end, int)
    ):
        return None
    sentence = articles[a].locate(start, end)
    return None if sentence is None else (a, sentence)


def reported_pairs(
    dataset: str,
    cluster: str,
    groups: Sequence[Mapping[str, Any]],
    articles: Sequence[SplitArticle],
    kind: Kind,
) -> tuple[list[Reported], int]:
    """Every cross-article pair (source of one claim, source of another claim) of each group, as
    the harness's sentences, each once a group; and how many sources could not be placed."""
    out: list[Reported] = []
    unplaced = 0
    for g, group in enumerate(groups):
        subject = str(group.get("subject", ""))
        placed: list[list[tuple[int, int]]] = []
        for claim in group.get("claims", []):
            spots = [_locate(articles, s) for s in claim.get("sources", ())]
            unplaced += sum(x is None for x in spots)
            placed.append([x for x in spots if x is not None])
        seen: set[PairKey] = set()
        for c1, c2 in combinations(placed, 2):
            for x in c1:
                for y in c2:
                    key = pair_key(dataset, cluster, x, y)
                    if x[0] != y[0] and key not in seen:
                        seen.add(key)
                        out.append(Reported(kind, g, subject, key))
    return out, unplaced


def output_pairs(
    dataset: str, cluster: str, output: Output, articles: Sequence[SplitArticle]
) -> tuple[list[Reported], int]:
    conflicts, lost1 = reported_pairs(dataset, cluster, output.conflicts, articles, "conflict")
    updates, lost2 = reported_pairs(dataset, cluster, output.updates, articles, "update")
    return conflicts + updates, lost1 + lost2


# --- scoring -------------------------------------------------------------------------------------


def _ratio(num: int, den: int) -> float | None:
    """None, not 0.0, when the ratio is undefined (nothing reported, nothing to find)."""
    return num / den if den else None


def score_pairs(labels: Iterable[LabeledPair], reported: Iterable[Reported]) -> dict[str, Any]:
    """Counts and metrics of reported pairs against labels (both of the clusters that were run).

    Pair level: precision = reported conflict pairs labelled `conflict` / reported conflict pairs
    that carry a label; recall = labelled `conflict` pairs reported as a conflict / all of them.
    Conflict level: a reported conflict is correct when every labelled pair of it is `conflict`,
    wrong when one is not, unjudged when none is labelled.
    """
    by_key = {p.key: p.label for p in labels}
    reported = list(reported)
    as_conflict = {r.key for r in reported if r.kind == "conflict"}
    as_update = {r.key for r in reported if r.kind == "update"}
    labelled_as = Counter(by_key.values())
    conflict_labels = Counter(by_key[k] for k in as_conflict if k in by_key)
    update_labels = Counter(by_key[k] for k in as_update if k in by_key)
    tp = conflict_labels["conflict"]
    fp = sum(conflict_labels.values()) - tp
    groups: dict[tuple[str, str, int], list[str]] = {}
    for r in reported:
        if r.kind == "conflict":
            groups.setdefault((r.key[0], r.key[1], r.group), []).extend(
                [by_key[r.key]] if r.key in by_key else []
            )
    correct = sum(bool(g) and all(x == "conflict" for x in g) for g in groups.values())
    wrong = sum(any(x != "conflict" for x in g) for g in groups.values())
    conflicts_missed_as_update = sum(1 for k in as_update - as_conflict if by_key.get(k) == "conflict")
    update_tp = update_labels["update"]
    return {
        "counts": {
            "labelled": dict(sorted(labelled_as.items())),
            "reported_conflict_pairs": len(as_conflict),
            "reported_conflict_pairs_labelled": tp + fp,
            "reported_conflict_pairs_unlabelled": len(as_conflict - by_key.keys()),
            "reported_conflict_pairs_by_label": {x: conflict_labels[x] for x in LABELS},
            "tp": tp,
            "fp": fp,
            "fn": labelled_as["conflict"] - tp,
            "reported_conflicts": len(groups),
            "conflicts_correct": correct,
            "conflicts_wrong": wrong,
            "conflicts_unjudged": len(groups) - correct - wrong,
            "reported_update_pairs": len(as_update),
            "reported_update_pairs_labelled": sum(update_labels.values()),
            "reported_update_pairs_unlabelled": len(as_update - by_key.keys()),
            "reported_update_pairs_by_label": {x: update_labels[x] for x in LABELS},
            "conflicts_reported_as_update": conflicts_missed_as_update,
        },
        "metrics": {
            "precision": _ratio(tp, tp + fp),
            "recall": _ratio(tp, labelled_as["conflict"]),
            "conflict_precision": _ratio(correct, correct + wrong),
            "update_precision": _ratio(update_tp, sum(update_labels.values())),
            "update_recall": _ratio(update_tp, labelled_as["update"]),
        },
    }


# --- figures (the harness's own rules, for mining candidates) ------------------------------------

NUMBER_WORDS = {
    w: n
    for n, w in enumerate(
        "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen"
        " fifteen sixteen seventeen eighteen nineteen twenty".split()
    )
} | {w: 10 * n for n, w in enumerate("thirty forty fifty sixty seventy eighty ninety".split(), 3)}
SCALES = {"hundred": 1e2, "thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12, "dozen": 12}
MONTH_NAMES = frozenset(
    "january february march april may june july august september october november december"
    " jan feb mar apr jun jul aug sep sept oct nov dec".split()
)
# Words after a number that are not what it counts (times of day, units of the number itself).
NOT_COUNTED = FUNCTION_WORDS | {"percent", "per", "cent", "p", "m", "a.m", "p.m", "am", "pm"}
TOKEN = re.compile(r"\$|%|(?<![\w.,])\d+(?:[.,]\d+)*(?!\w)|[^\W_]+(?:['’.-][^\W_]+)*")
# A number as newswire writes one ("1,200", "3.5"); not an address or a score ("10.0.0.1", "2,1").
DIGITS = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?")
YEAR = re.compile(r"(1[89]|20)\d\d")
GAP = re.compile(r"[\s-]*")  # what may stand between a number and the word it counts


@dataclass(frozen=True)
class Figure:
    """A number with what it counts: `keys` are the stems of the counted words, or "$", "%",
    "year" or "date"; empty when the number counts nothing the rules can name."""

    value: str
    keys: frozenset[str]


def _number(token: str) -> float | None:
    t = token.lower()
    if DIGITS.fullmatch(t):
        return float(t.replace(",", ""))
    parts = t.split("-")
    if parts and all(p in NUMBER_WORDS for p in parts):
        return float(sum(NUMBER_WORDS[p] for p in parts))
    return None


def _value(x: float) -> str:
    return f"{x:.12g}"


def figures(sentence: str) -> list[Figure]:
    """The figures of a sentence: numbers (digits or words, with million/billion), money, percents,
    years and days of a month, each with the stems of the up to two words it counts."""
    found: list[Figure] = []
    tokens = list(TOKEN.finditer(sentence))
    lower = [t.group().lower() for t in tokens]
    i = 0
    while i < len(tokens):
        word = lower[i].rstrip(".")
        nxt = lower[i + 1] if i + 1 < len(tokens) else ""
        if word in MONTH_NAMES and nxt.isdigit() and 1 <= int(nxt) <= 31:
            found.append(Figure(f"{word[:3]} {int(nxt)}", frozenset({"date"})))
            i += 2
            continue
        value = _number(lower[i])
        if value is None or (lower[i] == "one" and nxt not in SCALES):
            i += 1
            continue
        j = i + 1
        while j < len(tokens) and lower[j] in SCALES:
            value *= SCALES[lower[j]]
            j += 1
        money = i > 0 and lower[i - 1] == "$"
        if j < len(tokens) and lower[j] in ("%", "percent"):
            found.append(Figure(_value(value), frozenset({"%"})))
        elif money:
            found.append(Figure(_value(value), frozenset({"$"})))
        elif j == i + 1 and YEAR.fullmatch(lower[i]):
            found.append(Figure(_value(value), frozenset({"year"})))
        else:
            counted: list[str] = []
            end = tokens[j - 1].end()
            for k in range(j, min(j + 2, len(tokens))):
                w = lower[k]
                if not GAP.fullmatch(sentence[end : tokens[k].start()]) or w in NOT_COUNTED:
                    break
                if _number(w) is not None or not w[0].isalpha():
                    break
                counted.append(porter_stem(w))
                end = tokens[k].end()
            found.append(Figure(_value(value), frozenset(counted)))
        i = j
    return found


# --- mining --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Candidate:
    key: PairKey
    why: tuple[str, ...]
    overlap: float


@dataclass
class _Sentence:
    article: int
    index: int
    text: str
    figures: list[Figure]
    stems: frozenset[str]
    values: dict[str, frozenset[str]] = field(default_factory=dict)


def _content_stems(text: str) -> frozenset[str]:
    return frozenset(
        porter_stem(w.lower()) for w in words(text) if w.lower() not in FUNCTION_WORDS and not w[0].isdigit()
    )


def _overlap(a: frozenset[str], b: frozenset[str]) -> float:
    return len(a & b) / len(a | b) if a or b else 0.0


def _order(key: PairKey) -> str:
    """A deterministic shuffle: pairs sampled in the order of their hash."""
    return hashlib.sha1(repr(key).encode()).hexdigest()


# Candidates of each kind taken from a cluster, in this order (kinds beyond the first two rotate
# from cluster to cluster so every kind gets its share), up to `per_cluster` pairs.
MIN_CONTEXT = 0.1  # a sampled pair shares at least this much of its content words
OVERLAP_MIN = 0.3  # "worded alike": the pairs with no counted word in common
MAX_SENTENCE_USES = 2


def _classify(x: _Sentence, y: _Sentence) -> str | None:
    shared = (x.values.keys() & y.values.keys()) - {""}
    if shared:
        differ = [k for k in shared if x.values[k] != y.values[k]]
        if differ:
            return "date-differs" if set(differ) <= {"year", "date"} else "count-differs"
        return None if shared <= {"year", "date"} else "count-same"
    all_x = {f.value for f in x.figures}
    all_y = {f.value for f in y.figures}
    if all_x != all_y and _overlap(x.stems, y.stems) >= OVERLAP_MIN:
        return "worded-alike"
    return None


def mine_cluster(
    dataset: str,
    cluster: str,
    articles: Sequence[SplitArticle],
    per_cluster: int,
    exclude: frozenset[PairKey] = frozenset(),
    rotation: int = 0,
) -> list[Candidate]:
    """Up to `per_cluster` cross-article pairs of sentences with figures, by the harness's rules."""
    sents: list[_Sentence] = []
    for a, art in enumerate(articles):
        for i in range(len(art.spans)):
            text = art.sentence(i)
            figs = figures(text)
            if not figs:
                continue
            s = _Sentence(a, i, text, figs, _content_stems(text))
            for f in figs:
                for k in f.keys or {""}:
                    s.values[k] = s.values.get(k, frozenset()) | {f.value}
            sents.append(s)
    pools: dict[str, list[Candidate]] = {}
    for x, y in combinations(sents, 2):
        if x.article == y.article or x.text == y.text:
            continue
        key = pair_key(dataset, cluster, (x.article, x.index), (y.article, y.index))
        kind = None if key in exclude else _classify(x, y)
        if kind is not None:
            pools.setdefault(kind, []).append(Candidate(key, (kind,), round(_overlap(x.stems, y.stems), 3)))
    best = {k: sorted(v, key=lambda c: (-c.overlap, _order(c.key))) for k, v in pools.items()}
    sampled = sorted(
        (c for c in pools.get("count-differs", []) if c.overlap >= MIN_CONTEXT), key=lambda c: _order(c.key)
    )
    rest = ["count-same", "worded-alike", "date-differs"]
    rest = rest[rotation % len(rest) :] + rest[: rotation % len(rest)]
    queues = [best.get("count-differs", []), sampled] + [best.get(k, []) for k in rest]
    chosen: list[Candidate] = []
    uses: Counter[tuple[int, int]] = Counter()
    while len(chosen) < per_cluster and any(queues):
        for q in queues:
            while q:
                c = q.pop(0)
                ends = [(c.key[2], c.key[3]), (c.key[4], c.key[5])]
                if c.key in {d.key for d in chosen} or any(uses[e] >= MAX_SENTENCE_USES for e in ends):
                    continue
                chosen.append(c)
                uses.update(ends)
                break
            if len(chosen) >= per_cluster:
                break
    return chosen


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
    engine: Literal["embedded", "seq2seq"] | None = "embedded"
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
    engine: Literal["embedded", "seq2seq"] = "embedded"
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


def _fmt(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.3f}"


def conflicts_table(results: Mapping[str, Any]) -> str:
    """A short plain-text table of a scoring run."""
    sut = results["settings"]["system_under_test"]
    name = sut["engine"] + (f" ({sut['model']})" if sut.get("model") else "")
    lab = results["labels"]
    lines = [
        f"conflicts on labelled pairs: engine {name}, num_facts {results['settings']['num_facts']},"
        f" {lab['used']} labels in {lab['clusters']} clusters ({lab['skipped']} skipped)",
        f"{'':<10} {'precision':>9} {'recall':>7} {'tp':>4} {'fp':>4} {'fn':>4} {'unlabelled':>10}"
        f" {'conflict-level':>14}",
    ]
    blocks = [("all", results), *results["by_dataset"].items()]
    for label, block in blocks:
        m, k = block["metrics"], block["counts"]
        lines.append(
            f"{label:<10} {_fmt(m['precision']):>9} {_fmt(m['recall']):>7} {k['tp']:>4} {k['fp']:>4}"
            f" {k['fn']:>4} {k['reported_conflict_pairs_unlabelled']:>10}"
            f" {_fmt(m['conflict_precision']):>14}"
        )
    k, m = results["counts"], results["metrics"]
    wrong = k["reported_conflict_pairs_by_label"]
    lines.append(
        f"reported as conflicts but labelled: update {wrong['update']}, different {wrong['different']},"
        f" same {wrong['same']}; conflicts: {k['conflicts_correct']} correct, {k['conflicts_wrong']} wrong,"
        f" {k['conflicts_unjudged']} unjudged"
    )
    lines.append(
        f"updates: {k['reported_update_pairs']} pairs reported ({k['reported_update_pairs_unlabelled']}"
        f" unlabelled), precision {_fmt(m['update_precision'])}, recall {_fmt(m['update_recall'])};"
        f" labelled conflicts reported as updates: {k['conflicts_reported_as_update']}"
    )
    if results.get("unplaced_sources"):
        lines.append(f"sources that fall in no harness sentence: {results['unplaced_sources']}")
    return "\n".join(lines) + "\n"
