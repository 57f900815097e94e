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

When both articles are dated on different days and the later one gives the higher value (a toll
rising, a total growing), the figure changed over time: that is an *update*, reported newest
first with dates, not a disagreement; for quantities that move either way (the missing, rates,
balances) a later lower value is an update too. Otherwise a later *lower* value, reports of one
day, or undated articles remain a conflict.

What a figure counts is its *frame* (`service.facts.frames`): the event of its clause ("killed",
"wounding", "exchange", "deficit"), the counted noun, and qualifiers (a part of a total, a stage,
a place, a period). Two figures of one frame whose event is a count of people, prisoners, homes,
money set aside or a measure need less wording in common than figures of no known event.
"""

from __future__ import annotations

import math
import re
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cached_property

import numpy as np

from service.domain import Claim, Conflict, Update
from service.errors import check
from service.facts.features import source_ref
from service.facts.figures import Figure, figures, hedge_words
from service.facts.frames import (
    PEOPLE_EVENTS,
    RELAXED_EVENTS,
    TIME_UNITS,
    Frame,
    groups_clash,
    names_clash,
    names_in,
    people_noun,
    qualifiers_clash,
    roles_in,
    shared_context,
)
from service.facts.same_fact import coverage
from service.nlp.salience import MAX_POOL, Salience, top_sentences
from service.nlp.sentences import Sentence

# Share of content stems the two sentences have in common (of the one with more of them) at which
# they are about the same thing ...
ALIKE = 0.5
# ... or, at this share, when they also share NEAR_WORDS content words right around the figure.
CLOSE = 0.35
NEAR_WORDS = 3
# Two figures of the same event ("killed", "wounded", "exchange"): about the same thing at this
# share of content stems, or with this many context words of their clauses in common.
EVENT_ALIKE = 0.2
EVENT_NEAR = 2
# Two reports of one quantity are rarely this far apart: the larger over the smaller.
MAX_RATIO = 3.0
# The most sentences of one frame key compared pair by pair on their clauses alone (the pairs
# grow with the square): real clusters have a few dozen tolls at most.
MAX_PER_KEY = 60
# Dated articles further apart than this (days) are compared only when alike overall.
SAME_STORY_DAYS = 31
# Quantities that move either way over time: the missing are found, rates and balances change.
# A later lower value of these is an update; of a running count (a toll), a disagreement.
EITHER_WAY = frozenset({"missing"})
# Figures that are one fact, not a running count (a magnitude, an age, a prison term, the
# prisoners a deal frees, the jobs a plan cuts, votes cast, a deficit): a later different
# value disputes it. Of other counts (a toll, the homes burned, pledges, an offer) a later higher value is
# an update; so are dates and periods of time, and money named by its noun (a ransom).
FIXED = frozenset({"magnitude", "age", "prison", "contract", "trial", "talks", "jobs", "release", "exchange",
                   "vote", "deficit", "surplus", "inflation", "unemployment", "growth", "turnout",
                   "revenue", "profit", "sales", "debt", "spending", "budget"})  # fmt: skip
# A later sentence saying its count is now higher ("now run 19 treatment centres").
NOW_RE = re.compile(r"\bnow\b|\bso far\b", re.IGNORECASE)
# Two percentages further apart than this (the larger over the smaller) are two quantities.
MAX_PERCENT_RATIO = 1.6
# A later sentence saying its figure was revised ("revised March's rate to 4.0 percent").
REVISED_RE = re.compile(r"\brevis(?:ed|es|ing|ion)\b|\bcorrected\b", re.IGNORECASE)
# Kinds that say too little about what is counted to compare.
VAGUE = frozenset({"number", "year", "age"})
# Periods of time and days: a story has many, so two are one only in sentences alike overall ...
TIMES = frozenset({"date"}) | TIME_UNITS
# ... unless the event is measured in time: a prison term, a contract, a trial, talks.
DURATION_EVENTS = frozenset({"prison", "contract", "trial", "talks"})
# A figure given for a month ("added 52,000 jobs in April", "during the month"): articles dated in
# different months give different months' figures.
MONTHLY_RE = re.compile(
    r"\b(?:in|during|for|of)\s+(?:the\s+month|january|february|march|april|may|june|july|august|"
    r"september|october|november|december)\b|\blast month\b|\bthis month\b",
    re.IGNORECASE,
)
# A sentence saying its figure has grown ("has now risen to 31"): of undated articles, the newer.
RISEN_RE = re.compile(
    r"\b(?:has|have)\s+(?:now\s+)?(?:risen|climbed|grown|increased|jumped|reached)\b|\bnow\s+(?:risen|stands)\b",
    re.IGNORECASE,
)
# A rate, not a count: "1 in 2,000 children", "2 of every 1,000", "one out of 10".
RATE_RE = re.compile(
    r"\b(?:\d+|one|two|three|four|five|ten)\s+(?:in|of every|out of every|out of)\s+$", re.IGNORECASE
)


@dataclass(frozen=True)
class Found:
    """A sentence's figures: all values, and the single frame of each key it gives.

    The words around each figure and the names are read only for sentences that meet a close one
    from another article: most sentences with a figure never do.
    """

    sentence: Sentence
    single: dict[tuple[str, str], Frame]
    values: frozenset[float]

    @cached_property
    def names(self) -> frozenset[str]:
        return names_in(self.sentence.text)

    def frame(self, key: Key) -> Frame:
        """The frame of `key`, or of its noun with no event ("16 batches" for a recall's batches)."""
        return self.single.get(key) or self.single[("", key[1])]

    def own(self, key: Key) -> Key:
        """The key this sentence gives `key`'s frame under: itself, or its noun's with no event."""
        return key if key in self.single else ("", key[1])

    @cached_property
    def keys(self) -> frozenset[Key]:
        return frozenset(self.single)

    @cached_property
    def bare_nouns(self) -> frozenset[str]:
        """Nouns this sentence gives with no event."""
        return frozenset(noun for event, noun in self.single if not event)

    @cached_property
    def event_nouns(self) -> frozenset[str]:
        """Nouns this sentence gives with an event."""
        return frozenset(noun for event, noun in self.single if event)

    def keys_with(self, other: Found) -> list[Key]:
        """The keys both give; and where one gives a noun with an event and the other the same
        noun with none ("winning 146 seats in Sunday's vote" / "142 seats"), the event's key.
        Called for every close pair of a cluster: the common case (nothing shared) is two set
        intersections."""
        shared = self.keys & other.keys
        mine = self.event_nouns & other.bare_nouns
        theirs = other.event_nouns & self.bare_nouns
        if not (mine or theirs):
            return sorted(shared) if shared else []
        loose = {k for k in self.keys - other.keys if k[0] and k[1] in mine}
        loose |= {k for k in other.keys - self.keys if k[0] and k[1] in theirs}
        return sorted(shared | loose)


def _read(s: Sentence, roles: Mapping[str, str]) -> Found | None:
    found = [f for f in figures(s.text) if not RATE_RE.search(s.text[max(0, f.start - 20) : f.start])]
    frames = [
        fr
        for fr in (Frame(f, s.text, roles) for f in found)
        # A year is compared as a duration ("12 years in prison"), never as a date ("in 2023").
        if fr.figure.kind not in VAGUE
        or fr.figure.kind == "number"
        or fr.age is not None
        # ("six years ago", "two years later" are moments, not durations)
        or (fr.figure.kind == "year" and fr.figure.value < 200 and not _moment(fr))
    ]
    counts: dict[tuple[str, str], int] = {}
    keyed = [(fr.key, fr) for fr in frames]
    for key, _ in keyed:
        if key is not None:
            counts[key] = counts.get(key, 0) + 1
    # Only a sentence's single figure of a key is compared: "64 of the 122 seats" or "13 and 11
    # years" give several values for different things.
    single = {key: fr for key, fr in keyed if key is not None and counts[key] == 1}
    if not single:
        return None
    return Found(s, single, frozenset(f.value for f in figures(s.text)))


# "six years ago", "two years later": a moment in time, not how long something lasts.
MOMENT_RE = re.compile(r"^[\s-]*years?\s+(?:ago|earlier|later|before|after|since)\b", re.IGNORECASE)


def _moment(fr: Frame) -> bool:
    f = fr.figure
    return bool(MOMENT_RE.match(fr.text[f.start + len(f.shown) : f.start + len(f.shown) + 20]))


def hedged(f: Figure, text: str) -> str:
    """`display(f)`, with the hedge `text` gives it, kept in the claim ("more than 2,500
    soldiers", not "2,500 soldiers")."""
    words = hedge_words(text, f)
    return f"{words} {display(f)}" if words else display(f)


def display(f: Figure) -> str:
    """A figure as a claim shows it: "1,200 prisoners", "$5 million", "4 percent", "Nov. 19"."""
    if (
        f.kind in ("date", "percent", "year", "number")
        or not f.unit
        or f.shown.startswith(("$", "£", "€", "¥", "US$"))
    ):
        if f.kind == "year" and f.value < 200:  # a duration: "nine years"
            return f"{f.shown} {'year' if f.value == 1 else 'years'}"
        return f.shown
    return f"{f.shown} {f.unit}"


def values_disagree(a: Figure, b: Figure) -> bool:
    """Values of one kind that cannot both be true and are close enough to count one thing."""
    if a.compatible(b):
        return False
    low, high = sorted((abs(a.value), abs(b.value)))
    if a.kind == "date":
        return True
    return not (low <= 0 or high / low > (MAX_PERCENT_RATIO if a.kind == "percent" else MAX_RATIO))


def _relaxed(key: Key) -> bool:
    """Is `key` an event count specific enough to compare on its clauses' words alone? An event
    of people counts people ("rescued 19 miles off the coast" measures a distance); an event
    measured in time, a period ("a five-year contract", not the workers it covers)."""
    event, noun = key[0], key[1].split(":")[0]
    if event in PEOPLE_EVENTS and people_noun(noun) is None and noun != "people":
        return False
    if event in DURATION_EVENTS and noun not in TIMES:
        return False
    return event in RELAXED_EVENTS or event.startswith("money:")


def _sums_to(parts: frozenset[float], total: float) -> bool:
    """Two of a sentence's figures add up to `total` ("4.2 billion dollars and 1.3 billion of debt"
    / "about $5.5 billion including debt"; "all 109 aboard and four on the ground" / 113)."""
    return any(total - x in parts and total - x != x for x in parts if x < total)


def _link(
    a: Found,
    b: Found,
    key: Key,
    share: float,
    named: Sequence[frozenset[str]],
    strict: bool = False,
    sole: bool = False,
    loose: bool = False,
) -> bool:
    """Do `a` and `b` give disagreeing values for the same quantity `key`? `named` holds the
    names each article mentions anywhere; `strict` asks for sentences alike overall, whatever
    the event; `sole`: each article gives one value of `key` in all its sentences; `loose`: one
    side names the event, the other only the noun (with `strict` on, unless articles are weeks
    apart, so that `sole` may stand in for alike wording)."""
    fa, fb = a.frame(key), b.frame(key)
    va, vb = fa.figure.value, fb.figure.value
    if not values_disagree(fa.figure, fb.figure) or va in b.values or vb in a.values:
        return False
    if _sums_to(a.values, vb) or _sums_to(b.values, va):
        return False
    if qualifiers_clash(fa, fb) or groups_clash(fa, fb):
        return False
    # The figures' clauses, or the sentences, each name someone or somewhere that the other's
    # whole article never mentions: two things ("213 in Kenya" / "11 in Tanzania"; "The Lauda Air
    # crash killed all 223" / "The crash near Nantucket killed all 217").
    named_a, named_b = named[a.sentence.article], named[b.sentence.article]
    if names_clash(fa.names, fb.names, named_a, named_b) or names_clash(a.names, b.names, named_a, named_b):
        return False
    near = len(fa.window & fb.window) >= NEAR_WORDS
    if fa.past != fb.past:
        return False  # "since 2017, when 40,000 hectares burned": another year's figure
    if key[0] == "magnitude" and not strict and not (fa.past or fb.past or fa.of_year or fb.of_year):
        return True  # one quake's magnitude (an aftershock's is told apart by its qualifier)
    if "aboard" in fa.qualifiers and "aboard" in fb.qualifiers and fa.counts_people and not strict:
        return sole or share >= EVENT_ALIKE or shared_context(fa, fb) >= EVENT_NEAR
    if key[0] == "age":  # one person's age, named on both sides: the name is the evidence
        named_both = fa.age is not None and fb.age is not None and fa.age[1] and fb.age[1]
        return bool(named_both) or share >= EVENT_ALIKE or shared_context(fa, fb) >= EVENT_NEAR
    if key[0] in ("prison", "contract", "conviction") and not (a.names & b.names) and share < ALIKE:
        return False  # a trial sentences several people: the same person named, or alike overall
    if key[1] in TIMES and key[0] not in DURATION_EVENTS:
        return share >= ALIKE and near
    if loose and sole and _relaxed(key) and share >= EVENT_ALIKE:
        return True  # each article's one count of the noun, one of them naming the event
    if not strict and _relaxed(key):  # one event counted: wording matters less
        # Each article's one figure of the event ("cut 900 jobs" / "shed about 1,200 jobs"):
        # counting one thing, whatever the words around them.
        return sole or share >= EVENT_ALIKE or shared_context(fa, fb) >= EVENT_NEAR
    return share >= ALIKE or (share >= CLOSE and near)


Key = tuple[str, str]  # a frame's (event, noun class)
Node = tuple[int, Key]  # a sentence's frame of one key


class _Groups:
    """Union-find over (sentence, key) nodes."""

    def __init__(self) -> None:
        self.parent: dict[Node, Node] = {}

    def find(self, x: Node) -> Node:
        while self.parent.setdefault(x, x) != x:
            x = self.parent[x]
        return x

    def join(self, x: Node, y: Node) -> None:
        self.parent[self.find(x)] = self.find(y)

    def groups(self) -> list[tuple[Key, list[int]]]:
        out: dict[Node, list[int]] = {}
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
    # Sentences with a figure at all (cheap: figures are parsed once per sentence); on huge inputs
    # the ones that weigh most, before their frames are read.
    with_figures = []
    for s in flat:
        check(stop)
        if figures(s.text):
            with_figures.append(s)
    if len(with_figures) > MAX_POOL:
        kept = {id(s) for s in top_sentences(with_figures, salience.gain)}
        with_figures = [s for s in with_figures if id(s) in kept]
    # Roles read over the whole cluster: one article's "banker Rafael Moro" names another's
    # "57-year-old banker" (a role naming two people anywhere is no one's).
    # Whose age "the 57-year-old banker" is: read only where some sentence gives such an age.
    aged = any(f.kind == "age" for s in with_figures for f in figures(s.text))
    roles = roles_in([s.text for article in sentences for s in article]) if aged else {}
    read = []
    for s in with_figures:
        check(stop)
        if (found := _read(s, roles)) is not None:
            read.append(found)
    if len(read) < 2 or limit <= 0:
        return [], []
    # Shared content stems over the larger sentence's count (cluster-independent).
    share, _ = coverage([frozenset(f.sentence.stems) for f in read])
    articles = np.array([f.sentence.article for f in read])
    # Pairs from different articles sharing a key: alike enough overall, or of one event.
    event_keys = np.zeros((len(read), len(read)), dtype=bool)
    by_key: dict[Key, list[int]] = {}
    for k, f in enumerate(read):
        for key in f.single:
            if _relaxed(key):
                by_key.setdefault(key, []).append(k)
    for members in by_key.values():
        if len(members) > MAX_PER_KEY:  # a flood of look-alike counts: the weightiest only
            members = sorted(members, key=lambda k: -salience.gain(read[k].sentence))[:MAX_PER_KEY]
        event_keys[np.ix_(members, members)] = True
    close = np.triu(((share >= CLOSE) | event_keys) & (articles[:, None] != articles[None, :]), k=1)
    dates = [_date(f.sentence, published) for f in read]
    named = [frozenset().union(*(names_in(s.text) for s in article)) for article in sentences]
    # The values each article gives of each key, in all its sentences.
    told: list[dict[Key, set[float]]] = [{} for _ in sentences]
    for f in read:
        for key, fr in f.single.items():
            told[f.sentence.article].setdefault(key, set()).add(fr.figure.value)
    conflicting, updating = _Groups(), _Groups()
    disputed: set[tuple[Key, float, float]] = set()  # (key, value, value) seen in conflict
    for i, j in np.argwhere(close).tolist():
        check(stop)
        a, b = read[i], read[j]
        di, dj = dates[i], dates[j]
        # Articles weeks apart may count two moments of a story (or two stories): only sentences
        # alike overall are read as one quantity then.
        apart = di is not None and dj is not None and abs(di - dj) > SAME_STORY_DAYS
        for key in a.keys_with(b):
            # A noun with an event on one side only: read as one quantity only when alike overall.
            loose = key not in a.single or key not in b.single
            sole = all(len(told[f.sentence.article].get(f.own(key), ())) == 1 for f in (a, b))
            if not _link(
                a,
                b,
                key,
                float(share[i, j]),
                named,
                strict=apart or loose,
                sole=sole,
                loose=loose and not apart,
            ):
                continue
            if di is not None and dj is not None and _months_apart(a, b, key, di, dj):
                continue  # "84,000 jobs during the month" / "52,000 jobs in April": two months
            if di is None or dj is None:
                risen = _risen(a, b, key)
                if risen is not None:  # undated, one says the figure has grown: an update
                    updating.join((i, key), (j, key))
                    continue
            if di is not None and dj is not None and di != dj:
                earlier, later = (a, b) if di < dj else (b, a)
                grew = later.frame(key).figure.value > earlier.frame(key).figure.value
                past = any(f.frame(key).qualifiers.get("period") == "past" for f in (a, b))
                # Weeks apart, even a price or a prison term may have changed.
                fixed = not apart and (
                    past or key[0] in FIXED or key[0].startswith("money:") or key[1] in TIMES
                )
                running = (grew and not fixed) or (key[0] in EITHER_WAY and not past)
                now = grew and bool(NOW_RE.search(later.sentence.text))
                if running or now or REVISED_RE.search(later.sentence.text):
                    updating.join((i, key), (j, key))
                    continue
            conflicting.join((i, key), (j, key))
            disputed.add((key, read[i].frame(key).figure.value, read[j].frame(key).figure.value))
    conflicts: list[tuple[float, Conflict]] = []
    for key, members in conflicting.groups():
        for versions in _cliques(_versions(read, key, members), key, disputed):
            versions.sort(key=lambda v: (-len(v), v[0][0].article, v[0][0].index))
            claims = tuple(_claim(v, _newest(v, published), key) for v in versions)
            subject = _subject(key, versions)
            conflicts.append((_weight(versions, salience), Conflict(subject=subject, claims=claims)))
    updates: list[tuple[float, Update]] = []
    for key, members in updating.groups():
        versions = _versions(read, key, members)
        if len(versions) < 2:
            continue
        newest = [_newest(v, published) for v in versions]
        # Newest first; undated (an update read off "has now risen to"), the highest first.
        order = sorted(
            range(len(versions)), key=lambda v: (_stamp(newest[v]), versions[v][0][1].value), reverse=True
        )
        claims = tuple(_claim(versions[v], newest[v], key) for v in order)
        updates.append((_weight(versions, salience), Update(subject=_subject(key, versions), claims=claims)))
    conflicts.sort(key=lambda x: -x[0])
    updates.sort(key=lambda x: -x[0])
    return [c for _, c in conflicts[:limit]], [u for _, u in updates[:limit]]


def _months_apart(a: Found, b: Found, key: Key, di: float, dj: float) -> bool:
    """Figures given for a month, in articles dated in different months."""
    if not any(MONTHLY_RE.search(f.sentence.text) for f in (a, b)):
        return False
    ma, mb = (datetime.fromtimestamp(d * 86400, UTC) for d in (di, dj))
    return (ma.year, ma.month) != (mb.year, mb.month)


def _risen(a: Found, b: Found, key: Key) -> Found | None:
    """Of two undated sentences, the one saying its figure has grown to a value above the other's."""
    higher, lower = (a, b) if a.frame(key).figure.value > b.frame(key).figure.value else (b, a)
    said = RISEN_RE.search(higher.sentence.text) and not RISEN_RE.search(lower.sentence.text)
    return higher if said else None


Version = list[tuple[Sentence, Figure]]


def _versions(read: Sequence[Found], key: Key, members: Sequence[int]) -> list[Version]:
    by_value: dict[float, Version] = {}
    for k in members:
        f = read[k].frame(key).figure
        by_value.setdefault(f.value, []).append((read[k].sentence, f))
    return list(by_value.values())


def _cliques(
    versions: list[Version], kind: Key, disputed: set[tuple[Key, float, float]]
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


# How a conflict over people of an event is named when the figures name no one in particular.
EVENT_SUBJECTS = {
    "death": "deaths",
    "injury": "injured",
    "missing": "missing",
    "displaced": "displaced",
    "arrest": "arrests",
    "rescue": "rescued",
    "illness": "cases",
    "release": "released",
}


def _subject(key: Key, versions: Sequence[Version]) -> str:
    """What the versions count: the counted word as written ("prisoners", "seconds"), or for
    people in general of an event, the event ("deaths", "injured")."""
    event, noun = key
    if event in BARE:
        return event  # "magnitude", "age"
    units = [f.unit for v in versions for _, f in v]
    specific = [u for u in units if u not in ("number", "people", "persons", "others", "other")]
    if specific:
        return specific[0]
    if noun == "people" and event in EVENT_SUBJECTS:
        return EVENT_SUBJECTS[event]
    return units[0] if units[0] != "number" else noun


def _weight(versions: Sequence[Version], salience: Salience) -> float:
    return sum(salience.gain(s) for v in versions for s, _ in v)


# Events whose figures show bare: a magnitude of 6.2, an age of 61 (not "6.2 earthquake").
BARE = frozenset({"magnitude", "age"})


def _claim(items: Version, published: datetime | None, key: Key) -> Claim:
    s, f = items[0]
    return Claim(
        value=f.shown if key[0] in BARE else hedged(f, s.text),
        text=s.text,
        sources=tuple(source_ref(s) for s, _ in items),
        published=published,
    )


def _date(s: Sentence, published: Sequence[datetime | None]) -> float | None:
    """The day the sentence's article was published (days since the epoch, UTC), if dated. Two
    reports of one day that differ disagree: a toll is not updated between morning and evening
    wires, it is disputed."""
    d = published[s.article] if s.article < len(published) else None
    return float(math.floor(_stamp(d) / 86400)) if d is not None else None


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
