"""The HTTP API on the embedded engine: response shape, errors, readiness, metrics."""

import logging
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from service.api.app import create_app
from service.api.requestid import current as current_request_id
from service.domain import Cluster, Result
from service.engines.embedded import EmbeddedEngine
from service.settings import Settings
from tests.support.app import serve, wait_ready


def body(ferry: list[dict[str, Any]], **options: Any) -> dict[str, Any]:
    return {"articles": ferry, "options": options}


def test_summarize_full_shape(client: TestClient, ferry: list[dict[str, Any]]) -> None:
    r = client.post("/v1/summarize", json=body(ferry, max_words=50, num_facts=3))
    assert r.status_code == 200, r.text
    data = r.json()
    assert set(data) == {
        "summary",
        "query",
        "background_articles",
        "novel",
        "key_facts",
        "conflicts",
        "updates",
        "engine",
        "model",
        "input",
        "generated_tokens",
        "timings_ms",
    }
    assert data["conflicts"] == []  # the ferry articles agree on their figures
    assert data["updates"] == []
    assert data["engine"] == "embedded" and data["model"] is None
    assert 0 < len(data["summary"].split()) <= 50
    assert 1 <= len(data["key_facts"]) <= 3
    for fact in data["key_facts"]:
        assert set(fact) == {"text", "sources", "support"}
        assert fact["support"] == len({s["article"] for s in fact["sources"]})
        for s in fact["sources"]:
            assert s["article_id"] == ferry[s["article"]]["id"]
            assert ferry[s["article"]]["text"][s["start"] : s["end"]].strip()
    inp = data["input"]
    assert inp["unit"] == "words" and inp["truncated"] is False and inp["left_out"] == []
    assert inp["total"] == inp["used"] == sum(a["total"] for a in inp["articles"])
    assert {"queue", "total", "analyze"} <= set(data["timings_ms"])


def test_defaults_apply_when_options_absent(client: TestClient, ferry: list[dict[str, Any]]) -> None:
    r = client.post("/v1/summarize", json={"articles": [{"text": a["text"]} for a in ferry]})
    assert r.status_code == 200
    assert len(r.json()["summary"].split()) <= Settings().default_max_words
    assert len(r.json()["key_facts"]) <= Settings().default_num_facts


@pytest.mark.parametrize(
    ("payload", "loc"),
    [
        ({}, "body.articles"),
        ({"articles": []}, "body.articles"),
        ({"articles": [{"text": "   \n "}]}, "body.articles.0.text"),
        ({"articles": [{"text": 42}]}, "body.articles.0.text"),
        ({"articles": [{"title": "no text"}]}, "body.articles.0.text"),
        ({"articles": "text"}, "body.articles"),
        ({"articles": [{"text": "A sentence here."}], "options": {"max_words": 0}}, "body.options.max_words"),
        (
            {"articles": [{"text": "A sentence here."}], "options": {"num_facts": "many"}},
            "body.options.num_facts",
        ),
        ({"articles": [{"text": "A sentence here."}], "options": {"max_wrds": 50}}, "body.options.max_wrds"),
        ({"articles": [{"text": "A sentence.", "published": "last week"}]}, "body.articles.0.published"),
        # A number is not an ISO 8601 date, though pydantic alone would read 0 as 1970.
        ({"articles": [{"text": "A sentence.", "published": 0}]}, "body.articles.0.published"),
        # Nor is a string of digits, which pydantic reads as Unix time ("20261128": August 1970).
        ({"articles": [{"text": "A sentence.", "published": "0"}]}, "body.articles.0.published"),
        ({"articles": [{"text": "A sentence.", "published": "20261128"}]}, "body.articles.0.published"),
        (
            {"articles": [{"text": "A."}], "background": [{"text": "B.", "published": 1.5}]},
            "body.background.0.published",
        ),
    ],
)
def test_invalid_bodies_get_422_in_the_error_shape(client: TestClient, payload: Any, loc: str) -> None:
    r = client.post("/v1/summarize", json=payload)
    assert r.status_code == 422
    error = r.json()["error"]
    assert error["code"] == "invalid_request"
    assert loc in [d["loc"] for d in error["details"]]


