"""What enters a model's token budget when the articles do not all fit.

Three strategies (`service.domain.InputSelection`; measured on DUC 2004 in the README, `salience`
is the default):
- salience: each article's first sentence (while those take at most half the budget), then the
  sentences that cover most of the cluster (the embedded engine's selection, with token costs),
  then leads in the room left, kept in article order;
- lead: proportional lead truncation, as multi-document models (PRIMERA, Multi-News fine-tunes)
  are trained: each article gets an equal share filled with its leading sentences, and what
  short articles leave over goes, sentence by sentence, to the longer ones;
- per-article: an equal share per article, each filled by salience within that article alone.
Nothing is dropped silently: each article's usage is reported, including a zero.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from service.domain import ArticleUsage, InputSelection
from service.nlp.salience import Salience, compute_salience
from service.nlp.selection import select_sentences
from service.nlp.sentences import Sentence

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
    strategy: InputSelection = "salience",
    salience: Salience | None = None,
) -> list[PackedArticle]:
    """Choose sentences of each article so that their tokens add up to at most `budget`."""
    totals = count(list(full_texts))
    costs = [count([s.text for s in sentences]) if sentences else [] for sentences in articles]
    if sum(map(sum, costs)) <= budget:  # everything fits: nothing to choose
        return _report(articles, totals, costs, [list(range(len(a))) for a in articles])
    if strategy == "lead":
        return _lead(articles, totals, costs, budget, count, cut_after)
    cost_of = {
        (s.article, s.index): c
        for a, cs in zip(articles, costs, strict=True)
        for s, c in zip(a, cs, strict=True)
    }

    def cost(s: Sentence) -> int:
        return cost_of[(s.article, s.index)]

    groups = [list(articles)] if strategy == "salience" else [[a] for a in articles]
    share = budget if strategy == "salience" else budget // max(1, len(articles))
    # Every article is heard: its first sentence goes in when all of them take at most half the budget.
    leads = [a[0] for a in articles if a] if strategy == "salience" else []
    if sum(map(cost, leads)) > budget // 2:
        leads = []
    picked: set[tuple[int, int]] = set()
    for group in groups:
        if not any(group):
            continue
        weights = salience if (salience is not None and strategy == "salience") else compute_salience(group)
        chosen = select_sentences(group, weights, share, cost, start=leads)
        room = share - sum(map(cost, chosen))
        picked.update((s.article, s.index) for s in chosen)
        # The room coverage left is filled with leading sentences, earliest first.
        for s in sorted((s for a in group for s in a), key=lambda s: (s.position, s.article)):
            if (s.article, s.index) not in picked and cost(s) <= room:
                picked.add((s.article, s.index))
                room -= cost(s)
    if not picked:  # not one whole sentence fits: cut leads instead
        return _lead(articles, totals, costs, budget, count, cut_after)
    keep = [[k for k, s in enumerate(a) if (s.article, s.index) in picked] for a in articles]
    return _report(articles, totals, costs, keep)


def _report(
    articles: Sequence[Sequence[Sentence]], totals: list[int], costs: list[list[int]], keep: list[list[int]]
) -> list[PackedArticle]:
    """The chosen sentences of each article, in their order, with the article's usage."""
    return [
        PackedArticle(
            text=" ".join(articles[i][k].text for k in keep[i]),
            usage=ArticleUsage(
                article=i,
                total=totals[i],
                used=sum(costs[i][k] for k in keep[i]),
                truncated=len(keep[i]) < len(articles[i]),
            ),
        )
        for i in range(len(articles))
    ]


def _lead(
    articles: Sequence[Sequence[Sentence]],
    totals: list[int],
    costs: list[list[int]],
    budget: int,
    count: CountTokens,
    cut_after: CutAfter,
) -> list[PackedArticle]:
    """Proportional lead truncation."""
    n = len(articles)
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
