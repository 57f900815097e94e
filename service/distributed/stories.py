"""A day's pile for the batch job: one article a line in, one story a line out (`batch --stories`).

The driver reads every article (a bad line, or an article that cannot be read, is reported and
skipped), groups them as a digest does (`service.stories.grouping`, here on the driver: a few
seconds for a thousand articles), and each story becomes one row for the actor pool: the
`POST /v1/summarize` body of its articles, in ascending order (a story over one request's limits:
its most central articles, as the digest does). A story's id is `story-` and its central article's
content hash, so a rerun over the same pile finds the same ids and resumes.

In: each non-blank line an article: the API's (`{"text", "title"?, "published"?, "id"?, ...}`),
or the evaluation data's document (a string, or `{"text", "headline"?, "date"?}`). An article's
index is its place among the file's non-blank lines, from 0.
Out: `{"id", "system", "title", "articles", "summarized", "published": {"first", "last"},
"summary", "key_facts", "conflicts"}`, `articles` and every source's `article` indexing the pile.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from service.api.digest import published_span, read_each, story_order, summarized, title
from service.api.schemas import ArticleIn, SummarizeRequest
from service.distributed.rows import BadRow, Row, as_article, problems
from service.domain import Article
from service.settings import Settings
from service.stories.grouping import group


@dataclass(frozen=True)
class StoryMeta:
    """What a story's output line says of it beside its summary."""

    articles: list[int]  # pile indices
    summarized: list[int]  # the pile indices its row sends, in the row's order
    title: str
    published: dict[str, str | None]


def read_pile(
    path: Path, settings: Settings
) -> tuple[list[int], list[ArticleIn], list[Article], list[BadRow]]:
    """The pile's readable articles: their indices, as sent, as read; and the lines that are not,
    in the file's order."""
    lines = [
        (n, line) for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if line.strip()
    ]
    bad: dict[int, BadRow] = {}
    parsed: list[tuple[int, ArticleIn]] = []
    for index, (n, line) in enumerate(lines):
        try:
            parsed.append((index, ArticleIn.model_validate(as_article(json.loads(line)))))
        except json.JSONDecodeError as exc:
            bad[index] = BadRow(f"{path.name}:{n}", f"not JSON ({exc.msg})")
        except ValidationError as exc:
            bad[index] = BadRow(f"{path.name}:{n}", problems(exc))
    indices: list[int] = []
    sent: list[ArticleIn] = []
    read: list[Article] = []
    for (index, article), got in zip(parsed, read_each(parsed, settings), strict=True):
        if isinstance(got, Article):
            indices.append(index)
            sent.append(article)
            read.append(got)
        else:
            bad[index] = BadRow(f"{path.name}:{lines[index][0]}", f"{got.code}: {got.message}")
    return indices, sent, read, [bad[i] for i in sorted(bad)]


def story_rows(
    path: Path, options: dict[str, int], settings: Settings
) -> tuple[list[Row], dict[str, StoryMeta], list[BadRow]]:
    """One row per story of the pile at `path`, what each story's line says of it, the bad lines."""
    indices, sent, read, bad = read_pile(path, settings)
    stories = sorted(group(read), key=lambda s: story_order(s, read))
    rows: list[Row] = []
    metas: dict[str, StoryMeta] = {}
    for story in stories:
        central = read[story.central]
        story_id = "story-" + hashlib.sha1(f"{central.title}\x00{central.text}".encode()).hexdigest()[:16]
        chosen = summarized(story, read, settings)
        members = [sent[i].model_dump(mode="json", exclude_none=True) for i in chosen]
        body = SummarizeRequest.model_validate({"articles": members, "options": options})
        first, last = published_span([read[i] for i in story.articles])
        metas[story_id] = StoryMeta(
            articles=[indices[i] for i in story.articles],
            summarized=[indices[i] for i in chosen],
            title=title(central),
            published={
                "first": first.isoformat() if first else None,
                "last": last.isoformat() if last else None,
            },
        )
        rows.append(Row(story_id, body.model_dump_json(exclude_none=True)))
    return rows, metas, bad


def story_line(row_id: str, system: str, response: dict[str, Any], meta: StoryMeta) -> dict[str, Any]:
    """One output line for a story: its summary, facts and conflicts, sources indexing the pile."""

    def fix(sources: list[dict[str, Any]]) -> None:
        for s in sources:
            if not s.get("background"):
                s["article"] = meta.summarized[s["article"]]

    for fact in response["key_facts"]:
        fix(fact["sources"])
    for conflict in response["conflicts"]:
        for claim in conflict["claims"]:
            fix(claim["sources"])
    return {
        "id": row_id,
        "system": system,
        "title": meta.title,
        "articles": meta.articles,
        "summarized": meta.summarized,
        "published": meta.published,
        "summary": response["summary"],
        "key_facts": response["key_facts"],
        "conflicts": response["conflicts"],
    }
