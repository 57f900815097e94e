"""The one facts step both engines share: disputes, key facts and the summary's honesty.

Conflicts and updates are read off the articles themselves, whatever a model writes. Key facts
are either a model's generated items, kept where the articles back them, or (with no generated
text) the extractive selector's sentences; either way no fact states one side of a dispute, and
`qualify` makes sure no summary does.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime

from service.domain import Claim, Conflict, KeyFact, Update
from service.facts.conflicts import conflict_sentences, find_conflicts
from service.facts.figures import Figure, figures
from service.facts.grounding import ground_items, split_items
from service.facts.select import select_facts
from service.nlp.salience import Salience
from service.nlp.sentences import Sentence, fit_words, split_sentences
from service.nlp.words import count_words

# Disputes read per cluster: enough for the summary to keep off every one that matters.
MAX_DISPUTES = 100
# A summary cut shorter than this to make room for a note on a dispute says too little.
MIN_WORDS_BESIDE_NOTE = 5
# A claim's value read on its own ("40 people") lacks the sentence that made it a toll: these
# kinds match any kind of the same value.
LOOSE_KINDS = frozenset({"number", "people", "person", "other"})


@dataclass(frozen=True)
class Disputes:
    """What the articles disagree on (conflicts) and what changed between them (updates), all of
    it: the summary keeps off every side of them, the response lists the first ones."""

    conflicts: list[Conflict]
    updates: list[Update]

    @property
    def one_sided(self) -> frozenset[tuple[int, int]]:
        """(article, sentence) pairs no summary or key fact may state alone: every version of a
        conflict, and the superseded versions of an update (its newest one is what is known)."""
        return conflict_sentences(self.conflicts) | self.superseded

    @property
    def superseded(self) -> frozenset[tuple[int, int]]:
        """(article, sentence) pairs giving only an older value of an update."""
        old = [claim for u in self.updates for claim in u.claims[1:]]
        return frozenset((s.article, s.sentence) for claim in old for s in claim.sources if not s.background)

    @property
    def news(self) -> frozenset[tuple[int, int]]:
        """(article, sentence) pairs of new articles giving an update's newest value."""
        return frozenset(
            (s.article, s.sentence) for u in self.updates for s in u.claims[0].sources if not s.background
        )


def disputes(
    sentences: Sequence[Sequence[Sentence]],
    salience: Salience,
    published: Sequence[datetime | None],
    new_articles: int | None = None,
    stop: threading.Event | None = None,
) -> Disputes:
    """Conflicts and updates among `sentences`' articles.

    With `new_articles`, the articles from that index on are the reader's background: a dispute
    is kept only when a new article takes part in it (a toll the background gave and a new
    article raises is an update with both dates), and background sources are marked as such,
    indexed in the background. `stop`, once set, ends the work (`Cancelled`).
    """
    conflicts, updates = find_conflicts(sentences, salience, MAX_DISPUTES, published, stop)
    if new_articles is None:
        return Disputes(conflicts=conflicts, updates=updates)

    def relabel(claims: tuple[Claim, ...]) -> tuple[Claim, ...] | None:
        if not any(s.article < new_articles for c in claims for s in c.sources):
            return None  # all in the background: the reader has it
        return tuple(
            replace(
                c,
                sources=tuple(
                    s
                    if s.article < new_articles
                    else replace(s, article=s.article - new_articles, background=True)
                    for s in c.sources
                ),
            )
            for c in claims
        )

    kept_conflicts = [replace(c, claims=r) for c in conflicts if (r := relabel(c.claims)) is not None]
    kept_updates = [replace(u, claims=r) for u in updates if (r := relabel(u.claims)) is not None]
    return Disputes(conflicts=kept_conflicts, updates=kept_updates)


@dataclass(frozen=True)
class Facts:
    key_facts: list[KeyFact]
    # Generated items dropped, by reason (e.g. "ungrounded_name"); exported as a metric.
    dropped: Counter[str] = field(default_factory=Counter)


def key_facts(
    sentences: Sequence[Sequence[Sentence]],
    texts: Sequence[str],
    salience: Salience,
    limit: int,
    found: Disputes,
    same_fact: float,
    generated: str | None = None,
    known: frozenset[tuple[int, int]] = frozenset(),
    stop: threading.Event | None = None,
) -> Facts:
    """At most `limit` key facts of one cluster; `generated` is a model's fact text, if it wrote
    one. Both ways, a fact's support counts the articles stating the same fact (merge score at or
    above `same_fact`), no fact states one side of a dispute alone, and none rests on a sentence
    the reader already knows from the background (`known`). `stop`, once set, ends the extractive
    selection (`Cancelled`)."""
    exclude = found.one_sided | known
    if generated is None:
        return Facts(key_facts=select_facts(sentences, salience, limit, same_fact, exclude, stop))
    facts, dropped = ground_items(split_items(generated), sentences, texts, limit, same_fact, exclude)
    return Facts(key_facts=facts, dropped=dropped)


def _figure_of(claim: Claim) -> Figure | None:
    found = figures(claim.value)
    return found[0] if found else None


def _states(summary_figures: Sequence[Figure], f: Figure | None) -> bool:
    """The summary gives `f`'s value as a plain figure ("at least 60" takes no side)."""
    return f is not None and any(
        g.value == f.value and g.bound == "exact" and (g.kind == f.kind or {g.kind, f.kind} & LOOSE_KINDS)
        for g in summary_figures
    )


def qualify(summary: str, found: Disputes, max_words: int) -> str:
    """`summary`, never stating one side of a dispute alone: where it gives one version of a
    conflict (or only a superseded version of an update), a note says what the sources say.

    The note comes first in the word budget: the summary is cut to make room, and when even the
    note cannot fit, the sentences stating a side are left out instead.
    """
    stated = figures(summary)
    notes: list[str] = []
    sides: list[Figure] = []
    for c in found.conflicts:
        figs = [_figure_of(claim) for claim in c.claims]
        said = [_states(stated, f) for f in figs]
        if any(said) and not all(said):
            notes.append(f"Sources differ on {c.subject}: {' or '.join(cl.value for cl in c.claims)}.")
            sides.extend(f for f, s in zip(figs, said, strict=True) if s and f is not None)
    for u in found.updates:
        figs = [_figure_of(claim) for claim in u.claims]
        if not _states(stated, figs[0]) and any(_states(stated, f) for f in figs[1:]):
            when = f" ({u.claims[0].published:%b %-d})" if u.claims[0].published else ""
            notes.append(f"The latest figure for {u.subject} is {u.claims[0].value}{when}.")
            sides.extend(f for f in figs[1:] if f is not None and _states(stated, f))
    if not notes:
        return summary
    note = " ".join(notes)
    room = max_words - count_words(note)
    if room >= MIN_WORDS_BESIDE_NOTE:
        return f"{fit_words(summary, room)} {note}"
    # No room for the note: leave out what states a side.
    kept = [
        summary[a:b].strip()
        for a, b in split_sentences(summary)
        if not any(_states(figures(summary[a:b]), f) for f in sides)
    ]
    return fit_words(" ".join(kept), max_words) if kept else fit_words(note, max_words)
