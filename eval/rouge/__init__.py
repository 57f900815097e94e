"""ROUGE in two conventions, behind one interface: `score(summary, references) -> {metric: {R,P,F}}`.

- "rouge-score": Google's package (rouge1/2/L/Lsum), what recent papers and HF `evaluate` report;
- "1.5.5": the official perl's numbers, reproduced exactly (`perl155`), what DUC/TAC papers report.

Either can read text in any script with `tokenizer="unicode"` (`unicode`); the default tokenizers
are the conventions' own, which keep ASCII letters and digits only.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Literal, Protocol

from eval.rouge.unicode import Tokenizer

Convention = Literal["rouge-score", "1.5.5"]


class Scorer(Protocol):
    convention: str

    @property
    def metrics(self) -> tuple[str, ...]: ...

    @property
    def settings(self) -> dict[str, object]: ...

    def score(self, summary: str, references: Sequence[str]) -> dict[str, dict[str, float]]: ...


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


def content_scorer(scorer: Scorer) -> Scorer:
    """Unigram and bigram ROUGE only, with no length limit: for coverage and the oracle's search."""
    from eval.rouge.google import GoogleRouge
    from eval.rouge.perl155 import Rouge155

    if isinstance(scorer, Rouge155):
        o = scorer.options
        return Rouge155(
            replace(
                o,
                max_n=2,
                length_limit=0,
                byte_limit=0,
                rouge_l=False,
                wlcs_weight=None,
                skip_distance=None,
                jackknife=False,
            )
        )
    if isinstance(scorer, GoogleRouge):
        return GoogleRouge(stem=scorer.stem, rouge_types=("rouge1", "rouge2"), tokenizer=scorer.tokenizer)
    raise TypeError(f"unknown scorer {type(scorer).__name__}")
