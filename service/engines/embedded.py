"""The embedded engine: extractive multi-article summaries that need no downloaded weights.

Sentences from all articles compete for the word budget (`service.nlp.selection`), are put in
reading order, and the key facts and conflicts come from the shared facts step (`service.facts`).
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Sequence
from datetime import datetime

from service.domain import ArticleUsage, Cluster, InputReport, Result
from service.engines.base import NOTHING_NEW, Engine, abandoned
from service.engines.reading import read
from service.errors import Cancelled, check
from service.facts.assemble import key_facts, qualify
from service.facts.same_fact import THRESHOLD
from service.nlp.selection import LEAD_BONUS, select_sentences
from service.nlp.sentences import Sentence, fit_words
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

    # The merge score at which two articles' sentences are one fact (`service.facts.same_fact`).
    same_fact: float = THRESHOLD

    def __init__(self, same_fact: float | None = None) -> None:
        if same_fact is not None:
            self.same_fact = same_fact

    def summarize(
        self, clusters: Sequence[Cluster], stop: Sequence[threading.Event] | None = None
    ) -> list[Result]:
        stops: Sequence[threading.Event | None] = stop if stop is not None else [None] * len(clusters)
        results = []
        for cluster, e in zip(clusters, stops, strict=True):
            try:
                results.append(self._one(cluster, e))
            except Cancelled:
                # Nobody reads it: the engine is free for the next request at once.
                results.append(abandoned(self.name, self.model_id))
        return results

    def _one(self, cluster: Cluster, stop: threading.Event | None) -> Result:
        """One cluster; its stages check `stop` (per sentence, selection step or pair of sentences
        compared) and between them."""
        t0 = time.perf_counter()
        r = read(cluster, stop)
        sentences, salience, known, published = r.sentences, r.salience, r.known, r.published
        # Focused: what answers the query counts in coverage too, and there is no lead prior.
        lead_bonus, weight = (0.0, r.relevance.coverage_weight) if r.relevance else (LEAD_BONUS, None)
        # Read first: the summary must not state one side of a dispute alone.
        found = r.found
        avoid = found.one_sided | known
        t1 = time.perf_counter()
        max_words = cluster.options.max_words
        check(stop)
        chosen = select_sentences(
            sentences,
            salience,
            max_words,
            stop=stop,
            avoid=avoid,
            relevance=weight,
            lead_bonus=lead_bonus,
        )
        novel = True
        if chosen:
            summary = " ".join(s.text for s in order(chosen, published[: r.articles]))
        elif cluster.background and all((s.article, s.index) in avoid for a in sentences for s in a):
            novel, summary = False, NOTHING_NEW
        else:  # the budget is below every usable sentence: cut the most salient sentence
            flat = [s for article in sentences for s in article]
            top = max(
                flat,
                key=lambda s: ((s.article, s.index) not in avoid, salience.gain(s), -s.article, -s.index),
            )
            summary = fit_words(top.text, max_words)
        summary = qualify(summary, found, max_words)
        t2 = time.perf_counter()
        check(stop)
        facts = key_facts(
            sentences,
            [a.text for a in cluster.articles],
            salience,
            cluster.options.num_facts if novel else 0,
            found,
            same_fact=self.same_fact,
            known=known,
            stop=stop,
        )
        t3 = time.perf_counter()
        usage = tuple(
            ArticleUsage(article=i, total=count_words(a.text), used=count_words(a.text), truncated=False)
            for i, a in enumerate(cluster.articles)
        )
        return Result(
            summary=summary,
            key_facts=facts.key_facts,
            input=InputReport(unit="words", budget=None, articles=usage),
            engine=self.name,
            model=None,
            conflicts=found.conflicts[: cluster.options.num_facts] if not novel else facts.conflicts,
            updates=found.updates[: cluster.options.num_facts] if not novel else facts.updates,
            novel=novel,
            facts_dropped=dict(facts.dropped),
            timings_ms={
                "analyze": (t1 - t0) * 1e3,
                "summary": (t2 - t1) * 1e3,
                "facts": (t3 - t2) * 1e3,
            },
        )
