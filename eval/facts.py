"""Key-fact quality: grounding in the sources, invented numbers/names, and reference coverage.

The words, numbers and names are the harness's own, not the service's: the service drops facts
with its own heuristics, and a check built on those would agree with it by construction.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from eval.data import Example

# Letters and digits of any script, with inner apostrophes and hyphens (o'clock, Port-Alder) but
# not dots: a sentence glued to the next ("Research.And") is two words, not one unknown token.
WORD = re.compile(r"[^\W_]+(?:['’-][^\W_]+)*")
# Digit groups with inner separators (1,200; 3.5), not the digits inside a word (A380).
NUMBER = re.compile(r"(?<![\w.,])\d+(?:[.,]\d+)*")
# Capitalised for a reason other than naming something.
FUNCTION_WORDS = frozenset(
    """a an the and but or nor so yet if then than as at by for from in into of off on onto out
    over to up with without about after before during since until while when where who what which
    this that these those it its he she they we i you his her their our my your there here not no
    mr mrs ms dr""".split()
)
SENTENCE_END = re.compile(r"[.!?]")


def words(text: str) -> list[str]:
    return WORD.findall(text)


def numbers(text: str) -> set[str]:
    """Numbers as written, commas dropped so "1,200" and "1200" agree."""
    return {n.replace(",", "") for n in NUMBER.findall(text)}


def proper_names(text: str, source_words: set[str]) -> set[str]:
    """Capitalised words that are not function words.

    A sentence-initial word is capitalised by its position: it counts as a name only when its
    lower-case form is not among `source_words` ("Rain fell" with "rain" in the sources: no name).
    """
    names = set()
    end = 0
    for m in WORD.finditer(text):
        w = m.group()
        initial = end == 0 or bool(SENTENCE_END.search(text, end, m.start()))
        end = m.end()
        if not w[0].isupper() or w.lower() in FUNCTION_WORDS:
            continue
        if initial and w.lower() in source_words:
            continue
        names.add(w)
    return names


def fact_checks(example: Example, facts: Sequence[dict[str, Any]]) -> dict[str, float | int]:
    """Per-example counts: facts, grounded, with an invented number/name, reported by 2+ articles.

    Grounded: the fact cites at least one sentence, every cited span lies inside its article,
    and each number and proper name of the fact appears in the cited sentences. Invented: a number
    or proper name that appears in none of the articles.
    """
    texts = [d.text for d in example.documents]
    known_numbers = set().union(*(numbers(t) for t in texts))
    known_words = {w for t in texts for w in words(t)}
    grounded = invented = multi = 0
    for fact in facts:
        text = str(fact.get("text", ""))
        cited = []
        valid = bool(fact.get("sources"))
        for src in fact.get("sources", []):
            a, start, end = src.get("article"), src.get("start"), src.get("end")
            if not (
                isinstance(a, int)
                and 0 <= a < len(texts)
                and isinstance(start, int)
                and isinstance(end, int)
                and 0 <= start < end <= len(texts[a])
            ):
                valid = False
                continue
            cited.append(texts[a][start:end])
        backing = " ".join(cited)
        names = proper_names(text, known_words)
        if valid and numbers(text) <= numbers(backing) and names <= set(words(backing)):
            grounded += 1
        if numbers(text) - known_numbers or names - known_words:
            invented += 1
        if int(fact.get("support", 0)) > 1:
            multi += 1
    return {"facts": len(facts), "grounded": grounded, "invented": invented, "support_gt1": multi}
