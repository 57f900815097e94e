"""Sentence boundaries against Universal Dependencies treebanks: boundary precision, recall and F1.

    python -m benchmarks.sentence_boundaries [--ud DIR] [--langs en de fr ru zh ja]

Each treebank file holds one document a line (`{lang, treebank, id, paragraphs: [[sentence, ...]]}`).
A paragraph's sentences are joined as the language writes running text: with a single space, and
with nothing between them in Chinese and Japanese (the treebanks' text has no space there; a space
would hand every splitter the boundary). A splitter is scored on where its sentences end
(character offsets, trailing whitespace left out) against where the treebank's sentences end. The
end of the paragraph is left out on both sides: every splitter gets it for free. Japanese GSD has
one sentence a document, so for a language without any multi-sentence paragraph the documents'
sentences are joined, in file order, into one text.

Splitters: this service's (`service.nlp.sentences.split_sentences`), plain syntok 1.4, and pysbd
(in the `eval` extra; reported as missing, not scored, when it is not installed). The scoring here
is the benchmark's own: it shares nothing with the service but the call to its splitter.

Targets, for the service's splitter in every language: F1 >= 0.97 and at least pysbd's F1. The
table is followed by one line a language saying whether both are met.
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

UD = Path(__file__).resolve().parents[2] / "shared" / "data" / "ud"
FILES = {
    "en": "en_ewt-dev.jsonl.gz",
    "de": "de_gsd-dev.jsonl.gz",
    "fr": "fr_gsd-dev.jsonl.gz",
    "ru": "ru_gsd-dev.jsonl.gz",
    "zh": "zh_gsd-dev.jsonl.gz",
    "ja": "ja_gsd-dev.jsonl.gz",
}
# Languages whose running text has no space between sentences.
NO_SPACE = frozenset({"zh", "ja"})
# Every language has a target: the service's F1 at least this, and at least pysbd's.
TARGETS = tuple(FILES)
TARGET_F1 = 0.97

# A splitter: a text in, the end offsets of its sentences out.
Splitter = Callable[[str], list[int]]


@dataclass(frozen=True)
class Paragraph:
    text: str
    ends: frozenset[int]  # where the treebank's sentences end, the paragraph's own end left out


def joiner(lang: str) -> str:
    """What stands between two sentences of a paragraph in `lang`'s running text."""
    return "" if lang in NO_SPACE else " "


def paragraphs(path: Path, lang: str) -> list[Paragraph]:
    """The file's multi-sentence paragraphs, joined as `lang` writes them; all its sentences as one
    text when it has none."""
    sep = joiner(lang)
    with gzip.open(path, "rt", encoding="utf-8") as f:
        docs = [json.loads(line) for line in f if line.strip()]
    groups = [p for d in docs for p in d["paragraphs"]]
    if all(len(p) < 2 for p in groups):
        groups = [[s for p in groups for s in p]]
    out = []
    for sentences in groups:
        if len(sentences) < 2:
            continue
        ends, at = [], 0
        for s in sentences:
            at += len(s)
            ends.append(at)
            at += len(sep)
        out.append(Paragraph(sep.join(sentences), frozenset(ends[:-1])))
    return out


def internal_ends(text: str, ends: list[int]) -> set[int]:
    """End offsets with trailing whitespace left out, less the end of the text itself."""
    last = len(text.rstrip())
    out = set()
    for e in ends:
        while e > 0 and text[e - 1].isspace():
            e -= 1
        if 0 < e < last:
            out.add(e)
    return out


@dataclass
class Score:
    true: int = 0
    predicted: int = 0
    gold: int = 0
    seconds: float = 0.0

    def add(self, gold: frozenset[int], predicted: set[int]) -> None:
        self.true += len(gold & predicted)
        self.predicted += len(predicted)
        self.gold += len(gold)

    @property
    def precision(self) -> float:
        return self.true / self.predicted if self.predicted else 0.0

    @property
    def recall(self) -> float:
        return self.true / self.gold if self.gold else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def service_splitter(lang: str) -> Splitter:
    from service.nlp.sentences import split_sentences

    return lambda text: [end for _, end in split_sentences(text)]


