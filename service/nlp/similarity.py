"""Sentence similarity: tf-idf vectors over content stems, compared by cosine."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np


def tfidf_matrix(stem_lists: Sequence[Sequence[str]]) -> np.ndarray:
    """Rows: L2-normalised tf-idf vectors of the given stem lists (one per sentence)."""
    vocab: dict[str, int] = {}
    for stems in stem_lists:
        for t in stems:
            vocab.setdefault(t, len(vocab))
    m = np.zeros((len(stem_lists), max(1, len(vocab))), dtype=np.float32)
    for r, stems in enumerate(stem_lists):
        for t in stems:
            m[r, vocab[t]] += 1.0
    df = (m > 0).sum(axis=0)
    m *= np.log((1.0 + len(stem_lists)) / (1.0 + df)) + 1.0
    norms = np.linalg.norm(m, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return m / norms
