"""The one percentile definition every benchmark reports with."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np


def percentile(values: Sequence[float], q: float) -> float:
    """The `q`-th percentile (0-100) of `values`, by linear interpolation between closest ranks.

    numpy's default (`method="linear"`, Hyndman & Fan type 7): over the sorted values x_0..x_{n-1},
    with h = (n - 1) * q / 100 and i = floor(h), the result is x_i + (h - i) * (x_{i+1} - x_i).
    So q=0 is the minimum, q=50 the median, q=100 the maximum, and one value is every percentile.
    """
    if not values:
        raise ValueError("percentile of no values")
    if not 0 <= q <= 100:
        raise ValueError(f"percentile q={q} is outside 0-100")
    return float(np.percentile(np.asarray(values, dtype=float), q, method="linear"))
