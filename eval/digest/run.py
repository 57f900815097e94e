"""`python -m eval digest`: load the mixes, send each as one digest, score the stories, write them.

Each data file's clusters are mixed alone, and (given several) all together: every article once,
shuffled (`data.load_mix`). The mix goes to the service's `/v1/digest` as a user sends it (a
running service with `url`, else the app in this process). The grouping is scored with extended
B-cubed (`score.bcubed`). With `rouge`, each true cluster's recovered story (the one holding most
of its articles) has its summary scored against the cluster's references, beside the summary the
service gives for the true cluster alone (`/v1/summarize`, same options): the difference is what
grouping costs. Writes results.json (settings, hashes, commit, per mix) and stories.jsonl.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from pathlib import Path
from statistics import fmean
from typing import Any

from tqdm import tqdm

from eval.data import file_sha256
from eval.digest.data import Mix, load_mix, unique_documents
from eval.digest.score import bcubed, recovering
from eval.provenance import git_commit, versions
from eval.rouge import build_scorer
from eval.systems import SummarizeClient, api_article

log = logging.getLogger(__name__)

RESULTS = "results.json"
STORIES = "stories.jsonl"
# One convention for every data set: both summaries of a cluster are scored alike, so the
# difference is the grouping's, whatever the data set's usual length.
DEFAULT_ROUGE_OPTIONS = "-n 2 -m -a -l 100 -x"


@dataclass
class DigestConfig:
    data: list[Path]
    url: str | None = None  # None: the app in this process
    seed: int = 0
    max_words: int = 100
    num_facts: int = 5
    rouge: bool = True
    rouge_options: str = DEFAULT_ROUGE_OPTIONS
    timeout_s: float = 900.0
    out: Path | None = None


def _check(status: int, body: dict[str, Any], what: str) -> dict[str, Any]:
    if status != 200:
        raise RuntimeError(f"{what}: the service answered {status}: {json.dumps(body)[:500]}")
    return body


def run_digest(config: DigestConfig) -> dict[str, Any]:
    c = config
    mixes = [load_mix([p], c.seed) for p in c.data]
    if len(c.data) > 1:
        mixes.append(load_mix(list(c.data), c.seed))
    options = {"max_words": c.max_words, "num_facts": c.num_facts}
    scorer = build_scorer("1.5.5", c.rouge_options) if c.rouge else None
    alone: dict[str, float] = {}  # cluster -> R-2 of its summary alone (the same in every mix)
    report: list[dict[str, Any]] = []
    rows: list[dict[str, Any]] = []
    with SummarizeClient(c.url, timeout_s=c.timeout_s, retries=3) as client:
        system = client.describe()
        for mix in mixes:
            log.info("digest of %s: %d articles", mix.name, len(mix.items))
            reply = client.post(
                {"articles": [api_article(i.document) for i in mix.items], "options": options}, "/v1/digest"
            )
            body = _check(reply.status, reply.body, f"digest of {mix.name}")
            story_of = [-1] * len(mix.items)
            for s, story in enumerate(body["stories"]):
                for i in story["articles"]:
                    story_of[i] = s
            skipped = [s["article"] for s in body["skipped"]]
            kept = [i for i in range(len(mix.items)) if story_of[i] >= 0]
            score = bcubed([story_of[i] for i in kept], [mix.items[i].clusters for i in kept])
            entry: dict[str, Any] = {
                "mix": mix.name,
                "articles": len(mix.items),
                "skipped": skipped,
                "bcubed": score.__dict__,
                "timings_ms": body["timings_ms"],
                "wall_ms": round(reply.wall_ms, 1),
            }
            if scorer is not None:
                entry["rouge"] = _rouge(mix, body, story_of, scorer, client, options, alone)
            report.append(entry)
            for story in body["stories"]:
                rows.append(
                    {
                        "mix": mix.name,
                        "title": story["title"],
                        "articles": len(story["articles"]),
                        "clusters": sorted({c for i in story["articles"] for c in mix.items[i].clusters}),
                    }
                )
    results = {
        "settings": {
            "data": [str(p) for p in c.data],
            "dataset_sha256": {str(p): file_sha256(p) for p in c.data},
            "seed": c.seed,
            "options": options,
            "rouge_options": c.rouge_options if c.rouge else None,
            "system_under_test": system,
            "git_commit": git_commit(),
            "versions": versions(),
        },
        "mixes": report,
    }
    if c.out is not None:
        c.out.mkdir(parents=True, exist_ok=True)
        (c.out / RESULTS).write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
        with (c.out / STORIES).open("w", encoding="utf-8") as f:
            for row in rows:
                f.write(json.dumps(row) + "\n")
        log.info("wrote %s and %s in %s", RESULTS, STORIES, c.out)
    return results


def _rouge(
    mix: Mix,
    body: dict[str, Any],
    story_of: list[int],
    scorer: Any,
    client: SummarizeClient,
    options: dict[str, int],
    alone: dict[str, float],
) -> dict[str, Any]:
    """Mean ROUGE-2 recall of the recovered stories' summaries and of the true clusters' alone."""
    labelled = [(story_of[i], item.clusters) for i, item in enumerate(mix.items) if story_of[i] >= 0]
    found = recovering([s for s, _ in labelled], [cs for _, cs in labelled])
    mine, theirs = [], []
    for label in tqdm(sorted(found), desc=f"summaries alone ({mix.name})", unit="cluster", leave=False):
        example = mix.examples[label]
        if not example.references:
            continue
        if label not in alone:
            reply = client.post(
                {"articles": [api_article(d) for d in unique_documents(example)], "options": options}
            )
            summary = _check(reply.status, reply.body, f"summary of {label}")["summary"]
            alone[label] = scorer.score(summary, example.references)["ROUGE-2"]["R"]
        story = body["stories"][found[label]]
        mine.append(
            scorer.score(story["summary"], example.references)["ROUGE-2"]["R"] if story["summary"] else 0.0
        )
        theirs.append(alone[label])
    return {
        "clusters": len(mine),
        "story_r2": round(100 * fmean(mine), 2) if mine else None,
        "alone_r2": round(100 * fmean(theirs), 2) if theirs else None,
        "difference": round(100 * (fmean(mine) - fmean(theirs)), 2) if mine else None,
    }
