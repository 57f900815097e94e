"""`python -m eval languages`: build the texts (or load the pages), send each to the service, score
the answers, write them.

Each text (or page) goes as ONE article over the service's HTTP API only (`POST /v1/summarize`,
`{"articles": [{"text": ...}], "options": {"max_words": ..., "num_facts": ...}}`), to a running
service (`url`) or to the app built in this process. The run writes, to `out`: results.json (the
figures, with the data's sha256, the options, the system, the git commit and versions) and
texts.jsonl (treebank mode) or pages.jsonl (pages mode), one line a text or page with what the
system said.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tqdm import tqdm

from eval.data import DataError, file_sha256
from eval.languages.data import Text, build_texts, load_documents, treebank_files
from eval.languages.detect import DETECT_CHARS, Detector
from eval.languages.pages import FACTS_FROM_ARTICLE, PageScore, aggregate_pages, score_page
from eval.languages.score import (
    BUDGET_TARGET,
    FACTS_TARGET,
    TextScore,
    aggregate,
    score_text,
)
from eval.pages.data import load_pages
from eval.provenance import PACKAGES, git_commit, versions
from eval.systems import SummarizeClient

log = logging.getLogger(__name__)

RESULTS = "results.json"
TEXTS = "texts.jsonl"
PAGES = "pages.jsonl"
DEFAULT_TEXTS = 25
DEFAULT_SENTENCES = 8
DEFAULT_MAX_WORDS = 30
DEFAULT_NUM_FACTS = 5
# What the checker's own counts and detection ran on.
LANGUAGE_PACKAGES = (*PACKAGES, "jieba", "janome", "lingua-language-detector", "pysbd")


@dataclass
class LanguagesConfig:
    ud: Path | None = None  # treebank mode: a folder of <lang>_<treebank>-dev.jsonl.gz files
    pages: Sequence[Path] = ()  # pages mode: page files (eval pages' layouts)
    langs: Sequence[str] | None = None  # treebank mode: these languages (default: every file's)
    texts: int = DEFAULT_TEXTS
    sentences: int = DEFAULT_SENTENCES
    max_words: int = DEFAULT_MAX_WORDS
    num_facts: int = DEFAULT_NUM_FACTS
    url: str | None = None  # None: the app in this process
    out: Path | None = None
    limit: int | None = None  # pages mode: only the first N pages of each file
    detect_among: Sequence[str] | None = None  # pages mode: lingua's languages (None: all it knows)
    timeout_s: float = 300.0


def request_body(text: str, max_words: int, num_facts: int) -> dict[str, Any]:
    """The request a user sends for one text (or one page's raw HTML): one article."""
    return {"articles": [{"text": text}], "options": {"max_words": max_words, "num_facts": num_facts}}


def load_texts(config: LanguagesConfig) -> tuple[dict[str, list[Text]], dict[str, Path]]:
    """The texts of each language asked, and the file each came from."""
    if config.ud is None:
        raise ValueError("treebank mode needs a folder (--ud)")
    files = treebank_files(config.ud)
    langs = list(config.langs) if config.langs else list(files)
    missing = [lang for lang in langs if lang not in files]
    if missing:
        raise DataError(f"{config.ud}: no treebank file for {', '.join(missing)} (has {', '.join(files)})")
    texts: dict[str, list[Text]] = {}
    for lang in langs:
        texts[lang] = build_texts(load_documents(files[lang], lang), lang, config.texts, config.sentences)
        if len(texts[lang]) < config.texts:
            log.warning(
                "%s: only %d texts of %d sentences (asked %d)",
                files[lang].name,
                len(texts[lang]),
                config.sentences,
                config.texts,
            )
        if not texts[lang]:
            raise DataError(f"{files[lang]}: no text of {config.sentences} sentences")
    return texts, {lang: files[lang] for lang in langs}


def _settings(
    c: LanguagesConfig, data: dict[str, Any], system: dict[str, Any], seconds: float
) -> dict[str, Any]:
    return {
        "data": data,
        "max_words": c.max_words,
        "num_facts": c.num_facts,
        "system_under_test": system,
        "seconds": round(seconds, 3),
        "git_commit": git_commit(),
        "versions": versions(LANGUAGE_PACKAGES),
    }


def run_languages(config: LanguagesConfig) -> dict[str, Any]:
    """Every treebank text through the service, one request at a time; the figures per language."""
    c = config
    texts, files = load_texts(c)
    scores: list[TextScore] = []
    t0 = time.perf_counter()
    with SummarizeClient(c.url, timeout_s=c.timeout_s) as client:
        system = client.describe()
        for lang, batch in texts.items():
            for text in tqdm(batch, desc=lang, unit="text"):
                reply = client.post(request_body(text.text, c.max_words, c.num_facts))
                score = score_text(text, reply.status, reply.body, c.max_words)
                if score.error:
                    log.debug("%s %s refused: %s", lang, text.id, score.error)
                scores.append(score)
    data = {
        "mode": "treebank",
        "ud": str(c.ud),
        "files": {lang: {"path": str(p), "sha256": file_sha256(p)} for lang, p in files.items()},
        "texts": c.texts,
        "sentences": c.sentences,
        "texts_built": {lang: len(batch) for lang, batch in texts.items()},
    }
    results = {
        "by_language": {lang: aggregate([s for s in scores if s.lang == lang]) for lang in texts},
        "targets": {
            "with_facts_share": FACTS_TARGET,
            "within_budget_share": BUDGET_TARGET,
            "budget_slack": "summary words <= 1.1 x max_words (checker's own count)",
        },
        "settings": _settings(c, data, system, time.perf_counter() - t0),
    }
    if c.out is not None:
        _write(c.out, results, TEXTS, [s.row() for s in scores])
    return results


def run_language_pages(config: LanguagesConfig) -> dict[str, Any]:
    """Every page of every file through the service; summary language and facts, by language."""
    c = config
    if not c.pages:
        raise ValueError("pages mode needs page files (--pages)")
    loaded = {path: load_pages(path, c.limit) for path in c.pages}
    detector = Detector(c.detect_among)
    scores: list[PageScore] = []
    t0 = time.perf_counter()
    with SummarizeClient(c.url, timeout_s=c.timeout_s) as client:
        system = client.describe()
        for path, pages in loaded.items():
            for page in tqdm(pages, desc=path.name, unit="page"):
                reply = client.post(request_body(page.html, c.max_words, c.num_facts))
                scores.append(score_page(path.name, page, reply.status, reply.body, detector))
    data = {
        "mode": "pages",
        "files": {
            p.name: {"path": str(p), "sha256": file_sha256(p), "pages": len(v)} for p, v in loaded.items()
        },
        "limit": c.limit,
        "detect_among": list(c.detect_among) if c.detect_among else "all lingua's languages",
    }
    results = {
        "all": aggregate_pages(scores),
        "by_file": {p.name: aggregate_pages([s for s in scores if s.file == p.name]) for p in loaded},
        "targets": {
            "summary_in_language": "every page",
            "facts_from_article": FACTS_FROM_ARTICLE,
            "detect_chars": DETECT_CHARS,
        },
        "settings": _settings(c, data, system, time.perf_counter() - t0),
    }
    if c.out is not None:
        _write(c.out, results, PAGES, [s.row() for s in scores])
    return results


def _write(out: Path, results: dict[str, Any], name: str, rows: Sequence[dict[str, Any]]) -> None:
    out.mkdir(parents=True, exist_ok=True)
    (out / RESULTS).write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    with (out / name).open("w", encoding="utf-8") as f:
        for row in rows:
            f.write(json.dumps(row, ensure_ascii=False) + "\n")
    log.info("wrote %s and %s in %s", RESULTS, name, out)
