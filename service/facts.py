"""Key facts: extractive selection of fact-bearing sentences, and grounding of generated fact items.

A key fact always carries the sentences that back it; `support` is how many articles report it.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from service.engines.base import Claim, Conflict, KeyFact, SourceRef
from service.salience import Salience
from service.text import STOPWORDS, Sentence, content_stems, split_sentences, stem, tfidf_matrix, words

NUMBER_RE = re.compile(r"(?<![\w.,])\d+(?:[.,]\d+)*")
MONTHS = frozenset(
    "january february march april may june july august september october november december "
    "jan feb mar apr jun jul aug sep sept oct nov dec".split()
)
WEEKDAYS = frozenset("monday tuesday wednesday thursday friday saturday sunday".split())
QUOTE_RE = re.compile(r"[\"“”]|``|''")
BULLET_RE = re.compile(r"^\s*(?:[-*•·]+|\d+[.)]|\(\d+\))\s*")

# Cosine similarity (tf-idf over content stems) at which two sentences report the same fact ...
SAME_FACT = 0.5
# ... or a lower one, when both give the same figure (paraphrases keep their numbers).
SAME_FACT_WITH_NUMBER = 0.2
# Minimum similarity between a generated item and a source sentence for that sentence to back it.
SUPPORTS = 0.3


def numbers(text: str) -> set[str]:
    """Numbers as written, commas dropped so "1,200" and "1200" agree."""
    return {n.replace(",", "").rstrip(".") for n in NUMBER_RE.findall(text)}


def proper_names(text: str) -> set[str]:
    """Capitalised words that are not sentence-initial function words ("The", "But")."""
    names = set()
    for i, w in enumerate(words(text)):
        if w[0].isupper() and w.lower() not in STOPWORDS and not (i == 0 and w.lower() in MONTHS):
            names.add(w)
    return names


@dataclass(frozen=True)
class FactFeatures:
    numbers: int
    dates: int
    names: int
    quote: bool

    @property
    def kinds(self) -> int:
        return (self.numbers > 0) + (self.dates > 0) + (self.names > 0) + self.quote


def features(sentence: Sentence) -> FactFeatures:
    lowered = [w.lower() for w in words(sentence.text)]
    return FactFeatures(
        numbers=len(numbers(sentence.text)),
        dates=sum(w in MONTHS or w in WEEKDAYS for w in lowered),
        names=len(proper_names(sentence.text)),
        quote=bool(QUOTE_RE.search(sentence.text)),
    )


def _ref(s: Sentence) -> SourceRef:
    return SourceRef(article=s.article, sentence=s.index, start=s.start, end=s.end)


def anchor_numbers(text: str) -> set[str]:
    """Numbers specific enough to identify a fact: not single digits ("2 people", "1 of them")."""
    return {n for n in numbers(text) if len(n) > 1}


def same_fact_matrix(sentences: Sequence[Sentence]) -> np.ndarray:
    """Pairwise "reports the same fact" scores: the cosine, raised to SAME_FACT for a shared figure."""
    matrix = tfidf_matrix([s.stems for s in sentences])
    sims = matrix @ matrix.T
    ids: dict[str, int] = {}
    rows = [[ids.setdefault(n, len(ids)) for n in anchor_numbers(s.text)] for s in sentences]
    if ids:
        incidence = np.zeros((len(sentences), len(ids)), dtype=np.float32)
        for r, cols in enumerate(rows):
            incidence[r, cols] = 1.0
        shared = (incidence @ incidence.T) > 0
        sims = np.where(shared & (sims >= SAME_FACT_WITH_NUMBER), np.maximum(sims, SAME_FACT), sims)
    return sims


def _best_per_article(sims: np.ndarray, flat: Sequence[Sentence], threshold: float) -> list[Sentence]:
    """The most similar sentence of each article at or above `threshold`, most similar first."""
    best: dict[int, tuple[float, Sentence]] = {}
    for j in np.flatnonzero(sims >= threshold):
        s = flat[int(j)]
        if s.article not in best or sims[j] > best[s.article][0]:
            best[s.article] = (float(sims[j]), s)
    return [s for _, s in sorted(best.values(), key=lambda x: (-x[0], x[1].article))]


def select_facts(
    sentences: Sequence[Sequence[Sentence]],
    salience: Salience,
    limit: int,
    exclude: frozenset[tuple[int, int]] = frozenset(),
) -> list[KeyFact]:
    """The most salient concrete sentences (numbers, dates, names, quotes), one per fact.

    Sentences reporting the same fact in different articles become one fact with several sources;
    facts reported by more articles rank first. `exclude` holds (article, sentence) pairs that must
    not be picked, such as the sentences of a conflict, where no version should win.
    """
    if limit <= 0:
        return []
    flat = [s for article in sentences for s in article]
    if not flat:
        return []
    sims = same_fact_matrix(flat)
    scored: list[tuple[int, float, int]] = []  # (support, score, flat index)
    for i, s in enumerate(flat):
        if not s.complete or not 6 <= s.n_words <= 60 or (s.article, s.index) in exclude:
            continue
        f = features(s)
        if f.kinds == 0:
            continue
        score = salience.gain(s) / np.sqrt(s.n_words) * (1.0 + 0.25 * f.kinds)
        support = len({flat[j].article for j in np.flatnonzero(sims[i] >= SAME_FACT)})
        scored.append((support, score, i))
    scored.sort(key=lambda x: (-x[0], -x[1], x[2]))
    facts: list[KeyFact] = []
    taken = np.zeros(len(flat), dtype=bool)
    for _, _, i in scored:
        if taken[i]:
            continue
        own = flat[i]
        others = [s for s in _best_per_article(sims[i], flat, SAME_FACT) if s.article != own.article]
        backing = [own, *others]
        # Everything saying the same thing is now used up, so no fact is listed twice.
        taken |= sims[i] >= SAME_FACT
        facts.append(KeyFact(text=flat[i].text, sources=tuple(_ref(s) for s in backing)))
        if len(facts) == limit:
            break
    return facts


def split_items(generated: str) -> list[str]:
    """Split model output into fact items: one per line/bullet, or per sentence for running text."""
    lines = [BULLET_RE.sub("", line).strip() for line in generated.splitlines()]
    lines = [line for line in lines if line]
    items: list[str] = []
    for line in lines:
        items.extend(line[a:b].strip() for a, b in split_sentences(line))
    return [i for i in items if len(words(i)) >= 2]


def ground_items(
    items: Sequence[str], sentences: Sequence[Sequence[Sentence]], texts: Sequence[str], limit: int
) -> tuple[list[KeyFact], Counter[str]]:
    """Keep the generated items the articles back; count the dropped ones by reason.

    An item is dropped when it has a number or proper name that no article contains, when no
    source sentence is similar enough to back it, or when it repeats a kept item.
    """
    dropped: Counter[str] = Counter()
    flat = [s for article in sentences for s in article]
    known_numbers = set().union(*(numbers(t) for t in texts)) if texts else set()
    known_words = {w for t in texts for w in words(t)}
    known_lower = {w.lower() for w in known_words}
    item_stems = [content_stems(i) for i in items]
    matrix = tfidf_matrix([*(s.stems for s in flat), *item_stems])
    sent_m, item_m = matrix[: len(flat)], matrix[len(flat) :]
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
        if any(float(item_m[k] @ item_m[j]) >= 0.8 for j in kept):
            dropped["duplicate"] += 1
            continue
        backing = _best_per_article(sims, flat, SUPPORTS)
        facts.append(KeyFact(text=item, sources=tuple(_ref(s) for s in backing)))
        kept.append(k)
    if len(facts) > limit:
        dropped["over_limit"] += len(facts) - limit
        facts = facts[:limit]
    return facts, dropped


# A figure: a number with the word it counts ("1,200 prisoners", "$5 million", "4 percent"), or a
# day of a month ("Nov. 19"). Two articles disagree when they give the same kind of figure in
# sentences about the same thing (CONFLICT_CONTEXT) with different values.
FIGURE_RE = re.compile(
    r"(?<![\w.,])(?P<num>\d+(?:[.,]\d+)*)(?:\s+(?P<scale>million|billion|thousand|hundred))?"
    r"(?:\s+(?P<unit>[A-Za-z][A-Za-z-]+))?"
)
DATE_RE = re.compile(
    r"\b(?P<month>Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sept?|Oct|Nov|Dec|January|February|March|April|June|"
    r"July|August|September|October|November|December)\.?\s+(?P<day>\d{1,2})\b"
)
CONFLICT_CONTEXT = 0.45


YEAR_RE = re.compile(r"^(1[89]|20)\d\d$")


@dataclass(frozen=True)
class Figure:
    subject: str  # what is counted: the unit's stem, "date" (a day) or "year" (a calendar year)
    value: str  # comparable value: "1200", "5 million", "nov 19"
    shown: str  # as written
    unit: str  # the counted word as written, to name the conflict


def figures(text: str) -> list[Figure]:
    found = []
    dates = set()
    for m in DATE_RE.finditer(text):
        dates.add(m.start("day"))
        month = m.group("month")[:3].lower()
        found.append(Figure("date", f"{month} {int(m.group('day'))}", m.group(0), "date"))
    for m in FIGURE_RE.finditer(text):
        if m.start("num") in dates:
            continue
        value = m.group("num").replace(",", "")
        unit = (m.group("unit") or "").lower()
        if YEAR_RE.match(value) and not m.group("scale"):
            found.append(Figure("year", value, m.group("num"), "year"))
            continue
        if not unit or unit in STOPWORDS or unit in MONTHS:
            continue
        if m.group("scale"):
            value += " " + m.group("scale")
        found.append(Figure(stem(unit), value, m.group(0), unit))
    return found


def _single_figures(found: Sequence[Figure]) -> dict[str, str]:
    counts = Counter(f.subject for f in found)
    return {f.subject: f.value for f in found if counts[f.subject] == 1}


def find_conflicts(sentences: Sequence[Sequence[Sentence]], salience: Salience, limit: int) -> list[Conflict]:
    """Figures that differ between articles for the same thing, each version with its sources."""
    flat = [s for article in sentences for s in article if s.complete]
    with_figures = [(s, figures(s.text)) for s in flat]
    with_figures = [(s, f) for s, f in with_figures if f]
    if len(with_figures) < 2:
        return []
    matrix = tfidf_matrix([s.stems for s, _ in with_figures])
    sims = matrix @ matrix.T
    names = [{n for n in proper_names(s.text) if n.lower() not in MONTHS} for s, _ in with_figures]
    # Union-find over (sentence, subject) nodes joined by disagreeing, similar sentences.
    parent: dict[tuple[int, str], tuple[int, str]] = {}

    def find(x: tuple[int, str]) -> tuple[int, str]:
        while parent.setdefault(x, x) != x:
            x = parent[x]
        return x

    linked = set()
    for i, (si, fi) in enumerate(with_figures):
        for j in range(i + 1, len(with_figures)):
            sj, fj = with_figures[j]
            if si.article == sj.article or sims[i, j] < CONFLICT_CONTEXT:
                continue
            # Each naming someone or somewhere the other does not ("213 in Kenya" against "11 in
            # Tanzania"): likely two things, not two accounts of one.
            if names[i] - names[j] and names[j] - names[i]:
                continue
            # Only a sentence's single figure of a kind is compared: "64 of the 122 seats" or
            # "13 and 11 years" give several values for different things.
            single_i = _single_figures(fi)
            for subject, value in _single_figures(fj).items():
                if subject in single_i and single_i[subject] != value:
                    parent[find((i, subject))] = find((j, subject))
                    linked.update({(i, subject), (j, subject)})
    groups: dict[tuple[int, str], list[int]] = {}
    for node in linked:
        groups.setdefault(find(node), []).append(node[0])
    conflicts: list[tuple[float, Conflict]] = []
    for (_, subject), members in groups.items():
        by_value: dict[str, list[tuple[Sentence, str]]] = {}
        unit = subject
        for k in sorted(set(members)):
            s, figs = with_figures[k]
            for f in figs:
                if f.subject == subject:
                    by_value.setdefault(f.value, []).append((s, f.shown))
                    unit = f.unit
        if len(by_value) < 2:
            continue
        claims = tuple(
            Claim(value=items[0][1], text=items[0][0].text, sources=tuple(_ref(s) for s, _ in items))
            for items in sorted(by_value.values(), key=lambda v: (-len(v), v[0][0].article, v[0][0].index))
        )
        weight = sum(salience.gain(with_figures[k][0]) for k in set(members))
        conflicts.append((weight, Conflict(subject=unit, claims=claims)))
    conflicts.sort(key=lambda x: -x[0])
    return [c for _, c in conflicts[:limit]]


def conflict_sentences(conflicts: Sequence[Conflict]) -> frozenset[tuple[int, int]]:
    return frozenset((s.article, s.sentence) for c in conflicts for claim in c.claims for s in claim.sources)
