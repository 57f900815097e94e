"""Property-based fuzzing of the HTTP API from its own OpenAPI schema (schemathesis + hypothesis).

The app runs in-process through schemathesis' ASGI transport, lifespan included (the embedded
engine loads in the background; fuzzing starts once /readyz says 200). Generation is bounded and
derandomized, so a run is reproducible and takes a minute or two on two cores: the request limits
below keep generated articles small, and each operation gets a fixed number of examples.
"""

from __future__ import annotations

import json
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from prometheus_client.parser import text_string_to_metric_families
from schemathesis import Case, GenerationMode
from schemathesis.checks import content_type_conformance, response_schema_conformance, status_code_conformance
from schemathesis.python import asgi

from service.api.app import create_app
from service.settings import Settings

pytestmark = pytest.mark.slow

# Small limits, so that generated requests stay cheap to answer and the 413 (article, total and
# body size) and 422 (too many articles) paths are reached by generated data too.
SETTINGS = Settings(
    max_articles=8,
    max_article_chars=400,
    max_total_chars=1_200,
    max_body_bytes=8_000,
    default_max_words=40,
    default_num_facts=3,
    # Generated requests take milliseconds; a request stuck in the runner fails fast as a 504.
    request_timeout_s=10,
)
SUMMARIZE = ("/v1/summarize", "POST")
# Examples per generation mode: bodies valid by the schema, and bodies that violate it.
SUMMARIZE_EXAMPLES = {GenerationMode.POSITIVE: 1200, GenerationMode.NEGATIVE: 500}
PROBES = [("/healthz", "GET"), ("/readyz", "GET"), ("/metrics", "GET")]
PROBE_EXAMPLES = 10
# What a request valid by the schema may still get: 413 over the configured size limits, 422 for
# what the schema cannot say (blank text, more articles than configured).
POSITIVE_STATUSES = {200, 413, 422}
# A body that violates the schema is refused: 400 when it is not JSON at all, 413 when over the
# body limit, 415 when not sent as JSON, 422 otherwise. Never 2xx, never 5xx.
NEGATIVE_STATUSES = {400, 413, 415, 422}


@dataclass
class Fuzz:
    schema: schemathesis.BaseSchema
    client: asgi.ASGIClient
    statuses: Counter[tuple[str, str, int]] = field(default_factory=Counter)

    def call(self, case: Case, mode: GenerationMode, allowed: set[int]) -> None:
        response = case.call(session=self.client)
        status = response.status_code
        self.statuses[(case.operation.label, mode.value, status)] += 1
        assert status in allowed, (
            f"{status} from {case.operation.label} ({mode.value} case): {response.text[:500]}\n"
            f"reproduce: {case.as_curl_command()[:2000]}"
        )
        if status == 400:  # FastAPI's answer to a body it cannot read as JSON text
            assert json.loads(response.content)["error"]["code"] == "bad_request", response.text
        checks = [content_type_conformance, response_schema_conformance, status_code_conformance]
        case.validate_response(response, checks=checks)
        if status == 200 and case.operation.label == "POST /v1/summarize":
            assert isinstance(case.body, dict)
            _check_sources(case.body, response.json())


def _check_sources(request: dict[str, Any], answer: dict[str, Any]) -> None:
    """Every cited span lies inside the article it names (in the background when it says so), and
    echoes that article's id; key facts cite the new articles only."""
    # The text as the server decoded it: JSON joins an escaped surrogate pair into one character.
    decoded = json.loads(json.dumps(request))
    articles, background = decoded["articles"], decoded.get("background", [])
    cited = [s for f in answer["key_facts"] for s in f["sources"]]
    for disputes in (answer["conflicts"], answer["updates"]):
        cited += [s for c in disputes for claim in c["claims"] for s in claim["sources"]]
    for s in cited:
        assert not (s["background"] and s in [x for f in answer["key_facts"] for x in f["sources"]]), s
        group = background if s["background"] else articles
        assert 0 <= s["article"] < len(group), s
        article = group[s["article"]]
        assert 0 <= s["start"] < s["end"] <= len(article["text"]), (s, len(article["text"]))
        assert s["article_id"] == article.get("id"), s


