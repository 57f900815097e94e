"""Update summaries in the harness: dated data split into background and news, and how much of a
summary the reader had already read (`eval.data.split_by_date`, `eval.novelty`)."""

import json
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from eval.__main__ import main
from eval.data import Document, Example, load_examples, split_by_date
from eval.novelty import novelty
from tests.support.articles import load_cluster


def doc(text: str, day: int | None) -> Document:
    return Document(text=text, date=datetime(2026, 5, day) if day else None)


def test_the_latest_share_is_news_and_the_rest_background() -> None:
    ex = Example(id="x", documents=(doc("c", 3), doc("a", 1), doc("d", 4), doc("b", 2)), references=())
    split = split_by_date(ex, 0.5)
    assert split is not None
    assert [d.text for d in split.background] == ["a", "b"]
    assert [d.text for d in split.documents] == ["c", "d"]
    # At least one document on each side, whatever the share.
    low, high = split_by_date(ex, 0.01), split_by_date(ex, 0.99)
    assert low is not None and high is not None
    assert len(low.documents) == 1 and len(high.background) == 1


def test_undated_or_single_documents_cannot_be_split() -> None:
    assert split_by_date(Example(id="x", documents=(doc("a", 1), doc("b", None)), references=()), 0.5) is None
    assert split_by_date(Example(id="x", documents=(doc("a", 1),), references=()), 0.5) is None


def test_novelty_counts_bigrams_read_before_and_new_ones() -> None:
    ex = Example(
        id="x",
        documents=(doc("The rescue teams reached the valley. Aid trucks arrived at dawn.", 2),),
        references=(),
        background=(doc("The rescue teams searched all night.", 1),),
    )
    # Bigrams: "the rescue", "rescue teams" (read before), "teams reached", "reached the",
    # "the valley" (new), "valley today" (in neither); "in the" is two function words: not counted.
    shares = novelty("The rescue teams reached the valley today in the", ex)
    assert shares == {"old": pytest.approx(2 / 7), "new_only": pytest.approx(3 / 7)}
    assert novelty("anything", Example(id="y", documents=ex.documents, references=())) is None


@pytest.fixture
def quake_data(tmp_path: Path) -> Path:
    quake = load_cluster("quake")
    row = {
        "id": "quake",
        "documents": [{"text": a["text"], "date": a["published"]} for a in quake],
        "references": ["Rescuers reached the valley and aid arrived as the toll rose to 63."],
    }
    path = tmp_path / "quake.jsonl"
    path.write_text(json.dumps(row) + "\n")
    return path


def run(data: Path, out: Path, *options: str) -> dict[str, Any]:
    assert main(["run", "--data", str(data), "--out", str(out), "--max-words", "60", *options]) == 0
    return json.loads((out / "results.json").read_text())


def test_an_update_run_reports_what_was_already_read(quake_data: Path, tmp_path: Path) -> None:
    update = run(quake_data, tmp_path / "update", "--split-by-date", "0.34", "--baselines", "lead")
    alone = run(
        quake_data, tmp_path / "alone", "--split-by-date", "0.34", "--no-background", "--baselines", ""
    )
    settings = update["settings"]
    assert (settings["split_by_date"], settings["background_documents"]) == (0.34, 2)
    assert alone["settings"]["use_background"] is False
    engine = "engine:embedded"
    # Told what the reader knows, the engine repeats less of it than when summarizing the news
    # alone (Monday's 14 survivors, in both waves).
    told, untold = update["systems"][engine]["novelty"], alone["systems"][engine]["novelty"]
    assert told["old"]["mean"] < untold["old"]["mean"]
    assert "novelty" in update["systems"]["lead"]
    report = (tmp_path / "update" / "report.md").read_text()
    assert "Update: what the reader had read" in report
    # The background goes into the rows' example as the data gave it, never into the news.
    (row,) = [
        r for r in map(json.loads, (tmp_path / "update" / "examples.jsonl").open()) if r["system"] == engine
    ]
    assert set(row["novelty"]) == {"old", "new_only"}


def test_rows_may_carry_their_own_background(tmp_path: Path) -> None:
    path = tmp_path / "rows.jsonl"
    path.write_text(
        json.dumps(
            {
                "id": "a",
                "documents": ["News."],
                "references": ["R."],
                "background": ["Old.", {"text": "Older."}],
            }
        )
        + "\n"
    )
    (ex,) = load_examples(path)
    assert [d.text for d in ex.background] == ["Old.", "Older."]
