"""Words: the service's one word tokenizer, stemming, stopwords, and whitespace normalisation."""

from __future__ import annotations

import re
from functools import lru_cache

import regex
import snowballstemmer

# Letters and numbers of any script (news comes in every language), with the combining marks that
# write vowels and diacritics inside a word (Devanagari, Thai, Arabic harakat, Hebrew niqqud), and
# inner apostrophes, dots, ampersands and hyphens: U.S., o'clock, AT&T, x-ray. Python's `\w` leaves
# marks out, cutting "हिन्दी" into pieces: hence the `regex` module and its Unicode classes.
# A word starts with a letter or number; emoji presentation selectors (FE00-FE0F) and enclosing
# marks (the keycap of 1️⃣) are marks that belong to emoji, not to words.
_LETTER = r"[\p{L}\p{N}]"
_INSIDE = r"[\p{L}\p{N}[\p{M}--[\uFE00-\uFE0F\p{Me}]]]"  # (V1: nested sets and set difference)
WORD_RE = regex.compile(rf"{_LETTER}{_INSIDE}*(?:['’.&-]{_LETTER}{_INSIDE}*)*", regex.V1)
# WORD_RE on ASCII text, where letters and numbers are [A-Za-z0-9], there are no marks and no "’":
# the same words, found by `re` in a third of the time (most news text is ASCII).
ASCII_WORD_RE = re.compile(r"[A-Za-z0-9]+(?:['.&-][A-Za-z0-9]+)*")
# Quotation marks as news text writes them, PTB-style `` and '' included.
QUOTE_RE = re.compile(r"[\"“”]|``|''")

STOPWORDS = frozenset(
    """a about above after again against all also am an and any are aren't as at be because been
    before being below between both but by can can't cannot could couldn't did didn't do does doesn't
    doing don't down during each few for from further had hadn't has hasn't have haven't having he
    he'd he'll he's her here here's hers herself him himself his how how's i i'd i'll i'm i've if in
    into is isn't it it's its itself let's me more most mustn't my myself no nor not of off on once
    only or other ought our ours ourselves out over own same shan't she she'd she'll she's should
    shouldn't so some such than that that's the their theirs them themselves then there there's these
    they they'd they'll they're they've this those through to too under until up very was wasn't we
    we'd we'll we're we've were weren't what what's when when's where where's which while who who's
    whom why why's will with won't would wouldn't you you'd you'll you're you've your yours yourself
    yourselves said says say told mr mrs ms just one would like new s t""".split()
)

_stemmer = snowballstemmer.stemmer("english")


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    return str(_stemmer.stemWord(word))


# Every stage reads a sentence's words again (stems, concepts, names, the merge score): a
# sentence's tokens are found once. Only sentence-sized texts are kept, so the cache stays small
# (at most CACHED_ITEMS texts of CACHED_CHARS) whatever the requests hold.
CACHED_CHARS = 1_000
CACHED_ITEMS = 20_000


def words(text: str) -> tuple[str, ...]:
    """Word tokens (see `WORD_RE`): "U.S" (of "U.S."), "o'clock"; "1,200" is two words, 1 and 200."""
    return _words(text) if len(text) <= CACHED_CHARS else _find_words(text)


@lru_cache(maxsize=CACHED_ITEMS)
def _words(text: str) -> tuple[str, ...]:
    return _find_words(text)


def _find_words(text: str) -> tuple[str, ...]:
    return tuple((ASCII_WORD_RE if text.isascii() else WORD_RE).findall(text))


def count_words(text: str) -> int:
    """Length as people and ROUGE's -l count it: whitespace-separated tokens."""
    return len(text.split())


def stemmed(text: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The words of `text` lowered, and their stems (stopwords' too), in order.

    Sentence stems, concepts and the merge score all read them: found once per text, as `words`.
    """
    return _stemmed(text) if len(text) <= CACHED_CHARS else _stem_words(text)


@lru_cache(maxsize=CACHED_ITEMS)
def _stemmed(text: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    return _stem_words(text)


def _stem_words(text: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    if text.isascii():  # lowering keeps ASCII words where they were: lower once, then find them
        lowered = tuple(ASCII_WORD_RE.findall(text.lower()))
    else:
        lowered = tuple(w.lower() for w in words(text))
    return lowered, tuple(map(stem, lowered))


def content_stems(text: str) -> list[str]:
    lowered, stems = stemmed(text)
    return [s for w, s in zip(lowered, stems, strict=True) if w not in STOPWORDS]


# Zero-width and control characters: invisible in a browser, noise in a summary.
INVISIBLE = {
    c: None
    for c in (
        *range(0x00, 0x09),
        0x0B,
        0x0C,
        *range(0x0E, 0x20),
        0x7F,
        0x200B,
        0x200C,
        0x200D,
        0x2060,
        0xFEFF,
    )
}


# What `normalize_space` deletes. A text without any of these keeps its words when normalised
# (whitespace is never part of a word), so the two can share their cached words and stems.
INVISIBLE_RE = re.compile("[" + "".join(map(re.escape, map(chr, INVISIBLE))) + "]")


def normalize_space(text: str) -> str:
    return " ".join(text.translate(INVISIBLE).split())
