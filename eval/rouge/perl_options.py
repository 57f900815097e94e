"""ROUGE-1.5.5's options, read from the string given to the perl (e.g. "-n 4 -m -a -l 100 -x").

Options the perl would reject are refused, and so are the few it takes that `perl155` does not
implement (-3, -z, -M, -t 1/2); options about how the perl prints (-a, -d, -v) or where its data
is (-e) are accepted and change nothing.
"""

from __future__ import annotations

import shlex
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

from eval.rouge.perl_data import WORDNET_FILES
from eval.rouge.unicode import TOKENIZERS, Tokenizer


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
    # Not a perl option either: which WordNet file wins on shared keys (see WORDNET_FILES).
    wordnet_order: tuple[str, ...] = WORDNET_FILES
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
        if tokenizer not in TOKENIZERS:
            raise RougeOptionError(f"unknown tokenizer {tokenizer!r} (choose from {', '.join(TOKENIZERS)})")
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
