"""Statistics over examples: means with seeded bootstrap confidence intervals, paired tests."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass

import numpy as np

BOOTSTRAP_SAMPLES = 1000
PERMUTATIONS = 10_000


@dataclass(frozen=True)
class Estimate:
    mean: float
    low: float
    high: float
    n: int

    def as_dict(self) -> dict[str, float | int]:
        return asdict(self)


def bootstrap_ci(values: Sequence[float] | np.ndarray, seed: int, level: float = 0.95) -> Estimate:
    """Mean and percentile bootstrap interval over examples (resampled with replacement)."""
    x = np.asarray(values, dtype=np.float64)
    if x.size == 0:
        raise ValueError("no values to aggregate")
    rng = np.random.default_rng(seed)
    means = x[rng.integers(0, x.size, size=(BOOTSTRAP_SAMPLES, x.size))].mean(axis=1)
    tail = (1.0 - level) / 2 * 100
    low, high = np.percentile(means, [tail, 100 - tail])
    return Estimate(mean=float(x.mean()), low=float(low), high=float(high), n=int(x.size))


@dataclass(frozen=True)
class PairedTest:
    """`a` minus `b` on the examples both systems have; p from a paired randomization test."""

    mean_diff: float
    low: float
    high: float
    p_value: float
    n: int
    wins: int
    losses: int

    def as_dict(self) -> dict[str, float | int]:
        return asdict(self)


def paired_test(a: Sequence[float], b: Sequence[float], seed: int) -> PairedTest:
    """Is the difference real? Sign-flip permutation test of the mean per-example difference.

    Under the null hypothesis each paired difference is as likely to have either sign; the p-value
    is the share of random sign assignments whose |mean| reaches the observed one (two-sided).
    """
    d = np.asarray(a, dtype=np.float64) - np.asarray(b, dtype=np.float64)
    if d.size == 0:
        raise ValueError("no paired values")
    rng = np.random.default_rng(seed)
    signs = rng.choice(np.array([-1.0, 1.0]), size=(PERMUTATIONS, d.size))
    null = np.abs((signs * d).mean(axis=1))
    observed = abs(d.mean())
    # +1 in both counts: the observed assignment is one of the permutations (never p = 0).
    p = (np.sum(null >= observed - 1e-12) + 1) / (PERMUTATIONS + 1)
    ci = bootstrap_ci(d, seed)
    return PairedTest(
        mean_diff=float(d.mean()),
        low=ci.low,
        high=ci.high,
        p_value=float(p),
        n=int(d.size),
        wins=int(np.sum(d > 0)),
        losses=int(np.sum(d < 0)),
    )
