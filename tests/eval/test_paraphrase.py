"""`python -m eval paraphrase`: the MSRP reader, the judging and the metrics by hand, and a run."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

from eval.__main__ import main
from eval.data import DataError, file_sha256
from eval.paraphrase import HEADER, Confusion, judge, read_pairs
from tests.support.articles import SHARED

MSRP_TEST = SHARED / "data" / "msrp" / "msr_paraphrase_test.tsv"

# Project-written pairs: (label, id1, id2, sentence 1, sentence 2).
PAIRS = [
    (
        "1",
        "101",
        "201",
        "The harbour authority said on Monday that 14 ferries would stay in port until Friday.",
        "The harbour authority said on Monday that 14 ferries would stay in port until Friday.",
    ),
    (
        "1",
        "102",
        "202",
        "Mayor Lena Ortiz approved a budget of 12 million dollars for three new schools.",
        "A 12 million dollar budget for three new schools was approved by Mayor Lena Ortiz.",
    ),
    (
        "0",
        "103",
        "203",
        "Striking dockers in Rotterdam blocked 40 container ships on Tuesday morning.",
        "The orchestra from Vienna played Mahler's ninth symphony to 2,300 listeners.",
    ),
    (
        "0",
        "104",
        "204",
        'Coach Maria Santos called the 3-1 defeat "a lesson we needed" after Sunday\'s match.',
        "Heavy snowfall closed 85 mountain roads across Colorado during the weekend.",
    ),
]


def write_tsv(path: Path, rows: Sequence[tuple[str, ...]], header: tuple[str, ...] = HEADER) -> Path:
    path.write_text("\n".join("\t".join(r) for r in [header, *rows]) + "\n", encoding="utf-8")
    return path


# --- reading -------------------------------------------------------------------------------------


def test_reader_keeps_quotes_as_text(tmp_path: Path) -> None:
    rows = [
        ("1", "11", "12", 'He said "we will win the vote.', "He predicted a win."),
        ("0", "13", "14", "Shares fell 3 percent.", '"Nothing changed", she said.'),
    ]
    pairs = read_pairs(write_tsv(tmp_path / "p.tsv", rows))
    assert [(p.label, p.id1, p.id2, p.text1, p.text2) for p in pairs] == [
        (True, "11", "12", 'He said "we will win the vote.', "He predicted a win."),
        (False, "13", "14", "Shares fell 3 percent.", '"Nothing changed", she said.'),
    ]
    assert [p.id1 for p in read_pairs(tmp_path / "p.tsv", limit=1)] == ["11"]


@pytest.mark.parametrize(
    ("rows", "header", "message"),
    [
        ([("1", "1", "2", "a b", "c d")], ("Quality", "id", "id", "s", "s"), "expected the MSRP header"),
        ([("yes", "1", "2", "a b", "c d")], HEADER, "label 'yes' is not 0 or 1"),
        ([("1", "1", "2", "a b")], HEADER, "4 fields, expected 5"),
        ([("1", "1", "2", " ", "c d")], HEADER, "an empty sentence"),
        ([], HEADER, "no pairs"),
    ],
)
def test_reader_refuses_other_layouts(
    tmp_path: Path, rows: list[tuple[str, ...]], header: tuple[str, ...], message: str
) -> None:
    with pytest.raises(DataError, match=message):
        read_pairs(write_tsv(tmp_path / "bad.tsv", rows, header))


# --- judging and metrics ---------------------------------------------------------------------------


def fact(*articles: int, support: int | None = None) -> dict[str, Any]:
    sources = [{"article": a, "sentence": 0, "start": 0, "end": 1} for a in articles]
    return {
        "text": "x",
        "support": support if support is not None else len(set(articles)),
        "sources": sources,
    }


def test_judge_reads_the_sources() -> None:
    both = judge([fact(0), fact(1, 0)])
    assert (both.merged, both.support, both.facts, both.no_fact) == (True, 2, 2, False)
    apart = judge([fact(0), fact(1)])
    assert (apart.merged, apart.support, apart.no_fact) == (False, 1, False)
    # A support number the sources do not back is not a merge.
    assert not judge([fact(0, support=2)]).merged
    empty = judge([], conflicts=1)
    assert (empty.merged, empty.support, empty.no_fact, empty.conflicts) == (False, 0, True, 1)


def test_metrics_by_hand() -> None:
    # (label, merged): 3 tp, 1 fp, 2 fn, 4 tn.
    labelled = [(True, True)] * 3 + [(False, True)] + [(True, False)] * 2 + [(False, False)] * 4
    c = Confusion.of(labelled)
    assert (c.tp, c.fp, c.fn, c.tn, c.total) == (3, 1, 2, 4, 10)
    m = c.metrics()
    assert m["precision"] == pytest.approx(3 / 4)
    assert m["recall"] == pytest.approx(3 / 5)
    # 2PR / (P + R) = 2 * 0.75 * 0.6 / 1.35
    assert m["f1"] == pytest.approx(2 / 3)
    assert m["accuracy"] == pytest.approx(7 / 10)
    assert m["positive_share"] == pytest.approx(5 / 10)
    assert m["merged_share"] == pytest.approx(4 / 10)


def test_undefined_metrics_are_none_not_zero() -> None:
    m = Confusion.of([(True, False), (False, False)]).metrics()
    assert m["precision"] is None  # nothing merged
    assert m["recall"] == 0.0 and m["f1"] == 0.0
    assert Confusion.of([(False, False)]).metrics()["recall"] is None  # nothing to find


# --- the command -----------------------------------------------------------------------------------


def test_run_on_four_pairs(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = write_tsv(tmp_path / "four.tsv", PAIRS)
    out = tmp_path / "run"
    assert main(["paraphrase", "--data", str(data), "--out", str(out), "--batch-size", "3"]) == 0
    table = capsys.readouterr().out
    assert "precision" in table and "no fact:" in table

    results = json.loads((out / "results.json").read_text())
    settings = results["settings"]
    assert settings["dataset_sha256"] == file_sha256(data)
    assert settings["num_facts"] == 50 and settings["system_under_test"]["engine"] == "embedded"
    assert "git_commit" in settings
    counts = results["counts"]
    assert counts["pairs"] == 4 and counts["positives"] == 2
    assert counts["tp"] + counts["fp"] + counts["fn"] + counts["tn"] == 4
    assert results["metrics"]["positive_share"] == 0.5

    rows = [json.loads(line) for line in (out / "pairs.jsonl").read_text().splitlines()]
    assert [(r["index"], r["id1"], r["id2"], r["label"]) for r in rows] == [
        (i, p[1], p[2], int(p[0])) for i, p in enumerate(PAIRS)
    ]
    assert {"merged", "support", "facts", "conflicts"} <= set(rows[0])
    # What any engine must do: one sentence told twice is one fact from both articles, and
    # sentences sharing no word are not.
    assert rows[0]["merged"] and rows[0]["support"] == 2
    assert not rows[2]["merged"] and not rows[3]["merged"]
    assert results["metrics"]["precision"] == 1.0
    assert counts["merged"] == sum(r["merged"] for r in rows)
    assert counts["no_fact"] == sum(r["facts"] == 0 for r in rows)


def test_unreadable_data_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = write_tsv(tmp_path / "bad.tsv", [("maybe", "1", "2", "a b", "c d")])
    assert main(["paraphrase", "--data", str(data)]) == 2
    assert "label 'maybe' is not 0 or 1" in capsys.readouterr().err


@pytest.mark.shared
@pytest.mark.slow
def test_msrp_test_split_first_200(tmp_path: Path) -> None:
    if not MSRP_TEST.is_file():
        pytest.skip(f"MSRP test split not found at {MSRP_TEST}")
    out = tmp_path / "msrp"
    assert main(["paraphrase", "--data", str(MSRP_TEST), "--limit", "200", "--out", str(out)]) == 0
    results = json.loads((out / "results.json").read_text())
    assert results["settings"]["dataset_sha256"] == file_sha256(MSRP_TEST)
    assert results["settings"]["limit"] == 200
    assert results["counts"]["pairs"] == 200
    for block in (results["metrics"], results["with_fact"]["metrics"]):
        assert set(block) == {"precision", "recall", "f1", "accuracy", "positive_share", "merged_share"}
        assert all(v is None or 0.0 <= v <= 1.0 for v in block.values())
    rows = (out / "pairs.jsonl").read_text().splitlines()
    assert len(rows) == 200
    assert results["counts"]["merged"] == sum(json.loads(r)["merged"] for r in rows)
