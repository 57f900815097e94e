"""Key facts that say who reports what: support across articles, and conflicting figures."""

from typing import Any

from fastapi.testclient import TestClient

from service.engines.embedded import EmbeddedEngine
from service.facts.conflicts import figures, find_conflicts
from service.nlp.salience import compute_salience
from service.nlp.sentences import analyze
from tests.support.articles import load_cluster, to_cluster


def test_figures() -> None:
    by_subject = {
        f.subject: f.value
        for f in figures("On Nov. 19 they freed 1,200 prisoners and 4 percent more in 1998.")
    }
    assert by_subject == {"date": "nov 19", "prison": "1200", "percent": "4", "year": "1998"}
    assert {f.value for f in figures("It cost 5 million euros.")} == {"5 million"}
    # "64 of the 122 seats": the word after 64 is a function word, so it counts nothing by itself.
    assert [(f.subject, f.value) for f in figures("won 64 of the 122 seats")] == [("seat", "122")]


def test_conflicting_figures_are_returned_with_both_sources() -> None:
    articles = load_cluster("prisoner_exchange")
    sentences = analyze([a["text"] for a in articles])
    (conflict,) = find_conflicts(sentences, compute_salience(sentences), limit=5)
    assert conflict.subject == "prisoners"
    assert sorted(c.value for c in conflict.claims) == ["1,000 prisoners", "1,200 prisoners"]
    for claim in conflict.claims:
        (src,) = claim.sources
        assert claim.value in articles[src.article]["text"][src.start : src.end]
    assert {c.sources[0].article for c in conflict.claims} == {0, 1}


def test_consistent_articles_have_no_conflict(ferry: list[dict[str, Any]]) -> None:
    # 340 strikers everywhere; "about 6,000" and "roughly 6,000" passengers agree.
    sentences = analyze([a["text"] for a in ferry])
    assert find_conflicts(sentences, compute_salience(sentences), limit=5) == []


def test_engine_does_not_pick_a_version_of_a_disputed_figure() -> None:
    articles = load_cluster("prisoner_exchange")
    (result,) = EmbeddedEngine().summarize([to_cluster(articles, num_facts=5)])
    assert len(result.conflicts) == 1
    for fact in result.key_facts:
        assert "1,200" not in fact.text and "1,000" not in fact.text
    # The transfers sentence is in all three articles: the top fact, with support 3.
    top = result.key_facts[0]
    assert top.support == 3 and "first transfers would begin within two weeks" in top.text


def test_conflicts_in_the_api_response(client: TestClient) -> None:
    articles = load_cluster("prisoner_exchange")
    r = client.post("/v1/summarize", json={"articles": articles, "options": {"num_facts": 4}})
    assert r.status_code == 200
    (conflict,) = r.json()["conflicts"]
    assert conflict["subject"] == "prisoners"
    for claim in conflict["claims"]:
        assert claim["support"] == 1
        (src,) = claim["sources"]
        assert src["article_id"] == articles[src["article"]]["id"]
        assert claim["value"] in articles[src["article"]]["text"][src["start"] : src["end"]]
