"""Whole HTML pages: the article read out of them, nothing of the page around it, within limits.

The page in tests/data/pages/ is project-written: an article with the furniture real news pages
carry around it (consent banner, navigation, share widgets with SVG titles, a "Read more" teaser
about another story, a newsletter pitch, an author bio, "Most read", comments, a data credit).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from service.settings import Settings
from tests.support.app import serve

PAGE = (Path(__file__).parents[1] / "data" / "pages" / "harbour-talks.html").read_text(encoding="utf-8")
# The article's own paragraphs and headline, as a reader sees them.
ARTICLE = [
    "Harbour talks resume in Valmora as ferry strike enters third week",
    *(re.sub(r"\s+", " ", p) for p in re.findall(r"<article>.*?</article>", PAGE, re.S)[0].split("<p>")[1:]),
]
ARTICLE_TEXT = " ".join(re.sub(r"<[^>]+>", "", p) for p in ARTICLE)
# What surrounds the article on the page, none of which may reach the answer.
FURNITURE = [
    "cookies",
    "Subscribe",
    "Sign in",
    "browser",
    "Fill 2 Copy",
    "Sketch",
    "Share",
    "26 people",
    "Shelling",
    "newsletter",
    "Sign up",
    "joined the paper",
    "Photo:",
    "Storm warning",
    "tram line",
    "Gerrit",
    "Crew safety matters",
    "quotes provided",
    "All rights reserved",
]


def summarize(client: TestClient, *articles: dict[str, object], **options: int) -> dict[str, object]:
    r = client.post("/v1/summarize", json={"articles": list(articles), "options": options})
    assert r.status_code == 200, r.text
    return r.json()


def test_only_the_article_reaches_the_answer(client: TestClient) -> None:
    data = summarize(client, {"text": PAGE}, max_words=200, num_facts=10)
    (page,) = data["input"]["pages"]
    for junk in FURNITURE:
        assert junk not in page["text"], junk
        assert junk not in data["summary"], junk
        for fact in data["key_facts"]:
            assert junk not in fact["text"], junk
    # Every fact is the article's, and its source is its sentence in the text the answer returns.
    assert len(data["key_facts"]) >= 3
    for fact in data["key_facts"]:
        assert fact["text"] in ARTICLE_TEXT
        (src,) = fact["sources"]
        assert " ".join(page["text"][src["start"] : src["end"]].split()) == fact["text"]
    assert "1,150 of its members" in data["summary"] + " ".join(f["text"] for f in data["key_facts"])


def test_the_page_fills_title_and_date_and_the_caller_wins(client: TestClient) -> None:
    data = summarize(client, {"text": PAGE})
    (page,) = data["input"]["pages"]
    assert page["title"] == "Harbour talks resume in Valmora as ferry strike enters third week"
    assert page["published"].startswith("2026-03-16") and page["language"] == "en-GB"
    # How much of the page was markup, and how much article.
    assert page["markup_chars"] == len(PAGE) and page["article_chars"] == len(page["text"])
    assert page["article_chars"] < page["markup_chars"] / 3


def test_page_dates_order_the_summary() -> None:
    # Two pages, the later one sent first: with the pages' own dates, the earlier one leads.
    later = PAGE.replace("2026-03-16", "2026-03-20").replace(
        "Negotiators for the Valmora port authority",
        "Ferry crossings to the outer islands restarted on Friday after negotiators for the Valmora"
        " port authority signed a framework deal, and negotiators for the Valmora port authority",
    )
    from service.api.schemas import SummarizeRequest

    request = SummarizeRequest.model_validate({"articles": [{"text": later}, {"text": PAGE}]})
    cluster = request.to_cluster(Settings())
    assert [a.published and a.published.day for a in cluster.articles] == [20, 16]
    given = SummarizeRequest.model_validate(
        {"articles": [{"text": PAGE, "published": "2026-01-01", "title": "T"}]}
    )
    (article,) = given.to_cluster(Settings()).articles
    assert article.published and article.published.month == 1 and article.title == "T"
    assert article.page and article.page.published and article.page.published.month == 3


def test_a_big_page_with_a_small_article_is_accepted() -> None:
    # The markup alone is over the article limit; the article read from it is not.
    padded = PAGE.replace("</head>", "<style>" + "x{}" * 60_000 + "</style></head>")
    with serve(Settings(max_article_chars=5_000)) as client:
        data = summarize(client, {"text": padded})
        (page,) = data["input"]["pages"]
        assert page["markup_chars"] > 180_000 and page["article_chars"] < 5_000


def test_too_large_is_one_status_and_shape_whatever_the_cause() -> None:
    settings = Settings(max_page_bytes=200_000, max_article_chars=600, max_body_bytes=400_000)
    with serve(settings) as client:
        causes = {
            "page bytes": [{"text": PAGE.replace("</head>", "<style>" + "é" * 100_000 + "</style></head>")}],
            "article read from a page": [{"text": PAGE}],
            "plain text": [{"text": "Word. " * 200}],
            "body": [{"text": "Word. " * 50}, {"text": "a" * 150_000}, {"text": "b" * 150_000}],
        }
        for cause, articles in causes.items():
            r = client.post("/v1/summarize", json={"articles": articles})
            assert r.status_code == 413, (cause, r.text)
            assert set(r.json()) == {"error"} and r.json()["error"]["code"] == "payload_too_large", cause
        r = client.post("/v1/summarize", json={"articles": causes["page bytes"]})
        assert "bytes as sent; the limit is 200000" in r.json()["error"]["message"]
        r = client.post("/v1/summarize", json={"articles": causes["article read from a page"]})
        assert (
            "characters of article text read from its page; the limit is 600" in r.json()["error"]["message"]
        )


@pytest.mark.parametrize(
    "page",
    [
        "<!doctype html><html><head><title>Home</title><script>run()</script></head><body></body></html>",
        "<html><body><nav><a href='/'>Home</a></nav><form><input></form></body></html>",
    ],
)
def test_a_page_without_an_article_is_a_clear_422(client: TestClient, page: str) -> None:
    r = client.post(
        "/v1/summarize", json={"articles": [{"text": "Ferry talks resumed on Monday."}, {"text": page}]}
    )
    assert r.status_code == 422, r.text
    message = r.json()["error"]["message"]
    assert message.startswith("article 1 is an HTML page") and "no article text" in message


def test_html_elements_are_bounded_per_page_and_per_request() -> None:
    # The extractor's time grows faster than linearly with a page's elements: both are capped.
    many = PAGE.replace("</article>", "<p>x</p>" * 400 + "</article>")
    with serve(Settings(max_page_elements=300, max_request_elements=1_000)) as client:
        r = client.post("/v1/summarize", json={"articles": [{"text": many}]})
        assert r.status_code == 413 and r.json()["error"]["code"] == "payload_too_large"
        assert "article 0 is a page of" in r.text and "the limit is 300" in r.text
        # Each page within its cap; together over the request's.
        r = client.post("/v1/summarize", json={"articles": [{"text": PAGE}] * 25})
        assert r.status_code == 413 and "more than 1000 HTML elements together" in r.text
        assert client.post("/v1/summarize", json={"articles": [{"text": PAGE}] * 2}).status_code == 200
