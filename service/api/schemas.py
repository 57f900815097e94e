"""Request and response bodies of the HTTP API, with their bounds."""

from __future__ import annotations

import re
import threading
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator

from service.domain import (
    MAX_MAX_WORDS,
    MAX_NUM_FACTS,
    MAX_QUERY_CHARS,
    MIN_MAX_WORDS,
    MIN_NUM_FACTS,
    Article,
    Claim,
    Cluster,
    EngineName,
    InputUnit,
    Options,
    Result,
    SourceRef,
)
from service.errors import InvalidInput, PayloadTooLarge
from service.nlp.languages import BCP47_RE, language_of, primary
from service.pages.extract import Budget, read_article
from service.settings import Settings

# Hard ceilings of the schema; the configured limits (settings) are checked on top of these. An
# article's length has none here: it is bounded by the request body's limit, and checked against
# the configured limits (413) once its page, if it is one, has been read.
MAX_ARTICLES = 100
MAX_ID_CHARS = 200


# How far ahead of the service's clock a `published` date may be: a day of clock skew and time
# zones. Dates order the articles and decide which figure is newest (`updates`), so a typo'd year
# (2099) would make an old figure look current: it is a 422, not a silent reordering.
MAX_CLOCK_SKEW = timedelta(days=1)

# What an ISO 8601 date or datetime `published` starts with (the extended form, as the schema shows).
_ISO_START_RE = re.compile(r"\d{4}-\d{2}")


def _text_required(schema: dict[str, Any]) -> None:
    """The schema says `text` is a required string, as it is where the service does not fetch
    links (the default); where it does, `{"url": ...}` alone is accepted too (the field's
    description says so)."""
    schema["required"] = [*schema.get("required", []), "text"]
    text = schema["properties"]["text"]
    strings = [s for s in text.pop("anyOf", []) if s.get("type") != "null"]
    text.update(strings[0] if strings else {"type": "string"})
    text.pop("default", None)


def language_field(description: str) -> Any:
    """A BCP 47 language tag field, optional: one pattern and length for every such field."""
    return Field(None, max_length=35, pattern=BCP47_RE.pattern, description=description)


class ArticleIn(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra=_text_required)

    # Before `text`, whose check reads it (pydantic validates fields in this order).
    url: str | None = Field(
        None,
        max_length=2_000,
        description="Where the article is from. Without `text`, the page to fetch (where the service"
        " fetches links: SUMMARIZER_FETCH_URLS, off by default).",
    )
    text: str | None = Field(
        None,
        min_length=1,
        validate_default=True,
        description="The article body: plain text, or HTML. A whole page (a doctype, or an <html>,"
        " <head> or <body> tag) is read through a main-content extractor, and its article text (in"
        " the response's `input.pages`) is what sources index; an HTML fragment is read as its"
        " visible text. The limits: SUMMARIZER_MAX_PAGE_BYTES of UTF-8 as sent, then"
        " SUMMARIZER_MAX_ARTICLE_CHARS of text read (413). Required, unless the service fetches"
        " links (SUMMARIZER_FETCH_URLS) and `url` is given.",
    )
    title: str | None = Field(None, max_length=1_000)
    id: str | None = Field(None, max_length=MAX_ID_CHARS, description="Your identifier, echoed in sources.")
    published: datetime | None = Field(
        None,
        description="ISO 8601 date or datetime; orders the summary chronologically. A date more than"
        " a day ahead of the service's clock is refused (422).",
    )
    language: str | None = language_field(
        'The article\'s language as a BCP 47 tag ("de", "pt-BR", "zh-Hant"). Without it the service'
        " detects the language (a page's <html lang> counts as a hint); the one read is in the"
        " response's `input.articles`."
    )

    @field_validator("text")
    @classmethod
    def _not_blank(cls, v: str | None, info: ValidationInfo) -> str | None:
        if v is None and not info.data.get("url"):
            raise ValueError("an article needs its text (or, where the service fetches links, a url)")
        if v is not None and not v.strip():
            raise ValueError("text must not be blank")
        return v  # kept as sent: fact offsets index into it

    @field_validator("published", mode="before")
    @classmethod
    def _iso_text(cls, v: object) -> object:
        # The schema says an ISO 8601 string. pydantic also reads numbers, and strings of digits,
        # as Unix time: 0 and "0" as 1970-01-01, "20261128" as 1970-08-23. A date starts YYYY-MM.
        if v is not None and not (isinstance(v, str) and _ISO_START_RE.match(v)):
            raise ValueError("published must be an ISO 8601 date or datetime string (YYYY-MM-DD...)")
        return v

    @field_validator("published")
    @classmethod
    def _not_ahead(cls, v: datetime | None) -> datetime | None:
        if v is None:
            return v
        # A date without a zone is read as UTC; the day of skew covers the zones either side.
        if (v if v.tzinfo else v.replace(tzinfo=UTC)) > datetime.now(UTC) + MAX_CLOCK_SKEW:
            raise ValueError(
                f"published {v.isoformat()} is in the future; a date more than a day ahead of the"
                " service's clock is refused (it would make this article's figures look newest)"
            )
        return v


