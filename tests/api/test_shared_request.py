"""The request from the issue: the sample article plus two DUC 2004 articles (data in ../shared)."""

import json
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.support.articles import SHARED

pytestmark = pytest.mark.shared

ARTICLE = SHARED / "data" / "articles" / "zelensky-turkey-talks.txt"
DUC = SHARED / "data" / "duc2004" / "duc2004_task2.jsonl"


@pytest.fixture(scope="module")
def articles() -> list[dict[str, Any]]:
    if not (ARTICLE.is_file() and DUC.is_file()):
        pytest.skip(f"evaluation data not found at {SHARED} (licensed for evaluation, not in the repo)")
    cluster = json.loads(DUC.read_text().splitlines()[0])
    return [{"text": ARTICLE.read_text(), "id": "sample"}] + [{"text": d} for d in cluster["documents"][:2]]


def _check_response(data: dict[str, Any], articles: list[dict[str, Any]]) -> None:
    for fact in data["key_facts"]:
        for src in fact["sources"]:
            assert articles[src["article"]]["text"][src["start"] : src["end"]].strip()


def test_embedded_facts_are_word_for_word_in_the_articles(
    client: TestClient, articles: list[dict[str, Any]]
) -> None:
    r = client.post(
        "/v1/summarize", json={"articles": articles, "options": {"max_words": 100, "num_facts": 6}}
    )
    assert r.status_code == 200, r.text
    data = r.json()
    assert 30 <= len(data["summary"].split()) <= 100
    assert len(data["key_facts"]) == 6
    _check_response(data, articles)
    for fact in data["key_facts"]:
        first = fact["sources"][0]
        assert (
            " ".join(articles[first["article"]]["text"][first["start"] : first["end"]].split())
            == fact["text"]
        )
    # The two DUC articles report the same event: some fact is backed by both.
    assert any(f["support"] >= 2 for f in data["key_facts"])


@pytest.mark.slow
def test_same_request_on_a_tiny_t5(
    tiny_models: dict[str, Path], articles: list[dict[str, Any]], monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.support.app import serve

    monkeypatch.setenv("SUMMARIZER_MODEL", str(tiny_models["t5"]))
    monkeypatch.setenv("SUMMARIZER_SUMMARY_MAX_NEW_TOKENS", "16")
    monkeypatch.setenv("SUMMARIZER_FACTS_MAX_NEW_TOKENS", "16")
    with serve() as client:
        r = client.post("/v1/summarize", json={"articles": articles})
        assert r.status_code == 200, r.text
        data = r.json()
        assert data["engine"] == "seq2seq" and data["input"]["truncated"] is True
        inp = data["input"]
        assert inp["used"] <= 512 and len(inp["articles"]) == 3
        # No article disappears silently: what did not fit is listed.
        assert inp["left_out"] == [a["article"] for a in inp["articles"] if not a["included"]]
        _check_response(data, articles)
