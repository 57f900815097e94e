"""Baselines computed in the same run, under the same word budget as the system under test.

- lead: the leading words of the most recent article (DUC's baseline; the last one when undated);
- lead-each: the first sentence of each article in turn, then the second, ...;
- random: sentences drawn at random (seeded);
- oracle: greedy selection of the sentences that most raise ROUGE against the references,
  an upper bound for extractive systems.

Each is called the same way (`Baseline`) and takes what it needs. Sentences are the harness's own
(`eval.rouge.lines`), not the service's.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from typing import Protocol

from eval.data import Example
from eval.rouge import Scorer
from eval.rouge.lines import sentences

Gain = Callable[[Example, Sequence[str]], float]
"""How much a selection of sentences covers an example's references: what the oracle raises."""


class Baseline(Protocol):
    def __call__(self, example: Example, max_words: int, *, seed: int, gain: Gain) -> str: ...


def recall_gain(content: Scorer) -> Gain:
    """The summed recall of `content`'s metrics (unigrams and bigrams) against the references."""

    def gain(example: Example, chosen: Sequence[str]) -> float:
        s = content.score("\n".join(chosen), example.references)
        return sum(v["R"] for v in s.values())

    return gain


def fill(chosen: Sequence[str], max_words: int) -> str:
    """Sentences in order until `max_words` whitespace tokens; the last one is cut to fit."""
    words: list[str] = []
    for s in chosen:
        words.extend(s.split())
        if len(words) >= max_words:
            break
    return " ".join(words[:max_words])


def lead(example: Example, max_words: int, **_: object) -> str:
    docs = list(example.documents)
    if any(d.date for d in docs):
        # Most recent dated document; ties and undated ones keep their order.
        recent = max(range(len(docs)), key=lambda i: (docs[i].date is not None, docs[i].date or 0, i))
    else:
        recent = len(docs) - 1
    return fill(sentences(docs[recent].text), max_words)


def lead_each(example: Example, max_words: int, **_: object) -> str:
    per_doc = [sentences(d.text) for d in example.documents]
    order = [s[k] for k in range(max(map(len, per_doc))) for s in per_doc if k < len(s)]
    return fill(order, max_words)


def random_baseline(example: Example, max_words: int, *, seed: int, **_: object) -> str:
    pool = [s for d in example.documents for s in sentences(d.text)]
    rng = random.Random(f"{seed}:{example.id}")  # per example, so --resume and --limit agree
    rng.shuffle(pool)
    return fill(pool, max_words)


def oracle(example: Example, max_words: int, *, gain: Gain, **_: object) -> str:
    """Greedy: add the sentence that most raises `gain(example, selection)` until nothing raises it."""
    pool = [s for d in example.documents for s in sentences(d.text)]
    chosen: list[str] = []
    best = 0.0
    while sum(len(s.split()) for s in chosen) < max_words:
        scored = [(gain(example, [*chosen, s]), -i, s) for i, s in enumerate(pool) if s not in chosen]
        if not scored:
            break
        score, _position, sentence = max(scored)
        if score <= best:
            break
        chosen.append(sentence)
        best = score
    return fill(chosen, max_words)


BASELINES: dict[str, Baseline] = {
    "lead": lead,
    "lead-each": lead_each,
    "random": random_baseline,
    "oracle": oracle,
}
