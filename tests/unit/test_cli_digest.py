"""`newsdigest digest`: a folder, files and JSONL of articles in, the stories out, as the API gives them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from service.cli import exits
from tests.support.cli import Cli

DATA = Path(__file__).resolve().parents[1] / "data"
STORIES = ("ferry_strike", "prisoner_exchange", "quake")


@pytest.fixture
def pile(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The three stories of tests/data as text files in one folder (the working directory's `pile`)."""
    monkeypatch.chdir(tmp_path)
    folder = Path("pile")
    folder.mkdir()
    for name in STORIES:
        for a in json.loads((DATA / f"{name}.json").read_text())["articles"]:
            (folder / f"{name}-{a['id']}.txt").write_text(a["text"], encoding="utf-8")
    (folder / ".hidden").write_text("not an article")
    return folder


def test_a_folder_gives_its_stories_as_the_api_does(cli: Cli, pile: Path, client: TestClient) -> None:
    got = cli("digest", str(pile), "--json", "-n", "2")
    assert got.status == 0, got.err
    data = got.json()
    files = sorted(p for p in pile.iterdir() if not p.name.startswith("."))
    body = {"articles": [{"text": p.read_text(), "id": str(p)} for p in files], "options": {"num_facts": 2}}
    api = client.post("/v1/digest", json=body).json()
    assert [s["articles"] for s in data["stories"]] == [s["articles"] for s in api["stories"]]
    assert [s["summary"] for s in data["stories"]] == [s["summary"] for s in api["stories"]]
    assert {frozenset(Path(files[i]).name.split("-")[0] for i in s["articles"]) for s in data["stories"]} == {
        frozenset({name}) for name in STORIES
    }


def test_the_text_names_each_story_and_its_files(cli: Cli, pile: Path) -> None:
    got = cli("digest", str(pile))
    assert got.status == 0, got.err
    assert got.out.count("=== Story ") == 3
    assert "Conflicts" in got.out and "1,200 prisoners" in got.out
    assert "pile/quake-harbour-wire.txt" in got.out
    assert got.out.rstrip().splitlines()[-1].startswith("3 stories from 9 articles")


def test_jsonl_articles_and_files_mix(cli: Cli, pile: Path) -> None:
    quake = json.loads((DATA / "quake.json").read_text())["articles"]
    lines = [json.dumps({"text": a["text"], "published": a["published"]}) for a in quake]
    Path("wire.jsonl").write_text("\n".join(lines) + "\n\n", encoding="utf-8")
    ferry = sorted(str(p) for p in pile.glob("ferry_strike-*"))
    data = cli("digest", "wire.jsonl", *ferry, "--json").json()
    assert sorted(len(s["articles"]) for s in data["stories"]) == [3, 3]
    quake_story = next(s for s in data["stories"] if 0 in s["articles"])
    assert quake_story["articles"] == [0, 1, 2]
    assert quake_story["published"]["first"].startswith("2026-05-04")
    ids = {src["article_id"] for f in quake_story["key_facts"] for src in f["sources"]}
    assert ids <= {"wire.jsonl:1", "wire.jsonl:2", "wire.jsonl:3"} and ids


def test_bad_inputs_say_what_is_wrong(cli: Cli, pile: Path) -> None:
    Path("bad.jsonl").write_text('{"text": "A storm hit Merrow on Friday."}\nnot json\n', encoding="utf-8")
    got = cli("digest", "bad.jsonl")
    assert got.status == exits.BY_STATUS[422] and "bad.jsonl line 2 is not JSON" in got.err
    Path("empty").mkdir()
    got = cli("digest", "empty")
    assert got.status == exits.USAGE and "no files in empty" in got.err
    Path("blank.txt").write_text("   ", encoding="utf-8")
    got = cli("digest", "blank.txt", str(pile))
    assert got.status == exits.BY_STATUS[422] and "articles.0.text" in got.err


def test_too_many_articles_is_413(cli: Cli, pile: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SUMMARIZER_DIGEST_MAX_ARTICLES", "4")
    got = cli("digest", str(pile))
    assert got.status == exits.BY_STATUS[413] and "at most 4" in got.err
