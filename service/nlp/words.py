"""Words: the service's one word tokenizer, stemming, stopwords, and whitespace normalisation.

Scripts written without spaces between words get a segmenter: Chinese rjieba (jieba's dictionary
and algorithm, in Rust), Japanese SudachiPy with its small dictionary (the finest of its three
splits, about the grain of a Japanese dictionary's words), so a word budget and word-based concepts
mean the same there as in English. Stems and stopwords follow each word's script: English rules
for Latin script (see the note at STOPWORDS), Snowball's Russian, Greek, Arabic and Hindi stemmers
for Cyrillic, Greek, Arabic and Devanagari words, and stopwords-iso's lists for those scripts and
for Chinese, Japanese, Korean, Hebrew and Thai.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable, Iterator
from functools import lru_cache
from typing import Any

import regex
import snowballstemmer
import stopwordsiso

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

_ENGLISH_STOPWORDS = frozenset(
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
# Languages whose script no other listed language writes: their stopwords cannot be an English
# content word, so one set serves every text. Latin-script languages (German "die", "war") would
# clash with English and need the article's language first (not done yet).
_SCRIPT_STOPWORD_LANGUAGES = ("zh", "ja", "ko", "ru", "uk", "bg", "el", "ar", "fa", "hi", "he", "th")
_LATIN_RE = regex.compile(r"\p{Latin}")
STOPWORDS = _ENGLISH_STOPWORDS | frozenset(
    w
    for lang in _SCRIPT_STOPWORD_LANGUAGES
    for w in stopwordsiso.stopwords(lang)
    # Words of their script only: the lists also hold ASCII digits and punctuation ("1", "$"), and a
    # stray Latin letter in a Cyrillic list ("c" for "с").
    if not _LATIN_RE.search(w) and not any(c.isascii() for c in w)
)

# A word's stemmer by the script of its first letter; Latin script (and any other) is English's.
_SCRIPT_STEMMERS = {
    "Cyrillic": "russian",
    "Greek": "greek",
    "Arabic": "arabic",
    "Devanagari": "hindi",
}
_SCRIPT_RE = {name: regex.compile(rf"\p{{{name}}}") for name in _SCRIPT_STEMMERS}
_english = snowballstemmer.stemmer("english")
_stemmers = {name: snowballstemmer.stemmer(lang) for name, lang in _SCRIPT_STEMMERS.items()}


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    if word[:1].isascii():
        return str(_english.stemWord(word))
    for name, pattern in _SCRIPT_RE.items():
        if pattern.match(word):
            return str(_stemmers[name].stemWord(word))
    return str(_english.stemWord(word))


# --- scripts without spaces ------------------------------------------------------------------
# Han, kana, the prolonged-sound mark and the iteration mark: runs a segmenter splits into words.
UNSPACED_RE = regex.compile(r"[\p{Han}\p{Hiragana}\p{Katakana}\u30fc\u3005]")
_KANA_RE = regex.compile(r"[\p{Hiragana}\p{Katakana}]")
# A segmenter reads at most this many characters at once (SudachiPy refuses inputs over ~49 kB);
# longer runs are cut into pieces of this size, a word at a cut is split in two.
SEGMENT_CHARS = 2_000


class _Segmenters:
    """The two segmenters, loaded on first use (rjieba 0.5 s, Sudachi 0.2 s); Sudachi's tokenizer
    is not thread-safe, so each thread has its own (one for words, one with parts of speech), over
    one shared dictionary."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._jieba: Any = None  # the rjieba module
        self._sudachi: Any = None
        self._mode: Any = None
        self._local = threading.local()

    def _rjieba(self) -> Any:
        if self._jieba is None:
            with self._lock:
                if self._jieba is None:
                    import rjieba

                    self._jieba = rjieba
        return self._jieba

    def _tokenizer(self, fields: frozenset[str]) -> Any:
        tokenizers = self._local.__dict__.setdefault("tokenizers", {})
        if fields not in tokenizers:
            with self._lock:
                if self._sudachi is None:
                    from sudachipy import Dictionary, SplitMode

                    self._sudachi = Dictionary(dict="small")
                    self._mode = SplitMode.A
            tokenizers[fields] = self._sudachi.tokenizer(mode=self._mode, fields=set(fields))
        return tokenizers[fields]

    def chinese(self, text: str) -> list[str]:
        return list(self._rjieba().cut(text))

    def japanese(self, text: str) -> list[str]:
        return [m.surface() for m in self._tokenizer(frozenset({"surface"})).tokenize(text)]

    def chinese_tagged(self, text: str) -> list[tuple[str, str]]:
        """(word, jieba part-of-speech tag) pairs: "nr" a person, "ns" a place, "nt" a body."""
        return list(self._rjieba().tag(text))

    def japanese_tagged(self, text: str) -> list[tuple[str, str]]:
        """(word, Sudachi's part-of-speech subclass) pairs: "固有名詞" a proper noun."""
        tokenizer = self._tokenizer(frozenset({"surface", "pos"}))
        return [(m.surface(), m.part_of_speech()[1]) for m in tokenizer.tokenize(text)]


