"""`newsdigest batch IN.jsonl OUT.jsonl`: summarize every cluster of a file on Ray (the `ray` extra).

The job itself is `service.distributed.batch`; here are its flags, its report on stderr and its
exit status. Ray is imported only when a job runs, so the rest of the command line works without it.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from pydantic import ValidationError

from service.cli import exits
from service.domain import MAX_MAX_WORDS, MAX_NUM_FACTS, MIN_MAX_WORDS, MIN_NUM_FACTS
from service.errors import InvalidInput
from service.settings import Settings

log = logging.getLogger(__name__)

DESCRIPTION = """\
Summarize every cluster of a JSONL file on a Ray cluster (a local one, or --address): an actor
pool in which each actor loads the engine once. One JSON line per cluster goes to OUT,
{id, system, summary, key_facts, conflicts}, which `newsdigest eval run --systems OUT` scores.
Rows are the evaluation data's ({"id", "documents": [...], "query"?, "background"?}) or
the API's ({"id", "articles": [...], "options"?}). With --stories, IN is a pile of articles
about many events, one article a line: it is grouped into stories here, and each story is one
line of OUT, {id, system, title, articles, summarized, published, summary, key_facts,
conflicts}. Bad rows are reported and skipped; ids already in OUT are skipped, so a rerun resumes
an interrupted job. SUMMARIZER_* variables configure the engines on every node."""

EPILOG = """\
examples:
  newsdigest batch clusters.jsonl summaries.jsonl                       a local Ray
  newsdigest batch clusters.jsonl summaries.jsonl --address auto --actors 8
  newsdigest batch clusters.jsonl out.jsonl --model google/flan-t5-base --num-gpus 0.5
  newsdigest batch --stories today.jsonl stories.jsonl                  a day's articles, by story

