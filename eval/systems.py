"""The system under test: an engine in-process, or a running service reached over HTTP.

The harness's one adapter to the service: the only module of `eval` that imports it (its
settings, engine factory and data types), so the rest of the harness measures from outside.
`SummarizeClient` posts raw request bodies to the HTTP API (a running service, or the app built
in this process) for checks that judge what a user gets back, status codes included.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator, Sequence
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any, get_args

import httpx

from eval.data import Document, Example
from service.api.schemas import SummarizeResponse
from service.domain import (
    MAX_MAX_WORDS,
    MAX_NUM_FACTS,
    MIN_MAX_WORDS,
    MIN_NUM_FACTS,
    Article,
    Cluster,
    EngineName,
    Options,
    Result,
)
from service.engines import build_engine, run_batch
from service.errors import InvalidInput
from service.settings import Settings

if TYPE_CHECKING:
    from fastapi.testclient import TestClient

log = logging.getLogger(__name__)

RETRY_STATUSES = frozenset({429, 502, 503, 504})

# The service's bounds on a request's options (inclusive), for the harness's flags: the rest of
# the harness reaches the service only through this module.
MAX_WORDS_RANGE = (MIN_MAX_WORDS, MAX_MAX_WORDS)
NUM_FACTS_RANGE = (MIN_NUM_FACTS, MAX_NUM_FACTS)
# The service's engines (`EngineName`, which the harness imports from here), for `--engine`.
ENGINE_NAMES: tuple[EngineName, ...] = get_args(EngineName)


def check_options(max_words: int, num_facts: int) -> None:
    """Raise the service's `InvalidInput` (a ValueError) for options the service would refuse."""
    Options(max_words=max_words, num_facts=num_facts)


@dataclass
class Output:
    """What the system said for one example (or why it said nothing)."""

    summary: str
    key_facts: list[dict[str, Any]] = field(default_factory=list)
    conflicts: list[dict[str, Any]] = field(default_factory=list)
    # Figures that changed between dated articles, reported apart from conflicts (same shape).
    updates: list[dict[str, Any]] = field(default_factory=list)
    elapsed_ms: float = 0.0
    engine: str | None = None
    model: str | None = None
    error: str | None = None


def to_cluster(example: Example, max_words: int, num_facts: int) -> Cluster:
    return Cluster(
        articles=tuple(Article(text=d.text, title=d.title, published=d.date) for d in example.documents),
        options=Options(max_words=max_words, num_facts=num_facts),
        query=example.query,
        background=tuple(Article(text=d.text, title=d.title, published=d.date) for d in example.background),
    )


def api_article(d: Document) -> dict[str, Any]:
    """A document as the HTTP API takes an article."""
    return {
        "text": d.text,
        **({"title": d.title} if d.title else {}),
        **({"published": d.date.isoformat()} if d.date else {}),
    }


def _output(result: Result, cluster: Cluster, elapsed_ms: float) -> Output:
    """What the engine said, in the JSON the HTTP API answers with (the service's own response
    model): an in-process output has the shape of a remote one."""
    said = SummarizeResponse.from_result(result, cluster, {}).model_dump(
        mode="json", include={"key_facts", "conflicts", "updates"}
    )
    return Output(
        summary=result.summary,
        key_facts=said["key_facts"],
        conflicts=said["conflicts"],
        updates=said["updates"],
        elapsed_ms=elapsed_ms,
        engine=result.engine,
        model=result.model,
    )


