"""Which language a page declares, and which language a text is in (lingua, offline).

- A page's declared language is the `lang` (or `xml:lang`) attribute of its first `<html>` tag,
  else the data's metadata `lang`; only the primary subtag counts ("zh-TW" -> "zh", "en_US" ->
  "en"; the old "iw", "in", "ji" are "he", "id", "yi"; Norwegian "nb" and "nn" are "no").
- A text's language is lingua's pick among all the languages it knows (75, ISO 639-1), read from the
  text's first `DETECT_CHARS` characters; None when lingua cannot tell. A language lingua does not
  know (Burmese, for one) can never be detected: `known` says so, and the checker reports such a
  page's summary language as not judged rather than wrong.

lingua-language-detector comes with the `eval` extra; missing, it is an ImportError that says so.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import cached_property
from typing import Any

DETECT_CHARS = 3000

_HTML_TAG_RE = re.compile(r"<html\b[^>]*>", re.IGNORECASE)
_LANG_ATTR_RE = re.compile(
    r"""(?:^|\s)(?:xml:)?lang\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))""", re.IGNORECASE
)
_OLD_CODES = {"iw": "he", "in": "id", "ji": "yi", "nb": "no", "nn": "no"}


def primary(tag: str | None) -> str | None:
    """The primary subtag of a language tag, lower case and with old codes mapped; None for none."""
    if not tag:
        return None
    code = re.split(r"[-_\s]", tag.strip().lower(), maxsplit=1)[0]
    if not re.fullmatch(r"[a-z]{2,3}", code):
        return None
    return _OLD_CODES.get(code, code)


def html_lang(html: str) -> str | None:
    """The `lang` attribute of the page's first `<html>` tag, as written; None without one."""
    tag = _HTML_TAG_RE.search(html)
    if tag is None:
        return None
    attr = _LANG_ATTR_RE.search(tag.group(0)[5:])
    if attr is None:
        return None
    value = next(g for g in attr.groups() if g is not None).strip()
    return value or None


class Detector:
    """lingua's detector, built on first use (one a run), over all its languages or over `among`
    (ISO 639-1 codes): fewer languages load faster, and a text in a language left out is read as
    one of those kept."""

    def __init__(self, among: Sequence[str] | None = None) -> None:
        self.among = tuple(among) if among else None

    @cached_property
    def _lingua(self) -> Any:
        try:
            from lingua import IsoCode639_1, LanguageDetectorBuilder
        except ImportError as exc:
            raise ImportError(
                f"lingua-language-detector is needed to tell languages (pip install -e '.[eval]'): {exc}"
            ) from exc
        if self.among is None:
            return LanguageDetectorBuilder.from_all_languages().build()
        unknown = [c for c in self.among if primary(c) not in self.languages]
        if unknown:
            raise ValueError(f"lingua knows no language {', '.join(unknown)}")
        codes = [IsoCode639_1.from_str(c.lower()) for c in self.among]
        if len(codes) < 2:
            raise ValueError("lingua needs at least two languages to choose among")
        return LanguageDetectorBuilder.from_iso_codes_639_1(*codes).build()

    @cached_property
    def languages(self) -> frozenset[str]:
        """The primary subtags this detector can detect."""
        from lingua import Language

        every = frozenset(p for lang in Language.all() if (p := primary(lang.iso_code_639_1.name)))
        if self.among is None:
            return every
        return frozenset(p for c in self.among if (p := primary(c)) in every)

    def known(self, code: str | None) -> bool:
        return code is not None and code in self.languages

    def detect(self, text: str) -> str | None:
        """The language of `text` (primary subtag), None when lingua cannot tell or there is no text."""
        sample = text[:DETECT_CHARS]
        if not sample.strip():
            return None
        found = self._lingua.detect_language_of(sample)
        return primary(found.iso_code_639_1.name) if found is not None else None
