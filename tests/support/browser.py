"""Chromium for the page's tests and screenshots: Debian's `chromium` driven by Playwright.

Playwright's own browser download is not reachable from here, so the system build is launched
(`apt-get install -y chromium`, as `.ci/run` does); `CHROMIUM` names another executable.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page, Playwright


def chromium_path() -> Path | None:
    named = os.environ.get("CHROMIUM")
    if named:
        return Path(named) if Path(named).exists() else None
    for candidate in ("/usr/bin/chromium", shutil.which("chromium"), shutil.which("chromium-browser")):
        if candidate and Path(candidate).exists():
            return Path(candidate)
    return None


def unavailable() -> str | None:
    """Why no browser can run here, or None when one can."""
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the playwright package is not installed (pip install -e '.[test]')"
    if chromium_path() is None:
        return "no Chromium executable (apt-get install -y chromium, or set CHROMIUM)"
    return None


def launch(playwright: Playwright) -> Browser:
    """A headless Chromium from `chromium_path()`."""
    # Chromium's sandbox needs user namespaces that a root process in a container lacks.
    args = ["--no-sandbox"] if os.geteuid() == 0 else []
    return playwright.chromium.launch(executable_path=str(chromium_path()), args=args)


@contextmanager
def chromium() -> Iterator[Browser]:
    """A headless Chromium; closed on exit."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = launch(p)
        try:
            yield browser
        finally:
            browser.close()


def fill_articles(page: Page, articles: Sequence[Mapping[str, Any]]) -> None:
    """Type `articles` into the page's boxes as a user pastes them, adding boxes as needed."""
    for i, article in enumerate(articles):
        cards = page.locator("#articles > li")
        if cards.count() <= i:
            page.get_by_role("button", name="Add an article").click()
        card = cards.nth(i)
        card.get_by_label("Text or HTML").fill(article["text"])
        if article.get("title"):
            card.get_by_label("Title (optional)").fill(article["title"])
        if article.get("published"):
            card.get_by_label("Date (optional)").fill(str(article["published"])[:10])