def test_malformed_json_and_wrong_content(client: TestClient) -> None:
    r = client.post("/v1/summarize", content=b'{"articles": [', headers={"content-type": "application/json"})
    assert r.status_code == 422 and r.json()["error"]["code"] == "invalid_request"
    r = client.post("/v1/summarize", content=b"plain words", headers={"content-type": "text/plain"})
    assert r.status_code == 415 and r.json()["error"]["code"] == "unsupported_media_type"
    valid = b'{"articles": [{"text": "The ferry sailed at noon."}]}'
    r = client.post("/v1/summarize", content=valid)  # JSON, but not labelled as such
    assert r.status_code == 415 and "application/json" in r.json()["error"]["message"]
    for media in ("application/json; charset=utf-8", "application/merge-patch+json"):
        assert client.post("/v1/summarize", content=valid, headers={"content-type": media}).status_code == 200


def test_too_many_articles(ferry: list[dict[str, Any]]) -> None:
    with serve(Settings(max_articles=2)) as c:
        r = c.post("/v1/summarize", json=body(ferry))
        assert r.status_code == 422
        assert "at most 2 articles" in r.json()["error"]["message"]


def test_oversized_bodies_get_413(ferry: list[dict[str, Any]]) -> None:
    with serve(Settings(max_body_bytes=5_000)) as c:
        big = {"articles": [{"text": "Word " * 2_000}]}
        r = c.post("/v1/summarize", json=big)
        assert r.status_code == 413 and r.json()["error"]["code"] == "payload_too_large"

        def chunks() -> Iterator[bytes]:  # no Content-Length: the limit applies as the body streams
            yield b'{"articles": [{"text": "'
            yield b"word " * 2_000
            yield b'"}]}'

        r = c.post("/v1/summarize", content=chunks(), headers={"content-type": "application/json"})
        assert r.status_code == 413 and r.json()["error"]["code"] == "payload_too_large"
        # ... and the server still serves the next request
        assert c.post("/v1/summarize", json=body(ferry[:1])).status_code == 200


def test_unknown_route_and_method_use_the_error_shape(client: TestClient) -> None:
    r = client.get("/v1/nothing")
    assert r.status_code == 404 and r.json()["error"]["code"] == "not_found"
    r = client.get("/v1/summarize")
    assert r.status_code == 405 and r.json()["error"]["code"] == "method_not_allowed"


class BrokenEngine(EmbeddedEngine):
    """An engine that fails on a marker input, as a bug deep in a model would."""

    def summarize(
        self, clusters: Sequence[Cluster], stop: Sequence[threading.Event] | None = None
    ) -> list[Result]:
        if any("EXPLODE" in a.text for c in clusters for a in c.articles):
            raise RuntimeError("secret internal detail /opt/model/weights.bin")
        return super().summarize(clusters)


def test_engine_failure_is_a_generic_500_and_the_server_survives(ferry: list[dict[str, Any]]) -> None:
    with serve(engine=BrokenEngine()) as c:
        r = c.post("/v1/summarize", json={"articles": [{"text": "It will EXPLODE now."}]})
        assert r.status_code == 500
        assert r.json() == {"error": {"code": "internal_error", "message": "internal server error"}}
        assert "secret" not in r.text and "Traceback" not in r.text
        assert c.post("/v1/summarize", json=body(ferry)).status_code == 200


def test_input_without_words_is_422(client: TestClient) -> None:
    r = client.post("/v1/summarize", json={"articles": [{"text": "... !!"}, {"text": "— — —"}]})
    assert r.status_code == 422
    assert r.json()["error"] == {"code": "invalid_request", "message": "the articles contain no sentences"}


def test_credit_lines_only_is_422_saying_so(client: TestClient) -> None:
    r = client.post(
        "/v1/summarize",
        json={
            "articles": [
                {"text": "Staff writer Ana Ruiz contributed to this report."},
                {"text": "You can reach Ana Ruiz at (555) 010-0199 or aruiz@gazette.example."},
            ]
        },
    )
    assert r.status_code == 422
    assert r.json()["error"]["message"] == (
        "the articles contain no news sentences, only credit, contact or copyright lines"
    )


class SlowLoadingEngine(EmbeddedEngine):
    def __init__(self) -> None:
        super().__init__()
        self.release = threading.Event()

    def load(self) -> None:
        self.release.wait(10)


