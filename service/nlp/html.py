"""HTML articles: their visible text, with each character's offset in the markup as sent.

The markup is read by the standard library's `html.parser.HTMLParser`, which knows quoted
attributes, comments, declarations and script/style content. Text is only treated as HTML when it
carries a common HTML tag, a doctype or a comment, so plain text such as "<Reuters>" or "a < b"
stays as it was sent.
"""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

# What makes a text HTML: a doctype, a comment, or a tag of a common element.
HTML_HINT_RE = re.compile(
    r"<(?:!--|!doctype[\s>]|/?(?:html|head|body|title|meta|link|script|style|p|div|span|a|b|i|em|"
    r"strong|br|hr|img|ul|ol|li|h[1-6]|table|tr|td|th|section|article|header|footer|blockquote|"
    r"figure|figcaption|nav|main)(?:[\s/][^<>]*)?>)",
    re.I,
)
# Content a browser does not show; `head` also ends where a body element starts.
HIDDEN = frozenset({"script", "style", "head", "template"})
HEAD_CONTENT = frozenset(
    {"title", "meta", "link", "base", "style", "script", "noscript", "template", "basefont", "bgsound"}
)
BREAKING = frozenset(
    "p div br li ul ol h1 h2 h3 h4 h5 h6 tr table section article header footer blockquote".split()
)
# Inside SVG and MathML every tag is markup, whatever its name.
FOREIGN = frozenset({"svg", "math"})
# An SVG's accessible name and description: a browser shows neither ("Created with Sketch.").
FOREIGN_HIDDEN = frozenset({"title", "desc"})
# HTML's elements (current and obsolete). A tag of another name (`<Reuters>`) is shown as text,
# unless it is namespaced (`<o:p>` from word processors) or a custom element (`<news-card>`).
ELEMENTS = frozenset(
    """a abbr acronym address applet area article aside audio b base basefont bdi bdo bgsound big
    blink blockquote body br button canvas caption center cite code col colgroup data datalist dd del
    details dfn dialog dir div dl dt em embed fieldset figcaption figure font footer form frame
    frameset h1 h2 h3 h4 h5 h6 head header hgroup hr html i iframe image img input ins isindex kbd
    keygen label legend li link listing main map mark marquee math menu menuitem meta meter multicol
    nav nextid nobr noembed noframes noscript object ol optgroup option output p param picture
    plaintext portal pre progress q rb rp rt rtc ruby s samp script search section select slot small
    source spacer span strike strong style sub summary sup svg table tbody td template textarea tfoot
    th thead time title tr track tt u ul var video wbr xmp""".split()
)
# A `&#` that is not a character reference stops HTMLParser's scan (it does not resume past it),
# so the parser is given such an ampersand as "~", a plain character wherever it stands (not "#":
# "&&#;" would make a new "&#"); the visible characters are read from the original.
BAD_CHARREF_RE = re.compile(r"&(?=#(?![0-9]+[^0-9a-fA-F]|[xX][0-9a-fA-F]+[^0-9a-fA-F]))")
# What the parser leaves unread at the end for want of a character after it.
REFERENCE_END_RE = re.compile(r"&[0-9A-Za-z]*")


def visible_text(text: str) -> tuple[str, list[int] | None]:
    """HTML reduced to its visible text, and for each character its offset in `text`.

    Plain text comes back as it is (and no map). Tags are dropped (block tags become paragraph
    breaks), script/style/head/template content vanishes, entities are decoded (each decoded
    character maps to its reference's `&`); offsets keep pointing into the markup as sent, so
    sources stay valid for the caller's original text. Runs in time linear in the input.
    """
    visible, starts, _ = visible_spans(text)
    return visible, starts


def visible_spans(text: str) -> tuple[str, list[int] | None, list[int] | None]:
    """`visible_text`, plus for each visible character where its source ends in `text`.

    A decoded reference's characters end after the whole `&...;`, so a sentence ending in one
    still covers all of it.
    """
    if not HTML_HINT_RE.search(text):
        return text, None, None
    reader = _VisibleText(text)
    reader.read()
    return "".join(reader.chars), reader.where, reader.ends


