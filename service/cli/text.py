"""The response for a reader: summary, numbered key facts with their sources, conflicts, updates.

A source is `[article:sentence]`, counted from 1 as on the page (the JSON's `article` and
`sentence` count from 0: `[1:2]` is its article 0, sentence 1); `b` goes before a background
article's number, and the list of articles at the end says which file or id each number is.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from datetime import datetime, time
from typing import Any

from service.api.schemas import ClaimOut, Source, SummarizeResponse


def write_json(answer: dict[str, Any]) -> None:
    """The API's JSON on stdout: UTF-8 whatever the terminal's encoding, written as bytes, as the
    API sends it."""
    sys.stdout.flush()
    sys.stdout.buffer.write(json.dumps(answer, ensure_ascii=False, indent=2).encode("utf-8") + b"\n")
    sys.stdout.flush()


def labels(body: Any, group: str) -> list[str]:
    """How the request names each article of `group` (`articles`, `background`): id, title, both."""
    items = body.get(group) if isinstance(body, dict) else None
    found = []
    for a in items if isinstance(items, list) else []:
        parts = [a.get(k) for k in ("id", "title")] if isinstance(a, dict) else []
        found.append(" - ".join(dict.fromkeys(p for p in parts if isinstance(p, str) and p)))
    return found


def render(response: SummarizeResponse, articles: Sequence[str] = (), background: Sequence[str] = ()) -> str:
    """The response as plain text; `articles` and `background` name the request's articles."""
    out: list[str] = []
    if response.query:
        out += [f"Query: {response.query}", ""]
    out += ["Summary", response.summary]
    if response.key_facts:
        out += ["", "Key facts"]
        width = len(str(len(response.key_facts)))
        for n, fact in enumerate(response.key_facts, 1):
            out.append(f"{n:>{width}}. {fact.text} {_sources(fact.sources)} (support {fact.support})")
    for title, items in (
        ("Conflicts (the articles disagree; no version is picked)", response.conflicts),
        ("Updates (the figure changed over time; newest first)", response.updates),
    ):
        if items:
            out += ["", title]
            for item in items:
                out.append(f"- {item.subject}")
                out += [_claim(c) for c in item.claims]
    out += ["", *_footer(response, articles, background)]
    return "\n".join(out) + "\n"


def _sources(sources: Sequence[Source]) -> str:
    return " ".join(f"[{'b' if s.background else ''}{s.article + 1}:{s.sentence + 1}]" for s in sources)


def _claim(claim: ClaimOut) -> str:
    when = f", {_date(claim.published)}" if claim.published else ""
    return f"    {claim.value}{when}: {claim.text} {_sources(claim.sources)} (support {claim.support})"


def _date(d: datetime) -> str:
    return d.date().isoformat() if d.time() == time(0) and d.tzinfo is None else d.isoformat()


def _footer(response: SummarizeResponse, articles: Sequence[str], background: Sequence[str]) -> list[str]:
    lines = []
    named = [f"[{i}] {name}" for i, name in enumerate(articles, 1) if name]
    if named:
        lines.append("Articles: " + ", ".join(named))
    named = [f"[b{i}] {name}" for i, name in enumerate(background, 1) if name]
    if named:
        lines.append("Background: " + ", ".join(named))
    inp = response.input
    for page in inp.pages:
        which = f"[{'b' if page.background else ''}{page.article + 1}]"
        lines.append(
            f"{which} read from an HTML page by {page.extractor}: {page.article_chars:,} characters of"
            f" article in {page.markup_chars:,} of page" + (f", titled {page.title!r}" if page.title else "")
        )
    read = f"read {inp.used} of {inp.total} {inp.unit}"
    if inp.budget is not None:
        read += f" (budget {inp.budget})"
    if inp.left_out:
        read += "; nothing read of " + ", ".join(f"[{i + 1}]" for i in inp.left_out)
    engine = f"{response.engine} engine" + (f" ({response.model})" if response.model else "")
    total = response.timings_ms.get("total")
    lines.append("; ".join([engine, read, *([f"{total:.0f} ms"] if total is not None else [])]))
    return lines
