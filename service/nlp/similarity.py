"""Sentence similarity: tf-idf vectors over content stems, compared by cosine."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import lru_cache
from itertools import chain

import numpy as np


def term_ids(groups: Sequence[Iterable[str]]) -> tuple[np.ndarray, int]:
    """Each term of `groups`, in order, as a column number (numbered as first seen), and how many
    columns there are (at least 1)."""
    terms = list(chain.from_iterable(groups))
    column = {t: i for i, t in enumerate(dict.fromkeys(terms))}
    return np.fromiter(map(column.__getitem__, terms), dtype=np.intp, count=len(terms)), max(1, len(column))


def tfidf_matrix(stem_lists: Sequence[Sequence[str]]) -> np.ndarray:
    """Rows: L2-normalised tf-idf vectors of the given stem lists (one per sentence)."""
    n = len(stem_lists)
    cols, width = term_ids(stem_lists)
    rows = np.repeat(np.arange(n, dtype=np.intp), list(map(len, stem_lists)))
    # Term counts and idf are computed on the few non-zero cells only (integers: exact); the
    # norms and the division stay dense, as they were, so every value keeps its float32 bits.
    cells, counts = np.unique(rows * width + cols, return_counts=True)
    df = np.bincount(cells % width, minlength=width)
    idf = np.log((1.0 + n) / (1.0 + df)) + 1.0
    m = np.zeros((n, width), dtype=np.float32)
    m.reshape(-1)[cells] = counts * idf[cells % width]  # float64 products rounded to float32
    norms = np.linalg.norm(m, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return m / norms


def cosine_matrix(stem_lists: Sequence[Sequence[str]]) -> np.ndarray:
    """Pairwise cosine similarity of the stem lists' tf-idf vectors (read-only).

    The summary and the key facts of one request both ask for the same sentences' matrix, the
    largest product of a request: it is computed once (the last few are kept).
    """
    return _cosines(tuple(tuple(stems) for stems in stem_lists))


@lru_cache(maxsize=4)
def _cosines(stem_lists: tuple[tuple[str, ...], ...]) -> np.ndarray:
    matrix = tfidf_matrix(stem_lists)
    # A term only one sentence has adds to that sentence's own cell and no other: most columns
    # of a cluster's matrix are such terms (about half), so the product runs over the shared
    # ones and the diagonal is filled in from whole rows.
    shared = np.count_nonzero(matrix, axis=0) >= 2
    reduced = np.ascontiguousarray(matrix[:, shared])
    sims = reduced @ reduced.T
    np.fill_diagonal(sims, np.einsum("ij,ij->i", matrix, matrix))
    sims.flags.writeable = False
    return sims
