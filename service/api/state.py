"""What the routes need, held on `app.state.service` (no module-level singletons)."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Annotated, Literal

from fastapi import Depends, Request

from service.api.metrics import Metrics
from service.engines.base import Engine
from service.runner import EngineRunner
from service.settings import Settings


@dataclass
class ServiceState:
    settings: Settings
    engine: Engine
    metrics: Metrics
    status: Literal["loading", "ready", "failed"] = "loading"
    # Why the engine failed to load (the exception's first line), for /readyz and /healthz.
    failure: str | None = None
    runner: EngineRunner | None = None
    loader: asyncio.Task[None] | None = field(default=None, repr=False)


def get_state(request: Request) -> ServiceState:
    state: ServiceState = request.app.state.service
    return state


State = Annotated[ServiceState, Depends(get_state)]
