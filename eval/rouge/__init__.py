"""ROUGE in two conventions, behind one interface (`scorer.Scorer`): `score(summary, references) ->
{metric: {R,P,F}}`; `build_scorer` makes the scorer of a convention.

- "rouge-score": Google's package (rouge1/2/L/Lsum), what recent papers and HF `evaluate` report;
- "1.5.5": the official perl's numbers, reproduced exactly (`perl155`), what DUC/TAC papers report.

Either can read text in any script with `tokenizer="unicode"` (`unicode`); the default tokenizers
are the conventions' own, which keep ASCII letters and digits only. Summaries are split into
sentence lines by the harness's own splitter (`lines`).

This package is the measuring tool: it imports nothing of the service it measures, nor of the rest
of the harness.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

from eval.rouge.scorer import Scorer
from eval.rouge.unicode import Tokenizer

__all__ = ["Convention", "Scorer", "build_scorer"]

Convention = Literal["rouge-score", "1.5.5"]


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
        from eval.rouge.perl155 import Rouge155
        from eval.rouge.perl_options import Rouge155Options

        return Rouge155(
            Rouge155Options.parse(
                options, jackknife=jackknife, wordnet_order=wordnet_order, tokenizer=tokenizer
            )
        )
    if options:
        raise ValueError("--rouge-options are perl options: they apply to --rouge 1.5.5 only")
    from eval.rouge.google import GoogleRouge

    return GoogleRouge(stem=stem, tokenizer=tokenizer)
