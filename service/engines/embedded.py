"""The embedded engine: extractive multi-article summaries that need no downloaded weights.

Sentences from all articles compete for the word budget by how many cluster-wide concepts they
add that the summary does not have yet (coverage with redundancy control), scaled by length and
a lead-position prior; near-duplicates are skipped outright.
"""

from __future__ import annotations

import math
import time
from collections.abc import Sequence
from datetime import datetime

import numpy as np

from service.engines.base import (
    ArticleUsage,
    Cluster,
    Engine,
    InputError,
    InputReport,
    Result,
)
from service.facts import QUOTE_RE, conflict_sentences, find_conflicts, select_facts
from service.salience import Concept, Salience, compute_salience
from service.text import Sentence, analyze, count_words, fit_words, tfidf_matrix

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
    sentences: Sequence[Sequence[Sentence]], salience: Salience, max_words: int
) -> list[Sentence]:
    """Greedy budgeted coverage: the chosen sentences' words never exceed `max_words`."""
    candidates = [s for article in sentences for s in article if _usable(s)]
    if not candidates:
        return []
    sims = tfidf_matrix([s.stems for s in candidates])
    chosen: list[int] = []
    covered: set[Concept] = set()
    remaining = max_words
    while True:
        best, best_score = -1, 0.0
        for i, s in enumerate(candidates):
            if i in chosen or s.n_words > remaining:
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
        remaining -= candidates[best].n_words
    return [candidates[i] for i in chosen]


def order(chosen: Sequence[Sentence], published: Sequence[datetime | None]) -> list[Sentence]:
    """Chronological when the articles are dated; otherwise leads first, then later material."""
    if any(p is not None for p in published):
        # Undated articles sort after dated ones; naive and aware datetimes compare as timestamps.
        def key(s: Sentence) -> tuple[float, int, int]:
            p = published[s.article]
            return (p.timestamp() if p else math.inf, s.article, s.index)

        return sorted(chosen, key=key)
    return sorted(chosen, key=lambda s: (round(s.position, 1), s.article, s.index))


class EmbeddedEngine(Engine):
    name = "embedded"
    model_id = None

    def summarize(self, clusters: Sequence[Cluster]) -> list[Result]:
        return [self._one(c) for c in clusters]

    def _one(self, cluster: Cluster) -> Result:
        t0 = time.perf_counter()
        sentences = analyze([a.text for a in cluster.articles])
        if not any(sentences):
            raise InputError("the articles contain no sentences")
        salience = compute_salience(sentences)
        t1 = time.perf_counter()
        max_words = cluster.options.max_words
        chosen = select_sentences(sentences, salience, max_words)
        if chosen:
            summary = " ".join(s.text for s in order(chosen, [a.published for a in cluster.articles]))
        else:  # the budget is below every usable sentence: cut the most salient sentence
            flat = [s for article in sentences for s in article]
            top = max(flat, key=lambda s: (salience.gain(s), -s.article, -s.index))
            summary = fit_words(top.text, max_words)
        t2 = time.perf_counter()
        conflicts = find_conflicts(sentences, salience, cluster.options.num_facts)
        facts = select_facts(sentences, salience, cluster.options.num_facts, conflict_sentences(conflicts))
        t3 = time.perf_counter()
        usage = tuple(
            ArticleUsage(article=i, total=count_words(a.text), used=count_words(a.text), truncated=False)
            for i, a in enumerate(cluster.articles)
        )
        return Result(
            summary=summary,
            key_facts=facts,
            input=InputReport(unit="words", budget=None, articles=usage),
            engine=self.name,
            model=None,
            conflicts=conflicts,
            timings_ms={
                "analyze": (t1 - t0) * 1e3,
                "summary": (t2 - t1) * 1e3,
                "facts": (t3 - t2) * 1e3,
            },
        )
