"""The rouge-score convention (Google's `rouge-score` package, what HF `evaluate` reports).

rouge1, rouge2, rougeL, rougeLsum (sentences on newlines); P/R/F; optional Porter stemming;
several references: the best-scoring one per metric (the package's `score_multi`).
"""

from __future__ import annotations

from collections.abc import Sequence

from rouge_score import rouge_scorer

from eval.baselines import sentences_of

ROUGE_TYPES = ("rouge1", "rouge2", "rougeL", "rougeLsum")


class GoogleRouge:
    convention = "rouge-score"

    def __init__(self, stem: bool = True, rouge_types: Sequence[str] = ROUGE_TYPES) -> None:
        self.stem = stem
        self.rouge_types = tuple(rouge_types)
        self._scorer = rouge_scorer.RougeScorer(list(self.rouge_types), use_stemmer=stem)

    @property
    def settings(self) -> dict[str, object]:
        return {"convention": self.convention, "stem": self.stem, "rouge_types": list(self.rouge_types)}

    @property
    def metrics(self) -> tuple[str, ...]:
        return self.rouge_types

    @staticmethod
    def _lines(text: str) -> str:
        # rougeLsum wants one sentence per line; plain running text is split the service's way.
        return text if "\n" in text.strip() else "\n".join(sentences_of(text))

    def score(self, summary: str, references: Sequence[str]) -> dict[str, dict[str, float]]:
        """`{metric: {"R", "P", "F"}}` for one summary against its references."""
        scores = self._scorer.score_multi([self._lines(r) for r in references], self._lines(summary))
        return {t: {"R": s.recall, "P": s.precision, "F": s.fmeasure} for t, s in scores.items()}