_segmenters = _Segmenters()


_CHINESE_NAME_TAGS = frozenset({"nr", "nrt", "nrfg", "ns", "nt", "nz"})


def proper_nouns(text: str) -> tuple[str, ...]:
    """Names in the Chinese or Japanese runs of `text` by their segmenter's part of speech: what
    capital letters tell in scripts that have them (jieba's person, place, body and other-name
    tags; Sudachi's proper nouns)."""
    if not UNSPACED_RE.search(text):
        return ()
    # Sentence-sized texts only are kept, as `words` keeps them.
    return _proper_nouns(text) if len(text) <= CACHED_CHARS else _find_proper_nouns(text)


@lru_cache(maxsize=20_000)
def _proper_nouns(text: str) -> tuple[str, ...]:
    return _find_proper_nouns(text)


def _find_proper_nouns(text: str) -> tuple[str, ...]:
    japanese = _KANA_RE.search(text) is not None
    out: list[str] = []
    for piece in _pieces(r for r in WORD_RE.findall(text) if UNSPACED_RE.search(r)):
        if japanese:
            out.extend(w for w, pos in _segmenters.japanese_tagged(piece) if pos == "固有名詞")
        else:
            out.extend(w for w, tag in _segmenters.chinese_tagged(piece) if tag in _CHINESE_NAME_TAGS)
    return tuple(out)


def _pieces(runs: Iterable[str]) -> Iterator[str]:
    """Runs of unspaced script in pieces a segmenter reads at once (`SEGMENT_CHARS`)."""
    for run in runs:
        for at in range(0, len(run), SEGMENT_CHARS):
            yield run[at : at + SEGMENT_CHARS]


def segment(run: str, japanese: bool) -> list[str]:
    """The words of a run of unspaced script (a WORD_RE token with Han or kana in it), punctuation
    left out; Japanese with Sudachi, otherwise (Chinese) with rjieba."""
    cut = _segmenters.japanese if japanese else _segmenters.chinese
    return [w for piece in _pieces([run]) for w in cut(piece) if WORD_RE.fullmatch(w)]


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
    if text.isascii():
        return tuple(ASCII_WORD_RE.findall(text))
    found = WORD_RE.findall(text)
    if not UNSPACED_RE.search(text):
        return tuple(found)
    # Japanese writes kana in nearly every sentence; Han without kana is read as Chinese.
    japanese = _KANA_RE.search(text) is not None
    out: list[str] = []
    for w in found:
        if UNSPACED_RE.search(w):
            out.extend(segment(w, japanese))
        else:
            out.append(w)
    return tuple(out)


def count_words(text: str) -> int:
    """Length as people and ROUGE's -l count it: whitespace-separated tokens; in scripts written
    without spaces, a token counts the words the segmenter finds in it (at least one)."""
    if text.isascii() or not UNSPACED_RE.search(text):
        return len(text.split())
    return sum(max(1, len(words(t))) if UNSPACED_RE.search(t) else 1 for t in text.split())


def cut_words(text: str, n: int) -> str:
    """The shortest start of `text` that holds its first `n` words as `count_words` counts them."""
    if n <= 0:
        return ""
    tokens = list(re.finditer(r"\S+", text))
    for m in tokens:
        token = m.group(0)
        if not UNSPACED_RE.search(token):
            n -= 1
            if n == 0:
                return text[: m.end()]
            continue
        found = words(token)
        if len(found) < n:
            n -= max(1, len(found))
            if n <= 0:
                return text[: m.end()]
            continue
        at = 0  # the n-th word's end inside the token
        for w in found[:n]:
            at = token.index(w, at) + len(w)
        return text[: m.start() + at]
    return text


