"""Do two sentences state the same fact? The merge score behind a key fact's `support`.

Shared words alone are not enough: news sentences about one story share most of their words while
saying different things ("Turkey offered help" / "27 aftershocks hit Turkey"). The score reads
how much of *each* sentence the other covers: its content words, a WordNet synonym counting
("purchased" / "bought", `service.nlp.lexicon`), its words, word pairs and triples, and the words
in the same order; what each leaves unmatched (how many content words, also outside the
attribution, the longest run of them: an added clause is a different fact), names in one only, a
negation in one only, and the figures (in one only; values of a kind both give). A
small logistic model weighs these. Its weights were fitted on the training split of the Microsoft
Research Paraphrase Corpus (news sentence pairs labelled same-meaning or not) by
`python -m benchmarks.fit_same_fact`; the test split is only ever used by the harness
(`python -m eval paraphrase`) to measure the result. Words are compared as spelt the same way in
both (`spellings`: "don't" / "do not", "N.R.A." / "NRA", "two" / "2").

Three rules come before the model, because a figure is what a reader checks first:
- sentences giving different values for the same counted thing ("55 minutes" / "47 minutes")
  disagree, whatever their wording: never the same fact (they may be a conflict);
- a shared date or year is not a shared fact, so such figures count for nothing (`anchors`);
- sentences sharing too few of their words are not read further (`GATE`).
"""

from __future__ import annotations

import math
import re
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property, lru_cache

import numpy as np

from service.errors import check
from service.facts.features import proper_names
from service.facts.figures import Figure, figures
from service.nlp import lexicon
from service.nlp.sentences import Sentence
from service.nlp.similarity import term_ids
from service.nlp.words import STOPWORDS, stem, stemmed

# Feature order of WEIGHTS; `features()` returns them in this order. Every feature lies in [0, 1],
# and of each (_min, _max) pair the first is at most the second: `same_fact_matrix` bounds the score
# from that alone.
FEATURES = (
    "synonyms_min",  # content stems matched on the other side, a WordNet synonym counting
    "synonyms_max",  # (`lexicon`), of the sentence covered less, and of the one covered more
    "pairs_min",  # shared adjacent word pairs (stemmed), same two readings
    "pairs_max",
    "triples_min",  # shared runs of three stems
    "triples_max",
    "words_min",  # shared word stems, stopwords included
    "words_max",
    "order_min",  # longest common subsequence of stems / length: the words in the same order
    "order_max",
    "unmatched_min",  # content stems with no match on the other side (`_count`)
    "unmatched_max",
    "gap_min",  # the longest run of words with no match on the other side (`_count`): an added clause
    "gap_max",
    "length_ratio",  # words of the shorter sentence / words of the longer
    "figures_differ",  # 1 when a figure (not a date or year) is in one sentence only
    "names_unshared",  # proper names in one sentence only (`_count`); it offsets `unmatched_max`,
    # which counts the same names as unmatched words: hence a positive weight
    "negation_differs",  # 1 when one sentence is negated ("not", "never") and the other is not
    "figures_unshared",  # values (`_count`) of a figure kind both give (not dates or years), in one only
    "unsaid_min",  # content words unmatched (`_count`, as `unmatched_`) outside the attribution
    "unsaid_max",  # ("..., the official said": `ATTRIBUTION`): what is claimed, not who claims it
    "synonym_pairs_min",  # adjacent word pairs shared, a word read as the other's synonym
    "synonym_pairs_max",  # where it has one ("bought shares" / "purchased shares")
)
# Fitted on MSRP train (`python -m benchmarks.fit_same_fact`); see the module docstring.
WEIGHTS = (
    0.93,  # synonyms_min
    1.19,  # synonyms_max
    1.04,  # pairs_min
    -0.91,  # pairs_max
    -0.34,  # triples_min
    -2.61,  # triples_max
    1.01,  # words_min
    0.38,  # words_max
    2.99,  # order_min
    1.28,  # order_max
    0.17,  # unmatched_min
    -0.02,  # unmatched_max
    -1.26,  # gap_min
    -2.14,  # gap_max
    1.40,  # length_ratio
    -0.08,  # figures_differ
    0.80,  # names_unshared
    -1.01,  # negation_differs
    -1.17,  # figures_unshared
    -0.17,  # unsaid_min
    -1.61,  # unsaid_max
    1.56,  # synonym_pairs_min
    -0.34,  # synonym_pairs_max
)
BIAS = -2.33
# The merge score at or above which two sentences are one fact: the lowest at which the
# cross-validated precision on MSRP train reaches 0.91 (`fit_same_fact --folds 5`: precision 0.915,
# recall 0.600 pair by pair), so that a `support` count is a claim the service can stand behind:
# a wrong "same fact" costs more than a missed one.
THRESHOLD = 0.77
# Sentences sharing less than this share of their words (stems, stopwords included, of the sentence
# covered less) are never one fact, whatever else they share. On MSRP train 94 pairs are below it
# (besides those whose figures disagree), 22 of them same-meaning; without it, one of the 94 would
# reach THRESHOLD. In a DUC 2004 cluster it leaves about one pair in four hundred to be scored
# (`same_fact_matrix`).
GATE = 0.4
# Counts are read up to CAP, as log(1 + n) / log(1 + CAP): the first unmatched words weigh most.
CAP = 20
NEGATIONS = frozenset("not no never nothing none nor without cannot".split())
# Words that say who states a fact ("..., the official said", "according to police"). Outlets
# attribute the same fact to different people or not at all, so the words within
# ATTRIBUTION_REACH of one are left out of `unsaid_`: on MSRP train that reading of what each
# sentence adds separates paraphrases a little better than `unmatched_` alone (cross-validated).
ATTRIBUTION = frozenset(
    "said say says told tell added add according spokesman spokeswoman statement official officials".split()
)
ATTRIBUTION_REACH = 3


