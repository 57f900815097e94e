"""The light lane: an ordinary request never waits behind a big one on a thread-safe engine.

The big request is held inside the engine (a gate only it waits on), so the checks say what
order things happen in, not how fast this machine is.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor

from service.domain import Cluster, Result
from service.engines.embedded import EmbeddedEngine
from service.runner import EngineRunner, cost
from service.settings import Settings
from tests.support.articles import load_cluster, to_cluster

LIGHT = 30_000


class HeldEngine(EmbeddedEngine):
    """The embedded engine; a batch with a request above `LIGHT` characters waits for `gate`."""

    def __init__(self) -> None:
        super().__init__()
        self.gate = threading.Event()
        self.held = threading.Event()

    def summarize(
        self, clusters: Sequence[Cluster], stop: Sequence[threading.Event | None] | None = None
    ) -> list[Result]:
        if any(cost(c) > LIGHT for c in clusters):
            self.held.set()
            assert self.gate.wait(10), "the test never released the big request"
        return super().summarize(clusters, stop)


class ModelLikeEngine(HeldEngine):
    """The same, declared unsafe to call from two threads, as a model is."""

    thread_safe = False


def big_cluster() -> Cluster:
    articles = load_cluster("ferry_strike")
    text = " ".join(a["text"] for a in articles)
    while len(text) < 3 * LIGHT:
        text = f"{text} {text}"
    return to_cluster([{"text": text[: 3 * LIGHT]}], max_words=40)


def small_cluster(max_words: int = 40) -> Cluster:
    return to_cluster(load_cluster("prisoner_exchange")[:2], max_words=max_words)


async def until(event: threading.Event) -> None:
    for _ in range(500):
        if event.is_set():
            return
        await asyncio.sleep(0.01)
    raise AssertionError("the engine never started the big request")


def test_small_requests_finish_while_a_big_one_runs() -> None:
    async def scenario() -> None:
        engine = HeldEngine()
        runner = EngineRunner(engine, max_queue=16, timeout_s=20, light_max_chars=LIGHT)
        runner.start()
        assert cost(small_cluster()) <= LIGHT < cost(big_cluster())
        big = asyncio.ensure_future(runner.run(big_cluster()))
        await until(engine.held)
        small = await asyncio.wait_for(
            asyncio.gather(*(runner.run(small_cluster(30 + i)) for i in range(4))), timeout=15
        )
        assert not big.done(), "the big request was held: it cannot have finished"
        solo = EmbeddedEngine()
        for i, (result, _) in enumerate(small):
            assert result.summary == solo.summarize([small_cluster(30 + i)])[0].summary
        engine.gate.set()
        result, _ = await big
        assert result.summary
        assert runner.depth == 0
        runner.close()

    asyncio.run(scenario())


def test_an_engine_not_safe_across_threads_keeps_one_lane() -> None:
    async def scenario() -> None:
        engine = ModelLikeEngine()
        runner = EngineRunner(engine, max_queue=16, timeout_s=20, light_max_chars=LIGHT)
        runner.start()
        big = asyncio.ensure_future(runner.run(big_cluster()))
        await until(engine.held)
        small = asyncio.ensure_future(runner.run(small_cluster()))
        await asyncio.sleep(0.3)
        assert not small.done(), "a small request ran beside the big one on a thread-unsafe engine"
        engine.gate.set()
        await big
        assert (await small)[0].summary
        runner.close()

    asyncio.run(scenario())


def test_the_queue_bound_counts_both_lanes() -> None:
    async def scenario() -> None:
        engine = HeldEngine()
        runner = EngineRunner(engine, max_queue=2, timeout_s=20, light_max_chars=LIGHT)
        runner.start()
        big = asyncio.ensure_future(runner.run(big_cluster()))
        await until(engine.held)
        waiting = asyncio.ensure_future(runner.run(big_cluster()))
        await asyncio.sleep(0.05)
        assert runner.depth == 2
        try:
            await runner.run(small_cluster())
        except Exception as exc:  # Overloaded: the 429 of the API
            assert "already waiting" in str(exc)
        else:
            raise AssertionError("a third request was admitted past max_queue=2")
        engine.gate.set()
        await asyncio.gather(big, waiting)
        runner.close()

    asyncio.run(scenario())


def test_the_embedded_engine_gives_the_same_answers_from_two_threads() -> None:
    clusters = [small_cluster(20 + 5 * i) for i in range(4)] + [
        to_cluster(load_cluster("ferry_strike"), max_words=50)
    ]
    alone = [EmbeddedEngine().summarize([c])[0] for c in clusters]
    engine = EmbeddedEngine()
    with ThreadPoolExecutor(max_workers=2) as pool:
        together = list(pool.map(lambda c: engine.summarize([c])[0], clusters * 3))
    for i, result in enumerate(together):
        want = alone[i % len(clusters)]
        assert (result.summary, result.key_facts, result.conflicts) == (
            want.summary,
            want.key_facts,
            want.conflicts,
        )


def test_an_ordinary_request_is_light_by_default() -> None:
    assert Settings().light_lane_chars > cost(small_cluster())