class OptionsIn(BaseModel):
    # Strict: the schema says integer, so true or "5" is a 422, not quietly read as 1 or 5.
    model_config = ConfigDict(extra="forbid", strict=True)

    max_words: int | None = Field(
        None,
        ge=MIN_MAX_WORDS,
        le=MAX_MAX_WORDS,
        examples=[100],
        description="Summary length budget in words (default from settings).",
    )
    num_facts: int | None = Field(
        None,
        ge=MIN_NUM_FACTS,
        le=MAX_NUM_FACTS,
        examples=[5],
        description="How many key facts to return (default from settings).",
    )
    language: str | None = language_field(
        "Where the articles are in several languages, the one the summary is written in (BCP 47;"
        " default: the language most articles are in). The summary is chosen from that language's"
        " articles; key facts come from all. A language none of the articles is in is refused (422)."
    )

    def resolve(self, settings: Settings, language: str | None) -> Options:
        """The engine's options: these, the settings' defaults where none is given, `language`
        (the one the summary is written in, as read from `self.language`)."""
        return Options(
            max_words=self.max_words or settings.default_max_words,
            num_facts=self.num_facts if self.num_facts is not None else settings.default_num_facts,
            language=language,
        )


# The request the API docs show (ReDoc's and Swagger's sample): two short articles, the defaults.
EXAMPLE_REQUEST: dict[str, Any] = {
    "articles": [
        {
            "id": "gazette",
            "published": "2026-03-02",
            "text": "Ferry workers in Port Alder walked off the job on Monday. The Harbour Workers Union"
            " said 340 members joined the strike.",
        },
        {
            "id": "courier",
            "published": "2026-03-03",
            "text": "Kessel Island was cut off from the mainland for a second day on Tuesday.",
        },
    ],
    "options": {"max_words": 100, "num_facts": 5},
}


class SummarizeRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [EXAMPLE_REQUEST]})

    articles: list[ArticleIn] = Field(min_length=1, max_length=MAX_ARTICLES)
    options: OptionsIn = Field(default_factory=OptionsIn)
    query: str | None = Field(
        None,
        max_length=MAX_QUERY_CHARS,
        # Not blank, said in the schema, so clients and generated tests know it (the 422's message
        # names the pattern). The engine reads it stripped, and the response echoes that.
        pattern=r"\S",
        description="A question or topic: the summary and key facts cover what answers it.",
    )
    background: list[ArticleIn] = Field(
        default_factory=list,
        max_length=MAX_ARTICLES,
        description="Articles the reader has already read: the summary and key facts report only what"
        " `articles` add. They count toward the request's article and character limits.",
    )

    def to_cluster(self, settings: Settings, stop: threading.Event | None = None) -> Cluster:
        """The engine's work for this request, within the configured limits and with their defaults.

        Pages are read here (`service.pages.extract`), so the limits apply to the text the engine
        reads. Raises `InvalidInput` (too many articles, a page with no article) or
        `PayloadTooLarge` (too many bytes or characters). `stop`, once set, ends the page reading
        (`Cancelled`). The one path from a request to a `Cluster`: the HTTP route, the command line
        and the Ray worker all take it.
        """
        # The background counts toward every limit: the engine reads it too.
        if len(self.articles) + len(self.background) > settings.max_articles:
            raise InvalidInput(f"at most {settings.max_articles} articles per request, background included")
        groups = (("article", self.articles), ("background article", self.background))
        for name, group in groups:
            for i, a in enumerate(group):
                check_sent(a, f"{name} {i}", settings)
        read: list[list[Article]] = []
        budget = Budget(per_page=settings.max_page_elements, total=settings.max_request_elements)
        for name, group in groups:
            read.append([read_one(a, f"{name} {i}", settings, budget, stop) for i, a in enumerate(group)])
        articles, background = read
        language = primary(self.options.language) if self.options.language else None
        written = sorted({a.language for a in articles if a.language})
        if language and written and language not in written:
            raise InvalidInput(
                f"no article is in the language asked for ({language}): the articles are in"
                f" {', '.join(written)}"
            )
        total = sum(len(a.text) for a in (*articles, *background))
        if total > settings.max_total_chars:
            raise PayloadTooLarge(
                f"the articles (background included) have {total} characters;"
                f" the limit is {settings.max_total_chars}"
            )
        return Cluster(
            articles=tuple(articles),
            options=self.options.resolve(settings, language),
            query=self.query.strip() if self.query else None,
            background=tuple(background),
        )


