"""What ROUGE-1.5.5 counts of a summary against one reference: n-grams, skip-bigrams, and the
hits of ROUGE-L and ROUGE-W with the perl's LCS back-trace."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from eval.rouge.lcs import lcs_positions


@dataclass(frozen=True)
class Prepared:
    tokens: list[str]  # the whole text, for n-grams, skip-bigrams and the clipping unigrams
    units: list[list[str]]  # per sentence, for ROUGE-L/W


def ngrams(tokens: Sequence[str], n: int) -> Counter[tuple[str, ...]]:
    return Counter(tuple(tokens[i : i + n]) for i in range(len(tokens) - n + 1))


def skip_bigrams(tokens: Sequence[str], distance: int, with_unigrams: bool) -> Counter[tuple[str, ...]]:
    grams: Counter[tuple[str, ...]] = Counter()
    last = len(tokens) - 1
    for i in range(last):  # the perl stops before the last token, unigram included
        if with_unigrams:
            grams[(tokens[i],)] += 1
        stop = last if distance < 0 else min(last, i + distance + 1)
        for j in range(i + 1, stop + 1):
            grams[(tokens[i], tokens[j])] += 1
    return grams


def clipped_hits(model: Counter[tuple[str, ...]], peer: Counter[tuple[str, ...]]) -> int:
    if len(peer) < len(model):
        return sum(min(c, model[g]) for g, c in peer.items() if g in model)
    return sum(min(c, peer[g]) for g, c in model.items() if g in peer)


def _wlcs_mask(model: Sequence[str], peer: Sequence[str], mask: list[bool], weight: float) -> None:
    """Mark the model positions on the perl's back-traced WLCS path with `peer` (the perl's DP)."""
    m, n = len(model), len(peer)
    if m == 0:
        return
    c_prev = [0.0] * (n + 1)
    l_prev = [0] * (n + 1)
    moves: list[bytearray] = []  # 0 diagonal, 1 up, 2 left
    for i in range(m):
        tok = model[i]
        c_row = [0.0] * (n + 1)
        l_row = [0] * (n + 1)
        mv = bytearray(n + 1)
        for j in range(1, n + 1):
            if tok == peer[j - 1]:
                k = l_prev[j - 1]
                c_row[j] = c_prev[j - 1] + (k + 1) ** weight - k**weight
                l_row[j] = k + 1
                mv[j] = 0
            elif c_prev[j] >= c_row[j - 1]:
                c_row[j] = c_prev[j]
                mv[j] = 1
            else:
                c_row[j] = c_row[j - 1]
                mv[j] = 2
        moves.append(mv)
        c_prev, l_prev = c_row, l_row
    i, j = m, n
    while i and j:
        move = moves[i - 1][j]
        if move == 0:
            i -= 1
            j -= 1
            mask[i] = True
        elif move == 1:
            i -= 1
        else:
            j -= 1


def lcs_counts(
    model: Prepared, peer: Prepared, peer_unigrams: Counter[tuple[str, ...]], weight: float | None
) -> tuple[float, float, float]:
    """(hit, base, peer count) of ROUGE-L (weight None) or ROUGE-W against one reference."""
    model_left = ngrams(model.tokens, 1)
    peer_left = Counter(peer_unigrams)
    hit = 0.0
    base = 0.0
    for unit in model.units:
        mask = [False] * len(unit)
        base += len(unit) if weight is None else len(unit) ** weight
        for peer_unit in peer.units:
            if weight is None:
                for i in lcs_positions(unit, peer_unit):
                    mask[i] = True
            else:
                _wlcs_mask(unit, peer_unit, mask, weight)
        run = 0
        for j, tok in enumerate(unit):
            if not mask[j]:
                continue
            key = (tok,)
            if model_left[key] > 0 and peer_left[key] > 0:
                model_left[key] -= 1
                peer_left[key] -= 1
                if weight is None:
                    hit += 1
                else:
                    run += 1
                    if (j + 1 < len(unit) and not mask[j + 1]) or j + 1 == len(unit):
                        hit += run**weight
                        run = 0
    return hit, base, float(peer_unigrams.total())
