"""Choosing sentences for a budget: greedy coverage of the cluster's concepts and sentences.

Sentences from all articles compete by how many weighted concepts they add that the selection
does not have yet, plus how much closer they bring it to covering every sentence of the cluster,
scaled by length and a lead-position prior; near-duplicates are skipped outright. Used for
embedded summaries and for what enters a model.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Callable, Sequence

import numpy as np

from service.errors import check
from service.nlp.referents import DANGLING_RE, Naming, says_nothing
from service.nlp.salience import MAX_POOL, Concept, Salience, top_sentences
from service.nlp.sentences import Sentence
from service.nlp.similarity import cosine_matrix
from service.nlp.words import QUOTE_RE

NEAR_DUPLICATE = 0.6  # cosine at which a candidate repeats an already chosen sentence
LENGTH_EXPONENT = 0.5  # gain / words**r: 1 favours short sentences, 0 long ones
# Weight of the position prior 1 + LEAD_BONUS / sqrt(1 + index): first sentence x3, fourth x2,
# tenth x1.6. News puts its facts in the first few sentences whatever the article's length, so the
# prior goes by a sentence's index, not by its share of the article.
LEAD_BONUS = 2.0
MIN_WORDS, MAX_WORDS = 6, 60
COVERAGE_WEIGHT = 10.0  # weight of cluster coverage against concept weight (article counts)
COVERAGE_CAP = 0.1  # a sentence counts as covered at this share of its similarity to the cluster


def _usable(s: Sentence) -> bool:
    """Whole, self-standing sentences only: no headlines, fragments, split quotations, dangling
    starts, or lines about the reporting rather than the news (`says_nothing`)."""
    if not s.complete or not MIN_WORDS <= s.n_words <= MAX_WORDS:
        return False
    quotes = len(QUOTE_RE.findall(s.text))
    return (
        quotes % 2 == 0
        and not s.text[0].islower()
        and not DANGLING_RE.match(s.text)
        and not says_nothing(s.text)
    )


def _lead(s: Sentence, bonus: float = LEAD_BONUS) -> float:
    return 1.0 + bonus / math.sqrt(1 + s.index)


def _prior(s: Sentence, salience: Salience) -> float:
    """A sentence's score before anything is chosen, coverage aside: what ranks a huge input.

    Usable sentences (>= 0) rank before the others (< 0), which only count towards coverage.
    """
    gain = salience.gain(s)
    if not _usable(s):
        return -1.0 / (1.0 + gain)
    return gain / s.n_words**LENGTH_EXPONENT * _lead(s)


def select_sentences(
    sentences: Sequence[Sequence[Sentence]],
    salience: Salience,
    budget: int,
    cost: Callable[[Sentence], int] = lambda s: s.n_words,
    start: Sequence[Sentence] = (),
    stop: threading.Event | None = None,
    avoid: frozenset[tuple[int, int]] = frozenset(),
    relevance: Callable[[Sentence], float] | None = None,
    lead_bonus: float = LEAD_BONUS,
    naming: Naming | None = None,
) -> list[Sentence]:
    """Greedy budgeted selection: the chosen sentences' costs (words by default) never exceed `budget`.

    A sentence's gain is the weight of the concepts it adds plus COVERAGE_WEIGHT times how much it
    adds to the selection's coverage of every sentence of the cluster (Lin & Bilmes 2011: each
    sentence is covered by its tf-idf similarity to the chosen ones, up to COVERAGE_CAP of its
    similarity to the whole cluster, so no single topic soaks up the budget). `start` sentences
    are taken first, whatever their gain, and count against the budget. `avoid` holds (article,
    sentence) pairs never to choose (they still count as what the others cover), such as the
    versions of a disputed figure. `stop`, once set, ends the work (`Cancelled`). With `naming`,
    a sentence leaning on a bare surname costs its full name's given words too, until a chosen
    sentence names that person in full (`Naming.write` then places it after that one).
    """
    flat = [s for article in sentences for s in article]
    if len(flat) > MAX_POOL:
        # Huge inputs: the sentences whose first step would score best, and every start sentence.
        starts = {(s.article, s.index) for s in start}
        flat = top_sentences(
            flat, lambda s: math.inf if (s.article, s.index) in starts else _prior(s, salience)
        )
    candidates = [k for k, s in enumerate(flat) if _usable(s) and (s.article, s.index) not in avoid]
    if not candidates:
        return []
    sims = cosine_matrix([s.stems for s in flat])
    cap = COVERAGE_CAP * sims.sum(axis=0)
    # With a query, covering a sentence counts as much as it answers the query.
    focus = (
        np.ones(len(flat), dtype=np.float32)
        if relevance is None
        else np.fromiter((relevance(s) for s in flat), dtype=np.float32, count=len(flat))
    )
    covered_by = np.zeros(len(flat), dtype=np.float32)
    # Per candidate, computed once: the sims it adds, its cost and its score's divisor and prior.
    cand = np.array(candidates)
    cand_sims = sims[:, cand]
    costs = np.array([cost(flat[k]) for k in candidates], dtype=np.float64)
    # Bare surnames: (candidate, surname, words its full name adds), charged until someone names it.
    lacking: list[tuple[int, str, int]] = []
    if naming is not None:
        for c, k in enumerate(candidates):
            name, extra = naming.lacks(flat[k])
            if name is not None and extra:
                costs[c] += extra
                lacking.append((c, name, extra))
    length = np.array([flat[k].n_words ** LENGTH_EXPONENT for k in candidates])
    lead = np.array([_lead(flat[k], lead_bonus) for k in candidates])
    # Concept gain as a product: which weighted concepts each candidate has, times the weight of
    # those not covered yet (a Python set difference per candidate per step cost ~100 ms a request).
    concept_ids: dict[Concept, int] = {}
    rows, cols = [], []
    for c, k in enumerate(candidates):
        for concept in salience.of(flat[k]):
            if concept in salience.weights:
                rows.append(c)
                cols.append(concept_ids.setdefault(concept, len(concept_ids)))
    has = np.zeros((len(candidates), len(concept_ids)))
    has[rows, cols] = 1.0
    uncovered = np.array([salience.weights[c] for c in concept_ids], dtype=np.float64)
    taken = np.zeros(len(candidates), dtype=bool)
    nearest = np.full(len(candidates), -np.inf, dtype=np.float32)  # highest sim to a chosen one
    slot = {k: c for c, k in enumerate(candidates)}
    chosen: list[int] = []
    remaining = budget
    index = {(s.article, s.index): k for k, s in enumerate(flat)}

    def take(k: int) -> None:
        nonlocal covered_by, nearest, remaining
        chosen.append(k)
        for concept in salience.of(flat[k]):
            if concept in concept_ids:
                uncovered[concept_ids[concept]] = 0.0
        covered_by += sims[:, k]
        np.maximum(nearest, sims[k, cand], out=nearest)
        if k in slot:
            taken[slot[k]] = True
            remaining -= int(costs[slot[k]])
        else:
            remaining -= cost(flat[k])
        if lacking and naming is not None:
            given = naming.named(flat[k])
            if given:
                for c, name, extra in lacking:
                    if name in given and not taken[c]:
                        costs[c] -= extra
                lacking[:] = [x for x in lacking if x[1] not in given]

    for s in start:
        take(index[(s.article, s.index)])
    while True:
        check(stop)
        base = (focus * np.minimum(covered_by, cap)).sum()
        coverage = (focus[:, None] * np.minimum(covered_by[:, None] + cand_sims, cap[:, None])).sum(
            axis=0
        ) - base
        gain = has @ uncovered + COVERAGE_WEIGHT * coverage.astype(np.float64)
        score = gain / length * lead
        # The best candidate that fits, adds something and does not repeat a chosen sentence;
        # among equal scores the earliest (argmax takes the first).
        ok = ~taken & (costs <= remaining) & (gain > 0) & (score > 0) & (nearest < NEAR_DUPLICATE)
        if not ok.any():
            break
        take(candidates[int(np.argmax(np.where(ok, score, -np.inf)))])
    return [flat[k] for k in chosen]
