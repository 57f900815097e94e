"""Extractive key facts: the most salient concrete sentences, merged across articles.

A key fact always carries the sentences that back it; `support` is how many articles report it.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from service.domain import KeyFact
from service.facts.features import anchor_numbers, features, source_ref
from service.nlp.salience import Salience, top_sentences
from service.nlp.sentences import Sentence
from service.nlp.similarity import tfidf_matrix

# Cosine similarity (tf-idf over content stems) at which two sentences report the same fact ...
SAME_FACT = 0.5
# ... or a lower one, when both give the same figure (paraphrases keep their numbers).
SAME_FACT_WITH_NUMBER = 0.2


def same_fact_matrix(sentences: Sequence[Sentence]) -> np.ndarray:
    """Pairwise "reports the same fact" scores: the cosine, raised to SAME_FACT for a shared figure."""
    matrix = tfidf_matrix([s.stems for s in sentences])
    sims = matrix @ matrix.T
    ids: dict[str, int] = {}
    rows = [[ids.setdefault(n, len(ids)) for n in anchor_numbers(s.text)] for s in sentences]
    if ids:
        incidence = np.zeros((len(sentences), len(ids)), dtype=np.float32)
        for r, cols in enumerate(rows):
            incidence[r, cols] = 1.0
        shared = (incidence @ incidence.T) > 0
        sims = np.where(shared & (sims >= SAME_FACT_WITH_NUMBER), np.maximum(sims, SAME_FACT), sims)
    return sims


def best_per_article(sims: np.ndarray, flat: Sequence[Sentence], threshold: float) -> list[Sentence]:
    """The most similar sentence of each article at or above `threshold`, most similar first."""
    best: dict[int, tuple[float, Sentence]] = {}
    for j in np.flatnonzero(sims >= threshold):
        s = flat[int(j)]
        if s.article not in best or sims[j] > best[s.article][0]:
            best[s.article] = (float(sims[j]), s)
    return [s for _, s in sorted(best.values(), key=lambda x: (-x[0], x[1].article))]


def select_facts(
    sentences: Sequence[Sequence[Sentence]],
    salience: Salience,
    limit: int,
    exclude: frozenset[tuple[int, int]] = frozenset(),
) -> list[KeyFact]:
    """The most salient concrete sentences (numbers, dates, names, quotes), one per fact.

    Sentences reporting the same fact in different articles become one fact with several sources;
    facts reported by more articles rank first. `exclude` holds (article, sentence) pairs that must
    not be picked, such as the sentences of a conflict, where no version should win.
    """
    if limit <= 0:
        return []
    # Huge inputs: the sentences that weigh most (candidates and the sentences that back them).
    flat = top_sentences([s for article in sentences for s in article], salience.gain)
    if not flat:
        return []
    sims = same_fact_matrix(flat)
    scored: list[tuple[int, float, int]] = []  # (support, score, flat index)
    for i, s in enumerate(flat):
        if not s.complete or not 6 <= s.n_words <= 60 or (s.article, s.index) in exclude:
            continue
        f = features(s)
        if f.kinds == 0:
            continue
        score = salience.gain(s) / np.sqrt(s.n_words) * (1.0 + 0.25 * f.kinds)
        support = len({flat[j].article for j in np.flatnonzero(sims[i] >= SAME_FACT)})
        scored.append((support, score, i))
    scored.sort(key=lambda x: (-x[0], -x[1], x[2]))
    facts: list[KeyFact] = []
    taken = np.zeros(len(flat), dtype=bool)
    for _, _, i in scored:
        if taken[i]:
            continue
        own = flat[i]
        others = [s for s in best_per_article(sims[i], flat, SAME_FACT) if s.article != own.article]
        backing = [own, *others]
        # Everything saying the same thing is now used up, so no fact is listed twice.
        taken |= sims[i] >= SAME_FACT
        facts.append(KeyFact(text=flat[i].text, sources=tuple(source_ref(s) for s in backing)))
        if len(facts) == limit:
            break
    return facts
