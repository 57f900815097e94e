"""`newsdigest digest`: a pile of articles (folders, files, JSONL, links) grouped into stories,
each summarized with its key facts, conflicts and updates.

The pile becomes the body `POST /v1/digest` takes: a folder is its files (sorted by name, hidden
ones and sub-folders left out), a `.jsonl` file is one article object a line (the API's article
fields: `text`, `title`, `published`, `id`, `url`, `language`; a line without `id` gets
`<file>:<line>`), any other file is one article (text or HTML; its path is its id), a link is
fetched here. In this process the body takes the route's own path (`service.api.digest.digest`,
on the engine runner the service uses, with a progress bar on a terminal); with `--url`, a
running service answers.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from service.api import messages
from service.api.digest import digest
from service.api.schemas import DigestRequest, DigestResponse, SummarizeResponse
from service.cli import exits
from service.cli.exits import CliError
from service.cli.inputs import Inputs, article, decode, fetch_links, is_link, read, shown
from service.cli.run import MAX_DETAILS, load_engine, remote
from service.cli.text import render, write_json
from service.errors import InvalidInput, PayloadTooLarge, ServiceError
from service.pages.fetch import Fetched, FetchPolicy
from service.runner import EngineRunner
from service.settings import Settings

log = logging.getLogger(__name__)

DESCRIPTION = """\
Group a pile of articles about many events into stories, and summarize each story: its
summary, key facts with the sentences that back them, the figures its articles disagree on.
Folders, article files (text or HTML), JSONL files of articles (one JSON object a line) and
links, in any mix. The embedded engine runs in this process, or a seq2seq model (--model); or a
running service answers (--url)."""

EXAMPLES = """\
examples:
  newsdigest digest today/                        every file in the folder
  newsdigest digest wire.jsonl saved/*.html --json
  newsdigest digest today/ --url http://127.0.0.1:8000 -w 60 -n 3
exit status: as for 'newsdigest summarize' (0: the stories were written)."""

URL_TIMEOUT_S = 900.0
FETCH_TIMEOUT_S = 20.0
FETCH_MAX_BYTES = 5_000_000


def _parser(prog: str) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=prog,
        description=DESCRIPTION,
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("inputs", nargs="+", metavar="INPUT", help="folders, files, *.jsonl, http(s) links")
    parser.add_argument("-w", "--max-words", type=int, metavar="N", help="each summary's length in words")
    parser.add_argument("-n", "--num-facts", type=int, metavar="N", help="key facts per story (0-50)")
    parser.add_argument("-q", "--query", metavar="TEXT", help="a question or topic every story answers")
    parser.add_argument("--json", action="store_true", help="print the API's JSON response instead of text")
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--model", help="seq2seq checkpoint, hub id or directory (SUMMARIZER_MODEL)")
    where.add_argument("--url", help="a running service to ask instead, e.g. http://127.0.0.1:8000")
    parser.add_argument(
        "--api-key", metavar="KEY", help="--url: the service's key (default $NEWSDIGEST_API_KEY)"
    )
    parser.add_argument(
        "--timeout",
        type=float,
        metavar="S",
        help="seconds for the whole digest (SUMMARIZER_DIGEST_TIMEOUT_S)",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log progress and errors' tracebacks")
    return parser


def expand(names: Sequence[str]) -> list[str]:
    """Folders replaced by their files (sorted, hidden ones and sub-folders left out)."""
    out: list[str] = []
    for name in names:
        path = Path(name)
        if not is_link(name) and path.is_dir():
            out += [str(p) for p in sorted(path.iterdir()) if p.is_file() and not p.name.startswith(".")]
        else:
            out.append(name)
    return out


def articles_of(name: str, pages: dict[str, Fetched]) -> list[dict[str, Any]]:
    """The articles of one input: a JSONL file's lines, or the file or link as one article."""
    if is_link(name) or not name.lower().endswith(".jsonl"):
        return [article(name, sys.stdin.buffer, pages)]
    found = []
    for n, line in enumerate(decode(name, read(name, sys.stdin.buffer)).splitlines(), 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            raise CliError.from_service(
                InvalidInput(f"{shown(name)} line {n} is not JSON: {exc.msg}")
            ) from None
        if not isinstance(row, dict):
            raise CliError.from_service(InvalidInput(f"{shown(name)} line {n} is not a JSON object"))
        found.append({"id": f"{name}:{n}", **row})
    return found


def _local(body: dict[str, Any], settings: Settings, show_progress: bool) -> dict[str, Any]:
    size = len(json.dumps(body, ensure_ascii=False).encode("utf-8"))
    if size > settings.digest_max_body_bytes:
        raise CliError.from_service(
            PayloadTooLarge(f"request body over the limit of {settings.digest_max_body_bytes} bytes")
        )
    try:
        request = DigestRequest.model_validate(body)
    except ValidationError as exc:
        details = [
            f"{d['loc']}: {d['msg']}" for d in messages.details(exc.errors()[:MAX_DETAILS], prefix=("body",))
        ]
        raise CliError(
            exits.BY_STATUS[InvalidInput.status], InvalidInput.code, "the articles are invalid", details
        ) from None
    engine = load_engine(settings)

    # Imported here: the other commands (and `newsdigest eval`, which says what is missing) start
    # without it.
    from tqdm import tqdm

    async def run() -> DigestResponse:
        runner = EngineRunner.serving(engine, settings, timeout_s=settings.digest_timeout_s)
        runner.start()
        bar = tqdm(total=0, unit="story", disable=not show_progress, file=sys.stderr, leave=False)

        def progress(done: int, total: int) -> None:
            bar.total = total
            bar.n = done
            bar.refresh()

        try:
            return await digest(request, settings, runner, progress=progress)
        finally:
            bar.close()
            runner.close()

    try:
        return asyncio.run(run()).model_dump(mode="json")
    except ServiceError as exc:
        raise CliError.from_service(exc) from None


def render_digest(response: DigestResponse, names: Sequence[str]) -> str:
    """The stories as plain text, each as `newsdigest summarize` shows one answer."""
    out: list[str] = []
    for n, story in enumerate(response.stories, 1):
        span = ""
        if story.published.first is not None and story.published.last is not None:
            first, last = story.published.first.date(), story.published.last.date()
            span = f", {first}" + (f" to {last}" if last != first else "")
        out += [f"=== Story {n}: {story.title} ({len(story.articles)} articles{span})"]
        if story.error is not None:
            out += [f"no summary: {story.error.message}", ""]
            continue
        one = SummarizeResponse(
            summary=story.summary,
            novel=story.novel,
            key_facts=story.key_facts,
            conflicts=story.conflicts,
            updates=story.updates,
            engine=response.engine,
            model=response.model,
            input=story.input,
            generated_tokens=story.generated_tokens,
            timings_ms={},
        )
        out.append(render(one, [names[i] if i in story.articles else "" for i in range(len(names))]))
    for s in response.skipped:
        out.append(f"skipped [{s.article + 1}] {names[s.article]}: {s.error.message}")
    total = response.timings_ms.get("total")
    out.append(
        f"{len(response.stories)} stories from {sum(len(s.articles) for s in response.stories)} articles"
        + (f" in {total / 1e3:.1f} s" if total is not None else "")
    )
    return "\n".join(out) + "\n"


def main(argv: Sequence[str], prog: str = "newsdigest digest") -> int:
    parser = _parser(prog)
    args = parser.parse_args(argv)
    if args.api_key and not args.url:
        parser.error("--api-key goes with --url")
    if args.timeout is not None and args.timeout <= 0:
        parser.error(f"--timeout must be positive, got {args.timeout:g}")
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    try:
        names = expand(args.inputs)
        if not names:
            raise CliError(exits.USAGE, "error", "no files in " + ", ".join(args.inputs))
        policy = FetchPolicy(
            timeout_s=FETCH_TIMEOUT_S, max_bytes=FETCH_MAX_BYTES, max_redirects=5, guard=False, allow=()
        )
        fetched = fetch_links(names, policy)
        pages = {link: page for link, page in fetched.items() if isinstance(page, Fetched)}
        for page in fetched.values():
            if not isinstance(page, Fetched):
                err = CliError.from_service(page)
                sys.stderr.write(f"{prog}: warning: {err.code}: {err.message} (left out)\n")
        articles: list[dict[str, Any]] = []
        for name in names:
            if name in fetched and name not in pages:
                continue
            articles += articles_of(name, pages)
        if not articles:
            raise CliError(exits.USAGE, "error", "no articles to read")
        body: dict[str, Any] = {"articles": articles}
        options = {
            k: v for k, v in (("max_words", args.max_words), ("num_facts", args.num_facts)) if v is not None
        }
        if options:
            body["options"] = options
        if args.query is not None:
            body["query"] = args.query
        if args.url:
            timeout = args.timeout if args.timeout is not None else URL_TIMEOUT_S
            key = args.api_key or os.environ.get("NEWSDIGEST_API_KEY")
            answer = remote(Inputs(body=body), args.url, key, timeout, path="/v1/digest")
        else:
            overrides: dict[str, Any] = {}
            if args.model:
                overrides["model"] = args.model
            if args.timeout is not None:
                overrides["digest_timeout_s"] = args.timeout
            try:
                settings = Settings(**overrides)
            except ValidationError as exc:
                raise CliError(exits.USAGE, "error", f"invalid settings: {exc.errors()[0]['msg']}") from None
            answer = _local(body, settings, sys.stderr.isatty())
        if args.json:
            write_json(answer)
        else:
            ids = [str(a.get("id") or a.get("title") or "") for a in articles]
            sys.stdout.write(render_digest(DigestResponse.model_validate(answer), ids))
    except CliError as err:
        sys.stderr.write(err.render(prog.split()[0]))
        return err.status
    except Exception as exc:
        log.debug("internal error", exc_info=True)
        sys.stderr.write(f"{prog}: internal_error: {type(exc).__name__}: {exc} (-v shows the traceback)\n")
        return exits.INTERNAL
    return exits.OK
