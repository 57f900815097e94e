"""Reading evaluation data: clusters with references, and other systems' outputs.

The native layout is one cluster a JSONL line, `{"id", "documents": [str | {"text", "title"?,
"date"?}], "references": [str, ...]}`. Adapters map the common public layouts onto it.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Literal

log = logging.getLogger(__name__)

DataFormat = Literal["native", "multinews", "cnndm"]
MULTINEWS_SEPARATOR = "|||||"


class DataError(ValueError):
    """The data file does not have the layout it was read as."""


@dataclass(frozen=True)
class Document:
    text: str
    title: str | None = None
    date: datetime | None = None


@dataclass(frozen=True)
class Example:
    id: str
    documents: tuple[Document, ...]
    references: tuple[str, ...]


@dataclass(frozen=True)
class Fields:
    """Field names of a layout; any of them can be overridden from the command line."""

    id: str
    documents: str
    references: str


DEFAULT_FIELDS: dict[DataFormat, Fields] = {
    "native": Fields(id="id", documents="documents", references="references"),
    "multinews": Fields(id="id", documents="document", references="summary"),
    "cnndm": Fields(id="id", documents="article", references="highlights"),
}


def _document(raw: Any, where: str) -> Document:
    if isinstance(raw, str):
        return Document(text=raw)
    if isinstance(raw, dict) and isinstance(raw.get("text"), str):
        date = raw.get("date")
        try:
            parsed = datetime.fromisoformat(date) if isinstance(date, str) else None
        except ValueError as exc:
            raise DataError(f"{where}: document date {date!r} is not ISO 8601") from exc
        return Document(text=raw["text"], title=raw.get("title"), date=parsed)
    raise DataError(f"{where}: a document is a string or an object with a 'text' string")


def _example(row: dict[str, Any], fmt: DataFormat, fields: Fields, where: str) -> Example:
    if fields.documents not in row or fields.references not in row:
        raise DataError(
            f"{where}: needs fields {fields.documents!r} and {fields.references!r} ({fmt} layout)"
        )
    docs_raw = row[fields.documents]
    refs_raw = row[fields.references]
    if fmt == "multinews":
        if not isinstance(docs_raw, str):
            raise DataError(f"{where}: Multi-News documents are one string joined by {MULTINEWS_SEPARATOR}")
        docs_raw = [d.strip() for d in docs_raw.split(MULTINEWS_SEPARATOR) if d.strip()]
    elif fmt == "cnndm" and isinstance(docs_raw, str):
        docs_raw = [docs_raw]
    if isinstance(refs_raw, str):
        refs_raw = [refs_raw]
    if not isinstance(docs_raw, list) or not docs_raw:
        raise DataError(f"{where}: {fields.documents!r} must be a non-empty list")
    if not isinstance(refs_raw, list) or not all(isinstance(r, str) for r in refs_raw):
        raise DataError(f"{where}: {fields.references!r} must be a string or a list of strings")
    ex_id = row.get(fields.id)
    return Example(
        id=str(ex_id) if ex_id is not None else where,
        documents=tuple(_document(d, where) for d in docs_raw),
        references=tuple(refs_raw),
    )


def load_examples(
    path: Path, fmt: DataFormat = "native", fields: Fields | None = None, limit: int | None = None
) -> list[Example]:
    """Clusters from a JSONL file; ids must be unique (they key results and --resume)."""
    fields = fields or DEFAULT_FIELDS[fmt]
    examples: list[Example] = []
    with path.open(encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            if not line.strip():
                continue
            where = f"{path.name}:{n}"
            try:
                row = json.loads(line)
            except json.JSONDecodeError as exc:
                raise DataError(f"{where}: not JSON ({exc.msg})") from exc
            if not isinstance(row, dict):
                raise DataError(f"{where}: each line must be a JSON object")
            examples.append(_example(row, fmt, fields, where))
            if limit is not None and len(examples) >= limit:
                break
    ids = [e.id for e in examples]
    if len(set(ids)) != len(ids):
        raise DataError(f"{path}: example ids are not unique")
    if not examples:
        raise DataError(f"{path}: no examples")
    return examples


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def load_system_outputs(paths: Iterable[Path]) -> dict[str, dict[str, str]]:
    """Other systems' summaries, `{system: {example id: summary}}`.

    Rows are `{cluster_id | id, system, summary}`, as in DUC's SumRepo files.
    """
    systems: dict[str, dict[str, str]] = {}
    for path in paths:
        with path.open(encoding="utf-8") as f:
            for n, line in enumerate(f, 1):
                if not line.strip():
                    continue
                row = json.loads(line)
                ex_id = row.get("cluster_id", row.get("id"))
                if ex_id is None or "system" not in row or not isinstance(row.get("summary"), str):
                    raise DataError(f"{path.name}:{n}: needs cluster_id (or id), system and summary")
                systems.setdefault(str(row["system"]), {})[str(ex_id)] = row["summary"]
    return systems
