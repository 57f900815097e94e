"""`newsdigest summarize` in this process: the API's JSON and errors, the text output, the inputs.

The command runs as a user runs it (`main` with an argument list, real files, stdin), with the
embedded engine; the HTTP API answers the same request beside it (`client`) for comparison.
"""

from __future__ import annotations

import html
import json
import re
import threading
import tomllib
from collections.abc import Sequence
from importlib import import_module
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from service.api.schemas import SummarizeResponse
from service.cli import exits
from service.cli.__main__ import EXIT_STATUSES
from service.cli.text import render
from service.domain import Cluster, Result
from service.engines.base import Engine
from service.engines.embedded import EmbeddedEngine
from service.errors import ServiceError
from tests.support.articles import SHARED
from tests.support.cli import Cli, assert_same_answer

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = SHARED / "data" / "articles" / "zelensky-turkey-talks.txt"


def as_api(client: TestClient, body: dict[str, Any]) -> dict[str, Any]:
    r = client.post("/v1/summarize", json=body)
    assert r.status_code == 200, r.text
    data: dict[str, Any] = r.json()
    return data


# --- output -----------------------------------------------------------------------------------


def test_json_is_what_the_api_answers(cli: Cli, ferry_files: list[str], client: TestClient) -> None:
    got = cli("summarize", *ferry_files, "--json", "--max-words", "50", "-n", "3")
    assert got.status == 0, got.err
    data = got.json()
    SummarizeResponse.model_validate(data)
    body = {
        "articles": [{"text": Path(f).read_text(), "id": f} for f in ferry_files],
        "options": {"max_words": 50, "num_facts": 3},
    }
    assert_same_answer(data, as_api(client, body))
    assert [s["article_id"] for f in data["key_facts"] for s in f["sources"]]
    assert {s["article_id"] for f in data["key_facts"] for s in f["sources"]} <= set(ferry_files)


def test_text_shows_summary_numbered_facts_sources_and_support(cli: Cli, ferry_files: list[str]) -> None:
    as_json = cli("summarize", *ferry_files, "--json", "-n", "4").json()
    got = cli("summarize", *ferry_files, "-n", "4")
    assert got.status == 0, got.err
    lines = got.out.splitlines()
    assert lines[:2] == ["Summary", as_json["summary"]]
    facts = lines[lines.index("Key facts") + 1 : lines.index("Key facts") + 1 + len(as_json["key_facts"])]
    assert len(as_json["key_facts"]) == 4
    for n, (line, fact) in enumerate(zip(facts, as_json["key_facts"], strict=True), 1):
        # Counted from 1 for people; the JSON counts from 0.
        sources = " ".join(f"[{s['article'] + 1}:{s['sentence'] + 1}]" for s in fact["sources"])
        assert line == f"{n}. {fact['text']} {sources} (support {fact['support']})"
    assert f"Articles: [1] {ferry_files[0]}, [2] {ferry_files[1]}, [3] {ferry_files[2]}" in lines
    words = as_json["input"]["total"]
    assert re.fullmatch(rf"embedded engine; read {words} of {words} words; \d+ ms", lines[-1])


def test_stdin_is_an_article(cli: Cli, ferry_files: list[str], client: TestClient) -> None:
    text = Path(ferry_files[0]).read_bytes()
    got = cli("summarize", "-", "--json", stdin=text)
    assert got.status == 0, got.err
    data = got.json()
    assert_same_answer(data, as_api(client, {"articles": [{"text": text.decode(), "id": "stdin"}]}))
    for fact in data["key_facts"]:
        (src,) = fact["sources"]
        assert src["article_id"] == "stdin"
        assert text.decode()[src["start"] : src["end"]].split() == fact["text"].split()


def test_stdin_is_named_stdin_in_messages(cli: Cli) -> None:
    """As its id says: an empty or undecodable stdin is `stdin`, not `-`."""
    got = cli("summarize", "-", stdin=b"")
    assert got.status == 3
    assert got.err.endswith("  body.articles.0.text (stdin): `text` must not be empty\n")
    got = cli("summarize", "-", stdin="Café".encode("latin-1"))
    assert got.status == 3 and "bad_request: stdin is not UTF-8 text (byte 3)" in got.err


