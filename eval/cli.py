"""`python -m eval run ...`: score a system against references, beside baselines and other systems.

`python -m eval paraphrase ...`: the precision of key-fact support on MSRP sentence pairs.

`python -m eval conflicts {mine,export,score} ...`: the precision and recall of reported conflicts
on labelled sentence pairs (docs/conflict-labels.md).

`python -m eval pages --data PAGES.jsonl.gz ...`: raw web pages sent as articles; how much of each
summary and key fact is in the page's article, refusals and times (eval/pages/).

`python -m eval duplicates --data PATH ...`: pairs of key facts in one answer that say the same
thing, per dataset (eval/duplicates/, docs/duplicates.md).

`python -m eval readability --data PATH ...`: summary sentences that lean on a referent the summary
never gave, boilerplate key facts, wire headers and entities, per dataset (eval/readability/,
docs/readability.md).

`python -m eval digest --data PATH [--data PATH ...]`: mixed piles of clusters sent as one digest:
the grouping's B-cubed precision, recall and F1, and the stories' ROUGE beside the true clusters'
summaries (eval/digest/, docs/digest.md).

`python -m eval languages --ud DIR ...` / `--pages FILE ...`: news in other languages: per language,
texts of treebank sentences with key facts and with summaries within the word budget (the
checker's own word count); for multilingual web pages, summaries in the page's language and key
facts from its article (eval/languages/, docs/languages.md).
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Callable
from pathlib import Path

from eval.baselines import BASELINES
from eval.conflicts import (
    CANDIDATES,
    DEFAULT_NUM_FACTS,
    MineConfig,
    ScoreConfig,
    conflicts_table,
    data_spec,
    run_export,
    run_mine,
    run_score,
)
from eval.conflicts import RESULTS as CONFLICT_RESULTS
from eval.data import DEFAULT_FIELDS, DataError, Fields
from eval.digest import RESULTS as DIGEST_RESULTS
from eval.digest import DigestConfig, digest_table, run_digest
from eval.duplicates import DEFAULT_NUM_FACTS as DUPLICATES_NUM_FACTS
from eval.duplicates import RESULTS as DUPLICATES_RESULTS
from eval.duplicates import DuplicatesConfig, duplicates_table, run_duplicates
from eval.languages import DEFAULT_MAX_WORDS as LANGUAGES_MAX_WORDS
from eval.languages import DEFAULT_NUM_FACTS as LANGUAGES_NUM_FACTS
from eval.languages import (
    DEFAULT_SENTENCES,
    DEFAULT_TEXTS,
    LanguagesConfig,
    languages_table,
    pages_languages_table,
    run_language_pages,
    run_languages,
)
from eval.languages import RESULTS as LANGUAGES_RESULTS
from eval.pages.report import pages_table
from eval.pages.run import RESULTS as PAGES_RESULTS
from eval.pages.run import PagesConfig, run_pages
from eval.paraphrase import RESULTS, ParaphraseConfig, paraphrase_table, run_paraphrase
from eval.readability import DEFAULT_MAX_WORDS as READABILITY_MAX_WORDS
from eval.readability import DEFAULT_NUM_FACTS as READABILITY_NUM_FACTS
from eval.readability import RESULTS as READABILITY_RESULTS
from eval.readability import ReadabilityConfig, readability_table, run_readability
from eval.report import facts_table, paired_table, score_table
from eval.rouge.perl_options import RougeOptionError
from eval.rouge.unicode import TOKENIZERS
from eval.run import Evaluation, RunConfig, RunError
from eval.systems import ENGINE_NAMES, MAX_WORDS_RANGE, NUM_FACTS_RANGE, EngineName


def _int_in(low: int, high: int | None = None) -> Callable[[str], int]:
    """An argparse type: an integer in [low, high] (no upper bound when high is None)."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not an integer") from None
        if value < low or (high is not None and value > high):
            bounds = f"between {low} and {high}" if high is not None else f"at least {low}"
            raise argparse.ArgumentTypeError(f"must be {bounds}, got {value}")
        return value

    return parse


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m eval", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="evaluate a system on a dataset")
    run.add_argument("--data", type=Path, required=True, help="JSONL, one cluster a line")
    run.add_argument("--out", type=Path, required=True, help="run directory (results, rows, report)")
    run.add_argument(
        "--format",
        choices=sorted(DEFAULT_FIELDS),
        default="native",
        help="data layout: native, multinews (documents joined by |||||), cnndm",
    )
    run.add_argument("--id-field", help="field with the example id")
    run.add_argument("--documents-field", help="field with the documents")
    run.add_argument("--references-field", help="field with the reference summaries")
    run.add_argument("--limit", type=_int_in(1), help="only the first N examples")
    system = run.add_mutually_exclusive_group()
    system.add_argument(
        "--engine",
        choices=ENGINE_NAMES,
        default="embedded",
        help="engine run in this process (default: embedded)",
    )
    system.add_argument("--url", help="a running service to evaluate instead, e.g. http://127.0.0.1:8000")
    system.add_argument("--no-engine", action="store_true", help="score only given outputs and baselines")
    run.add_argument("--model", help="seq2seq checkpoint (hub id or directory); implies --engine seq2seq")
    run.add_argument("--concurrency", type=_int_in(1), default=4, help="parallel requests with --url")
    run.add_argument(
        "--retries",
        type=_int_in(0),
        default=6,
        help="with --url: retries per example on 429/5xx and connection errors (backoff)",
    )
    run.add_argument(
        "--systems",
        type=Path,
        nargs="*",
        default=[],
        help="other systems' outputs: JSONL {cluster_id|id, system, summary}, or an official ROUGE-1.5.5"
        " config (XML, e.g. DUC's rougejk.in) whose peers are read as systems peer-ID",
    )
    run.add_argument(
        "--baselines",
        default=",".join(BASELINES),
        help=f"comma-separated, from {', '.join(BASELINES)}; empty for none",
    )
    run.add_argument(
        "--rouge",
        choices=["rouge-score", "1.5.5"],
        default="rouge-score",
        help="ROUGE convention: Google's rouge-score, or the official perl's numbers",
    )
    run.add_argument(
        "--rouge-options", default="", help='perl options with --rouge 1.5.5, e.g. "-n 4 -m -a -l 100 -x"'
    )
    run.add_argument("--no-stem", action="store_true", help="rouge-score without Porter stemming")
    run.add_argument(
        "--jackknife",
        action="store_true",
        help="average over leave-one-out reference subsets (DUC's human-comparable scores)",
    )
    run.add_argument(
        "--wordnet-order",
        help="1.5.5 -m: WordNet exception lists, later wins on shared"
        " keys (default adj,adv,noun,verb as NIST's runs; SumRepo's DUC 2004: adv,adj,noun,verb)",
    )
    run.add_argument(
        "--rouge-tokenizer",
        choices=list(TOKENIZERS),
        default="default",
        help="default: the convention's own (ASCII letters and digits only); unicode: any script, each"
        " CJK character a token, stemming for ASCII words only",
    )
    run.add_argument(
        "--max-words",
        type=_int_in(*MAX_WORDS_RANGE),
        default=100,
        help="summary budget for all systems ({} to {}, as the service allows)".format(*MAX_WORDS_RANGE),
    )
    run.add_argument(
        "--num-facts",
        type=_int_in(*NUM_FACTS_RANGE),
        default=5,
        help="key facts asked of the system ({} to {})".format(*NUM_FACTS_RANGE),
    )
    run.add_argument("--seed", type=int, default=0, help="seed of the random baseline and bootstraps")
    run.add_argument("--resume", action="store_true", help="continue an interrupted run in --out")
    run.add_argument(
        "--no-query",
        action="store_true",
        help="leave the data's queries (topics) out: generic summaries of query-focused data",
    )
    run.add_argument(
        "--split-by-date",
        type=float,
        metavar="SHARE",
        help="update task from dated data: each example's latest SHARE of documents (e.g. 0.5) are "
        "new, the earlier ones are background the reader has read; scores how much of each summary "
        "was already in the background",
    )
    run.add_argument(
        "--no-background",
        action="store_true",
        help="with --split-by-date or rows' 'background': send the new documents alone (the "
        "comparison run: a plain summary of them)",
    )
    run.add_argument("-v", "--verbose", action="store_true")
    para = sub.add_parser(
        "paraphrase", help="precision of key-fact support on MSRP sentence pairs (docs/key-facts.md)"
    )
    para.add_argument("--data", type=Path, required=True, help="MSRP TSV, e.g. msr_paraphrase_test.tsv")
    para.add_argument("--out", type=Path, help="write results.json and pairs.jsonl here")
    para.add_argument("--limit", type=_int_in(1), help="only the first N pairs")
    para.add_argument("--engine", choices=ENGINE_NAMES, default="embedded", help="engine run in this process")
    para.add_argument("--model", help="seq2seq checkpoint (hub id or directory); implies --engine seq2seq")
    para.add_argument("--batch-size", type=_int_in(1), default=64, help="pairs per engine call")
    para.add_argument(
        "--curve",
        type=_thresholds,
        default=(),
        help="comma-separated merge thresholds (0-1) to also run at: the precision-recall curve",
    )
    para.add_argument("-v", "--verbose", action="store_true")
    _conflicts_parser(sub)
    _pages_parser(sub)
    _duplicates_parser(sub)
    _readability_parser(sub)
    _languages_parser(sub)
    _digest_parser(sub)
    return parser


