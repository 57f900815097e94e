"""A system's reported conflicts (and updates), as sentence pairs of the harness's sentences."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from itertools import combinations
from typing import Any, Literal

from eval.conflicts.labels import PairKey, pair_key
from eval.conflicts.sentences import SplitArticle
from eval.systems import Output

Kind = Literal["conflict", "update"]


@dataclass(frozen=True)
class Reported:
    """One sentence pair of a reported conflict (or update): two sources of two different claims."""

    kind: Kind
    group: int  # the conflict's (update's) index in the output
    subject: str
    key: PairKey


def _locate(articles: Sequence[SplitArticle], source: Mapping[str, Any]) -> tuple[int, int] | None:
    a, start, end = source.get("article"), source.get("start"), source.get("end")
    if not (
        isinstance(a, int) and 0 <= a < len(articles) and isinstance(start, int) and isinstance(end, int)
    ):
        return None
    sentence = articles[a].locate(start, end)
    return None if sentence is None else (a, sentence)


def reported_pairs(
    dataset: str,
    cluster: str,
    groups: Sequence[Mapping[str, Any]],
    articles: Sequence[SplitArticle],
    kind: Kind,
) -> tuple[list[Reported], int]:
    """Every cross-article pair (source of one claim, source of another claim) of each group, as
    the harness's sentences, each once a group; and how many sources could not be placed."""
    out: list[Reported] = []
    unplaced = 0
    for g, group in enumerate(groups):
        subject = str(group.get("subject", ""))
        placed: list[list[tuple[int, int]]] = []
        for claim in group.get("claims", []):
            spots = [_locate(articles, s) for s in claim.get("sources", ())]
            unplaced += sum(x is None for x in spots)
            placed.append([x for x in spots if x is not None])
        seen: set[PairKey] = set()
        for c1, c2 in combinations(placed, 2):
            for x in c1:
                for y in c2:
                    key = pair_key(dataset, cluster, x, y)
                    if x[0] != y[0] and key not in seen:
                        seen.add(key)
                        out.append(Reported(kind, g, subject, key))
    return out, unplaced


def output_pairs(
    dataset: str, cluster: str, output: Output, articles: Sequence[SplitArticle]
) -> tuple[list[Reported], int]:
    conflicts, lost1 = reported_pairs(dataset, cluster, output.conflicts, articles, "conflict")
    updates, lost2 = reported_pairs(dataset, cluster, output.updates, articles, "update")
    return conflicts + updates, lost1 + lost2
