"""The one step after an engine has written: novelty, the summary's honesty, key facts, disputes,
and the `Result`. Both engines end here, so they cannot drift apart.

An engine reads nothing of this: it gets the cluster's `Reading`, writes a `Draft` (a summary, and
for a model that writes them, its fact lines), and `finish` owns the rest.

"Nothing new" is decided once, here: a cluster with background articles adds nothing when every
sentence of its articles is either known (it repeats the background) or states one side of a
dispute alone. Such a cluster gets `novel: false`, the summary `NOTHING_NEW`, and no key facts;
its conflicts and updates are still reported (those a new article takes part in: the disputes are
news about the new articles even when their sentences are not).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

from service.domain import Cluster, EngineName, InputReport, Result
from service.facts.assemble import key_facts, qualify
from service.facts.reading import Reading
from service.nlp.sentences import fit_words

# The summary when the articles add nothing to the background: said, not padded with old news.
NOTHING_NEW = "Nothing new: these articles report nothing the background articles do not already."


@dataclass
class Draft:
    """What an engine wrote for one cluster."""

    summary: str  # within the word budget or not: `finish` fits it
    input: InputReport  # what the engine read of each article
    facts: str | None = None  # a model's fact lines; None: the extractive selector picks the facts
    generated_tokens: int = 0
    timings_ms: dict[str, float] = field(default_factory=dict)


def novel(cluster: Cluster, reading: Reading) -> bool:
    """Whether the articles add anything to the background (always, without one)."""
    if not cluster.background:
        return True
    avoid = reading.avoid
    return any((s.article, s.index) not in avoid for article in reading.sentences for s in article)


def finish(
    cluster: Cluster,
    reading: Reading,
    draft: Draft,
    engine: EngineName,
    model: str | None,
    same_fact: float,
    stop: threading.Event | None = None,
) -> Result:
    """The result for `cluster` from an engine's `draft`. `same_fact` is the merge score at which
    two articles' sentences are one fact; `stop`, once set, ends the work (`Cancelled`)."""
    is_new = novel(cluster, reading)
    max_words, limit = cluster.options.max_words, cluster.options.num_facts
    found = reading.found
    facts = key_facts(
        reading.sentences,
        [a.text for a in cluster.articles],
        reading.salience,
        limit if is_new else 0,
        found,
        generated=draft.facts,
        same_fact=same_fact,
        known=reading.known,
        stop=stop,
    )
    summary = (
        qualify(fit_words(draft.summary.strip(), max_words), found, max_words) if is_new else NOTHING_NEW
    )
    return Result(
        summary=summary,
        key_facts=facts.key_facts,
        input=draft.input,
        engine=engine,
        model=model,
        generated_tokens=draft.generated_tokens,
        facts_dropped=dict(facts.dropped),
        conflicts=found.conflicts[:limit],
        updates=found.updates[:limit],
        novel=is_new,
        timings_ms=dict(draft.timings_ms),
    )
