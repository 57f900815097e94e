"""`newsdigest`: summarize files in a shell, start the service, run a batch job on Ray, or run the
evaluation harness.

`newsdigest serve` is `python -m service`. `newsdigest batch` is `service.cli.batch` (Ray, the
`ray` extra, is imported only when a job runs). `newsdigest eval` is `python -m eval`, started as its
own program (this process becomes it): the service never imports the harness that measures it.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Sequence
from importlib.metadata import PackageNotFoundError, version
from typing import Any

from pydantic import ValidationError

from service.api.schemas import SummarizeResponse
from service.cli import exits
from service.cli.batch import main as batch_main
from service.cli.digest import main as digest_main
from service.cli.exits import CliError
from service.cli.inputs import check_usage, fetch_links, gather
from service.cli.run import local, remote
from service.cli.text import labels, render, write_json
from service.pages.fetch import Fetched, FetchPolicy
from service.settings import Settings

log = logging.getLogger(__name__)

PROG = "newsdigest"
# --url: how long to wait for the service (it answers 504 at its own deadline, 120 s by default).
URL_TIMEOUT_S = 300.0
API_KEY_ENV = "NEWSDIGEST_API_KEY"
# Links: fetched on the user's machine, from the addresses the user names (no address guard).
FETCH_TIMEOUT_S = 20.0
FETCH_MAX_BYTES = 5_000_000
FETCH_MAX_REDIRECTS = 5

COMMANDS_HELP = f"""\
commands:
  summarize   summarize article files (text or HTML), links, stdin or a JSON
              request, in this process or on a running service
  digest      group a pile of articles (folders, files, JSONL, links) into stories,
              each summarized
  serve       start the HTTP service (python -m service, newsdigest-serve)
  batch       summarize every cluster of a JSONL file on Ray (a local one or a cluster)
  eval        score a system against reference summaries (python -m eval, newsdigest-eval)

Run '{PROG} <command> --help' for a command's options."""

SUMMARIZE = """\
Summarize one or more articles about one event: a short summary, key facts with the
sentences that back them, and the figures the articles disagree on. The embedded engine
runs in this process (no downloaded weights), or a seq2seq model (--model); or a running
service answers (--url). SUMMARIZER_* variables configure the engine and its limits here
as they configure the service."""

EXAMPLES = """\
examples:
  newsdigest summarize *.txt                      text and HTML files alike
  newsdigest summarize story.html -w 60 -n 3 --json
  newsdigest summarize https://example.org/a https://example.org/b notes.txt
  curl -s https://example.org/story | newsdigest summarize -
  newsdigest summarize today/*.txt -b yesterday/*.txt   only what today's articles add
  newsdigest summarize request.json --url http://127.0.0.1:8000 --api-key "$KEY"
"""

EXIT_STATUSES = f"""\
exit status:
  0   the summary was written
  1   internal error: a fault of the summarizer (the API's 500)
  2   usage: bad flags, or an input file that cannot be read
  3   invalid input: the API's 422 (and 400): e.g. an empty file, too many articles, bad JSON,
      a link that could not be fetched (fetch_failed)
  4   too large: the API's 413 (an article or all of them over the character limits, a page
      over --fetch-max-bytes)
  5   unauthorized: the API's 401 (--url without the service's key)
  6   overloaded: the API's 429
  7   not ready: the API's 503 (the engine failed to load, or is still loading)
  8   deadline exceeded: the API's 504, or no answer within --timeout
  9   --url: no service there, or an answer not in the API's shape
  130 interrupted (Ctrl-C)
Errors go to stderr as "{PROG}: <code>: <message>", with the API's error code; never a traceback
(-v logs it). A link that cannot be fetched is left out with a warning on stderr ("{PROG}: warning:
<code>: <message>") and the rest are summarized (status 0); when no article is left, or with
--strict, the command ends with the first failed link's status instead."""


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=PROG,
        description="The news summarizer: a short summary and cited key facts from one or more articles.",
        epilog=COMMANDS_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"{PROG} {_version()}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="<command>", help="see below")
    for name in COMMANDS:
        sub.add_parser(name)
    return parser


