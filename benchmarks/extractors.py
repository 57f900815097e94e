"""Which main-content extractor? Each candidate on the three page sets of ../shared, in one run.

    python -m benchmarks.extractors [--data-dir ../shared/data/webpages] [--limit N] [--out FILE.json]

For every page the candidate gets the raw HTML and returns text; that text is scored against the
page's ground truth (as `python -m eval pages` reads it: `article_body`, the visible text of
`expected_article_html`, or `expected_text`) by bag-of-words overlap, the measure of the usual
article-extraction benchmarks: with both sides as token multisets (`eval.pages.text.tokens`: case
folded, punctuation dropped, one token per character in scripts without spaces), precision =
shared / extracted, recall = shared / truth, F1 their harmonic mean, per page, then the mean over
the pages. A page where the candidate returns nothing (or raises) scores 0 on all three and counts
in "empty" ("errors" counts the raises). Time is the wall time of the candidate's call on one page
(its own parsing included; readability's HTML output read to text by `eval.pages.text` too), after
one untimed call on the set's first page.

Candidates: trafilatura (default settings, favor_precision, favor_recall), readability-lxml,
resiliparse (`extract_plain_text(main_content=True)`), jusText (English stoplist, and its
language-independent mode: no stoplist), and the page's visible text with no extraction
(everything outside script, style, noscript, template and title). A candidate whose package is
not installed is reported as such and skipped. The packages: `pip install trafilatura
readability-lxml resiliparse jusText` (install them one by one: pip's resolver trips on their
differing `lxml[html_clean]` extras when given together).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import logging
import sys
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from benchmarks.stats import percentile
from eval.pages.data import Page, load_pages
from eval.pages.text import tokens, visible_text
from eval.provenance import versions

log = logging.getLogger(__name__)

ROOT = Path(__file__).resolve().parents[1]
DATA_DIR = ROOT.parent / "shared" / "data" / "webpages"
SETS = ("news_pages_dev", "readability_pages", "newspaper4k_pages")
PACKAGES = ("trafilatura", "readability-lxml", "resiliparse", "jusText", "lxml")

Extractor = Callable[[str], str]


def _trafilatura(favor_precision: bool = False, favor_recall: bool = False) -> Extractor:
    import trafilatura

    def extract(html: str) -> str:
        found = trafilatura.extract(html, favor_precision=favor_precision, favor_recall=favor_recall)
        return found or ""

    return extract


def _readability() -> Extractor:
    from readability import Document

    def extract(html: str) -> str:
        return visible_text(Document(html).summary(html_partial=True))

    return extract


def _resiliparse() -> Extractor:
    from resiliparse.extract.html2text import extract_plain_text

    def extract(html: str) -> str:
        return str(extract_plain_text(html, main_content=True))

    return extract


def _justext(stoplist: str | None) -> Extractor:
    import justext

    words = justext.get_stoplist(stoplist) if stoplist else frozenset()
    # No stoplist: jusText's language-independent mode, as its command line sets it.
    limits = {} if stoplist else {"stopwords_low": 0, "stopwords_high": 0}

    def extract(html: str) -> str:
        paragraphs = justext.justext(html, words, **limits)
        return "\n".join(p.text for p in paragraphs if not p.is_boilerplate)

    return extract


def _visible() -> Extractor:
    return visible_text


# Name -> a factory (imports its package when called).
CANDIDATES: dict[str, Callable[[], Extractor]] = {
    "trafilatura": lambda: _trafilatura(),
    "trafilatura precision": lambda: _trafilatura(favor_precision=True),
    "trafilatura recall": lambda: _trafilatura(favor_recall=True),
    "readability-lxml": _readability,
    "resiliparse": _resiliparse,
    "jusText (English)": lambda: _justext("English"),
    "jusText (no stoplist)": lambda: _justext(None),
    "visible text": _visible,
}


def bag_of_words(extracted: Sequence[str], truth: Sequence[str]) -> tuple[float, float, float]:
    """Precision, recall and F1 of `extracted` tokens against `truth` tokens, as multisets.
    Nothing extracted: all three 0. (No truth: recall is 0, as nothing can be recalled.)"""
    shared = sum((Counter(extracted) & Counter(truth)).values())
    p = shared / len(extracted) if extracted else 0.0
    r = shared / len(truth) if truth else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


@dataclass
class Tally:
    """One candidate on one page set."""

    precision: list[float] = field(default_factory=list)
    recall: list[float] = field(default_factory=list)
    f1: list[float] = field(default_factory=list)
    ms: list[float] = field(default_factory=list)
    empty: int = 0
    errors: int = 0

    def __add__(self, other: Tally) -> Tally:
        return Tally(
            precision=self.precision + other.precision,
            recall=self.recall + other.recall,
            f1=self.f1 + other.f1,
            ms=self.ms + other.ms,
            empty=self.empty + other.empty,
            errors=self.errors + other.errors,
        )

    def summary(self) -> dict[str, Any]:
        n = len(self.f1)
        return {
            "pages": n,
            "precision": round(sum(self.precision) / n, 4),
            "recall": round(sum(self.recall) / n, 4),
            "f1": round(sum(self.f1) / n, 4),
            "f1_under_0.5": round(sum(f < 0.5 for f in self.f1) / n, 4),
            "empty": round(self.empty / n, 4),
            "errors": self.errors,
            "ms": {q: round(percentile(self.ms, v), 1) for q, v in (("p50", 50), ("p90", 90), ("max", 100))},
        }


def score(extract: Extractor, pages: Sequence[Page]) -> Tally:
    tally = Tally()
    # One untimed call first: lazy imports and caches are no page's time (a failure counts below).
    with contextlib.suppress(Exception):
        extract(pages[0].html)
    for page in pages:
        t0 = time.perf_counter()
        try:
            text = extract(page.html)
        except Exception as exc:  # a candidate that fails on a page returns nothing for it
            log.debug("page %s: %s: %s", page.id, type(exc).__name__, exc)
            text = ""
            tally.errors += 1
        tally.ms.append((time.perf_counter() - t0) * 1e3)
        got = tokens(text)
        tally.empty += not got
        p, r, f = bag_of_words(got, tokens(page.truth))
        tally.precision.append(p)
        tally.recall.append(r)
        tally.f1.append(f)
    return tally


def available(names: Sequence[str]) -> tuple[dict[str, Extractor], dict[str, str]]:
    """The candidates that load, and why the others do not."""
    ready: dict[str, Extractor] = {}
    missing: dict[str, str] = {}
    for name in names:
        try:
            ready[name] = CANDIDATES[name]()
        except ImportError as exc:
            missing[name] = f"not installed ({exc})"
    return ready, missing


def table(set_name: str, pages: int, rows: dict[str, dict[str, Any]]) -> str:
    """One page set as a Markdown table, best F1 first."""
    lines = [
        f"### {set_name} ({pages} pages)",
        "",
        "| extractor | precision | recall | F1 | F1 < 0.5 | empty | p50 ms | p90 ms | max ms |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for name, r in sorted(rows.items(), key=lambda kv: -kv[1]["f1"]):
        errors = f" ({r['errors']} errors)" if r["errors"] else ""
        ms = r["ms"]
        lines.append(
            f"| {name} | {r['precision']:.3f} | {r['recall']:.3f} | {r['f1']:.3f} | {r['f1_under_0.5']:.0%}"
            f" | {r['empty']:.0%}{errors} | {ms['p50']:.0f} | {ms['p90']:.0f} | {ms['max']:.0f} |"
        )
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.extractors", description=__doc__)
    parser.add_argument("--data-dir", type=Path, default=DATA_DIR, help="folder of the three page sets")
    parser.add_argument("--sets", nargs="+", choices=SETS, default=list(SETS))
    parser.add_argument("--candidates", nargs="+", choices=list(CANDIDATES), default=list(CANDIDATES))
    parser.add_argument("--limit", type=int, help="only the first N pages of each set")
    parser.add_argument("--out", type=Path, help="also write the figures here as JSON")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    files = {s: args.data_dir / f"{s}.jsonl.gz" for s in args.sets}
    absent = [str(p) for p in files.values() if not p.is_file()]
    if absent:
        sys.stderr.write(f"error: page sets not found: {', '.join(absent)}\n")
        return 2
    extractors, missing = available(args.candidates)
    for name, why in missing.items():
        sys.stdout.write(f"{name}: {why}, skipped\n")
    results: dict[str, Any] = {"versions": versions(PACKAGES), "missing": missing, "sets": {}}
    t0 = time.perf_counter()
    pooled: dict[str, Tally] = {name: Tally() for name in extractors}
    pooled_pages = 0
    for set_name, path in files.items():
        pages = load_pages(path, args.limit)
        tallies = {name: score(extract, pages) for name, extract in extractors.items()}
        rows = {name: t.summary() for name, t in tallies.items()}
        results["sets"][set_name] = {"pages": len(pages), "candidates": rows}
        sys.stdout.write(table(set_name, len(pages), rows) + "\n")
        pooled = {name: pooled[name] + t for name, t in tallies.items()}
        pooled_pages += len(pages)
    if len(files) > 1:
        rows = {name: t.summary() for name, t in pooled.items()}
        results["sets"]["all"] = {"pages": pooled_pages, "candidates": rows}
        sys.stdout.write(table("all sets, pages pooled", pooled_pages, rows) + "\n")
    results["seconds"] = round(time.perf_counter() - t0, 1)
    sys.stdout.write(f"versions: {results['versions']}; {results['seconds']:.0f} s in all\n")
    if args.out:
        args.out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
