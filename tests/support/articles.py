"""The project-written article clusters in tests/data."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

from service.domain import Article, Cluster, Options

DATA = Path(__file__).resolve().parents[1] / "data"


def load_cluster(name: str = "ferry_strike") -> list[dict[str, Any]]:
    """The articles of tests/data/<name>.json."""
    articles: list[dict[str, Any]] = json.loads((DATA / f"{name}.json").read_text())["articles"]
    return articles


# The evaluation data beside the project (licensed for evaluation only: read, never copied).
SHARED = Path(__file__).resolve().parents[2].parent / "shared"


def to_cluster(articles: list[dict[str, Any]], max_words: int = 60, num_facts: int = 4) -> Cluster:
    """A request's worth of work from fixture articles, as the routes build it."""
    return Cluster(
        articles=tuple(
            Article(
                text=a["text"],
                title=a.get("title"),
                id=a.get("id"),
                published=datetime.fromisoformat(a["published"]) if a.get("published") else None,
            )
            for a in articles
        ),
        options=Options(max_words=max_words, num_facts=num_facts),
    )