def _digest_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    dig = sub.add_parser(
        "digest",
        help="a mixed pile of clusters as one digest: grouping B-cubed, stories' ROUGE (docs/digest.md)",
    )
    dig.add_argument(
        "--data",
        type=Path,
        action="append",
        required=True,
        help="clusters (JSONL, as `run` reads them); repeat it: each mixed alone, then all together",
    )
    dig.add_argument("--url", help="a running service (default: the app in this process)")
    dig.add_argument("--seed", type=int, default=0, help="the shuffle of each mix")
    dig.add_argument("--max-words", type=_int_in(MAX_WORDS_RANGE[0], MAX_WORDS_RANGE[1]), default=100)
    dig.add_argument("--num-facts", type=_int_in(NUM_FACTS_RANGE[0], NUM_FACTS_RANGE[1]), default=5)
    dig.add_argument("--no-rouge", action="store_true", help="score the grouping only")
    dig.add_argument("--out", type=Path, help="write results.json and stories.jsonl here")
    dig.add_argument("-v", "--verbose", action="store_true")


def _digest(args: argparse.Namespace) -> int:
    config = DigestConfig(
        data=args.data,
        url=args.url,
        seed=args.seed,
        max_words=args.max_words,
        num_facts=args.num_facts,
        rouge=not args.no_rouge,
        out=args.out,
    )
    try:
        results = run_digest(config)
    except (DataError, FileNotFoundError, ValueError, RuntimeError) as exc:
        sys.stderr.write(f"error: {exc}\n")
        return 2
    sys.stdout.write(digest_table(results))
    if args.out:
        sys.stdout.write(f"results: {args.out / DIGEST_RESULTS}\n")
    return 0


