"""Which language an article is written in: given by the request, declared by its page, or detected.

Detection is py3langid's (a maintained fork of langid.py: 97 languages, its model inside the
package, offline), on at most DETECT_CHARS characters of the article, so its cost is bounded
whatever the article's length (about 1 ms; the model loads once, in 1.5 s, at the service's
warm-up). A page's declared language (`<html lang>`) is a hint: it is taken when the detector
gives it some probability (a page in German that says so is German even where a short text looks
Dutch), and overruled when the text is plainly another language (templates that say "en" on every
page). Languages are ISO 639-1 codes ("de", "zh"), the primary subtag of BCP 47 tags.
"""

from __future__ import annotations

import re
import threading
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

# The detector reads this much of an article: enough for a sure answer on news text.
DETECT_CHARS = 2_000
# A declared language this probable (or more) by the detector's reading is taken as declared.
DECLARED_FLOOR = 0.05
# A BCP 47 tag as requests and pages write it: "de", "pt-BR", "zh-Hant-TW", "sr-Latn".
BCP47_RE = re.compile(r"^[A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8})*$")

Source = Literal["given", "declared", "detected"]


@dataclass(frozen=True)
class Language:
    code: str | None  # ISO 639-1 (the tag's primary subtag); None: no letters to read
    source: Source


def primary(tag: str) -> str:
    """The primary subtag of a BCP 47 tag, lowered: "pt-BR" -> "pt", "zh_Hant" -> "zh"."""
    return re.split(r"[-_]", tag.strip(), maxsplit=1)[0].lower()


class _Detector:
    """py3langid's identifier with normalised probabilities, loaded once on first use."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._ident: Any = None

    def get(self) -> Any:
        if self._ident is None:
            with self._lock:
                if self._ident is None:
                    from py3langid.langid import MODEL_FILE, LanguageIdentifier

                    self._ident = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
        return self._ident


_detector = _Detector()


def warm() -> None:
    """Load the detector's model now (the service's warm-up), not in a request."""
    _detector.get()


def detect(text: str) -> list[tuple[str, float]]:
    """The detector's languages for `text`, most probable first, with their probabilities."""
    sample = text[:DETECT_CHARS]
    if not any(c.isalpha() for c in sample):
        return []
    return [(lang, float(p)) for lang, p in _detector.get().rank(sample)]


def language_of(text: str, given: str | None = None, declared: str | None = None) -> Language:
    """The article's language: the request's tag when given, else the page's declared one when the
    detector does not rule it out, else the detector's."""
    if given:
        return Language(primary(given), "given")
    ranked = detect(text)
    if not ranked:
        return Language(primary(declared), "declared") if declared else Language(None, "detected")
    if declared:
        want = primary(declared)
        if any(lang == want and p >= DECLARED_FLOOR for lang, p in ranked):
            return Language(want, "declared")
    return Language(ranked[0][0], "detected")


def summary_language(languages: Sequence[str | None], asked: str | None = None) -> str | None:
    """The language a summary of articles in `languages` is written in: the one asked for, else
    the one most articles are in (among equals, the first article's)."""
    if asked:
        return asked
    known = [lang for lang in languages if lang]
    if not known:
        return None
    counts = Counter(known)
    return max(known, key=lambda lang: (counts[lang], -known.index(lang)))
