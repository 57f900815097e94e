"""Sentences with exact character offsets, word normalisation, and sentence similarity.

Everything downstream (summaries, key facts, grounding, input budgets) works on the `Sentence`
objects made here, so that every piece of output can point back at `article.text[start:end]`.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import snowballstemmer
import syntok.segmenter as segmenter

# Letters and digits of any script (news comes in every language), keeping inner apostrophes,
# dots and hyphens: U.S., 1,200, o'clock.
WORD_RE = re.compile(r"[^\W_]+(?:['’.&-][^\W_]+)*")
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


def words(text: str) -> list[str]:
    """Word tokens (letters/digits, keeping inner apostrophes, dots and hyphens: U.S., 1,200)."""
    return WORD_RE.findall(text)


def count_words(text: str) -> int:
    """Length as people and ROUGE's -l count it: whitespace-separated tokens."""
    return len(text.split())


def content_stems(text: str) -> list[str]:
    return [stem(w) for w in (t.lower() for t in words(text)) if w not in STOPWORDS]


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
MARKUP_RE = re.compile(r"<(?:[A-Za-z][A-Za-z0-9]*\b[^<>]*|/[A-Za-z][A-Za-z0-9]*\s*|!--.*?--)>", re.S)
HIDDEN_BLOCK_RE = re.compile(r"<(script|style|head|template)\b[^>]*>.*?</\1\s*>", re.S | re.I)
BREAKING_TAG_RE = re.compile(
    r"^</?(?:p|div|br|li|ul|ol|h[1-6]|tr|table|section|article|header|footer|blockquote)\b", re.I
)
ENTITY_RE = re.compile(r"&(?:#\d{1,7}|#x[0-9A-Fa-f]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")


def normalize_space(text: str) -> str:
    return " ".join(text.translate(INVISIBLE).split())


def visible_text(text: str) -> tuple[str, list[int] | None]:
    """HTML reduced to its visible text, and for each character its offset in `text`.

    Plain text comes back as it is (and no map). Tags are dropped (block tags become paragraph
    breaks), script/style blocks vanish, entities are decoded; offsets keep pointing into the
    markup as sent, so sources stay valid for the caller's original text.
    """
    if not MARKUP_RE.search(text):
        return text, None
    chars: list[str] = []
    where: list[int] = []
    pos = 0
    for m in re.finditer(
        f"{HIDDEN_BLOCK_RE.pattern}|{MARKUP_RE.pattern}|{ENTITY_RE.pattern}", text, re.S | re.I
    ):
        for k in range(pos, m.start()):
            chars.append(text[k])
            where.append(k)
        token = m.group(0)
        if token.startswith("&"):
            decoded = html.unescape(token)
            chars.extend(decoded)
            where.extend([m.start()] * len(decoded))
        elif BREAKING_TAG_RE.match(token) or HIDDEN_BLOCK_RE.match(token):
            chars.extend("\n\n")
            where.extend([m.start(), m.start()])
        pos = m.end()
    for k in range(pos, len(text)):
        chars.append(text[k])
        where.append(k)
    return "".join(chars), where


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Character spans of the sentences in `text`, from syntok (paragraph- and abbreviation-aware)."""
    spans: list[tuple[int, int]] = []
    for paragraph in segmenter.analyze(text):
        for sentence in paragraph:
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


def analyze(texts: Sequence[str]) -> list[list[Sentence]]:
    """Split each article into sentences with offsets, stripping leading datelines/bylines."""
    out: list[list[Sentence]] = []
    for a, original in enumerate(texts):
        text, where = visible_text(original)
        spans = split_sentences(text)
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
                    end=where[end - 1] + 1 if where else end,
                    text=normalize_space(raw),
                    stems=tuple(content_stems(raw)),
                    n_words=count_words(raw),
                    complete=bool(TERMINAL_RE.search(raw)) and "\n\n" not in raw,
                    position=i / max(1, len(spans)),
                )
            )
        out.append(sentences)
    return out


def tfidf_matrix(stem_lists: Sequence[Sequence[str]]) -> np.ndarray:
    """Rows: L2-normalised tf-idf vectors of the given stem lists (one per sentence)."""
    vocab: dict[str, int] = {}
    for stems in stem_lists:
        for t in stems:
            vocab.setdefault(t, len(vocab))
    m = np.zeros((len(stem_lists), max(1, len(vocab))), dtype=np.float32)
    for r, stems in enumerate(stem_lists):
        for t in stems:
            m[r, vocab[t]] += 1.0
    df = (m > 0).sum(axis=0)
    m *= np.log((1.0 + len(stem_lists)) / (1.0 + df)) + 1.0
    norms = np.linalg.norm(m, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return m / norms