def stemmed(text: str, language: str | None = None) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The words of `text` lowered, and their stems (stopwords' too), in order.

    Sentence stems, concepts and the merge score all read them: found once per text, as `words`.
    `language` (ISO 639-1) picks the Snowball stemmer of a Latin-script language (`for_language`);
    None or "en" is English, as every text was read before languages were told apart.
    """
    if language == "en":
        language = None
    if len(text) <= CACHED_CHARS:
        return _stemmed(text, language)
    return _stem_words(text, language)


@lru_cache(maxsize=CACHED_ITEMS)
def _stemmed(text: str, language: str | None) -> tuple[tuple[str, ...], tuple[str, ...]]:
    return _stem_words(text, language)


def _stem_words(text: str, language: str | None) -> tuple[tuple[str, ...], tuple[str, ...]]:
    if text.isascii():  # lowering keeps ASCII words where they were: lower once, then find them
        lowered = tuple(ASCII_WORD_RE.findall(text.lower()))
    else:
        lowered = tuple(w.lower() for w in words(text))
    if language is None:
        return lowered, tuple(map(stem, lowered))
    return lowered, tuple(map(for_language(language).stem, lowered))


def content_stems(text: str, language: str | None = None) -> list[str]:
    lowered, stems = stemmed(text, language)
    stop = stopwords_for(language)
    return [s for w, s in zip(lowered, stems, strict=True) if w not in stop]


def stopwords_for(language: str | None) -> frozenset[str]:
    """The stopwords of a text in `language` (None or "en": English's and the other scripts')."""
    return STOPWORDS if language in (None, "en") else for_language(language).stopwords


# ISO 639-1 codes of the languages Snowball stems (its Porter variants left out).
SNOWBALL = {
    "ar": "arabic", "hy": "armenian", "eu": "basque", "ca": "catalan", "cs": "czech", "da": "danish",
    "nl": "dutch", "en": "english", "eo": "esperanto", "et": "estonian", "fi": "finnish",
    "fr": "french", "de": "german", "el": "greek", "hi": "hindi", "hu": "hungarian",
    "id": "indonesian", "ga": "irish", "it": "italian", "lt": "lithuanian", "ne": "nepali",
    "no": "norwegian", "nb": "norwegian", "nn": "norwegian", "fa": "persian", "pl": "polish",
    "pt": "portuguese", "ro": "romanian", "ru": "russian", "sr": "serbian", "es": "spanish",
    "sv": "swedish", "ta": "tamil", "tr": "turkish", "yi": "yiddish",
}  # fmt: skip


class LanguageWords:
    """How words of one (non-English) language are stemmed and which are stopwords: its Snowball
    stemmer for words of its own script, the script's stemmer (`stem`) for words of another; no
    stemming where Snowball has no stemmer for it. Stopwords: stopwords-iso's list for it, and the
    lists of the other scripts (a Chinese name in a German text is still read as Chinese)."""

    def __init__(self, language: str) -> None:
        name = SNOWBALL.get(language)
        self._stemmer = snowballstemmer.stemmer(name) if name else None
        own = stopwordsiso.stopwords(language) if stopwordsiso.has_lang(language) else set()
        self.stopwords = frozenset(own) | (STOPWORDS - _ENGLISH_STOPWORDS)
        self._cache: dict[str, str] = {}

    def stem(self, word: str) -> str:
        out = self._cache.get(word)
        if out is None:
            if self._stemmer is None:
                out = word if word[:1].isascii() or _LATIN_RE.match(word) else stem(word)
            elif word[:1].isascii() or _LATIN_RE.match(word) or not _script_stemmer(word):
                out = str(self._stemmer.stemWord(word))
            else:
                out = stem(word)
            if len(self._cache) < 200_000:
                self._cache[word] = out
        return out


def _script_stemmer(word: str) -> bool:
    """Whether `stem` has a stemmer of the word's own (non-Latin) script."""
    return any(pattern.match(word) for pattern in _SCRIPT_RE.values())


@lru_cache(maxsize=64)
def for_language(language: str) -> LanguageWords:
    return LanguageWords(language)


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
