"""Scoring a grouping against the clusters: extended B-cubed, and which story recovers a cluster.

B-cubed (Bagga & Baldwin 1998), extended to items in several true clusters (Amigó et al. 2009):
for each item, precision is the share of the items in its story that share a true cluster with it;
recall is the share of the items sharing a true cluster with it that are in its story, a pair
sharing k clusters counting 1/k (a single story cannot hold them k times). Averaged over items; F1
of the two averages. Written
here, from the definition: the measuring tool shares no code with what it measures.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class BCubed:
    precision: float
    recall: float
    f1: float
    stories: int
    clusters: int
    items: int


def bcubed(story_of: Sequence[int], clusters_of: Sequence[frozenset[str]]) -> BCubed:
    """`story_of[i]`: the story item i was put in; `clusters_of[i]`: the true clusters it is in."""
    n = len(story_of)
    if n == 0 or n != len(clusters_of):
        raise ValueError("bcubed needs one story and one set of clusters per item, and some items")
    in_story: dict[int, list[int]] = defaultdict(list)
    in_cluster: dict[str, set[int]] = defaultdict(set)
    for i, (s, cs) in enumerate(zip(story_of, clusters_of, strict=True)):
        in_story[s].append(i)
        for c in cs:
            in_cluster[c].add(i)
    precision = recall = 0.0
    for i in range(n):
        mates = in_story[story_of[i]]
        precision += sum(1 for j in mates if clusters_of[i] & clusters_of[j]) / len(mates)
        related = set().union(*(in_cluster[c] for c in clusters_of[i]))
        # Extended: a pair sharing k true clusters and one story counts min(1, k) / k, since a
        # story holds them once whatever k is.
        got = sum(1 / len(clusters_of[i] & clusters_of[j]) for j in related if story_of[j] == story_of[i])
        recall += got / len(related)
    precision, recall = precision / n, recall / n
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return BCubed(precision, recall, f1, len(in_story), len(in_cluster), n)


def recovering(story_of: Sequence[int], clusters_of: Sequence[frozenset[str]]) -> dict[str, int]:
    """Each true cluster's story: the one holding most of its items (ties: the lowest story)."""
    counts: dict[str, Counter[int]] = defaultdict(Counter)
    for s, cs in zip(story_of, clusters_of, strict=True):
        for c in cs:
            counts[c][s] += 1
    return {c: min(k, key=lambda s: (-k[s], s)) for c, k in counts.items()}
