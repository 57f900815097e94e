"""A batch job on Ray Data: every cluster of a JSONL file summarized by a pool of engine actors.

This process (the driver) reads the input and checks each row (a bad row is reported and skipped,
never the job), leaves out the ids the output already holds (`plan`), and hands the rest to Ray
Data (`run`):
`from_items`, then `map_batches` through an actor pool whose actors each load one engine once
(`ClusterWorker`). Results stream back here and are appended to the output as they arrive, a line
per cluster, flushed per batch; so a job killed midway resumes where it stopped. An actor that dies
is restarted by Ray and its batch run again (Ray Data's defaults for actor pools), and this
process writes each id once, whatever comes back twice.

Input and output stay on the driver's machine: the nodes need no shared filesystem, only the
package (`pip install "newsdigest[ray]"`). The driver's `SUMMARIZER_*` variables configure the
engines on every node (`Job.env`, the job's runtime_env).
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import ray
import ray.data

from service.distributed.rows import BadRow, Row, output_row, read_rows, written_ids
from service.distributed.stories import StoryMeta, story_line, story_rows
from service.distributed.worker import ClusterWorker
from service.settings import Settings

log = logging.getLogger(__name__)

# How often progress is logged, at most (Ray Data's own progress bars show it too).
PROGRESS_EVERY_S = 5.0


@dataclass(frozen=True)
class Job:
    source: Path
    out: Path
    system: str
    # Request options every row gets unless it gives its own (max_words, num_facts).
    options: dict[str, int] = field(default_factory=dict)
    # A running cluster (`ray.init(address=...)`: "auto", or the head's "HOST:PORT"); None: a local one.
    address: str | None = None
    actors: int = 1
    batch_size: int = 8
    # Per actor.
    num_cpus: float = 1.0
    num_gpus: float = 0.0
    # SUMMARIZER_* variables for the engines, wherever the actors run (the job's runtime_env).
    env: dict[str, str] = field(default_factory=dict)
    # The source is a pile of articles to group into stories (`service.distributed.stories`).
    stories: bool = False


@dataclass
class Report:
    rows: int = 0  # readable rows of the input
    already: int = 0  # in the output before this run
    written: int = 0
    bad: list[BadRow] = field(default_factory=list)  # not cluster rows: never sent
    failed: list[tuple[str, str]] = field(default_factory=list)  # (id, error): sent, no summary
    stories: dict[str, StoryMeta] = field(default_factory=dict)  # a pile's: by row id

    @property
    def complete(self) -> bool:
        return not self.bad and not self.failed


def plan(job: Job, settings: Settings | None = None) -> tuple[list[Row], Report]:
    """The rows still to do, and the report so far (bad rows, rows already written).

    With `job.stories`, the rows are the pile's stories (read with `settings`' limits); what each
    story's line says of it beside its summary is in `report.stories`.
    """
    done = written_ids(job.out)
    report = Report()
    todo: list[Row] = []
    items: list[Row | BadRow]
    if job.stories:
        rows, report.stories, bad = story_rows(job.source, job.options, settings or Settings())
        items = [*bad, *rows]
    else:
        items = list(read_rows(job.source, job.options))
    for item in items:
        if isinstance(item, BadRow):
            report.bad.append(item)
            continue
        report.rows += 1
        if item.id in done:
            report.already += 1
        else:
            todo.append(item)
    return todo, report


def run(job: Job, todo: list[Row], report: Report) -> None:
    """Summarize `todo` (from `plan`) on Ray and append the results; `report` gains what was
    written and what failed."""
    log.info(
        "%s: %d " + ("stories" if job.stories else "clusters") + ", %d already in %s, %d to do, %d bad rows",
        job.source,
        report.rows,
        report.already,
        job.out,
        len(todo),
        len(report.bad),
    )
    if not todo:
        return
    ray.init(
        address=job.address,
        include_dashboard=False if job.address is None else None,
        runtime_env={"env_vars": job.env},
        logging_level=logging.WARNING,
    )
    try:
        ds = ray.data.from_items([{"id": r.id, "body": r.body} for r in todo]).map_batches(
            ClusterWorker,
            batch_size=job.batch_size,
            batch_format="numpy",
            compute=ray.data.ActorPoolStrategy(size=job.actors),
            num_cpus=job.num_cpus,
            num_gpus=job.num_gpus,
        )
        _write(ds.iter_batches(batch_size=None, batch_format="numpy"), job, len(todo), report)
    finally:
        ray.shutdown()


def _write(batches: Iterable[dict[str, Any]], job: Job, total: int, report: Report) -> None:
    """Append each result to the output as it comes, each id once; failures go to the report."""
    seen: set[str] = set()
    last = time.monotonic()
    job.out.parent.mkdir(parents=True, exist_ok=True)
    with job.out.open("a", encoding="utf-8") as f:
        for batch in batches:
            for row_id, result, error in zip(batch["id"], batch["result"], batch["error"], strict=True):
                row_id = str(row_id)
                if row_id in seen:
                    continue  # a batch that ran twice (its actor died after answering)
                seen.add(row_id)
                if error:
                    report.failed.append((row_id, str(error)))
                else:
                    response = json.loads(str(result))
                    meta = report.stories.get(row_id)
                    line = (
                        story_line(row_id, job.system, response, meta)
                        if meta is not None
                        else output_row(row_id, job.system, response)
                    )
                    f.write(json.dumps(line, ensure_ascii=False) + "\n")
                    report.written += 1
            f.flush()
            if time.monotonic() - last >= PROGRESS_EVERY_S:
                last = time.monotonic()
                log.info("%d of %d clusters written, %d failed", report.written, total, len(report.failed))
