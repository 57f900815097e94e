"""A request's articles as the engine will read them: links fetched, pages read, on the deadline.

Both steps count toward the request's deadline and end when the client goes. Fetching is
asynchronous; reading pages is CPU work, done in a thread off the event loop, which is told to
stop before its next page once nobody waits (a page being read finishes: its size is bounded).
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from service.api.schemas import ArticleIn, SummarizeRequest
from service.domain import Cluster
from service.errors import ClientClosed, DeadlineExceeded, FetchFailed, PayloadTooLarge, ServiceError
from service.pages.extract import is_page
from service.pages.fetch import Fetched, fetch_all, policy_from
from service.settings import Settings

T = TypeVar("T")


@dataclass(frozen=True)
class Read:
    """A request's cluster, as the engine will read it, and how long reading it took (ms)."""

    cluster: Cluster
    read_ms: float


async def read_request(body: SummarizeRequest, settings: Settings, gone: asyncio.Event | None = None) -> Read:
    """The request's cluster (`SummarizeRequest.to_cluster`), its links fetched first.

    `gone`, once set (the client went), ends the reading. The time it takes counts toward the
    request's deadline, which starts here.
    """
    t0 = time.perf_counter()
    cluster = await _cluster(body, settings, gone or asyncio.Event(), t0)
    return Read(cluster, (time.perf_counter() - t0) * 1e3)


async def _cluster(body: SummarizeRequest, settings: Settings, gone: asyncio.Event, t0: float) -> Cluster:
    if settings.fetch_urls and any(a.text is None for a in (*body.articles, *body.background)):
        body = await _fetched(body, settings, gone, t0)
    if not any(a.text is not None and is_page(a.text) for a in (*body.articles, *body.background)):
        return body.to_cluster(settings)  # plain text: no thread needed
    stop = threading.Event()
    return await within(
        asyncio.ensure_future(asyncio.to_thread(body.to_cluster, settings, stop)),
        settings,
        gone,
        t0,
        stop.set,
    )


async def _fetched(
    body: SummarizeRequest, settings: Settings, gone: asyncio.Event, t0: float
) -> SummarizeRequest:
    """`body` with each article given as a link replaced by the page fetched from it.

    Every address is checked by the guard (`service.pages.fetch`). One failed link fails the
    request, naming the article.
    """
    wanted = [
        (group, i, a.url)
        for group, items in (("articles", body.articles), ("background", body.background))
        for i, a in enumerate(items)
        if a.text is None and a.url
    ]
    fetching = asyncio.ensure_future(fetch_all([url for _, _, url in wanted], policy_from(settings)))
    pages = await within(fetching, settings, gone, t0, fetching.cancel)
    replaced: dict[str, list[ArticleIn]] = {
        "articles": list(body.articles),
        "background": list(body.background),
    }
    for (group, i, _), got in zip(wanted, pages, strict=True):
        name = f"{'background article' if group == 'background' else 'article'} {i}"
        if isinstance(got, FetchFailed):
            raise FetchFailed(got.url, f"{got.reason} ({name})")
        if isinstance(got, ServiceError):
            raise PayloadTooLarge(f"{name}: {got.message}")
        replaced[group][i] = _with_page(replaced[group][i], got)
    return body.model_copy(update=replaced)


def _with_page(article: ArticleIn, page: Fetched) -> ArticleIn:
    """A link's article with the page fetched: its id is the link as asked, unless it had one."""
    return article.model_copy(
        update={"text": page.text, "url": page.final_url, "id": article.id or article.url}
    )


async def within(
    work: asyncio.Future[T],
    settings: Settings,
    gone: asyncio.Event,
    t0: float,
    abandon: Callable[[], object],
    timeout_s: float | None = None,
) -> T:
    """`work`'s result, unless the deadline passes or the client goes first: then `abandon()`.

    The deadline: `timeout_s` (default `settings.request_timeout_s`) from `t0`.
    """
    timeout_s = settings.request_timeout_s if timeout_s is None else timeout_s
    closed: asyncio.Future[object] = asyncio.ensure_future(gone.wait())
    left = timeout_s - (time.perf_counter() - t0)
    try:
        waiting: set[asyncio.Future[object]] = {work, closed}  # type: ignore[arg-type]
        done, _ = await asyncio.wait(waiting, timeout=left, return_when=asyncio.FIRST_COMPLETED)
    finally:
        closed.cancel()
    if work not in done:
        abandon()
        work.add_done_callback(_forget)
        if gone.is_set():
            raise ClientClosed("the client closed the request")
        raise DeadlineExceeded(f"the request took longer than {timeout_s:g} s")
    return work.result()


def _forget(work: asyncio.Future[T]) -> None:
    """Collect abandoned work's outcome (cancelled, failed, or a result nobody wants)."""
    if not work.cancelled():
        work.exception()
