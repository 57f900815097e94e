"""Figures in a sentence, by the harness's own rules (not the service's): for mining candidates."""

from __future__ import annotations

import re
from dataclasses import dataclass

from eval.facts import FUNCTION_WORDS
from eval.rouge.porter import porter_stem

NUMBER_WORDS = {
    w: n
    for n, w in enumerate(
        "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen"
        " fifteen sixteen seventeen eighteen nineteen twenty".split()
    )
} | {w: 10 * n for n, w in enumerate("thirty forty fifty sixty seventy eighty ninety".split(), 3)}
SCALES = {"hundred": 1e2, "thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12, "dozen": 12}
MONTH_NAMES = frozenset(
    "january february march april may june july august september october november december"
    " jan feb mar apr jun jul aug sep sept oct nov dec".split()
)
# Words after a number that are not what it counts (times of day, units of the number itself).
NOT_COUNTED = FUNCTION_WORDS | {"percent", "per", "cent", "p", "m", "a.m", "p.m", "am", "pm"}
TOKEN = re.compile(r"\$|%|(?<![\w.,])\d+(?:[.,]\d+)*(?!\w)|[^\W_]+(?:['’.-][^\W_]+)*")
# A number as newswire writes one ("1,200", "3.5"); not an address or a score ("10.0.0.1", "2,1").
DIGITS = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?")
YEAR = re.compile(r"(1[89]|20)\d\d")
GAP = re.compile(r"[\s-]*")  # what may stand between a number and the word it counts


@dataclass(frozen=True)
class Figure:
    """A number with what it counts: `keys` are the stems of the counted words, or "$", "%",
    "year" or "date"; empty when the number counts nothing the rules can name."""

    value: str
    keys: frozenset[str]


def _number(token: str) -> float | None:
    t = token.lower()
    if DIGITS.fullmatch(t):
        return float(t.replace(",", ""))
    parts = t.split("-")
    if parts and all(p in NUMBER_WORDS for p in parts):
        return float(sum(NUMBER_WORDS[p] for p in parts))
    return None


def _value(x: float) -> str:
    return f"{x:.12g}"


def figures(sentence: str) -> list[Figure]:
    """The figures of a sentence: numbers (digits or words, with million/billion), money, percents,
    years and days of a month, each with the stems of the up to two words it counts."""
    found: list[Figure] = []
    tokens = list(TOKEN.finditer(sentence))
    lower = [t.group().lower() for t in tokens]
    i = 0
    while i < len(tokens):
        word = lower[i].rstrip(".")
        nxt = lower[i + 1] if i + 1 < len(tokens) else ""
        if word in MONTH_NAMES and nxt.isdigit() and 1 <= int(nxt) <= 31:
            found.append(Figure(f"{word[:3]} {int(nxt)}", frozenset({"date"})))
            i += 2
            continue
        value = _number(lower[i])
        if value is None or (lower[i] == "one" and nxt not in SCALES):
            i += 1
            continue
        j = i + 1
        while j < len(tokens) and lower[j] in SCALES:
            value *= SCALES[lower[j]]
            j += 1
        money = i > 0 and lower[i - 1] == "$"
        if j < len(tokens) and lower[j] in ("%", "percent"):
            found.append(Figure(_value(value), frozenset({"%"})))
        elif money:
            found.append(Figure(_value(value), frozenset({"$"})))
        elif j == i + 1 and YEAR.fullmatch(lower[i]):
            found.append(Figure(_value(value), frozenset({"year"})))
        else:
            counted: list[str] = []
            end = tokens[j - 1].end()
            for k in range(j, min(j + 2, len(tokens))):
                w = lower[k]
                if not GAP.fullmatch(sentence[end : tokens[k].start()]) or w in NOT_COUNTED:
                    break
                if _number(w) is not None or not w[0].isalpha():
                    break
                counted.append(porter_stem(w))
                end = tokens[k].end()
            found.append(Figure(_value(value), frozenset(counted)))
        i = j
    return found
