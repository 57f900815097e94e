"""The checker's own reading of text: tokens, the summary's sentences, and a page's HTML.

Nothing here comes from the service (it is what the checker measures): the tokenizer, the sentence
split and the HTML reader are written for the checker alone.

- A token is a run of letters, digits and combining marks, after NFKC normalisation and case
  folding; punctuation and spaces separate tokens and are dropped. In scripts written without
  spaces between words (Han, Hiragana, Katakana, Thai, Lao, Khmer, Myanmar) every character, with
  the combining marks that follow it, is a token of its own: such sentences are counted in
  characters, not words.
- A summary's sentences (the service joins plain sentences with spaces) end at `.`, `!`, `?`, `…`
  or `؟`, with any closing quotes or brackets, followed by whitespace and then not by a lowercase
  letter; a `.` after a single letter (initials, "U.S.") or one of Mr, Mrs, Ms, Dr, Prof, St, Jr,
  Sr, Gen, Sen, Rep, Gov, Lt, Col, Sgt, Capt, No, vs ends none. `。`, `！`, `？`, Myanmar's `။`
  and the danda `।` (with their closing quotes) end a sentence whatever follows. Thai, Lao and
  Khmer sentences carry no such mark: a summary in them is scored as one unit.
- HTML is read with the standard library's `html.parser`: the visible text leaves out `script`,
  `style`, `noscript`, `template` and `title`, and block elements break lines; the headlines are
  the page's `<title>`, its `og:title` meta and its first `<h1>`.
"""

from __future__ import annotations

import unicodedata
from html.parser import HTMLParser

import regex

# Scripts whose words are not separated by spaces: one token per character.
_NO_SPACE = r"\p{Han}\p{Hiragana}\p{Katakana}\p{Thai}\p{Lao}\p{Khmer}\p{Myanmar}"
_TOKEN_RE = regex.compile(rf"[{_NO_SPACE}]\p{{M}}*|[[\p{{L}}\p{{N}}\p{{M}}]--[{_NO_SPACE}]]+", regex.V1)

_SPACES_RE = regex.compile(r"\s+")
_CLOSERS = "\"'”’»)\\]"
# A candidate end of sentence: its mark and closers, the whitespace after (group 1 ends the mark).
_END_RE = regex.compile(rf"([.!?…؟][{_CLOSERS}]*)(?:\s+|$)|([。！？။।][」』”’）{_CLOSERS}]*)\s*")
# The word a "." follows, when that "." ends no sentence.
_NO_END_BEFORE_DOT = regex.compile(
    r"(?:^|[\s(\"'“‘.])(?:\p{L}|mr|mrs|ms|dr|prof|st|jr|sr|gen|sen|rep|gov|lt|col|sgt|capt|no|vs)$",
    regex.I,
)


def tokens(text: str) -> list[str]:
    """The tokens of `text`, in order (see the module docstring)."""
    return _TOKEN_RE.findall(unicodedata.normalize("NFKC", text).casefold())


def split_sentences(summary: str) -> list[str]:
    """The sentences of a summary, in order, stripped; none for a blank summary."""
    sentences: list[str] = []
    start = 0
    for m in _END_RE.finditer(summary):
        if m.group(1) is not None:
            after = summary[m.end() : m.end() + 1]
            if after and after.islower():
                continue
            if m.group(1).startswith(".") and _NO_END_BEFORE_DOT.search(summary[start : m.start()]):
                continue
        sentence = summary[start : m.end()].strip()
        if sentence:
            sentences.append(sentence)
        start = m.end()
    rest = summary[start:].strip()
    if rest:
        sentences.append(rest)
    return sentences


# Elements whose text a reader never sees.
_HIDDEN = frozenset({"script", "style", "noscript", "template", "title"})
# Elements that start a new line, so that the words on either side stay apart.
_BLOCKS = frozenset(
    """address article aside blockquote br caption dd details dialog div dl dt fieldset figcaption
    figure footer form h1 h2 h3 h4 h5 h6 header hr li main nav ol p pre section summary table tbody
    td tfoot th thead tr ul""".split()
)


class _Reader(HTMLParser):
    """One pass over a page: its visible text and its headline candidates."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.hidden: dict[str, int] = {}
        self.title: list[str] | None = None  # collecting while inside the first <title>
        self.h1: list[str] | None = None  # collecting while inside the first <h1>
        self.h1_depth = 0
        self.headline: dict[str, str] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _HIDDEN:
            self.hidden[tag] = self.hidden.get(tag, 0) + 1
        if tag == "title" and "title" not in self.headline and self.title is None:
            self.title = []
        elif tag == "h1":
            if self.h1 is None and "h1" not in self.headline:
                self.h1 = []
            if self.h1 is not None:
                self.h1_depth += 1
        elif tag == "meta" and "og:title" not in self.headline:
            a = dict(attrs)
            if (a.get("property") or a.get("name") or "").lower() == "og:title" and a.get("content"):
                self.headline["og:title"] = a["content"] or ""
        if tag in _BLOCKS:
            self.parts.append("\n")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        # <br/>, <meta .../>: no content, so nothing to close.
        if tag not in _HIDDEN and tag != "h1":
            self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if self.hidden.get(tag):
            self.hidden[tag] -= 1
        if tag == "title" and self.title is not None:
            self.headline["title"] = " ".join("".join(self.title).split())
            self.title = None
        elif tag == "h1" and self.h1 is not None:
            self.h1_depth -= 1
            if self.h1_depth <= 0:
                self.headline["h1"] = " ".join("".join(self.h1).split())
                self.h1 = None
        if tag in _BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if self.title is not None:
            self.title.append(data)
        if self.h1 is not None:
            self.h1.append(data)
        if not any(self.hidden.values()):
            # Whitespace in markup is a space, as a browser shows it; lines come from blocks.
            self.parts.append(_SPACES_RE.sub(" ", data))


def _read(html: str) -> _Reader:
    reader = _Reader()
    reader.feed(html)
    reader.close()
    return reader


def visible_text(html: str) -> str:
    """The text a reader sees on the page: lines of text, blank lines and runs of spaces collapsed."""
    lines = (" ".join(line.split()) for line in "".join(_read(html).parts).splitlines())
    return "\n".join(line for line in lines if line)


def headlines(html: str) -> tuple[str, ...]:
    """The page's own headline candidates, non-empty and distinct: `<title>`, og:title, first `<h1>`."""
    found = _read(html).headline
    out: list[str] = []
    for key in ("title", "og:title", "h1"):
        text = " ".join(found.get(key, "").split())
        if text and text not in out:
            out.append(text)
    return tuple(out)
