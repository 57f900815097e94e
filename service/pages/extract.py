"""An article out of a web page: the page's main text, title, date and language, by trafilatura.

A whole HTML page (a doctype, or an `<html>`, `<head>` or `<body>` tag) is read through
trafilatura, the main-content extractor the field measures others against (docs/pages.md says
how it was chosen): navigation, asides, comments, teasers, share, consent and newsletter blocks,
forms, scripts, styles and SVG never reach the engine. The extracted blocks (paragraphs,
headings, list items, quotes) are joined with blank lines, so each ends its sentence. The text
read this way is what the engine reads and what sources index; the API returns it.

An HTML fragment (markup without a page around it: a pasted `<p>...</p>`) has no furniture to
strip: it is read in place as its visible text (`service.nlp.html`), as before.
"""

from __future__ import annotations

import logging
import re
import threading
from dataclasses import dataclass, field, replace
from datetime import datetime
from importlib.metadata import version
from typing import TYPE_CHECKING

from service.domain import Article, Page
from service.errors import InvalidInput, PayloadTooLarge, check

if TYPE_CHECKING:
    from lxml.html import HtmlElement
    from trafilatura.settings import Document

log = logging.getLogger(__name__)

# What makes a text a whole page rather than a fragment. The search stops at the first hit, and
# each alternative starts with a literal "<", so it is linear in the text.
PAGE_RE = re.compile(r"<(?:!doctype\s+html|html[\s>]|head[\s>]|body[\s>])", re.I)
# The page's declared language: <html lang="de-AT"> (a BCP 47 tag).
LANG_RE = re.compile(
    r"<html\b[^>]{0,2000}?\blang\s*=\s*[\"']?([A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{1,8}){0,3})", re.I
)
DATE_RE = re.compile(r"\d{4}-\d{2}-\d{2}")
BLOCK_SPLIT_RE = re.compile(r"\s*\n\s*")
MIN_BLOCK_WORDS = 4
MIN_BLOCK_CHARS = 20

EXTRACTOR = f"trafilatura {version('trafilatura')}"
# Publication dates come from the page's markup (meta tags, JSON-LD, <time>, the URL), the
# original date before a modified one; htmldate's search of free text is off, because a date
# feeds the chronological order and updates, and a guessed one would make an old figure newest.
DATE_PARAMS = {"original_date": True, "extensive_search": False}


def is_page(text: str) -> bool:
    """A whole HTML document (read through the extractor), not plain text or a fragment."""
    return PAGE_RE.search(text) is not None


@dataclass(frozen=True)
class PageText:
    text: str  # the article: its blocks joined by blank lines
    title: str | None
    published: datetime | None
    language: str | None
    elements: int  # HTML elements of the page


class ElementsOver(Exception):
    """A page with more HTML elements than its reader was allowed to read."""

    def __init__(self, elements: int) -> None:
        super().__init__(f"{elements} HTML elements")
        self.elements = elements


def _blocks(tree: HtmlElement | None, precision: bool) -> tuple[Document, list[str]] | None:
    """trafilatura's document and the article's blocks, or None when it finds no article."""
    import trafilatura
    from trafilatura.settings import Document

    if tree is None:
        return None
    try:
        doc = trafilatura.bare_extraction(
            tree,
            with_metadata=True,
            favor_precision=precision,
            include_comments=False,
            include_tables=False,
            include_images=False,
            date_extraction_params=DATE_PARAMS,
        )
    except Exception:  # a page that breaks the parser is the page's fault: a 422, not a 500
        log.warning("trafilatura failed on a page", exc_info=True)
        raise InvalidInput("the page could not be parsed") from None
    if not isinstance(doc, Document):  # None: nothing found (a dict only with as_dict=True)
        return None
    blocks = [b for b in BLOCK_SPLIT_RE.split((doc.text or "").strip()) if b]
    # With no article, trafilatura's fallbacks return what text there is: a menu's "Home", a
    # button. An article has a block of a clause at least, not a label (scripts without spaces
    # between words: by characters).
    if not any(len(b.split()) >= MIN_BLOCK_WORDS or len(b) >= MIN_BLOCK_CHARS for b in blocks):
        return None
    return doc, blocks


