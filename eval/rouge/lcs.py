"""Longest common subsequences, bit-parallel (Allison & Dix 1986; Hyyrö 2004).

Row i of the classic DP table is kept as one integer whose zero bits mark the columns where the
row's value steps up, so a row costs a few big-integer operations instead of a Python loop per
cell. Any table value, and hence the classic back-trace, is a popcount away. Both ROUGE-1.5.5 and
rouge-score trace back the same way: diagonal on a match, else up unless left is strictly larger.
"""

from __future__ import annotations

from collections.abc import Sequence


def _rows(a: Sequence[str], b: Sequence[str]) -> list[int]:
    """Bit rows V_0..V_m of the LCS table of `a` (rows) against `b` (columns)."""
    masks: dict[str, int] = {}
    for j, token in enumerate(b):
        masks[token] = masks.get(token, 0) | (1 << j)
    full = (1 << len(b)) - 1
    v = full
    rows = [v]
    for token in a:
        u = v & masks.get(token, 0)
        v = ((v + u) | (v - u)) & full
        rows.append(v)
    return rows


def lcs_length(a: Sequence[str], b: Sequence[str]) -> int:
    if not a or not b:
        return 0
    return len(b) - _rows(a, b)[-1].bit_count()


def lcs_positions(a: Sequence[str], b: Sequence[str]) -> list[int]:
    """Positions in `a` of the LCS the classic back-trace finds (in decreasing order)."""
    if not a or not b:
        return []
    rows = _rows(a, b)
    i, j = len(a), len(b)
    cur = j - rows[i].bit_count()  # c[i][j], kept up to date along the path
    out = []
    while cur:  # once the value is 0 no match is left on the path
        if a[i - 1] == b[j - 1]:
            i -= 1
            j -= 1
            cur -= 1
            out.append(i)
            continue
        up = j - (rows[i - 1] & ((1 << j) - 1)).bit_count()  # c[i-1][j]
        left = cur - (not (rows[i] >> (j - 1)) & 1)  # c[i][j-1]: one less where row i steps up
        if up >= left:
            i -= 1
            cur = up
        else:
            j -= 1
            cur = left
    return out