def syntok_splitter(lang: str) -> Splitter:
    from syntok.segmenter import analyze

    def split(text: str) -> list[int]:
        return [s[-1].offset + len(s[-1].value) for p in analyze(text) for s in p if s]

    return split


def pysbd_splitter(lang: str) -> Splitter:
    import pysbd  # type: ignore[import-untyped]

    segmenter = pysbd.Segmenter(language=lang, clean=False)

    def split(text: str) -> list[int]:
        # pysbd returns the sentences' text; they are found in order in the text.
        ends, at = [], 0
        for sentence in segmenter.segment(text):
            piece = sentence.strip()
            if not piece:
                continue
            found = text.find(piece, at)
            if found < 0:
                raise ValueError(f"pysbd changed the text: {piece[:60]!r}")
            at = found + len(piece)
            ends.append(at)
        return ends

    return split


SPLITTERS: dict[str, Callable[[str], Splitter]] = {
    "service": service_splitter,
    "syntok": syntok_splitter,
    "pysbd": pysbd_splitter,
}


def pysbd_installed() -> bool:
    try:
        import pysbd  # type: ignore[import-untyped]  # noqa: F401
    except ImportError:
        return False
    return True


def score(split: Splitter, paras: list[Paragraph]) -> Score:
    out = Score()
    started = time.perf_counter()
    for p in paras:
        out.add(p.ends, internal_ends(p.text, split(p.text)))
    out.seconds = time.perf_counter() - started
    return out


def row(lang: str, name: str, boundaries: int, s: Score) -> str:
    return (
        f"| {lang} | {name} | {boundaries} | {100 * s.precision:.1f} | {100 * s.recall:.1f}"
        f" | **{100 * s.f1:.1f}** | {s.seconds:.1f} |"
    )


def verdict(lang: str, scores: dict[str, Score]) -> str:
    """Whether the service's splitter meets `lang`'s targets: F1 >= TARGET_F1 and >= pysbd's."""
    if "service" not in scores:
        return f"{lang}: service not scored, targets not judged"
    f1 = scores["service"].f1
    floor = f1 >= TARGET_F1
    parts = [f"F1 {100 * f1:.1f} {'>=' if floor else '<'} {100 * TARGET_F1:.0f}"]
    if "pysbd" in scores:
        p = scores["pysbd"].f1
        beats = f1 >= p
        parts.append(f"{'>=' if beats else '<'} pysbd's {100 * p:.1f}")
        met = "met" if floor and beats else "NOT met"
    else:
        parts.append("pysbd not scored")
        met = "met (pysbd not judged)" if floor else "NOT met"
    return f"{lang}: {met} ({', '.join(parts)})"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.sentence_boundaries", description=__doc__)
    parser.add_argument("--ud", type=Path, default=UD, help="folder with the treebank files")
    parser.add_argument("--langs", nargs="+", choices=list(FILES), default=list(FILES))
    parser.add_argument("--splitters", nargs="+", choices=list(SPLITTERS), default=list(SPLITTERS))
    args = parser.parse_args(argv)
    out = sys.stdout
    names = list(args.splitters)
    if "pysbd" in names and not pysbd_installed():
        out.write("pysbd is not installed (pip install -e '.[eval]'): its rows are left out\n\n")
        names.remove("pysbd")
    out.write("| lang | splitter | boundaries | P | R | F1 | seconds |\n|---|---|---|---|---|---|---|\n")
    verdicts = []
    for lang in args.langs:
        paras = paragraphs(args.ud / FILES[lang], lang)
        n = sum(len(p.ends) for p in paras)
        scores: dict[str, Score] = {}
        for name in names:
            scores[name] = score(SPLITTERS[name](lang), paras)
            out.write(row(lang, name, n, scores[name]) + "\n")
            out.flush()
        if lang in TARGETS:
            verdicts.append(verdict(lang, scores))
    out.write(f"\ntargets (service: F1 >= {TARGET_F1:.2f} and >= pysbd's):\n")
    for line in verdicts:
        out.write(line + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
