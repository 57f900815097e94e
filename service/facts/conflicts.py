"""Conflicts and updates: one quantity given different values by different articles.

Two articles *disagree* on a quantity when each gives one figure of the same kind (the same
counted noun, currency, percent or date; `service.facts.figures`), the values cannot both be true
(hedges such as "at least 300" and "312" can), and the sentences are about the same thing: close in
wording overall, or sharing a word right around the figure ("agreed to *exchange* 1,200 prisoners"
/ "will *exchange* 1,000 prisoners"), and not each naming someone or somewhere the other does not.
Figures far apart in size ("a 200-rand fine" / "a 200,000-rand fine") count different things.

When the articles are dated, each version comes from a different time, and the figure is one that
moves as a story develops (a running count such as deaths or arrests, or a sentence saying the
figure rose or was revised), the figure changed over time: that is an *update*, reported newest
first, not a disagreement. A quake's duration given two ways on two days is still a conflict.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import numpy as np

from service.domain import Claim, Conflict, Update
from service.facts.features import MONTHS, proper_names, source_ref
from service.facts.figures import Figure, figures
from service.nlp.salience import MAX_POOL, Salience, top_sentences
from service.nlp.sentences import Sentence
from service.nlp.similarity import tfidf_matrix
from service.nlp.words import content_stems

# Sentences this alike (tf-idf cosine of content stems) are about the same thing ...
CONTEXT = 0.45
# ... or, at least this alike, when they share a word next to the figure.
NEAR_CONTEXT = 0.2
# How far around a figure (characters) its own context is read.
WINDOW = 40
# Two reports of one quantity are rarely this far apart: the larger over the smaller.
MAX_RATIO = 3.0
# Kinds that say too little about what is counted to compare.
VAGUE = frozenset({"number", "year", "age"})
# Running counts of a developing story (stems): a later article's new value is news, not a dispute.
RUNNING = frozenset(
    "people person dead death killed injured injury wounded hurt victim casualty body missing arrest "
    "arrested detained detainee evacuee evacuated displaced homeless survivor case infection vote "
    "ballot".split()
)
# Periods of time and days: a story has many ("over the past six months", "for 18 months"), so two
# are one quantity only when their sentences are alike overall *and* around the figure.
TIMES = frozenset("date second minute hour day week month year decade".split())
# Words saying that a figure moved ("the toll rose to 63", "has climbed to"): any kind may update.
CHANGE_RE = re.compile(
    r"\b(?:rose|risen|rising|climbed|increased|jumped|grew|soared|fell|dropped|revised|raised|lowered)"
    r"\b|\b(?:so far|latest|new (?:toll|figure|count)|up from|down from)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Found:
    """A sentence's figures, kept only where the sentence has one figure of that kind."""

    sentence: Sentence
    single: dict[str, Figure]
    context: dict[str, frozenset[str]]  # content stems around each figure


def _read(s: Sentence) -> Found | None:
    found = figures(s.text)
    counts: dict[str, int] = {}
    for f in found:
        counts[f.kind] = counts.get(f.kind, 0) + 1
    # Only a sentence's single figure of a kind is compared: "64 of the 122 seats" or "13 and 11
    # years" give several values for different things.
    single = {f.kind: f for f in found if counts[f.kind] == 1 and f.kind not in VAGUE}
    if not single:
        return None
    context = {}
    for kind, f in single.items():
        around = s.text[max(0, f.start - WINDOW) : f.start + len(f.shown) + WINDOW]
        numbers = {str(int(f.value))} if f.value.is_integer() else set()
        context[kind] = frozenset(content_stems(around)) - {kind} - numbers
    return Found(s, single, context)


def display(f: Figure) -> str:
    """A figure as a claim shows it: "1,200 prisoners", "$5 million", "4 percent", "Nov. 19"."""
    if f.kind in ("date", "percent", "year") or not f.unit or f.shown.startswith(("$", "£", "€", "¥", "US$")):
        return f.shown
    return f"{f.shown} {f.unit}"


def disagree(a: Figure, b: Figure) -> bool:
    """Values of one kind that cannot both be true and are close enough to count one thing."""
    if a.compatible(b):
        return False
    low, high = sorted((abs(a.value), abs(b.value)))
    return a.kind == "date" or (low > 0 and high / low <= MAX_RATIO)


