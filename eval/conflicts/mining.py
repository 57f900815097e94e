"""Candidate pairs to label: cross-article pairs of sentences with figures, by the harness's rules,
sampled per cluster in a fixed order (`mine_cluster`)."""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import combinations

from eval.conflicts.figure_rules import Figure, figures
from eval.conflicts.labels import PairKey, pair_key
from eval.conflicts.sentences import SplitArticle
from eval.facts import FUNCTION_WORDS, words
from eval.rouge.porter import porter_stem


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