def check_sent(a: ArticleIn, name: str, settings: Settings) -> None:
    """Refuse an article as sent: a link where links are not fetched (422), too many bytes (413)."""
    if a.text is None:  # a link the route fetches first, where the service fetches links
        raise InvalidInput(
            f"{name} has a url but no text, and this service does not fetch links"
            " (SUMMARIZER_FETCH_URLS is off): send the article's text or HTML"
        )
    # Characters are a lower bound of UTF-8 bytes: most texts need no encoding to tell.
    size = len(a.text) if len(a.text) * 4 <= settings.max_page_bytes else len(a.text.encode())
    if size > settings.max_page_bytes:
        raise PayloadTooLarge(f"{name} has {size} bytes as sent; the limit is {settings.max_page_bytes}")


def read_one(
    a: ArticleIn, name: str, settings: Settings, budget: Budget, stop: threading.Event | None = None
) -> Article:
    """One article as the engine reads it: its page read, its language told, its length checked.

    Raises `InvalidInput` (a page with no article) or `PayloadTooLarge` (too many characters read,
    or the request's page elements spent); `stop`, once set, ends the reading (`Cancelled`).
    """
    article = read_article(
        Article(text=a.text or "", title=a.title, id=a.id, url=a.url, published=a.published),
        name,
        budget,
        stop,
    )
    lang = language_of(article.text, a.language, article.page.language if article.page else None)
    article = replace(article, language=lang.code, language_source=lang.source)
    n, limit = len(article.text), settings.max_article_chars
    if n > limit:
        what = "characters of article text read from its page" if article.page else "characters"
        raise PayloadTooLarge(f"{name} has {n} {what}; the limit is {limit}")
    return article


def state_limits(schema: dict[str, Any], settings: Settings) -> dict[str, Any]:
    """The OpenAPI schema with the limits this service enforces (its settings), not only the
    schema's hard ceilings: a client reads what it may send here, not from a 422."""
    components = schema.get("components", {}).get("schemas", {})
    request = components.get("SummarizeRequest")
    if request is None:
        return schema
    n = settings.max_articles
    for name in ("articles", "background"):
        request["properties"][name]["maxItems"] = n
    request["properties"]["articles"]["description"] = (
        f"The articles to summarize: at most {n} per request, background included. Each article's"
        f" text read is at most {settings.max_article_chars:,} characters, all of them (background"
        f" included) at most {settings.max_total_chars:,}, and the body at most"
        f" {settings.max_body_bytes:,} bytes (413 beyond)."
    )
    return schema


class Source(BaseModel):
    article: int = Field(
        description="0-based index into the request's articles (into `background` when `background`)."
    )
    background: bool = Field(False, description="True: the sentence is in a background article.")
    article_id: str | None = Field(None, description="That article's id, when it had one.")
    sentence: int = Field(description="0-based sentence index within the article.")
    start: int = Field(description="Character offset of the sentence in the article text.")
    end: int = Field(description="End offset (exclusive): text[start:end] is the sentence.")


class KeyFactOut(BaseModel):
    text: str
    sources: list[Source]
    support: int = Field(description="How many different articles report this fact.")


class ClaimOut(BaseModel):
    value: str = Field(description="The figure as this version gives it.")
    text: str = Field(description="The sentence that gives it.")
    sources: list[Source]
    support: int = Field(description="How many different articles give this version.")
    published: datetime | None = Field(
        None, description="When the newest article giving this version was published, where known."
    )


