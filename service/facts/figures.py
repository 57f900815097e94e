"""Figures in a sentence, normalised so like can be compared with like.

News writes one number many ways: "150,000", "150, 000" (a wire's typesetting), "150000",
"1.2 million", "$1.2m", "twelve", "200,000-rand". Each figure found here has a *kind* (what it
counts or measures: the counted noun in the singular, a currency, "percent", "date", "year", or "number"
when nothing says), a numeric value, and a *bound* when the text hedges it ("at least 300",
"nearly 300", "about 300"): two hedged figures can differ without disagreeing.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

from service.nlp.words import CACHED_CHARS, CACHED_ITEMS, STOPWORDS, stem

Bound = Literal["exact", "min", "max", "about"]

_UNITS = {
    "ones": 1,
    "dozen": 12,
    "hundred": 100,
    "thousand": 1e3,
    "million": 1e6,
    "billion": 1e9,
    "trillion": 1e12,
}
_SCALE_RE = r"hundred|thousand|million|billion|trillion|mln|bln|bn"
# Abbreviated scales, written right after the number ("$1.2m", "5bn").
_SCALES = {"mln": 1e6, "m": 1e6, "bln": 1e9, "bn": 1e9}
_SMALL = (
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen "
    "sixteen seventeen eighteen nineteen"
).split()
_TENS = "twenty thirty forty fifty sixty seventy eighty ninety".split()
WORD_NUMBERS: dict[str, int] = {w: i for i, w in enumerate(_SMALL)}
WORD_NUMBERS.update({w: 20 + 10 * i for i, w in enumerate(_TENS)})
_WORD_NUM = "|".join(sorted(WORD_NUMBERS, key=len, reverse=True))

_CURRENCY_SIGNS = {"$": "usd", "us$": "usd", "£": "gbp", "€": "eur", "¥": "jpy"}
_CURRENCY_WORDS = {
    "dollar": "usd",
    "usd": "usd",
    "pound": "gbp",
    "sterl": "gbp",
    "euro": "eur",
    "yen": "jpy",
    "yuan": "cny",
    "renminbi": "cny",
    "rand": "zar",
    "rupe": "inr",
    "peso": "peso",
    "ruble": "rub",
    "roubl": "rub",
    "franc": "franc",
    "mark": "dem",
    "lira": "lira",
}
_PERCENT_WORDS = {"percent", "per cent", "pct", "%", "percentag"}
# Words between a number and what it counts that say nothing about what is counted.
_MODIFIERS = frozenset(
    "more other additional extra new former further fewer less least young old small large big "
    "major minor total estimated confirmed reported known registered".split()
)
_HEDGES: dict[str, Bound] = {
    "at least": "min",
    "more than": "min",
    "over": "min",
    "upward of": "min",
    "upwards of": "min",
    "nearly": "max",
    "almost": "max",
    "up to": "max",
    "less than": "max",
    "fewer than": "max",
    "under": "max",
    "about": "about",
    "around": "about",
    "some": "about",
    "approximately": "about",
    "roughly": "about",
    "an estimated": "about",
    "estimated": "about",
    "close to": "about",
}
_HEDGE_RE = re.compile(r"(?:" + "|".join(sorted(_HEDGES, key=len, reverse=True)) + r")\s+$", re.IGNORECASE)
_MONTHS = {
    m[:3]: i + 1
    for i, m in enumerate(
        "january february march april may june july august september october november december".split()
    )
}
_MONTH_RE = (
    r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)\.?|January|February|March|April|June|"
    r"July|August|September|October|November|December"
)
# (What a date starts with, looked ahead for first: `re` then skips other positions at once.)
DATE_RE = re.compile(
    rf"(?=[JFMASOND\d])\b(?:(?P<month>{_MONTH_RE})\s+(?P<day>\d{{1,2}})(?!\d|,\d)|(?P<day2>\d{{1,2}})\s+(?P<month2>{_MONTH_RE}))\b"
)
# A number as written: digits with thousands separators (a wire's "150, 000" included), decimals,
# or number words ("twelve", "twenty-one"); a currency sign before it, a scale word after. Its
# letters are all lowercase (read case-insensitively), for `_LOWERED_NUMBER_RE`.
_NUMBER = (
    rf"(?P<sign>us\$|[$£€¥])?\s?"
    rf"(?<![\w.,])(?:(?P<digits>\d{{1,3}}(?:,\s?\d{{3}})+(?!\d)|\d+(?:\.\d+)?)|(?P<word>(?:{_WORD_NUM})(?:-(?:{_WORD_NUM}))?)\b)"
    rf"(?:\s(?P<scale>{_SCALE_RE})\b|(?P<abbr>m|bn|mln|bln)\b)?"
    rf"(?:(?P<pct>\s?%|\s(?:percent|per cent|pct)\b))?"
)
NUMBER_RE = re.compile(_NUMBER, re.IGNORECASE)
# NUMBER_RE for lowered ASCII text: lowering moves no ASCII character and re.IGNORECASE on ASCII
# is plain ASCII case, so the matches are NUMBER_RE's on the text as written, at the same
# offsets. A case-sensitive pattern finds them in about half the time, and looking ahead for
# what a match starts with (a sign, a space, a digit, a number word) lets `re` skip other places.
_NUMBER_STARTS = "".join(sorted({w[0] for w in WORD_NUMBERS}))
_LOWERED_NUMBER_RE = re.compile(rf"(?=[us$£€¥\s\d{_NUMBER_STARTS}]){_NUMBER}")
_NEXT_WORDS_RE = re.compile(r"[-\s]*((?:[A-Za-z][A-Za-z'.]*)(?:\s+[A-Za-z][A-Za-z'.]*){0,2})")
YEAR_RE = re.compile(r"^(?:1[89]|20)\d\d$")
CONVERSION_RE = re.compile(r"\d[\w.,%-]*(?:\s+[A-Za-z.-]+){0,2}\s*\(\s*[$£€¥]?\s*$")
TIME_OR_RATIO_RE = re.compile(r"[:/.]\d")
AGE_RE = re.compile(r"[-\s]years?[-\s]old\b", re.IGNORECASE)
_DIGIT_RE = re.compile(r"\d")
# The parts of the words of lowered ASCII text with no digit (`service.nlp.words.WORD_RE` joins
# them with "'", ".", "&" and "-": "twenty-one", "o'clock"): its runs of letters.
_LETTERS_RE = re.compile(r"[a-z]+")


# How far a round figure may be from one that rounds to it (a share of the round one).
ROUND_SHARE = 0.10


@dataclass(frozen=True)
class Figure:
    kind: str  # what is counted: a noun, singular; a currency code; "percent", "date", "year", "number"
    value: float  # normalised: "1.2 million" -> 1200000; a date is month * 100 + day
    shown: str  # as written
    unit: str  # the counted word as written ("prisoners"), or the kind, to name a conflict
    bound: Bound = "exact"
    start: int = 0

    def compatible(self, other: Figure) -> bool:
        """Could both be true of one quantity? Equal values; a round or approximate figure and one
        that rounds to it ("about 300" / 312, "140 million" / 142 million); a bound and a value
        inside it up to the bound's last digit ("more than 200" / 213, "nearly 250" / 240).
        Two different hedged figures are two claims ("about 56" / "about 50")."""
        if self.value == other.value:
            return True
        for a, b in ((self, other), (other, self)):
            # ("less than four hours" / "about 3 hours, 50 minutes": the about-figure is inside.)
            inside = b.bound in ("exact", "about")
            if a.bound == "min" and inside and a.value <= b.value < a.value + place(a.value):
                return True
            if a.bound == "max" and inside and 0 <= a.value - b.value <= place(a.value):
                return True
            # A figure given as about or round covers one that rounds to it; of two hedged ones,
            # only the coarser can cover the finer.
            if (
                a.bound in ("about", "exact")
                and b.bound in ("about", "exact")
                and rounds_to(b.value, a.value, hedged=a.bound == "about")
                and (b.bound == "exact" or place(a.value) > place(b.value))
            ):
                return True
        return False


def place(value: float) -> float:
    """The place value of a figure's last non-zero digit: 300 -> 100, 312 -> 1, 2.7 -> 0.1."""
    if value == 0:
        return 1.0
    value = abs(value)
    if value != int(value):
        decimals = len(f"{value:.6f}".rstrip("0").split(".")[1])
        return 10.0**-decimals
    unit = 1.0
    while value % (unit * 10) == 0:
        unit *= 10
    return unit


