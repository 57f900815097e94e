"""Reading evaluation data: document dates in the forms public news data uses, DUC's layout, and
which `--systems` rows are humans' summaries."""

import json
import logging
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from eval.data import DataError, Example, SystemSummary, load_examples, parse_date, read_system_summaries
from eval.run import Human, as_human
from tests.support.articles import SHARED


def write_jsonl(path: Path, rows: list[object]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return path


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1998-06-30", datetime(1998, 6, 30)),
        ("2000-01-08 01:42", datetime(2000, 1, 8, 1, 42)),
        ("1999-07-07 08:30:27", datetime(1999, 7, 7, 8, 30, 27)),
        ("2024-05-01T10:20:30Z", datetime(2024, 5, 1, 10, 20, 30, tzinfo=UTC)),
        ("2024-05-01T10:20:30+02:00", datetime(2024, 5, 1, 10, 20, 30, tzinfo=timezone(timedelta(hours=2)))),
        ("19980630", datetime(1998, 6, 30)),
        ("11/12/1998 08:21:00", datetime(1998, 11, 12, 8, 21)),  # month first
        ("11/12/1998 08:21", datetime(1998, 11, 12, 8, 21)),
        ("1/2/1998", datetime(1998, 1, 2)),
        ("1998-30-06 11:49:00", datetime(1998, 6, 30, 11, 49)),  # 30 cannot be a month
        ("1998-24-06", datetime(1998, 6, 24)),
        # Year-day-month with a day of 12 or less looks like ISO and is read as ISO.
        ("1998-03-06 11:28:00", datetime(1998, 3, 6, 11, 28)),
        (" 1998-06-30 ", datetime(1998, 6, 30)),
    ],
)
def test_date_forms(text: str, expected: datetime) -> None:
    assert parse_date(text) == expected


@pytest.mark.parametrize(
    "text", ["June 30, 1998", "02/30/1998", "1998-06-31", "1998-13-13", "30/06/1998", "soon"]
)
def test_dates_that_are_not_understood(text: str) -> None:
    assert parse_date(text) is None


def test_a_bad_date_is_dropped_with_one_warning_and_the_file_loads(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    docs = [
        {"text": "One.", "date": "1998-06-30"},
        {"text": "Two.", "date": "11/12/1998 08:21:00"},
        {"text": "Three.", "date": "1998-30-06 11:49:00"},
        {"text": "Four.", "date": "19980630"},
        {"text": "Five.", "date": "the day after"},
        {"text": "Six.", "date": 1998},
        {"text": "Seven.", "date": ""},
        {"text": "Eight.", "date": None},
    ]
    path = write_jsonl(
        tmp_path / "d.jsonl",
        [
            {"id": "a", "documents": docs, "references": ["R."]},
            {"id": "b", "documents": [{"text": "Nine.", "date": "later"}], "references": ["R."]},
        ],
    )
    with caplog.at_level(logging.WARNING, logger="eval.data"):
        a, b = load_examples(path)
    assert [d.text for d in a.documents] == [
        "One.",
        "Two.",
        "Three.",
        "Four.",
        "Five.",
        "Six.",
        "Seven.",
        "Eight.",
    ]
    assert [d.date for d in a.documents] == [
        datetime(1998, 6, 30),
        datetime(1998, 11, 12, 8, 21),
        datetime(1998, 6, 30, 11, 49),
        datetime(1998, 6, 30),
        None,
        None,
        None,
        None,
    ]
    assert b.documents[0].text == "Nine." and b.documents[0].date is None
    (warning,) = caplog.records  # one for the file, however many dates
    assert warning.levelno == logging.WARNING
    assert "d.jsonl: 3 document date(s) not understood" in warning.getMessage()
    assert "'the day after'" in warning.getMessage()


def test_duc_documents_headline_is_the_title_and_reference_ids_are_kept(tmp_path: Path) -> None:
    row = {
        "id": "D0601A",
        "topic": {"title": "Ferries", "narrative": "Describe the strike."},
        "documents": [
            {"docno": "APW1", "date": "06/10/1998 21:46:00", "headline": "Ferry Strike", "text": "A."},
            {"docno": "APW2", "date": "1998-06-11", "headline": None, "text": "B."},
            {"docno": "APW3", "headline": "  ", "title": "Own Title", "text": "C."},
        ],
        "references": ["R1.", "R2."],
        "reference_ids": ["A", "C"],
    }
    (ex,) = load_examples(write_jsonl(tmp_path / "duc.jsonl", [row]))
    assert [d.title for d in ex.documents] == ["Ferry Strike", None, "Own Title"]
    assert ex.documents[0].date == datetime(1998, 6, 10, 21, 46)
    assert ex.reference_ids == ("A", "C")


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"reference_ids": ["A"]}, "one per reference"),
        ({"reference_ids": ["A", "A"]}, "distinct"),
        ({"reference_ids": "AB"}, "reference_ids"),
        ({"documents": [{"text": "x", "headline": 3}]}, "'headline' must be a string"),
    ],
)
def test_bad_duc_fields_are_clear_errors(tmp_path: Path, extra: dict[str, object], message: str) -> None:
    row = {"id": "a", "documents": ["x"], "references": ["R1.", "R2."], **extra}
    with pytest.raises(DataError, match=message):
        load_examples(write_jsonl(tmp_path / "bad.jsonl", [row]))


