"""Which articles of a pile report the same story: the grouping behind a digest (`/v1/digest`).

Each article is read as a sparse tf-idf vector over the content stems of its title and text (the
first `LEAD_CHARS`), inverse document frequencies being the pile's own. Only each article's
`TOP_TERMS` heaviest terms are kept, so two articles are compared only where they share a
distinctive term (an inverted index over those terms; a term in more than `MAX_POSTINGS` articles
is left out): the work grows with the articles times their terms, not with the square of the
articles, and no n x n matrix is built.

Stories are then formed by average-link agglomeration: the two groups whose articles are most
alike on average merge, until no two groups reach `THRESHOLD`. Average link, not the centroid's
cosine, because a growing centroid turns generic and swallows its neighbours (on the DUC mixes,
`docs/digest.md`). A pair never compared counts as 0, so a merge costs only the groups it touches.

Chosen by measurement on the DUC 2004 and DUC 2006 mixes (`python -m eval digest`,
`docs/digest.md`): names counted again as terms of their own, and only the lead, both read worse
(nearest-neighbour accuracy 0.947 / 0.921 without, 0.935 / 0.912 with names, and lower again
with 3,000 characters of lead).

Deterministic: articles are read in an order of their own content (`_canonical`), never the
request's, and ties break on that order, so the same pile gives the same stories in any order.
"""

from __future__ import annotations

import hashlib
import heapq
import math
import threading
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from service.domain import Article
from service.errors import check
from service.nlp.words import content_stems

# What of an article is read: its title and this many characters of its text (a bound on the work;
# news articles are shorter).
LEAD_CHARS = 20_000
# The heaviest terms kept per article.
TOP_TERMS = 100
# A term in more articles than this links nothing: a fixed bound, so the pairs compared grow with
# the articles, not with their square.
MAX_POSTINGS = 60
# Each article is linked to this many of its most similar (a pair counts when either side keeps it):
# what bounds the agglomeration's work, and ends the chains weak links make.
NEIGHBOURS = 30
# Average similarity of their articles at which two groups report one story.
THRESHOLD = 0.04
# ... and never when that is under this share of how alike the articles of either group are to each
# other: two tight stories of a small pile, whose idf tells little, stay apart (a ferry strike and
# an earthquake, both in harbour towns, in tests/data); on the DUC mixes it changes nothing.
RATIO = 0.2


@dataclass(frozen=True)
class Story:
    """One story: its articles (indices into the pile), the most central first."""

    # By how much each is like the others (its dot product with their summed vectors), most first.
    ranked: tuple[int, ...]

    @property
    def articles(self) -> tuple[int, ...]:
        """The story's articles in ascending order."""
        return tuple(sorted(self.ranked))

    @property
    def central(self) -> int:
        return self.ranked[0]


def _canonical(articles: Sequence[Article]) -> list[int]:
    """The articles' indices in an order of their content alone (ties: identical articles)."""

    def key(i: int) -> tuple[bytes, int]:
        a = articles[i]
        digest = hashlib.sha1(f"{a.title or ''}\x00{a.text}".encode()).digest()
        return digest, i

    return sorted(range(len(articles)), key=key)


def _terms(article: Article) -> Counter[str]:
    """An article's term counts: the content stems of its title and text."""
    text = article.text[:LEAD_CHARS]
    if article.title:
        text = f"{article.title}\n{text}"
    return Counter(content_stems(text, article.language))


def _vectors(articles: Sequence[Article], stop: threading.Event | None) -> list[dict[str, float]]:
    """Each article's heaviest `TOP_TERMS` shared terms, tf-idf weighted (sublinear tf), divided by
    the norm of all its terms."""
    counts = []
    for a in articles:
        check(stop)
        counts.append(_terms(a))
    df: Counter[str] = Counter()
    for c in counts:
        df.update(c.keys())
    n = len(articles)
    vectors: list[dict[str, float]] = []
    for c in counts:
        weights = {t: (1.0 + math.log(k)) * math.log((n + 1) / (df[t] + 0.5)) for t, k in c.items()}
        # Normalised over every term, so that a short article whose own words no other article
        # has is not made of the few it shares ("Alder" of "Alder Street" and of "Port Alder");
        # only shared terms are kept, since a term in one article links it to nothing.
        norm = math.sqrt(sum(w * w for w in weights.values())) or 1.0
        shared = sorted(((t, w) for t, w in weights.items() if df[t] > 1), key=lambda tw: (-tw[1], tw[0]))
        vectors.append({t: w / norm for t, w in shared[:TOP_TERMS] if w > 0})
    return vectors


