"""The batch job's files: rows in (the harness's layout and the API's), bad rows, the ids already
written (a torn last line cut), and output lines the harness reads with `--systems`. No Ray."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from eval.data import load_examples, read_system_summaries
from service.api.schemas import SummarizeRequest
from service.distributed.rows import BadRow, Row, output_row, read_rows, request_body, written_ids
from service.settings import Settings


def write(path: Path, *lines: Any) -> Path:
    path.write_text("".join((x if isinstance(x, str) else json.dumps(x)) + "\n" for x in lines))
    return path


def test_a_harness_row_becomes_the_apis_request(tmp_path: Path) -> None:
    duc = {
        "id": "d30001t",
        "documents": [
            "Plain text of the first article.",
            {"text": "Second article.", "headline": "A headline", "date": "1998-10-30 08:30:27"},
            {"text": "Third.", "title": "Its title", "date": "30 October"},  # not ISO: dropped
        ],
        "references": ["ignored"],
        "topic": {"title": "Cambodia", "narrative": "What happened?"},
    }
    body = request_body(duc, {"max_words": 50})
    assert body == {
        "articles": [
            {"text": "Plain text of the first article."},
            {"text": "Second article.", "title": "A headline", "published": "1998-10-30T08:30:27"},
            {"text": "Third.", "title": "Its title"},
        ],
        "options": {"max_words": 50},
        "query": "Cambodia What happened?",
    }


@pytest.mark.parametrize(
    "topic",
    [
        {"title": "Cambodia", "narrative": "What happened after the election?"},
        {"title": " Cambodia ", "narrative": "  "},
        {"narrative": "What happened?\n"},
        "  A query given as text  ",
    ],
)
def test_a_topic_is_the_query_the_harness_asks(tmp_path: Path, topic: Any) -> None:
    """The batch job and the harness read the layout each with its own reader (lenient, strict):
    for a topic both read, the engine gets the same query from each."""
    row = {"id": "x", "documents": ["The council met on Monday."], "references": ["r"], "topic": topic}
    (example,) = load_examples(write(tmp_path / "data.jsonl", row))
    (item,) = read_rows(write(tmp_path / "batch.jsonl", row), {})
    assert isinstance(item, Row)
    cluster = SummarizeRequest.model_validate_json(item.body).to_cluster(Settings())
    assert cluster.query == example.query and example.query


def test_an_api_row_keeps_its_own_options_over_the_jobs() -> None:
    row = {"id": 7, "articles": [{"text": "A."}], "options": {"num_facts": 2}, "background": ["Old."]}
    body = request_body(row, {"max_words": 50, "num_facts": 5})
    assert body["options"] == {"max_words": 50, "num_facts": 2}
    assert body["background"] == [{"text": "Old."}]


def test_rows_and_bad_rows_each_say_where_they_stand(tmp_path: Path) -> None:
    path = write(
        tmp_path / "in.jsonl",
        {"id": "a", "documents": ["The council met on Monday."]},
        "",
        "{not json",
        [1, 2],
        {"documents": ["no id"]},
        {"id": "a", "documents": ["the same id again"]},
        {"id": "b", "references": ["no documents"]},
        {"id": "c", "documents": []},
        {"id": "d", "documents": ["   "]},
        {"id": 5, "articles": [{"text": "The API's layout.", "unknown": 1}]},
        {"id": 6, "articles": [{"text": "The API's layout."}]},
    )
    items = list(read_rows(path, {"num_facts": 3}))
    assert [type(i) for i in items] == [Row, *[BadRow] * 8, Row]
    first, last = items[0], items[-1]
    assert isinstance(first, Row) and isinstance(last, Row)
    assert first.id == "a" and json.loads(first.body)["options"] == {"num_facts": 3}
    assert last.id == "6"
    bad = {i.where: (i.id, i.reason) for i in items if isinstance(i, BadRow)}
    assert bad["in.jsonl:3"] == (None, "not JSON (Expecting property name enclosed in double quotes)")
    assert bad["in.jsonl:4"] == (None, "not a JSON object")
    assert bad["in.jsonl:5"] == (None, "needs an 'id' (a string or an integer)")
    assert bad["in.jsonl:6"] == ("a", "id 'a' was already used above")
    assert bad["in.jsonl:7"] == ("b", "needs 'documents' (or the API's 'articles')")
    assert bad["in.jsonl:8"][1] == "articles: `articles` needs at least 1 article; it has none"
    assert bad["in.jsonl:9"][1] == "articles.0.text: text must not be blank"
    assert bad["in.jsonl:10"][1] == (
        "articles.0.unknown: `unknown` is not a field this service knows (check its spelling)"
    )


def test_written_ids_are_the_resume_and_a_torn_last_line_is_cut(tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    assert written_ids(out) == set()
    whole = '{"id": "a", "summary": "x"}\n{"id": "b", "summary": "y"}\n'
    out.write_text(whole + '{"id": "c", "summ')
    assert written_ids(out) == {"a", "b"}
    assert out.read_text() == whole
    assert written_ids(out) == {"a", "b"}  # nothing more to cut


def test_an_unreadable_line_before_the_last_is_not_cut(tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    out.write_text('{"id": "a"}\nnot ours\n{"id": "b"}\n')
    with pytest.raises(ValueError, match="out.jsonl:2"):
        written_ids(out)
    assert out.read_text() == '{"id": "a"}\nnot ours\n{"id": "b"}\n'


def test_output_lines_are_what_the_harness_reads_as_another_system(tmp_path: Path) -> None:
    response = {
        "summary": "The council met.",
        "key_facts": [{"text": "It met.", "sources": [], "support": 1}],
    }
    response["conflicts"] = []
    row = output_row("d30001t", "newsdigest-embedded", {**response, "engine": "embedded"})
    assert set(row) == {"id", "system", "summary", "key_facts", "conflicts"}
    path = write(tmp_path / "out.jsonl", row)
    systems = read_system_summaries([path])
    assert systems["newsdigest-embedded"]["d30001t"].summary == "The council met."