class ConflictOut(BaseModel):
    subject: str = Field(description="What the figures count, e.g. 'prisoners', 'date'.")
    claims: list[ClaimOut] = Field(description="Each version with its sources; none is picked.")


class UpdateOut(BaseModel):
    subject: str = Field(description="What the figures count, e.g. 'deaths'.")
    claims: list[ClaimOut] = Field(
        description="Each version with its sources and date, newest first: the figure changed over time."
    )


class ArticleInput(BaseModel):
    article: int
    language: str | None = Field(
        None, description="ISO 639-1 code of the language read (None: the article has no letters)."
    )
    language_source: Literal["given", "declared", "detected"] | None = Field(
        None, description="given: the request's `language`; declared: the page's <html lang>; detected."
    )
    total: int = Field(description="Length of the article in `unit`.")
    used: int = Field(description="How much of it the engine read, in `unit`.")
    truncated: bool
    included: bool = Field(description="False when nothing of the article fitted the budget.")


class PageOut(BaseModel):
    """An article sent (or fetched) as a whole HTML page, and what was read out of it."""

    article: int = Field(description="0-based index into the request's articles (or `background`).")
    background: bool = Field(False, description="True: `article` indexes the background articles.")
    extractor: str = Field(description="What read the article out of the page, with its version.")
    markup_chars: int = Field(description="Characters of the page as sent, markup included.")
    article_chars: int = Field(description="Characters of article text read out of it.")
    text: str = Field(
        description="The article text read from the page: its sources' start/end index this text."
    )
    title: str | None = Field(None, description="The page's own title, where it has one.")
    published: datetime | None = Field(None, description="The page's own publication date, where found.")
    language: str | None = Field(None, description="The language the page declares (<html lang>).")


class InputOut(BaseModel):
    unit: InputUnit
    budget: int | None = Field(description="The model's input budget (None: no limit).")
    total: int
    used: int
    truncated: bool
    left_out: list[int] = Field(description="Articles of which nothing went into the model.")
    articles: list[ArticleInput]
    pages: list[PageOut] = Field(
        default_factory=list,
        description="The articles that were whole HTML pages, read through the extractor: what was"
        " read, and how much of each page was markup.",
    )


class SummarizeResponse(BaseModel):
    summary: str
    query: str | None = Field(None, description="The request's query, echoed: what the summary answers.")
    background_articles: int = Field(0, description="How many background articles the request gave.")
    novel: bool = Field(
        True,
        description="False when the articles add nothing to the background: the summary says so and"
        " there are no key facts.",
    )
    key_facts: list[KeyFactOut]
    conflicts: list[ConflictOut] = Field(
        description="Figures the articles disagree on; their sentences are not among key_facts,"
        " and the summary states no version alone."
    )
    updates: list[UpdateOut] = Field(
        default_factory=list,
        description="Figures that changed between dated articles (a toll rising), newest version first.",
    )
    engine: EngineName
    model: str | None
    input: InputOut
    generated_tokens: int
    timings_ms: dict[str, float]

    @classmethod
    def from_result(cls, result: Result, cluster: Cluster, timings_ms: dict[str, float]) -> SummarizeResponse:
        """The answer to the request that became `cluster`."""
        report = result.input

        def sources(refs: tuple[SourceRef, ...]) -> list[Source]:
            return [
                Source(
                    article=s.article,
                    background=s.background,
                    article_id=(cluster.background if s.background else cluster.articles)[s.article].id,
                    sentence=s.sentence,
                    start=s.start,
                    end=s.end,
                )
                for s in refs
            ]

        def claims(items: tuple[Claim, ...]) -> list[ClaimOut]:
            return [
                ClaimOut(
                    value=cl.value,
                    text=cl.text,
                    sources=sources(cl.sources),
                    support=len({s.article for s in cl.sources}),
                    published=cl.published,
                )
                for cl in items
            ]

        return cls(
            summary=result.summary,
            query=cluster.query,
            background_articles=len(cluster.background),
            novel=result.novel,
            key_facts=[
                KeyFactOut(text=f.text, support=f.support, sources=sources(f.sources))
                for f in result.key_facts
            ],
            conflicts=[ConflictOut(subject=c.subject, claims=claims(c.claims)) for c in result.conflicts],
            updates=[UpdateOut(subject=u.subject, claims=claims(u.claims)) for u in result.updates],
            engine=result.engine,
            model=result.model,
            input=InputOut(
                unit=report.unit,
                budget=report.budget,
                total=report.total,
                used=report.used,
                truncated=report.truncated,
                left_out=[a.article for a in report.articles if not a.included],
                articles=[
                    ArticleInput(
                        article=a.article,
                        language=cluster.articles[a.article].language,
                        language_source=cluster.articles[a.article].language_source,
                        total=a.total,
                        used=a.used,
                        truncated=a.truncated,
                        included=a.included,
                    )
                    for a in report.articles
                ],
                pages=[
                    PageOut(
                        article=i,
                        background=background,
                        extractor=a.page.extractor,
                        markup_chars=a.page.markup_chars,
                        article_chars=len(a.text),
                        text=a.text,
                        title=a.page.title,
                        published=a.page.published,
                        language=a.page.language,
                    )
                    for background, group in ((False, cluster.articles), (True, cluster.background))
                    for i, a in enumerate(group)
                    if a.page is not None
                ],
            ),
            generated_tokens=result.generated_tokens,
            timings_ms={k: round(v, 2) for k, v in {**result.timings_ms, **timings_ms}.items()},
        )


