"""`python -m eval readability`: the harness's own checks of dangling references, boilerplate key
facts and wire leaks, on project-written text, and the command end to end on a tiny cluster file."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from eval.__main__ import main
from eval.data import file_sha256
from eval.readability import boilerplate_fact, check_answer, dangling, leaks, split, surnames

ARTICLE = (
    "Harbour official Marta Okafor said the ferry strike would go on. Okafor said talks had failed. "
    "The union has 340 members. Okafor told reporters the talks would resume in March. "
    "Mr. Okafor spoke in Kessel."
)


def test_split_keeps_titles_and_ptb_quotes() -> None:
    assert split("Mr. Okafor spoke. ``We stay,'' he said. Then it rained.\nA new line.") == [
        "Mr. Okafor spoke.",
        "``We stay,'' he said.",
        "Then it rained.",
        "A new line.",
    ]


def test_surnames_are_names_written_in_full_and_alone() -> None:
    docs = [
        ARTICLE,
        "Lake Kessel froze in the winter. Ships sail in Kessel. The White House said no. "
        "A house stood by the sea.",
    ]
    names = surnames(docs)
    assert "Okafor" in names
    # A place ("in Kessel") and a word written in lower case elsewhere ("house") are no surnames.
    assert "Kessel" not in names and "House" not in names
    # Nor a chamber after "the", even credited with what its member said.
    chamber = [
        "The White House kept quiet. Rep. Ada Lind, who put the plan to the House, said it would pass. "
        "Lind said the vote was close."
    ]
    assert "House" not in surnames(chamber) and "Lind" in surnames(chamber)


@pytest.mark.parametrize(
    ("summary", "kinds"),
    [
        # Introduced in full first: fine.
        ("Union leader Marta Okafor said the strike would go on. Okafor said talks had failed.", []),
        # A bare surname before any full name.
        ("Okafor said talks had failed. The union has 340 members.", ["surname"]),
        # A full name at the start is no bare surname.
        ("Marta Okafor said talks had failed.", []),
        # A pronoun with no referent, and one that follows its article's previous sentence.
        ("He said the ferries would stay in port.", ["pronoun"]),
        ("''She will win,'' the union said.", ["pronoun"]),
        ("This comes days after the port closed.", ["demonstrative"]),
        ("This week the port closed for repairs.", []),
        # Quotes credited to someone the reader has not met.
        ('"We stay out," he said.', ["credit"]),
        ("``We stay out,'' Okafor said.", ["credit"]),
        ("``We stay out,'' union leader Marta Okafor said.", []),
        # Reported speech is no credit: the speaker is in the sentence.
        ("Union leader Marta Okafor said she would stay.", []),
    ],
)
def test_dangling_by_hand(summary: str, kinds: list[str]) -> None:
    assert [d.kind for d in dangling(summary, [ARTICLE])] == kinds


def test_a_pronoun_right_after_its_articles_previous_sentence_is_not_dangling() -> None:
    doc = "The union met on Monday. They voted to strike for a week."
    assert dangling("The union met on Monday. They voted to strike for a week.", [doc]) == []
    assert [d.kind for d in dangling("A storm hit. They voted to strike for a week.", [doc])] == ["pronoun"]


@pytest.mark.parametrize(
    ("fact", "flag"),
    [
        ("We are staffed 7 a.m. to 11 p.m. on weekdays.", True),
        ("All times are Eastern unless noted.", True),
        ("Questions should be directed to the desk at 555-010-0199.", True),
        ("Staff writer Ana Ruiz contributed to this report.", True),
        ("The ferry company carries 6,000 passengers a day.", False),
    ],
)
def test_boilerplate_facts_by_hand(fact: str, flag: bool) -> None:
    assert boilerplate_fact(fact) is flag


def test_leaks_by_hand() -> None:
    assert leaks("HARBOUR-STRIKE _ The strike went on.") == ["HARBOUR-STRIKE"]
    assert leaks("DESK NEWS (``x'' category) PORT-TALKS (Undated) _ Talks.")[:2] == [
        "(``x'' category)",
        "PORT-TALKS",
    ]
    assert leaks("The Duke &XX; of Kessel &YY; came.") == ["&XX;", "&YY;"]
    assert leaks("The ferry union met on Monday.") == []


def test_check_answer_counts() -> None:
    c = check_answer(
        "tiny",
        "x",
        [ARTICLE],
        "Okafor said talks had failed. The union has 340 members.",
        ["All times are Eastern.", "The union has 340 members."],
    )
    assert c.sentences == 2 and [d.kind for d in c.dangling] == ["surname"]
    assert c.boilerplate == ("All times are Eastern.",) and c.leaks == ()


CLUSTERS: list[dict[str, Any]] = [
    {
        "id": "strike",
        "documents": [
            "Kessel Island was cut off for a second day on Tuesday after ferry crews walked out. "
            "Union leader Marta Okafor said 340 members joined the strike after talks collapsed. "
            "Okafor said the crews wanted safe staffing. All times are Eastern unless otherwise noted.",
            "Ferry crews stayed off work on Tuesday, leaving Kessel Island without a service. "
            "Marta Okafor, who leads the union, said talks with Northline Ferries had collapsed. "
            "All times are Eastern unless otherwise noted.",
        ],
        "references": ["A ferry strike cut off Kessel Island."],
    }
]


def test_run_on_a_tiny_cluster_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = tmp_path / "tiny_clusters.jsonl"
    data.write_text("".join(json.dumps(r) + "\n" for r in CLUSTERS), encoding="utf-8")
    out = tmp_path / "run"
    assert main(["readability", "--data", str(data), "--out", str(out), "--max-words", "60"]) == 0
    assert "readability: engine embedded" in capsys.readouterr().out
    results = json.loads((out / "results.json").read_text())
    s = results["settings"]
    assert s["data"] == {"tiny": {"path": str(data), "sha256": file_sha256(data)}}
    assert s["max_words"] == 60 and "git_commit" in s
    block = results["by_dataset"]["tiny"]
    assert block["answers"] == 1 and block["summary_sentences"] > 0
    # The service leaves the desk's time-zone line out of the facts.
    assert block["boilerplate_facts"] == 0 and block["leaks_in_summaries"] == 0
    flagged = [json.loads(line) for line in (out / "flagged.jsonl").read_text().splitlines()]
    assert (
        len([f for f in flagged if f["what"] == "dangling"])
        == block["dangling_starts"] + block["dangling_credits"]
    )


def test_the_checker_imports_nothing_of_the_service() -> None:
    root = Path(__file__).resolve().parents[2] / "eval" / "readability"
    for path in root.glob("*.py"):
        assert "service" not in "".join(
            line for line in path.read_text().splitlines(keepends=True) if line.startswith(("import", "from"))
        ), path