def test_system_rows_say_whether_they_are_human(tmp_path: Path) -> None:
    path = write_jsonl(
        tmp_path / "s.jsonl",
        [
            {"cluster_id": "a", "system": "S1", "summary": "x"},
            {"cluster_id": "a", "system": "H", "summary": "y", "human": True, "reference_id": "B"},
        ],
    )
    assert read_system_summaries([path]) == {
        "S1": {"a": SystemSummary("x")},
        "H": {"a": SystemSummary("y", human=True, reference_id="B")},
    }
    for bad in ({"human": "yes"}, {"reference_id": 2}):
        row = {"cluster_id": "a", "system": "S", "summary": "x", **bad}
        with pytest.raises(DataError, match=next(iter(bad))):
            read_system_summaries([write_jsonl(tmp_path / "bad.jsonl", [row])])


REFS = ("Alpha said one thing.", "Beta said another.", "Gamma said a third.")
DUC = Example(id="d1", documents=(), references=REFS, reference_ids=("A", "B", "C"))
PLAIN = Example(id="p1", documents=(), references=REFS)


@pytest.mark.parametrize(
    ("example", "system", "row", "expected"),
    [
        # A copy of a reference is not a human's unless the row says so: scored against all.
        (DUC, "Copier", SystemSummary(REFS[1]), None),
        (PLAIN, "Copier", SystemSummary(REFS[1]), None),
        # Named by SumRepo's convention, by the assessor's id, or by reference_id.
        (DUC, "human_B", SystemSummary("Anything."), Human(own=1)),
        (DUC, "C", SystemSummary("Anything."), Human(own=2)),
        (DUC, "Peer", SystemSummary("Anything.", reference_id="A"), Human(own=0)),
        (DUC, "Peer", SystemSummary("Anything.", human=True, reference_id="A"), Human(own=0)),
        # An assessor who wrote none of this example's references.
        (DUC, "human_E", SystemSummary("Anything."), None),
        (DUC, "Peer", SystemSummary("Anything.", reference_id="E"), Human(own=None)),
        # human: true without an id to go by: its own reference is the one it equals, if any.
        (PLAIN, "Someone", SystemSummary("  Gamma said\na third. ", human=True), Human(own=2)),
        (PLAIN, "Someone", SystemSummary("Not a reference.", human=True), Human(own=None)),
        (PLAIN, "Someone", SystemSummary(REFS[0], reference_id="A"), Human(own=0)),
        # human: false wins over a name that looks like an assessor's.
        (DUC, "human_A", SystemSummary("Anything.", human=False), None),
        (DUC, "superhuman_A", SystemSummary("Anything."), None),
    ],
)
def test_which_rows_are_humans(
    example: Example, system: str, row: SystemSummary, expected: Human | None
) -> None:
    assert as_human(example, system, row) == expected


DUC2006 = SHARED / "data" / "duc2006" / "duc2006.jsonl"


@pytest.mark.shared
def test_duc2006_loads_all_clusters(caplog: pytest.LogCaptureFixture) -> None:
    if not DUC2006.is_file():
        pytest.skip(f"DUC 2006 data not found at {DUC2006}")
    with caplog.at_level(logging.WARNING, logger="eval.data"):
        examples = load_examples(DUC2006)
    assert len(examples) == 50
    assert all(len(e.documents) == 25 and len(e.references) == 4 for e in examples)
    assert all(e.reference_ids is not None and len(e.reference_ids) == 4 for e in examples)
    docs = [d for e in examples for d in e.documents]
    # Every date in the file is one of the understood forms; most documents have a headline.
    assert all(d.date is not None for d in docs) and not caplog.records
    assert sum(d.title is not None for d in docs) > 0.9 * len(docs)
