"""Sentences with exact character offsets.

Everything downstream (summaries, key facts, grounding, input budgets) works on the `Sentence`
objects made here, so that every piece of output can point back at `article.text[start:end]`.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Sequence
from dataclasses import dataclass

import syntok.segmenter as segmenter

from service.errors import check
from service.nlp.html import source_end, visible_text
from service.nlp.words import WORD_RE, content_stems, count_words, normalize_space

# Newswire datelines and bylines that lead a sentence: "WASHINGTON (AP) --", "PARIS _", "By Jane Doe".
DATELINE_RE = re.compile(
    r"\s*(?:[A-Z][A-Z.'\- ]{1,40}(?:,\s*[A-Z][A-Za-z.\- ]{1,30})?\s*(?:\([A-Za-z. ]{1,20}\))?\s*"
    r"(?:--|—|–|_)\s+"
    r"|\s*\([A-Z][A-Za-z. ]{1,20}\)\s*(?:--|—|–|_)\s+)"
)
# syntok does not end a sentence at a closing PTB-style quote (`.''`), which newswire corpora use.
PTB_QUOTE_END_RE = re.compile(r"(?<=[.!?]'')\s+(?=[A-Z`\"“])")
# syntok ends a sentence after "LISBON (AP)"; such a piece is glued back to the "-- ..." that follows.
DATELINE_PIECE_RE = re.compile(r"^[A-Z][A-Z.,'\- ]{1,40}(?:\([A-Za-z. ]{1,20}\))?$")
DASH_START_RE = re.compile(r"^(?:--|—|–|_)\s")
TERMINAL_RE = re.compile(r"""[.!?]["'’”)\]]*\s*$|[.!?]\s*(?:''|")\s*$""")


def split_sentences(text: str, stop: threading.Event | None = None) -> list[tuple[int, int]]:
    """Character spans of the sentences in `text`, from syntok (paragraph- and abbreviation-aware).

    `stop`, once set, ends the work (`Cancelled`): a long article takes a while to split.
    """
    spans: list[tuple[int, int]] = []
    for paragraph in segmenter.analyze(text):
        for sentence in paragraph:
            check(stop)
            tokens = list(sentence)
            if not tokens:
                continue
            start = tokens[0].offset
            end = tokens[-1].offset + len(tokens[-1].value)
            for m in PTB_QUOTE_END_RE.finditer(text, start, end):
                spans.append((start, m.start()))
                start = m.end()
            if text[start:end].strip():
                spans.append((start, end))
    merged: list[tuple[int, int]] = []
    for start, end in spans:
        if (
            merged
            and DASH_START_RE.match(text[start:end])
            and DATELINE_PIECE_RE.match(text[merged[-1][0] : merged[-1][1]])
        ):
            merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return merged


def fit_words(text: str, max_words: int) -> str:
    """`text` within `max_words` whitespace tokens: whole leading sentences, or a cut one plus "…"."""
    if count_words(text) <= max_words:
        return text
    kept: list[str] = []
    n = 0
    for start, end in split_sentences(text):
        k = count_words(text[start:end])
        if n + k > max_words:
            break
        kept.append(normalize_space(text[start:end]))
        n += k
    if kept:
        return " ".join(kept)
    return " ".join(text.split()[: max_words - 1]).rstrip(",;:") + " …"


@dataclass(frozen=True)
class Sentence:
    article: int
    index: int  # position within its article
    start: int
    end: int
    text: str  # whitespace-normalised text of article.text[start:end]
    stems: tuple[str, ...]  # content-word stems, in order
    n_words: int
    complete: bool  # ends like a sentence (not a headline, fragment or list item)
    position: float  # index / number of sentences in the article, in [0, 1)


def analyze(texts: Sequence[str], stop: threading.Event | None = None) -> list[list[Sentence]]:
    """Split each article into sentences with offsets, stripping leading datelines/bylines.

    `stop`, once set, ends the work (`Cancelled`).
    """
    out: list[list[Sentence]] = []
    for a, original in enumerate(texts):
        check(stop)
        text, where = visible_text(original)
        spans = split_sentences(text, stop)
        sentences: list[Sentence] = []
        for i, (start, end) in enumerate(spans):
            match = DATELINE_RE.match(text, start, end)
            if match and match.end() < end:
                start = match.end()
            raw = text[start:end]
            if not WORD_RE.search(raw):  # punctuation or symbols only: nothing to say
                continue
            sentences.append(
                Sentence(
                    article=a,
                    index=i,
                    # Offsets into the article as sent (for HTML, the span covers its markup).
                    start=where[start] if where else start,
                    end=source_end(original, where[end - 1]) if where else end,
                    text=normalize_space(raw),
                    stems=tuple(content_stems(raw)),
                    n_words=count_words(raw),
                    complete=bool(TERMINAL_RE.search(raw)) and "\n\n" not in raw,
                    position=i / max(1, len(spans)),
                )
            )
        out.append(sentences)
    return out
