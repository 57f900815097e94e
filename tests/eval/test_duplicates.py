"""`python -m eval duplicates`: the checker on project-written facts (duplicates and look-alikes),
the counts and the hand-check agreement by hand, and the command end to end on a project-written
cluster file (and on the hand-checked DUC answers with ../shared)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from eval.__main__ import main
from eval.data import DataError, file_sha256
from eval.duplicates import (
    Judgement,
    agreement,
    content,
    fact_hashes,
    flagged_pairs,
    judge_pair,
    read_judgements,
)
from eval.duplicates.run import Answer, answer_of, sample_ids, summarize_answers
from tests.support.articles import SHARED

ROOT = Path(__file__).resolve().parents[2]
HANDCHECK = ROOT / "eval" / "labels" / "duplicate_handcheck.jsonl"

# --- the checker ---------------------------------------------------------------------------------


def test_content_is_stemmed_words_and_figures_without_stop_words() -> None:
    assert content("The ministry said unemployment fell to 4.1% in 2003.") == {
        "ministri",
        "unemploy",
        "fell",
        "4.1",
        "2003",
    }
    # Commas in figures dropped; apostrophe-s dropped; one-letter words dropped.
    assert content("Harbor's 1,200 ferries, a fleet") == {"harbor", "1200", "ferri", "fleet"}
    assert content("It was said that they would.") == frozenset()


def test_jaccard_and_containment_by_hand() -> None:
    # {port, strike, close, 14, dock} vs {port, strike, close, 14, dock, rotterdam, week}
    s = judge_pair(
        "The port strike closed 14 docks.", "The port strike closed 14 docks in Rotterdam this week."
    )
    assert s.jaccard == pytest.approx(5 / 7)
    assert s.containment == 1.0
    assert s.shared_figures == ("14",)
    assert s.why == ("overlap",)


@pytest.mark.parametrize(
    ("a", "b", "why"),
    [
        # The same sentence from two outlets, reworded a little.
        (
            "Mayor Lena Ortiz approved a budget of 12 million dollars for three new schools.",
            "A 12 million dollar budget for three new schools was approved by Mayor Lena Ortiz.",
            ("overlap",),
        ),
        # Reworded further, but the same figure about the same thing.
        (
            "The ferry Northern Star sank on Monday and 37 passengers drowned.",
            "Rescuers counted 37 passengers dead on the Northern Star.",
            ("figure",),
        ),
        # One fact restated inside a longer one.
        (
            "Striking dockers blocked container ships in Rotterdam.",
            "Striking dockers blocked container ships in Rotterdam on Tuesday, and the union said the"
            " action would go on until wages rise and the port authority agrees to talks.",
            ("contained",),
        ),
    ],
)
def test_duplicates_are_flagged(a: str, b: str, why: tuple[str, ...]) -> None:
    s = judge_pair(a, b)
    assert s.flagged and s.why == why
    assert judge_pair(b, a).why == why  # symmetric


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Unemployment fell to 4.1%.", "Inflation rose to 3.2%."),
        # Worded alike, different figures: two readings, not one fact told twice.
        ("Unemployment fell to 4.1% in May.", "Unemployment fell to 3.9% in June."),
        # One subject, two things said of it.
        (
            "The quake killed 5,000 people in Vereth.",
            "The quake left 100,000 people homeless in Vereth.",
        ),
        # The same year is not the same fact.
        (
            "Norland and Mongolia established diplomatic relations in 1972.",
            "Norland opened a trade mission in Ulan Bator in 1972.",
        ),
        # A shared figure with little else shared.
        (
            "The 14 ferries of the harbour authority stayed in port.",
            "Police arrested 14 protesters outside the parliament in Veldin.",
        ),
        ("Police said.", "Police in Veldin said the march had been peaceful."),
    ],
)
def test_look_alikes_are_not_flagged(a: str, b: str) -> None:
    assert not judge_pair(a, b).flagged


def test_flagged_pairs_of_an_answer() -> None:
    texts = [
        "Mayor Lena Ortiz approved a budget of 12 million dollars for three new schools.",
        "Heavy snowfall closed 85 mountain roads across Colorado during the weekend.",
        "A 12 million dollar budget for three new schools was approved by Mayor Lena Ortiz.",
    ]
    assert [(i, j) for i, j, _ in flagged_pairs(texts)] == [(0, 2)]
    assert flagged_pairs(texts[:1]) == [] and flagged_pairs([]) == []


# --- counts, the sample and the hand check ------------------------------------------------------------

DUPES = ["The port strike closed 14 docks.", "The port strike closed 14 docks in Rotterdam."]
APART = ["Unemployment fell to 4.1%.", "Inflation rose to 3.2%.", "Snow closed 85 roads."]


def test_counts_by_hand() -> None:
    answers = [
        answer_of("x", "a", [{"text": t} for t in DUPES + APART]),  # 5 facts, 10 pairs, 1 flagged
        answer_of("x", "b", [{"text": t} for t in APART]),  # 3 facts, 3 pairs, none
        Answer("x", "c", (), (), error="refused: nothing to read"),
    ]
    counts = summarize_answers(answers)
    assert counts == {
        "answers": 2,
        "refused": 1,
        "facts": 8,
        "pairs": 13,
        "flagged_pairs": 1,
        "mean_flagged_per_answer": 0.5,
        "answers_with_flagged": 1,
        "share_answers_with_flagged": 0.5,
        "flagged_by_rule": {"overlap": 1},
    }
    assert summarize_answers([])["mean_flagged_per_answer"] is None


def test_the_sample_is_drawn_by_seed_not_by_flags() -> None:
    plain = [Answer("x", f"c{n:02d}", ("t",), ()) for n in range(30)]
    flagged = [answer_of("x", a.id, [{"text": t} for t in DUPES]) for a in plain]
    assert sample_ids(plain, 10, seed=0) == sample_ids(flagged, 10, seed=0)
    assert len(sample_ids(plain, 10, seed=0)) == 10 and sample_ids(plain, 10, 0) != sample_ids(plain, 10, 1)
    assert sample_ids(plain[:3], 10, seed=0) == ["c00", "c01", "c02"]


def judged(answer: str, texts: list[str], duplicates: set[tuple[int, int]]) -> Judgement:
    return Judgement("x", answer, fact_hashes(texts), frozenset(duplicates), frozenset())


def test_agreement_by_hand() -> None:
    texts_a = DUPES + APART
    texts_b = ["Unemployment fell to 4.1%.", "Joblessness dropped to 4.1 percent.", "Snow closed roads."]
    judgements = [
        judged("a", texts_a, {(0, 1)}),  # flagged and judged: tp
        judged("b", texts_b, {(0, 1)}),  # judged, not flagged by the stub below: fn
        judged("c", ["old text"], {(0, 0)}),  # the answer changed since: not scored
    ]
    answers = {("x", "a"): texts_a, ("x", "b"): texts_b, ("x", "c"): ["new text"]}

    def stub(texts: Any) -> set[tuple[int, int]]:
        return {(0, 1), (2, 3)} if len(texts) == 5 else set()

    got = agreement(judgements, answers, stub)
    assert (got["tp"], got["fp"], got["fn"]) == (1, 1, 1)
    assert got["precision"] == 0.5 and got["recall"] == 0.5
    assert got["scored_answers"] == 2 and got["changed_answers"] == ["x:c"] and got["pairs"] == 13
    assert (got["answers_judged_with_duplicate"], got["answers_flagged"], got["answers_both"]) == (2, 1, 1)


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ({"dataset": "x", "answer": "a", "facts": ["1", "2"], "duplicates": [[1, 0]]}, "is not a pair"),
        ({"dataset": "x", "answer": "a", "facts": ["1", "2"], "duplicates": [[0, 2]]}, "is not a pair"),
        ({"dataset": "x", "answer": "a", "facts": ["1"]}, "not a hand-check row"),
    ],
)
def test_bad_label_rows_are_refused(tmp_path: Path, row: dict[str, Any], message: str) -> None:
    path = tmp_path / "labels.jsonl"
    path.write_text(json.dumps(row) + "\n")
    with pytest.raises(DataError, match=message):
        read_judgements(path)


def test_the_committed_hand_check_holds_no_text() -> None:
    rows = [json.loads(line) for line in HANDCHECK.read_text().splitlines()]
    assert len(rows) == 20 and {r["dataset"] for r in rows} == {"duc2004", "duc2006"}
    assert all(set(r) == {"dataset", "answer", "facts", "duplicates", "flagged", "commit"} for r in rows)
    assert all(len(h) == 8 and int(h, 16) >= 0 for r in rows for h in r["facts"])
    assert len(read_judgements(HANDCHECK)) == 20


# --- the command -----------------------------------------------------------------------------------

STORY = (
    "The ferry Northern Star sank off Port Alder on Monday, and 37 passengers drowned. "
    "The harbour authority said on Monday that 14 ferries would stay in port until Friday. "
    "Mayor Lena Ortiz ordered an inquiry into the sinking. "
)
CLUSTERS: list[dict[str, Any]] = [
    {
        "id": "ferry",
        "documents": [
            {"text": STORY, "title": "Ferry sinks", "date": "2024-03-04"},
            {
                "text": "Rescuers said 37 passengers drowned when the Northern Star went down near Port "
                "Alder. Divers searched the wreck through the night. The ferry union called a strike.",
                "date": "2024-03-05",
            },
        ],
        "references": ["A ferry sank and 37 drowned."],
    },
    {
        "id": "budget",
        "documents": [
            "Mayor Lena Ortiz approved a budget of 12 million dollars for three new schools. "
            "The council voted 7 to 2 on Tuesday. Building starts in June.",
            "A 12 million dollar budget for three new schools was approved by Mayor Lena Ortiz. "
            "Parents welcomed the plan at a meeting in the town hall.",
        ],
        "references": ["The mayor approved a school budget."],
        "query": "What did the city decide about schools?",
    },
]


def write_jsonl(path: Path, rows: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def test_run_on_a_tiny_cluster_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = write_jsonl(tmp_path / "tiny_clusters.jsonl", CLUSTERS)
    out = tmp_path / "run"
    assert main(["duplicates", "--data", str(data), "--out", str(out), "--num-facts", "6"]) == 0
    table = capsys.readouterr().out
    assert "near-duplicate key facts" in table and "tiny" in table

    results = json.loads((out / "results.json").read_text())
    s = results["settings"]
    assert s["data"] == {"tiny": {"path": str(data), "sha256": file_sha256(data)}}
    assert s["num_facts"] == 6 and s["system_under_test"]["engine"] == "embedded"
    assert s["queries"] == {"tiny": 1} and "git_commit" in s and "python" in s["versions"]
    block = results["by_dataset"]["tiny"]
    assert block["answers"] + block["refused"] == 2 and results["all"] == block
    assert 0 < block["facts"] <= 12

    pairs = [json.loads(line) for line in (out / "pairs.jsonl").read_text().splitlines()]
    assert len(pairs) == block["flagged_pairs"]
    for p in pairs:
        assert p["dataset"] == "tiny" and p["answer"] in {"ferry", "budget"} and p["i"] < p["j"]
        assert judge_pair(p["text_i"], p["text_j"]).why == tuple(p["why"])
    sample = [json.loads(line) for line in (out / "sample.jsonl").read_text().splitlines()]
    assert {r["answer"] for r in sample} <= {"ferry", "budget"} and len(sample) == block["answers"]
    for r in sample:
        assert r["facts"] == list(fact_hashes(r["texts"]))


def test_a_missing_file_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["duplicates", "--data", str(tmp_path / "none.jsonl")]) == 2
    assert "none.jsonl" in capsys.readouterr().err


DUC = {
    "duc2004": SHARED / "data" / "duc2004" / "duc2004_task2.jsonl",
    "duc2006": SHARED / "data" / "duc2006" / "duc2006.jsonl",
}


@pytest.mark.shared
def test_the_hand_checked_duc_answers_end_to_end(tmp_path: Path) -> None:
    if not all(p.is_file() for p in DUC.values()):
        pytest.skip(f"DUC 2004/2006 data not found under {SHARED / 'data'}")
    judgements = read_judgements(HANDCHECK)
    argv = ["duplicates", "--out", str(tmp_path / "run"), "--handcheck", str(HANDCHECK)]
    for name, path in DUC.items():
        wanted = {j.answer for j in judgements if j.dataset == name}
        every: list[dict[str, Any]] = [json.loads(line) for line in path.read_text().splitlines()]
        rows = [r for r in every if r["id"] in wanted]
        assert {r["id"] for r in rows} == wanted
        argv += ["--data", f"{name}={write_jsonl(tmp_path / f'{name}.jsonl', rows)}"]
    assert main(argv) == 0
    h = json.loads((tmp_path / "run" / "results.json").read_text())["handcheck"]
    # Every judged answer is either scored or counted as changed (after the service changes).
    assert h["judged_answers"] == 20 and h["scored_answers"] + len(h["changed_answers"]) == 20
    assert h["tp"] + h["fn"] == h["judged_duplicates"]
