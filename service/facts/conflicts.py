"""Conflicts and updates: one quantity given different values by different articles.

Two articles *disagree* on a quantity when each gives one figure of the same kind (the same
counted noun, currency, percent or date; `service.facts.figures`), the values cannot both be true
(hedges such as "at least 300" and "312" can; neither sentence holds the other's value anywhere),
they are close enough in size to count one thing ("a 200-rand fine" / "a 200,000-rand fine" are
two things), and the sentences are about the same thing: each covers at least half of the other's
content words, or a third of them and three words right around the figure ("agreed to *exchange*
1,200 *prisoners* held since the *war*"). Each naming someone or somewhere the other does not
("213 in Kenya" / "11 in Tanzania") are two things, not two accounts of one.

Strict on purpose: a reported conflict is a claim that the sources disagree, and it is measured
(`python -m eval conflicts score`, docs/conflict-labels.md): most figures in a story that merely
look alike count different things.

When both articles are dated and the later one gives the higher value (a toll rising, a total
growing), the figure changed over time: that is an *update*, reported newest first with dates,
not a disagreement. A later *lower* value, or undated articles, remain a conflict.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cached_property

import numpy as np

from service.domain import Claim, Conflict, Update
from service.errors import check
from service.facts.features import MONTHS, proper_names, source_ref
from service.facts.figures import Figure, figures
from service.facts.same_fact import coverage
from service.nlp.salience import MAX_POOL, Salience, top_sentences
from service.nlp.sentences import Sentence
from service.nlp.words import content_stems

# Share of content stems the two sentences have in common (of the one with more of them) at which
# they are about the same thing ...
ALIKE = 0.5
# ... or, at this share, when they also share NEAR_WORDS content words right around the figure.
CLOSE = 0.35
NEAR_WORDS = 3
# How far around a figure (characters) its own context is read.
WINDOW = 40
# Two reports of one quantity are rarely this far apart: the larger over the smaller.
MAX_RATIO = 3.0
# Millions written two ways ("$142 million" / "$140 million"): rounding, not a disagreement.
ROUNDING = 0.03
# Kinds that say too little about what is counted to compare.
VAGUE = frozenset({"number", "year", "age"})
# Periods of time and days: a story has many, so two are one only in sentences alike overall.
TIMES = frozenset("date second minute hour day week month year decade".split())
# A rate, not a count: "1 in 2,000 children", "2 of every 1,000", "one out of 10".
RATE_RE = re.compile(
    r"\b(?:\d+|one|two|three|four|five|ten)\s+(?:in|of every|out of every|out of)\s+$", re.IGNORECASE
)


@dataclass(frozen=True)
class Found:
    """A sentence's figures: all values, and the single figure of each kind it gives.

    The words around each figure and the names are read only for sentences that meet a close one
    from another article: most sentences with a figure never do.
    """

    sentence: Sentence
    single: dict[str, Figure]
    values: frozenset[float]

    @cached_property
    def context(self) -> dict[str, frozenset[str]]:
        """Content stems around each single figure, less the figure's own."""
        text = self.sentence.text
        out = {}
        for kind, f in self.single.items():
            around = text[max(0, f.start - WINDOW) : f.start + len(f.shown) + WINDOW]
            out[kind] = frozenset(content_stems(around)) - set(content_stems(f.shown))
        return out

    @cached_property
    def names(self) -> frozenset[str]:
        return frozenset(n for n in proper_names(self.sentence.text) if n.lower() not in MONTHS)


def _read(s: Sentence) -> Found | None:
    found = [f for f in figures(s.text) if not RATE_RE.search(s.text[max(0, f.start - 20) : f.start])]
    counts: dict[str, int] = {}
    for f in found:
        counts[f.kind] = counts.get(f.kind, 0) + 1
    # Only a sentence's single figure of a kind is compared: "64 of the 122 seats" or "13 and 11
    # years" give several values for different things.
    single = {f.kind: f for f in found if counts[f.kind] == 1 and f.kind not in VAGUE}
    if not single:
        return None
    return Found(s, single, frozenset(f.value for f in figures(s.text)))


