"""Conflicts: figures that differ between articles for the same thing, every version kept."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from service.domain import Claim, Conflict
from service.facts.features import MONTHS, proper_names, source_ref
from service.nlp.salience import MAX_POOL, Salience, top_sentences
from service.nlp.sentences import Sentence
from service.nlp.similarity import tfidf_matrix
from service.nlp.words import STOPWORDS, stem

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
    if len(with_figures) > MAX_POOL:  # huge inputs: the sentences that weigh most
        kept = {id(s) for s in top_sentences([s for s, _ in with_figures], salience.gain)}
        with_figures = [(s, f) for s, f in with_figures if id(s) in kept]
    if len(with_figures) < 2:
        return []
    matrix = tfidf_matrix([s.stems for s, _ in with_figures])
    sims = matrix @ matrix.T
    articles = np.array([s.article for s, _ in with_figures])
    # Candidate pairs, in row-major order: similar sentences of different articles.
    close = np.triu((sims >= CONFLICT_CONTEXT) & (articles[:, None] != articles[None, :]), k=1)
    names = [{n for n in proper_names(s.text) if n.lower() not in MONTHS} for s, _ in with_figures]
    single = [_single_figures(f) for _, f in with_figures]
    # Union-find over (sentence, subject) nodes joined by disagreeing, similar sentences.
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
        # Only a sentence's single figure of a kind is compared: "64 of the 122 seats" or
        # "13 and 11 years" give several values for different things.
        for subject, value in single[j].items():
            if subject in single[i] and single[i][subject] != value:
                parent[find((i, subject))] = find((j, subject))
                linked.update({(i, subject), (j, subject)})
    groups: dict[tuple[int, str], list[int]] = {}
    for node in sorted(linked):  # sorted: the order of equal-weight conflicts must not hang on hashing
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
            Claim(value=items[0][1], text=items[0][0].text, sources=tuple(source_ref(s) for s, _ in items))
            for items in sorted(by_value.values(), key=lambda v: (-len(v), v[0][0].article, v[0][0].index))
        )
        weight = sum(salience.gain(with_figures[k][0]) for k in set(members))
        conflicts.append((weight, Conflict(subject=unit, claims=claims)))
    conflicts.sort(key=lambda x: -x[0])
    return [c for _, c in conflicts[:limit]]


def conflict_sentences(conflicts: Sequence[Conflict]) -> frozenset[tuple[int, int]]:
    return frozenset((s.article, s.sentence) for c in conflicts for claim in c.claims for s in claim.sources)
