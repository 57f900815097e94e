"""What one actor of the batch job does, in this process (no Ray): the embedded engine loaded
once, a batch of rows in, the same number of output lines or errors out."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from service.api.schemas import KeyFactOut, SummarizeRequest
from service.distributed.worker import ClusterWorker
from service.settings import Settings
from tests.distributed.texts import cluster_articles


@pytest.fixture(scope="module")
def worker() -> Iterator[ClusterWorker]:
    w = ClusterWorker(Settings())
    yield w
    w.close()


def body(articles: list[dict[str, str]]) -> str:
    return SummarizeRequest.model_validate({"articles": articles}).model_dump_json(exclude_none=True)


def test_a_batch_in_gives_a_batch_of_the_same_length_out(worker: ClusterWorker) -> None:
    batch = {
        "id": ["one", "none", "two"],
        "body": [body(cluster_articles(1)), body([{"text": "..."}]), body(cluster_articles(2))],
    }
    out = worker(batch)
    assert out["id"] == ["one", "none", "two"]
    assert out["error"] == ["", "invalid_request: the articles contain no sentences", ""]
    assert out["result"][1] == ""
    for result in (out["result"][0], out["result"][2]):
        answer = json.loads(result)
        assert set(answer) == {"summary", "key_facts", "conflicts"} and answer["summary"]
        assert [KeyFactOut.model_validate(f) for f in answer["key_facts"]]


def test_the_configured_limits_apply_as_in_the_service() -> None:
    w = ClusterWorker(Settings(max_articles=2))
    try:
        out = w({"id": ["big"], "body": [body(cluster_articles(3, articles=3))]})
    finally:
        w.close()
    assert out["error"] == ["invalid_request: at most 2 articles per request, background included"]
