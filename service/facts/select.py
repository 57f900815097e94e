"""Extractive key facts: the most salient concrete sentences, merged across articles.

A key fact always carries the sentences that back it; `support` is how many articles report it.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence

import numpy as np

from service.domain import KeyFact
from service.errors import check
from service.facts.features import features, source_ref
from service.facts.same_fact import same_fact_matrix
from service.nlp.referents import FACT_DANGLING_RE, needs, says_nothing, surnames
from service.nlp.salience import Salience, top_sentences
from service.nlp.sentences import Sentence
from service.nlp.similarity import cosine_matrix

# Cosine similarity (tf-idf over content stems) at which two sentences repeat each other: one
# of them is enough in the list of key facts, even when they are not quite the same fact.
REPEATS = 0.5
# The fewest words of a key fact that holds no figure, date, name or quote (see `select_facts`).
CORROBORATED_WORDS = 12


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
    same_fact: float,
    exclude: frozenset[tuple[int, int]] = frozenset(),
    stop: threading.Event | None = None,
) -> list[KeyFact]:
    """The most salient concrete sentences (numbers, dates, names, quotes), one per fact.

    Sentences stating the same fact in different articles (merge score `same_fact.score` at or
    above `same_fact`) become one fact with several sources; facts reported by more articles rank
    first. `exclude` holds (article, sentence) pairs that must
    not be picked, such as the sentences of a conflict, where no version should win. `stop`, once
    set, ends the work (`Cancelled`).
    """
    if limit <= 0:
        return []
    # Huge inputs: the sentences that weigh most (candidates and the sentences that back them).
    flat = top_sentences([s for article in sentences for s in article], salience.gain)
    if not flat:
        return []
    names = surnames(sentences)
    cosine = cosine_matrix([s.stems for s in flat])
    merge = same_fact_matrix(flat, same_fact, stop)
    repeats = cosine >= REPEATS
    scored: list[tuple[int, float, int]] = []  # (support, score, flat index)
    for i, s in enumerate(flat):
        check(stop)
        if not s.complete or not 6 <= s.n_words <= 60 or (s.article, s.index) in exclude:
            continue
        if says_nothing(s.text):  # "declined to comment": not a fact about the story
            continue
        # A key fact stands alone: none leaning on what its article said before ("This comes days
        # after ...", '"...," he said.', "Juppe demanded ..." without the full name).
        if FACT_DANGLING_RE.match(s.text) or needs(s, names) is not None:
            continue
        f = features(s)
        support = len({flat[j].article for j in np.flatnonzero(merge[i] >= same_fact)})
        # A sentence with no figure, date, name or quote is a key fact only when another article
        # states it too, and says enough to stand alone (CORROBORATED_WORDS): "But it has not
        # worked out that way" does not, however many articles repeat it. Alone, it is colour.
        if f.kinds == 0 and (support < 2 or s.n_words < CORROBORATED_WORDS):
            continue
        score = salience.gain(s) / np.sqrt(s.n_words) * (1.0 + 0.25 * f.kinds)
        scored.append((support, score, i))
    scored.sort(key=lambda x: (-x[0], -x[1], x[2]))
    facts: list[KeyFact] = []
    taken = np.zeros(len(flat), dtype=bool)
    for _, _, i in scored:
        if taken[i]:
            continue
        own = flat[i]
        others = [s for s in best_per_article(merge[i], flat, same_fact) if s.article != own.article]
        backing = [own, *others]
        # Everything saying the same thing is now used up, so no fact is listed twice.
        taken |= (merge[i] >= same_fact) | repeats[i]
        facts.append(KeyFact(text=flat[i].text, sources=tuple(source_ref(s) for s in backing)))
        if len(facts) == limit:
            break
    return facts
