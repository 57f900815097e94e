"""`python -m eval pages`: load the pages, send each to the service, score the answers, write them.

Each page goes as one article whose `text` is the raw HTML, with the service's default options
unless `max_words` / `num_facts` are given. The run writes, to `out`: results.json (the aggregate,
with the data's hash, the system's settings, the git commit and versions), pages.jsonl (one line a
page) and failures.jsonl (each sentence not found in its page's article, with its best share).
"""

from __future__ import annotations

import json
import logging
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tqdm import tqdm

from eval.data import file_sha256
from eval.pages.data import Page, load_pages
from eval.pages.score import SHARE_DEN, SHARE_NUM, PageScore, aggregate, failures, score_page
from eval.provenance import git_commit, versions
from eval.systems import SummarizeClient

log = logging.getLogger(__name__)

RESULTS = "results.json"
PAGES = "pages.jsonl"
FAILURES = "failures.jsonl"


@dataclass
class PagesConfig:
    data: Path
    url: str | None = None  # None: the app in this process
    max_words: int | None = None  # None: the service's default
    num_facts: int | None = None
    out: Path | None = None
    limit: int | None = None
    timeout_s: float = 300.0


def request_body(page: Page, max_words: int | None = None, num_facts: int | None = None) -> dict[str, Any]:
    """The request a user sends for one page: its raw HTML as one article's text."""
    options = {k: v for k, v in (("max_words", max_words), ("num_facts", num_facts)) if v is not None}
    return {"articles": [{"text": page.html}], **({"options": options} if options else {})}


def run_pages(config: PagesConfig) -> dict[str, Any]:
    """Every page through the service, one request at a time; the aggregate (and files in `out`)."""
    c = config
    pages = load_pages(c.data, c.limit)
    scores: list[PageScore] = []
    t0 = time.perf_counter()
    with SummarizeClient(c.url, timeout_s=c.timeout_s) as client:
        system = client.describe()
        for page in tqdm(pages, desc="pages", unit="page"):
            reply = client.post(request_body(page, c.max_words, c.num_facts))
            score = score_page(page, reply.status, reply.body, reply.wall_ms)
            if score.error:
                log.debug("page %s refused: %s", page.id, score.error)
            scores.append(score)
    elapsed = time.perf_counter() - t0
    results = {
        **aggregate(scores),
        "settings": {
            "data": str(c.data),
            "dataset_sha256": file_sha256(c.data),
            "limit": c.limit,
            "system_under_test": system,
            "max_words": c.max_words,
            "num_facts": c.num_facts,
            "rule": {"share": SHARE_NUM / SHARE_DEN, "window": "max(2n, n + 10) tokens"},
            "seconds": round(elapsed, 3),
            "git_commit": git_commit(),
            "versions": versions(),
        },
    }
    if c.out is not None:
        write(c.out, results, scores)
    return results


def write(out: Path, results: dict[str, Any], scores: list[PageScore]) -> None:
    out.mkdir(parents=True, exist_ok=True)
    (out / RESULTS).write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    with (out / PAGES).open("w", encoding="utf-8") as f:
        for s in scores:
            f.write(json.dumps(s.row(), ensure_ascii=False) + "\n")
    with (out / FAILURES).open("w", encoding="utf-8") as f:
        for row in failures(scores):
            f.write(json.dumps(row, ensure_ascii=False) + "\n")
    log.info("wrote %s, %s and %s in %s", RESULTS, PAGES, FAILURES, out)
