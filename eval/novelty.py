"""Update summaries: how much of a summary the reader had already read in the background.

A summary's content bigrams (word pairs, not both function words; the harness's own tokenizer and
word list, lowercased, not the service's stems or stopwords) are looked up in the background
articles and in the new ones: "of the" says nothing about what was read. `old` is the share found in the
background: what an update summary should keep low, since its reader has read those. `new_only`
is the share found in the new articles and nowhere in the background. Bigrams in neither (a
summary's own joins) count in the denominator only.
"""

from __future__ import annotations

from eval.data import Example
from eval.facts import FUNCTION_WORDS, words


def _bigrams(text: str) -> set[tuple[str, str]]:
    tokens = [w.lower() for w in words(text)]
    return {
        (a, b)
        for a, b in zip(tokens, tokens[1:], strict=False)
        if a not in FUNCTION_WORDS or b not in FUNCTION_WORDS
    }


def novelty(summary: str, example: Example) -> dict[str, float] | None:
    """`{"old", "new_only"}` shares of the summary's bigrams; None without a background or text."""
    if not example.background:
        return None
    mine = _bigrams(summary)
    if not mine:
        return None
    old = set().union(*(_bigrams(d.text) for d in example.background))
    new = set().union(*(_bigrams(d.text) for d in example.documents))
    return {"old": len(mine & old) / len(mine), "new_only": len(mine & (new - old)) / len(mine)}