class EngineSystem:
    """An engine of the service, loaded in this process (embedded, or seq2seq from a checkpoint)."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.engine = build_engine(settings)
        self.name = f"engine:{self.engine.name}"
        self.engine.load()

    def describe(self) -> dict[str, Any]:
        s = self.settings
        desc: dict[str, Any] = {"kind": "engine", "engine": self.engine.name, "model": self.engine.model_id}
        if self.engine.name == "seq2seq":
            desc["generation"] = {
                t: {**asdict(decoding), "max_new_tokens": most}
                for t in ("summary", "facts")
                for decoding, most in [s.model_settings().decoding(t)]
            }
            desc["max_input_tokens"] = s.max_input_tokens
            desc["prompt_family"] = s.prompt_family
            desc["backend"] = s.backend
            desc["precision"] = (
                {"compute_type": s.compute_type}
                if s.backend == "ctranslate2"
                else {"dtype": s.dtype, "quantize": s.quantize}
            )
        return desc

    async def outputs(
        self, examples: Sequence[Example], max_words: int, num_facts: int
    ) -> AsyncIterator[tuple[Example, Output]]:
        for example in examples:
            t0 = time.perf_counter()
            # Off the event loop, like the service does; one example at a time so rows stream out.
            cluster = to_cluster(example, max_words, num_facts)
            (result,) = await asyncio.to_thread(self.engine.summarize, [cluster])
            yield example, _output(result, cluster, (time.perf_counter() - t0) * 1e3)

    def summarize_batch(self, examples: Sequence[Example], max_words: int, num_facts: int) -> list[Output]:
        """All `examples` in one engine call, outputs in the same order; each output's `elapsed_ms`
        is its share of the call's time. For callers that need no streaming rows."""
        t0 = time.perf_counter()
        clusters = [to_cluster(e, max_words, num_facts) for e in examples]
        try:
            results: list[Result | Exception] = list(run_batch(self.engine, clusters))
        except InvalidInput:
            # One example the service refuses (e.g. nothing but boilerplate) must not sink the
            # rest: run them one by one, and give the refused ones their error.
            results = []
            for cluster in clusters:
                try:
                    results.extend(run_batch(self.engine, [cluster]))
                except InvalidInput as exc:
                    results.append(exc)
        share = (time.perf_counter() - t0) * 1e3 / max(len(examples), 1)
        return [
            Output(summary="", elapsed_ms=share, error=f"refused: {r}")
            if isinstance(r, Exception)
            else _output(r, cluster, share)
            for r, cluster in zip(results, clusters, strict=True)
        ]


def engine_system(
    engine: EngineName, model: str | None = None, same_fact_threshold: float | None = None
) -> EngineSystem:
    """An engine of the service in this process; the rest of its settings from SUMMARIZER_*.

    `same_fact_threshold` overrides the merge score at which the service counts two articles'
    sentences as one fact (to trace its precision-recall curve)."""
    return EngineSystem(Settings(engine=engine, model=model, same_fact_threshold=same_fact_threshold))


class RemoteSystem:
    """A running service (e.g. the Docker container): bounded concurrency, retries with backoff."""

    def __init__(self, url: str, concurrency: int = 4, retries: int = 6, timeout_s: float = 300.0) -> None:
        self.url = url.rstrip("/")
        self.name = "service"
        self.concurrency = concurrency
        self.retries = retries
        self.timeout_s = timeout_s

    def describe(self) -> dict[str, Any]:
        return {"kind": "service", "url": self.url, "concurrency": self.concurrency}

    async def _one(
        self, client: httpx.AsyncClient, example: Example, max_words: int, num_facts: int
    ) -> Output:
        body = {
            "articles": [api_article(d) for d in example.documents],
            **({"background": [api_article(d) for d in example.background]} if example.background else {}),
            "options": {"max_words": max_words, "num_facts": num_facts},
            **({"query": example.query} if example.query else {}),
        }
        t0 = time.perf_counter()
        delay = 0.5
        last = ""
        for attempt in range(self.retries + 1):
            try:
                r = await client.post(f"{self.url}/v1/summarize", json=body)
            except httpx.TransportError as exc:
                last = f"{type(exc).__name__}: {exc}"
            else:
                if r.status_code == 200:
                    data = r.json()
                    return Output(
                        summary=data["summary"],
                        key_facts=data.get("key_facts", []),
                        conflicts=data.get("conflicts", []),
                        updates=data.get("updates", []),
                        elapsed_ms=(time.perf_counter() - t0) * 1e3,
                        engine=data.get("engine"),
                        model=data.get("model"),
                    )
                last = f"HTTP {r.status_code}: {r.text[:200]}"
                if r.status_code not in RETRY_STATUSES:
                    break
                retry_after = r.headers.get("retry-after", "")
                if retry_after.isdigit():
                    delay = max(delay, float(retry_after))
            if attempt < self.retries:
                log.debug("example %s: %s; retrying in %.1fs", example.id, last, delay)
                await asyncio.sleep(delay)
                delay = min(delay * 2, 30.0)
        log.warning("example %s failed: %s", example.id, last)
        return Output(summary="", elapsed_ms=(time.perf_counter() - t0) * 1e3, error=last)

    async def outputs(
        self, examples: Sequence[Example], max_words: int, num_facts: int
    ) -> AsyncIterator[tuple[Example, Output]]:
        gate = asyncio.Semaphore(self.concurrency)
        async with httpx.AsyncClient(timeout=self.timeout_s) as client:

            async def bounded(example: Example) -> tuple[Example, Output]:
                async with gate:
                    return example, await self._one(client, example, max_words, num_facts)

            tasks = [asyncio.create_task(bounded(e)) for e in examples]
            try:
                for done in asyncio.as_completed(tasks):
                    yield await done
            finally:
                for t in tasks:
                    t.cancel()


