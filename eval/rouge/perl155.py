"""ROUGE exactly as the official ROUGE-1.5.5 perl computes it, in Python.

Reproduced behaviour (each one changes scores):
- text is bytes: UTF-8 is read byte by byte, only ASCII A-Z is lower-cased, every byte outside
  [A-Za-z0-9-] becomes a space, hyphens become tokens of their own and are then dropped;
- `-l N` counts whitespace tokens of the raw lines (punctuation included) and cuts the last line;
  `-b N` counts the bytes of the lines without separators (and, for ROUGE-L/W, restarts per line);
- `-m` stems words longer than 3 characters: WordNet 2.0 exceptions first, then the perl's Porter;
- `-s` drops the SMART stopwords; `-f A` pools hits and counts over references, `-f B` keeps the
  best reference; R, P and F are each rounded to 5 decimals, F from the rounded R and P;
- ROUGE-L is the union LCS per reference sentence with the perl's back-trace tie-breaking, clipped
  by unigram counts; ROUGE-W weights runs by k**w (and the perl weights the base twice);
- ROUGE-S/SU skip-bigrams within a distance (-1: any); the unigram of the last token is never
  counted, as in the perl.

`printed` gives the average and CI the perl prints over a system's summaries: not the plain
mean, but its own bootstrap (`perl_stats`).

The perl's parts stand apart: its options (`perl_options`), its data files (`perl_data`), how it
reads text and applies -l/-b (`perl_text`), and what it counts against one reference
(`perl_counts`); this module turns them into scores.

Jackknifing (DUC's way of scoring N references comparably with humans) is offered on top: the
scores against each leave-one-out subset of the references, averaged.

Also on top, not the perl's: `tokenizer="unicode"` (`eval.rouge.unicode`) reads the text as Unicode
instead of bytes, so text in any script has tokens; `-l` then counts each CJK character as a word,
and `-b` (the perl's bytes) is refused.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import replace

# The module itself: `from eval.rouge import unicode` would name the package, whose
# build_scorer imports this module (an import circle).
import eval.rouge.unicode as unicode
from eval.rouge.perl_counts import Prepared, clipped_hits, lcs_counts, ngrams, skip_bigrams
from eval.rouge.perl_data import load_exceptions, load_stopwords
from eval.rouge.perl_options import Rouge155Options, RougeOptionError
from eval.rouge.perl_stats import perl_bootstrap
from eval.rouge.perl_text import clean, spl_lines, truncate_joined, truncate_units
from eval.rouge.porter import MorphStemmer
from eval.rouge.scorer import Measure, Printed

KEEP = re.compile(r"^[a-z0-9$]")


class Rouge155:
    """Per-summary ROUGE scores identical to the perl's (5-decimal R, P, F per metric)."""

    convention = "1.5.5"

    def __init__(self, options: Rouge155Options) -> None:
        self.options = options
        self._stemmer = MorphStemmer(load_exceptions(options.wordnet_order)) if options.stem else None
        self._stopwords = load_stopwords() if options.remove_stopwords else frozenset()
        self._references: dict[str, Prepared] = {}
        if not options.metric_names:
            raise RougeOptionError("no ROUGE metric selected (give -n N, or drop -x)")

    @property
    def settings(self) -> dict[str, object]:
        return {
            "convention": self.convention,
            "options": self.options.raw,
            "jackknife": self.options.jackknife,
            "tokenizer": self.options.tokenizer,
        }

    @property
    def metrics(self) -> tuple[str, ...]:
        return tuple(self.options.metric_names)

    @property
    def primary_measure(self) -> Measure:
        o = self.options
        return "R" if o.length_limit or o.byte_limit else "F"

    def printed(self, system: str, values: Mapping[str, float]) -> Printed:
        """The perl's bootstrapped average and CI, over its instance order ("evalID.peerID" sorted)."""
        order = sorted(values, key=lambda example: f"{example}.{system}")
        o = self.options
        return perl_bootstrap([values[i] for i in order], o.resamples, o.confidence)

    def content(self) -> Rouge155:
        return Rouge155(
            replace(
                self.options,
                max_n=2,
                length_limit=0,
                byte_limit=0,
                rouge_l=False,
                wlcs_weight=None,
                skip_distance=None,
                jackknife=False,
            )
        )

    # --- text to tokens ----------------------------------------------------------------------
    def _tokens(self, text: str | None) -> list[str]:
        if text is None:
            return []
        out = []
        stem = self._stemmer.stem if self._stemmer else None
        for t in text.split(" ") if text else []:
            if t in self._stopwords or not KEEP.match(t):
                continue
            out.append(stem(t) if stem is not None and len(t) > 3 else t)
        return out

    def _prepare_reference(self, text: str) -> Prepared:
        """References recur for every system scored on an example: prepare each once."""
        hit = self._references.get(text)
        if hit is None:
            if len(self._references) >= 50_000:
                self._references.clear()
            hit = self._references[text] = self._prepare(text)
        return hit

    def _unicode_tokens(self, text: str | None) -> list[str]:
        if text is None:
            return []
        words = [t for t in unicode.tokens(text) if t not in self._stopwords]
        return unicode.stem_ascii(words, self._stemmer.stem if self._stemmer else None)

    def _prepare(self, text: str) -> Prepared:
        o = self.options
        if o.tokenizer == "unicode":
            # Text, not bytes; CJK characters spaced so that -l counts each as a word.
            spaced = [unicode.space_cjk(line) for line in text.split("\n") if line]
            units: list[list[str]] = []
            if o.rouge_l or o.wlcs_weight is not None:
                units = [self._unicode_tokens(u) for u in truncate_units(spaced, o.length_limit, 0)]
            return Prepared(self._unicode_tokens(truncate_joined(spaced, o.length_limit, 0)), units)
        lines = spl_lines(text)
        joined = truncate_joined(lines, o.length_limit, o.byte_limit)
        tokens = self._tokens(clean(joined) if joined is not None else None)
        units = []
        if o.rouge_l or o.wlcs_weight is not None:
            units = [self._tokens(clean(u)) for u in truncate_units(lines, o.length_limit, o.byte_limit)]
        return Prepared(tokens=tokens, units=units)

    # --- scoring -----------------------------------------------------------------------------
    def score(self, summary: str, references: Sequence[str]) -> dict[str, dict[str, float]]:
        """`{metric: {"R", "P", "F"}}` for one summary against its references."""
        if not references:
            raise ValueError("ROUGE needs at least one reference")
        peer = self._prepare(summary)
        models = [self._prepare_reference(r) for r in references]
        if self.options.jackknife and len(models) > 1:
            subsets = [models[:i] + models[i + 1 :] for i in range(len(models))]
            runs = [self._score_prepared(peer, s) for s in subsets]
            return {m: {k: sum(r[m][k] for r in runs) / len(runs) for k in ("R", "P", "F")} for m in runs[0]}
        return self._score_prepared(peer, models)

    def _score_prepared(self, peer: Prepared, models: list[Prepared]) -> dict[str, dict[str, float]]:
        o = self.options
        out: dict[str, dict[str, float]] = {}
        peer_grams = {}
        for n in range(1, max(o.max_n, 1) + 1):
            peer_grams[n] = ngrams(peer.tokens, n)
        for n in range(1, o.max_n + 1):
            pairs = []
            for m in models:
                mg = ngrams(m.tokens, n)
                pairs.append((clipped_hits(mg, peer_grams[n]), mg.total(), peer_grams[n].total()))
            out[f"ROUGE-{n}"] = self._combine(pairs)
        if o.rouge_l:
            out["ROUGE-L"] = self._combine([lcs_counts(m, peer, peer_grams[1], None) for m in models])
        if o.wlcs_weight is not None:
            w = o.wlcs_weight
            out[f"ROUGE-W-{w:g}"] = self._combine(
                [lcs_counts(m, peer, peer_grams[1], w) for m in models], weight=w
            )
        if o.skip_distance is not None:
            d = o.skip_distance
            name = "*" if d < 0 else str(d)
            variants = [o.skip_unigrams] if not o.skip_both or o.skip_unigrams else [False, True]
            for with_unigrams in variants:
                pg = skip_bigrams(peer.tokens, d, with_unigrams)
                pairs = []
                for m in models:
                    mg = skip_bigrams(m.tokens, d, with_unigrams)
                    pairs.append((clipped_hits(mg, pg), mg.total(), pg.total()))
                out[f"ROUGE-{'SU' if with_unigrams else 'S'}{name}"] = self._combine(pairs)
        return out

    def _combine(
        self, pairs: Sequence[tuple[float, float, float]], weight: float | None = None
    ) -> dict[str, float]:
        """Hits and counts over references (-f A: pooled; B: the best reference) to R, P, F."""
        if self.options.score_mode == "B":
            best = -1.0
            chosen = (0.0, 0.0, 0.0)
            for hit, count, count_p in pairs:
                if weight is not None:  # the per-reference score uses the single-weighted base
                    score = (hit / count) ** (1 / weight) if count else 0.0
                else:
                    score = _round5(hit / count) if count else 0.0
                if score > best:
                    best, chosen = score, (hit, count, count_p)
            hit, count, count_p = chosen
            totals = (hit, _w(count, weight), _w(count_p, weight))
        else:
            totals = (
                sum(p[0] for p in pairs),
                sum(_w(p[1], weight) for p in pairs),
                sum(_w(p[2], weight) for p in pairs),
            )
        hit, count, count_p = totals
        inv = (lambda x: x ** (1 / weight)) if weight is not None else (lambda x: x)
        r = _round5(inv(hit / count)) if count else 0.0
        p = _round5(inv(hit / count_p)) if count_p else 0.0
        a = self.options.alpha
        f = _round5(p * r / ((1 - a) * p + a * r)) if (1 - a) * p + a * r > 0 else 0.0
        return {"R": r, "P": p, "F": f}


def _w(x: float, weight: float | None) -> float:
    return x**weight if weight is not None else x


def _round5(x: float) -> float:
    return float(f"{x:.5f}")
