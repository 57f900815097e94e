"""Choosing sentences for a budget: greedy coverage of the cluster's weighted concepts.

Sentences from all articles compete by how many concepts they add that the selection does not
have yet (coverage with redundancy control), scaled by length and a lead-position prior;
near-duplicates are skipped outright. Used for embedded summaries and for what enters a model.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from service.facts import QUOTE_RE
from service.salience import Concept, Salience
from service.text import Sentence, tfidf_matrix

NEAR_DUPLICATE = 0.6  # cosine at which a candidate repeats an already chosen sentence
LENGTH_EXPONENT = 0.5  # gain / words**r: 1 favours short sentences, 0 long ones
LEAD_BONUS = 2.0  # weight of the position prior: first sentence x3, last x1 (news puts facts first)
MIN_WORDS, MAX_WORDS = 6, 60


def _usable(s: Sentence) -> bool:
    """Whole, self-standing sentences only: no headlines, fragments or split quotations."""
    if not s.complete or not MIN_WORDS <= s.n_words <= MAX_WORDS:
        return False
    quotes = len(QUOTE_RE.findall(s.text))
    return quotes % 2 == 0 and not s.text[0].islower()


def select_sentences(
    sentences: Sequence[Sequence[Sentence]],
    salience: Salience,
    budget: int,
    cost: Callable[[Sentence], int] = lambda s: s.n_words,
) -> list[Sentence]:
    """Greedy budgeted coverage: the chosen sentences' costs (words by default) never exceed `budget`."""
    candidates = [s for article in sentences for s in article if _usable(s)]
    if not candidates:
        return []
    sims = tfidf_matrix([s.stems for s in candidates])
    chosen: list[int] = []
    covered: set[Concept] = set()
    remaining = budget
    while True:
        best, best_score = -1, 0.0
        for i, s in enumerate(candidates):
            if i in chosen or cost(s) > remaining:
                continue
            gain = salience.gain(s, covered)
            if gain <= 0:
                continue
            score = gain / s.n_words**LENGTH_EXPONENT * (1.0 + LEAD_BONUS * (1.0 - s.position))
            if score > best_score:
                if chosen and float(np.max(sims[chosen] @ sims[i])) >= NEAR_DUPLICATE:
                    continue
                best, best_score = i, score
        if best < 0:
            break
        chosen.append(best)
        covered |= salience.of(candidates[best])
        remaining -= cost(candidates[best])
    return [candidates[i] for i in chosen]
