"""Runs the engine off the event loop, one batch at a time, behind a bounded queue.

`generate()` is CPU/GPU-bound and the model is not safe to call from several threads at once, so
work goes to a single worker thread. Requests beyond `max_queue` are refused (429) rather than
left to pile up, and a request that waits past its deadline gets a 504.
"""

from __future__ import annotations

import asyncio
import time
from concurrent.futures import ThreadPoolExecutor

from service.engines.base import Cluster, Engine, Result, run_batch
from service.errors import DeadlineExceeded, Overloaded


class EngineRunner:
    def __init__(self, engine: Engine, max_queue: int, timeout_s: float) -> None:
        self.engine = engine
        self.max_queue = max_queue
        self.timeout_s = timeout_s
        self._depth = 0
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="engine")

    @property
    def depth(self) -> int:
        """Requests queued or running."""
        return self._depth

    async def run(self, cluster: Cluster) -> tuple[Result, float]:
        """The engine's result for one cluster, and how long it waited in the queue (ms)."""
        if self._depth >= self.max_queue:
            raise Overloaded(f"{self._depth} requests are already waiting; retry shortly")
        self._depth += 1
        submitted = time.perf_counter()
        started: list[float] = []

        def work() -> Result:
            started.append(time.perf_counter())
            return run_batch(self.engine, [cluster])[0]

        try:
            future = asyncio.get_running_loop().run_in_executor(self._executor, work)
            # On timeout wait_for cancels the future: a request still queued never runs.
            result = await asyncio.wait_for(future, self.timeout_s)
        except TimeoutError:
            raise DeadlineExceeded(f"no result within {self.timeout_s:g} s") from None
        finally:
            self._depth -= 1
        return result, (started[0] - submitted) * 1e3

    def close(self) -> None:
        self._executor.shutdown(wait=False, cancel_futures=True)
