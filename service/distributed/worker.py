"""What one actor of the batch job's pool does: load the engine once, then summarize batches of rows.

It knows nothing of Ray: Ray Data constructs it once per actor and calls it with a batch of rows
(`{"id": [...], "body": [...]}`, bodies as JSON text); a batch of the same length comes back, each
row's result (its summary, key facts and conflicts as JSON text) or its error. A row goes the way
`POST /v1/summarize` takes it (the request schema, then `service.api.answer`: the configured
limits, the engine runner with its deadline and dynamic batching, the API's response shape), so a
cluster summarized here and one sent to the service come out alike.
"""

from __future__ import annotations

import asyncio
import json
import logging
import threading
from collections.abc import Mapping, Sequence
from typing import Any

from pydantic import ValidationError

from service.api.answer import answer
from service.api.schemas import SummarizeRequest
from service.distributed.rows import problems
from service.engines import build_engine
from service.errors import InvalidInput, ServiceError
from service.runner import EngineRunner
from service.settings import Settings

log = logging.getLogger(__name__)


class ClusterWorker:
    """One engine, loaded and warmed at construction; `__call__` summarizes a batch of rows."""

    def __init__(self, settings: Settings | None = None) -> None:
        self.settings = settings or Settings()
        engine = build_engine(self.settings)
        engine.load()
        engine.warmup()
        # The service's own runner: its deadline per request and its dynamic batching. It lives
        # on an event loop of this actor's, run only while a batch is in hand.
        self._loop = asyncio.new_event_loop()
        self._lock = threading.Lock()
        self._runner = EngineRunner(
            engine,
            max_queue=1_000_000,  # the batch bounds what waits, not the runner
            timeout_s=self.settings.request_timeout_s,
            batch_max_size=self.settings.batch_max_size,
            batch_wait_ms=0.0,  # a batch's rows are all there at once: nothing to wait for
        )
        self._loop.run_until_complete(self._start())
        log.info("batch worker ready: engine %s (model: %s)", engine.name, engine.model_id or "none")

    async def _start(self) -> None:
        self._runner.start()

    def __call__(self, batch: Mapping[str, Sequence[Any]]) -> dict[str, list[str]]:
        ids = [str(i) for i in batch["id"]]
        bodies = [str(b) for b in batch["body"]]
        # Ray Data may call from more than one thread: one batch on the loop at a time.
        with self._lock:
            outcomes = self._loop.run_until_complete(self._all(ids, bodies))
        return {
            "id": ids,
            "result": [result for result, _ in outcomes],
            "error": [error for _, error in outcomes],
        }

    async def _all(self, ids: list[str], bodies: list[str]) -> list[tuple[str, str]]:
        # All at once: the runner batches them as it batches concurrent requests.
        return await asyncio.gather(*(self._one(i, b) for i, b in zip(ids, bodies, strict=True)))

    async def _one(self, row_id: str, body: str) -> tuple[str, str]:
        """(the result, "") or ("", why this row has none)."""
        try:
            request = SummarizeRequest.model_validate_json(body)
            response = await answer(request, self.settings, self._runner)
        except ValidationError as exc:
            return "", f"{InvalidInput.code}: {problems(exc)}"
        except ServiceError as exc:
            return "", f"{exc.code}: {exc.message}"
        except Exception as exc:
            log.exception("cluster %s failed", row_id)
            return "", f"internal_error: {type(exc).__name__}"
        fields = response.model_dump(mode="json", include={"summary", "key_facts", "conflicts"})
        return json.dumps(fields, ensure_ascii=False), ""

    def close(self) -> None:
        """Stop the runner and close the loop (Ray ends an actor's process without this)."""
        self._runner.close()
        # The runner's batcher, cancelled: let it finish before its loop goes.
        pending = asyncio.all_tasks(self._loop)
        self._loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
        self._loop.close()
