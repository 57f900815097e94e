"""The embedded engine: extractive multi-article summaries that need no downloaded weights.

Sentences from all articles compete for the word budget (`service.nlp.selection`) and are put in
reading order; the key facts and conflicts come from the finish step both engines share
(`service.facts.finish`).
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Sequence
from datetime import datetime

from service.domain import ArticleUsage, Cluster, InputReport
from service.engines.base import Engine, Stops
from service.errors import Cancelled, check
from service.facts.finish import Draft
from service.facts.reading import Reading
from service.nlp.languages import summary_language
from service.nlp.referents import Naming
from service.nlp.selection import LEAD_BONUS, select_sentences
from service.nlp.sentences import Sentence, fit_words, join_sentences
from service.nlp.words import count_words


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
    # Pure Python over per-call data; the shared tables are read-only and the segmenters per thread.
    thread_safe = True

    def draft(
        self, clusters: Sequence[Cluster], readings: Sequence[Reading | None], stop: Stops
    ) -> list[Draft | None]:
        drafts: list[Draft | None] = []
        for cluster, reading, halt in zip(clusters, readings, stop, strict=True):
            try:
                drafts.append(self._one(cluster, reading, halt) if reading is not None else None)
            except Cancelled:  # nobody reads it: the engine is free for the next request at once
                drafts.append(None)
        return drafts

    def _one(self, cluster: Cluster, r: Reading, stop: threading.Event | None) -> Draft:
        """The summary of one cluster; selection checks `stop` at every step."""
        t0 = time.perf_counter()
        sentences, salience = r.sentences, r.salience
        # Focused: what answers the query counts in coverage too, and there is no lead prior.
        lead_bonus, weight = (0.0, r.relevance.coverage_weight) if r.relevance else (LEAD_BONUS, None)
        # Neither a side of a dispute alone nor what the reader knows.
        avoid = r.avoid
        # Articles in several languages: the summary is written in one (`Options.language`, else
        # the majority's), from that language's sentences; no translation.
        languages = [a.language for a in cluster.articles]
        if len({lang for lang in languages if lang}) > 1:
            target = summary_language(languages, cluster.options.language)
            avoid = avoid | frozenset(
                (s.article, s.index) for article in sentences for s in article if s.language != target
            )
        max_words = cluster.options.max_words
        check(stop)
        # A bare surname reads after the sentence naming the person in full, or gets the full name
        # ("Juppe demanded ..." -> "Alain Juppe demanded ..."), its words counted in the budget.
        naming = Naming.of(sentences)
        chosen = select_sentences(
            sentences,
            salience,
            max_words,
            stop=stop,
            avoid=avoid,
            relevance=weight,
            lead_bonus=lead_bonus,
            naming=naming,
        )
        if chosen:
            summary = join_sentences(naming.write(order(chosen, r.published[: r.articles])))
        else:  # the budget is below every usable sentence: cut the most salient sentence
            flat = [s for article in sentences for s in article]
            top = max(
                flat,
                key=lambda s: ((s.article, s.index) not in avoid, salience.gain(s), -s.article, -s.index),
            )
            summary = fit_words(top.text, max_words)
        usage = tuple(
            ArticleUsage(article=i, total=count_words(a.text), used=count_words(a.text), truncated=False)
            for i, a in enumerate(cluster.articles)
        )
        return Draft(
            summary=summary,
            input=InputReport(unit="words", budget=None, articles=usage),
            timings_ms={"summary": (time.perf_counter() - t0) * 1e3},
        )
