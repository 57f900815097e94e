"""The interface both ROUGE conventions implement (`Scorer`), and what it returns.

`google` and `perl155` implement it; `build_scorer` (the package's `__init__`) picks one. The types
stand here, apart from both, so that every import in the package points one way.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Literal, Protocol

Measure = Literal["R", "P", "F"]


# Not `eval.stats.Estimate`, though it holds the same fields: this package is the measuring tool
# and imports nothing of the rest of the harness (tests/unit/test_walls.py), so it keeps its own.
@dataclass(frozen=True)
class Printed:
    """An average and confidence interval as a convention's own tool prints them."""

    mean: float
    low: float
    high: float
    n: int

    def as_dict(self) -> dict[str, float | int]:
        return asdict(self)


class Scorer(Protocol):
    convention: str

    @property
    def metrics(self) -> tuple[str, ...]: ...

    @property
    def settings(self) -> dict[str, object]: ...

    @property
    def primary_measure(self) -> Measure:
        """The measure results lead with: recall under a length limit (summaries of equal
        length, as DUC reports), else F."""
        ...

    def score(self, summary: str, references: Sequence[str]) -> dict[str, dict[str, float]]: ...

    def printed(self, system: str, values: Mapping[str, float]) -> Printed | None:
        """The average and CI the convention's own tool prints for one system's per-summary
        `values` of a measure (by example id), or None where it prints none of its own."""
        ...

    def content(self) -> Scorer:
        """Unigram and bigram ROUGE only, with no length limit: for coverage and the oracle's search."""
        ...
