"""Bounded cost: huge admitted inputs are cut to a pool before pairwise work, and work nobody waits
for any more (deadline passed, client gone) stops, freeing the engine for the next request."""

from __future__ import annotations

import asyncio
import random
import threading
import time

import pytest

from service.domain import Article, Cluster, Options
from service.engines.embedded import EmbeddedEngine
from service.errors import Cancelled, DeadlineExceeded
from service.nlp.salience import MAX_POOL, compute_salience, top_sentences
from service.nlp.sentences import analyze
from service.runner import EngineRunner
from tests.support.articles import load_cluster, to_cluster


def huge_cluster(articles: int = 5, chars: int = 100_000, seed: int = 0) -> Cluster:
    """Articles at the default size limit, full of tiny sentences with figures: the costliest shape."""
    rng = random.Random(seed)
    texts = []
    for _ in range(articles):
        pieces, size = [], 0
        while size < chars:
            piece = f"Toll {rng.randint(2, 999)} at {rng.randint(2, 99)} in town {rng.randint(2, 999)}."
            pieces.append(piece)
            size += len(piece) + 1
        texts.append(" ".join(pieces)[:chars])
    return Cluster(tuple(Article(text=t) for t in texts), Options(max_words=100, num_facts=5))


def test_top_sentences_keeps_the_best_in_their_order() -> None:
    sentences = [s for a in analyze([t["text"] for t in load_cluster()]) for s in a]
    assert top_sentences(sentences, lambda s: 0.0, limit=len(sentences)) == sentences
    best = top_sentences(sentences, lambda s: float(s.n_words), limit=3)
    assert len(best) == 3
    assert [sentences.index(s) for s in best] == sorted(sentences.index(s) for s in best)
    assert min(s.n_words for s in best) >= sorted((s.n_words for s in sentences), reverse=True)[2]


def test_normal_clusters_are_below_the_pool() -> None:
    # News clusters are far below the cap, so the pool changes nothing for them.
    sentences = analyze([t["text"] for t in load_cluster()])
    assert sum(map(len, sentences)) < MAX_POOL
    salience = compute_salience(sentences)
    flat = [s for a in sentences for s in a]
    assert top_sentences(flat, salience.gain) == flat


def test_a_huge_input_gets_a_bounded_answer() -> None:
    (result,) = EmbeddedEngine().summarize([huge_cluster(articles=2, chars=50_000)])
    assert 0 < len(result.summary.split()) <= 100
    assert len(result.key_facts) <= 5 and len(result.conflicts) <= 5


def test_a_set_stop_ends_the_embedded_engines_work_at_once() -> None:
    stop = threading.Event()
    stop.set()
    engine = EmbeddedEngine()
    t0 = time.perf_counter()
    (result,) = engine.summarize([huge_cluster()], [stop])
    assert time.perf_counter() - t0 < 0.5
    assert result.summary == "" and result.key_facts == []
    with pytest.raises(Cancelled):
        analyze([huge_cluster().articles[0].text], stop)


@pytest.mark.parametrize("how", ["deadline", "hang-up"])
def test_abandoned_work_frees_the_engine_within_a_second(how: str) -> None:
    """A request answered 504 (or whose client left) must not keep the next one waiting."""

    async def scenario() -> None:
        # The deadline (1.5 s) is shorter than the heavy request (~4 s) and longer than the one-second
        # bound on the engine freeing up, so the ordinary request after it must fit in its own.
        runner = EngineRunner(EmbeddedEngine(), max_queue=4, timeout_s=1.5 if how == "deadline" else 30)
        runner.start()
        gone = asyncio.Event()
        heavy = asyncio.ensure_future(runner.run(huge_cluster(), gone))
        await asyncio.sleep(0.5)
        if how == "hang-up":
            gone.set()
        try:
            await heavy
        except Exception as exc:  # DeadlineExceeded or ClientClosed
            ended = time.perf_counter()
            assert isinstance(exc, DeadlineExceeded) == (how == "deadline")
        else:
            raise AssertionError("the heavy request was not cut short")
        # Fully timed: the next, ordinary request is served as soon as the engine lets go.
        result, queue_ms = await runner.run(to_cluster(load_cluster()))
        waited = time.perf_counter() - ended
        assert result.summary
        assert waited < 1.0, f"the next request waited {waited:.2f} s (queue {queue_ms:.0f} ms)"
        runner.close()

    asyncio.run(scenario())