def extract(html: str, max_elements: int | None = None) -> PageText:
    """The main text and metadata of one page.

    Raises `InvalidInput` when it holds no article, `ElementsOver` when it has more than
    `max_elements` elements: the extractor's time grows faster than linearly with them (20,000
    paragraphs take ~6 s on one core, 150,000 links over a minute; real pages have under 10,000).
    """
    # Imported here: trafilatura loads its models and settings (~0.3 s), which plain-text
    # requests and the command line's --help never need.
    from trafilatura.utils import load_html

    try:
        tree = load_html(html)  # trafilatura's own parse (encoding, repairs), counted, then reused
    except Exception:
        log.warning("a page could not be parsed", exc_info=True)
        raise InvalidInput("the page could not be parsed") from None
    if tree is None:
        raise InvalidInput("no article text could be extracted from the page")
    elements = sum(1 for _ in tree.iter())
    if max_elements is not None and elements > max_elements:
        raise ElementsOver(elements)
    # Precision first: furniture left in becomes summary sentences and facts, while a paragraph
    # missed costs little (docs/pages.md). Where that finds no article, trafilatura's defaults.
    found = _blocks(tree, precision=True) or _blocks(load_html(html), precision=False)
    if found is None:
        raise InvalidInput("no article text could be extracted from the page")
    doc, blocks = found
    title = (doc.title or "").strip() or None
    published = None
    if doc.date and DATE_RE.fullmatch(doc.date):
        published = datetime.fromisoformat(doc.date)
    lang = LANG_RE.search(html)
    return PageText(
        text="\n\n".join(blocks),
        title=title,
        published=published,
        language=lang.group(1).replace("_", "-") if lang else None,
        elements=elements,
    )


WARM_PAGE = (
    "<!doctype html><html lang='en'><head><title>Warm-up</title></head><body><article>"
    "<p>The extractor reads one small page when the service starts, so that loading it is no"
    " request's cost.</p></article></body></html>"
)


def warm_extractor() -> None:
    """Load the extractor and run it once."""
    extract(WARM_PAGE)


def read_article(
    article: Article, which: str, budget: Budget, stop: threading.Event | None = None
) -> Article:
    """`article` as the engine reads it: a page's article text and metadata, anything else as sent.

    The caller's title and date win over the page's. `which` names the article in errors
    ("article 2"); `budget` is the request's allowance of HTML elements, which the page's take
    from. `stop`, once set, ends the work before extraction (`Cancelled`).
    """
    if not is_page(article.text):
        return article
    check(stop)
    try:
        page = extract(article.text, min(budget.per_page, budget.left))
    except InvalidInput as e:
        raise InvalidInput(f"{which} is an HTML page, but {e.message}") from None
    except ElementsOver as e:
        if e.elements > budget.per_page:
            raise PayloadTooLarge(
                f"{which} is a page of {e.elements} HTML elements; the limit is {budget.per_page}"
            ) from None
        raise PayloadTooLarge(
            f"the request's pages have more than {budget.total} HTML elements together (the limit)"
        ) from None
    budget.left -= page.elements
    return replace(
        article,
        text=page.text,
        title=article.title or page.title,
        published=article.published or page.published,
        page=Page(
            markup_chars=len(article.text),
            extractor=EXTRACTOR,
            title=page.title,
            published=page.published,
            language=page.language,
        ),
    )


@dataclass
class Budget:
    """How many HTML elements a request's pages may have: each, and all together."""

    per_page: int
    total: int
    left: int = field(init=False)

    def __post_init__(self) -> None:
        self.left = self.total
