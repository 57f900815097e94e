"""Runs the engine off the event loop, collecting concurrent requests into micro-batches.

`generate()` is CPU/GPU-bound and the model is not safe to call from several threads at once, so
one worker thread runs the engine. Requests wait in a bounded queue (429 beyond `max_queue`); the
batcher takes whatever is waiting, up to `batch_max_size`, and when the engine was idle it waits
`batch_wait_ms` for company first. While a batch runs, the next one gathers, so under load batches
fill by themselves and a lone request pays at most the short wait. A batch that is not
full waits briefly for requests on their way (`_fill`): without that, the clients one batch answered
resend while the next, small, batch starts, and under closed-loop load batches stay split in two
for good (16 clients: batches of 8 on average instead of 16), each paying a whole decoding pass.

Every request gets an answer: its result, its own error, or a 504 at its deadline. A request whose
client has gone or whose deadline has passed is dropped from the queue before it costs compute,
and one already running asks the engine to stop its rows (`Job.stop`).

Lanes: an engine that may be called from two threads at once (`Engine.thread_safe`: the embedded
engine) gets a second worker for light requests, those of at most `light_max_chars` article
characters, so that an ordinary request never waits behind a batch of 300,000-character ones. Each
lane has its own queue and worker; the queue bound and the deadlines are the runner's, shared.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from service.domain import Cluster, Result
from service.engines.base import Engine, run_batch
from service.errors import ClientClosed, DeadlineExceeded, NotReady, Overloaded
from service.settings import Settings

log = logging.getLogger(__name__)

FILL_WAIT_MAX_S = 0.5
FILL_WAIT_SHARE = 0.05
FILL_QUIET_S = 0.05
RECENT_S = 1.0


@dataclass(eq=False)
class _Lane:
    """One queue and the thread that works it."""

    name: str
    executor: ThreadPoolExecutor
    waiting: deque[Job] = field(default_factory=deque)
    running: int = 0
    wakeup: asyncio.Event = field(default_factory=asyncio.Event)
    task: asyncio.Task[None] | None = None


def cost(cluster: Cluster) -> int:
    """What a request costs the engine, in characters read: its articles and its background."""
    return sum(len(a.text) for a in cluster.articles) + sum(len(a.text) for a in cluster.background)


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
        light_max_chars: int = 0,
    ) -> None:
        """`light_max_chars` > 0 opens the light lane, for a thread-safe engine only."""
        self.engine = engine
        self.max_queue = max_queue
        self.timeout_s = timeout_s
        self.batch_max_size = batch_max_size
        self.batch_wait_s = batch_wait_ms / 1e3
        self._on_batch = on_batch
        self.light_max_chars = light_max_chars if engine.thread_safe else 0
        names = ["engine", "light"] if self.light_max_chars > 0 else ["engine"]
        self._lanes = [
            _Lane(name, ThreadPoolExecutor(max_workers=1, thread_name_prefix=name)) for name in names
        ]
        self._loop: asyncio.AbstractEventLoop | None = None
        self._arriving = 0
        self._last_batch_s = 0.0
        self._last_end = 0.0

    @classmethod
    def serving(
        cls,
        engine: Engine,
        settings: Settings,
        timeout_s: float,
        on_batch: Callable[[int], None] | None = None,
    ) -> EngineRunner:
        """The runner the service puts in front of `engine`: the settings' queue, batching and light
        lane; batching only where the engine gains from it (otherwise a batch only holds each
        answer until its last request is done)."""
        return cls(
            engine,
            max_queue=settings.max_queue,
            timeout_s=timeout_s,
            batch_max_size=settings.batch_max_size if engine.batch_gain else 1,
            batch_wait_ms=settings.batch_wait_ms if engine.batch_gain else 0.0,
            on_batch=on_batch,
            light_max_chars=settings.light_lane_chars,
        )

    @contextmanager
    def arriving(self) -> Iterator[None]:
        """Marks a request being read on its way to `run`: a batch about to start waits for it."""
        self._arriving += 1
        try:
            yield
        finally:
            self._arriving -= 1

    async def _fill(self, lane: _Lane, answered: bool) -> None:
        """Before a batch that is not full: wait (bounded) for the requests on their way.

        On its way: being read (`arriving`), or, when a batch has just `answered` its clients,
        about to be sent by one of them. The wait ends once the batch is full, once nothing is
        being read and nothing new came for `FILL_QUIET_S`, or at a twentieth of the last batch's
        time (at most `FILL_WAIT_MAX_S`). After an idle spell a lone request starts at once; a
        burst (a second request already in, or being read) is gathered the same way, for up to
        `FILL_WAIT_MAX_S`: the last batch's time says nothing of this one's, and a burst's
        requests are read one after another, so a batch started on the first few would keep the
        rest waiting a whole batch (16 clients after an idle spell: p95 twice the p50).
        """
        if not lane.waiting or len(lane.waiting) >= self.batch_max_size:
            return
        now = time.perf_counter()
        burst = not answered and (len(lane.waiting) > 1 or self._arriving > 0)
        watching = answered or burst
        wait = FILL_WAIT_MAX_S if burst else min(FILL_WAIT_MAX_S, FILL_WAIT_SHARE * self._last_batch_s)
        deadline = now + wait
        seen, quiet_until = len(lane.waiting) + self._arriving, now + (FILL_QUIET_S if watching else 0.0)
        while len(lane.waiting) < self.batch_max_size and now < deadline:
            if self._arriving == 0 and now >= quiet_until:
                return
            await asyncio.sleep(0.005)
            now = time.perf_counter()
            count = len(lane.waiting) + self._arriving
            if count > seen and watching:
                seen, quiet_until = count, now + FILL_QUIET_S

    @property
    def depth(self) -> int:
        """Requests queued or running."""
        return sum(len(lane.waiting) + lane.running for lane in self._lanes)

    def _lane(self, cluster: Cluster) -> _Lane:
        if len(self._lanes) > 1 and cost(cluster) <= self.light_max_chars:
            return self._lanes[1]
        return self._lanes[0]

    def start(self) -> None:
        self._loop = asyncio.get_running_loop()
        for lane in self._lanes:
            lane.task = self._loop.create_task(self._batch_loop(lane), name=f"batcher-{lane.name}")

    async def run(
        self,
        cluster: Cluster,
        gone: asyncio.Event | None = None,
        spent_s: float = 0.0,
        timeout_s: float | None = None,
    ) -> tuple[Result, float]:
        """The engine's result for one cluster, and how long it waited in the queue (ms).

        `gone`, when set by the caller (the client disconnected), abandons the request. `spent_s`:
        how much of the request's deadline went before it got here (reading its pages).
        `timeout_s`: that deadline, where it is not the runner's (a digest's stories share one).
        """
        timeout_s = self.timeout_s if timeout_s is None else timeout_s
        if any(lane.task is None or lane.task.done() for lane in self._lanes):
            raise NotReady("the engine is not running")
        if asyncio.get_running_loop() is not self._loop:
            # asyncio objects are not thread-safe: a request on another loop would never wake ours.
            raise RuntimeError("EngineRunner.run called from another event loop than the app's")
        if self.depth >= self.max_queue:
            raise Overloaded(f"{self.depth} requests are already waiting; retry shortly")
        job = Job(cluster, self._loop.create_future(), time.perf_counter())
        lane = self._lane(cluster)
        lane.waiting.append(job)
        lane.wakeup.set()
        waiters: set[asyncio.Future[Any]] = {job.future}
        watcher = asyncio.ensure_future(gone.wait()) if gone is not None else None
        if watcher is not None:
            waiters.add(watcher)
        try:
            left = max(0.0, timeout_s - spent_s)
            done, _ = await asyncio.wait(waiters, timeout=left, return_when=asyncio.FIRST_COMPLETED)
            if job.future in done:
                result = job.future.result()
                started = job.started if job.started is not None else job.submitted
                return result, (started - job.submitted) * 1e3
            if watcher is not None and watcher in done:
                raise ClientClosed("the client disconnected")
            raise DeadlineExceeded(f"no result within {timeout_s:g} s")
        finally:
            # Whatever ended the wait, nobody wants the work any more: it must not cost compute.
            job.stop.set()
            job.future.cancel()
            if watcher is not None:
                watcher.cancel()

    def _next_batch(self, lane: _Lane) -> list[Job]:
        batch: list[Job] = []
        while lane.waiting and len(batch) < self.batch_max_size:
            job = lane.waiting.popleft()
            if not job.future.done():  # abandoned while queued: never runs
                batch.append(job)
        return batch

    async def _batch_loop(self, lane: _Lane) -> None:
        loop = asyncio.get_running_loop()
        while True:
            idle = not lane.waiting
            if idle:
                lane.wakeup.clear()
                await lane.wakeup.wait()
            if self.batch_wait_s > 0 and self.batch_max_size > 1:
                if idle:  # give concurrent requests a moment to join this batch
                    await asyncio.sleep(self.batch_wait_s)
                # Just after a batch, the rest of the clients it answered may be on their way.
                answered = not idle or time.perf_counter() - self._last_end < RECENT_S
                await self._fill(lane, answered)
            batch = self._next_batch(lane)
            if not batch:
                continue
            lane.running = len(batch)
            began = time.perf_counter()
            outcomes: list[Result | BaseException]
            try:
                outcomes = await loop.run_in_executor(lane.executor, self._work, batch)
            except Exception as exc:  # the loop must outlive any batch, or later requests hang
                log.exception("engine batch of %d failed outside the engine", len(batch))
                outcomes = [exc] * len(batch)
            finally:
                lane.running = 0
                self._last_end = time.perf_counter()
                self._last_batch_s = self._last_end - began
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
        for lane in self._lanes:
            if lane.task is not None:
                lane.task.cancel()
            # Nothing will run these any more: answer them now rather than at their deadline.
            while lane.waiting:
                job = lane.waiting.popleft()
                job.stop.set()
                if not job.future.done():
                    job.future.set_exception(NotReady("the service is shutting down"))
            lane.executor.shutdown(wait=False, cancel_futures=True)