def _languages_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    lang = sub.add_parser(
        "languages",
        help="news in other languages: treebank texts or multilingual pages (eval/languages/)",
    )
    source = lang.add_mutually_exclusive_group(required=True)
    source.add_argument(
        "--ud",
        type=Path,
        help="folder of treebank files <lang>_<treebank>-dev.jsonl.gz (e.g. ../shared/data/ud)",
    )
    source.add_argument(
        "--pages",
        type=Path,
        nargs="+",
        help="pages JSONL(.gz) files, eval pages' layouts (e.g. readability_pages, newspaper4k_pages)",
    )
    lang.add_argument("--langs", nargs="+", help="with --ud: only these languages (default: every file's)")
    lang.add_argument(
        "--texts", type=_int_in(1), default=DEFAULT_TEXTS, help=f"texts a language (default {DEFAULT_TEXTS})"
    )
    lang.add_argument(
        "--sentences",
        type=_int_in(1),
        default=DEFAULT_SENTENCES,
        help=f"consecutive sentences a text (default {DEFAULT_SENTENCES})",
    )
    lang.add_argument("--limit", type=_int_in(1), help="with --pages: only the first N pages of each file")
    lang.add_argument(
        "--detect-among",
        nargs="+",
        metavar="LANG",
        help="with --pages: lingua picks among these ISO 639-1 languages only (default: all 75 it knows;"
        " fewer load faster, but a page in a language left out is misread)",
    )
    lang.add_argument(
        "--max-words",
        type=_int_in(*MAX_WORDS_RANGE),
        default=LANGUAGES_MAX_WORDS,
        help=f"summary budget sent with each text (default {LANGUAGES_MAX_WORDS})",
    )
    lang.add_argument(
        "--num-facts",
        type=_int_in(*NUM_FACTS_RANGE),
        default=LANGUAGES_NUM_FACTS,
        help=f"key facts asked (default {LANGUAGES_NUM_FACTS})",
    )
    lang.add_argument(
        "--url", help="a running service, e.g. http://127.0.0.1:8000 (default: the app in this process)"
    )
    lang.add_argument("--out", type=Path, help="write results.json and texts.jsonl (or pages.jsonl) here")
    lang.add_argument("-v", "--verbose", action="store_true")