def find_conflicts(
    sentences: Sequence[Sequence[Sentence]],
    salience: Salience,
    limit: int,
    published: Sequence[datetime | None] = (),
) -> tuple[list[Conflict], list[Update]]:
    """Quantities whose value differs between articles: conflicts, and (dated) updates."""
    flat = [s for article in sentences for s in article if s.complete]
    read = [f for f in (_read(s) for s in flat) if f is not None]
    if len(read) > MAX_POOL:  # huge inputs: the sentences that weigh most
        kept = {id(s) for s in top_sentences([f.sentence for f in read], salience.gain)}
        read = [f for f in read if id(f.sentence) in kept]
    if len(read) < 2 or limit <= 0:
        return [], []
    matrix = tfidf_matrix([f.sentence.stems for f in read])
    sims = matrix @ matrix.T
    articles = np.array([f.sentence.article for f in read])
    close = np.triu((sims >= NEAR_CONTEXT) & (articles[:, None] != articles[None, :]), k=1)
    names = [{n for n in proper_names(f.sentence.text) if n.lower() not in MONTHS} for f in read]
    # Union-find over (sentence, kind) nodes joined by disagreeing sentences about the same thing.
    parent: dict[tuple[int, str], tuple[int, str]] = {}

    def find(x: tuple[int, str]) -> tuple[int, str]:
        while parent.setdefault(x, x) != x:
            x = parent[x]
        return x

    linked = set()
    for i, j in np.argwhere(close).tolist():
        # Each naming someone or somewhere the other does not ("213 in Kenya" against "11 in
        # Tanzania"): likely two things, not two accounts of one.
        if names[i] - names[j] and names[j] - names[i]:
            continue
        a, b = read[i], read[j]
        for kind in a.single.keys() & b.single.keys():
            if not disagree(a.single[kind], b.single[kind]):
                continue
            near = bool(a.context[kind] & b.context[kind])
            alike = sims[i, j] >= CONTEXT
            if (alike and near) if kind in TIMES else (alike or near):
                parent[find((i, kind))] = find((j, kind))
                linked.update({(i, kind), (j, kind)})
    groups: dict[tuple[int, str], list[int]] = {}
    for node in sorted(linked):  # sorted: the order of equal-weight conflicts must not hang on hashing
        groups.setdefault(find(node), []).append(node[0])
    conflicts: list[tuple[float, Conflict]] = []
    updates: list[tuple[float, Update]] = []
    for (_, kind), members in groups.items():
        by_value: dict[float, list[tuple[Sentence, Figure]]] = {}
        for k in sorted(set(members)):
            f = read[k].single[kind]
            by_value.setdefault(f.value, []).append((read[k].sentence, f))
        if len(by_value) < 2:
            continue
        weight = sum(salience.gain(read[k].sentence) for k in set(members))
        versions = list(by_value.values())
        unit = versions[0][0][1].unit
        dates = [_newest(items, published) for items in versions]
        changing = kind in RUNNING or any(CHANGE_RE.search(s.text) for v in versions for s, _ in v)
        if changing and _over_time(versions, published):
            order = sorted(range(len(versions)), key=lambda v: dates[v] or datetime.min, reverse=True)
            claims = tuple(_claim(versions[v], dates[v]) for v in order)
            updates.append((weight, Update(subject=unit, claims=claims)))
            continue
        versions.sort(key=lambda v: (-len(v), v[0][0].article, v[0][0].index))
        claims = tuple(_claim(v, _newest(v, published)) for v in versions)
        conflicts.append((weight, Conflict(subject=unit, claims=claims)))
    conflicts.sort(key=lambda x: -x[0])
    updates.sort(key=lambda x: -x[0])
    return [c for _, c in conflicts[:limit]], [u for _, u in updates[:limit]]


def _claim(items: Sequence[tuple[Sentence, Figure]], published: datetime | None) -> Claim:
    s, f = items[0]
    return Claim(
        value=display(f), text=s.text, sources=tuple(source_ref(s) for s, _ in items), published=published
    )


def _newest(
    items: Sequence[tuple[Sentence, Figure]], published: Sequence[datetime | None]
) -> datetime | None:
    dates = [published[s.article] for s, _ in items if s.article < len(published)]
    known = [d for d in dates if d is not None]
    return max(known, key=_stamp) if known else None


def _stamp(d: datetime) -> float:
    return d.timestamp()  # naive and aware datetimes compare as timestamps


def _over_time(
    versions: Sequence[Sequence[tuple[Sentence, Figure]]], published: Sequence[datetime | None]
) -> bool:
    """Every version's articles are dated, and no two versions share a publication time: each
    value was what was known when its articles came out."""
    spans = []
    for items in versions:
        dates = [published[s.article] if s.article < len(published) else None for s, _ in items]
        if any(d is None for d in dates):
            return False
        stamps = [_stamp(d) for d in dates if d is not None]
        spans.append((min(stamps), max(stamps)))
    spans.sort()
    return all(prev[1] < nxt[0] for prev, nxt in zip(spans, spans[1:], strict=False))


def conflict_sentences(conflicts: Sequence[Conflict]) -> frozenset[tuple[int, int]]:
    return frozenset((s.article, s.sentence) for c in conflicts for claim in c.claims for s in claim.sources)
