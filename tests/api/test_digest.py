"""POST /v1/digest on the embedded engine: a pile in, its stories out, each as /v1/summarize gives it."""

import json
import random
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

from service.settings import Settings
from tests.support.app import serve

DATA = Path(__file__).resolve().parents[1] / "data"


def pile() -> list[dict[str, Any]]:
    """The three stories of tests/data, shuffled: nine articles."""
    articles = []
    for name in ("ferry_strike", "prisoner_exchange", "quake"):
        for a in json.loads((DATA / f"{name}.json").read_text())["articles"]:
            articles.append({**a, "id": f"{name}/{a['id']}"})
    random.Random(7).shuffle(articles)
    return articles


def test_every_article_in_one_story_ordered_by_size(client: TestClient) -> None:
    articles = pile()
    r = client.post("/v1/digest", json={"articles": articles, "options": {"num_facts": 3}})
    assert r.status_code == 200, r.text
    data = r.json()
    assert data["skipped"] == [] and data["engine"] == "embedded"
    stories = data["stories"]
    assert sorted(i for s in stories for i in s["articles"]) == list(range(len(articles)))
    assert {frozenset(articles[i]["id"].split("/")[0] for i in s["articles"]) for s in stories} == {
        frozenset({"ferry_strike"}),
        frozenset({"prisoner_exchange"}),
        frozenset({"quake"}),
    }
    sizes = [len(s["articles"]) for s in stories]
    assert sizes == sorted(sizes, reverse=True)
    for s in stories:
        assert s["summary"] and s["error"] is None and s["summarized"] == s["articles"]
        assert s["title"]
        for fact in s["key_facts"]:
            for src in fact["sources"]:
                assert src["article"] in s["articles"]
                assert src["article_id"] == articles[src["article"]]["id"]
                assert articles[src["article"]]["text"][src["start"] : src["end"]].strip()
    assert set(data["timings_ms"]) == {"read", "group", "summarize", "total"}


def test_each_story_is_what_summarize_gives_for_its_articles(client: TestClient) -> None:
    articles = pile()
    stories = client.post("/v1/digest", json={"articles": articles}).json()["stories"]
    for s in stories:
        alone = client.post("/v1/summarize", json={"articles": [articles[i] for i in s["articles"]]}).json()
        assert s["summary"] == alone["summary"]
        assert [f["text"] for f in s["key_facts"]] == [f["text"] for f in alone["key_facts"]]
        # Sources index into the pile, where /v1/summarize's index into the story's own articles.
        for mine, theirs in zip(s["key_facts"], alone["key_facts"], strict=True):
            assert [src["article"] for src in mine["sources"]] == [
                s["articles"][src["article"]] for src in theirs["sources"]
            ]
        assert [c["subject"] for c in s["conflicts"]] == [c["subject"] for c in alone["conflicts"]]


def test_the_prisoner_figures_are_flagged_inside_their_story(client: TestClient) -> None:
    articles = pile()
    stories = client.post("/v1/digest", json={"articles": articles}).json()["stories"]
    (prisoners,) = [s for s in stories if articles[s["articles"][0]]["id"].startswith("prisoner")]
    values = {c["value"] for conflict in prisoners["conflicts"] for c in conflict["claims"]}
    assert {"1,200", "1,000"} <= {v.split()[0] for v in values}


def test_the_same_stories_in_any_order(client: TestClient) -> None:
    articles = pile()

    def stories(order: list[dict[str, Any]]) -> set[tuple[frozenset[str], str]]:
        got = client.post("/v1/digest", json={"articles": order}).json()["stories"]
        return {(frozenset(order[i]["id"] for i in s["articles"]), s["title"]) for s in got}

    want = stories(articles)
    assert stories(list(reversed(articles))) == want


def test_an_article_that_cannot_be_read_is_skipped_the_rest_answered() -> None:
    articles = pile()
    long = {"id": "too-long", "text": "word " * 30_000}
    with serve(Settings(max_article_chars=50_000)) as c:
        r = c.post("/v1/digest", json={"articles": [*articles[:4], long, *articles[4:]]})
    assert r.status_code == 200, r.text
    data = r.json()
    assert [s["article"] for s in data["skipped"]] == [4]
    assert data["skipped"][0]["error"]["code"] == "payload_too_large"
    assert "article 4" in data["skipped"][0]["error"]["message"]
    assert sorted(i for s in data["stories"] for i in s["articles"]) == [0, 1, 2, 3, 5, 6, 7, 8, 9]


def test_too_many_articles_or_characters_is_413() -> None:
    articles = pile()
    with serve(Settings(digest_max_articles=5)) as c:
        r = c.post("/v1/digest", json={"articles": articles})
        assert r.status_code == 413 and "at most 5" in r.json()["error"]["message"]
    with serve(Settings(digest_max_total_chars=1_000)) as c:
        r = c.post("/v1/digest", json={"articles": articles})
        assert r.status_code == 413 and "at most 1000" in r.json()["error"]["message"]


def test_a_blank_article_is_422_naming_it(client: TestClient) -> None:
    articles = pile()
    articles[2] = {"text": "   "}
    r = client.post("/v1/digest", json={"articles": articles})
    assert r.status_code == 422
    assert "articles" in json.dumps(r.json()["error"])


def test_a_digest_body_may_exceed_the_summarize_limit() -> None:
    articles = pile()
    size = len(json.dumps({"articles": articles}))
    with serve(Settings(max_body_bytes=size // 2, digest_max_body_bytes=size * 2)) as c:
        assert c.post("/v1/summarize", json={"articles": articles}).status_code == 413
        assert c.post("/v1/digest", json={"articles": articles}).status_code == 200
    with serve(Settings(digest_max_body_bytes=size // 2)) as c:
        assert c.post("/v1/digest", json={"articles": articles}).status_code == 413


def test_a_story_too_big_for_one_request_is_summarized_from_its_most_central_articles() -> None:
    articles = pile()
    with serve(Settings(max_articles=2)) as c:
        data = c.post("/v1/digest", json={"articles": articles}).json()
    for s in data["stories"]:
        assert len(s["summarized"]) == min(2, len(s["articles"]))
        assert set(s["summarized"]) <= set(s["articles"])
        for fact in s["key_facts"]:
            assert {src["article"] for src in fact["sources"]} <= set(s["summarized"])


def test_a_digest_past_its_deadline_is_504() -> None:
    with serve(Settings(digest_timeout_s=0.001)) as c:
        r = c.post("/v1/digest", json={"articles": pile()})
    assert r.status_code == 504 and r.json()["error"]["code"] == "deadline_exceeded"
