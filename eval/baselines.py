"""Baselines computed in the same run, under the same word budget as the system under test.

- lead: the leading words of the most recent article (DUC's baseline; the last one when undated);
- lead-each: the first sentence of each article in turn, then the second, ...;
- random: sentences drawn at random (seeded);
- oracle: greedy selection of the sentences that most raise ROUGE against the references,
  an upper bound for extractive systems.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence

from eval.data import Example
from service.text import split_sentences

BASELINES = ("lead", "lead-each", "random", "oracle")


def sentences_of(text: str) -> list[str]:
    return [" ".join(text[a:b].split()) for a, b in split_sentences(text)]


def as_lines(text: str) -> str:
    """One sentence a line, as ROUGE-L(sum) and the perl's SPL input expect; kept if already so."""
    if "\n" in text.strip():
        return text
    return "\n".join(sentences_of(text))


def fill(sentences: Sequence[str], max_words: int) -> str:
    """Sentences in order until `max_words` whitespace tokens; the last one is cut to fit."""
    words: list[str] = []
    for s in sentences:
        words.extend(s.split())
        if len(words) >= max_words:
            break
    return " ".join(words[:max_words])


def lead(example: Example, max_words: int) -> str:
    docs = list(example.documents)
    if any(d.date for d in docs):
        # Most recent dated document; ties and undated ones keep their order.
        recent = max(range(len(docs)), key=lambda i: (docs[i].date is not None, docs[i].date or 0, i))
    else:
        recent = len(docs) - 1
    return fill(sentences_of(docs[recent].text), max_words)


def lead_each(example: Example, max_words: int) -> str:
    per_doc = [sentences_of(d.text) for d in example.documents]
    order = [s[k] for k in range(max(map(len, per_doc))) for s in per_doc if k < len(s)]
    return fill(order, max_words)


def random_baseline(example: Example, max_words: int, seed: int) -> str:
    pool = [s for d in example.documents for s in sentences_of(d.text)]
    rng = random.Random(f"{seed}:{example.id}")  # per example, so --resume and --limit agree
    rng.shuffle(pool)
    return fill(pool, max_words)


def oracle(example: Example, max_words: int, gain: Callable[[Sequence[str]], float]) -> str:
    """Greedy: add the sentence that most raises `gain(selection)` until nothing raises it."""
    pool = [s for d in example.documents for s in sentences_of(d.text)]
    chosen: list[str] = []
    best = 0.0
    while sum(len(s.split()) for s in chosen) < max_words:
        scored = [(gain([*chosen, s]), -i, s) for i, s in enumerate(pool) if s not in chosen]
        if not scored:
            break
        score, _, sentence = max(scored)
        if score <= best:
            break
        chosen.append(sentence)
        best = score
    return fill(chosen, max_words)
