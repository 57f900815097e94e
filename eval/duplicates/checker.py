"""Do two key facts of one answer say the same thing? The harness's own check, pair by pair.

Nothing here comes from the service: the tokens, the stop words and the stemmer (the ROUGE
perl's Porter, `eval.rouge.porter`) are the harness's, so the check cannot agree with the
service's own same-fact rules by construction.

A fact's *content* is the set of its stemmed words that are not stop words, plus its figures
(numbers as written, commas dropped: "1,200" and "1200" agree; "4.1" stays "4.1"). Two facts are
flagged as a near-duplicate pair (`judge_pair`) when the Jaccard of their contents is

- at least `JACCARD` (0.5): **overlap**, most of what either says is in the other; or
- at least `BAND` (0.3) and either **figure**: they share a figure that is not a year (1800-2099),
  or **contained**: at least `CONTAINMENT` (0.75) of the smaller content is in the other (one
  fact restates the other and adds to it).

Figures are content items like words, so two facts worded alike about different numbers
("unemployment fell to 4.1%" / "unemployment fell to 3.9%") lose overlap on each figure.

How the thresholds were chosen: every pair of key facts in the embedded engine's answers to DUC
2004 task 2 and DUC 2006 (10 facts asked, commit 2d77797: 100 answers, 4,500 pairs) was scored,
and the roughly 150 pairs with Jaccard >= 0.25 or containment >= 0.6 were read. No pair reached
0.5 (the top was 0.455): at that commit the engine never restates a fact nearly word for word,
and 0.5 is kept for the copies it would make if it did. Between 0.3 and 0.45 about half the pairs
were the same fact told twice ("Jack Straw unveiled new curbs ... murder of Stephen Lawrence" /
"... promised new measures ...") and half two facts on one subject worded alike ("Zoloft treats
depression, obsessive-compulsive disorder" / "Luvox is used to treat obsessive-compulsive disorder
and depression"; "Mongolia and Japan established diplomatic relations in 1972" / "The United
States and Mongolia ... in 1987"): bags of words cannot part them, so in that band the checker
asks for more. A shared figure (8 of the 10 such pairs were duplicates: "the 99 deputies" / "99
votes"; dates count: "fired on Sept. 2" / "sacked on Sept. 2") or one fact held in the other (2 of
3) was that more; below 0.3 shared figures were mostly two facts about one event (the same crash
date, the same death toll). Years are no shared figure: two facts "in 1998" share a year, not a
fact. Duplicates the checker misses are those reworded past 0.3 or past the band without a figure
(Jaccard 0.39: "Pinochet was placed under arrest in London by British police acting on a warrant
issued by a Spanish judge" / "British police, acting on an international arrest warrant from
Spanish judge Baltasar Garzon, detained the ailing general"). The hand check of 20 answers
(docs/duplicates.md, eval/labels/duplicate_handcheck.jsonl; drawn by seed, read after the
thresholds were set) measures it against a reader: precision 5 of 7 flagged pairs, recall 5 of 32
judged duplicates. The checker is strict: its counts are a floor on the duplicates, not an estimate.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import combinations

from eval.facts import FUNCTION_WORDS
from eval.rouge.porter import porter_stem

JACCARD = 0.5
BAND = 0.3
CONTAINMENT = 0.75

# Lower-case words and numbers; a number keeps its inner separators ("1,200", "4.1").
TOKEN = re.compile(r"\d+(?:[.,]\d+)*|[a-z]+(?:'[a-z]+)*")
YEAR = re.compile(r"(1[89]|20)\d\d")
# Words that carry no fact of their own: function words, auxiliaries, and the verbs of reporting
# every news sentence has ("said", "according").
STOP_WORDS = FUNCTION_WORDS | frozenset(
    """is are was were be been being am has have had having do does did done will would shall should
    can could may might must also just only very more most much many some any all each both other
    such own same so too than then there their them they its it's one ones s t about against
    between through under again further once here why how whom whose because however
    said says say saying told tell according reported report reports announced added
    mr mrs ms dr new""".split()
)


def tokens(text: str) -> list[str]:
    """Lower-case word and number tokens; apostrophe-s dropped ("Clinton's" -> "clinton")."""
    out = []
    for t in TOKEN.findall(text.lower()):
        if t.endswith("'s"):
            t = t[:-2]
        out.append(t)
    return out


@lru_cache(maxsize=100_000)
def _stem(word: str) -> str:
    return porter_stem(word)


def is_figure(token: str) -> bool:
    return token[0].isdigit()


def content(text: str) -> frozenset[str]:
    """Stemmed non-stop words and figures (commas dropped) of a fact."""
    items = set()
    for t in tokens(text):
        if is_figure(t):
            items.add(t.replace(",", ""))
        elif t not in STOP_WORDS and len(t) > 1:
            items.add(_stem(t))
    return frozenset(items)


@dataclass(frozen=True)
class PairScore:
    """How much two facts' contents overlap, and whether the checker flags the pair (`why`)."""

    jaccard: float
    containment: float  # the share of the smaller content found in the other
    shared_figures: tuple[str, ...]  # shared figures other than years, sorted
    why: tuple[str, ...]  # the rules that fired: "overlap", "contained", "figure"; empty: not flagged

    @property
    def flagged(self) -> bool:
        return bool(self.why)


def judge_pair(a: str, b: str) -> PairScore:
    """Score two facts' texts and apply the rules of the module docstring."""
    ca, cb = content(a), content(b)
    shared = ca & cb
    union = ca | cb
    jaccard = len(shared) / len(union) if union else 0.0
    smaller = min(len(ca), len(cb))
    containment = len(shared) / smaller if smaller else 0.0
    figures = tuple(sorted(t for t in shared if is_figure(t) and not YEAR.fullmatch(t)))
    why = []
    if jaccard >= JACCARD:
        why.append("overlap")
    elif jaccard >= BAND:
        if figures:
            why.append("figure")
        if containment >= CONTAINMENT:
            why.append("contained")
    return PairScore(jaccard=jaccard, containment=containment, shared_figures=figures, why=tuple(why))


def score_answer(texts: Sequence[str]) -> list[tuple[int, int, PairScore]]:
    """Every pair (i < j) of one answer's facts, with its score."""
    return [(i, j, judge_pair(texts[i], texts[j])) for i, j in combinations(range(len(texts)), 2)]


def flagged_pairs(texts: Sequence[str]) -> list[tuple[int, int, PairScore]]:
    """The pairs of one answer's facts the checker flags, (i, j) ascending."""
    return [(i, j, s) for i, j, s in score_answer(texts) if s.flagged]