def _languages(args: argparse.Namespace) -> int:
    if args.langs and args.pages:
        sys.stderr.write("error: --langs goes with --ud (a page's language is read from the page)\n")
        return 2
    config = LanguagesConfig(
        ud=args.ud,
        pages=tuple(args.pages or ()),
        langs=args.langs,
        texts=args.texts,
        sentences=args.sentences,
        max_words=args.max_words,
        num_facts=args.num_facts,
        url=args.url,
        out=args.out,
        limit=args.limit,
        detect_among=args.detect_among,
    )
    try:
        if args.pages:
            sys.stdout.write(pages_languages_table(run_language_pages(config)))
        else:
            sys.stdout.write(languages_table(run_languages(config)))
    except (DataError, FileNotFoundError, TimeoutError, RuntimeError, ImportError, ValueError) as exc:
        sys.stderr.write(f"error: {exc}\n")
        return 2
    if args.out:
        sys.stdout.write(f"results: {args.out / LANGUAGES_RESULTS}\n")
    return 0


def _readability_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    read = sub.add_parser(
        "readability",
        help="dangling references, boilerplate facts, wire headers in answers (docs/readability.md)",
    )
    read.add_argument(
        "--data",
        type=_data_spec,
        action="append",
        required=True,
        help="cluster JSONL as PATH or NAME=PATH (NAME: the dataset; default: the file name up to '_')",
    )
    read.add_argument("--out", type=Path, help="write results.json and flagged.jsonl here")
    read.add_argument("--engine", choices=ENGINE_NAMES, default="embedded", help="engine run in this process")
    read.add_argument("--model", help="seq2seq checkpoint (hub id or directory); implies --engine seq2seq")
    read.add_argument(
        "--max-words",
        type=_int_in(*MAX_WORDS_RANGE),
        default=READABILITY_MAX_WORDS,
        help=f"summary budget (default {READABILITY_MAX_WORDS})",
    )
    read.add_argument(
        "--num-facts",
        type=_int_in(*NUM_FACTS_RANGE),
        default=READABILITY_NUM_FACTS,
        help=f"key facts asked of the system (default {READABILITY_NUM_FACTS})",
    )
    read.add_argument("--batch-size", type=_int_in(1), default=8, help="clusters per engine call")
    read.add_argument("--limit", type=_int_in(1), help="only the first N clusters of each dataset")
    read.add_argument("-v", "--verbose", action="store_true")


