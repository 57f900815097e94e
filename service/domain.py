"""The service's data types: plain values passed between the layers, no HTTP and no model.

A request becomes a `Cluster` (articles and options); every engine answers with a `Result`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

from service.errors import InvalidInput

EngineName = Literal["embedded", "seq2seq"]
# What an engine's input report counts in: model tokens (seq2seq) or words (embedded).
InputUnit = Literal["tokens", "words"]
# What enters a model's input when the articles exceed its budget (`service.nlp.packing`): the
# setting `input_selection` and the packer's strategies, declared once.
InputSelection = Literal["salience", "lead", "per-article"]


@dataclass(frozen=True)
class Page:
    """What was read from an HTML page: the article's `text` is the page's main text, extracted."""

    markup_chars: int  # characters of the page as sent (or fetched)
    extractor: str  # what extracted it, with its version
    # The page's own metadata, as read (the article's fields keep the caller's where given).
    title: str | None = None
    published: datetime | None = None
    language: str | None = None  # declared by the page (<html lang>)


@dataclass(frozen=True)
class Article:
    text: str  # what the engine reads: as sent, or the main text of a page (`page`)
    title: str | None = None
    id: str | None = None
    url: str | None = None
    published: datetime | None = None
    page: Page | None = None  # set when `text` was read out of an HTML page
    # ISO 639-1 ("de", "zh"): as the request gave it, as its page declared it, or as detected
    # (`language_source`); None until read (`service.nlp.languages`), or with no letters to read.
    language: str | None = None
    language_source: Literal["given", "declared", "detected"] | None = None


# The bounds of a request's options (inclusive): the one definition for every layer that checks them.
MIN_MAX_WORDS = 10
MAX_MAX_WORDS = 1_000
MIN_NUM_FACTS = 0
MAX_NUM_FACTS = 50
MAX_QUERY_CHARS = 1_000


@dataclass(frozen=True)
class Options:
    """What to produce: a summary of at most `max_words` words and `num_facts` key facts.

    Checked here, not only at the HTTP edge, so every caller (the harness, the engines' warm-up)
    gets a clear error instead of a degenerate summary: raises `InvalidInput` out of bounds.
    """

    max_words: int
    num_facts: int
    # ISO 639-1: the language the summary's sentences are chosen in when the articles are in more
    # than one; None: the language most articles are in.
    language: str | None = None

    def __post_init__(self) -> None:
        self._check("max_words", self.max_words, MIN_MAX_WORDS, MAX_MAX_WORDS)
        self._check("num_facts", self.num_facts, MIN_NUM_FACTS, MAX_NUM_FACTS)

    @staticmethod
    def _check(name: str, value: object, low: int, high: int) -> None:
        # bool is an int subclass: True would quietly mean 1.
        if not isinstance(value, int) or isinstance(value, bool):
            raise InvalidInput(f"{name} must be an integer, not {type(value).__name__}")
        if not low <= value <= high:
            raise InvalidInput(f"{name} must be between {low} and {high}, got {value}")


@dataclass(frozen=True)
class Cluster:
    """One request's worth of work: articles about one event, and what to produce from them."""

    articles: tuple[Article, ...]
    options: Options
    # A question or topic the summary and key facts should answer; None: a general summary.
    query: str | None = None
    # What the reader has already read: the summary and facts report only what `articles` add.
    background: tuple[Article, ...] = ()


@dataclass(frozen=True)
class SourceRef:
    """A sentence backing a fact: `articles[article].text[start:end]` is the sentence."""

    article: int
    sentence: int
    start: int
    end: int
    # True: `article` indexes the request's background articles, not its articles.
    background: bool = False


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
    # When the articles giving this version were published (the newest of them), where known.
    published: datetime | None = None


@dataclass(frozen=True)
class Conflict:
    """Articles give different figures for the same thing; every version is kept, none picked."""

    subject: str
    claims: tuple[Claim, ...]


@dataclass(frozen=True)
class Update:
    """A figure that changed between dated articles (a toll rising): every version, newest first.

    Not a disagreement: each version was true when its article was published.
    """

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

    unit: InputUnit
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
    updates: list[Update] = field(default_factory=list)
    # With background articles: False when the articles add nothing the background lacks.
    novel: bool = True
    timings_ms: dict[str, float] = field(default_factory=dict)
