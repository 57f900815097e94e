"""An opt-in ROUGE tokenizer for text in any script (`--rouge-tokenizer unicode`).

Both ROUGE conventions keep only ASCII letters and digits (the perl reads bytes; rouge-score keeps
[a-z0-9]), so Chinese, Arabic or Cyrillic text has no tokens and scores 0. This tokenizer:

- normalises to NFKC (full-width Latin and half-width kana become their usual forms) and lowercases;
- takes runs of Unicode letters and numbers (not the underscore, which both conventions treat as a
  separator), with combining marks kept inside a word (Devanagari vowel signs, Arabic harakat), so
  a word is not cut at its diacritics;
- makes each CJK ideograph, kana and Hangul syllable a token of its own: Chinese and Japanese are
  written without spaces, and character n-grams are the usual ROUGE units for them.

Stemming applies only to ASCII tokens, with the convention's own stemmer and length rule: the
stemmers are English. On ASCII text the tokens are therefore the convention's default tokens.
Scripts written without spaces other than CJK (Thai, Lao, Khmer, Myanmar) come out as one token per
run between spaces or punctuation; this tokenizer does not segment them.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from typing import Literal

import regex

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


# A token: one CJK character, or a letter or number followed by letters, numbers and combining
# marks (Python's `\w` has no marks, hence the `regex` module's Unicode classes; V1 for `--`).
_LETTER = rf"[[\p{{L}}\p{{N}}]--[{CJK}]]"
TOKEN = regex.compile(rf"[{CJK}]|{_LETTER}[\p{{M}}{_LETTER}]*", regex.V1)


def tokens(text: str) -> list[str]:
    """The text's tokens, lowercased, not stemmed."""
    return TOKEN.findall(unicodedata.normalize("NFKC", text).lower())


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
