"""Sentence similarity: tf-idf vectors over content stems, compared by cosine."""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

import numpy as np


def tfidf_matrix(stem_lists: Sequence[Sequence[str]]) -> np.ndarray:
    """Rows: L2-normalised tf-idf vectors of the given stem lists (one per sentence)."""
    vocab: dict[str, int] = {}
    rows: list[int] = []
    cols: list[int] = []
    for r, stems in enumerate(stem_lists):
        for t in stems:
            rows.append(r)
            cols.append(vocab.setdefault(t, len(vocab)))
    m = np.zeros((len(stem_lists), max(1, len(vocab))), dtype=np.float32)
    np.add.at(m, (np.array(rows, dtype=np.intp), np.array(cols, dtype=np.intp)), 1.0)
    df = (m > 0).sum(axis=0)
    m *= np.log((1.0 + len(stem_lists)) / (1.0 + df)) + 1.0
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
    sims = matrix @ matrix.T
    sims.flags.writeable = False
    return sims