def display(f: Figure) -> str:
    """A figure as a claim shows it: "1,200 prisoners", "$5 million", "4 percent", "Nov. 19"."""
    if f.kind in ("date", "percent", "year") or not f.unit or f.shown.startswith(("$", "£", "€", "¥", "US$")):
        return f.shown
    return f"{f.shown} {f.unit}"


def values_disagree(a: Figure, b: Figure) -> bool:
    """Values of one kind that cannot both be true and are close enough to count one thing."""
    if a.compatible(b):
        return False
    low, high = sorted((abs(a.value), abs(b.value)))
    if a.kind == "date":
        return True
    if low <= 0 or high / low > MAX_RATIO:
        return False
    return not (low >= 1e6 and high / low <= 1 + ROUNDING)


def _link(a: Found, b: Found, kind: str, share: float) -> bool:
    """Do `a` and `b` give disagreeing values of `kind` for the same thing?"""
    fa, fb = a.single[kind], b.single[kind]
    if not values_disagree(fa, fb) or fa.value in b.values or fb.value in a.values:
        return False
    near = len(a.context[kind] & b.context[kind]) >= NEAR_WORDS
    if kind in TIMES:
        return share >= ALIKE and near
    return share >= ALIKE or (share >= CLOSE and near)


class _Groups:
    """Union-find over (sentence, kind) nodes."""

    def __init__(self) -> None:
        self.parent: dict[tuple[int, str], tuple[int, str]] = {}

    def find(self, x: tuple[int, str]) -> tuple[int, str]:
        while self.parent.setdefault(x, x) != x:
            x = self.parent[x]
        return x

    def join(self, x: tuple[int, str], y: tuple[int, str]) -> None:
        self.parent[self.find(x)] = self.find(y)

    def groups(self) -> list[tuple[str, list[int]]]:
        out: dict[tuple[int, str], list[int]] = {}
        for node in sorted(self.parent):  # sorted: equal-weight order must not hang on hashing
            out.setdefault(self.find(node), []).append(node[0])
        return [(root[1], sorted(set(members))) for root, members in out.items()]


def find_conflicts(
    sentences: Sequence[Sequence[Sentence]],
    salience: Salience,
    limit: int,
    published: Sequence[datetime | None] = (),
    stop: threading.Event | None = None,
) -> tuple[list[Conflict], list[Update]]:
    """Quantities whose value differs between articles: conflicts, and (dated) updates.

    `stop`, once set, ends the work (`Cancelled`), checked per sentence and per pair: a huge
    input's figures take seconds to read.
    """
    flat = [s for article in sentences for s in article if s.complete]
    read = []
    for s in flat:
        check(stop)
        if (found := _read(s)) is not None:
            read.append(found)
    if len(read) > MAX_POOL:  # huge inputs: the sentences that weigh most
        kept = {id(s) for s in top_sentences([f.sentence for f in read], salience.gain)}
        read = [f for f in read if id(f.sentence) in kept]
    if len(read) < 2 or limit <= 0:
        return [], []
    # Shared content stems over the larger sentence's count (cluster-independent).
    share, _ = coverage([frozenset(f.sentence.stems) for f in read])
    articles = np.array([f.sentence.article for f in read])
    close = np.triu((share >= CLOSE) & (articles[:, None] != articles[None, :]), k=1)
    dates = [_date(f.sentence, published) for f in read]
    conflicting, updating = _Groups(), _Groups()
    disputed: set[tuple[str, float, float]] = set()  # (kind, value, value) seen in conflict
    for i, j in np.argwhere(close).tolist():
        check(stop)
        a, b = read[i], read[j]
        if a.names - b.names and b.names - a.names:
            continue
        for kind in sorted(a.single.keys() & b.single.keys()):
            if not _link(a, b, kind, float(share[i, j])):
                continue
            di, dj = dates[i], dates[j]
            if di is not None and dj is not None and di != dj:
                earlier, later = (a, b) if di < dj else (b, a)
                if later.single[kind].value > earlier.single[kind].value:
                    updating.join((i, kind), (j, kind))
                    continue
            conflicting.join((i, kind), (j, kind))
            disputed.add((kind, read[i].single[kind].value, read[j].single[kind].value))
    conflicts: list[tuple[float, Conflict]] = []
    for kind, members in conflicting.groups():
        for versions in _cliques(_versions(read, kind, members), kind, disputed):
            versions.sort(key=lambda v: (-len(v), v[0][0].article, v[0][0].index))
            claims = tuple(_claim(v, _newest(v, published)) for v in versions)
            conflicts.append((_weight(versions, salience), Conflict(subject=_unit(versions), claims=claims)))
    updates: list[tuple[float, Update]] = []
    for kind, members in updating.groups():
        versions = _versions(read, kind, members)
        if len(versions) < 2:
            continue
        newest = [_newest(v, published) for v in versions]
        order = sorted(range(len(versions)), key=lambda v: _stamp(newest[v]), reverse=True)
        claims = tuple(_claim(versions[v], newest[v]) for v in order)
        updates.append((_weight(versions, salience), Update(subject=_unit(versions), claims=claims)))
    conflicts.sort(key=lambda x: -x[0])
    updates.sort(key=lambda x: -x[0])
    return [c for _, c in conflicts[:limit]], [u for _, u in updates[:limit]]


