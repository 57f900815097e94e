"""POST /v1/digest on the embedded engine: a pile in, its stories out, each as /v1/summarize gives it."""

import asyncio
import json
import random
import time
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from service.api.answer import respond
from service.api.digest import digest
from service.api.intake import read_request
from service.api.schemas import DigestRequest, SummarizeRequest
from service.engines.embedded import EmbeddedEngine
from service.engines.seq2seq import Seq2SeqEngine
from service.errors import ClientClosed, DeadlineExceeded
from service.runner import EngineRunner
from service.settings import Settings
from tests.support.app import serve
from tests.support.articles import load_cluster, to_cluster

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


def heavy_pile(stories: int = 6, chars: int = 50_000) -> list[dict[str, Any]]:
    """Two articles per story, each story of a town of its own, the costliest shape for the
    embedded engine: tiny sentences full of figures ("Toll 412 at 37 in Arnholt17.")."""
    towns = ["Arnholt", "Brevik", "Castamar", "Dunmore", "Elsinor", "Farrowby"]
    rng = random.Random(1)
    pile = []
    for s in range(stories):
        for _ in range(2):
            pieces, size = [], 0
            while size < chars:
                toll, at, place = rng.randint(2, 999), rng.randint(2, 99), rng.randint(2, 30)
                piece = f"Toll {toll} at {at} in {towns[s]}{place}."
                pieces.append(piece)
                size += len(piece) + 1
            pile.append({"text": " ".join(pieces)[:chars]})
    return pile


@pytest.mark.parametrize("how", ["deadline", "hang-up"])
def test_an_abandoned_digest_frees_the_engine_within_a_second(how: str) -> None:
    """A digest answered 504 (or whose client left) stops its stories: the next request is served."""

    async def scenario() -> None:
        # The deadline is shorter than the stories' work (six of ~0.8 s) and longer than the time
        # to read and group the pile (~0.7 s), which a loaded machine stretches.
        settings = Settings(digest_timeout_s=2.5 if how == "deadline" else 60)
        runner = EngineRunner(EmbeddedEngine(), max_queue=8, timeout_s=30)
        runner.start()
        gone = asyncio.Event()
        pile = asyncio.ensure_future(digest(DigestRequest(articles=heavy_pile()), settings, runner, gone))
        started = time.perf_counter()
        while runner.depth == 0 and not pile.done():
            assert time.perf_counter() - started < 2.4, "the stories never reached the engine"
            await asyncio.sleep(0.01)
        assert runner.depth >= 1, "the stories were not in the engine: nothing to abandon"
        if how == "hang-up":
            await asyncio.sleep(0.3)
            gone.set()
        with pytest.raises((DeadlineExceeded, ClientClosed)) as raised:
            await pile
        ended = time.perf_counter()
        assert isinstance(raised.value, DeadlineExceeded) == (how == "deadline")
        result, _ = await runner.run(to_cluster(load_cluster()))
        waited = time.perf_counter() - ended
        assert result.summary
        assert waited < 1.0, f"the next request waited {waited:.2f} s"
        runner.close()

    asyncio.run(scenario())


@pytest.mark.slow
def test_a_seq2seq_digest_batches_its_stories_and_gives_each_its_own_answer(
    tiny_models: dict[str, Path],
) -> None:
    """On a model, the stories go through the runner together (one batch holds several), and each
    story's answer is the one the same engine gives its articles alone."""
    settings = Settings(model=str(tiny_models["t5"]), num_beams=1, summary_max_new_tokens=16)
    engine = Seq2SeqEngine.from_settings(settings)
    engine.load()
    articles = pile()

    async def scenario() -> tuple[dict[str, Any], list[int], list[dict[str, Any]]]:
        sizes: list[int] = []
        runner = EngineRunner(
            engine, max_queue=32, timeout_s=120, batch_max_size=8, batch_wait_ms=20, on_batch=sizes.append
        )
        runner.start()
        try:
            answer = await digest(DigestRequest(articles=articles), settings, runner)
            alone = []
            for story in answer.stories:
                request = SummarizeRequest(articles=[articles[i] for i in story.articles])
                alone.append(
                    (await respond(await read_request(request, settings), runner)).model_dump(mode="json")
                )
        finally:
            runner.close()
        return answer.model_dump(mode="json"), sizes, alone

    answer, sizes, alone = asyncio.run(scenario())
    assert answer["engine"] == "seq2seq" and len(answer["stories"]) == 3
    assert max(sizes) >= 2, f"the stories ran one at a time: batches {sizes}"
    for story, own in zip(answer["stories"], alone, strict=True):
        assert story["summary"] == own["summary"]
        assert [f["text"] for f in story["key_facts"]] == [f["text"] for f in own["key_facts"]]
        assert story["generated_tokens"] == own["generated_tokens"] > 0


def test_a_page_is_read_as_on_summarize_and_titles_its_story(client: TestClient) -> None:
    page = (
        "<!doctype html><html><head><title>Alder Street bridge shut for repairs</title></head><body>"
        "<nav>Home | Sport | Weather</nav><article><p>The Alder Street bridge closed on Monday after"
        " inspectors found cracks in two support beams.</p><p>City engineer Ana Duarte said repairs"
        " would cost 4.2 million euros and take six weeks.</p></article></body></html>"
    )
    articles = [*pile(), {"id": "bridge", "text": page}]
    data = client.post("/v1/digest", json={"articles": articles}).json()
    (bridge,) = [s for s in data["stories"] if s["articles"] == [9]]
    assert bridge["title"] == "Alder Street bridge shut for repairs"
    assert "Home | Sport" not in bridge["summary"] and "bridge" in bridge["summary"]
    (read,) = bridge["input"]["pages"]
    assert read["article"] == 9 and "cracks in two support beams" in read["text"]