def merge_threshold(configured: float | None) -> float:
    """The merge score in force: the operator's (SUMMARIZER_SAME_FACT_THRESHOLD), else the fitted
    `THRESHOLD`. The one place the two meet."""
    return THRESHOLD if configured is None else configured


# Contractions as two words: "don't" reads as "do not", so that it matches the other spelling.
CONTRACTIONS = {"won't": ("will", "not"), "can't": ("can", "not"), "cannot": ("can", "not")}
# Small numbers in words, as digits: "three feet" / "3 feet". ("one" is left a stopword: "one of".)
NUMERALS = {
    w: str(i)
    for i, w in enumerate(
        "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen"
        " sixteen seventeen eighteen nineteen twenty".split()
    )
    if w != "one"
}
# Where `spellings` may change a word (`spelt` looks for them): an apostrophe, a hyphen, a dot
# inside a word (DOTTED_RE), or one of RESPELT_WORDS. Elsewhere the words are as `stemmed` reads them.
DOTTED_RE = re.compile(r"\w\.\w")
RESPELT_WORDS = frozenset([*NUMERALS, *CONTRACTIONS])
ENDINGS = (("n't", "not"), ("'m", "am"), ("'re", "are"), ("'ve", "have"), ("'ll", "will"), ("'d", "would"))


@lru_cache(maxsize=50_000)
def spellings(word: str) -> tuple[str, ...]:
    """A lower-cased word as the score compares it: the same word spelt the same way in both
    sentences. Contractions are spelt out, "'s" dropped, dotted initials closed up ("n.r.a" is
    "nra", as the other outlet writes it), hyphenated words split ("work-around", "double-jeopardy":
    the parts are what the other spelling shares)."""
    word = word.replace("’", "'")
    if word in NUMERALS:
        return (NUMERALS[word],)
    if word in CONTRACTIONS:
        return CONTRACTIONS[word]
    for ending, full in ENDINGS:
        if word.endswith(ending) and len(word) > len(ending):
            return (word[: -len(ending)], full)
    if word.endswith("'s"):
        word = word[:-2]
    if "." in word and all(len(part) <= 2 for part in word.split(".")):
        word = word.replace(".", "")
    return tuple(part for part in word.split("-") if part) or (word,)


