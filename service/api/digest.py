"""A digest: a pile of articles read, grouped into stories, each story answered as a summary.

The one path from a `DigestRequest` to a `DigestResponse` (the HTTP route and the command line
take it). Each article is read as `/v1/summarize` reads it (`schemas.read_one`); one that cannot
be read is reported in `skipped` and the rest go on. The articles read are grouped
(`service.stories.grouping`), and each story goes through the engine runner as its own request,
so a seq2seq engine batches across stories. The digest has one deadline
(`digest_timeout_s`) for all of it; when it passes or the client goes, every story still queued
or running is dropped, and the engine stops their rows.
"""

from __future__ import annotations

import asyncio
import hashlib
import math
import re
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from service.api.intake import within
from service.api.metrics import Metrics
from service.api.schemas import (
    ArticleIn,
    DigestRequest,
    DigestResponse,
    ErrorBody,
    Published,
    SkippedOut,
    Source,
    StoryOut,
    SummarizeResponse,
    check_sent,
    read_one,
)
from service.domain import Article, Cluster
from service.errors import InvalidInput, PayloadTooLarge
from service.nlp.languages import primary
from service.nlp.words import cut_words
from service.pages.extract import Budget
from service.runner import EngineRunner
from service.settings import Settings
from service.stories.grouping import Story, group

# A story's title, where its central article has none: its first sentence, at most this many words.
TITLE_WORDS = 20
_FIRST_SENTENCE_RE = re.compile(r"\s*(.+?[.!?])(?=\s|$)", re.S)


@dataclass(frozen=True)
class Pile:
    """A digest's articles as read: None where an article could not be read (see `skipped`)."""

    articles: list[Article | None]
    skipped: list[SkippedOut]
    background: tuple[Article, ...]


def read_each(
    items: Sequence[tuple[int, ArticleIn]], settings: Settings, stop: threading.Event | None = None
) -> list[Article | InvalidInput | PayloadTooLarge]:
    """Each (index, article) read as `/v1/summarize` reads it (named `article <index>` in errors),
    or why it could not be. Page elements bound reading time: a pile gets a request's allowance
    per request's worth of articles."""
    shares = max(1, math.ceil(len(items) / settings.max_articles))
    budget = Budget(per_page=settings.max_page_elements, total=settings.max_request_elements * shares)
    out: list[Article | InvalidInput | PayloadTooLarge] = []
    for i, a in items:
        try:
            check_sent(a, f"article {i}", settings)
            out.append(read_one(a, f"article {i}", settings, budget, stop))
        except (InvalidInput, PayloadTooLarge) as exc:
            out.append(exc)
    return out


def read_pile(body: DigestRequest, settings: Settings, stop: threading.Event | None = None) -> Pile:
    """Every article read, each failure kept to its article; the pile's own limits (413) checked."""
    n = len(body.articles)
    if n > settings.digest_max_articles:
        raise PayloadTooLarge(f"{n} articles; a digest takes at most {settings.digest_max_articles}")
    articles: list[Article | None] = []
    skipped: list[SkippedOut] = []
    for i, read in enumerate(read_each(list(enumerate(body.articles)), settings, stop)):
        if isinstance(read, Article):
            articles.append(read)
        else:
            articles.append(None)
            skipped.append(SkippedOut(article=i, error=ErrorBody(code=read.code, message=read.message)))
    # What the reader has read: all of it, or a clear error.
    budget = Budget(per_page=settings.max_page_elements, total=settings.max_request_elements)
    background = []
    for i, a in enumerate(body.background):
        check_sent(a, f"background article {i}", settings)
        background.append(read_one(a, f"background article {i}", settings, budget, stop))
    total = sum(len(a.text) for a in (*articles, *background) if a is not None)
    if total > settings.digest_max_total_chars:
        raise PayloadTooLarge(
            f"the articles (background included) have {total} characters;"
            f" a digest takes at most {settings.digest_max_total_chars}"
        )
    return Pile(articles, skipped, tuple(background))


def summarized(story: Story, articles: list[Article], settings: Settings) -> list[int]:
    """The articles of `story` its summary reads: all, or the most central within one request's
    limits (articles and characters), in ascending order."""
    chosen: list[int] = []
    chars = 0
    for i in story.ranked:
        size = len(articles[i].text)
        if chosen and (len(chosen) >= settings.max_articles or chars + size > settings.max_total_chars):
            continue
        chosen.append(i)
        chars += size
    return sorted(chosen)


def title(article: Article) -> str:
    """A story's title from its central article: the title sent, else its page's own, else its
    first sentence (at most `TITLE_WORDS` words)."""
    for given in (article.title, article.page.title if article.page else None):
        if given and given.strip():
            return " ".join(given.split())
    m = _FIRST_SENTENCE_RE.match(article.text[:2_000])
    first = m.group(1) if m else article.text[:2_000]
    return " ".join(cut_words(first, TITLE_WORDS).split())


def _stamp(d: datetime) -> float:
    """A date as a timestamp; one without a zone is read as UTC, as the schema reads it."""
    return (d if d.tzinfo else d.replace(tzinfo=UTC)).timestamp()


def published_span(articles: list[Article]) -> tuple[datetime | None, datetime | None]:
    """The earliest and the latest date of `articles` (None: none is dated)."""
    dates = [a.published for a in articles if a.published is not None]
    return min(dates, key=_stamp, default=None), max(dates, key=_stamp, default=None)