def test_html_files_are_read_as_html(cli: Cli, tmp_path: Path, ferry: list[dict[str, Any]]) -> None:
    paragraphs = "".join(f"<p>{html.escape(line)}</p>\n" for line in ferry[0]["text"].split("\n"))
    page = (
        "<!doctype html><html><head><title>Ferry strike</title><style>p {margin: 0}</style></head>\n"
        f"<body><nav><a href='/'>Home</a></nav>\n{paragraphs}<script>track('view')</script></body></html>"
    )
    path = tmp_path / "gazette.html"
    path.write_text(page, encoding="utf-8")
    got = cli("summarize", str(path), "--json", "-n", "3")
    assert got.status == 0, got.err
    data = got.json()
    assert "<" not in data["summary"] and "track" not in data["summary"] and "margin" not in data["summary"]
    assert "Ferry workers in Port Alder walked off the job" in data["summary"]
    assert data["key_facts"]
    # A whole page is read through the extractor: the navigation is not in the article read, and
    # sources index the article text the answer returns.
    (read,) = data["input"]["pages"]
    assert read["title"] == "Ferry strike" and read["markup_chars"] == len(page)
    assert "Home" not in read["text"] and "track" not in read["text"]
    for fact in data["key_facts"]:
        (src,) = fact["sources"]
        span = read["text"][src["start"] : src["end"]]
        assert span.split() == fact["text"].split()


def test_a_json_request_file_is_the_apis_body_and_flags_override_it(
    cli: Cli, tmp_path: Path, ferry: list[dict[str, Any]], client: TestClient
) -> None:
    body = {
        "articles": ferry[1:],
        "background": ferry[:1],
        "query": "What did the union say?",
        "options": {"max_words": 40, "num_facts": 5},
    }
    request = tmp_path / "request.json"
    request.write_text(json.dumps(body), encoding="utf-8")
    got = cli("summarize", str(request), "--json")
    assert got.status == 0, got.err
    assert_same_answer(got.json(), as_api(client, body))
    assert got.json()["background_articles"] == 1 and got.json()["query"] == body["query"]

    overridden = cli("summarize", str(request), "--json", "-n", "1", "--query", "How many passengers?")
    changed = {**body, "options": {"max_words": 40, "num_facts": 1}, "query": "How many passengers?"}
    assert_same_answer(overridden.json(), as_api(client, changed))
    # Read from stdin, a request says so.
    piped = cli("summarize", "--request", "-", "--json", stdin=request.read_bytes())
    assert_same_answer(piped.json(), as_api(client, body))


def test_background_files_and_a_query(cli: Cli, ferry_files: list[str], client: TestClient) -> None:
    old, *new = ferry_files
    argv = ["summarize", *new, "-q", "What will the company do?", "-b", old]
    got = cli(*argv, "--json")
    assert got.status == 0, got.err
    body = {
        "articles": [{"text": Path(f).read_text(), "id": f} for f in ferry_files[1:]],
        "background": [{"text": Path(ferry_files[0]).read_text(), "id": ferry_files[0]}],
        "query": "What will the company do?",
    }
    assert_same_answer(got.json(), as_api(client, body))
    text = cli(*argv)
    lines = text.out.splitlines()
    assert lines[:2] == ["Query: What will the company do?", ""]
    assert f"Background: [b1] {ferry_files[0]}" in lines


