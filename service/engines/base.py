"""The engine contract: plain data in and out, no HTTP. Batch-first: N clusters in, N results out."""

from __future__ import annotations

import threading
from abc import ABC, abstractmethod
from collections.abc import Sequence

from service.domain import Article, Cluster, EngineName, InputReport, Options, Result
from service.errors import EngineError

# The summary when the articles add nothing to the background: said, not padded with old news.
NOTHING_NEW = "Nothing new: these articles report nothing the background articles do not already."


class Engine(ABC):
    name: EngineName
    model_id: str | None = None
    # Whether a batch costs less than its requests one by one (a model's batched generate() does;
    # the embedded engine's loop does not): an idle runner only waits for company when it does.
    batch_gain: bool = False

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
    def summarize(
        self, clusters: Sequence[Cluster], stop: Sequence[threading.Event] | None = None
    ) -> list[Result]:
        """Summarize each cluster; the result list has the same length and order as the input.

        `stop[i]`, once set, says nobody waits for cluster i any more: an engine may cut its work
        short and return anything for it.
        """


def abandoned(engine: EngineName, model: str | None) -> Result:
    """The stand-in result of a request whose work was stopped: nobody waits for it."""
    return Result(
        summary="",
        key_facts=[],
        input=InputReport(unit="words", budget=None, articles=()),
        engine=engine,
        model=model,
    )


def run_batch(
    engine: Engine, clusters: Sequence[Cluster], stop: Sequence[threading.Event] | None = None
) -> list[Result]:
    """Call the engine and hold it to the batch contract."""
    results = engine.summarize(clusters, stop)
    if len(results) != len(clusters):
        raise EngineError(
            f"engine {engine.name} returned {len(results)} results for {len(clusters)} clusters"
        )
    return results
