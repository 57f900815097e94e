"""Input files to the API's request body: the same JSON a client would POST.

An article file (text or HTML, or `-` for stdin) becomes `{"text": ..., "id": <its path>}`: the
text as it is, so sources index the file's characters (HTML is read as HTML by the engine, which
recognises markup by its content); the path is the id because it is what the reader knows the
article by, and it comes back in every source (`article_id`). No title is set: a file name is no
headline, and a seq2seq model reads titles. A JSON file (`*.json`, or any one input with
`--request`) is a request body taken as it is; flags given on the command line override its fields.

A link (an `http://` or `https://` argument) is fetched here, on the user's own machine
(`service.pages.fetch`, all links at once), and its page becomes `{"text": <the page>, "id": <the
link as typed>, "url": <where it led, after redirects>}`; which links failed, and what that does to
the command, is the command's to say (`service.cli.__main__`).
"""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from service.api.schemas import MAX_ID_CHARS
from service.cli import exits
from service.cli.exits import CliError
from service.errors import BadRequest, FetchFailed, InvalidInput, PayloadTooLarge
from service.pages.fetch import Fetched, FetchPolicy, fetch_all

STDIN = "-"
STDIN_ID = "stdin"
# A guard against reading a file that is no article (a disk image named *.txt): far above any
# request the API admits. The limits proper are the settings', checked where the API checks them.
READ_LIMIT = 64 * 2**20
LINK_RE = re.compile(r"https?://", re.I)


@dataclass
class Inputs:
    """A request body, with where each of its articles came from (for messages and the text output)."""

    body: Any
    # The request file's own bytes (what a client would send), when the body came from one.
    raw: bytes | None = None
    # The file of each article and background article; empty for a request file.
    files: list[str] = field(default_factory=list)
    background_files: list[str] = field(default_factory=list)

    def encoded(self) -> bytes:
        """The body as a client sends it: the request file as read, or the built body as JSON."""
        if self.raw is not None:
            return self.raw
        return json.dumps(self.body, ensure_ascii=False).encode("utf-8")

    def named(self, message: str) -> str:
        """An API message about `article N` (`background article N`), with that article's file."""
        found = re.search(r"\b(background )?article (\d+)\b", message)
        if found:
            files = self.background_files if found[1] else self.files
            i = int(found[2])
            if i < len(files):
                return f"{message} ({shown(files[i])})"
        return message

    def where(self, loc: str) -> str:
        """`loc` of an API error detail (`body.articles.0.text`), with the file it points at."""
        found = re.match(r"(?:body\.)?(articles|background)\.(\d+)(?:\.|$)", loc)
        if found:
            files = self.files if found[1] == "articles" else self.background_files
            i = int(found[2])
            if i < len(files):
                return f"{loc} ({shown(files[i])})"
        return loc


def shown(name: str) -> str:
    """An input as messages name it: a path or link as given, stdin (`-`) by its id, `stdin`."""
    return STDIN_ID if name == STDIN else name


def is_request(name: str) -> bool:
    return name.lower().endswith(".json") and not is_link(name)


def is_link(name: str) -> bool:
    """An http(s) URL, fetched rather than opened as a file."""
    return LINK_RE.match(name) is not None


def fetch_links(
    names: Sequence[str], policy: FetchPolicy
) -> dict[str, Fetched | FetchFailed | PayloadTooLarge]:
    """Each link among `names` (once, however often it is named): its page or why it failed, in order."""
    links = list(dict.fromkeys(n for n in names if is_link(n)))
    if not links:
        return {}
    return dict(zip(links, asyncio.run(fetch_all(links, policy)), strict=True))