def story_order(story: Story, articles: list[Article]) -> tuple[int, float, str]:
    """Most articles first, then the most recent; ties on the central article's content, so the
    order is the same whatever order the articles came in."""
    last = max(
        (_stamp(d) for i in story.articles if (d := articles[i].published) is not None), default=-math.inf
    )
    central = articles[story.central]
    return (
        -len(story.articles),
        -last,
        hashlib.sha1(f"{central.title}\x00{central.text}".encode()).hexdigest(),
    )


def _remap(response: SummarizeResponse, to: list[int]) -> None:
    """Indices into the story's cluster made indices into the request's articles (in place)."""

    def fix(sources: list[Source]) -> None:
        for s in sources:
            if not s.background:
                s.article = to[s.article]

    for f in response.key_facts:
        fix(f.sources)
    for conflict in response.conflicts:
        for claim in conflict.claims:
            fix(claim.sources)
    for update in response.updates:
        for claim in update.claims:
            fix(claim.sources)
    report = response.input
    report.left_out = [to[i] for i in report.left_out]
    for a in report.articles:
        a.article = to[a.article]
    for p in report.pages:
        if not p.background:
            p.article = to[p.article]


def _first(group: BaseExceptionGroup[Exception]) -> Exception:
    """The first error a failed task group holds (groups nest)."""
    first = group.exceptions[0]
    return _first(first) if isinstance(first, BaseExceptionGroup) else first


async def digest(
    body: DigestRequest,
    settings: Settings,
    runner: EngineRunner,
    gone: asyncio.Event | None = None,
    metrics: Metrics | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> DigestResponse:
    """The stories of `body`'s articles, each summarized. `gone`, once set, abandons the digest.

    `progress(done, stories)` is called once the stories are found and after each is answered.

    Raises the digest's `ServiceError`: too large (413), invalid background (422), overloaded,
    past its deadline, or abandoned.
    """
    t0 = time.perf_counter()
    gone = gone or asyncio.Event()
    limit = settings.digest_timeout_s
    reading = threading.Event()
    pile = await within(
        asyncio.ensure_future(asyncio.to_thread(read_pile, body, settings, reading)),
        settings,
        gone,
        t0,
        reading.set,
        limit,
    )
    t1 = time.perf_counter()
    readable = [i for i, a in enumerate(pile.articles) if a is not None]
    articles: list[Article] = [a for a in pile.articles if a is not None]
    grouping = threading.Event()
    found = await within(
        asyncio.ensure_future(asyncio.to_thread(group, articles, stop=grouping)),
        settings,
        gone,
        t0,
        grouping.set,
        limit,
    )
    found.sort(key=lambda s: story_order(s, articles))
    t2 = time.perf_counter()
    language = primary(body.options.language) if body.options.language else None
    # Enough stories at once to fill the engine's batches, never the whole queue.
    slots = asyncio.Semaphore(max(1, min(runner.batch_max_size + 1, runner.max_queue // 2)))

    async def answer(story: Story) -> StoryOut:
        chosen = summarized(story, articles, settings)
        members = [articles[i] for i in chosen]
        written = {a.language for a in members}
        cluster = Cluster(
            articles=tuple(members),
            # A language no article of this story is in is no reason to fail the story.
            options=body.options.resolve(settings, language if language in written else None),
            query=body.query.strip() if body.query else None,
            background=pile.background,
        )
        to = [readable[i] for i in chosen]
        first, last = published_span([articles[i] for i in story.articles])
        head = {
            "articles": [readable[i] for i in story.articles],
            "summarized": to,
            "title": title(articles[story.central]),
            "published": Published(first=first, last=last),
        }
        async with slots:
            try:
                result, _ = await runner.run(cluster, gone, spent_s=time.perf_counter() - t0, timeout_s=limit)
            except InvalidInput as exc:  # e.g. nothing but credit lines: the story stays, unsummarized
                return StoryOut(
                    **head,
                    summary="",
                    key_facts=[],
                    conflicts=[],
                    updates=[],
                    input=None,
                    generated_tokens=0,
                    error=ErrorBody(code=exc.code, message=exc.message),
                )
        if metrics is not None:
            metrics.count(result)
        response = SummarizeResponse.from_result(result, cluster, {})
        _remap(response, to)
        return StoryOut(
            **head,
            summary=response.summary,
            novel=response.novel,
            key_facts=response.key_facts,
            conflicts=response.conflicts,
            updates=response.updates,
            input=response.input,
            generated_tokens=response.generated_tokens,
        )

    done = 0

    async def counted(story: Story) -> StoryOut:
        nonlocal done
        out = await answer(story)
        done += 1
        if progress is not None:
            progress(done, len(found))
        return out

    if progress is not None:
        progress(0, len(found))
    # A task group: when one story fails the digest (deadline, client gone, overload), the others
    # are cancelled, and the runner stops their work.
    try:
        async with asyncio.TaskGroup() as tasks:
            running = [tasks.create_task(counted(s)) for s in found]
    except ExceptionGroup as failed:
        raise _first(failed) from None
    stories = [t.result() for t in running]
    t3 = time.perf_counter()
    return DigestResponse(
        stories=stories,
        skipped=pile.skipped,
        engine=runner.engine.name,
        model=runner.engine.model_id,
        timings_ms={
            k: round(v * 1e3, 2)
            for k, v in {"read": t1 - t0, "group": t2 - t1, "summarize": t3 - t2, "total": t3 - t0}.items()
        },
    )
