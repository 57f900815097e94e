"""The batch job's files: clusters in (JSONL, one a line), one JSON line per cluster out.

In: the evaluation data's layout, which is the service's batch input too: `{"id", "documents":
[str | {"text", "title"? | "headline"?, "date"? | "published"?}], "query"? | "topic"?,
"background"?: [...]}`, or the API's own `{"id", "articles": [ArticleIn...], "options"?}`. Other
fields (`references`, ...) are ignored. Each line becomes a `POST /v1/summarize` body, checked by
the API's request schema here, so a bad row is reported before it costs an actor anything.

Out: `{"id", "system", "summary", "key_facts", "conflicts"}`, the layout the harness reads with
`--systems` (`id` is its example id). The ids already in the output are the job's progress: a
rerun skips them.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from service.api import messages
from service.api.schemas import SummarizeRequest

log = logging.getLogger(__name__)

# A row's validation problems reported, at most.
MAX_PROBLEMS = 3


@dataclass(frozen=True)
class Row:
    """One cluster to summarize: its id and its request body (JSON text, as it travels)."""

    id: str
    body: str


@dataclass(frozen=True)
class BadRow:
    """A line that is not a cluster the API would take: where it stands and why."""

    where: str
    reason: str
    id: str | None = None


def as_article(raw: Any) -> Any:
    """A harness document as an API article: a string is its text; DUC's headline is a title."""
    if isinstance(raw, str):
        return {"text": raw}
    if not isinstance(raw, dict):
        return raw  # the request schema says what is wrong with it
    article = {k: raw[k] for k in ("text", "title", "id", "url") if raw.get(k) is not None}
    if "title" not in article and isinstance(raw.get("headline"), str):
        article["title"] = raw["headline"].strip()
    date = raw.get("published", raw.get("date"))
    if isinstance(date, str):
        # A date only orders the articles: one not in ISO 8601 is dropped, not the article.
        try:
            article["published"] = datetime.fromisoformat(date.strip()).isoformat()
        except ValueError:
            log.debug("dropped a date not in ISO 8601: %r", date)
    return article


def _query(row: dict[str, Any]) -> Any:
    """`query`, or `topic`: a string, or DUC 2006's {title, narrative} joined by a space.

    The harness reads the same layout with its own reader (`eval/data.py`, beyond the wall that
    keeps the service from importing its measure), and strictly: a topic it cannot read stops
    its run. Here a row is only made into a request body, and the request schema judges it: what
    is not a string, or is blank, comes back as a bad row; of a {title, narrative} topic, its
    parts that are text are joined. The join is the harness's, so a batch job's summaries answer
    the query its runs ask (tests/distributed/test_rows.py holds the two to it).
    """
    raw = row.get("query", row.get("topic"))
    if isinstance(raw, dict):
        texts = (raw.get("title"), raw.get("narrative"))
        raw = " ".join(t.strip() for t in texts if isinstance(t, str) and t.strip())
    return raw or None


def request_body(row: dict[str, Any], options: dict[str, int]) -> dict[str, Any]:
    """The `POST /v1/summarize` body for one input row (not yet validated).

    `options` (max_words, num_facts) are the job's; a row's own `options` win over them.
    """
    if "articles" in row:
        articles = row["articles"]
    else:
        documents = row.get("documents")
        articles = [as_article(d) for d in documents] if isinstance(documents, list) else documents
    body: dict[str, Any] = {"articles": articles, "options": {**options, **(row.get("options") or {})}}
    query = _query(row)
    if query is not None:
        body["query"] = query
    background = row.get("background")
    if isinstance(background, list):
        body["background"] = [as_article(d) for d in background]
    elif background is not None:
        body["background"] = background
    return body


def problems(exc: ValidationError) -> str:
    """A validation error in one line: its first few problems, each `loc: msg`."""
    errors = exc.errors()
    shown = [f"{d['loc'] or 'body'}: {d['msg']}" for d in messages.details(errors[:MAX_PROBLEMS])]
    more = f" (and {len(errors) - MAX_PROBLEMS} more)" if len(errors) > MAX_PROBLEMS else ""
    return "; ".join(shown) + more


def read_rows(path: Path, options: dict[str, int]) -> Iterator[Row | BadRow]:
    """Each line of `path` as a `Row`, or a `BadRow` saying why it is not one (blank lines skipped).

    A bad line is reported and the job goes on over the others, where the harness's reader of
    the same files (`eval/data.py`) stops at the first: a score over part of a data set is no
    score, a job of thousands of clusters is worth running without one broken line. A repeated
    id is a bad row: ids key the output and the resume.
    """
    seen: set[str] = set()
    with path.open(encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            if line.strip():
                yield _row(line, f"{path.name}:{n}", options, seen)


def _row(line: str, where: str, options: dict[str, int], seen: set[str]) -> Row | BadRow:
    """One line as a row, its id added to `seen`; or why it is none."""
    try:
        row = json.loads(line)
    except json.JSONDecodeError as exc:
        return BadRow(where, f"not JSON ({exc.msg})")
    if not isinstance(row, dict):
        return BadRow(where, "not a JSON object")
    raw_id = row.get("id")
    if not isinstance(raw_id, str | int) or isinstance(raw_id, bool) or str(raw_id) == "":
        return BadRow(where, "needs an 'id' (a string or an integer)")
    row_id = str(raw_id)
    if row_id in seen:
        return BadRow(where, f"id {row_id!r} was already used above", row_id)
    seen.add(row_id)
    if "articles" not in row and "documents" not in row:
        return BadRow(where, "needs 'documents' (or the API's 'articles')", row_id)
    try:
        request = SummarizeRequest.model_validate(request_body(row, options))
    except ValidationError as exc:
        return BadRow(where, problems(exc), row_id)
    return Row(row_id, request.model_dump_json(exclude_none=True))


def written_ids(path: Path) -> set[str]:
    """The ids an earlier run already wrote to `path` (none when it does not exist).

    A run killed mid-write can leave a torn last line: it is cut off here, so the file stays
    JSONL and that cluster runs again.
    """
    if not path.exists():
        return set()
    ids: set[str] = set()
    keep = 0  # bytes of whole, readable lines
    torn: int | None = None  # the line number of an unreadable line
    with path.open("rb") as f:
        for n, raw in enumerate(f, 1):
            if torn is not None:
                # Only the last line can be torn by an interrupted append; anything else was
                # written by something other than this job, and is not ours to cut.
                raise ValueError(f"{path}:{torn}: not a JSON object with an 'id'; is this a batch output?")
            try:
                row = json.loads(raw) if raw.endswith(b"\n") else None
            except ValueError:
                row = None
            if not isinstance(row, dict) or "id" not in row:
                torn = n
                continue
            ids.add(str(row["id"]))
            keep += len(raw)
    if torn is not None:
        size = path.stat().st_size
        log.warning("%s: cut its last %d bytes, a line torn by an interrupted write", path, size - keep)
        with path.open("r+b") as f:
            f.truncate(keep)
    return ids


def output_row(row_id: str, system: str, response: dict[str, Any]) -> dict[str, Any]:
    """One output line from the API's response body for the cluster."""
    return {
        "id": row_id,
        "system": system,
        "summary": response["summary"],
        "key_facts": response["key_facts"],
        "conflicts": response["conflicts"],
    }