def test_conflicts_and_updates_read_as_text() -> None:
    def src(article: int, sentence: int, background: bool = False) -> dict[str, Any]:
        return {"article": article, "sentence": sentence, "start": 0, "end": 9, "background": background}

    response = SummarizeResponse.model_validate(
        {
            "summary": "The ferry strike went on.",
            "key_facts": [{"text": "Crossings stopped.", "sources": [src(0, 0), src(1, 2)], "support": 2}],
            "conflicts": [
                {
                    "subject": "passengers",
                    "claims": [
                        {"value": "6,000", "text": "It carries 6,000.", "sources": [src(0, 3)], "support": 1},
                        {"value": "4,500", "text": "It carries 4,500.", "sources": [src(1, 1)], "support": 1},
                    ],
                }
            ],
            "updates": [
                {
                    "subject": "deaths",
                    "claims": [
                        {
                            "value": "12",
                            "text": "12 died.",
                            "sources": [src(1, 0)],
                            "support": 1,
                            "published": "2026-03-03T00:00:00",
                        },
                        {
                            "value": "8",
                            "text": "8 died.",
                            "sources": [src(0, 4, background=True)],
                            "support": 1,
                            "published": "2026-03-02T09:30:00Z",
                        },
                    ],
                }
            ],
            "engine": "seq2seq",
            "model": "tiny-t5",
            "input": {
                "unit": "tokens",
                "budget": 512,
                "total": 900,
                "used": 512,
                "truncated": True,
                "left_out": [2],
                "articles": [],
            },
            "generated_tokens": 40,
            "timings_ms": {"total": 1234.4},
        }
    )
    assert render(response, ["a.txt", "b.txt", ""], ["old.txt"]) == (
        "Summary\n"
        "The ferry strike went on.\n"
        "\n"
        "Key facts\n"
        "1. Crossings stopped. [1:1] [2:3] (support 2)\n"
        "\n"
        "Conflicts (the articles disagree; no version is picked)\n"
        "- passengers\n"
        "    6,000: It carries 6,000. [1:4] (support 1)\n"
        "    4,500: It carries 4,500. [2:2] (support 1)\n"
        "\n"
        "Updates (the figure changed over time; newest first)\n"
        "- deaths\n"
        "    12, 2026-03-03: 12 died. [2:1] (support 1)\n"
        "    8, 2026-03-02T09:30:00+00:00: 8 died. [b1:5] (support 1)\n"
        "\n"
        "Articles: [1] a.txt, [2] b.txt\n"
        "Background: [b1] old.txt\n"
        "seq2seq engine (tiny-t5); read 512 of 900 tokens (budget 512); nothing read of [3]; 1234 ms\n"
    )


# --- errors -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("argv", "env", "status", "expected"),
    [
        (
            ["FILES", "empty.txt"],
            {},
            3,
            "body.articles.3.text (empty.txt): `text` must not be empty",
        ),
        (["FILES"], {"SUMMARIZER_MAX_ARTICLES": "2"}, 3, "invalid_request: at most 2 articles per request"),
        (
            ["FILES"],
            {"SUMMARIZER_MAX_ARTICLE_CHARS": "600"},
            4,
            "characters; the limit is 600 (harbour-gazette.txt)",
        ),
        (
            ["FILES"],
            {"SUMMARIZER_MAX_TOTAL_CHARS": "1000"},
            4,
            "payload_too_large: the articles (background included)",
        ),
        (["FILES"], {"SUMMARIZER_MAX_BODY_BYTES": "1000"}, 4, "request body over the limit of 1000 bytes"),
        (
            ["FILES", "nowhere.txt"],
            {},
            2,
            "newsdigest: error: cannot read nowhere.txt: No such file or directory",
        ),
        (["latin1.txt"], {}, 3, "bad_request: latin1.txt is not UTF-8 text (byte 3)"),
        (
            ["FILES", "--max-words", "5"],
            {},
            3,
            "body.options.max_words: `max_words` must be at least 10, not 5",
        ),
        (["-", "-"], {}, 2, "stdin (-) can be read only once"),
        (["blank.txt"], {}, 3, "blank.txt): text must not be blank"),
        (["symbols.txt"], {}, 3, "invalid_request: the articles contain no sentences"),
    ],
    ids=[
        "empty-file",
        "too-many-articles",
        "article-too-long",
        "articles-too-long",
        "body-too-large",
        "no-such-file",
        "not-utf8",
        "option-out-of-range",
        "stdin-twice",
        "blank-file",
        "no-words",
    ],
)
def test_bad_input_exits_with_the_apis_class_and_message(
    cli: Cli,
    ferry_files: list[str],
    monkeypatch: pytest.MonkeyPatch,
    argv: list[str],
    env: dict[str, str],
    status: int,
    expected: str,
) -> None:
    Path("empty.txt").write_bytes(b"")
    Path("blank.txt").write_text(" \n\t\n")
    Path("symbols.txt").write_text("... !! — — —")
    Path("latin1.txt").write_bytes("Caf\xe9 society".encode("latin-1"))
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    expanded = [a for arg in argv for a in (ferry_files if arg == "FILES" else [arg])]
    got = cli("summarize", *expanded)
    assert got.status == status, got.err
    assert expected in got.err
    assert got.out == ""


