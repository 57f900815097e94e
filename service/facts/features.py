"""What makes a sentence fact-bearing: numbers, dates, names and quotes, as the service reads them."""

from __future__ import annotations

import re
from dataclasses import dataclass

from service.domain import SourceRef
from service.nlp.sentences import Sentence
from service.nlp.words import QUOTE_RE, STOPWORDS, proper_nouns, stemmed, words

# A number not glued to a word or another number: "1,200", "3.5"; in scripts written without
# spaces a number stands right after a character ("投资120亿元", "1200億円"). (The check on what
# precedes it comes after its first digit, so that `re` can skip straight to digits.)
NUMBER_RE = re.compile(
    r"\d(?<![\w.,]\d)\d*(?:[.,]\d+)*|(?<=[\u3005\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff])\d+(?:[.,]\d+)*"
)
MONTHS = frozenset(
    "january february march april may june july august september october november december "
    "jan feb mar apr jun jul aug sep sept oct nov dec".split()
)
WEEKDAYS = frozenset("monday tuesday wednesday thursday friday saturday sunday".split())
DATE_WORDS = MONTHS | WEEKDAYS


def numbers(text: str) -> set[str]:
    """Numbers as written, commas dropped so "1,200" and "1200" agree."""
    return {n.replace(",", "").rstrip(".") for n in NUMBER_RE.findall(text)}


def proper_names(text: str) -> set[str]:
    """Capitalised words that are not sentence-initial function words ("The", "But"); in Chinese
    and Japanese, which have no capitals, the names their segmenters tag (`proper_nouns`)."""
    names = set(proper_nouns(text))
    for i, w in enumerate(words(text)):
        if w[0].isupper() and w.lower() not in STOPWORDS and not (i == 0 and w.lower() in MONTHS):
            names.add(w)
    return names


@dataclass(frozen=True)
class FactFeatures:
    numbers: int
    dates: int
    names: int
    quote: bool

    @property
    def kinds(self) -> int:
        return (self.numbers > 0) + (self.dates > 0) + (self.names > 0) + self.quote


def features(sentence: Sentence) -> FactFeatures:
    lowered, _ = stemmed(sentence.text)
    return FactFeatures(
        numbers=len(numbers(sentence.text)),
        dates=sum(map(DATE_WORDS.__contains__, lowered)),
        names=len(proper_names(sentence.text)),
        quote=bool(QUOTE_RE.search(sentence.text)),
    )


def source_ref(s: Sentence) -> SourceRef:
    """Where a sentence stands in its article."""
    return SourceRef(article=s.article, sentence=s.index, start=s.start, end=s.end)
