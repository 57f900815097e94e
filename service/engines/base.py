"""The engine contract: plain data in and out, no HTTP. Batch-first: N clusters in, N drafts out.

An engine writes (`Engine.draft`); reading a cluster before (`service.facts.reading`) and
everything after (`service.facts.finish`: novelty, the summary's honesty, key facts, disputes)
is shared, so both engines answer the same way. `Engine.summarize` runs the three.
"""

from __future__ import annotations

import threading
import time
from abc import ABC, abstractmethod
from collections.abc import Sequence

from service.domain import Article, Cluster, EngineName, InputReport, Options, Result
from service.errors import Cancelled, EngineError
from service.facts.finish import Draft, finish
from service.facts.reading import Reading, read
from service.facts.same_fact import merge_threshold

# One stop event per cluster of a batch; None: the caller never abandons it.
Stops = Sequence[threading.Event | None]


class Engine(ABC):
    name: EngineName
    model_id: str | None = None
    # Whether a batch costs less than its requests one by one (a model's batched generate() does;
    # the embedded engine's loop does not): an idle runner only waits for company when it does.
    batch_gain: bool = False
    # Whether two threads may call `summarize` at once (no shared mutable state): the runner then
    # gives light requests a lane of their own (`service.runner`). A model's is not.
    thread_safe: bool = False

    def __init__(self, same_fact: float | None = None) -> None:
        # The merge score at which two articles' sentences are one fact: the configured one, else
        # the fitted one (`service.facts.same_fact.merge_threshold`).
        self.same_fact = merge_threshold(same_fact)

    def load(self) -> None:
        """Load weights and anything slow. Called once, before `warmup`."""

    def warmup(self) -> None:
        """Run a small input through the engine so the first real request is not the slow one."""
        warm = Article(
            text=(
                "The city council approved a budget of 12 million dollars on Monday. "
                "Mayor Lena Ortiz said the money would pay for three new schools."
            )
        )
        self.summarize([Cluster(articles=(warm,), options=Options(max_words=20, num_facts=1))])

    @abstractmethod
    def draft(
        self, clusters: Sequence[Cluster], readings: Sequence[Reading | None], stop: Stops
    ) -> list[Draft | None]:
        """What the engine writes for each cluster, same length and order as the input.

        `readings[i]` is cluster i as read; None when nobody waits for it any more, and then its
        draft is None too. `stop[i]`, once set, says nobody waits for cluster i any more: an engine
        may cut its work short and return None for it.
        """

    def summarize(self, clusters: Sequence[Cluster], stop: Stops | None = None) -> list[Result]:
        """Read, draft and finish each cluster; the results in the input's order."""
        stops: Stops = stop if stop is not None else [None] * len(clusters)
        readings: list[Reading | None] = []
        read_ms: list[float] = []
        for cluster, halt in zip(clusters, stops, strict=True):
            t0 = time.perf_counter()
            try:
                readings.append(read(cluster, halt))
            except Cancelled:  # nobody waits for it: it costs nothing more
                readings.append(None)
            read_ms.append((time.perf_counter() - t0) * 1e3)
        drafts = self.draft(clusters, readings, stops)
        if len(drafts) != len(clusters):
            raise EngineError(f"engine {self.name} wrote {len(drafts)} drafts for {len(clusters)} clusters")
        results = []
        for cluster, reading, written, halt, ms in zip(
            clusters, readings, drafts, stops, read_ms, strict=True
        ):
            if reading is None or written is None:  # abandoned before or while drafting
                results.append(abandoned(self.name, self.model_id))
                continue
            t0 = time.perf_counter()
            try:
                result = finish(cluster, reading, written, self.name, self.model_id, self.same_fact, halt)
            except Cancelled:
                results.append(abandoned(self.name, self.model_id))
                continue
            result.timings_ms = {
                "analyze": ms,
                **written.timings_ms,
                "facts": (time.perf_counter() - t0) * 1e3,
            }
            results.append(result)
        return results


def abandoned(engine: EngineName, model: str | None) -> Result:
    """The stand-in result of a request whose work was stopped: nobody waits for it."""
    return Result(
        summary="",
        key_facts=[],
        input=InputReport(unit="words", budget=None, articles=()),
        engine=engine,
        model=model,
    )


def run_batch(engine: Engine, clusters: Sequence[Cluster], stop: Stops | None = None) -> list[Result]:
    """Call the engine and hold it to the batch contract."""
    results = engine.summarize(clusters, stop)
    if len(results) != len(clusters):
        raise EngineError(
            f"engine {engine.name} returned {len(results)} results for {len(clusters)} clusters"
        )
    return results
