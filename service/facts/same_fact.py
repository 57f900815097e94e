"""Do two sentences state the same fact? The merge score behind a key fact's `support`.

Shared words alone are not enough: news sentences about one story share most of their words while
saying different things ("Turkey offered help" / "27 aftershocks hit Turkey"). The score reads
how much of *each* sentence the other covers (words, content words, word pairs), and whether they
name the same figures and names; a small logistic model weighs these. Its weights were fitted on
the training split of the Microsoft Research Paraphrase Corpus (news sentence pairs labelled
same-meaning or not) by `python -m benchmarks.fit_same_fact`; the test split is only ever used by the
harness (`python -m eval paraphrase`) to measure the result.

Two rules come before the model, because a figure is what a reader checks first:
- sentences giving different values for the same counted thing ("55 minutes" / "47 minutes")
  disagree, whatever their wording: never the same fact (they may be a conflict);
- a shared date or year is not a shared fact, so such figures count for nothing (`anchors`).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property

import numpy as np

from service.facts.features import proper_names
from service.facts.figures import Figure, figures
from service.nlp.sentences import Sentence
from service.nlp.words import STOPWORDS, stem, words

# Feature order of WEIGHTS; `features()` returns them in this order.
FEATURES = (
    "content_min",  # shared content stems / content stems, of the sentence covered less
    "content_max",  # ... of the sentence covered more
    "pairs_min",  # shared adjacent word pairs (stemmed), same two readings
    "pairs_max",
    "words_min",  # shared word stems, stopwords included
    "words_max",
    "figures_differ",  # 1 when a figure (not a date or year) is in one sentence only
    "names_differ",  # 1 when a proper name is in one sentence only
)
# Fitted on MSRP train (`python -m benchmarks.fit_same_fact`); see the module docstring.
WEIGHTS = (1.9, 0.5, 2.6, -4.1, 5.2, 1.9, -0.3, 0.1)
BIAS = -4.2
# The merge score at or above which two sentences are one fact: chosen on MSRP train (precision
# 0.916, recall 0.459 there, pair by pair) so that a `support` count is a claim the service can
# stand behind, and so that the engine keeps a recall of 0.40 once sentences that are no fact
# candidates at all are counted.
THRESHOLD = 0.82


@dataclass(frozen=True)
class Wording:
    """What the score reads of one sentence, computed once per sentence."""

    text: str

    @cached_property
    def tokens(self) -> tuple[str, ...]:
        return tuple(w.lower() for w in words(self.text))

    @cached_property
    def stems(self) -> tuple[str, ...]:
        return tuple(stem(w) for w in self.tokens)

    @cached_property
    def content(self) -> frozenset[str]:
        return frozenset(s for w, s in zip(self.tokens, self.stems, strict=True) if w not in STOPWORDS)

    @cached_property
    def pairs(self) -> frozenset[tuple[str, str]]:
        return frozenset(zip(self.stems, self.stems[1:], strict=False))

    @cached_property
    def figures(self) -> tuple[Figure, ...]:
        return tuple(figures(self.text))

    @cached_property
    def anchors(self) -> frozenset[tuple[str, float]]:
        """Figures that identify a fact: counts, amounts, measures; not dates or years."""
        return frozenset((f.kind, f.value) for f in self.figures if f.kind not in ("date", "year"))

    @cached_property
    def names(self) -> frozenset[str]:
        return frozenset(n.lower() for n in proper_names(self.text))


def _cover(a: frozenset[object], b: frozenset[object]) -> tuple[float, float]:
    shared = len(a & b)
    x, y = shared / max(len(a), 1), shared / max(len(b), 1)
    return min(x, y), max(x, y)


def disagree(a: Wording, b: Wording) -> bool:
    """Both give a figure for the same counted thing and no value is common to them."""
    kinds_a: dict[str, set[float]] = {}
    for f in a.figures:
        kinds_a.setdefault(f.kind, set()).add(f.value)
    kinds_b: dict[str, set[float]] = {}
    for f in b.figures:
        kinds_b.setdefault(f.kind, set()).add(f.value)
    for kind in kinds_a.keys() & kinds_b.keys():
        if kind in ("date", "year", "number"):
            continue  # a day or a bare number says too little about what it counts
        if not kinds_a[kind] & kinds_b[kind]:
            return True
    return False


def features(a: Wording, b: Wording) -> tuple[float, ...]:
    c = _cover(a.content, b.content)
    p = _cover(a.pairs, b.pairs)
    w = _cover(frozenset(a.stems), frozenset(b.stems))
    return (*c, *p, *w, float(a.anchors != b.anchors), float(a.names != b.names))


def score(a: Wording, b: Wording) -> float:
    """The merge score in [0, 1]: how likely `a` and `b` state the same fact."""
    if disagree(a, b):
        return 0.0
    z = BIAS + sum(wt * x for wt, x in zip(WEIGHTS, features(a, b), strict=True))
    return 1.0 / (1.0 + math.exp(-z))


def coverage(sets: Sequence[frozenset[str]]) -> tuple[np.ndarray, np.ndarray]:
    """Pairwise (min, max) of shared members over each side's size, as `_cover` computes them."""
    # Only members of two or more sets can be shared: the product runs over those columns alone
    # (about half of a cluster's words), and each set's own size fills the diagonal. The counts
    # are small integers, exact in float32, so the result is the full product's to the bit.
    df = Counter(t for members in sets for t in members)
    vocab: dict[str, int] = {}
    rows = [[vocab.setdefault(t, len(vocab)) for t in members if df[t] > 1] for members in sets]
    incidence = np.zeros((len(sets), max(1, len(vocab))), dtype=np.float32)
    for r, cols in enumerate(rows):
        incidence[r, cols] = 1.0
    shared = incidence @ incidence.T
    sizes = np.array([len(members) for members in sets], dtype=np.float32)
    np.fill_diagonal(shared, sizes)
    sizes = np.maximum(sizes, 1.0)
    one, other = shared / sizes[:, None], shared / sizes[None, :]
    return np.minimum(one, other), np.maximum(one, other)


