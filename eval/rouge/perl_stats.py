"""The average and confidence interval that ROUGE-1.5.5 prints, re-created as the perl makes them.

The perl does not print the plain mean of the per-summary scores: it bootstraps them with its own
random numbers (perl's `rand`, i.e. drand48). Papers that report 1.5.5 report these numbers.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from eval.rouge.scorer import Printed


def _perl_drand48(seed: int) -> Iterator[float]:
    """perl's `srand($seed); rand()` stream: the drand48 generator, seeded as srand48 seeds it."""
    x = ((seed & 0xFFFFFFFF) << 16) | 0x330E
    while True:
        x = (x * 0x5DEECE66D + 0xB) & 0xFFFFFFFFFFFF
        yield x / 281474976710656.0  # 2**48


def perl_bootstrap(values: Sequence[float], resamples: int = 1000, confidence: float = 95.0) -> Printed:
    """The average and CI that ROUGE-1.5.5 prints, reproduced exactly.

    The perl prints the mean of `resamples` bootstrap means, resample i drawn with `srand(i)`,
    over the per-summary scores in its instance order (sorted "evalID.peerID"), and the CI from
    the sorted resample means. `values` must be in that order.
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

    return Printed(
        mean=float(f"{sum(means) / resamples:.5f}"),
        low=float(f"{at(lower_a):.5f}"),
        high=float(f"{at(upper_a):.5f}"),
        n=n,
    )