exit status:
  0   every cluster is in OUT
  1   internal error
  2   usage: bad flags or settings, an unreadable input, Ray not installed
  3   some rows were skipped (bad rows, or clusters the engine refused): listed on stderr
  9   --address: no Ray cluster there
  130 interrupted (Ctrl-C); rerun to resume"""

# Bad rows and failures listed on stderr, at most (the count is always given).
MAX_LISTED = 50


def _parser(prog: str) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=prog,
        description=DESCRIPTION,
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("source", type=Path, metavar="IN.jsonl", help="clusters, one JSON object a line")
    parser.add_argument(
        "out", type=Path, metavar="OUT.jsonl", help="results, appended (ids in it are skipped)"
    )
    parser.add_argument(
        "--address",
        help='a running Ray cluster: "auto" (the one this machine is in) or HOST:PORT of its head'
        " (default: a local one, for this job)",
    )
    parser.add_argument("--actors", type=int, default=1, metavar="N", help="engine actors in the pool (1)")
    parser.add_argument("--batch-size", type=int, default=8, metavar="N", help="clusters per actor call (8)")
    parser.add_argument("--num-cpus", type=float, default=1.0, metavar="C", help="CPUs per actor (1)")
    parser.add_argument(
        "--num-gpus", type=float, default=0.0, metavar="G", help="GPUs per actor, 0.5 shares one (0)"
    )
    parser.add_argument(
        "--stories",
        action="store_true",
        help="IN is a day's pile, one article a line: group it into stories (as POST /v1/digest does)"
        " and write one line per story, its articles and sources indexing the pile",
    )
    parser.add_argument("--system", help="the rows' system name (default: newsdigest-<engine>)")
    parser.add_argument("--model", help="seq2seq checkpoint, hub id or directory (SUMMARIZER_MODEL)")
    parser.add_argument(
        "-w", "--max-words", type=int, metavar="N", help=f"summary length ({MIN_MAX_WORDS}-{MAX_MAX_WORDS})"
    )
    parser.add_argument(
        "-n",
        "--num-facts",
        type=int,
        metavar="N",
        help=f"key facts per cluster ({MIN_NUM_FACTS}-{MAX_NUM_FACTS})",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log progress details and tracebacks")
    return parser


def _check(parser: argparse.ArgumentParser, args: argparse.Namespace) -> None:
    if args.actors < 1 or args.batch_size < 1:
        parser.error("--actors and --batch-size must be at least 1")
    if args.num_cpus < 0 or args.num_gpus < 0:
        parser.error("--num-cpus and --num-gpus must not be negative")
    if args.max_words is not None and not MIN_MAX_WORDS <= args.max_words <= MAX_MAX_WORDS:
        parser.error(f"--max-words must be between {MIN_MAX_WORDS} and {MAX_MAX_WORDS}")
    if args.num_facts is not None and not MIN_NUM_FACTS <= args.num_facts <= MAX_NUM_FACTS:
        parser.error(f"--num-facts must be between {MIN_NUM_FACTS} and {MAX_NUM_FACTS}")
    if not args.source.is_file():
        parser.error(f"cannot read {args.source}: no such file")
    if args.source.resolve() == args.out.resolve():
        parser.error("IN and OUT must be different files")


def _listed(prog: str, lines: list[str]) -> None:
    """`lines` on stderr, the first MAX_LISTED of them and how many more there are."""
    for line in lines[:MAX_LISTED]:
        sys.stderr.write(f"{prog}: {line}\n")
    if len(lines) > MAX_LISTED:
        sys.stderr.write(f"{prog}: ... and {len(lines) - MAX_LISTED} more\n")


def main(argv: Sequence[str], prog: str) -> int:
    parser = _parser(prog)
    args = parser.parse_args(argv)
    _check(parser, args)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.INFO,
        format="%(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    # The engines' settings, wherever the actors run: this environment's, and --model.
    env = {k: v for k, v in os.environ.items() if k.startswith("SUMMARIZER_")}
    if args.model:
        env["SUMMARIZER_MODEL"] = args.model
    try:
        settings = Settings(**({"model": args.model} if args.model else {}))
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
        sys.stderr.write(f"{prog}: error: invalid settings: {problems}\n")
        return exits.USAGE
    try:
        from service.distributed.batch import Job, plan, run
    except ImportError as exc:
        sys.stderr.write(f'{prog}: error: needs Ray ({exc}): pip install "newsdigest[ray]"\n')
        return exits.USAGE
    options = {
        k: v for k, v in {"max_words": args.max_words, "num_facts": args.num_facts}.items() if v is not None
    }
    job = Job(
        source=args.source,
        out=args.out,
        system=args.system or f"newsdigest-{settings.engine_name}",
        options=options,
        address=args.address,
        actors=args.actors,
        batch_size=args.batch_size,
        num_cpus=args.num_cpus,
        num_gpus=args.num_gpus,
        env=env,
        stories=args.stories,
    )
    try:
        todo, report = plan(job, settings)
    except (OSError, ValueError) as exc:  # the input, or an output that is not this job's
        sys.stderr.write(f"{prog}: error: {exc}\n")
        return exits.USAGE
    # Bad rows first, before the job: they never reach it.
    _listed(
        prog,
        [f"skipped {b.where}{f' (id {b.id})' if b.id is not None else ''}: {b.reason}" for b in report.bad],
    )
    try:
        run(job, todo, report)
    except ConnectionError as exc:
        sys.stderr.write(f"{prog}: unreachable: no Ray cluster at {args.address}: {exc}\n")
        return exits.UNREACHABLE
    except Exception as exc:
        log.debug("internal error", exc_info=True)
        sys.stderr.write(f"{prog}: internal_error: {type(exc).__name__}: {exc} (-v shows the traceback)\n")
        return exits.INTERNAL
    _listed(prog, [f"failed {row_id}: {error}" for row_id, error in report.failed])
    sys.stderr.write(
        f"{prog}: {report.written} written, {report.already} already in {args.out}, "
        f"{len(report.bad)} bad rows skipped, {len(report.failed)} failed\n"
    )
    return exits.OK if report.complete else exits.BY_STATUS[InvalidInput.status]
