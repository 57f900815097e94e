"""`python -m eval conflicts`: sentence identity, label files, reported pairs, scoring by hand, figures,
mining and the runs end to end on project-written clusters (and on the committed labels with ../shared)."""

from __future__ import annotations

import hashlib
import json
import logging
from pathlib import Path
from typing import Any

import pytest

from eval.__main__ import main
from eval.conflicts import (
    LABELS,
    LabeledPair,
    Reported,
    SentenceRef,
    check_labels,
    data_spec,
    figures,
    fingerprint,
    load_datasets,
    mine_cluster,
    pair_key,
    read_labels,
    reported_pairs,
    run_export,
    score_pairs,
    sentence_spans,
    split_cluster,
)
from eval.data import DataError, Document, Example
from eval.rouge.lines import sentences
from tests.support.articles import SHARED

# Project-written articles about one made-up flood, two of them giving different death tolls.
FLOOD = [
    {
        "date": "2026-04-06",
        "text": "Floods in the Varna valley killed 12 people on Monday, officials said.  About 3,000"
        " residents left their homes.\nThe river rose four metres in six hours.",
    },
    {
        "date": "2026-04-06",
        "text": "Rescuers said 15 people died in the Varna valley floods on Monday. Some 3,000 residents were"
        " evacuated. The governor promised $2 million in aid.",
    },
    {
        "date": "2026-04-08",
        "text": "The death toll from the Varna valley floods rose to 19 people on Wednesday. The governor"
        " raised the aid to $5 million.",
    },
]


def flood_example() -> Example:
    return Example(
        id="flood",
        documents=tuple(Document(text=a["text"]) for a in FLOOD),
        references=(),
    )


def ref(article: int, sentence: int, text: str) -> dict[str, Any]:
    return {"article": article, "sentence": sentence, "sha1": fingerprint(text)}


def label_row(
    a: tuple[int, int], b: tuple[int, int], label: str, dataset: str = "fixture", **extra: Any
) -> dict[str, Any]:
    arts = split_cluster(flood_example())
    return {
        "dataset": dataset,
        "cluster": "flood",
        "a": ref(a[0], a[1], arts[a[0]].sentence(a[1])),
        "b": ref(b[0], b[1], arts[b[0]].sentence(b[1])),
        "label": label,
        **extra,
    }


def write_jsonl(path: Path, rows: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


# --- sentences -----------------------------------------------------------------------------------


def test_spans_cover_the_harness_sentences_whatever_the_whitespace() -> None:
    text = FLOOD[0]["text"]
    spans = sentence_spans(text)
    assert [" ".join(text[s:e].split()) for s, e in spans] == sentences(text)
    assert len(spans) == 3
    assert text[spans[1][0] : spans[1][1]] == "About 3,000 residents left their homes."


def test_a_source_maps_to_the_sentence_holding_most_of_it() -> None:
    (article, *_) = split_cluster(flood_example())
    (s0, e0), (s1, e1), (s2, _) = article.spans
    assert article.locate(s1, e1) == 1  # exactly the sentence
    assert article.locate(s0, e0 + 1) == 0  # with the whitespace after it
    assert article.locate(e0 - 5, s1 + 20) == 1  # straddling: most of it is in sentence 1
    assert article.locate(s2, s2) == 2  # an empty span: the sentence holding its start
    assert article.locate(10_000, 10_010) is None  # outside the text


def test_fingerprint_ignores_whitespace_and_is_eight_hex_digits() -> None:
    assert fingerprint("Two  ships\nsank.") == fingerprint("Two ships sank.")
    assert fingerprint("Two ships sank.") == hashlib.sha1(b"Two ships sank.").hexdigest()[:8]
    assert fingerprint("Two ships sank.") != fingerprint("Three ships sank.")


# --- label files ---------------------------------------------------------------------------------


def test_a_label_file_reads_and_orders_its_pair(tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "l.jsonl", [label_row((1, 0), (0, 0), "conflict", quantity="deaths")])
    (pair,) = read_labels(path)
    assert pair.label == "conflict" and pair.quantity == "deaths"
    assert pair.key == ("fixture", "flood", 0, 0, 1, 0)  # the smaller sentence first
    assert pair.row()["a"]["article"] == 0


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"label": "contradiction"}, "label 'contradiction' is not one of conflict, different, update, same"),
        ({"label": None}, "label None is not one of"),
        ({"text_a": "Floods killed 12."}, "unknown field(s) ['text_a'] (a label row holds no text)"),
        ({"quantity": "x" * 41}, "'quantity' must be a string of at most 40 characters"),
        ({"b": {"article": 0, "sentence": 1, "sha1": "0123abcd"}}, "both sentences are from article 0"),
        (
            {"a": {"article": 0, "sentence": -1, "sha1": "0123abcd"}},
            "a.sentence must be a non-negative integer",
        ),
        ({"a": {"article": 0, "sentence": 0, "sha1": "0123ABCD"}}, "a.sha1 must be 8 lower-case hex digits"),
        ({"a": {"article": 0, "sentence": 0}}, "'a' must be {article, sentence, sha1}"),
        ({"cluster": ""}, "'cluster' must be a non-empty string"),
    ],
)
def test_a_bad_label_row_is_a_clear_error(tmp_path: Path, change: dict[str, Any], message: str) -> None:
    row = {**label_row((0, 0), (1, 0), "conflict"), **change}
    path = write_jsonl(tmp_path / "l.jsonl", [row])
    with pytest.raises(DataError, match="l.jsonl:1: ") as raised:
        read_labels(path)
    assert message in str(raised.value)