@dataclass(frozen=True)
class Reply:
    """One answer of /v1/summarize as a user gets it: the status, the JSON body, and the client's
    time (retries included)."""

    status: int  # 0: no answer at all (the connection failed on every try)
    body: dict[str, Any]  # the response, or the error body {"error": {"code", "message", ...}}
    wall_ms: float


class SummarizeClient:
    """Posts request bodies to the service's `/v1/summarize` (or `/v1/digest`) as a user does, and
    nothing else.

    With `url`: a running service over HTTP. Without: the app as `python -m service` builds it
    (`service.api.app.create_app`, settings from SUMMARIZER_*), in this process through FastAPI's
    TestClient: the same validation, limits and error bodies, no server to start. Retries a 429 or
    503 (overloaded, still loading) with backoff; every other status is the answer.
    """

    def __init__(
        self,
        url: str | None = None,
        timeout_s: float = 300.0,
        retries: int = 3,
        ready_timeout_s: float = 60.0,
    ) -> None:
        self.url = url.rstrip("/") if url else None
        self.timeout_s = timeout_s
        self.ready_timeout_s = ready_timeout_s
        self.retries = retries
        self.settings: Settings | None = None
        self._client: httpx.Client | TestClient | None = None

    def describe(self) -> dict[str, Any]:
        if self.url:
            return {"kind": "service", "url": self.url}
        limits = {}
        if self.settings is not None:
            dumped = self.settings.model_dump()
            limits = {k: v for k, v in dumped.items() if k.startswith(("max_", "default_"))}
            limits["engine"] = self.settings.engine_name
        return {"kind": "in-process app", "settings": limits}

    def __enter__(self) -> SummarizeClient:
        if self.url:
            self._client = httpx.Client(base_url=self.url, timeout=self.timeout_s)
        else:
            # Imported here: only the in-process mode needs the app (and FastAPI's test client).
            from fastapi.testclient import TestClient

            from service.api.app import create_app

            self.settings = Settings()
            client = TestClient(create_app(self.settings), raise_server_exceptions=False)
            client.__enter__()  # runs the app's lifespan: the engine starts loading
            self._client = client
        try:
            self._wait_ready(self._client)
        except BaseException:
            self.__exit__(None, None, None)
            raise
        return self

    def _wait_ready(self, client: httpx.Client | TestClient) -> None:
        """Until /readyz answers 200, as a user's script waits; TimeoutError past `ready_timeout_s`,
        RuntimeError at once when /healthz says the engine failed to load."""
        where = self.url or "the in-process service"
        deadline = time.monotonic() + self.ready_timeout_s
        last = ""
        while time.monotonic() < deadline:
            try:
                if client.get("/readyz").status_code == 200:
                    return
                if client.get("/healthz").status_code == 503:
                    raise RuntimeError(f"{where}: the engine failed to load")
                last = "not ready"
            except httpx.TransportError as exc:
                last = f"{type(exc).__name__}: {exc}"
            time.sleep(0.2)
        raise TimeoutError(f"{where} was not ready within {self.ready_timeout_s:g} s ({last})")

    def __exit__(self, *exc: object) -> None:
        if self._client is not None:
            self._client.__exit__(None, None, None)
            self._client = None

    def post(self, body: dict[str, Any], path: str = "/v1/summarize") -> Reply:
        """POST `body` as JSON to `path` (/v1/summarize, or /v1/digest); the final answer after
        any retries."""
        if self._client is None:
            raise RuntimeError("SummarizeClient is used outside its `with` block")
        t0 = time.perf_counter()
        delay = 0.5
        for attempt in range(self.retries + 1):
            try:
                r = self._client.post(path, json=body)
            except httpx.TransportError as exc:
                status, answer = (
                    0,
                    {"error": {"code": "no_answer", "message": f"{type(exc).__name__}: {exc}"}},
                )
            else:
                status = r.status_code
                try:
                    parsed = r.json()
                except ValueError:
                    parsed = None
                answer = (
                    parsed
                    if isinstance(parsed, dict)
                    else {"error": {"code": "not_json", "message": r.text[:200]}}
                )
                if status not in (429, 503):
                    break
                retry_after = r.headers.get("retry-after", "")
                if retry_after.isdigit():
                    delay = max(delay, float(retry_after))
            if attempt < self.retries:
                time.sleep(delay)
                delay = min(delay * 2, 30.0)
        return Reply(status=status, body=answer, wall_ms=(time.perf_counter() - t0) * 1e3)
