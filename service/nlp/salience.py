"""Which content matters across a cluster: weighted concepts (word bigrams).

A concept reported by several articles is what the cluster is about; this is the weighting of
concept-coverage summarizers (Gillick & Favre 2009), used here for both summaries and key facts.
Concepts are adjacent stemmed word pairs, stopwords included unless both words are stopwords
("of the" says nothing; "talks in", "in Istanbul" do), as the bigrams ROUGE-2 counts, and the
stemmed content words themselves: a name or a figure the articles share counts even when each
article words its surroundings differently (unigram and bigram concepts weigh the same).
"""

from __future__ import annotations

import math
import threading
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from itertools import compress, islice, pairwise, repeat
from operator import and_, not_

import numpy as np

from service.errors import check
from service.nlp.sentences import Sentence
from service.nlp.words import stemmed, stopwords_for

Concept = tuple[str, str] | tuple[str]
REPEAT_WEIGHT = 0.5
MIN_ARTICLE_SHARE = 0.3


def sentence_concepts(sentence: Sentence, bigrams: bool = True) -> frozenset[Concept]:
    unigrams = frozenset((s,) for s in sentence.stems)
    if not bigrams:
        return unigrams
    lowered, stems = stemmed(sentence.text, sentence.language)
    # Every adjacent pair but those of two stopwords; iterated in C (maps over the lists), as
    # this runs for every sentence of a request.
    is_stopword = list(map(stopwords_for(sentence.language).__contains__, lowered))
    both_stop = map(and_, is_stopword, islice(is_stopword, 1, None))
    return unigrams | frozenset(compress(pairwise(stems), map(not_, both_stop)))


@dataclass(frozen=True)
class Salience:
    weights: dict[Concept, float]
    concepts: dict[tuple[int, int], frozenset[Concept]]  # (article, index) -> concepts
    # A sentence's full weight, asked for again and again by every stage: computed once.
    _whole: dict[tuple[int, int], float] = field(default_factory=dict, compare=False, repr=False)

    def of(self, sentence: Sentence) -> frozenset[Concept]:
        """The sentence's concepts; none for a sentence outside the weighted articles (background)."""
        return self.concepts.get((sentence.article, sentence.index), frozenset())

    def gain(self, sentence: Sentence, covered: set[Concept] | frozenset[Concept] = frozenset()) -> float:
        """The weight of the sentence's concepts that `covered` does not have yet."""
        if covered:
            return sum(map(self.weights.get, self.of(sentence) - covered, repeat(0.0)))
        key = (sentence.article, sentence.index)
        if key not in self._whole:
            self._whole[key] = sum(map(self.weights.get, self.of(sentence) - covered, repeat(0.0)))
        return self._whole[key]


def _weights(per_article: Sequence[Sequence[frozenset[Concept]]]) -> dict[Concept, float]:
    """Articles that mention a concept, plus half a point per further mention.

    A concept counts when at least MIN_ARTICLE_SHARE of the articles mention it (3 of 10) and it
    occurs twice or more: cross-article agreement dominates, yet a single article (or an
    off-topic one in a mixed request) still has its own repeated concepts to go by.
    """
    min_df = max(1, math.ceil(MIN_ARTICLE_SHARE * len(per_article)))
    df: Counter[Concept] = Counter()
    tf: Counter[Concept] = Counter()
    for sentence_sets in per_article:
        seen: set[Concept] = set()
        for concepts in sentence_sets:
            tf.update(concepts)
            seen |= concepts
        df.update(seen)
    return {c: df[c] + REPEAT_WEIGHT * (n - df[c]) for c, n in tf.items() if n >= 2 and df[c] >= min_df}


def compute_salience(
    sentences: Sequence[Sequence[Sentence]], stop: threading.Event | None = None
) -> Salience:
    """Bigram and word concepts seen at least twice; words alone when the cluster shares too few.

    `stop`, once set, ends the work (`Cancelled`), checked per article.
    """
    weights: dict[Concept, float] = {}
    concepts: dict[tuple[int, int], frozenset[Concept]] = {}
    for bigrams in (True, False):
        per_article = []
        for article in sentences:
            check(stop)
            per_article.append([sentence_concepts(s, bigrams) for s in article])
        weights = _weights(per_article)
        concepts = {
            (s.article, s.index): c
            for article, sets in zip(sentences, per_article, strict=True)
            for s, c in zip(article, sets, strict=True)
        }
        if len(weights) >= 5:
            break
    if not weights:  # nothing repeats at all (tiny input): every concept counts once
        weights = {c: 1.0 for cs in concepts.values() for c in cs}
    return Salience(weights=weights, concepts=concepts)


# The pairwise stages (similarity matrices, greedy coverage, fact merging, conflict pairs) cost
# the square of the sentences they look at. A news cluster has a few hundred sentences (DUC's
# 25-article topics about 750), so they look at all of them; an input built to have tens of
# thousands is first cut to the MAX_POOL sentences that weigh most, which keeps every admitted
# request's cost near-linear in its size.
MAX_POOL = 1000


def top_sentences(
    sentences: Sequence[Sentence], score: Callable[[Sentence], float], limit: int = MAX_POOL
) -> list[Sentence]:
    """The `limit` best sentences by `score`, in their original order; all of them if no more."""
    if len(sentences) <= limit:
        return list(sentences)
    scores = np.fromiter((score(s) for s in sentences), dtype=np.float64, count=len(sentences))
    best = np.sort(np.argsort(-scores, kind="stable")[:limit])
    return [sentences[int(k)] for k in best]