def test_a_pair_labelled_twice_is_an_error_in_either_order(tmp_path: Path) -> None:
    rows = [label_row((0, 0), (1, 0), "conflict"), label_row((1, 0), (0, 0), "same")]
    with pytest.raises(DataError, match=r"l.jsonl:2: the pair is labelled already at l.jsonl:1"):
        read_labels(write_jsonl(tmp_path / "l.jsonl", rows))


def test_labels_whose_text_drifted_are_skipped_with_a_warning(caplog: pytest.LogCaptureFixture) -> None:
    clusters = {("fixture", "flood"): split_cluster(flood_example())}
    good = LabeledPair("fixture", "flood", *_refs((0, 0), (1, 0)), "conflict")
    drifted = LabeledPair("fixture", "flood", SentenceRef(0, 0, "00000000"), good.b, "conflict")
    missing = LabeledPair("fixture", "flood", SentenceRef(0, 9, "00000000"), good.b, "same")
    elsewhere = LabeledPair("fixture", "other", good.a, good.b, "same")
    with caplog.at_level(logging.WARNING, logger="eval.conflicts"):
        kept, skipped = check_labels([good, drifted, missing, elsewhere], clusters)
    assert kept == [good]
    assert skipped == [
        "fixture/flood: a = article 0 sentence 0: hash differs (text drifted)",
        "fixture/flood: a = article 0 sentence 9 is not in the data",
        "fixture/other: cluster not in the data",
    ]
    assert len(caplog.records) == 3


def _refs(a: tuple[int, int], b: tuple[int, int]) -> tuple[SentenceRef, SentenceRef]:
    arts = split_cluster(flood_example())
    return tuple(  # type: ignore[return-value]
        SentenceRef(x, y, fingerprint(arts[x].sentence(y))) for x, y in (a, b)
    )


def test_data_names_come_from_the_file_or_the_flag() -> None:
    assert data_spec("/x/duc2004_task2.jsonl") == ("duc2004", Path("/x/duc2004_task2.jsonl"))
    assert data_spec("d6=/x/duc2006.jsonl") == ("d6", Path("/x/duc2006.jsonl"))
    with pytest.raises(ValueError, match="expected PATH or NAME=PATH"):
        data_spec("=/x/a.jsonl")


# --- reported pairs ------------------------------------------------------------------------------


def _source(articles: Any, article: int, sentence: int, pad: int = 0) -> dict[str, int]:
    start, end = articles[article].spans[sentence]
    # A service span need not match the harness's: here it takes in some whitespace.
    return {"article": article, "sentence": 99, "start": start, "end": end + pad}


def test_each_claim_pair_of_a_conflict_becomes_sentence_pairs_across_articles() -> None:
    arts = split_cluster(flood_example())
    conflict = {
        "subject": "people",
        "claims": [
            {"value": "12 people", "text": "", "sources": [_source(arts, 0, 0, pad=2)]},
            {"value": "15 people", "text": "", "sources": [_source(arts, 1, 0), _source(arts, 0, 2)]},
            {"value": "19 people", "text": "", "sources": [{"article": 7, "start": 0, "end": 5}]},
        ],
    }
    pairs, unplaced = reported_pairs("fixture", "flood", [conflict], arts, "conflict")
    # 12 against 15: article 1's sentence only (the same-article source is no disagreement);
    # claim 3 cites an article the cluster does not have: counted, not paired.
    assert pairs == [Reported("conflict", 0, "people", ("fixture", "flood", 0, 0, 1, 0))]
    assert unplaced == 1