def _readability(args: argparse.Namespace) -> int:
    config = ReadabilityConfig(
        data=args.data,
        out=args.out,
        engine="seq2seq" if args.model else args.engine,
        model=args.model,
        max_words=args.max_words,
        num_facts=args.num_facts,
        batch_size=args.batch_size,
        limit=args.limit,
    )
    try:
        results = run_readability(config)
    except (DataError, FileNotFoundError, ValueError) as exc:
        sys.stderr.write(f"error: {exc}\n")
        return 2
    sys.stdout.write(readability_table(results))
    if args.out:
        sys.stdout.write(f"results: {args.out / READABILITY_RESULTS}\n")
    return 0


def _duplicates_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    dup = sub.add_parser(
        "duplicates", help="pairs of key facts in one answer that say the same thing (docs/duplicates.md)"
    )
    dup.add_argument(
        "--data",
        type=_data_spec,
        action="append",
        required=True,
        help="cluster JSONL as PATH or NAME=PATH (NAME: the dataset; default: the file name up to '_')",
    )
    dup.add_argument("--out", type=Path, help="write results.json, pairs.jsonl and sample.jsonl here")
    dup.add_argument("--engine", choices=ENGINE_NAMES, default="embedded", help="engine run in this process")
    dup.add_argument("--model", help="seq2seq checkpoint (hub id or directory); implies --engine seq2seq")
    dup.add_argument(
        "--num-facts",
        type=_int_in(*NUM_FACTS_RANGE),
        default=DUPLICATES_NUM_FACTS,
        help=f"key facts asked of the system (default {DUPLICATES_NUM_FACTS})",
    )
    dup.add_argument("--batch-size", type=_int_in(1), default=8, help="clusters per engine call")
    dup.add_argument("--limit", type=_int_in(1), help="only the first N clusters of each dataset")
    dup.add_argument("--seed", type=int, default=0, help="seed of the hand-check sample")
    dup.add_argument(
        "--handcheck",
        type=Path,
        help="a hand-check label file (eval/labels/duplicate_handcheck.jsonl): the checker's agreement",
    )
    dup.add_argument("-v", "--verbose", action="store_true")


def _duplicates(args: argparse.Namespace) -> int:
    config = DuplicatesConfig(
        data=args.data,
        out=args.out,
        engine="seq2seq" if args.model else args.engine,
        model=args.model,
        num_facts=args.num_facts,
        batch_size=args.batch_size,
        limit=args.limit,
        seed=args.seed,
        handcheck=args.handcheck,
    )
    try:
        results = run_duplicates(config)
    except (DataError, FileNotFoundError, ValueError) as exc:
        sys.stderr.write(f"error: {exc}\n")
        return 2
    sys.stdout.write(duplicates_table(results))
    if args.out:
        sys.stdout.write(f"results: {args.out / DUPLICATES_RESULTS}\n")
    return 0


def _pages_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    pages = sub.add_parser(
        "pages", help="raw web pages as articles: is what the service says in the article? (eval/pages/)"
    )
    pages.add_argument(
        "--data",
        type=Path,
        required=True,
        help="pages JSONL(.gz): {id, html, article_body | expected_article_html | expected_text}",
    )
    pages.add_argument(
        "--url", help="a running service, e.g. http://127.0.0.1:8000 (default: the app in this process)"
    )
    pages.add_argument(
        "--max-words",
        type=_int_in(*MAX_WORDS_RANGE),
        help="summary budget sent with each page (default: the service's)",
    )
    pages.add_argument(
        "--num-facts", type=_int_in(*NUM_FACTS_RANGE), help="key facts asked (default: the service's)"
    )
    pages.add_argument("--out", type=Path, help="write results.json, pages.jsonl and failures.jsonl here")
    pages.add_argument("--limit", type=_int_in(1), help="only the first N pages")
    pages.add_argument("-v", "--verbose", action="store_true")