def test_readyz_is_503_until_loaded(ferry: list[dict[str, Any]]) -> None:
    engine = SlowLoadingEngine()
    with TestClient(create_app(Settings(), engine=engine), raise_server_exceptions=False) as c:
        assert c.get("/healthz").status_code == 200
        r = c.get("/readyz")
        assert r.status_code == 503 and r.json()["error"]["code"] == "not_ready"
        r = c.post("/v1/summarize", json=body(ferry))
        assert r.status_code == 503 and r.headers["retry-after"] == "1"
        engine.release.set()
        wait_ready(c)
        assert c.get("/readyz").json() == {"status": "ready", "engine": "embedded", "model": None}
        assert c.post("/v1/summarize", json=body(ferry)).status_code == 200


class FailingLoadEngine(EmbeddedEngine):
    def load(self) -> None:
        raise OSError("checkpoint not found")


def test_failed_load_makes_health_fail() -> None:
    with TestClient(create_app(Settings(), engine=FailingLoadEngine()), raise_server_exceptions=False) as c:
        for _ in range(100):
            if c.get("/healthz").status_code == 503:
                break
            threading.Event().wait(0.02)
        assert c.get("/healthz").json()["error"]["code"] == "engine_failed"
        ready = c.get("/readyz")
        # The reason, in one line, so an operator needn't read the log; no traceback.
        assert ready.status_code == 503 and ready.json()["error"]["code"] == "engine_failed"
        message = ready.json()["error"]["message"]
        assert message == "the engine failed to load: OSError: checkpoint not found"
        assert c.get("/healthz").json()["error"]["message"] == message


def test_metrics_are_prometheus_text(client: TestClient, ferry: list[dict[str, Any]]) -> None:
    client.post("/v1/summarize", json=body(ferry))
    client.post("/v1/summarize", json={})
    r = client.get("/metrics")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/plain")
    text = r.text
    assert 'summarizer_requests_total{route="/v1/summarize",status="200"}' in text
    assert 'summarizer_requests_total{route="/v1/summarize",status="422"}' in text
    assert "summarizer_request_duration_seconds_bucket" in text
    assert "summarizer_queue_depth 0.0" in text
    assert "summarizer_generated_tokens_total" in text
    assert "summarizer_ready 1.0" in text


