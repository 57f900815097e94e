"""The engine contract: plain data in and out, no HTTP. Batch-first: N clusters in, N results out."""

from __future__ import annotations

import threading
from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

from service.settings import EngineName


@dataclass(frozen=True)
class Article:
    text: str
    title: str | None = None
    id: str | None = None
    url: str | None = None
    published: datetime | None = None


@dataclass(frozen=True)
class Options:
    max_words: int
    num_facts: int


@dataclass(frozen=True)
class Cluster:
    """One request's worth of work: articles about one event, and what to produce from them."""

    articles: tuple[Article, ...]
    options: Options


@dataclass(frozen=True)
class SourceRef:
    """A sentence backing a fact: `articles[article].text[start:end]` is the sentence."""

    article: int
    sentence: int
    start: int
    end: int


@dataclass(frozen=True)
class KeyFact:
    text: str
    sources: tuple[SourceRef, ...]

    @property
    def support(self) -> int:
        """How many different articles report the fact."""
        return len({s.article for s in self.sources})


@dataclass(frozen=True)
class Claim:
    """One article's figure for a disputed quantity, with the sentence that gives it."""

    value: str
    text: str
    sources: tuple[SourceRef, ...]


@dataclass(frozen=True)
class Conflict:
    """Articles give different figures for the same thing; every version is kept, none picked."""

    subject: str
    claims: tuple[Claim, ...]


@dataclass(frozen=True)
class ArticleUsage:
    article: int
    total: int
    used: int
    truncated: bool

    @property
    def included(self) -> bool:
        return self.used > 0


@dataclass(frozen=True)
class InputReport:
    """What the engine read: `unit` says whether counts are model tokens or words."""

    unit: Literal["tokens", "words"]
    budget: int | None
    articles: tuple[ArticleUsage, ...]

    @property
    def total(self) -> int:
        return sum(a.total for a in self.articles)

    @property
    def used(self) -> int:
        return sum(a.used for a in self.articles)

    @property
    def truncated(self) -> bool:
        return any(a.truncated for a in self.articles)


@dataclass
class Result:
    summary: str
    key_facts: list[KeyFact]
    input: InputReport
    engine: EngineName
    model: str | None
    generated_tokens: int = 0
    # Fact items the engine discarded, by reason (e.g. "ungrounded_entity"); exported as a metric.
    facts_dropped: dict[str, int] = field(default_factory=dict)
    conflicts: list[Conflict] = field(default_factory=list)
    timings_ms: dict[str, float] = field(default_factory=dict)


class EngineError(RuntimeError):
    """The engine broke its contract or failed on valid input (a server-side fault)."""


class InputError(ValueError):
    """The input is valid JSON of the right shape but the engine cannot use it (a client fault)."""


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