def test_a_request_file_that_is_not_json(cli: Cli, ferry_files: list[str]) -> None:
    Path("request.json").write_text('{"articles": [')
    got = cli("summarize", "request.json")
    assert got.status == 3
    assert got.err == (
        "newsdigest: invalid_request: request.json is not valid JSON: Expecting value (line 1, column 15)\n"
    )
    Path("request.json").write_text('{"articles": [{"text": "A ferry sailed."}], "extra": 1}')
    got = cli("summarize", "request.json")
    assert got.status == 3
    assert "body.extra: `extra` is not a field this service knows (check its spelling)" in got.err
    got = cli("summarize", "request.json", ferry_files[0])
    assert got.status == 2 and "must be the only FILE" in got.err


def test_usage_errors_exit_2(cli: Cli, ferry_files: list[str]) -> None:
    assert cli("summarize", ferry_files[0], "--api-key", "k").status == 2
    assert cli("summarize", ferry_files[0], "--max-words", "many").status == 2
    assert cli("summarize", ferry_files[0], "--url", "ftp://example.org").status == 2
    assert cli("summarize").status == 2
    assert cli().status == 2
    got = cli("nonsense")
    assert got.status == 2 and "invalid choice: 'nonsense'" in got.err


class BrokenLoad(EmbeddedEngine):
    def load(self) -> None:
        raise OSError("no such checkpoint: /models/missing")


class Broken(EmbeddedEngine):
    def summarize(
        self, clusters: Sequence[Cluster], stop: Sequence[threading.Event] | None = None
    ) -> list[Result]:
        raise RuntimeError("the engine broke")


class Holding(EmbeddedEngine):
    def __init__(self) -> None:
        super().__init__()
        self.release = threading.Event()

    def summarize(
        self, clusters: Sequence[Cluster], stop: Sequence[threading.Event] | None = None
    ) -> list[Result]:
        self.release.wait(10)
        return super().summarize(clusters, stop)


@pytest.mark.parametrize(
    ("engine", "status", "expected"),
    [
        (BrokenLoad, 7, "newsdigest: engine_failed: the engine failed to load: OSError: no such checkpoint"),
        (Broken, 1, "newsdigest: internal_error: RuntimeError: the engine broke"),
        (Holding, 8, "newsdigest: deadline_exceeded: no result within 0.3 s"),
    ],
    ids=["load-fails", "engine-fails", "deadline"],
)
def test_engine_failures_exit_with_their_class(
    cli: Cli,
    ferry_files: list[str],
    monkeypatch: pytest.MonkeyPatch,
    engine: type[Engine],
    status: int,
    expected: str,
) -> None:
    made = engine()
    monkeypatch.setattr("service.cli.run.build_engine", lambda settings: made)
    try:
        got = cli("summarize", *ferry_files, "--timeout", "0.3")
    finally:
        if isinstance(made, Holding):
            made.release.set()
    assert got.status == status
    assert got.err.startswith(expected) and got.out == ""


