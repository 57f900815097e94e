"""The checker's own word count, per language: how long a summary is for a reader of that language.

Nothing here comes from the service (its word count is what is measured):

- Chinese (`zh`): the words of jieba's segmentation (its default dictionary, precise mode);
- Japanese (`ja`): the tokens of janome's morphological analysis (its bundled IPADIC dictionary);
- every other language: runs of `\\w` (Unicode letters, digits and underscore), so "l'homme" is
  two words and "2,5" two.

In all three a token with no letter or digit (punctuation, spaces) is no word. jieba and janome
come with the `eval` extra; a missing one is an ImportError that says so, never a count by
another rule.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Callable
from functools import cache
from typing import Any

_WORD_RE = re.compile(r"\w+")
_HAS_WORD_RE = re.compile(r"\w")
_LOCK = threading.Lock()


def _missing(package: str, exc: ImportError) -> ImportError:
    return ImportError(f"{package} is needed to count words (pip install -e '.[eval]'): {exc}")


@cache
def _jieba() -> Any:
    try:
        import jieba
    except ImportError as exc:
        raise _missing("jieba", exc) from exc
    jieba.setLogLevel(logging.WARNING)  # its dictionary-loading notes go to stderr otherwise
    with _LOCK:
        jieba.initialize()
    return jieba


@cache
def _janome() -> Any:
    try:
        from janome.tokenizer import Tokenizer
    except ImportError as exc:
        raise _missing("janome", exc) from exc
    return Tokenizer()


def zh_words(text: str) -> list[str]:
    return [w for w in _jieba().lcut(text) if _HAS_WORD_RE.search(w)]


def ja_words(text: str) -> list[str]:
    return [w for w in _janome().tokenize(text, wakati=True) if _HAS_WORD_RE.search(w)]


def plain_words(text: str) -> list[str]:
    return _WORD_RE.findall(text)


WORDERS: dict[str, Callable[[str], list[str]]] = {"zh": zh_words, "ja": ja_words}


def words(text: str, lang: str) -> list[str]:
    """The words of `text` in `lang` (see the module docstring)."""
    return WORDERS.get(lang, plain_words)(text)


def count_words(text: str, lang: str) -> int:
    return len(words(text, lang))
