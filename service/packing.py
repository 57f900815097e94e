"""What enters a model's token budget when the articles do not all fit.

Proportional lead truncation, as multi-document models (PRIMERA, Multi-News fine-tunes) are
trained: every article first gets an equal share of the budget filled with its leading sentences,
then the budget left over by short articles goes, sentence by sentence, to the longer ones.
Nothing is dropped silently: each article's usage is reported, including a zero.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from service.engines.base import ArticleUsage
from service.text import Sentence

# Token counts of several texts at once, without special tokens.
CountTokens = Callable[[Sequence[str]], list[int]]
# Character index in `text` after its first `n` tokens.
CutAfter = Callable[[str, int], int]


@dataclass(frozen=True)
class PackedArticle:
    text: str  # what goes into the prompt for this article ("" when nothing fits)
    usage: ArticleUsage


def pack(
    articles: Sequence[Sequence[Sentence]],
    full_texts: Sequence[str],
    budget: int,
    count: CountTokens,
    cut_after: CutAfter,
) -> list[PackedArticle]:
    """Choose leading sentences of each article so that their tokens add up to at most `budget`."""
    n = len(articles)
    totals = count(list(full_texts))
    costs = [count([s.text for s in sentences]) if sentences else [] for sentences in articles]
    taken = [0] * n  # leading sentences taken whole
    used = [0] * n
    partial: dict[int, str] = {}  # article -> a cut first sentence, when not even that fits
    share = max(0, budget) // max(1, n)

    for i in range(n):
        while taken[i] < len(costs[i]) and used[i] + costs[i][taken[i]] <= share:
            used[i] += costs[i][taken[i]]
            taken[i] += 1
        if taken[i] == 0 and costs[i] and share > 0:
            first = articles[i][0].text
            partial[i] = first[: cut_after(first, share)].rstrip()
            used[i] = count([partial[i]])[0]

    # Redistribute what short articles left over, one sentence per article per round.
    remaining = budget - sum(used)
    growing = [i for i in range(n) if i not in partial]
    while growing:
        still = []
        for i in growing:
            if taken[i] < len(costs[i]) and costs[i][taken[i]] <= remaining:
                remaining -= costs[i][taken[i]]
                used[i] += costs[i][taken[i]]
                taken[i] += 1
                still.append(i)
        growing = still

    packed = []
    for i in range(n):
        text = partial.get(i) or " ".join(s.text for s in articles[i][: taken[i]])
        truncated = i in partial or taken[i] < len(articles[i])
        usage = ArticleUsage(article=i, total=totals[i], used=used[i], truncated=truncated)
        packed.append(PackedArticle(text=text, usage=usage))
    return packed
