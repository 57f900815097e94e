"""Reading the page sets: raw HTML with its ground-truth article text.

Three layouts, told apart by their fields (one JSON object a line, `.jsonl` or `.jsonl.gz`):

- `{id, url?, html, article_body}`: the article-extraction benchmark's pages; the truth is
  `article_body`;
- `{id, html, expected_article_html, metadata?}`: Mozilla Readability's test pages; the truth is
  the visible text of `expected_article_html` (read by `eval.pages.text.visible_text`); the
  metadata's `lang`, where it has one, is kept as `Page.lang`;
- `{id, html, expected_text}`: newspaper4k's test pages; the truth is `expected_text`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from eval.data import DataError, json_rows
from eval.pages.text import headlines, visible_text

Layout = Literal["article_body", "expected_article_html", "expected_text"]
LAYOUTS: tuple[Layout, ...] = ("article_body", "expected_article_html", "expected_text")


@dataclass(frozen=True)
class Page:
    """One web page as sent, and what the article on it says."""

    id: str
    html: str
    truth: str  # the ground-truth article text
    headlines: tuple[str, ...]  # the page's own <title>, og:title, first <h1>
    layout: Layout
    url: str | None = None
    lang: str | None = None  # the language the row's metadata gives, where it gives one


def _page(row: dict[str, Any], where: str) -> Page:
    layout = next((k for k in LAYOUTS if k in row), None)
    if layout is None:
        raise DataError(f"{where}: no ground truth: expected one of the fields {', '.join(LAYOUTS)}")
    if not isinstance(row.get("id"), str | int):
        raise DataError(f"{where}: field 'id' must be a string or an integer")
    for key in ("html", layout):
        if not isinstance(row.get(key), str):
            raise DataError(f"{where}: field {key!r} must be a string")
    html = row["html"]
    truth = visible_text(row[layout]) if layout == "expected_article_html" else row[layout]
    url = row.get("url")
    meta = row.get("metadata")
    lang = meta.get("lang") if isinstance(meta, dict) else None
    return Page(
        id=str(row["id"]),
        html=html,
        truth=truth,
        headlines=headlines(html),
        layout=layout,
        url=url if isinstance(url, str) else None,
        lang=lang if isinstance(lang, str) and lang.strip() else None,
    )


def load_pages(path: Path, limit: int | None = None) -> list[Page]:
    """The pages of a file, in file order (the first `limit` when given); ids must be unique."""
    pages: list[Page] = []
    for where, row in json_rows(path):
        if limit is not None and len(pages) >= limit:
            break
        pages.append(_page(row, where))
    if not pages:
        raise DataError(f"{path}: no pages")
    ids = [p.id for p in pages]
    if len(set(ids)) != len(ids):
        raise DataError(f"{path}: page ids are not unique")
    return pages