def _bound(w_min: float, w_max: float) -> float:
    """The most w_min * x + w_max * y adds where 0 <= x <= y <= 1 (a min and a max reading)."""
    return max(0.0, w_max, w_min + w_max)


def same_fact_matrix(sentences: Sequence[Sentence], threshold: float = THRESHOLD) -> np.ndarray:
    """Pairwise merge scores (1 on the diagonal), exact where they reach `threshold`.

    Content-word and word coverage are read for all pairs at once (matrix products); the rest of
    the score only for pairs whose best case, the other readings at their most favourable,
    could reach `threshold`. Pairs that cannot read 0. This keeps a thousand-sentence pool to
    the few pairs that matter.
    """
    n = len(sentences)
    out = np.eye(n, dtype=np.float32)
    if n < 2:
        return out
    wording = [Wording(s.text) for s in sentences]
    c_min, c_max = coverage([w.content for w in wording])
    w_min, w_max = coverage([frozenset(w.stems) for w in wording])
    wt = dict(zip(FEATURES, WEIGHTS, strict=True))
    best = (
        BIAS
        + wt["content_min"] * c_min
        + wt["content_max"] * c_max
        + wt["words_min"] * w_min
        + wt["words_max"] * w_max
        + _bound(wt["pairs_min"], wt["pairs_max"])
        + max(0.0, wt["figures_differ"])
        + max(0.0, wt["names_differ"])
    )
    # The logit of the threshold: pairs below it cannot merge.
    if threshold <= 0.0:
        floor = -math.inf
    elif threshold >= 1.0:
        floor = math.inf  # a sigmoid never reaches 1: nothing merges
    else:
        floor = math.log(threshold / (1.0 - threshold))
    for i, j in np.argwhere(np.triu(best >= floor, k=1)).tolist():
        out[i, j] = out[j, i] = score(wording[i], wording[j])
    return out
