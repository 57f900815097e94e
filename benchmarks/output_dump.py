"""Every answer of the default app to a fixed set of requests, for checking that a change keeps
the output byte for byte (a restructure) or seeing exactly what it changed (a fix).

    PYTHONHASHSEED=0 python -m benchmarks.output_dump --out /tmp/before.jsonl
    ... change the code ...
    PYTHONHASHSEED=0 python -m benchmarks.output_dump --out /tmp/after.jsonl
    cmp /tmp/before.jsonl /tmp/after.jsonl

The requests: DUC 2004 (50 clusters, 100 words), DUC 2006 with its queries (50 topics, 250
words), DUC 2006 as update requests (the later half of each topic's dated articles against the
earlier half as background), DUC 2006 at a tiny budget (10 words), 40 CNN/DM articles, and
project-written adversarial texts (look-alike letters, no punctuation, markup, datelines), with
and without a query. Each is posted through the app in this process (the real routes, limits
and embedded engine); each line of the dump is one answer with its timings and request id taken
out, so two runs of the same code give the same file.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
import time
from collections.abc import Iterator
from contextlib import suppress
from datetime import date
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

from service.api.app import create_app
from service.settings import Settings

log = logging.getLogger(__name__)

SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "data"
ADVERSARIAL = [
    "Ｔｈｅ ｃｏｕｎｃｉｌ voted 12 to 3 on Monday. Тhe mayor (Cyrillic T) said the vote was final.",
    "no punctuation at all just words about a ferry strike that halted crossings for 340 workers "
    "on monday and the union said talks would resume on wednesday with the company",
    "<p>The <b>bridge</b> closed on Monday &amp; reopened on Friday.</p><p>About 18,000 cars cross it.</p>",
    "WASHINGTON (AP) -- The Senate voted 51-49 on Tuesday. _ Officials said 3 people were hurt.",
    "LONDON, Oct. 5 (Reuters) - Shares fell 2.5% on Monday. By JANE DOE Markets closed lower.",
    "Toll 12 at 3. Toll 14 at 5. Toll 19 at 7. " * 20,
]


def _rows(path: Path) -> Iterator[dict[str, Any]]:
    with path.open(encoding="utf-8") as f:
        for line in f:
            if line.strip():
                yield json.loads(line)


def _duc2006_articles(docs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out = []
    for d in docs:
        article: dict[str, Any] = {"text": d["text"], "id": d["docno"]}
        if d.get("headline"):
            article["title"] = d["headline"][:1000]
        with suppress(ValueError):  # the ISO ones (a few are year-day-month, some MM/DD/YYYY): not those
            article["published"] = date.fromisoformat(str(d.get("date") or "")[:10]).isoformat()
        out.append(article)
    return out


def requests(shared: Path) -> Iterator[tuple[str, dict[str, Any]]]:
    """(name, request body) for every request of the dump, in a fixed order."""
    for row in _rows(shared / "duc2004" / "duc2004_task2.jsonl"):
        yield f"duc2004/{row['id']}", {"articles": [{"text": t} for t in row["documents"]]}
    for row in _rows(shared / "duc2006" / "duc2006.jsonl"):
        articles = _duc2006_articles(row["documents"])
        query = f"{row['topic']['title']}. {row['topic']['narrative']}"[:1000]
        yield (
            f"duc2006-query/{row['id']}",
            {"articles": articles, "query": query, "options": {"max_words": 250}},
        )
        dated = sorted((a for a in articles if "published" in a), key=lambda a: a["published"])
        half = len(dated) // 2
        if half:
            yield f"duc2006-update/{row['id']}", {"articles": dated[half:], "background": dated[:half]}
        yield (
            f"duc2006-tiny/{row['id']}",
            {"articles": articles, "options": {"max_words": 10, "num_facts": 2}},
        )
    for i, row in enumerate(_rows(shared / "cnndm" / "frank_cnndm250.jsonl")):
        if i >= 40:
            break
        yield f"cnndm/{row['id']}", {"articles": [{"text": t} for t in row["documents"]]}
    for i, text in enumerate(ADVERSARIAL):
        yield f"adversarial/{i}", {"articles": [{"text": text}, {"text": text.upper()}]}
        yield f"adversarial-query/{i}", {"articles": [{"text": text}], "query": "What did officials say?"}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.output_dump", description=__doc__)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--shared", type=Path, default=SHARED, help="the evaluation data (../shared/data)")
    args = parser.parse_args(argv)
    if not args.shared.is_dir():
        sys.stderr.write(f"no evaluation data at {args.shared}\n")
        return 2
    n = 0
    with TestClient(create_app(Settings())) as client, args.out.open("w", encoding="utf-8") as out:
        while client.get("/readyz").status_code != 200:
            time.sleep(0.01)
        for name, body in requests(args.shared):
            r = client.post("/v1/summarize", json=body)
            answer = r.json()
            if isinstance(answer, dict):
                answer.pop("timings_ms", None)
            line = {"request": name, "status": r.status_code, "answer": answer}
            out.write(json.dumps(line, ensure_ascii=False, sort_keys=True) + "\n")
            n += 1
    sys.stdout.write(f"{n} answers in {args.out}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
