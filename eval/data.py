"""Reading evaluation data: clusters with references, and other systems' outputs.

The native layout is one cluster a JSONL line, `{"id", "documents": [str | {"text", "title"?,
"date"?}], "references": [str, ...], "reference_ids"?: [str, ...]}`. Adapters map the common
public layouts onto it. DUC's documents (`{"docno", "date", "headline", "text"}`) read as native:
the headline is the title when there is no `title`.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import logging
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
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
    # Who wrote each reference (DUC's assessor letters), in the order of `references`; None when
    # the data does not say.
    reference_ids: tuple[str, ...] | None = None
    # The question or topic the summary should answer (query-focused data, e.g. DUC 2006); None
    # for generic summaries.
    query: str | None = None
    # What the reader has already read (update summaries): the summary should report only what
    # `documents` add. Empty for ordinary summaries.
    background: tuple[Document, ...] = ()


@dataclass(frozen=True)
class SystemSummary:
    """One row of a `--systems` file.

    `human` and `reference_id` are what the row itself says (None: it says nothing); whether it is
    a human's summary of a given example is decided against that example's `reference_ids`.
    """

    summary: str
    human: bool | None = None
    reference_id: str | None = None


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


# Date forms met in public news data besides ISO 8601 (DUC 2006 has both). ISO is tried first,
# so a year-day-month date whose day is 12 or less reads as year-month-day: nothing in the value
# tells them apart.
_US_DATE = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?")
_YEAR_DAY_MONTH = re.compile(r"(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?")


def parse_date(value: str) -> datetime | None:
    """A document date: ISO 8601 (date or datetime, extended or basic as in `YYYYMMDD`),
    `MM/DD/YYYY[ hh:mm[:ss]]`, or `YYYY-DD-MM[ hh:mm[:ss]]` when the middle field cannot be a
    month (> 12); None when it is none of these."""
    text = value.strip()
    try:
        return datetime.fromisoformat(text)  # Python 3.11+: all of ISO 8601's common forms
    except ValueError:
        pass
    if m := _US_DATE.fullmatch(text):
        month, day, year, *clock = m.groups()
    elif (m := _YEAR_DAY_MONTH.fullmatch(text)) and int(m[2]) > 12:
        year, day, month, *clock = m.groups()
    else:
        return None
    hour, minute, second = (int(c) if c else 0 for c in clock)
    try:
        return datetime(int(year), int(month), int(day), hour, minute, second)
    except ValueError:  # e.g. 02/30/1998: the right shape, not a date
        return None


def _text_or_none(raw: dict[str, Any], key: str, where: str) -> str | None:
    value = raw.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise DataError(f"{where}: a document's {key!r} must be a string")
    return value.strip() or None


def _document(raw: Any, where: str, bad_dates: list[str]) -> Document:
    """One document; a date that is not understood is dropped and appended to `bad_dates`."""
    if isinstance(raw, str):
        return Document(text=raw)
    if isinstance(raw, dict) and isinstance(raw.get("text"), str):
        date = raw.get("date")
        blank = date is None or (isinstance(date, str) and not date.strip())
        parsed = parse_date(date) if isinstance(date, str) and not blank else None
        if parsed is None and not blank:
            # The text is still worth summarizing; a date only orders it, so lose the date, not
            # the document or the file.
            bad_dates.append(repr(date))
        # DUC's documents carry a headline and no title.
        title = _text_or_none(raw, "title", where) or _text_or_none(raw, "headline", where)
        return Document(text=raw["text"], title=title, date=parsed)
    raise DataError(f"{where}: a document is a string or an object with a 'text' string")


def _reference_ids(row: dict[str, Any], references: list[str], where: str) -> tuple[str, ...] | None:
    ids = row.get("reference_ids")
    if ids is None:
        return None
    if (
        not isinstance(ids, list)
        or not all(isinstance(i, str) and i for i in ids)
        or len(ids) != len(references)
        or len(set(ids)) != len(ids)
    ):
        raise DataError(f"{where}: 'reference_ids' must be distinct strings, one per reference")
    return tuple(ids)


def _example(
    row: dict[str, Any], fmt: DataFormat, fields: Fields, where: str, bad_dates: list[str]
) -> Example:
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
        documents=tuple(_document(d, where, bad_dates) for d in docs_raw),
        references=tuple(refs_raw),
        reference_ids=_reference_ids(row, refs_raw, where),
        query=_query(row, where),
        background=_background(row, where, bad_dates),
    )


def _background(row: dict[str, Any], where: str, bad_dates: list[str]) -> tuple[Document, ...]:
    raw = row.get("background")
    if raw is None:
        return ()
    if not isinstance(raw, list):
        raise DataError(f"{where}: 'background' must be a list of documents")
    return tuple(_document(d, where, bad_dates) for d in raw)


def split_by_date(example: Example, new_share: float) -> Example | None:
    """`example` as an update task: its latest `new_share` of documents (at least one) are new,
    the earlier ones the background the reader has read. None when a document has no date (the
    order is unknown) or there are fewer than two documents."""
    docs = example.documents
    if len(docs) < 2 or any(d.date is None for d in docs):
        return None
    # Stable: documents of the same date keep the data's order. Naive and aware dates compare as
    # timestamps (a naive one read as local time, as the service reads them).
    ordered = sorted(docs, key=lambda d: d.date.timestamp() if d.date else 0.0)
    new = min(len(docs) - 1, max(1, round(len(docs) * new_share)))
    return replace(example, documents=tuple(ordered[-new:]), background=tuple(ordered[:-new]))


def _query(row: dict[str, Any], where: str) -> str | None:
    """A row's `query` (a string), or its `topic`: a string, or DUC's {title, narrative} joined.

    Strict on purpose: a topic that is not text stops the run (a query quietly lost is a different
    task scored). The service's batch job reads the same layout leniently, leaving a row to the
    request schema (`service/distributed/rows.py`); the two are kept apart by the wall between
    the harness and what it measures, and to the same join by tests/distributed/test_rows.py.
    """
    raw = row.get("query", row.get("topic"))
    if raw is None:
        return None
    if isinstance(raw, dict):
        parts = [raw.get(k) for k in ("title", "narrative")]
        if not all(p is None or isinstance(p, str) for p in parts):
            raise DataError(f"{where}: topic title and narrative must be strings")
        raw = " ".join(p.strip() for p in parts if p and p.strip())
    if not isinstance(raw, str):
        raise DataError(f"{where}: 'query'/'topic' must be a string or an object with title and narrative")
    return raw.strip() or None


def json_rows(path: Path) -> Iterator[tuple[str, dict[str, Any]]]:
    """The objects of a JSONL file (gzipped when it ends .gz), each with where it stands
    ("file:line"); blank lines skipped.

    The first line that is not a JSON object stops the reading (`DataError`): the harness scores
    whole data sets. The service's batch job reads its JSONL with its own reader, which reports a
    bad line and goes on (`service/distributed/rows.py`).
    """
    opener = gzip.open if path.name.endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8") as f:
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
            yield where, row


def load_examples(
    path: Path, fmt: DataFormat = "native", fields: Fields | None = None, limit: int | None = None
) -> list[Example]:
    """Clusters from a JSONL file; ids must be unique (they key results and --resume).

    Document dates that `parse_date` does not understand are dropped, with one warning for the file.
    """
    fields = fields or DEFAULT_FIELDS[fmt]
    examples: list[Example] = []
    bad_dates: list[str] = []
    for where, row in json_rows(path):
        examples.append(_example(row, fmt, fields, where, bad_dates))
        if limit is not None and len(examples) >= limit:
            break
    if bad_dates:
        log.warning(
            "%s: %d document date(s) not understood, dropped (the documents are kept), e.g. %s",
            path.name,
            len(bad_dates),
            ", ".join(sorted(set(bad_dates))[:3]),
        )
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


def read_system_summaries(paths: Iterable[Path]) -> dict[str, dict[str, SystemSummary]]:
    """Other systems' summaries, `{system: {example id: SystemSummary}}`.

    Rows are `{cluster_id | id, system, summary, human?, reference_id?}`, as in DUC's SumRepo files
    (whose human rows are named `human_<assessor>`).
    """
    systems: dict[str, dict[str, SystemSummary]] = {}
    for path in paths:
        for where, row in json_rows(path):
            ex_id = row.get("cluster_id", row.get("id"))
            if ex_id is None or "system" not in row or not isinstance(row.get("summary"), str):
                raise DataError(f"{where}: needs cluster_id (or id), system and summary")
            human = row.get("human")
            if human is not None and not isinstance(human, bool):
                raise DataError(f"{where}: 'human' must be true or false")
            ref_id = row.get("reference_id")
            if ref_id is not None and not isinstance(ref_id, str):
                raise DataError(f"{where}: 'reference_id' must be a string")
            systems.setdefault(str(row["system"]), {})[str(ex_id)] = SystemSummary(
                summary=row["summary"], human=human, reference_id=ref_id
            )
    return systems


def load_system_outputs(paths: Iterable[Path]) -> dict[str, dict[str, str]]:
    """Other systems' summary texts, `{system: {example id: summary}}` (see `read_system_summaries`)."""
    return {
        name: {ex_id: row.summary for ex_id, row in per_id.items()}
        for name, per_id in read_system_summaries(paths).items()
    }
