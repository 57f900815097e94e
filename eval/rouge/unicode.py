"""An opt-in ROUGE tokenizer for text in any script (`--rouge-tokenizer unicode`).

Both ROUGE conventions keep only ASCII letters and digits (the perl reads bytes; rouge-score keeps
[a-z0-9]), so Chinese, Arabic or Cyrillic text has no tokens and scores 0. This tokenizer:

- normalises to NFKC (full-width Latin and half-width kana become their usual forms) and lowercases;
- takes runs of Unicode word characters (`\\w` without the underscore, which both conventions treat
  as a separator), with combining marks kept inside a word (Devanagari vowel signs, Arabic
  harakat), so a word is not cut at its diacritics;
- makes each CJK ideograph, kana and Hangul syllable a token of its own: Chinese and Japanese are
  written without spaces, and character n-grams are the usual ROUGE units for them.

Stemming applies only to ASCII tokens, with the convention's own stemmer and length rule: the
stemmers are English. On ASCII text the tokens are therefore the convention's default tokens.
Scripts written without spaces other than CJK (Thai, Lao, Khmer, Myanmar) come out as one token per
run between spaces or punctuation; this tokenizer does not segment them.
"""

from __future__ import annotations

import re
import sys
import unicodedata
from collections.abc import Callable
from functools import cache
from typing import Literal

Tokenizer = Literal["default", "unicode"]
TOKENIZERS: tuple[Tokenizer, ...] = ("default", "unicode")

# Characters that are tokens on their own: CJK ideographs (unified, extensions A-H, compatibility),
# ideographic iteration/closing marks and number zero, kana (with the prolonged sound mark and
# phonetic extensions), and Hangul syllables.
CJK = (
    "\u3005-\u3007"  # 々 〆 〇
    "\u3040-\u309f"  # hiragana
    "\u30a0-\u30ff"  # katakana
    "\u31f0-\u31ff"  # katakana phonetic extensions
    "\u3400-\u4dbf"  # CJK extension A
    "\u4e00-\u9fff"  # CJK unified ideographs
    "\uac00-\ud7af"  # Hangul syllables
    "\uf900-\ufaff"  # CJK compatibility ideographs
    "\U00020000-\U0003134f"  # CJK extensions B-G, compatibility supplement
)
ASCII_WORD = re.compile(r"[a-z0-9]+")


@cache
def _pattern() -> re.Pattern[str]:
    """The token pattern; built on first use (listing the combining marks takes a moment)."""
    marks = []
    start = None
    for cp in range(sys.maxunicode + 2):
        is_mark = cp <= sys.maxunicode and unicodedata.category(chr(cp)).startswith("M")
        if is_mark and start is None:
            start = cp
        elif not is_mark and start is not None:
            marks.append(f"{_esc(start)}-{_esc(cp - 1)}" if cp - 1 > start else _esc(start))
            start = None
    word_char = f"[^\\W_{CJK}]"
    return re.compile(f"[{CJK}]|{word_char}(?:{word_char}|[{''.join(marks)}])*")


def _esc(cp: int) -> str:
    return f"\\U{cp:08x}"


def tokens(text: str) -> list[str]:
    """The text's tokens, lowercased, not stemmed."""
    return _pattern().findall(unicodedata.normalize("NFKC", text).lower())


def stem_ascii(words: list[str], stem: Callable[[str], str] | None) -> list[str]:
    """Stem the ASCII tokens longer than 3 characters (both conventions' rule); leave the rest."""
    if stem is None:
        return words
    return [stem(w) if len(w) > 3 and ASCII_WORD.fullmatch(w) else w for w in words]


_SPACED = re.compile(f"([{CJK}])")


def space_cjk(text: str) -> str:
    """CJK characters set apart by spaces, so whitespace word counts (the perl's -l) count them."""
    spaced = _SPACED.sub(r" \1 ", text)
    # No new leading space: the perl's split counts a leading empty field as a word.
    return spaced if text[:1].isspace() else spaced.lstrip()
