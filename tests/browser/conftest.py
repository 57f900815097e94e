"""A real service process and a real Chromium for the page's tests.

Where no browser can run (no `playwright` package, no Chromium executable, or Chromium fails to
start) the tests skip and say why, except in CI (CI=true), where `.ci/run` installs Chromium and a
missing browser is a test failure, as for the docker tests.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import pytest

from tests.support.browser import launch, unavailable
from tests.support.servers import launch as launch_server

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

API_KEY = "page-test-key"


def _unavailable(reason: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(f"no browser could run in CI: {reason}")
    pytest.skip(f"no browser here: {reason}")


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    reason = unavailable()
    if reason:
        _unavailable(reason)
    from playwright.sync_api import Error, sync_playwright

    with sync_playwright() as p:
        try:
            chromium = launch(p)
        except Error as exc:
            _unavailable(f"Chromium did not start: {str(exc).splitlines()[0]}")
        yield chromium
        chromium.close()


def _server_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SUMMARIZER_")}
    return {**env, **extra}


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    """`python -m service` with the embedded engine and no API key: its URL."""
    with launch_server([sys.executable, "-m", "service"], _server_env()) as (url, _):
        yield url


@pytest.fixture(scope="module")
def keyed_server() -> Iterator[str]:
    """The same, with SUMMARIZER_API_KEY set to `API_KEY`."""
    with launch_server([sys.executable, "-m", "service"], _server_env(SUMMARIZER_API_KEY=API_KEY)) as (
        url,
        _,
    ):
        yield url


@dataclass
class Tab:
    """A page in a fresh browser context, with every request it made and every script error."""

    page: Page
    requests: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def open_tab(browser: Browser, width: int = 1280, height: int = 900) -> Tab:
    context = browser.new_context(viewport={"width": width, "height": height})
    tab = Tab(context.new_page())
    tab.page.on("request", lambda r: tab.requests.append(r.url))
    tab.page.on("pageerror", lambda e: tab.errors.append(str(e)))
    tab.page.set_default_timeout(15_000)
    return tab


@pytest.fixture
def tab(browser: Browser) -> Iterator[Tab]:
    opened = open_tab(browser)
    yield opened
    opened.page.context.close()
    assert opened.errors == [], "the page raised script errors"
