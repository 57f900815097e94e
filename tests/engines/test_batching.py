"""Dynamic batching: requests that arrive together run together, and nobody can tell from the output.

The seq2seq checks run on the tiny random-weight checkpoints built in this session: the words are
noise, but noise that must be identical whether a request ran alone or beside others.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn

from service.api.app import create_app
from service.domain import Cluster, Result
from service.engines.embedded import EmbeddedEngine
from service.engines.generation import plan_chunks
from service.engines.seq2seq import Seq2SeqEngine
from service.errors import ClientClosed, DeadlineExceeded, InvalidInput
from service.runner import EngineRunner
from service.settings import Settings
from tests.support.articles import load_cluster, to_cluster
from tests.support.servers import free_port, wait_ready


def mixed_clusters() -> list[Cluster]:
    """Requests of different lengths, word budgets and fact counts, as real traffic mixes them."""
    ferry, prisoners = load_cluster("ferry_strike"), load_cluster("prisoner_exchange")
    return [
        to_cluster(ferry, max_words=60, num_facts=4),
        to_cluster(prisoners[:1], max_words=60, num_facts=3),
        to_cluster(ferry[1:2], max_words=15, num_facts=2),
        to_cluster(prisoners, max_words=60, num_facts=0),
        to_cluster(ferry[:2], max_words=60, num_facts=4),
    ]


def same_output(a: Result, b: Result) -> bool:
    return (a.summary, a.key_facts, a.conflicts, a.generated_tokens, a.input) == (
        b.summary,
        b.key_facts,
        b.conflicts,
        b.generated_tokens,
        b.input,
    )


@pytest.fixture(
    scope="module",
    params=[("t5", 1, "float32"), ("t5", 3, "float32"), ("bart", 1, "float32"), ("bart", 3, "float32")]
    + [("t5", 1, "bfloat16"), ("bart", 3, "bfloat16")],
    ids=str,
)
def engine(request: pytest.FixtureRequest, tiny_models: dict[str, Path]) -> Seq2SeqEngine:
    kind, beams, dtype = request.param
    e = Seq2SeqEngine.from_settings(
        Settings(
            model=str(tiny_models[kind]),
            num_beams=beams,
            dtype=dtype,
            summary_max_new_tokens=40,
            facts_max_new_tokens=48,
        )
    )
    e.load()
    return e


@pytest.mark.slow
def test_a_request_gives_the_same_output_alone_or_in_a_batch(engine: Seq2SeqEngine) -> None:
    clusters = mixed_clusters()
    alone = [engine.summarize([c])[0] for c in clusters]
    together = engine.summarize(clusters)
    backwards = engine.summarize(clusters[::-1])[::-1]
    for a, t, b in zip(alone, together, backwards, strict=True):
        assert same_output(a, t) and same_output(a, b)
    assert len({r.summary for r in alone}) > 1  # the inputs really differ


@pytest.mark.slow
def test_token_budget_splits_a_batch_by_length_without_changing_outputs(
    tiny_models: dict[str, Path],
) -> None:
    clusters = mixed_clusters()
    wide = Seq2SeqEngine.from_settings(
        Settings(model=str(tiny_models["t5"]), num_beams=1, summary_max_new_tokens=24)
    )
    narrow = Seq2SeqEngine.from_settings(
        Settings(model=str(tiny_models["t5"]), num_beams=1, summary_max_new_tokens=24, batch_max_tokens=600)
    )
    wide.load()
    narrow.load()
    lengths = [90, 500, 100, 480, 95, 300]
    chunks = plan_chunks(lengths, [10] * 6, 600, narrow.max_input_tokens)
    # Similar lengths share a chunk, longest last, and no chunk pads past the budget.
    assert [[lengths[i] for i in c] for c in chunks] == [[90, 95, 100], [300], [480], [500]]
    assert all(len(c) * (max(lengths[i] for i in c) + 1) <= 600 for c in chunks)
    # Rows with different decoding settings (the keys) never share a generate() call.
    assert plan_chunks([90, 95], [10, 20], 600, narrow.max_input_tokens) == [[0], [1]]
    for a, b in zip(wide.summarize(clusters), narrow.summarize(clusters), strict=True):
        assert same_output(a, b)


@pytest.mark.slow
def test_a_stopped_request_stops_generating(tiny_models: dict[str, Path]) -> None:
    # Fixed output length, so only the stop can cut it short.
    e = Seq2SeqEngine.from_settings(
        Settings(
            model=str(tiny_models["t5"]),
            num_beams=1,
            summary_min_new_tokens=40,
            summary_max_new_tokens=40,
            facts_min_new_tokens=40,
            facts_max_new_tokens=40,
        )
    )
    e.load()
    clusters = mixed_clusters()[:2]
    stop = [threading.Event(), threading.Event()]
    stop[1].set()
    kept, dropped = e.summarize(clusters, stop)
    assert kept.generated_tokens >= 60  # 80 tokens, less any that decode to the padding id
    assert dropped.generated_tokens <= 4  # one step per task before the check
    (again,) = e.summarize(clusters[:1])
    assert same_output(kept, again)


# --- the runner: micro-batches of concurrent requests --------------------------------------------


class GatedEngine(EmbeddedEngine):
    """The embedded engine, recording each batch; the first batch waits for `gate`."""

    def __init__(self) -> None:
        super().__init__()
        self.gate = threading.Event()
        self.entered = threading.Event()
        self.batches: list[list[Cluster]] = []
        self.stops: list[list[threading.Event]] = []

    def summarize(
        self, clusters: Sequence[Cluster], stop: Sequence[threading.Event] | None = None
    ) -> list[Result]:
        self.batches.append(list(clusters))
        self.stops.append(list(stop or []))
        self.entered.set()
        self.gate.wait(10)
        return super().summarize(clusters, stop)


def ferry_cluster(max_words: int = 40) -> Cluster:
    return to_cluster(load_cluster("ferry_strike"), max_words=max_words)


async def wait_for(condition: Any, timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "condition not met in time"
        await asyncio.sleep(0.01)


def test_requests_waiting_together_run_as_one_batch() -> None:
    async def scenario() -> None:
        engine = GatedEngine()
        runner = EngineRunner(engine, max_queue=16, timeout_s=10, batch_max_size=4, batch_wait_ms=1)
        runner.start()
        first = asyncio.ensure_future(runner.run(ferry_cluster()))
        await wait_for(engine.entered.is_set)
        # While the first batch runs, six more arrive: they go in batches of at most four.
        rest = [asyncio.ensure_future(runner.run(ferry_cluster(30 + i))) for i in range(6)]
        await asyncio.sleep(0.05)
        assert runner.depth == 7
        engine.gate.set()
        results = await asyncio.gather(first, *rest)
        assert [len(b) for b in engine.batches] == [1, 4, 2]
        # Each answer belongs to its own request.
        solo = EmbeddedEngine()
        for i, (result, queue_ms) in enumerate(results[1:]):
            assert result.summary == solo.summarize([ferry_cluster(30 + i)])[0].summary
            assert queue_ms > 0
        assert runner.depth == 0
        runner.close()

    asyncio.run(scenario())


def test_a_burst_after_an_idle_spell_is_one_batch_and_a_lone_request_starts_at_once() -> None:
    """Requests of a burst are read one after another: the batch waits for the rest of the burst
    instead of starting on the first and keeping the others a whole batch; a request alone after
    an idle spell does not wait."""

    async def scenario() -> None:
        engine = GatedEngine()
        engine.gate.set()
        runner = EngineRunner(engine, max_queue=16, timeout_s=10, batch_max_size=8, batch_wait_ms=5)
        runner.start()
        tasks = []
        for i in range(6):  # read one after another, as an event loop reads a burst's bodies
            with runner.arriving():
                await asyncio.sleep(0.015)
            tasks.append(asyncio.ensure_future(runner.run(ferry_cluster(30 + i))))
            await asyncio.sleep(0.005)
        await asyncio.gather(*tasks)
        assert [len(b) for b in engine.batches] == [6]
        await asyncio.sleep(1.2)  # idle: no batch has just answered anyone
        t0 = time.perf_counter()
        _, queue_ms = await runner.run(ferry_cluster())
        assert [len(b) for b in engine.batches] == [6, 1]
        assert queue_ms < 30, f"a lone request waited {queue_ms:.0f} ms"
        assert time.perf_counter() - t0 < 1.0
        runner.close()

    asyncio.run(scenario())


def test_batching_off_runs_one_request_at_a_time() -> None:
    async def scenario() -> None:
        engine = GatedEngine()
        engine.gate.set()
        runner = EngineRunner(engine, max_queue=16, timeout_s=10, batch_max_size=1)
        runner.start()
        await asyncio.gather(*(runner.run(ferry_cluster()) for _ in range(5)))
        assert [len(b) for b in engine.batches] == [1] * 5
        runner.close()

    asyncio.run(scenario())


def test_a_bad_request_does_not_fail_its_batch_mates() -> None:
    async def scenario() -> None:
        engine = GatedEngine()
        runner = EngineRunner(engine, max_queue=16, timeout_s=10, batch_max_size=8, batch_wait_ms=1)
        runner.start()
        blocker = asyncio.ensure_future(runner.run(ferry_cluster()))
        await wait_for(engine.entered.is_set)
        empty = to_cluster([{"text": "... !!"}])
        jobs = [asyncio.ensure_future(runner.run(c)) for c in (ferry_cluster(), empty, ferry_cluster(20))]
        await asyncio.sleep(0.05)
        engine.gate.set()
        good, bad, good2 = await asyncio.gather(*jobs, return_exceptions=True)
        await blocker
        assert isinstance(bad, InvalidInput)
        assert isinstance(good, tuple) and isinstance(good2, tuple)
        assert good[0].summary and good2[0].summary
        runner.close()

    asyncio.run(scenario())


def test_requests_nobody_waits_for_never_run() -> None:
    async def scenario() -> None:
        engine = GatedEngine()
        runner = EngineRunner(engine, max_queue=16, timeout_s=0.3, batch_max_size=8, batch_wait_ms=1)
        runner.start()
        running = asyncio.ensure_future(runner.run(ferry_cluster()))
        await wait_for(engine.entered.is_set)
        gone = asyncio.Event()
        hung_up = asyncio.ensure_future(runner.run(ferry_cluster(21), gone))
        late = asyncio.ensure_future(runner.run(ferry_cluster(22)))
        await asyncio.sleep(0.05)
        gone.set()
        with pytest.raises(ClientClosed):
            await hung_up
        # The running request passes its deadline: answered 504, and its rows told to stop.
        with pytest.raises(DeadlineExceeded):
            await running
        assert engine.stops[0][0].is_set()
        with pytest.raises(DeadlineExceeded):
            await late
        engine.gate.set()
        await wait_for(lambda: runner.depth == 0)
        # Neither the abandoned nor the expired request ever reached the engine.
        assert [len(b) for b in engine.batches] == [1]
        fresh = await runner.run(ferry_cluster(23))
        assert fresh[0].summary
        runner.close()

    asyncio.run(scenario())


# --- over HTTP: a real server, a client that hangs up ---------------------------------------------


class StopAwareEngine(EmbeddedEngine):
    """Works until told to stop (or 10 s pass) and records whether it was told."""

    def __init__(self) -> None:
        super().__init__()
        self.started = threading.Event()
        self.stopped = threading.Event()

    def warmup(self) -> None:
        pass

    def summarize(
        self, clusters: Sequence[Cluster], stop: Sequence[threading.Event] | None = None
    ) -> list[Result]:
        self.started.set()
        if stop and stop[0].wait(10):
            self.stopped.set()
        return super().summarize(clusters, stop)


@contextmanager
def real_server(settings: Settings, engine: EmbeddedEngine) -> Iterator[str]:
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(create_app(settings, engine), port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{port}"
    try:
        assert wait_ready(url, 30)
        yield url
    finally:
        server.should_exit = True
        thread.join(15)


@pytest.mark.slow
def test_a_client_that_hangs_up_stops_costing_compute() -> None:
    engine = StopAwareEngine()
    with real_server(Settings(), engine) as url:
        body = {"articles": load_cluster("ferry_strike")}
        with pytest.raises(httpx.ReadTimeout):
            httpx.post(f"{url}/v1/summarize", json=body, timeout=httpx.Timeout(10, read=0.5))
        assert engine.started.is_set()
        # The server notices the closed connection and tells the engine to stop.
        assert engine.stopped.wait(5)
        metrics = httpx.get(f"{url}/metrics").text
        assert 'summarizer_requests_total{route="/v1/summarize",status="499"} 1.0' in metrics