def test_openapi_documents_the_api(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    assert "/v1/summarize" in spec["paths"]
    assert client.get("/docs").status_code == 200


# The JSON Schema keywords that bound a value.
BOUNDS = {"minimum", "maximum", "minLength", "maxLength", "pattern", "minItems", "maxItems"}


def test_the_served_schema_has_the_documented_bounds(client: TestClient) -> None:
    """What a client reads in /openapi.json against what the README promises, so that neither
    drifts from the other (the schema's bounds are constants of service.domain and schemas)."""
    schemas = client.get("/openapi.json").json()["components"]["schemas"]

    def bounds(model: str, field: str) -> dict[str, Any]:
        prop = schemas[model]["properties"][field]
        (typed,) = [t for t in prop.get("anyOf", [prop]) if t.get("type") != "null"]
        return {k: v for k, v in typed.items() if k in BOUNDS}

    assert bounds("OptionsIn", "max_words") == {"minimum": 10, "maximum": 1000}
    assert bounds("OptionsIn", "num_facts") == {"minimum": 0, "maximum": 50}
    assert bounds("SummarizeRequest", "query") == {"maxLength": 1000, "pattern": r"\S"}
    # The limit in force, SUMMARIZER_MAX_ARTICLES (25 by default; tests/api/test_errors.py sets it).
    assert bounds("SummarizeRequest", "articles") == {"minItems": 1, "maxItems": 25}
    assert bounds("SummarizeRequest", "background") == {"maxItems": 25}
    assert bounds("ArticleIn", "id") == {"maxLength": 200}
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    assert "(`max_words` 10–1000, `num_facts` 0–50)" in readme
    assert "a question or topic, up to 1,000 characters" in readme


class HoldingEngine(EmbeddedEngine):
    """Blocks inside summarize until released, so requests pile up behind it."""

    def __init__(self) -> None:
        super().__init__()
        self.release = threading.Event()
        self.entered = threading.Event()

    def warmup(self) -> None:
        pass

    def summarize(
        self, clusters: Sequence[Cluster], stop: Sequence[threading.Event] | None = None
    ) -> list[Result]:
        self.entered.set()
        self.release.wait(10)
        return super().summarize(clusters)


def test_full_queue_answers_429(ferry: list[dict[str, Any]]) -> None:
    engine = HoldingEngine()
    with serve(Settings(max_queue=1), engine=engine) as c:
        results: list[int] = []
        t = threading.Thread(
            target=lambda: results.append(c.post("/v1/summarize", json=body(ferry)).status_code)
        )
        t.start()
        assert engine.entered.wait(10)
        r = c.post("/v1/summarize", json=body(ferry))
        assert r.status_code == 429 and r.json()["error"]["code"] == "overloaded"
        engine.release.set()
        t.join(10)
        assert results == [200]


def test_deadline_answers_504(ferry: list[dict[str, Any]]) -> None:
    engine = HoldingEngine()
    with serve(Settings(request_timeout_s=0.2), engine=engine) as c:
        r = c.post("/v1/summarize", json=body(ferry))
        assert r.status_code == 504 and r.json()["error"]["code"] == "deadline_exceeded"
        engine.release.set()


@pytest.mark.parametrize(
    "text",
    [
        "东京电力公司周一表示，将在下周开始排放处理过的水。日本政府已批准该计划。",
        "قال المسؤولون يوم الاثنين إن المحادثات ستستأنف الأسبوع المقبل. ورحب الوزير بالقرار.",
        "Переговоры возобновятся в понедельник в Стамбуле. Министр приветствовал это решение.",
        "🔥🔥🔥 Fire crews arrived at 9 a.m. on Friday. 🚒 Nobody was hurt in the blaze. 👍",
        "word " * 5000,
        "1 2 3 4 5 6 7 8 9 10 11 12",
    ],
    ids=["cjk", "arabic", "cyrillic", "emoji", "no-punctuation", "numbers"],
)
def test_any_script_gets_a_summary(client: TestClient, text: str) -> None:
    r = client.post("/v1/summarize", json={"articles": [{"text": text}, {"text": text}]})
    assert r.status_code == 200, r.text
    summary = r.json()["summary"]
    assert summary and " ".join(summary.split()[:3]) in " ".join(text.split())


def test_request_ids_are_echoed_or_made(client: TestClient) -> None:
    r = client.get("/healthz", headers={"X-Request-ID": "abc-123"})
    assert r.headers["x-request-id"] == "abc-123"
    made = client.post("/v1/summarize", json={}).headers["x-request-id"]  # errors carry one too
    assert len(made) == 32 and made != client.get("/healthz").headers["x-request-id"]
    assert client.get("/healthz", headers={"X-Request-ID": "bad id\twith spaces"}).headers[
        "x-request-id"
    ] != ("bad id\twith spaces")


def test_access_lines_carry_the_request_id(client: TestClient, caplog: pytest.LogCaptureFixture) -> None:
    seen: list[tuple[str, str]] = []

    class Capture(logging.Filter):
        def filter(self, record: logging.LogRecord) -> bool:
            if record.name == "service.access":
                seen.append((current_request_id.get(), record.getMessage()))
            return True

    capture = Capture()
    caplog.handler.addFilter(capture)
    try:
        with caplog.at_level(logging.INFO, logger="service.access"):
            client.get("/healthz", headers={"X-Request-ID": "trace-42"})
    finally:
        caplog.handler.removeFilter(capture)
    assert any(rid == "trace-42" and '"GET /healthz" 200' in msg for rid, msg in seen), seen


def test_docs_and_spec_are_counted_under_their_routes(client: TestClient) -> None:
    client.get("/docs")
    client.get("/openapi.json")
    metrics = client.get("/metrics").text
    assert 'summarizer_requests_total{route="/docs",status="200"}' in metrics
    assert 'summarizer_requests_total{route="/openapi.json",status="200"}' in metrics


def test_character_limits_are_413(ferry: list[dict[str, Any]]) -> None:
    with serve(Settings(max_article_chars=500, max_total_chars=900)) as c:
        r = c.post("/v1/summarize", json={"articles": [{"text": "Word. " * 100}]})
        assert r.status_code == 413 and "article 0 has 600 characters; the limit is 500" in r.text
        r = c.post("/v1/summarize", json={"articles": [{"text": "Word. " * 80}] * 2})
        assert r.status_code == 413 and "the limit is 900" in r.json()["error"]["message"]
        assert (
            c.post("/v1/summarize", json={"articles": [{"text": "Word and more. " * 30}]}).status_code == 200
        )


def test_api_key_guards_summaries_and_optionally_metrics(ferry: list[dict[str, Any]]) -> None:
    good = {"articles": ferry[:1]}
    with serve(Settings(api_key="s3cret")) as c:  # type: ignore[arg-type]
        r = c.post("/v1/summarize", json=good)
        assert r.status_code == 401 and r.json()["error"]["code"] == "unauthorized"
        assert r.headers["www-authenticate"] == "Bearer"
        assert (
            c.post("/v1/summarize", json=good, headers={"Authorization": "Bearer wrong"}).status_code == 401
        )
        assert (
            c.post("/v1/summarize", json=good, headers={"Authorization": "Bearer s3cret"}).status_code == 200
        )
        assert c.post("/v1/summarize", json=good, headers={"X-API-Key": "s3cret"}).status_code == 200
        assert c.get("/healthz").status_code == 200 and c.get("/readyz").status_code == 200
        assert c.get("/metrics").status_code == 200  # open unless protect_metrics
        assert "s3cret" not in c.get("/openapi.json").text
    with serve(Settings(api_key="s3cret", protect_metrics=True)) as c:  # type: ignore[arg-type]
        assert c.get("/metrics").status_code == 401
        assert c.get("/metrics", headers={"X-API-Key": "s3cret"}).status_code == 200


def test_cors_is_off_unless_configured(client: TestClient) -> None:
    preflight = {"Origin": "https://newsroom.example", "Access-Control-Request-Method": "POST"}
    assert "access-control-allow-origin" not in client.options("/v1/summarize", headers=preflight).headers
    with serve(Settings(cors_origins=["https://newsroom.example"])) as c:
        r = c.options("/v1/summarize", headers=preflight)
        assert r.headers["access-control-allow-origin"] == "https://newsroom.example"


def test_html_articles_are_read_as_text(client: TestClient) -> None:
    page = (
        "<html><head><title>Gazette</title><style>p {color: red}</style></head><body>"
        "<p>The <b>city council</b> approved a budget of 12 million euros on Monday "
        "&amp; cut two programs.</p>"
        "<script>alert('x')</script>"
        "<p>Mayor Lena Ortiz said the money would pay for three new schools in the east.</p></body></html>"
    )
    r = client.post("/v1/summarize", json={"articles": [{"text": page}], "options": {"num_facts": 2}})
    assert r.status_code == 200, r.text
    data = r.json()
    assert "<" not in data["summary"] and "alert" not in data["summary"] and "color" not in data["summary"]
    assert "12 million euros on Monday & cut two programs" in data["summary"]
    # A whole page: sources index the article text read from it, which the answer returns.
    (read,) = data["input"]["pages"]
    assert read["article"] == 0 and not read["background"] and read["extractor"].startswith("trafilatura")
    assert read["markup_chars"] == len(page) and read["article_chars"] == len(read["text"])
    assert read["title"] == "Gazette" and "alert" not in read["text"] and "color" not in read["text"]
    for fact in data["key_facts"]:
        (src,) = fact["sources"]
        assert " ".join(read["text"][src["start"] : src["end"]].split()) == fact["text"]


def test_html_fragments_are_read_in_place(client: TestClient) -> None:
    # A fragment (no page around it) has no furniture to strip: offsets index the markup as sent.
    fragment = (
        "<p>The <b>city council</b> approved a budget of 12 million euros on Monday "
        "&amp; cut two programs.</p>"
        "<p>Mayor Lena Ortiz said the money would pay for three new schools in the east.</p>"
    )
    r = client.post("/v1/summarize", json={"articles": [{"text": fragment}], "options": {"num_facts": 2}})
    assert r.status_code == 200, r.text
    data = r.json()
    assert data["input"]["pages"] == []
    assert "12 million euros on Monday & cut two programs" in data["summary"]
    for fact in data["key_facts"]:
        (src,) = fact["sources"]
        span = fragment[src["start"] : src["end"]]
        assert span.endswith(".") and fact["text"].split()[-1] in span


def test_invisible_characters_do_not_reach_the_summary(client: TestClient) -> None:
    text = (
        "Talks\u200b resumed on Monday in the capital.\u0007 The minister\u200d welcomed the decision warmly."
    )
    r = client.post("/v1/summarize", json={"articles": [{"text": text}]})
    assert r.status_code == 200
    assert not any(c in r.json()["summary"] for c in "\u200b\u200d\u0007")