def _similarities(
    vectors: Sequence[dict[str, float]], stop: threading.Event | None
) -> dict[tuple[int, int], float]:
    """Cosine of pairs of articles (i < j) sharing a term that is not in too many, each article's
    `NEIGHBOURS` most similar."""
    postings: dict[str, list[tuple[int, float]]] = defaultdict(list)
    for i, v in enumerate(vectors):
        for t, w in v.items():
            postings[t].append((i, w))
    n = len(vectors)
    keys: list[np.ndarray] = []
    products: list[np.ndarray] = []
    for t in sorted(postings):
        posted = postings[t]
        if len(posted) < 2 or len(posted) > MAX_POSTINGS:
            continue
        check(stop)
        ids = np.array([i for i, _ in posted], dtype=np.int64)
        ws = np.array([w for _, w in posted])
        a, b = np.triu_indices(len(posted), k=1)
        keys.append(ids[a] * n + ids[b])  # ids ascend within a posting list: i < j
        products.append(ws[a] * ws[b])
    if not keys:
        return {}
    pair, inverse = np.unique(np.concatenate(keys), return_inverse=True)
    sums = np.bincount(inverse, weights=np.concatenate(products))
    # Each article's `NEIGHBOURS` most similar only: a pair is kept when either side keeps it.
    first, second = pair // n, pair % n
    ends, other = np.concatenate([first, second]), np.concatenate([second, first])
    sims2 = np.concatenate([sums, sums])
    by = np.lexsort((other, -sims2, ends))  # per article, most similar first (ties: lower index)
    ends, other = ends[by], other[by]
    starts = np.searchsorted(ends, ends, side="left")
    rank = np.arange(len(ends)) - starts
    kept = rank < NEIGHBOURS
    lo, hi = np.minimum(ends[kept], other[kept]), np.maximum(ends[kept], other[kept])
    kept_pairs = np.unique(lo * n + hi)
    at = np.searchsorted(pair, kept_pairs)
    return {(int(k // n), int(k % n)): float(sums[x]) for k, x in zip(kept_pairs, at, strict=True)}


class _Groups:
    """Groups under agglomeration, with the sums of their articles' pairwise similarities.

    Merging A and B into C: S(C, X) = S(A, X) + S(B, X), so a merge touches only the groups linked
    to A or B, and the average link of C and X is S(C, X) / (|C| |X|).
    """

    def __init__(self, n: int, sims: dict[tuple[int, int], float]) -> None:
        self.members: dict[int, list[int]] = {i: [i] for i in range(n)}
        self.inner: dict[int, float] = {i: 0.0 for i in range(n)}  # sum over pairs within
        self.links: dict[int, dict[int, float]] = {i: {} for i in range(n)}
        for (i, j), s in sims.items():
            self.links[i][j] = s
            self.links[j][i] = s
        self.next_id = n

    def similarity(self, a: int, b: int) -> float:
        """The average similarity of A's and B's articles, pair by pair."""
        return self.links[a][b] / (len(self.members[a]) * len(self.members[b]))

    def cohesion(self, a: int) -> float | None:
        """The average similarity of A's articles to each other (None: A has one)."""
        k = len(self.members[a])
        return self.inner[a] / (k * (k - 1) / 2) if k > 1 else None

    def merge(self, a: int, b: int) -> int:
        c = self.next_id
        self.next_id += 1
        la, lb = self.links.pop(a), self.links.pop(b)
        shared = la.pop(b, 0.0)
        lb.pop(a, None)
        self.inner[c] = self.inner.pop(a) + self.inner.pop(b) + shared
        self.members[c] = sorted(self.members.pop(a) + self.members.pop(b))
        joined: dict[int, float] = dict(la)
        for x, s in lb.items():
            joined[x] = joined.get(x, 0.0) + s
        for x, s in joined.items():
            other = self.links[x]
            other.pop(a, None)
            other.pop(b, None)
            other[c] = s
        self.links[c] = joined
        return c


def group(
    articles: Sequence[Article], threshold: float = THRESHOLD, stop: threading.Event | None = None
) -> list[Story]:
    """The stories of `articles`: every article in exactly one, in no particular order.

    `threshold`: the average similarity at which two groups merge (higher: more, smaller stories).
    `stop`, once set, ends the work (`Cancelled`).
    """
    if not articles:
        return []
    order = _canonical(articles)
    vectors = _vectors([articles[i] for i in order], stop)
    groups = _Groups(len(order), _similarities(vectors, stop))
    # Max-heap of (similarity, smaller id, larger id); an entry is stale once either group merged.
    heap = [(-groups.similarity(i, j), i, j) for i in groups.links for j in groups.links[i] if i < j]
    heapq.heapify(heap)
    while heap:
        neg, a, b = heapq.heappop(heap)
        if -neg < threshold:
            break
        if a not in groups.links or b not in groups.links:
            continue
        tight = [x for x in (groups.cohesion(a), groups.cohesion(b)) if x is not None]
        if tight and -neg < RATIO * min(tight):
            continue
        check(stop)
        c = groups.merge(a, b)
        for x in groups.links[c]:
            heapq.heappush(heap, (-groups.similarity(c, x), min(c, x), max(c, x)))
    stories = []
    for members in groups.members.values():
        centroid: dict[str, float] = defaultdict(float)
        for m in members:
            for t, w in vectors[m].items():
                centroid[t] += w
        # Most central first: the most like the group's summed vectors (ties: the canonical first).
        ranked = sorted(members, key=lambda m: (-sum(w * centroid[t] for t, w in vectors[m].items()), m))
        stories.append(Story(tuple(order[m] for m in ranked)))
    return stories
