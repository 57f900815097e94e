"""What a person reads when a request is wrong: messages about the fields they sent, in the API's
one error shape and with the same status codes; dates ahead of the clock; the limits the schema
states."""

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient

from service.api.schemas import EXAMPLE_REQUEST
from service.settings import Settings
from tests.support.app import serve

JSON = {"content-type": "application/json"}


def _problem(client: TestClient, content: bytes) -> tuple[int, dict[str, Any]]:
    r = client.post("/v1/summarize", content=content, headers=JSON)
    return r.status_code, r.json()["error"]


@pytest.mark.parametrize(
    ("content", "loc", "msg"),
    [
        (b'{"articles": []}', "body.articles", "`articles` needs at least 1 article; it has none"),
        (b"", "body", 'the body is empty: send a JSON object such as {"articles": [{"text": "..."}]}'),
        (b"[1]", "body", 'the body must be a JSON object such as {"articles": [...]}, not a list'),
        (
            b'{"articles": [{"text": "A ferry sailed."}], "options": {"max_words": 5}}',
            "body.options.max_words",
            "`max_words` must be at least 10, not 5",
        ),
        (
            b'{"articles": [{"text": "A ferry sailed."}], "options": {"num_facts": "5"}}',
            "body.options.num_facts",
            "`num_facts` must be a whole number, not a string",
        ),
        (b'{"articles": [{"text": 5}]}', "body.articles.0.text", "`text` must be a string, not a number"),
        (b'{"articles": [{"text": " "}]}', "body.articles.0.text", "text must not be blank"),
        (
            b'{"articles": [{"text": "A ferry sailed.", "titel": "x"}]}',
            "body.articles.0.titel",
            "`titel` is not a field this service knows (check its spelling)",
        ),
        (
            b'{"articles": [{"text": "A ferry sailed.", "published": "2026-13-01"}]}',
            "body.articles.0.published",
            "`published` must be an ISO 8601 date or datetime, such as 2026-03-02 or 2026-03-02T14:30:00Z"
            " (month value is outside expected range of 1-12)",
        ),
        # A JSON error is the body's, located by line and column, not at pydantic's `body.30`.
        (
            b'{"articles": [{"text": "ab"}, ]}',
            "body",
            "the body is not valid JSON: Expecting value at line 1, column 31 (character 30)",
        ),
        (
            b'{"articles": [\n  {"text": "ab"\n]}',
            "body",
            "the body is not valid JSON: Expecting ',' delimiter at line 3, column 1 (character 31)",
        ),
    ],
)
def test_invalid_bodies_are_told_in_words(client: TestClient, content: bytes, loc: str, msg: str) -> None:
    status, error = _problem(client, content)
    assert status == 422
    assert error == {
        "code": "invalid_request",
        "message": "the request body is invalid",
        "details": [{"loc": loc, "msg": msg}],
    }


def test_a_body_that_is_not_utf8_is_400_and_says_so(client: TestClient) -> None:
    status, error = _problem(client, '{"articles": [{"text": "Café"}]}'.encode("latin-1"))
    assert status == 400
    assert error == {
        "code": "bad_request",
        "message": "the body is not UTF-8 text: byte 0xe9 at position 27 cannot be read;"
        " send the JSON encoded as UTF-8",
    }


def _dated(published: str) -> dict[str, Any]:
    return {"articles": [{"text": "The ferry sailed at noon on Monday.", "published": published}]}


@pytest.mark.parametrize("published", ["2099-01-01", "2099-01-01T00:00:00+00:00"])
def test_a_date_in_the_future_is_refused(client: TestClient, published: str) -> None:
    r = client.post("/v1/summarize", json=_dated(published))
    assert r.status_code == 422
    (detail,) = r.json()["error"]["details"]
    assert detail["loc"] == "body.articles.0.published"
    assert detail["msg"].startswith("published 2099-01-01T00:00:00")
    assert "is in the future; a date more than a day ahead of the service's clock is refused" in detail["msg"]


def test_todays_date_and_a_day_of_clock_skew_are_accepted(client: TestClient) -> None:
    now = datetime.now(UTC)
    for published in (now, now + timedelta(hours=23), (now + timedelta(hours=23)).replace(tzinfo=None)):
        r = client.post("/v1/summarize", json=_dated(published.isoformat()))
        assert r.status_code == 200, (published, r.text)
    r = client.post("/v1/summarize", json=_dated((now + timedelta(hours=25)).isoformat()))
    assert r.status_code == 422


def test_the_schema_states_the_limits_in_force_and_a_sensible_example() -> None:
    with serve(Settings(max_articles=3, max_article_chars=5000)) as c:
        request = c.get("/openapi.json").json()["components"]["schemas"]["SummarizeRequest"]
        assert request["properties"]["articles"]["maxItems"] == 3
        assert request["properties"]["background"]["maxItems"] == 3
        assert (
            "at most 3 per request, background included" in request["properties"]["articles"]["description"]
        )
        assert "at most 5,000 characters" in request["properties"]["articles"]["description"]
        (example,) = request["examples"]
        assert example["options"] == {"max_words": 100, "num_facts": 5}
        # The example is a request the service answers.
        assert c.post("/v1/summarize", json=example).status_code == 200
    options = c.app.openapi()["components"]["schemas"]["OptionsIn"]["properties"]
    assert (options["max_words"]["examples"], options["num_facts"]["examples"]) == ([100], [5])
    assert example == EXAMPLE_REQUEST