# --- scoring by hand -----------------------------------------------------------------------------


def _key(a: int, s: int, b: int, t: int) -> tuple[str, str, int, int, int, int]:
    return pair_key("fixture", "flood", (a, s), (b, t))


def _label(a: int, s: int, b: int, t: int, label: str) -> LabeledPair:
    return LabeledPair("fixture", "flood", SentenceRef(a, s, "0" * 8), SentenceRef(b, t, "0" * 8), label)


def test_scores_by_hand() -> None:
    labels = [
        _label(0, 0, 1, 0, "conflict"),  # reported: tp
        _label(0, 1, 1, 1, "same"),  # reported: fp
        _label(0, 0, 2, 0, "update"),  # reported as a conflict (fp) and as an update
        _label(1, 0, 2, 0, "conflict"),  # not reported: fn
        _label(0, 2, 1, 2, "different"),  # not reported
        _label(0, 2, 2, 1, "conflict"),  # reported as an update only: fn, counted apart
    ]
    reported = [
        Reported("conflict", 0, "people", _key(0, 0, 1, 0)),
        Reported("conflict", 0, "people", _key(0, 0, 2, 0)),
        Reported("conflict", 1, "residents", _key(0, 1, 1, 1)),
        Reported("conflict", 2, "aid", _key(1, 2, 2, 1)),  # no label
        Reported("conflict", 3, "people", _key(0, 0, 1, 0)),  # the same pair in another conflict
        Reported("update", 0, "people", _key(0, 0, 2, 0)),
        Reported("update", 1, "aid", _key(0, 2, 2, 1)),
    ]
    results = score_pairs(labels, reported)
    c, m = results["counts"], results["metrics"]
    assert (c["tp"], c["fp"], c["fn"]) == (1, 2, 2)
    assert c["reported_conflict_pairs"] == 4  # distinct pairs
    assert c["reported_conflict_pairs_unlabelled"] == 1
    assert c["reported_conflict_pairs_by_label"] == {"conflict": 1, "different": 0, "update": 1, "same": 1}
    assert m["precision"] == pytest.approx(1 / 3)
    assert m["recall"] == pytest.approx(1 / 3)
    # Conflict 0 has a wrong pair, 1 is wrong, 2 is unjudged, 3 is right.
    assert (c["conflicts_correct"], c["conflicts_wrong"], c["conflicts_unjudged"]) == (1, 2, 1)
    assert m["conflict_precision"] == pytest.approx(1 / 3)
    assert c["reported_update_pairs_by_label"]["update"] == 1
    assert m["update_precision"] == pytest.approx(1 / 2) and m["update_recall"] == 1.0
    assert c["conflicts_reported_as_update"] == 1
    assert c["labelled"] == {"conflict": 3, "different": 1, "same": 1, "update": 1}


def test_nothing_reported_gives_undefined_precision_not_zero() -> None:
    results = score_pairs([_label(0, 0, 1, 0, "conflict")], [])
    assert results["metrics"]["precision"] is None
    assert results["metrics"]["recall"] == 0.0


# --- figures -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("Floods killed 12 people and 1,200 cattle.", [("12", {"peopl"}), ("1200", {"cattl"})]),
        ("The governor promised $2 million in aid.", [("2000000", {"$"})]),
        ("Prices rose 4.5 percent, or 3% a year.", [("4.5", {"%"}), ("3", {"%"})]),
        ("Twenty-five Palestinian prisoners were freed.", [("25", {"palestinian", "prison"})]),
        ("It happened on Nov. 19 in 1998.", [("nov 19", {"date"}), ("1998", {"year"})]),
        ("One of the ferries sank.", []),
        ("Two of them, 40, were hurt.", [("2", set()), ("40", set())]),
        ("The server at 10.0.0.1 failed.", []),
    ],
)
def test_figures_by_hand(sentence: str, expected: list[tuple[str, set[str]]]) -> None:
    assert [(f.value, set(f.keys)) for f in figures(sentence)] == expected