def _summarize_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=f"{PROG} summarize",
        description=SUMMARIZE,
        epilog=EXAMPLES + "\n" + EXIT_STATUSES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "files",
        nargs="+",
        metavar="FILE",
        help="article files, text or HTML (UTF-8; each file's path is its id), http(s) links (fetched here;"
        " the link is the id), '-' for stdin; or one JSON request file (*.json): the body POST"
        " /v1/summarize takes, flags overriding its fields",
    )
    parser.add_argument(
        "--request", action="store_true", help="read the one FILE (or -) as a JSON request whatever its name"
    )
    parser.add_argument("-w", "--max-words", type=int, metavar="N", help="summary length in words (10-1000)")
    parser.add_argument("-n", "--num-facts", type=int, metavar="N", help="how many key facts (0-50)")
    parser.add_argument(
        "-q", "--query", metavar="TEXT", help="a question or topic: summary and facts cover what answers it"
    )
    parser.add_argument(
        "-b",
        "--background",
        nargs="+",
        action="extend",
        default=[],
        metavar="FILE",
        help="articles already read: only what FILE... add is reported (put this flag after the files)",
    )
    parser.add_argument("--json", action="store_true", help="print the API's JSON response instead of text")
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--model", help="seq2seq checkpoint, hub id or directory (SUMMARIZER_MODEL)")
    where.add_argument("--url", help="a running service to ask instead, e.g. http://127.0.0.1:8000")
    parser.add_argument("--api-key", metavar="KEY", help=f"--url: the service's key (default ${API_KEY_ENV})")
    parser.add_argument(
        "--timeout",
        type=float,
        metavar="S",
        help="seconds to wait for the summary (in this process: SUMMARIZER_REQUEST_TIMEOUT_S, 120;"
        f" --url: {URL_TIMEOUT_S:g})",
    )
    parser.add_argument(
        "--fetch-timeout",
        type=float,
        default=FETCH_TIMEOUT_S,
        metavar="S",
        help=f"seconds to fetch one link, redirects included (default {FETCH_TIMEOUT_S:g})",
    )
    parser.add_argument(
        "--fetch-max-bytes",
        type=int,
        default=FETCH_MAX_BYTES,
        metavar="N",
        help=f"the largest page a link may have, in bytes (default {FETCH_MAX_BYTES:,})",
    )
    parser.add_argument(
        "--strict",
        action="store_true",
        help="a link that cannot be fetched ends the command (default: it is left out with a warning)",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log progress and errors' tracebacks")
    return parser


def _version() -> str:
    try:
        return version("newsdigest")
    except PackageNotFoundError:
        return "unknown"


def _settings(args: argparse.Namespace) -> Settings:
    overrides: dict[str, Any] = {}
    if args.model:
        overrides["model"] = args.model
    if args.timeout is not None:
        overrides["request_timeout_s"] = args.timeout
    try:
        return Settings(**overrides)
    except ValidationError as exc:
        problems = [f"{'.'.join(map(str, e['loc'])) or 'settings'}: {e['msg']}" for e in exc.errors()]
        raise CliError(exits.USAGE, "error", "invalid settings", problems) from None


def summarize(argv: Sequence[str]) -> int:
    parser = _summarize_parser()
    args = parser.parse_intermixed_args(argv)
    if args.api_key and not args.url:
        parser.error("--api-key goes with --url")
    if args.timeout is not None and args.timeout <= 0:
        parser.error(f"--timeout must be positive, got {args.timeout:g}")
    if args.fetch_timeout <= 0:
        parser.error(f"--fetch-timeout must be positive, got {args.fetch_timeout:g}")
    if args.fetch_max_bytes <= 0:
        parser.error(f"--fetch-max-bytes must be positive, got {args.fetch_max_bytes}")
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    try:
        check_usage(args.files, args.background, request=args.request)
        policy = FetchPolicy(
            timeout_s=args.fetch_timeout,
            max_bytes=args.fetch_max_bytes,
            max_redirects=FETCH_MAX_REDIRECTS,
            guard=False,
            allow=(),
        )
        fetched = fetch_links([*args.files, *args.background], policy)
        pages = {link: page for link, page in fetched.items() if isinstance(page, Fetched)}
        failed = [page for page in fetched.values() if not isinstance(page, Fetched)]
        files = [f for f in args.files if f not in fetched or f in pages]
        if failed:
            errors = [CliError.from_service(exc) for exc in failed]
            if args.strict or not files:
                sys.stderr.write("".join(e.render(PROG) for e in errors))
                return errors[0].status
            sys.stderr.write("".join(f"{PROG}: warning: {e.code}: {e.message} (left out)\n" for e in errors))
        inputs = gather(
            files,
            [f for f in args.background if f not in fetched or f in pages],
            sys.stdin.buffer,
            pages=pages,
            request=args.request,
            max_words=args.max_words,
            num_facts=args.num_facts,
            query=args.query,
        )
        if args.url:
            timeout = args.timeout if args.timeout is not None else URL_TIMEOUT_S
            answer = remote(inputs, args.url, args.api_key or os.environ.get(API_KEY_ENV), timeout)
        else:
            answer = local(inputs, _settings(args))
        if args.json:
            write_json(answer)
        else:
            response = SummarizeResponse.model_validate(answer)
            body = inputs.body
            sys.stdout.write(render(response, labels(body, "articles"), labels(body, "background")))
    except CliError as err:
        sys.stderr.write(err.render(PROG))
        return err.status
    except Exception as exc:
        log.debug("internal error", exc_info=True)
        sys.stderr.write(f"{PROG}: internal_error: {type(exc).__name__}: {exc} (-v shows the traceback)\n")
        return exits.INTERNAL
    return exits.OK


def digest(argv: Sequence[str]) -> int:
    return digest_main(argv, prog=f"{PROG} digest")


def serve(argv: Sequence[str]) -> int:
    from service.__main__ import main as serve_main

    return serve_main(list(argv), prog=f"{PROG} serve")


def batch(argv: Sequence[str]) -> int:
    return batch_main(argv, prog=f"{PROG} batch")


def evaluate(argv: Sequence[str]) -> int:
    """Become `python -m eval` (same interpreter, same arguments): its output, signals and status."""
    sys.stdout.flush()
    sys.stderr.flush()
    try:
        os.execv(sys.executable, [sys.executable, "-m", "eval", *argv])
    except OSError as exc:
        sys.stderr.write(f"{PROG}: error: cannot start {sys.executable} -m eval: {exc}\n")
    return exits.INTERNAL


COMMANDS = {"summarize": summarize, "digest": digest, "serve": serve, "batch": batch, "eval": evaluate}


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    command = COMMANDS.get(args[0]) if args else None
    try:
        if command is not None:
            return command(args[1:])
        # --help, --version, no command or an unknown one: the parser answers and exits.
        _parser().parse_args(args)
    except KeyboardInterrupt:
        sys.stderr.write(f"{PROG}: interrupted\n")
        return exits.INTERRUPTED
    return exits.USAGE


if __name__ == "__main__":
    raise SystemExit(main())