def _requests_by_status(client: asgi.ASGIClient) -> Counter[int]:
    """summarizer_requests_total of /v1/summarize from /metrics, by status. A body refused on its
    declared Content-Length is answered before routing, so it counts as route "unmatched"."""
    counts: Counter[int] = Counter()
    for family in text_string_to_metric_families(client.get("/metrics").text):
        for sample in family.samples:
            if sample.name == "summarizer_requests_total" and sample.labels["route"] in (
                "/v1/summarize",
                "unmatched",
            ):
                counts[int(sample.labels["status"])] += int(sample.value)
    return counts


@pytest.fixture(scope="module")
def fuzz() -> Iterator[Fuzz]:
    app = create_app(SETTINGS)
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    with asgi.get_client(app) as client:  # type: ignore[arg-type]  # FastAPI is an ASGI app
        deadline = time.monotonic() + 60
        while client.get("/readyz").status_code != 200:
            assert time.monotonic() < deadline, "the embedded engine did not become ready"
            time.sleep(0.05)
        yield Fuzz(schema, client)
    # schemathesis keeps a started lifespan for the rest of the process; end it here, so the
    # engine runner is closed as a server would close it.
    asgi.shutdown_lifespans()


def _fuzz(fuzz: Fuzz, path: str, method: str, mode: GenerationMode, examples: int, allowed: set[int]) -> int:
    """Run `examples` generated cases of one operation; how many were sent."""
    strategy: st.SearchStrategy[Case] = fuzz.schema[path][method].as_strategy(generation_mode=mode)
    before = fuzz.statuses.total()

    @settings(
        max_examples=examples,
        deadline=None,
        derandomize=True,  # the same cases on every run and machine
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
    )
    @given(case=strategy)
    def check(case: Case) -> None:
        fuzz.call(case, mode, allowed)

    check()
    return fuzz.statuses.total() - before


def _fuzz_summarize(fuzz: Fuzz, mode: GenerationMode, allowed: set[int]) -> None:
    before = _requests_by_status(fuzz.client)
    sent = _fuzz(fuzz, *SUMMARIZE, mode, SUMMARIZE_EXAMPLES[mode], allowed)
    # Hypothesis stops early only when it runs out of distinct cases, which this schema never does.
    assert sent == SUMMARIZE_EXAMPLES[mode]
    ours = Counter(
        {s: n for (op, m, s), n in fuzz.statuses.items() if op == "POST /v1/summarize" and m == mode.value}
    )
    assert ours.total() == sent
    # The service's own request counter saw every fuzzed request, with the status we got.
    assert _requests_by_status(fuzz.client) - before == ours


def test_summarize_valid_bodies(fuzz: Fuzz) -> None:
    _fuzz_summarize(fuzz, GenerationMode.POSITIVE, POSITIVE_STATUSES)
    # The engine answered most of them (not only validation errors).
    assert (
        fuzz.statuses[("POST /v1/summarize", "positive", 200)]
        > SUMMARIZE_EXAMPLES[GenerationMode.POSITIVE] // 2
    )


def test_summarize_invalid_bodies(fuzz: Fuzz) -> None:
    _fuzz_summarize(fuzz, GenerationMode.NEGATIVE, NEGATIVE_STATUSES)


@pytest.mark.parametrize(("path", "method"), PROBES)
def test_probes(fuzz: Fuzz, path: str, method: str) -> None:
    # These take no parameters: schemathesis generates the one request they have.
    assert _fuzz(fuzz, path, method, GenerationMode.POSITIVE, PROBE_EXAMPLES, {200}) >= 1


@pytest.mark.parametrize("value", [False, "5", 5.0], ids=["bool", "string", "float"])
def test_integer_options_refuse_other_json_types(fuzz: Fuzz, value: object) -> None:
    """The schema says integer: other JSON types are refused, not coerced."""
    body: dict[str, Any] = {
        "articles": [{"text": "Ferry workers walked off the job on Monday."}],
        "options": {"num_facts": value},
    }
    r = fuzz.client.post("/v1/summarize", json=body)
    assert r.status_code == 422
    assert r.json()["error"]["details"][0]["loc"] == "body.options.num_facts"