def spelt(text: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The words of `text` as `spellings` gives them, and their stems."""
    lowered, stems = stemmed(text)
    if (
        "'" not in text
        and "’" not in text
        and "-" not in text
        and ("." not in text[:-1] or not DOTTED_RE.search(text))
        and RESPELT_WORDS.isdisjoint(lowered)
    ):
        return lowered, stems  # most sentences: the words and stems as they are
    tokens: list[str] = []
    out: list[str] = []
    for w, s in zip(lowered, stems, strict=True):
        if w in RESPELT_WORDS or "'" in w or "’" in w or "." in w or "-" in w:
            parts = spellings(w)
            tokens += parts
            out += map(stem, parts)
        else:
            tokens.append(w)
            out.append(s)
    return tuple(tokens), tuple(out)


@dataclass(frozen=True)
class Wording:
    """What the score reads of one sentence, computed once per sentence."""

    text: str
    # The word gate reads every sentence's stems: computed up front, the rest on demand.
    tokens: tuple[str, ...] = field(init=False, repr=False, compare=False)
    stems: tuple[str, ...] = field(init=False, repr=False, compare=False)
    stem_set: frozenset[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        tokens, stems = spelt(self.text)
        object.__setattr__(self, "tokens", tokens)
        object.__setattr__(self, "stems", stems)
        object.__setattr__(self, "stem_set", frozenset(stems))

    @cached_property
    def content(self) -> frozenset[str]:
        return frozenset(s for w, s in zip(self.tokens, self.stems, strict=True) if w not in STOPWORDS)

    @cached_property
    def pairs(self) -> frozenset[tuple[str, str]]:
        return frozenset(zip(self.stems, self.stems[1:], strict=False))

    @cached_property
    def triples(self) -> frozenset[tuple[str, str, str]]:
        return frozenset(zip(self.stems, self.stems[1:], self.stems[2:], strict=False))

    @cached_property
    def figures(self) -> tuple[Figure, ...]:
        return tuple(figures(self.text))

    @cached_property
    def figure_values(self) -> dict[str, frozenset[float]]:
        """The values given of each figure kind."""
        kinds: dict[str, set[float]] = {}
        for f in self.figures:
            kinds.setdefault(f.kind, set()).add(f.value)
        return {kind: frozenset(values) for kind, values in kinds.items()}

    @cached_property
    def anchors(self) -> frozenset[tuple[str, float]]:
        """Figures that identify a fact: counts, amounts, measures; not dates or years."""
        return frozenset((f.kind, f.value) for f in self.figures if f.kind not in ("date", "year"))

    @cached_property
    def names(self) -> frozenset[str]:
        return frozenset(w for n in proper_names(self.text) for w in spellings(n.lower()))

    @cached_property
    def synonymous(self) -> dict[str, frozenset[int]]:
        """Stems with lexicon concepts, and those concepts; not a name's ("Bush" is no shrub)."""
        table, names = lexicon.table(), self.names
        out: dict[str, frozenset[int]] = {}
        for w, s in zip(self.tokens, self.stems, strict=True):
            if w not in names and s in table:
                out[s] = table[s]
        return out

    @cached_property
    def concepts(self) -> frozenset[int]:
        return frozenset().union(*self.synonymous.values())

    @cached_property
    def claimed(self) -> tuple[int, ...]:
        """Positions of the content words outside the attribution (`ATTRIBUTION`), in order."""
        near: set[int] = set()
        for i, w in enumerate(self.tokens):
            if w in ATTRIBUTION:
                near.update(range(i - ATTRIBUTION_REACH, i + ATTRIBUTION_REACH + 1))
        return tuple(i for i, w in enumerate(self.tokens) if w not in STOPWORDS and i not in near)

    @cached_property
    def negated(self) -> bool:
        return not NEGATIONS.isdisjoint(self.tokens)  # `spellings` turned "n't" into "not"

    def matched(self, other: Wording) -> frozenset[str]:
        """The stems that `other` has too, or has a synonym of."""
        same = self.stem_set & other.stem_set
        theirs = other.concepts
        return same | {s for s, c in self.synonymous.items() if s not in same and not c.isdisjoint(theirs)}


def _cover(a: frozenset[object], b: frozenset[object]) -> tuple[float, float]:
    shared = len(a & b)
    x, y = shared / max(len(a), 1), shared / max(len(b), 1)
    return min(x, y), max(x, y)


def _count(n: int) -> float:
    return math.log1p(min(n, CAP)) / math.log1p(CAP)


def _common_subsequence(a: Sequence[str], b: Sequence[str]) -> int:
    """Length of the longest common subsequence, by the bit-parallel method (Allison and Dix 1986,
    as Hyyrö 2004 writes it): one integer holds a row of the dynamic programme, one bit per word of
    `a`, so a pair of news sentences costs a few dozen integer operations instead of a thousand
    steps of Python."""
    where: dict[str, int] = {}
    for i, word in enumerate(a):
        where[word] = where.get(word, 0) | (1 << i)
    full = (1 << len(a)) - 1
    row = full
    for word in b:
        hits = row & where.get(word, 0)
        row = ((row + hits) | (row - hits)) & full
    return len(a) - row.bit_count()


def _gap(stems: Sequence[str], matched: frozenset[str]) -> int:
    """The longest run of words whose stems are not `matched`."""
    longest = run = 0
    for s in stems:
        if s in matched:
            run = 0
        else:
            run += 1
            if run > longest:
                longest = run
    return longest


def _synonym_reading(a: Wording, b: Wording) -> tuple[float, int, int, int]:
    """Of `a`'s content stems: the share matched in `b` (synonyms counting), how many are not;
    `a`'s longest run of unmatched words; and its unmatched content words outside the attribution
    (`Wording.claimed`, each occurrence counting)."""
    matched = a.matched(b)
    found = len(matched & a.content)
    unsaid = sum(a.stems[i] not in matched for i in a.claimed)
    return found / max(len(a.content), 1), len(a.content) - found, _gap(a.stems, matched), unsaid


def _synonym_pairs(a: Wording, b: Wording) -> float:
    """The share of `a`'s adjacent word pairs that `b` has, once each word of `a` that `b` lacks but
    has a synonym of is read as that synonym (`b`'s first, in `b`'s order): "bought shares" /
    "purchased shares" share a pair."""
    theirs: dict[int, str] = {}
    for s, concepts in b.synonymous.items():
        for c in concepts:
            theirs.setdefault(c, s)
    read = [
        s
        if s in b.stem_set or s not in a.synonymous
        else next((theirs[c] for c in a.synonymous[s] if c in theirs), s)
        for s in a.stems
    ]
    pairs = frozenset(zip(read, read[1:], strict=False))
    return len(pairs & b.pairs) / max(len(pairs), 1)


def _figures_unshared(a: Wording, b: Wording) -> int:
    """Values of the figure kinds both give (dates and years aside) that only one gives."""
    va, vb = a.figure_values, b.figure_values
    return sum(len(va[kind] ^ vb[kind]) for kind in va.keys() & vb.keys() if kind not in ("date", "year"))


def figures_disagree(a: Wording, b: Wording) -> bool:
    """Both give a figure for the same counted thing and no value is common to them."""
    kinds_a, kinds_b = a.figure_values, b.figure_values
    for kind in kinds_a.keys() & kinds_b.keys():
        if kind in ("date", "year", "number"):
            continue  # a day or a bare number says too little about what it counts
        if not kinds_a[kind] & kinds_b[kind]:
            return True
    return False


def features(a: Wording, b: Wording) -> tuple[float, ...]:
    syn_a, unmatched_a, gap_a, unsaid_a = _synonym_reading(a, b)
    syn_b, unmatched_b, gap_b, unsaid_b = _synonym_reading(b, a)
    pairs_a, pairs_b = _synonym_pairs(a, b), _synonym_pairs(b, a)
    p = _cover(a.pairs, b.pairs)
    t = _cover(a.triples, b.triples)
    w = _cover(a.stem_set, b.stem_set)
    shortest, longest = sorted((len(a.stems), len(b.stems)))
    common = _common_subsequence(a.stems, b.stems)
    return (
        min(syn_a, syn_b),
        max(syn_a, syn_b),
        *p,
        *t,
        *w,
        common / max(longest, 1),
        common / max(shortest, 1),
        _count(min(unmatched_a, unmatched_b)),
        _count(max(unmatched_a, unmatched_b)),
        _count(min(gap_a, gap_b)),
        _count(max(gap_a, gap_b)),
        shortest / max(longest, 1),
        float(a.anchors != b.anchors),
        _count(len(a.names ^ b.names)),
        float(a.negated != b.negated),
        _count(_figures_unshared(a, b)),
        _count(min(unsaid_a, unsaid_b)),
        _count(max(unsaid_a, unsaid_b)),
        min(pairs_a, pairs_b),
        max(pairs_a, pairs_b),
    )


def score(a: Wording, b: Wording) -> float:
    """The merge score in [0, 1]: how likely `a` and `b` state the same fact."""
    if figures_disagree(a, b):
        return 0.0
    if _cover(a.stem_set, b.stem_set)[0] < GATE:
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


def best_case_without_words() -> float:
    """The most the features other than word coverage add to the logit: each (_min, _max) pair and
    each single feature at its most favourable within [0, 1] (the bound `same_fact_matrix` reads)."""
    wt = dict(zip(FEATURES, WEIGHTS, strict=True))
    total = 0.0
    for name in FEATURES:
        if name.startswith("words_") or name.endswith("_max"):
            continue
        if name.endswith("_min"):
            total += _bound(wt[name], wt[name[: -len("_min")] + "_max"])
        else:
            total += max(0.0, wt[name])
    return total


# The most pairs `same_fact_matrix` scores in full (each costs about 0.15 ms).
MAX_SCORED_PAIRS = 5000


def same_fact_matrix(
    sentences: Sequence[Sentence], threshold: float, stop: threading.Event | None = None
) -> np.ndarray:
    """Pairwise merge scores (1 on the diagonal), exact where they reach `threshold`.

    Word coverage is read for all pairs at once (`shared_counts`). A pair goes on only if it passes
    the word `GATE` and its score could reach `threshold` with its word coverage as it is and every
    other feature at its most favourable (`best_case_without_words`); in a news cluster that is
    about one pair in four hundred. Those pairs get their full `score`; the others read 0, and
    would score below `threshold` (or 0) anyway, so the pairs that merge are exactly those of a
    dense reading (on inputs with more than `MAX_SCORED_PAIRS` such pairs, of those scored).
    Coverage is computed in float32 here and in float64 by `score`: the margins
    cover the rounding, letting through a few more pairs, never fewer. `stop`, once set, ends the
    work (`Cancelled`), checked per scored pair: a huge input of look-alike sentences has many.
    """
    n = len(sentences)
    out = np.eye(n, dtype=np.float32)
    if n < 2:
        return out
    # One reading per distinct text: articles of one story repeat the wire's sentences word for word.
    readings: dict[str, Wording] = {}
    wording = [readings.setdefault(s.text, Wording(s.text)) for s in sentences]
    wt = dict(zip(FEATURES, WEIGHTS, strict=True))
    # The logit of the threshold: pairs below it cannot merge.
    if threshold <= 0.0:
        floor = -math.inf
    elif threshold >= 1.0:
        floor = math.inf  # a sigmoid never reaches 1: nothing merges
    else:
        floor = math.log(threshold / (1.0 - threshold))
    shared = shared_counts([w.stem_set for w in wording])
    sizes = np.maximum(np.array([len(w.stem_set) for w in wording], dtype=np.float32), 1.0)
    # min and max of shared / size_a and shared / size_b, as `_cover` reads them.
    w_low = shared / np.maximum(sizes[:, None], sizes[None, :])
    w_high = shared / np.minimum(sizes[:, None], sizes[None, :])
    ceiling = BIAS + best_case_without_words() + wt["words_min"] * w_low + wt["words_max"] * w_high
    passing = (w_low >= GATE - 1e-6) & (ceiling >= floor - 1e-3)
    a, b = np.nonzero(np.triu(passing, k=1))
    if len(a) > MAX_SCORED_PAIRS:
        # A flood of look-alike sentences (an attacker's, or a vocabulary of a few hundred words):
        # the pairs whose words could score highest, so that the work stays bounded. Real clusters
        # stay far below (at most about 1,600 pairs on DUC 2006): there the reading is exact.
        keep = np.argsort(-ceiling[a, b], kind="stable")[:MAX_SCORED_PAIRS]
        a, b = a[np.sort(keep)], b[np.sort(keep)]
    # The score is symmetric, so one per two texts (a repeated sentence meets the same others).
    scores: dict[tuple[str, str], float] = {}
    for i, j in zip(a.tolist(), b.tolist(), strict=True):
        check(stop)
        x, y = wording[i], wording[j]
        key = (x.text, y.text) if x.text <= y.text else (y.text, x.text)
        if key not in scores:
            scores[key] = score(x, y)
        out[i, j] = out[j, i] = scores[key]
    return out