def test_every_api_error_class_has_one_documented_exit_status() -> None:
    documented = {int(n) for n in re.findall(r"^  (\d+) ", EXIT_STATUSES, flags=re.M)}
    assert documented == {exits.OK, exits.INTERNAL, exits.USAGE, exits.UNREACHABLE, exits.INTERRUPTED} | set(
        exits.BY_STATUS.values()
    )
    # Every error the API answers with a client-side status has its own exit status; the input's
    # faults (400, 415, 422) share one.
    statuses = {
        cls.status for cls in _subclasses(ServiceError) if 400 <= cls.status < 500 or cls.status in (503, 504)
    }
    unmapped = statuses - set(exits.BY_STATUS)
    assert unmapped == {404, 405, 499}  # a wrong URL (--url: unreachable), a client that left
    assert len(set(exits.BY_STATUS.values())) == len(set(exits.BY_STATUS)) - 2


def _subclasses(cls: type[ServiceError]) -> list[type[ServiceError]]:
    return [cls, *(s for sub in cls.__subclasses__() for s in _subclasses(sub))]


# --- the other commands, help, the entry points ------------------------------------------------


def test_help_lists_the_commands_and_exit_statuses(cli: Cli) -> None:
    top = cli("--help")
    assert top.status == 0
    for command in ("summarize", "serve", "eval"):
        assert re.search(rf"^  {command} +\S", top.out, flags=re.M)
    summarize = cli("summarize", "--help")
    assert summarize.status == 0 and "usage: newsdigest summarize" in summarize.out
    assert "exit status:" in summarize.out and "--json" in summarize.out
    serve = cli("serve", "--help")
    assert serve.status == 0 and serve.out.startswith("usage: newsdigest serve")
    assert "--port PORT" in serve.out


def test_entry_points_name_real_functions() -> None:
    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["scripts"]
    assert scripts["newsdigest"] == "service.cli.__main__:main"
    assert {"newsdigest-serve", "newsdigest-eval"} <= set(scripts)
    for target in scripts.values():
        module, _, name = target.partition(":")
        assert callable(getattr(import_module(module), name))


# --- the sample article (../shared) -----------------------------------------------------------


@pytest.mark.shared
def test_the_sample_article_from_a_file_and_from_stdin(cli: Cli) -> None:
    if not SAMPLE.is_file():
        pytest.skip(f"sample article not found at {SAMPLE} (evaluation data, not in the repo)")
    from_file = cli("summarize", str(SAMPLE), "--json")
    from_stdin = cli("summarize", "-", "--json", stdin=SAMPLE.read_bytes())
    assert from_file.status == from_stdin.status == 0
    a = SummarizeResponse.model_validate(from_file.json())
    b = SummarizeResponse.model_validate(from_stdin.json())
    assert a.summary and a.key_facts and a.summary == b.summary
    assert [f.text for f in a.key_facts] == [f.text for f in b.key_facts]
    assert {s.article_id for f in a.key_facts for s in f.sources} == {str(SAMPLE)}
    assert {s.article_id for f in b.key_facts for s in f.sources} == {"stdin"}
    text = SAMPLE.read_text()
    for fact in a.key_facts:
        (src,) = fact.sources
        assert text[src.start : src.end].split() == fact.text.split()
    for got in (cli("summarize", str(SAMPLE)), cli("summarize", "-", stdin=SAMPLE.read_bytes())):
        assert got.status == 0
        assert got.out.startswith(f"Summary\n{a.summary}\n\nKey facts\n1. {a.key_facts[0].text} [1:")


def test_a_page_file_says_it_was_read_through_the_extractor(cli: Cli) -> None:
    page = Path(__file__).parents[1] / "data" / "pages" / "harbour-talks.html"
    got = cli("summarize", str(page), "-n", "2")
    assert got.status == 0, got.err
    assert "[1] read from an HTML page by trafilatura" in got.out
    assert "characters of article in" in got.out and "Harbour talks resume in Valmora" in got.out
    assert "cookies" not in got.out and "26 people" not in got.out