class _VisibleText(HTMLParser):
    """Collects visible characters and their offsets while `HTMLParser` walks the markup."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=False)
        self.text = text
        self.line_starts = [0, *(m.end() for m in re.finditer("\n", text))]
        self.chars: list[str] = []
        self.where: list[int] = []
        self.ends: list[int] = []  # where each visible character's source ends
        self.in_head = False
        self.in_raw = False  # inside script or style
        self.templates = 0
        self.hidden = False  # any of the three above
        self.foreign = 0  # depth inside svg/math
        self.foreign_hidden = 0  # depth inside an svg's title/desc

    def read(self) -> None:
        self.feed(BAD_CHARREF_RE.sub("~", self.text))
        # The parser stops, without consuming, at a construct that runs to the end of the input.
        rest = len(self.rawdata)
        self.rawdata = ""
        if not rest or self.in_raw:  # all read, or an unclosed script/style: hidden to the end
            return
        start = len(self.text) - rest
        if REFERENCE_END_RE.fullmatch(self.text, start):  # "&" or "&amp" at the very end
            self._reference(start, len(self.text))
        elif rest == 1 or not self.text.startswith("<", start):  # a lone "<" at the very end
            self._keep(start, len(self.text))  # (or a stop the parser has not been known to make)
        # Otherwise an unclosed comment, declaration or tag: as in a browser, it swallows the rest.

    def _offset(self) -> int:
        """Where the event being handled starts in the text."""
        line, column = self.getpos()
        return self.line_starts[line - 1] + column

    def _keep(self, start: int, end: int) -> None:
        """The original characters text[start:end], shown as they are."""
        if not self.hidden:
            self.chars.append(self.text[start:end])
            self.where += range(start, end)
            self.ends += range(start + 1, end + 1)

    def _reference(self, start: int, end: int) -> None:
        """A character reference text[start:end], decoded; its characters map to the `&`."""
        raw = self.text[start:end]
        decoded = html.unescape(raw)
        if decoded == raw:  # not a reference after all (`&T`, `&foo;`): keep it as written
            self._keep(start, end)
        elif not self.hidden:
            self.chars.append(decoded)
            self.where += [start] * len(decoded)
            self.ends += [end] * len(decoded)

    def _break(self, at: int) -> None:
        if not self.hidden:
            self.chars.append("\n\n")
            self.where += (at, at)
            self.ends += (at + 1, at + 1)

    def _is_markup(self, tag: str) -> bool:
        return tag in ELEMENTS or self.foreign > 0 or ":" in tag or "-" in tag

    # HTMLParser's events. Comments, declarations (doctype, CDATA) and processing instructions
    # are not shown: the base class's handlers for them do nothing.

    def handle_data(self, data: str) -> None:
        start = self._offset()
        self._keep(start, start + len(data))

    def handle_entityref(self, name: str) -> None:
        start = self._offset()
        end = start + 1 + len(name)
        self._reference(start, end + self.text.startswith(";", end))

    def handle_charref(self, name: str) -> None:
        start = self._offset()
        end = start + 2 + len(name)
        self._reference(start, end + self.text.startswith(";", end))

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._start(tag, closed=False)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._start(tag, closed=True)  # once: <br/> is one break, not two

    def _start(self, tag: str, closed: bool) -> None:
        at = self._offset()
        if not self._is_markup(tag):
            self._keep(at, at + len(self.get_starttag_text() or ""))
            return
        if self.in_head and tag not in HEAD_CONTENT:
            self.in_head = False  # a body element ends an unclosed head
        if tag in HIDDEN and not closed:
            self._break(at)  # text before and after a hidden block does not run together
            if tag == "head":
                self.in_head = True
            elif tag == "template":
                self.templates += 1
            else:  # script, style: the parser reads their content as raw text up to the end tag
                self.in_raw = True
        elif tag in FOREIGN and not closed:
            self.foreign += 1
        elif self.foreign and tag in FOREIGN_HIDDEN and not closed:
            self.foreign_hidden += 1
        elif tag in BREAKING:
            self._break(at)
        self._update_hidden()

    def _update_hidden(self) -> None:
        self.hidden = self.in_head or self.in_raw or self.templates > 0 or self.foreign_hidden > 0

    def handle_endtag(self, tag: str) -> None:
        at = self._offset()
        if not self._is_markup(tag):
            self._keep(at, self.text.find(">", at) + 1)
            return
        if tag == "head":
            self.in_head = False
        elif tag == "template":
            self.templates = max(0, self.templates - 1)
        elif tag in ("script", "style"):
            self.in_raw = False
        elif tag in FOREIGN:
            self.foreign = max(0, self.foreign - 1)
            if not self.foreign:
                self.foreign_hidden = 0  # an unclosed <title> ends with its svg
        elif self.foreign and tag in FOREIGN_HIDDEN:
            self.foreign_hidden = max(0, self.foreign_hidden - 1)
        elif tag in BREAKING:
            self._break(at)
        self._update_hidden()

    def parse_marked_section(self, i: int, report: int = 1) -> int:
        """`<![...` as browsers read it in HTML: a bogus comment up to the next `>`.

        (The base class raises on marked sections it does not know, such as `<![x`.)
        """
        end = self.rawdata.find(">", i + 3)
        if end < 0:
            return -1
        if report:
            self.unknown_decl(self.rawdata[i + 3 : end])
        return end + 1
