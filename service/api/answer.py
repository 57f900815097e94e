"""A request body answered: its articles read, the engine runner on the deadline, the API's response.

The one path from a `SummarizeRequest` to a `SummarizeResponse`: the HTTP route, the command
line's in-process path and the Ray batch worker all take it, so a request gets the same cluster,
deadline, timings and JSON wherever it is sent. The deadline (`request_timeout_s`) covers reading
the articles (`service.api.intake`) and answering; the command line loads its engine between the
two steps (`read_request`, then `respond`), and that load is no part of the request's time.
"""

from __future__ import annotations

import asyncio
import time

from service.api.intake import Read, read_request
from service.api.metrics import Metrics
from service.api.schemas import SummarizeRequest, SummarizeResponse
from service.runner import EngineRunner
from service.settings import Settings


async def answer(
    request: SummarizeRequest,
    settings: Settings,
    runner: EngineRunner,
    gone: asyncio.Event | None = None,
    metrics: Metrics | None = None,
) -> SummarizeResponse:
    """The response to `request`. `gone`, once set, abandons it (its client left).

    Raises the request's `ServiceError`: invalid or too large (reading), overloaded, past its
    deadline, or abandoned (answering).
    """
    with runner.arriving():  # a batch about to start waits (briefly) for this request to join it
        read = await read_request(request, settings, gone)
    return await respond(read, runner, gone, metrics)


async def respond(
    read: Read, runner: EngineRunner, gone: asyncio.Event | None = None, metrics: Metrics | None = None
) -> SummarizeResponse:
    """The engine's answer to a read request, on what is left of its deadline, with its timings.

    `metrics`: the app's, which count the tokens generated and the facts dropped.
    """
    t0 = time.perf_counter()
    result, queue_ms = await runner.run(read.cluster, gone, spent_s=read.read_ms / 1e3)
    if metrics is not None:
        metrics.count(result)
    total_ms = read.read_ms + (time.perf_counter() - t0) * 1e3
    timings = {"read": read.read_ms, "queue": queue_ms, "total": total_ms}
    return SummarizeResponse.from_result(result, read.cluster, timings)
