"""ROUGE in two conventions, behind one interface: `score(summary, references) -> {metric: {R,P,F}}`.

- "rouge-score": Google's package (rouge1/2/L/Lsum), what recent papers and HF `evaluate` report;
- "1.5.5": the official perl's numbers, reproduced exactly (`perl155`), what DUC/TAC papers report.

Either can read text in any script with `tokenizer="unicode"` (`unicode`); the default tokenizers
are the conventions' own, which keep ASCII letters and digits only. Summaries are split into
sentence lines by the harness's own splitter (`lines`).

This package is the measuring tool: it imports nothing of the service it measures, nor of the rest
of the harness.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Literal, Protocol

from eval.rouge.unicode import Tokenizer

Convention = Literal["rouge-score", "1.5.5"]
Measure = Literal["R", "P", "F"]


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


def build_scorer(
    convention: Convention,
    options: str = "",
    stem: bool = True,
    jackknife: bool = False,
    wordnet_order: Sequence[str] | None = None,
    tokenizer: Tokenizer = "default",
) -> Scorer:
    """The scorer of a convention; `options` are the perl's (1.5.5), `stem` is rouge-score's."""
    if convention == "1.5.5":
        from eval.rouge.perl155 import Rouge155, Rouge155Options

        return Rouge155(
            Rouge155Options.parse(
                options, jackknife=jackknife, wordnet_order=wordnet_order, tokenizer=tokenizer
            )
        )
    if options:
        raise ValueError("--rouge-options are perl options: they apply to --rouge 1.5.5 only")
    from eval.rouge.google import GoogleRouge

    return GoogleRouge(stem=stem, tokenizer=tokenizer)
