"""The per-example rows of a run: one JSON object a line, written as each summary is scored."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)


class Rows:
    """The per-example JSONL: appended and flushed row by row, so an interrupted run loses nothing."""

    def __init__(self, path: Path, resume: bool) -> None:
        self.path = path
        if path.exists() and not resume:
            raise FileExistsError(
                f"{path} exists: pass --resume to continue that run, or choose another --out"
            )
        if path.exists():
            data = path.read_bytes()
            if data and not data.endswith(b"\n"):
                # An interrupted write left half a row: drop it, so appends start on a fresh line.
                log.warning("dropping a torn last line of %s (interrupted write)", path)
                path.write_bytes(data[: data.rfind(b"\n") + 1])
        self.done: set[tuple[str, str]] = {(r["system"], r["id"]) for r in self.read()}
        self._file = path.open("a", encoding="utf-8")

    def read(self) -> Iterator[dict[str, Any]]:
        if not self.path.exists():
            return
        with self.path.open(encoding="utf-8") as f:
            for line in f:
                if line.strip():
                    try:
                        yield json.loads(line)
                    except json.JSONDecodeError:
                        log.warning("skipping a torn line in %s (interrupted write)", self.path)

    def write(self, row: dict[str, Any]) -> None:
        self._file.write(json.dumps(row, ensure_ascii=False) + "\n")
        self._file.flush()
        self.done.add((row["system"], row["id"]))

    def close(self) -> None:
        self._file.close()
