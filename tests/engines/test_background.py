"""Update summaries: with background articles, only what the new articles add is reported."""

import dataclasses
from typing import Any

import pytest
from fastapi.testclient import TestClient

from service.domain import Cluster
from service.engines.embedded import EmbeddedEngine
from service.facts.finish import NOTHING_NEW
from service.settings import Settings
from tests.support.app import serve
from tests.support.articles import load_cluster, to_cluster

ENGINE = EmbeddedEngine()


@pytest.fixture(scope="module")
def quake() -> list[dict[str, Any]]:
    return load_cluster("quake")


def second_wave(quake: list[dict[str, Any]], max_words: int = 60) -> Cluster:
    """Monday's article as the background, Tuesday's evening article as the news."""
    new = to_cluster([quake[2]], max_words=max_words, num_facts=5)
    return dataclasses.replace(new, background=to_cluster([quake[0]]).articles)


def test_what_the_reader_knows_is_left_out(quake: list[dict[str, Any]]) -> None:
    (alone,) = ENGINE.summarize([to_cluster([quake[2]], max_words=60, num_facts=5)])
    (update,) = ENGINE.summarize([second_wave(quake)])
    # Monday's article already told of the 14 survivors: news alone, not against the background.
    assert "14 survivors" in alone.summary
    assert "14 survivors" not in update.summary
    assert "tents, blankets and clean water" in update.summary
    assert update.novel
    for fact in update.key_facts:
        assert "14 survivors" not in fact.text
        assert all(not s.background and s.article == 0 for s in fact.sources)


def test_a_figure_that_rose_since_the_background_is_an_update_with_both_dates(
    quake: list[dict[str, Any]],
) -> None:
    (result,) = ENGINE.summarize([second_wave(quake)])
    (update,) = result.updates
    newest, older = update.claims
    assert (newest.value, older.value) == ("63 people", "40 people")
    assert [(s.article, s.background) for s in newest.sources] == [(0, False)]
    assert [(s.article, s.background) for s in older.sources] == [(0, True)]
    assert newest.published is not None and older.published is not None
    assert newest.published > older.published
    # The background's own quarrels are not news: its 55 seconds are in no conflict of the result.
    assert result.conflicts == []


def test_nothing_new_is_said_not_padded(quake: list[dict[str, Any]]) -> None:
    cluster = dataclasses.replace(
        to_cluster([quake[0]], num_facts=5), background=to_cluster([quake[0]]).articles
    )
    (result,) = ENGINE.summarize([cluster])
    assert not result.novel
    assert result.summary == NOTHING_NEW
    assert result.key_facts == []


def test_the_api_takes_background_and_counts_it_toward_the_limits(
    client: TestClient, quake: list[dict[str, Any]]
) -> None:
    r = client.post("/v1/summarize", json={"articles": [quake[2]], "background": [quake[0]]})
    assert r.status_code == 200, r.text
    data = r.json()
    assert data["background_articles"] == 1 and data["novel"] is True
    (update,) = data["updates"]
    (older,) = [c for c in update["claims"] if c["sources"][0]["background"]]
    src = older["sources"][0]
    assert src["article_id"] == quake[0]["id"]
    assert "40 people" in quake[0]["text"][src["start"] : src["end"]]
    with serve(Settings(max_articles=2)) as c:
        r = c.post("/v1/summarize", json={"articles": quake[:2], "background": [quake[2]]})
        assert r.status_code == 422 and "background included" in r.json()["error"]["message"]
    with serve(Settings(max_total_chars=600)) as c:  # either article fits alone, not both
        r = c.post("/v1/summarize", json={"articles": [quake[2]], "background": [quake[0]]})
        assert r.status_code == 413


def test_the_newest_value_of_an_update_is_news_however_alike_its_sentence(
    quake: list[dict[str, Any]],
) -> None:
    # "The quake killed 63 people, officials said on Monday." repeats the background's wording
    # ("The quake killed 40 people, officials said."); it is still the news of the day.
    cluster = dataclasses.replace(
        to_cluster([quake[2]], max_words=40, num_facts=2),
        background=to_cluster([quake[0], quake[1]]).articles,
        query="How many people died?",
    )
    (result,) = ENGINE.summarize([cluster])
    assert "63 people" in result.summary and "40 people" not in result.summary
    assert any("63 people" in f.text for f in result.key_facts)
    assert [c.value for c in result.updates[0].claims] == ["63 people", "40 people"]
