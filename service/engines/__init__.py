"""Engines behind the service. `build_engine` picks one from the settings; `run_batch` calls one
and holds it to the batch contract (the package's surface for callers outside the service)."""

from __future__ import annotations

from service.engines.base import Engine, run_batch
from service.settings import Settings

__all__ = ["Engine", "build_engine", "run_batch"]


def build_engine(settings: Settings) -> Engine:
    """The configured engine, not yet loaded. seq2seq imports torch, so only when asked for."""
    if settings.engine_name == "seq2seq":
        try:
            from service.engines.seq2seq import Seq2SeqEngine
        except ImportError as exc:
            # An install (or image, ENGINE=embedded) with the embedded engine only: say so, not
            # "No module named 'torch'" from three imports down.
            raise ImportError(
                f"SUMMARIZER_MODEL={settings.model} needs the seq2seq engine's packages (torch,"
                f" transformers), which this install lacks ({exc}): install them (README, 'Start the"
                " service'), or unset SUMMARIZER_MODEL to serve the embedded engine"
            ) from exc

        return Seq2SeqEngine(settings.model_settings())
    from service.engines.embedded import EmbeddedEngine

    return EmbeddedEngine(same_fact=settings.same_fact_threshold)
