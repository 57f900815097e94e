"""Generated key facts: split the model's output into items and keep those the articles back."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence

import numpy as np

from service.domain import KeyFact
from service.facts.features import numbers, proper_names, source_ref
from service.facts.same_fact import same_fact_matrix
from service.facts.select import best_per_article
from service.nlp.salience import MAX_POOL, top_sentences
from service.nlp.sentences import Sentence, split_sentences
from service.nlp.similarity import tfidf_matrix
from service.nlp.words import content_stems, words

BULLET_RE = re.compile(r"^\s*(?:[-*•·]+|\d+[.)]|\(\d+\))\s*")
# Minimum similarity between a generated item and a source sentence for that sentence to back it.
SUPPORTS = 0.3


def split_items(generated: str) -> list[str]:
    """Split model output into fact items: one per line/bullet, or per sentence for running text."""
    lines = [BULLET_RE.sub("", line).strip() for line in generated.splitlines()]
    lines = [line for line in lines if line]
    items: list[str] = []
    for line in lines:
        items.extend(line[a:b].strip() for a, b in split_sentences(line))
    return [i for i in items if len(words(i)) >= 2]


def ground_items(
    items: Sequence[str],
    sentences: Sequence[Sequence[Sentence]],
    texts: Sequence[str],
    limit: int,
    same_fact: float,
    one_sided: frozenset[tuple[int, int]] = frozenset(),
) -> tuple[list[KeyFact], Counter[str]]:
    """Keep the generated items the articles back; count the dropped ones by reason.

    An item is dropped when it has a number or proper name that no article contains, when no
    source sentence is similar enough to back it, when the sentence backing it best states one
    side of a dispute (`one_sided`: a conflict's version, an update's superseded one), or when it
    repeats a kept item. A kept item's sources are that sentence and, as for extractive facts,
    the sentences of other articles stating the same fact (merge score at least `same_fact`).
    """
    dropped: Counter[str] = Counter()
    flat = [s for article in sentences for s in article]
    item_stems = [content_stems(i) for i in items]
    if len(flat) > MAX_POOL:  # huge inputs: the sentences sharing most words with the items
        wanted = {t for stems in item_stems for t in stems}
        flat = top_sentences(flat, lambda s: float(len(wanted.intersection(s.stems))))
    known_numbers = set().union(*(numbers(t) for t in texts)) if texts else set()
    known_words = {w for t in texts for w in words(t)}
    known_lower = {w.lower() for w in known_words}
    matrix = tfidf_matrix([*(s.stems for s in flat), *item_stems])
    sent_m, item_m = matrix[: len(flat)], matrix[len(flat) :]
    merge = same_fact_matrix(flat, same_fact) if flat else np.zeros((0, 0))
    facts: list[KeyFact] = []
    kept: list[int] = []
    for k, item in enumerate(items):
        if numbers(item) - known_numbers:
            dropped["ungrounded_number"] += 1
            continue
        first = words(item)[:1]
        names = proper_names(item)
        # A sentence-initial capital is only a name if the articles have the word at all.
        if any(n not in known_words for n in names - set(first)) or any(
            n.lower() not in known_lower for n in names & set(first)
        ):
            dropped["ungrounded_name"] += 1
            continue
        sims = sent_m @ item_m[k] if flat else np.zeros(0)
        if not flat or sims.max() < SUPPORTS:
            dropped["unsupported"] += 1
            continue
        best = int(np.argmax(sims))
        own = flat[best]
        if (own.article, own.index) in one_sided:
            dropped["disputed"] += 1
            continue
        if any(float(item_m[k] @ item_m[j]) >= 0.8 for j in kept):
            dropped["duplicate"] += 1
            continue
        others = [
            s
            for s in best_per_article(merge[best], flat, same_fact)
            if s.article != own.article and (s.article, s.index) not in one_sided
        ]
        facts.append(KeyFact(text=item, sources=tuple(source_ref(s) for s in (own, *others))))
        kept.append(k)
    if len(facts) > limit:
        dropped["over_limit"] += len(facts) - limit
        facts = facts[:limit]
    return facts, dropped