def read(name: str, stdin: BinaryIO) -> bytes:
    """The bytes of a file (`-`: stdin), at most `READ_LIMIT` of them."""
    try:
        if name == STDIN:
            data = stdin.read(READ_LIMIT + 1)
        else:
            with open(name, "rb") as f:
                data = f.read(READ_LIMIT + 1)
    except OSError as exc:
        raise CliError(exits.USAGE, "error", f"cannot read {shown(name)}: {exc.strerror or exc}") from None
    if len(data) > READ_LIMIT:
        raise CliError.from_service(
            PayloadTooLarge(
                f"{shown(name)} is over {READ_LIMIT // 2**20} MiB: no article or request is that large"
            )
        )
    return data


def decode(name: str, data: bytes) -> str:
    """UTF-8 text (a byte-order mark is dropped); the API reads nothing else either."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise CliError.from_service(
            BadRequest(f"{shown(name)} is not UTF-8 text (byte {exc.start})")
        ) from None


def article_id(name: str) -> str:
    """The path or link as given; a path longer than the API admits for an id keeps its end (the
    file's name), a link its start (the site)."""
    label = shown(name)
    if len(label) <= MAX_ID_CHARS:
        return label
    return label[: MAX_ID_CHARS - 1] + "…" if is_link(label) else Path(label).name[-MAX_ID_CHARS:]


def article(name: str, stdin: BinaryIO, pages: Mapping[str, Fetched]) -> dict[str, Any]:
    if is_link(name):
        page = pages[name]
        return {"text": page.text, "id": article_id(name), "url": page.final_url}
    return {"text": decode(name, read(name, stdin)), "id": article_id(name)}


def request_file(name: str, stdin: BinaryIO) -> tuple[Any, bytes]:
    """A JSON request body and its bytes. Not JSON: the API's 422 (not UTF-8: its 400)."""
    raw = read(name, stdin)
    text = decode(name, raw)
    try:
        return json.loads(text), raw
    except json.JSONDecodeError as exc:
        raise CliError.from_service(
            InvalidInput(f"{name} is not valid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})")
        ) from None


def check_usage(files: list[str], background: list[str], *, request: bool = False) -> None:
    """Raise a usage `CliError` for stdin named twice, a request file beside other inputs, or a
    link as the request (before any file is read or any link fetched)."""
    if [*files, *background].count(STDIN) > 1:
        raise CliError(exits.USAGE, "error", "stdin (-) can be read only once")
    if request and any(is_link(f) for f in files):
        raise CliError(exits.USAGE, "error", "--request reads a file or stdin, not a link")
    requests = [f for f in files if request or is_request(f)]
    if requests and len(files) > 1:
        message = f"a JSON request ({requests[0]}) must be the only FILE (--background may add articles)"
        raise CliError(exits.USAGE, "error", message)


def gather(
    files: list[str],
    background: list[str],
    stdin: BinaryIO,
    *,
    pages: Mapping[str, Fetched] | None = None,
    request: bool = False,
    max_words: int | None = None,
    num_facts: int | None = None,
    query: str | None = None,
) -> Inputs:
    """The request body from the command line's files, links and flags; each link's page is
    taken from `pages` (`fetch_links`), so leave out the links that failed.

    Raises `CliError`: `check_usage`'s usage errors, and the API's errors for files that cannot
    be a request.
    """
    check_usage(files, background, request=request)
    pages = pages or {}
    if request or any(is_request(f) for f in files):
        body, raw = request_file(files[0], stdin)
        inputs = Inputs(body=body, raw=raw)
    else:
        inputs = Inputs(body={"articles": [article(f, stdin, pages) for f in files]}, files=list(files))
    body = inputs.body
    if not isinstance(body, dict):
        return inputs  # not an object: the API's validation says so
    given = {k: v for k, v in (("max_words", max_words), ("num_facts", num_facts)) if v is not None}
    if given:
        options = body.setdefault("options", {})
        if isinstance(options, dict):
            options.update(given)
    if query is not None:
        body["query"] = query
    if background:
        body["background"] = [article(f, stdin, pages) for f in background]
        inputs.background_files = list(background)
    if (given or query is not None or background) and inputs.raw is not None:
        # Flags changed the request: what would be sent is the changed body.
        inputs.raw = None
    return inputs
