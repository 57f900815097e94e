"""The one facts step both engines share: key facts and conflicts for a cluster.

Conflicts are read off the articles themselves, whatever a model writes. Key facts are either a
model's generated items, kept where the articles back them, or (with no generated text) the
extractive selector's sentences, leaving out the sentences of a conflict so no version wins.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from service.domain import Conflict, KeyFact
from service.facts.conflicts import conflict_sentences, find_conflicts
from service.facts.grounding import ground_items, split_items
from service.facts.select import select_facts
from service.nlp.salience import Salience
from service.nlp.sentences import Sentence


@dataclass(frozen=True)
class Facts:
    key_facts: list[KeyFact]
    conflicts: list[Conflict]
    # Generated items dropped, by reason (e.g. "ungrounded_name"); exported as a metric.
    dropped: Counter[str] = field(default_factory=Counter)


def key_facts(
    sentences: Sequence[Sequence[Sentence]],
    texts: Sequence[str],
    salience: Salience,
    limit: int,
    generated: str | None = None,
) -> Facts:
    """Key facts and conflicts of one cluster; `generated` is a model's fact text, if it wrote one."""
    conflicts = find_conflicts(sentences, salience, limit)
    if generated is None:
        facts = select_facts(sentences, salience, limit, conflict_sentences(conflicts))
        return Facts(key_facts=facts, conflicts=conflicts)
    facts, dropped = ground_items(split_items(generated), sentences, texts, limit)
    return Facts(key_facts=facts, conflicts=conflicts, dropped=dropped)