def rounds_to(value: float, rounded: float, hedged: bool = False) -> bool:
    """`value` rounds to `rounded` at `rounded`'s last non-zero digit, within ROUND_SHARE of it.
    A bare whole figure with no zeros to round away ("247", "4") covers only itself and its
    decimals; "about 3" covers 2.7."""
    unit = place(rounded)
    if not hedged and unit < 10 and value == int(value):
        return False
    if abs(value - rounded) > ROUND_SHARE * abs(rounded):
        return False
    return math.floor(value / unit + 0.5) * unit == rounded


def _number_value(m: re.Match[str]) -> float | None:
    if m.group("digits"):
        raw = re.sub(r",\s?", "", m.group("digits"))
        value = float(raw)
    else:
        parts = m.group("word").lower().split("-")
        if not all(p in WORD_NUMBERS for p in parts):
            return None  # matched only through Unicode case folding ("SİX", "ſix"): no number word
        if len(parts) == 2 and (parts[0] not in _TENS or WORD_NUMBERS[parts[1]] >= 10):
            return None
        value = float(sum(WORD_NUMBERS[p] for p in parts))
    scale = (m.group("scale") or m.group("abbr") or "").lower()
    if scale:
        value *= _UNITS.get(scale, _SCALES.get(scale, 1))
    return value