def test_mining_finds_the_disputed_toll_and_skips_labelled_pairs() -> None:
    arts = split_cluster(flood_example())
    found = mine_cluster("fixture", "flood", arts, per_cluster=5)
    kinds = {c.key: c.why for c in found}
    assert kinds[_key(0, 0, 1, 0)] == ("count-differs",)  # 12 against 15 people
    assert kinds[_key(0, 1, 1, 1)] == ("count-same",)  # 3,000 residents in both
    again = mine_cluster("fixture", "flood", arts, per_cluster=5, exclude=frozenset(kinds))
    assert not {c.key for c in again} & set(kinds)
    assert len(mine_cluster("fixture", "flood", arts, per_cluster=1)) == 1


# --- the runs, end to end ------------------------------------------------------------------------


def flood_data(tmp_path: Path) -> Path:
    return write_jsonl(tmp_path / "fixture.jsonl", [{"id": "flood", "documents": FLOOD, "references": []}])


def test_mine_export_and_score_end_to_end(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = flood_data(tmp_path)
    mined = tmp_path / "mined"
    assert main(["conflicts", "mine", "--data", str(data), "--out", str(mined), "--per-cluster", "4"]) == 0
    rows = [json.loads(line) for line in (mined / "candidates.jsonl").read_text().splitlines()]
    assert rows and all(r["label"] is None and r["text_a"] and r["text_b"] for r in rows)
    # The labeller fills in labels (here: every candidate `different`, one `conflict`).
    for r in rows:
        r["label"] = "different"
    rows[0]["label"] = "conflict"
    labelled = write_jsonl(tmp_path / "labelled.jsonl", rows)
    labels = tmp_path / "labels.jsonl"
    assert main(["conflicts", "export", str(labelled), "--labels", str(labels)]) == 0
    stored = [json.loads(line) for line in labels.read_text().splitlines()]
    assert len(stored) == len(rows)
    assert all(set(r) <= {"dataset", "cluster", "a", "b", "label", "quantity"} for r in stored)
    assert "Varna" not in labels.read_text()  # ids and hashes only

    out = tmp_path / "score"
    capsys.readouterr()
    assert main(["conflicts", "score", "--labels", str(labels), "--data", str(data), "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "conflicts on labelled pairs: engine embedded" in printed
    results = json.loads((out / "results.json").read_text())
    assert results["settings"]["data"]["fixture"]["sha256"]
    assert results["settings"]["git_commit"] is None or results["settings"]["git_commit"]
    assert results["labels"] == {
        "in_file": len(rows),
        "other_datasets": 0,
        "skipped": 0,
        "used": len(rows),
        "clusters": 1,
    }
    c = results["counts"]
    assert c["tp"] + c["fp"] == c["reported_conflict_pairs_labelled"]
    assert (
        c["reported_conflict_pairs"]
        == c["reported_conflict_pairs_labelled"] + c["reported_conflict_pairs_unlabelled"]
    )
    pairs = [json.loads(line) for line in (out / "pairs.jsonl").read_text().splitlines()]
    assert sum(p["label"] is not None for p in pairs) == len(rows)
    assert sum(p["conflict"] for p in pairs) == c["reported_conflict_pairs"]
    unlabeled = (out / "unlabeled.jsonl").read_text().splitlines()
    assert len(unlabeled) == sum(p["label"] is None for p in pairs)


def test_export_keeps_labels_and_refuses_a_changed_one(tmp_path: Path) -> None:
    labels = write_jsonl(tmp_path / "labels.jsonl", [label_row((0, 0), (1, 0), "conflict")])
    candidates = [
        {**label_row((0, 0), (1, 0), "conflict"), "text_a": "..."},  # labelled already: kept
        {**label_row((0, 1), (1, 1), "same"), "text_a": "..."},
        {**label_row((0, 2), (1, 2), "different"), "label": None},  # not labelled yet: left out
    ]
    assert run_export([write_jsonl(tmp_path / "c.jsonl", candidates)], labels) == {"added": 1, "total": 2}
    changed = [{**label_row((1, 0), (0, 0), "same"), "text_b": "..."}]
    with pytest.raises(DataError, match="is labelled 'conflict' already, here 'same'"):
        run_export([write_jsonl(tmp_path / "d.jsonl", changed)], labels)


def test_a_bad_label_file_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    labels = write_jsonl(tmp_path / "labels.jsonl", [label_row((0, 0), (1, 0), "maybe")])
    argv = ["conflicts", "score", "--labels", str(labels), "--data", str(flood_data(tmp_path))]
    assert main(argv) == 2
    assert "label 'maybe' is not one of conflict, different, update, same" in capsys.readouterr().err


def test_the_labels_are_the_four_documented_ones() -> None:
    assert LABELS == ("conflict", "different", "update", "same")


# --- the committed labels against ../shared ------------------------------------------------------

LABEL_FILE = Path(__file__).resolve().parents[2] / "eval" / "labels" / "conflicts.jsonl"
DUC = {
    "duc2004": SHARED / "data" / "duc2004" / "duc2004_task2.jsonl",
    "duc2006": SHARED / "data" / "duc2006" / "duc2006.jsonl",
}


@pytest.mark.shared
def test_committed_labels_match_the_data_and_score_end_to_end(tmp_path: Path) -> None:
    if not all(p.is_file() for p in DUC.values()):
        pytest.skip(f"DUC 2004/2006 data not found under {SHARED / 'data'}")
    labels = read_labels(LABEL_FILE)
    assert {p.dataset for p in labels} == set(DUC)
    datasets = load_datasets(list(DUC.items()))
    wanted = {(p.dataset, p.cluster) for p in labels}
    clusters = {
        (n, e.id): split_cluster(e) for n, exs in datasets.items() for e in exs if (n, e.id) in wanted
    }
    kept, skipped = check_labels(labels, clusters)
    assert skipped == [] and len(kept) == len(labels)
    # A few clusters of each dataset, through the real engine.
    few = {k for k in sorted(wanted) if k[1] in {"d30001t", "d31022t", "D0622D", "D0626H"}}
    subset = tmp_path / "labels.jsonl"
    write_jsonl(subset, [p.row() for p in labels if (p.dataset, p.cluster) in few])
    out = tmp_path / "score"
    argv = ["conflicts", "score", "--labels", str(subset), "--out", str(out)]
    assert main([*argv, "--data", str(DUC["duc2004"]), "--data", str(DUC["duc2006"])]) == 0
    results = json.loads((out / "results.json").read_text())
    assert results["labels"]["clusters"] == len(few) and results["labels"]["skipped"] == 0
    assert results["counts"]["labelled"]["conflict"] > 0
    for block in (results["metrics"], *(b["metrics"] for b in results["by_dataset"].values())):
        assert all(v is None or 0.0 <= v <= 1.0 for v in block.values())


# --- the held-out, project-written clusters (no ../shared needed) --------------------------------

HELD_OUT = {
    # name: (clusters, labels); each written blind to the service's rules, by a different hand
    "fixtures": (
        LABEL_FILE.parent / "conflict_fixture_clusters.jsonl",
        LABEL_FILE.parent / "conflict_fixture_labels.jsonl",
    ),
    "fixtures_b": (
        LABEL_FILE.parent / "conflict_fixture_clusters_b.jsonl",
        LABEL_FILE.parent / "conflict_fixture_labels_b.jsonl",
    ),
    "fixtures_c": (
        LABEL_FILE.parent / "conflict_fixture_clusters_c.jsonl",
        LABEL_FILE.parent / "conflict_fixture_labels_c.jsonl",
    ),
    "fixtures_d": (
        LABEL_FILE.parent / "conflict_fixture_clusters_d.jsonl",
        LABEL_FILE.parent / "conflict_fixture_labels_d.jsonl",
    ),
    "fixtures_e": (
        LABEL_FILE.parent / "conflict_fixture_clusters_e.jsonl",
        LABEL_FILE.parent / "conflict_fixture_labels_e.jsonl",
    ),
}


@pytest.mark.parametrize("name", sorted(HELD_OUT))
def test_fixture_labels_match_the_fixture_clusters(name: str) -> None:
    data, label_file = HELD_OUT[name]
    labels = read_labels(label_file)
    datasets = load_datasets([(name, data)])
    clusters = {(name, e.id): split_cluster(e) for e in datasets[name]}
    assert {p.dataset for p in labels} == {name}
    # Every cluster is labelled, and every label's sentences and hashes are where it says.
    assert {(p.dataset, p.cluster) for p in labels} == set(clusters)
    kept, skipped = check_labels(labels, clusters)
    assert skipped == [] and len(kept) == len(labels)
    assert {p.label for p in labels} == set(LABELS)
