"""The rouge-score convention (Google's `rouge-score` package, what HF `evaluate` reports).

rouge1, rouge2, rougeL, rougeLsum (sentence lines from `eval.rouge.lines`); P/R/F; optional Porter
stemming; several references: per metric, the reference with the highest F (`score_multi`).

Scores are identical to the package's (tests compare them on real summaries); the package's own
tokenizer and n-gram code are used as they are. What differs is speed: the stemmer is memoised,
references are tokenised once however many systems are scored against them, and the LCS tables
are bit-parallel. The package takes minutes for 10,000 summaries against 4 references; this takes
seconds.

`tokenizer="unicode"` swaps the package's tokenizer for `eval.rouge.unicode` (text in any script);
it is not the package's convention, and results say which tokenizer made them.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping, Sequence
from functools import lru_cache

from nltk.stem import porter
from rouge_score import rouge_scorer, tokenize

# The module itself: `from eval.rouge import unicode` would name the package, whose
# build_scorer imports this module (an import circle).
import eval.rouge.unicode as unicode
from eval.rouge.lcs import lcs_length, lcs_positions
from eval.rouge.lines import as_lines
from eval.rouge.scorer import Measure, Printed
from eval.rouge.unicode import Tokenizer

ROUGE_TYPES = ("rouge1", "rouge2", "rougeL", "rougeLsum")
NGRAM_TYPE = re.compile(r"^rouge([1-9])$")


class _MemoStemmer:
    """The package's stemmer (NLTK Porter), remembered per word."""

    def __init__(self) -> None:
        self.stem = lru_cache(maxsize=500_000)(porter.PorterStemmer().stem)


def _fmeasure(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r > 0 else 0.0


def _score(hits: int, target: int, prediction: int) -> dict[str, float]:
    p = hits / prediction if prediction else 0.0
    r = hits / target if target else 0.0
    return {"R": r, "P": p, "F": _fmeasure(p, r)}


def _unicode_tokenize(text: str, stemmer: _MemoStemmer | None) -> list[str]:
    return unicode.stem_ascii(unicode.tokens(text), stemmer.stem if stemmer else None)


class _Tokens:
    """A text tokenised the package's way (or the unicode way): whole, and per line for rougeLsum."""

    __slots__ = ("grams", "lines", "tokens")

    def __init__(
        self, text: str, stemmer: _MemoStemmer | None, max_n: int, tokenizer: Tokenizer = "default"
    ) -> None:
        split = tokenize.tokenize if tokenizer == "default" else _unicode_tokenize
        self.tokens = split(text, stemmer)
        self.lines = [split(s, stemmer) for s in text.split("\n") if len(s)]
        self.grams = {n: rouge_scorer._create_ngrams(self.tokens, n) for n in range(1, max_n + 1)}


class GoogleRouge:
    convention = "rouge-score"

    def __init__(
        self, stem: bool = True, rouge_types: Sequence[str] = ROUGE_TYPES, tokenizer: Tokenizer = "default"
    ) -> None:
        if tokenizer not in unicode.TOKENIZERS:
            raise ValueError(f"unknown tokenizer {tokenizer!r} (choose from {', '.join(unicode.TOKENIZERS)})")
        self.stem = stem
        self.tokenizer = tokenizer
        self.rouge_types = tuple(rouge_types)
        for t in self.rouge_types:
            if t not in ("rougeL", "rougeLsum") and not NGRAM_TYPE.match(t):
                raise ValueError(f"invalid rouge type {t!r}")
        self._stemmer = _MemoStemmer() if stem else None
        self._max_n = max(
            (int(m.group(1)) for t in self.rouge_types if (m := NGRAM_TYPE.match(t))), default=0
        )
        self._references: dict[str, _Tokens] = {}

    @property
    def settings(self) -> dict[str, object]:
        return {
            "convention": self.convention,
            "stem": self.stem,
            "rouge_types": list(self.rouge_types),
            "tokenizer": self.tokenizer,
        }

    @property
    def metrics(self) -> tuple[str, ...]:
        return self.rouge_types

    @property
    def primary_measure(self) -> Measure:
        return "F"  # the package has no length limit

    def printed(self, system: str, values: Mapping[str, float]) -> Printed | None:
        return None  # the package prints no average of its own

    def content(self) -> GoogleRouge:
        return GoogleRouge(stem=self.stem, rouge_types=("rouge1", "rouge2"), tokenizer=self.tokenizer)

    def _reference(self, text: str) -> _Tokens:
        hit = self._references.get(text)
        if hit is None:
            if len(self._references) >= 50_000:
                self._references.clear()
            hit = self._references[text] = _Tokens(text, self._stemmer, self._max_n, self.tokenizer)
        return hit

    def _pair(self, target: _Tokens, pred: _Tokens) -> dict[str, dict[str, float]]:
        out = {}
        for t in self.rouge_types:
            if m := NGRAM_TYPE.match(t):
                n = int(m.group(1))
                tg, pg = target.grams[n], pred.grams[n]
                hits = sum(min(c, pg[g]) for g, c in tg.items() if g in pg)
                # The package divides by max(count, 1): an empty side scores 0, not an error.
                out[t] = _score(hits, max(tg.total(), 1), max(pg.total(), 1))
            elif t == "rougeL":
                if not target.tokens or not pred.tokens:
                    out[t] = {"R": 0.0, "P": 0.0, "F": 0.0}
                else:
                    hits = lcs_length(target.tokens, pred.tokens)
                    out[t] = _score(hits, len(target.tokens), len(pred.tokens))
            else:
                out[t] = self._summary_lcs(target.lines, pred.lines)
        return out

    @staticmethod
    def _summary_lcs(ref: list[list[str]], can: list[list[str]]) -> dict[str, float]:
        """rougeLsum: union LCS of each reference sentence over the candidate's sentences."""
        m = sum(map(len, ref))
        n = sum(map(len, can))
        if not ref or not can or not m or not n:
            return {"R": 0.0, "P": 0.0, "F": 0.0}
        left_r = Counter(t for s in ref for t in s)
        left_c = Counter(t for s in can for t in s)
        hits = 0
        for r in ref:
            union = sorted(set().union(*(lcs_positions(r, c) for c in can)))
            for i in union:
                t = r[i]
                if left_c[t] > 0 and left_r[t] > 0:
                    hits += 1
                    left_c[t] -= 1
                    left_r[t] -= 1
        return _score(hits, m, n)

    def score(self, summary: str, references: Sequence[str]) -> dict[str, dict[str, float]]:
        """`{metric: {"R", "P", "F"}}` for one summary against its references."""
        if not references:
            raise ValueError("ROUGE needs at least one reference")
        pred = _Tokens(as_lines(summary), self._stemmer, self._max_n, self.tokenizer)
        per_ref = [self._pair(self._reference(as_lines(r)), pred) for r in references]
        best: dict[str, dict[str, float]] = {}
        for t in self.rouge_types:
            # The first reference with the highest F, like numpy.argmax in the package.
            best[t] = max(per_ref, key=lambda s: s[t]["F"])[t]
        return best