def _counted(after: str) -> tuple[str, str]:
    """The kind and word of what a number counts, from the text right after it."""
    m = _NEXT_WORDS_RE.match(after)
    if not m:
        return "number", ""
    for word in m.group(1).split():
        lowered = word.lower().rstrip(".")
        if lowered in _MODIFIERS or (word[:1].isupper() and lowered not in _CURRENCY_WORDS):
            continue  # "1,200 more prisoners", "1,200 Russian prisoners"
        if lowered in STOPWORDS or lowered in _MONTHS:
            return "number", ""
        s = stem(lowered)
        if s in _CURRENCY_WORDS:
            return _CURRENCY_WORDS[s], lowered
        if s in _PERCENT_WORDS:
            return "percent", lowered
        return singular(lowered), lowered
    return "number", ""


def singular(word: str) -> str:
    """A counted noun without its plural ending: "prisoners" -> "prisoner", "casualties" ->
    "casualty". Lighter than a stemmer on purpose: "spacewalkers" are not "spacewalks"."""
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith(("ches", "shes", "sses", "xes")):
        return word[:-2]
    if word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def figures(text: str) -> list[Figure]:
    """Every figure of `text`, in order of appearance."""
    return list(_cached(text) if len(text) <= CACHED_CHARS else _figures(text))


# Conflicts, the merge score and fact features all read a sentence's figures: parsed once (only
# sentence-sized texts are kept, as `words` keeps them).
@lru_cache(maxsize=CACHED_ITEMS)
def _cached(text: str) -> tuple[Figure, ...]:
    return _figures(text)


def _may_hold(text: str) -> bool:
    """False only where `text` surely holds no figure: ASCII (so `re.IGNORECASE` can match a number
    word only in its plain letters), no digit, and no number word among its words' parts. Three
    sentences in four have no digit, and scanning them with NUMBER_RE was most of its cost."""
    if not text.isascii() or _DIGIT_RE.search(text):
        return True
    return not WORD_NUMBERS.keys().isdisjoint(_LETTERS_RE.findall(text.lower()))


def _figures(text: str) -> tuple[Figure, ...]:
    if not _may_hold(text):
        return ()
    found: list[Figure] = []
    taken: list[tuple[int, int]] = []
    for m in DATE_RE.finditer(text):
        month = (m.group("month") or m.group("month2")).rstrip(".")[:3].lower()
        day = int(m.group("day") or m.group("day2"))
        if 1 <= day <= 31:
            found.append(
                Figure("date", float(_MONTHS[month] * 100 + day), m.group(0), "date", start=m.start())
            )
            taken.append(m.span())
    # The groups are read in lower case below; what is shown is read from `text` itself.
    scan = _LOWERED_NUMBER_RE.finditer(text.lower()) if text.isascii() else NUMBER_RE.finditer(text)
    for m in scan:
        start = m.start("digits") if m.group("digits") else m.start("word")
        if any(a <= start < b for a, b in taken):
            continue
        value = _number_value(m)
        if value is None:
            continue
        if (
            m.group("word")
            and m.group("word").lower() in ("one", "zero")
            and not (m.group("scale") or m.group("abbr"))
        ):
            continue  # "one of them": a pronoun more often than a count
        end = m.end()
        if (
            text[end : end + 1].isalnum()
            or TIME_OR_RATIO_RE.match(text, end)
            or (start > 0 and text[start - 1] in "-/:")
        ):
            continue  # "19th", "6-year", "10:30", "3/4": not a count
        if CONVERSION_RE.search(text[max(0, start - 25) : start]):
            continue  # "8 mph (13 kph)": the same figure in other units
        bound = _hedge(text[:start] if not m.group("sign") else text[: m.start()])
        shown = text[m.start() : m.end()].strip()
        if m.group("pct"):
            kind, unit = "percent", "percent"
        elif m.group("sign") and m.group("sign").lower() in _CURRENCY_SIGNS:  # not "Uſ$" (case folding)
            kind = _CURRENCY_SIGNS[m.group("sign").lower()]
            unit = kind
        elif (
            m.group("digits")
            and YEAR_RE.match(m.group("digits"))
            and not (m.group("scale") or m.group("abbr"))
        ):
            kind, unit = "year", "year"  # "in 1988 amid a rebellion": a year, whatever follows
        elif AGE_RE.match(text, end):
            kind, unit = "age", "years old"
        else:
            kind, unit = _counted(text[end:])
        found.append(Figure(kind, value, shown, unit or kind, bound, start))
    found.sort(key=lambda f: f.start)
    return tuple(found)


def _hedge(before: str) -> Bound:
    m = _HEDGE_RE.search(before[-20:])
    # `.get`: "ſome" matches "some" under re.IGNORECASE yet lowers to itself.
    return _HEDGES.get(m.group(0).strip().lower(), "exact") if m else "exact"


def hedge_words(text: str, f: Figure) -> str | None:
    """The words that hedge `f` in `text` ("more than", "about"), as written, lowered."""
    if f.bound == "exact":
        return None
    m = _HEDGE_RE.search(text[max(0, f.start - 20) : f.start])
    return m.group(0).strip().lower() if m else None
