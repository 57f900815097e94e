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
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property

import numpy as np

from service.errors import check
from service.facts.features import proper_names
from service.facts.figures import Figure, figures
from service.nlp.sentences import Sentence
from service.nlp.similarity import term_ids
from service.nlp.words import STOPWORDS, stemmed

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


def merge_threshold(configured: float | None) -> float:
    """The merge score in force: the operator's (SUMMARIZER_SAME_FACT_THRESHOLD), else the fitted
    `THRESHOLD`. The one place the two meet."""
    return THRESHOLD if configured is None else configured


@dataclass(frozen=True)
class Wording:
    """What the score reads of one sentence, computed once per sentence."""

    text: str

    @cached_property
    def tokens(self) -> tuple[str, ...]:
        return stemmed(self.text)[0]

    @cached_property
    def stems(self) -> tuple[str, ...]:
        return stemmed(self.text)[1]

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


def figures_disagree(a: Wording, b: Wording) -> bool:
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
    if figures_disagree(a, b):
        return 0.0
    z = BIAS + sum(wt * x for wt, x in zip(WEIGHTS, features(a, b), strict=True))
    return 1.0 / (1.0 + math.exp(-z))


# Members of more sets than this (stopwords, the story's names) are counted by a dense product over
# their few columns; the others, pair by pair (see `shared_counts`).
DENSE_FROM = 32


def shared_counts(sets: Sequence[frozenset[str]]) -> np.ndarray:
    """How many members each two sets share (float32; the diagonal is not counted: 0 there).

    A dense product over the whole vocabulary costs n² times its few thousand words, most of them
    in two or three sets only: such a word adds 1 to each pair of its sets, counted directly. The
    counts are small integers, exact in float32 whichever way they are summed.
    """
    n = len(sets)
    cols, width = term_ids(sets)
    rows = np.repeat(np.arange(n), list(map(len, sets)))
    df = np.bincount(cols, minlength=width)[cols]  # per entry: how many sets have its member
    shared = np.zeros((n, n), dtype=np.float32)
    common = df > DENSE_FROM
    if common.any():
        _, ids = np.unique(cols[common], return_inverse=True)
        incidence = np.zeros((n, int(ids.max()) + 1), dtype=np.float32)
        incidence[rows[common], ids] = 1.0
        shared += incidence @ incidence.T
    rare = (df > 1) & ~common
    order = np.argsort(cols[rare], kind="stable")  # each member's sets, one run after another
    members_rows, members_df = rows[rare][order], df[rare][order]
    pairs = []
    for d in np.unique(members_df).tolist():
        group = members_rows[members_df == d].reshape(-1, d)  # a member of d sets per line
        pairs.append((group[:, :, None] * n + group[:, None, :]).ravel())
    if pairs:
        shared += np.bincount(np.concatenate(pairs), minlength=n * n).reshape(n, n)
    np.fill_diagonal(shared, 0.0)
    return shared


def coverage(sets: Sequence[frozenset[str]]) -> tuple[np.ndarray, np.ndarray]:
    """Pairwise (min, max) of shared members over each side's size, as `_cover` computes them."""
    shared = shared_counts(sets)
    sizes = np.array([len(members) for members in sets], dtype=np.float32)
    np.fill_diagonal(shared, sizes)
    sizes = np.maximum(sizes, 1.0)
    one, other = shared / sizes[:, None], shared / sizes[None, :]
    return np.minimum(one, other), np.maximum(one, other)


def _bound(w_min: float, w_max: float) -> float:
    """The most w_min * x + w_max * y adds where 0 <= x <= y <= 1 (a min and a max reading)."""
    return max(0.0, w_max, w_min + w_max)


def same_fact_matrix(
    sentences: Sequence[Sentence], threshold: float, stop: threading.Event | None = None
) -> np.ndarray:
    """Pairwise merge scores (1 on the diagonal), exact where they reach `threshold`.

    Word coverage is read for all pairs at once. A pair goes on only if its score could reach
    `threshold` with everything but word coverage at its most favourable (about one pair in two
    hundred of a news cluster). For those the content-word coverage is read too, and the best
    case with only word pairs, figures and names at their most favourable is checked, by the same
    float32 operations that whole coverage matrices once took, so that the same pairs pass; their
    full score is computed. Pairs that cannot reach `threshold` read 0. This keeps a
    thousand-sentence pool to the few pairs that matter. `stop`, once set, ends the work
    (`Cancelled`), checked per scored pair: a huge input of look-alike sentences has many.
    """
    n = len(sentences)
    out = np.eye(n, dtype=np.float32)
    if n < 2:
        return out
    wording = [Wording(s.text) for s in sentences]
    wt = dict(zip(FEATURES, WEIGHTS, strict=True))
    # The logit of the threshold: pairs below it cannot merge.
    if threshold <= 0.0:
        floor = -math.inf
    elif threshold >= 1.0:
        floor = math.inf  # a sigmoid never reaches 1: nothing merges
    else:
        floor = math.log(threshold / (1.0 - threshold))
    word_sets = [frozenset(w.stems) for w in wording]
    shared = shared_counts(word_sets)
    sizes = np.maximum(np.array(list(map(len, word_sets)), dtype=np.float32), 1.0)
    # min(shared / size_a, shared / size_b), as `coverage` reads it (division is monotone).
    w_low = shared / np.maximum(sizes[:, None], sizes[None, :])
    # The most any pair with this word coverage can score: content coverage at its best, the
    # other word coverage anywhere from w_low to 1 (a margin covers float32 rounding).
    ceiling = (
        BIAS
        + _bound(wt["content_min"], wt["content_max"])
        + _bound(wt["pairs_min"], wt["pairs_max"])
        + max(0.0, wt["figures_differ"])
        + max(0.0, wt["names_differ"])
        + wt["words_min"] * w_low
        + np.maximum(wt["words_max"] * w_low, wt["words_max"])
    )
    a, b = np.nonzero(np.triu(ceiling >= floor - 1e-3, k=1))

    # The pairs left, read as `coverage` read every pair (float32, operation for operation): only
    # the content words of their sentences are read.
    involved = np.unique(np.concatenate([a, b]))
    content = [wording[i].content for i in involved.tolist()]
    ia, ib = np.searchsorted(involved, a), np.searchsorted(involved, b)
    shared_content = shared_counts(content)[ia, ib]
    content_sizes = np.maximum(np.array(list(map(len, content)), dtype=np.float32), 1.0)
    c_one, c_other = shared_content / content_sizes[ia], shared_content / content_sizes[ib]
    w_one, w_other = shared[a, b] / sizes[a], shared[a, b] / sizes[b]
    best = (
        BIAS
        + wt["content_min"] * np.minimum(c_one, c_other)
        + wt["content_max"] * np.maximum(c_one, c_other)
        + wt["words_min"] * np.minimum(w_one, w_other)
        + wt["words_max"] * np.maximum(w_one, w_other)
        + _bound(wt["pairs_min"], wt["pairs_max"])
        + max(0.0, wt["figures_differ"])
        + max(0.0, wt["names_differ"])
    )
    keep = best >= floor
    for i, j in zip(a[keep].tolist(), b[keep].tolist(), strict=True):
        check(stop)
        out[i, j] = out[j, i] = score(wording[i], wording[j])
    return out
