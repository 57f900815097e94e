"""Key-fact quality: grounding in the sources, invented numbers/names, and reference coverage."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from eval.data import Example
from service.facts import numbers, proper_names
from service.text import words


def fact_checks(example: Example, facts: Sequence[dict[str, Any]]) -> dict[str, float | int]:
    """Per-example counts: facts, grounded, with an invented number/name, reported by 2+ articles.

    Grounded: the fact cites at least one sentence, every cited span lies inside its article,
    and each number and proper name of the fact appears in the cited sentences.
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
        names = proper_names(text)
        first = words(text)[:1]
        names_backed = all(n in backing or (n in first and n.lower() in backing.lower()) for n in names)
        if valid and numbers(text) <= numbers(backing) and names_backed:
            grounded += 1
        if numbers(text) - known_numbers or any(n not in known_words for n in names - set(first)):
            invented += 1
        if int(fact.get("support", 0)) > 1:
            multi += 1
    return {"facts": len(facts), "grounded": grounded, "invented": invented, "support_gt1": multi}
