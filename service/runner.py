"""Runs the engine off the event loop, collecting concurrent requests into micro-batches.

`generate()` is CPU/GPU-bound and the model is not safe to call from several threads at once, so
one worker thread runs the engine. Requests wait in a bounded queue (429 beyond `max_queue`); the
batcher takes whatever is waiting, up to `batch_max_size`, and when the engine was idle it waits
`batch_wait_ms` for company first. While a batch runs, the next one gathers, so under load batches
fill by themselves and a lone request pays at most the short wait.

Every request gets an answer: its result, its own error, or a 504 at its deadline. A request whose
client has gone or whose deadline has passed is dropped from the queue before it costs compute,
and one already running asks the engine to stop its rows (`Job.stop`).
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from collections import deque
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from service.domain import Cluster, Result
from service.engines.base import Engine, run_batch
from service.errors import ClientClosed, DeadlineExceeded, NotReady, Overloaded

log = logging.getLogger(__name__)


@dataclass(eq=False)
class Job:
    cluster: Cluster
    future: asyncio.Future[Result]
    submitted: float
    started: float | None = None
    # Set when nobody waits for the result any more; the engine polls it between decoding steps.
    stop: threading.Event = field(default_factory=threading.Event)


class EngineRunner:
    def __init__(
        self,
        engine: Engine,
        max_queue: int,
        timeout_s: float,
        batch_max_size: int = 1,
        batch_wait_ms: float = 0.0,
        on_batch: Callable[[int], None] | None = None,
    ) -> None:
        self.engine = engine
        self.max_queue = max_queue
        self.timeout_s = timeout_s
        self.batch_max_size = batch_max_size
        self.batch_wait_s = batch_wait_ms / 1e3
        self._on_batch = on_batch
        self._waiting: deque[Job] = deque()
        self._running = 0
        self._wakeup = asyncio.Event()
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="engine")
        self._loop: asyncio.AbstractEventLoop | None = None
        self._loop_task: asyncio.Task[None] | None = None

    @property
    def depth(self) -> int:
        """Requests queued or running."""
        return len(self._waiting) + self._running

    def start(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._loop_task = self._loop.create_task(self._batch_loop(), name="batcher")

    async def run(
        self, cluster: Cluster, gone: asyncio.Event | None = None, spent_s: float = 0.0
    ) -> tuple[Result, float]:
        """The engine's result for one cluster, and how long it waited in the queue (ms).

        `gone`, when set by the caller (the client disconnected), abandons the request. `spent_s`:
        how much of the request's deadline went before it got here (reading its pages).
        """
        if self._loop_task is None or self._loop_task.done():
            raise NotReady("the engine is not running")
        if asyncio.get_running_loop() is not self._loop:
            # asyncio objects are not thread-safe: a request on another loop would never wake ours.
            raise RuntimeError("EngineRunner.run called from another event loop than the app's")
        if self.depth >= self.max_queue:
            raise Overloaded(f"{self.depth} requests are already waiting; retry shortly")
        job = Job(cluster, self._loop.create_future(), time.perf_counter())
        self._waiting.append(job)
        self._wakeup.set()
        waiters: set[asyncio.Future[Any]] = {job.future}
        watcher = asyncio.ensure_future(gone.wait()) if gone is not None else None
        if watcher is not None:
            waiters.add(watcher)
        try:
            left = max(0.0, self.timeout_s - spent_s)
            done, _ = await asyncio.wait(waiters, timeout=left, return_when=asyncio.FIRST_COMPLETED)
            if job.future in done:
                result = job.future.result()
                started = job.started if job.started is not None else job.submitted
                return result, (started - job.submitted) * 1e3
            if watcher is not None and watcher in done:
                raise ClientClosed("the client disconnected")
            raise DeadlineExceeded(f"no result within {self.timeout_s:g} s")
        finally:
            # Whatever ended the wait, nobody wants the work any more: it must not cost compute.
            job.stop.set()
            job.future.cancel()
            if watcher is not None:
                watcher.cancel()

    def _next_batch(self) -> list[Job]:
        batch: list[Job] = []
        while self._waiting and len(batch) < self.batch_max_size:
            job = self._waiting.popleft()
            if not job.future.done():  # abandoned while queued: never runs
                batch.append(job)
        return batch

    async def _batch_loop(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            if not self._waiting:
                self._wakeup.clear()
                await self._wakeup.wait()
                # The engine was idle: give concurrent requests a moment to join this batch.
                if self.batch_wait_s > 0 and self.batch_max_size > 1:
                    await asyncio.sleep(self.batch_wait_s)
            batch = self._next_batch()
            if not batch:
                continue
            self._running = len(batch)
            outcomes: list[Result | BaseException]
            try:
                outcomes = await loop.run_in_executor(self._executor, self._work, batch)
            except Exception as exc:  # the loop must outlive any batch, or later requests hang
                log.exception("engine batch of %d failed outside the engine", len(batch))
                outcomes = [exc] * len(batch)
            finally:
                self._running = 0
            for job, outcome in zip(batch, outcomes, strict=True):
                if job.future.done():
                    continue
                if isinstance(outcome, BaseException):
                    job.future.set_exception(outcome)
                else:
                    job.future.set_result(outcome)

    def _work(self, batch: list[Job]) -> list[Result | BaseException]:
        """In the engine thread: the batch's results, each request's error kept to itself."""
        now = time.perf_counter()
        for job in batch:
            job.started = now
        if self._on_batch is not None:
            try:
                self._on_batch(len(batch))
            except Exception:
                log.exception("batch observer failed")
        clusters = [job.cluster for job in batch]
        stops = [job.stop for job in batch]
        try:
            return list(run_batch(self.engine, clusters, stops))
        except Exception as exc:
            if len(batch) == 1:
                return [exc]
        # One bad request must not fail its batch-mates: run them one by one to tell them apart.
        log.info("a batch of %d failed; running its requests one by one", len(batch))
        outcomes: list[Result | BaseException] = []
        for cluster, stop in zip(clusters, stops, strict=True):
            try:
                outcomes.append(run_batch(self.engine, [cluster], [stop])[0])
            except Exception as exc:
                outcomes.append(exc)
        return outcomes

    def close(self) -> None:
        if self._loop_task is not None:
            self._loop_task.cancel()
        # Nothing will run these any more: answer them now rather than at their deadline.
        while self._waiting:
            job = self._waiting.popleft()
            job.stop.set()
            if not job.future.done():
                job.future.set_exception(NotReady("the service is shutting down"))
        self._executor.shutdown(wait=False, cancel_futures=True)