class ErrorBody(BaseModel):
    code: str
    message: str
    details: list[dict[str, str]] | None = None


class ErrorResponse(BaseModel):
    """The one error shape of the API."""

    error: ErrorBody


# --- digests: a pile of articles in, its stories out (POST /v1/digest) ---------------------------

# Hard ceiling of a digest's articles in the schema; the configured limit (`digest_max_articles`,
# 1,000 by default) is checked on top of it and answered with a 413.
MAX_DIGEST_ARTICLES = 10_000


class DigestRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    articles: list[ArticleIn] = Field(
        min_length=1,
        max_length=MAX_DIGEST_ARTICLES,
        description="The pile: articles about any number of events, in any order. At most"
        " SUMMARIZER_DIGEST_MAX_ARTICLES (1,000) and SUMMARIZER_DIGEST_MAX_TOTAL_CHARS (5,000,000)"
        " characters read (413 beyond). An article that cannot be read is reported in `skipped`.",
    )
    options: OptionsIn = Field(default_factory=OptionsIn, description="Each story's summary and facts.")
    query: str | None = Field(
        None,
        max_length=MAX_QUERY_CHARS,
        pattern=r"\S",
        description="A question or topic: each story's summary and key facts cover what answers it.",
    )
    background: list[ArticleIn] = Field(
        default_factory=list,
        max_length=MAX_ARTICLES,
        description="Articles the reader has already read: each story reports only what is new.",
    )


class Published(BaseModel):
    first: datetime | None = Field(None, description="The earliest date of the story's articles.")
    last: datetime | None = Field(None, description="The latest date of the story's articles.")


class StoryOut(BaseModel):
    articles: list[int] = Field(description="The story's articles: indices into the request's articles.")
    summarized: list[int] = Field(
        description="The articles its summary and facts read: all of `articles`, unless the story is"
        " over one request's limits (SUMMARIZER_MAX_ARTICLES, SUMMARIZER_MAX_TOTAL_CHARS); then its"
        " most central ones."
    )
    title: str = Field(description="The title (else the first sentence) of its most central article.")
    published: Published
    summary: str
    novel: bool = True
    key_facts: list[KeyFactOut]
    conflicts: list[ConflictOut]
    updates: list[UpdateOut]
    input: InputOut | None = Field(description="What the engine read (None: see `error`).")
    generated_tokens: int
    error: ErrorBody | None = Field(
        None, description="Why this story has no summary (its articles hold no news sentences)."
    )


class SkippedOut(BaseModel):
    article: int = Field(description="Index into the request's articles.")
    error: ErrorBody


class DigestResponse(BaseModel):
    stories: list[StoryOut] = Field(
        description="Every article read is in exactly one story; the stories most articles report"
        " come first, then the most recent."
    )
    skipped: list[SkippedOut] = Field(description="Articles that could not be read, and why.")
    engine: EngineName
    model: str | None
    timings_ms: dict[str, float] = Field(description="read, group, summarize and total.")
