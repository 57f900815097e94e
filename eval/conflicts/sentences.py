"""The harness's sentences of a cluster's articles, found again in the text, and each sentence's
short hash (`fingerprint`): how a label names a sentence without its text."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime

from eval.data import Example
from eval.rouge.lines import sentences

HASH_LENGTH = 8

Span = tuple[int, int]


def sentence_spans(text: str) -> list[Span]:
    """(start, end) of each of the harness's sentences (`eval.rouge.lines.sentences`) in `text`.

    The splitter gives sentences with their whitespace collapsed; each is found again in the text,
    in order, word by word, with only whitespace between its words.
    """
    spans: list[Span] = []
    at = 0
    for s in sentences(text):
        start = end = -1
        for word in s.split(" "):
            i = text.find(word, at if start < 0 else end)
            if i < 0 or (start >= 0 and not text[end:i].isspace()):
                # The splitter only drops whitespace; anything else is a bug to hear about.
                raise ValueError(f"sentence {len(spans)} not found in its text after offset {at}")
            start = i if start < 0 else start
            end = i + len(word)
        spans.append((start, end))
        at = end
    return spans


def normalise(text: str) -> str:
    return " ".join(text.split())


def fingerprint(text: str) -> str:
    """The first `HASH_LENGTH` hex digits of the sha1 of the whitespace-normalised sentence."""
    return hashlib.sha1(normalise(text).encode("utf-8")).hexdigest()[:HASH_LENGTH]


@dataclass(frozen=True)
class SplitArticle:
    """An article's text, as the system was sent it, with the harness's sentence spans."""

    text: str
    spans: tuple[Span, ...]
    date: datetime | None = None
    title: str | None = None

    def sentence(self, index: int) -> str:
        start, end = self.spans[index]
        return normalise(self.text[start:end])

    def locate(self, start: int, end: int) -> int | None:
        """The sentence holding most of [start, end) (the one holding `start` for an empty span)."""
        best, most = None, 0
        for i, (s, e) in enumerate(self.spans):
            overlap = min(e, end) - max(s, start) if end > start else int(s <= start < e)
            if overlap > most:
                best, most = i, overlap
        return best


def split_cluster(example: Example) -> tuple[SplitArticle, ...]:
    return tuple(
        SplitArticle(text=d.text, spans=tuple(sentence_spans(d.text)), date=d.date, title=d.title)
        for d in example.documents
    )
