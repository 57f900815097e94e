"""Focused summaries: a query makes the summary and key facts cover what answers it."""

import dataclasses
import json
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

from eval.data import load_examples
from eval.systems import to_cluster as eval_cluster
from service.engines.embedded import EmbeddedEngine
from service.nlp.relevance import query_stems, relevance
from service.nlp.sentences import analyze
from service.prompts import load_prompts
from service.settings import Settings
from tests.support.articles import load_cluster, to_cluster

ENGINE = EmbeddedEngine()
QUERY = "What do families who lost their homes need, and who is helping them?"


def test_instruction_words_are_not_what_a_query_is_about() -> None:
    assert query_stems("Discuss and describe the strike's effects on ferries.") == [
        "strike",
        "effect",
        "ferri",
    ]
    # A query of nothing but instructions keeps them rather than matching nothing.
    assert query_stems("Describe.") == ["describ"]


def test_relevance_ranks_the_answering_sentence_first() -> None:
    quake = load_cluster("quake")
    sentences = analyze([a["text"] for a in quake])
    rel = relevance(sentences, QUERY)
    best = max((s for a in sentences for s in a), key=rel.of)
    assert "tents, blankets and clean water" in best.text
    assert rel.mean > 0 and rel.coverage_weight(best) > 1.0


def test_a_query_focuses_the_summary_and_the_facts() -> None:
    quake = load_cluster("quake")
    general = to_cluster(quake, max_words=40, num_facts=3)
    (plain,) = ENGINE.summarize([general])
    (focused,) = ENGINE.summarize([dataclasses.replace(general, query=QUERY)])
    answer = "Aid agencies appealed for tents, blankets and clean water"
    assert answer not in plain.summary
    assert answer in focused.summary
    assert any(answer in f.text for f in focused.key_facts)
    # Everything else holds with a query: the budget, and verbatim sentences with their sources.
    assert len(focused.summary.split()) <= 40
    for fact in focused.key_facts:
        src = fact.sources[0]
        assert " ".join(quake[src.article]["text"][src.start : src.end].split()) == fact.text


def test_the_api_takes_and_echoes_a_query(client: TestClient) -> None:
    quake = load_cluster("quake")
    r = client.post("/v1/summarize", json={"articles": quake, "query": QUERY, "options": {"max_words": 40}})
    assert r.status_code == 200, r.text
    assert r.json()["query"] == QUERY and "tents, blankets" in r.json()["summary"]
    focused = r.json()["summary"]
    assert client.post("/v1/summarize", json={"articles": quake}).json()["query"] is None
    # The echo is the query the engine read: stripped of the spaces around it.
    r = client.post(
        "/v1/summarize", json={"articles": quake, "query": f" \n {QUERY}\t ", "options": {"max_words": 40}}
    )
    assert r.status_code == 200, r.text
    assert r.json()["query"] == QUERY and r.json()["summary"] == focused
    messages: dict[object, str] = {}
    for bad in ("   ", "x" * 1001, 5):
        r = client.post("/v1/summarize", json={"articles": quake, "query": bad})
        assert r.status_code == 422, bad
        (detail,) = r.json()["error"]["details"]
        assert detail["loc"] == "body.query"
        messages[bad] = detail["msg"]
    # A blank query is told what the schema asks of it: a character that is not a space.
    assert messages["   "] == "`query` must not be blank: leave it out, or give some text"


def test_prompts_carry_the_query() -> None:
    prompts = load_prompts(Settings().prompts_dir, "instruct")
    articles = [{"number": 1, "title": "", "text": "Ferry workers walked out on Monday."}]
    for task in ("summary", "facts"):
        with_query = prompts.render(
            task, articles=articles, max_words=50, num_facts=3, query="Why?", background=0
        )
        assert "Why?" in with_query
        without = prompts.render(task, articles=articles, max_words=50, num_facts=3, query="", background=0)
        assert "question" not in without.lower() and "earlier article" not in without
        update = prompts.render(task, articles=articles, max_words=50, num_facts=3, query="", background=2)
        assert "2 earlier articles" in update


def test_the_harness_reads_topics_as_queries(tmp_path: Path, ferry: list[dict[str, Any]]) -> None:
    rows = [
        {
            "id": "a",
            "documents": ["One."],
            "references": ["R."],
            "topic": {"title": "Ferries", "narrative": "Why?"},
        },
        {"id": "b", "documents": ["One."], "references": ["R."], "query": "Who?"},
        {"id": "c", "documents": ["One."], "references": ["R."]},
    ]
    path = tmp_path / "q.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    a, b, c = load_examples(path)
    assert (a.query, b.query, c.query) == ("Ferries Why?", "Who?", None)
    assert eval_cluster(a, max_words=50, num_facts=2).query == "Ferries Why?"
