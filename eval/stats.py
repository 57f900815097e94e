"""Aggregation: means with seeded bootstrap confidence intervals, and paired significance tests."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
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


def _perl_drand48(seed: int) -> Iterator[float]:
    """perl's `srand($seed); rand()` stream: the drand48 generator, seeded as srand48 seeds it."""
    x = ((seed & 0xFFFFFFFF) << 16) | 0x330E
    while True:
        x = (x * 0x5DEECE66D + 0xB) & 0xFFFFFFFFFFFF
        yield x / 281474976710656.0  # 2**48


def perl_bootstrap(values: Sequence[float], resamples: int = 1000, confidence: float = 95.0) -> Estimate:
    """The average and CI that ROUGE-1.5.5 prints, reproduced exactly.

    The perl does not print the plain mean: it prints the mean of `resamples` bootstrap means,
    resample i drawn with `srand(i)`, over the per-summary scores in its instance order (sorted
    "evalID.peerID"), and the CI from the sorted resample means. `values` must be in that order.
    """
    n = len(values)
    if n == 0:
        raise ValueError("no values to aggregate")
    means = []
    for i in range(resamples):
        draw = _perl_drand48(i)
        means.append(sum(values[int(next(draw) * n)] for _ in range(n)) / n)
    means.sort()
    delta = resamples * ((100 - confidence) / 2.0) / 100.0
    upper_a = int(resamples - delta - 1)
    lower_a = int(delta)
    ratio = resamples - delta - 1 - upper_a

    def at(a: int) -> float:
        return means[a] + (means[min(a + 1, resamples - 1)] - means[a]) * ratio

    return Estimate(
        mean=float(f"{sum(means) / resamples:.5f}"),
        low=float(f"{at(lower_a):.5f}"),
        high=float(f"{at(upper_a):.5f}"),
        n=n,
    )