def _pages(args: argparse.Namespace) -> int:
    config = PagesConfig(
        data=args.data,
        url=args.url,
        max_words=args.max_words,
        num_facts=args.num_facts,
        out=args.out,
        limit=args.limit,
    )
    try:
        results = run_pages(config)
    except (DataError, FileNotFoundError, TimeoutError, RuntimeError) as exc:
        sys.stderr.write(f"error: {exc}\n")
        return 2
    sys.stdout.write(pages_table(results))
    if args.out:
        sys.stdout.write(f"results: {args.out / PAGES_RESULTS}\n")
    return 0


def _thresholds(text: str) -> tuple[float, ...]:
    try:
        values = tuple(float(v) for v in text.split(",") if v.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected numbers separated by commas, got {text!r}") from None
    if not values or any(not 0.0 <= v <= 1.0 for v in values):
        raise argparse.ArgumentTypeError(f"thresholds must lie in [0, 1], got {text!r}")
    return values


def _data_spec(text: str) -> tuple[str, Path]:
    try:
        return data_spec(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _conflicts_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    conf = sub.add_parser(
        "conflicts",
        help="precision and recall of reported conflicts on labelled pairs (docs/conflict-labels.md)",
    )
    steps = conf.add_subparsers(dest="step", required=True)
    data_help = (
        "cluster JSONL as PATH or NAME=PATH (NAME: the label rows' dataset; default: the file name up to '_')"
    )
    mine = steps.add_parser("mine", help="candidate pairs to label, with their text (local use only)")
    mine.add_argument("--data", type=_data_spec, action="append", required=True, help=data_help)
    mine.add_argument("--out", type=Path, required=True, help=f"writes {CANDIDATES} here (never commit it)")
    mine.add_argument(
        "--per-cluster", type=_int_in(0), default=3, help="pairs from the harness's rules per cluster"
    )
    mine.add_argument("--labels", type=Path, help="a label file: pairs labelled already are not mined again")
    mine.add_argument("--no-engine", action="store_true", help="leave out the pairs the engine reports")
    score = steps.add_parser("score", help="run the system on the labelled clusters and score its conflicts")
    score.add_argument(
        "--labels", type=Path, required=True, help="label file, e.g. eval/labels/conflicts.jsonl"
    )
    score.add_argument("--data", type=_data_spec, action="append", required=True, help=data_help)
    score.add_argument("--out", type=Path, help="write results.json, pairs.jsonl and unlabeled.jsonl here")
    score.add_argument("--batch-size", type=_int_in(1), default=8, help="clusters per engine call")
    for step, num_facts in ((mine, NUM_FACTS_RANGE[1]), (score, DEFAULT_NUM_FACTS)):
        step.add_argument(
            "--engine", choices=ENGINE_NAMES, default="embedded", help="engine run in this process"
        )
        step.add_argument(
            "--model", help="seq2seq checkpoint (hub id or directory); implies --engine seq2seq"
        )
        step.add_argument(
            "--num-facts",
            type=_int_in(*NUM_FACTS_RANGE),
            default=num_facts,
            help=f"key facts asked (the engine reports at most as many conflicts; default {num_facts})",
        )
        step.add_argument("-v", "--verbose", action="store_true")
    export = steps.add_parser("export", help="add labelled candidates to the label file, text dropped")
    export.add_argument(
        "candidates", type=Path, nargs="+", help="candidates.jsonl / unlabeled.jsonl, labels filled"
    )
    export.add_argument("--labels", type=Path, required=True, help="label file to add to (made if absent)")
    export.add_argument("-v", "--verbose", action="store_true")


def _conflicts(args: argparse.Namespace) -> int:
    out = sys.stdout
    try:
        if args.step == "export":
            counts = run_export(args.candidates, args.labels)
            out.write(f"{counts['added']} labels added, {counts['total']} in {args.labels}\n")
            return 0
        engine: EngineName = "seq2seq" if args.model else args.engine
        if args.step == "mine":
            mined = run_mine(
                MineConfig(
                    data=args.data,
                    out=args.out,
                    per_cluster=args.per_cluster,
                    labels=args.labels,
                    engine=None if args.no_engine else engine,
                    model=args.model,
                    num_facts=args.num_facts,
                )
            )
            reasons = ", ".join(f"{k} {v}" for k, v in mined["by_reason"].items())
            out.write(f"{mined['candidates']} candidates in {args.out / CANDIDATES} ({reasons})\n")
            return 0
        results = run_score(
            ScoreConfig(
                labels=args.labels,
                data=args.data,
                out=args.out,
                engine=engine,
                model=args.model,
                num_facts=args.num_facts,
                batch_size=args.batch_size,
            )
        )
    except (DataError, FileNotFoundError, ValueError) as exc:
        sys.stderr.write(f"error: {exc}\n")
        return 2
    out.write(conflicts_table(results))
    if args.out:
        out.write(f"results: {args.out / CONFLICT_RESULTS}\n")
    return 0


def _paraphrase(args: argparse.Namespace) -> int:
    config = ParaphraseConfig(
        data=args.data,
        out=args.out,
        limit=args.limit,
        engine="seq2seq" if args.model else args.engine,
        model=args.model,
        batch_size=args.batch_size,
        curve=args.curve,
    )
    try:
        results = run_paraphrase(config)
    except (DataError, FileNotFoundError, ValueError) as exc:
        sys.stderr.write(f"error: {exc}\n")
        return 2
    sys.stdout.write(paraphrase_table(results))
    if args.out:
        sys.stdout.write(f"results: {args.out / RESULTS}\n")
    return 0


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.WARNING, format="%(levelname)s %(name)s: %(message)s"
    )
    if args.command == "paraphrase":
        return _paraphrase(args)
    if args.command == "conflicts":
        return _conflicts(args)
    if args.command == "pages":
        return _pages(args)
    if args.command == "duplicates":
        return _duplicates(args)
    if args.command == "readability":
        return _readability(args)
    if args.command == "languages":
        return _languages(args)
    if args.command == "digest":
        return _digest(args)
    defaults = DEFAULT_FIELDS[args.format]
    fields = Fields(
        id=args.id_field or defaults.id,
        documents=args.documents_field or defaults.documents,
        references=args.references_field or defaults.references,
    )
    engine: EngineName | None = None
    if not (args.no_engine or args.url):
        engine = "seq2seq" if args.model else args.engine
    config = RunConfig(
        data=args.data,
        out=args.out,
        format=args.format,
        fields=fields,
        limit=args.limit,
        engine=engine,
        model=args.model,
        url=args.url,
        concurrency=args.concurrency,
        retries=args.retries,
        systems=args.systems,
        baselines=tuple(b for b in args.baselines.split(",") if b),
        rouge=args.rouge,
        rouge_options=args.rouge_options,
        stem=not args.no_stem,
        jackknife=args.jackknife,
        wordnet_order=tuple(args.wordnet_order.split(",")) if args.wordnet_order else None,
        rouge_tokenizer=args.rouge_tokenizer,
        max_words=args.max_words,
        num_facts=args.num_facts,
        seed=args.seed,
        resume=args.resume,
        use_query=not args.no_query,
        split_by_date=args.split_by_date,
        use_background=not args.no_background,
    )
    try:
        results = Evaluation(config).run()
    except (DataError, RunError, RougeOptionError, FileNotFoundError, FileExistsError, ValueError) as exc:
        sys.stderr.write(f"error: {exc}\n")
        return 2
    out = sys.stdout
    out.write(score_table(results))
    for table in (paired_table(results), facts_table(results)):
        if table:
            out.write("\n" + table)
    out.write(f"\nreport: {args.out / 'report.md'}\n")
    return 0
