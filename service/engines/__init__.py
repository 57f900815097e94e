"""Engines behind the service. `build_engine` picks one from the settings; `run_batch` calls one
and holds it to the batch contract (the package's surface for callers outside the service)."""

from __future__ import annotations

from service.engines.base import Engine, run_batch
from service.settings import Settings

__all__ = ["Engine", "build_engine", "run_batch"]


def build_engine(settings: Settings) -> Engine:
    """The configured engine, not yet loaded. seq2seq imports torch, so only when asked for."""
    if settings.engine_name == "seq2seq":
        from service.engines.seq2seq import Seq2SeqEngine

        return Seq2SeqEngine(settings.model_settings())
    from service.engines.embedded import EmbeddedEngine

    return EmbeddedEngine(same_fact=settings.same_fact_threshold)
