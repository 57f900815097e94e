"""Relevance to a query: what a focused summary weighs ("what do these articles say about X").

A sentence's relevance is its tf-idf cosine with the query (content stems; idf over the cluster's
sentences and the query). Two things follow from it, as in query-focused concept summarizers:

- a concept's weight is scaled by how relevant the sentences that carry it are, on average,
  against the cluster's mean relevance (`focus`): the cluster's shared content still counts, but
  what the query asks about counts more;
- covering a sentence of the cluster counts as much as that sentence answers the query
  (`coverage_weight`), so the selection spreads over the answer, not over the whole story.

With a query the position prior is off: what the reader asked for decides, not the lead.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from service.nlp.salience import Concept, Salience
from service.nlp.sentences import Sentence
from service.nlp.similarity import tfidf_matrix
from service.nlp.words import content_stems, stem

# Words that say what to do, not what about ("Discuss ...", "Describe the kinds of ..."), as
# DUC-style topic statements and users' questions phrase them: they match nothing useful.
INSTRUCTIONS = frozenset(
    stem(w)
    for w in """discuss describe identify include including explain specify give provide detail
    details what which how why who whom where when kind kinds type types involved information
    regarding concerning aspect aspects tell know find list summarize summarise please""".split()
)
# How much a concept's relevance (against the mean) adds to its weight: w * (1 + FOCUS * r).
FOCUS = 3.0
# A sentence's weight in coverage: FLOOR + its relevance against the mean; the floor keeps the
# rest of the story in view, so a focused summary still reads as a summary of the articles.
FLOOR = 0.5


def query_stems(query: str) -> list[str]:
    """The query's content stems without instruction words; all content stems if that leaves none."""
    stems = content_stems(query)
    kept = [s for s in stems if s not in INSTRUCTIONS]
    return kept or stems


@dataclass(frozen=True)
class Relevance:
    """Each sentence's relevance to the query, and the cluster's mean (for relative weights)."""

    scores: dict[tuple[int, int], float]
    mean: float
    stems: frozenset[str] = frozenset()  # the query's content stems

    def of(self, sentence: Sentence) -> float:
        return self.scores.get((sentence.article, sentence.index), 0.0)

    def coverage_weight(self, sentence: Sentence) -> float:
        return FLOOR + self.of(sentence) / self.mean if self.mean > 0 else 1.0


def relevance(sentences: Sequence[Sequence[Sentence]], query: str) -> Relevance:
    flat = [s for article in sentences for s in article]
    stems = query_stems(query)
    if not flat or not stems:
        return Relevance(scores={}, mean=0.0)
    matrix = tfidf_matrix([*(s.stems for s in flat), stems])
    scores = matrix[:-1] @ matrix[-1]
    return Relevance(
        scores={(s.article, s.index): float(x) for s, x in zip(flat, scores, strict=True)},
        mean=float(np.mean(scores)),
        stems=frozenset(stems),
    )


def focus(salience: Salience, sentences: Sequence[Sequence[Sentence]], rel: Relevance) -> Salience:
    """`salience` with each concept's weight scaled up by its sentences' mean relevance.

    The words the query names are concepts of the answer even where the cluster mentions them too
    rarely to count (a small cluster, a side aspect): those get the median concept weight first.
    """
    if rel.mean <= 0:
        return salience
    base = dict(salience.weights)
    floor = float(np.median(list(base.values()))) if base else 1.0
    total: dict[Concept, float] = {}
    count: dict[Concept, int] = {}
    for article in sentences:
        for s in article:
            r = rel.of(s)
            for t in rel.stems.intersection(s.stems):
                base.setdefault((t,), floor)
            for c in salience.of(s):
                if c in base:
                    total[c] = total.get(c, 0.0) + r
                    count[c] = count.get(c, 0) + 1
    weights = {c: w * (1.0 + FOCUS * total.get(c, 0.0) / count.get(c, 1) / rel.mean) for c, w in base.items()}
    return Salience(weights=weights, concepts=salience.concepts)
