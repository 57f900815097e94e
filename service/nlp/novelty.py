"""Novelty against a background: "what's new since I last read".

The reader has seen the background articles. A sentence of the new articles that says again what
a background sentence said (tf-idf cosine at least REPEATS, the same test that keeps a summary
from repeating itself) is *known*: it is never chosen for the summary or as a key fact. The
concepts the background already carries keep only NOVELTY_DISCOUNT of their weight, so the
selection prefers what the new articles add (the usual update-summarization discount).
"""

from __future__ import annotations

from collections.abc import Sequence

from service.nlp.salience import Concept, Salience, sentence_concepts
from service.nlp.sentences import Sentence
from service.nlp.similarity import tfidf_matrix

REPEATS = 0.5
NOVELTY_DISCOUNT = 0.1


def known_sentences(
    new: Sequence[Sequence[Sentence]], old: Sequence[Sequence[Sentence]]
) -> frozenset[tuple[int, int]]:
    """(article, index) of the new sentences that repeat a background sentence."""
    fresh = [s for article in new for s in article]
    seen = [s for article in old for s in article]
    if not fresh or not seen:
        return frozenset()
    matrix = tfidf_matrix([*(s.stems for s in fresh), *(s.stems for s in seen)])
    closest = (matrix[: len(fresh)] @ matrix[len(fresh) :].T).max(axis=1)
    return frozenset((s.article, s.index) for s, c in zip(fresh, closest, strict=True) if c >= REPEATS)


def discount(salience: Salience, old: Sequence[Sequence[Sentence]]) -> Salience:
    """`salience` with the background's concepts down to NOVELTY_DISCOUNT of their weight."""
    known: set[Concept] = set()
    for article in old:
        for s in article:
            known |= sentence_concepts(s) | sentence_concepts(s, bigrams=False)
    weights = {c: w * NOVELTY_DISCOUNT if c in known else w for c, w in salience.weights.items()}
    return Salience(weights=weights, concepts=salience.concepts)
