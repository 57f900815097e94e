"""Articles given as links (`{"url": ...}`) in the API: off by default; when the operator turns
them on, fetched within the request's deadline, every address checked by the guard.

The pages are served on 127.0.0.1 by a real server; the guard lets loopback through only where
the allow-list names it. Every connection is watched: one to anything but loopback fails.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from service.settings import Settings
from tests.support.app import serve
from tests.support.sites import Site, page, redirect, slow, watch_connections
from tests.support.sites import serve as serve_site

PAGE = (Path(__file__).parents[1] / "data" / "pages" / "harbour-talks.html").read_bytes()


@pytest.fixture(autouse=True)
def connections(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    return watch_connections(monkeypatch)


@pytest.fixture(scope="module")
def site() -> Iterator[Site]:
    routes = {
        "/harbour.html": page(PAGE),
        "/moved": redirect("/harbour.html"),
        "/to-metadata": redirect("http://169.254.169.254/latest/meta-data/"),
        "/big.html": page(b"<html><body>" + b"<p>Words of a page.</p>" * 2_000 + b"</body></html>"),
        "/slow.html": slow(5.0),
    }
    with serve_site(routes) as s:
        yield s


def links(**settings: Any) -> Settings:
    return Settings(fetch_urls=True, **settings)


def post(client: Any, *articles: dict[str, Any]) -> Any:
    return client.post("/v1/summarize", json={"articles": list(articles), "options": {"num_facts": 3}})


def test_links_are_off_by_default(site: Site, connections: list[Any]) -> None:
    with serve() as client:
        r = post(client, {"url": site.url("/harbour.html")})
    assert r.status_code == 422
    assert "does not fetch links (SUMMARIZER_FETCH_URLS is off)" in r.json()["error"]["message"]
    assert connections == []


def test_a_link_through_the_allow_list_is_fetched_and_read_as_a_page(site: Site) -> None:
    with serve(links(fetch_allow=["127.0.0.1/32"])) as client:
        r = post(
            client, {"url": site.url("/moved"), "id": "harbour"}, {"text": "Ferry talks resumed on Monday."}
        )
    assert r.status_code == 200, r.text
    data = r.json()
    (read,) = data["input"]["pages"]
    assert read["article"] == 0 and read["title"].startswith("Harbour talks resume")
    assert "26 people" not in read["text"] and "1,150 of its members" in read["text"]
    cited = [s for f in data["key_facts"] for s in f["sources"] if s["article"] == 0]
    assert cited and all(s["article_id"] == "harbour" for s in cited)
    assert "read" in data["timings_ms"]


@pytest.mark.parametrize(
    ("url", "refused"),
    [
        ("http://127.0.0.1:{port}/harbour.html", "127.0.0.1 is not a public address"),
        ("http://localhost:{port}/harbour.html", "is not a public address"),
        ("http://10.0.0.1/news.html", "10.0.0.1 is not a public address"),
        ("http://169.254.169.254/latest/meta-data/", "169.254.169.254 is not a public address"),
        ("http://[::ffff:127.0.0.1]:{port}/harbour.html", "is not a public address"),
    ],
)
def test_refused_addresses(url: str, refused: str, site: Site, connections: list[Any]) -> None:
    with serve(links()) as client:
        before = site.connections
        r = post(client, {"text": "Ferry talks resumed on Monday."}, {"url": url.format(port=site.port)})
    assert r.status_code == 422, r.text
    error = r.json()["error"]
    assert (
        error["code"] == "fetch_failed" and refused in error["message"] and "(article 1)" in error["message"]
    )
    assert "SUMMARIZER_FETCH_ALLOW" in error["message"]
    assert site.connections == before and connections == []  # refused before connecting


def test_a_redirect_to_a_refused_address_is_refused(site: Site) -> None:
    with serve(links(fetch_allow=["127.0.0.1/32"])) as client:
        r = post(client, {"url": site.url("/to-metadata")})
    assert r.status_code == 422
    assert "redirects to http://169.254.169.254" in r.json()["error"]["message"]


def test_a_page_too_big_is_413(site: Site) -> None:
    with serve(links(fetch_allow=["127.0.0.1/32"], fetch_max_bytes=10_000)) as client:
        r = post(client, {"url": site.url("/big.html")})
    assert r.status_code == 413
    assert r.json()["error"]["code"] == "payload_too_large" and "over the limit of 10000 bytes" in r.text


def test_a_slow_page_times_out_and_counts_toward_the_deadline(site: Site) -> None:
    # The fetch's own limit.
    with serve(links(fetch_allow=["127.0.0.1/32"], fetch_timeout_s=0.5)) as client:
        t0 = time.monotonic()
        r = post(client, {"url": site.url("/slow.html")})
        assert r.status_code == 422 and "timed out after 0.5 s" in r.text
        assert time.monotonic() - t0 < 3
    # The request's deadline, shorter than the fetch's limit: a 504 at the deadline.
    with serve(links(fetch_allow=["127.0.0.1/32"], request_timeout_s=0.5)) as client:
        t0 = time.monotonic()
        r = post(client, {"url": site.url("/slow.html")})
        assert r.status_code == 504, r.text
        assert time.monotonic() - t0 < 3