Version = list[tuple[Sentence, Figure]]


def _versions(read: Sequence[Found], kind: str, members: Sequence[int]) -> list[Version]:
    by_value: dict[float, Version] = {}
    for k in members:
        f = read[k].single[kind]
        by_value.setdefault(f.value, []).append((read[k].sentence, f))
    return list(by_value.values())


def _cliques(
    versions: list[Version], kind: str, disputed: set[tuple[str, float, float]]
) -> list[list[Version]]:
    """The group's versions in sets whose every two values were found in dispute directly.

    A group joins through chains (40 against 52 in one pair, 52 against 63 in another); a chain is
    no evidence that its ends disagree (the toll may have risen from 40 to 63), so a conflict
    lists together only versions each pair of which some two articles dispute.
    """

    def linked(a: Version, b: Version) -> bool:
        x, y = a[0][1].value, b[0][1].value
        return (kind, x, y) in disputed or (kind, y, x) in disputed

    order = sorted(versions, key=lambda v: (-len(v), v[0][1].value))
    out: list[list[Version]] = []
    covered: set[tuple[float, float]] = set()
    for a in order:
        for b in order:
            pair = (a[0][1].value, b[0][1].value)
            if a is b or pair in covered or not linked(a, b):
                continue
            clique = [a, b]
            for c in order:
                if all(c is not m and linked(c, m) for m in clique):
                    clique.append(c)
            for m in clique:
                for n in clique:
                    covered.add((m[0][1].value, n[0][1].value))
            out.append(clique)
    return out


def _unit(versions: Sequence[Version]) -> str:
    return versions[0][0][1].unit


def _weight(versions: Sequence[Version], salience: Salience) -> float:
    return sum(salience.gain(s) for v in versions for s, _ in v)


def _claim(items: Version, published: datetime | None) -> Claim:
    s, f = items[0]
    return Claim(
        value=display(f), text=s.text, sources=tuple(source_ref(s) for s, _ in items), published=published
    )


def _date(s: Sentence, published: Sequence[datetime | None]) -> float | None:
    d = published[s.article] if s.article < len(published) else None
    return _stamp(d) if d is not None else None


def _stamp(d: datetime | None) -> float:
    # Naive and aware datetimes compare as timestamps; undated sorts last.
    return d.timestamp() if d is not None else float("-inf")


def _newest(items: Version, published: Sequence[datetime | None]) -> datetime | None:
    known = [published[s.article] for s, _ in items if s.article < len(published)]
    dated = [d for d in known if d is not None]
    return max(dated, key=_stamp) if dated else None


def conflict_sentences(conflicts: Sequence[Conflict]) -> frozenset[tuple[int, int]]:
    """(article, sentence) of every version's sources among the request's articles."""
    return frozenset(
        (s.article, s.sentence)
        for c in conflicts
        for claim in c.claims
        for s in claim.sources
        if not s.background
    )
