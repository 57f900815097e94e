"""Evaluation harness pieces: data adapters, baselines, rouge-score convention, statistics, facts."""

import json
from collections.abc import Sequence
from pathlib import Path

import pytest
from rouge_score import rouge_scorer

from eval import baselines
from eval.aggregate import aggregate
from eval.data import DataError, Document, Example, Fields, load_examples, load_system_outputs
from eval.facts import fact_checks, numbers, proper_names, words
from eval.rouge import build_scorer
from eval.rouge.lines import as_lines, sentences
from eval.rouge.perl_stats import _perl_drand48, perl_bootstrap
from eval.stats import bootstrap_ci, paired_test
from tests.support.articles import SHARED


def write_jsonl(path: Path, rows: list[object]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return path


def test_native_layout_with_dated_documents(tmp_path: Path) -> None:
    path = write_jsonl(
        tmp_path / "d.jsonl",
        [
            {
                "id": "a",
                "documents": ["One.", {"text": "Two.", "title": "T", "date": "2024-05-01"}],
                "references": ["Ref."],
            }
        ],
    )
    (ex,) = load_examples(path)
    assert ex.id == "a" and ex.references == ("Ref.",)
    assert ex.documents[1].title == "T" and ex.documents[1].date is not None


def test_multinews_and_cnndm_adapters(tmp_path: Path) -> None:
    mn = write_jsonl(tmp_path / "mn.jsonl", [{"document": "First doc. |||||  Second doc.", "summary": "S."}])
    (ex,) = load_examples(mn, "multinews")
    assert [d.text for d in ex.documents] == ["First doc.", "Second doc."] and ex.references == ("S.",)
    cd = write_jsonl(tmp_path / "cd.jsonl", [{"id": "x", "article": "Body.", "highlights": "H one.\nH two."}])
    (ex,) = load_examples(cd, "cnndm")
    assert ex.documents == (Document(text="Body."),) and ex.references == ("H one.\nH two.",)
    custom = write_jsonl(tmp_path / "c.jsonl", [{"key": 7, "docs": ["A."], "gold": ["B."]}])
    (ex,) = load_examples(custom, "native", Fields(id="key", documents="docs", references="gold"))
    assert ex.id == "7"


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ([{"id": "a", "documents": ["x"], "references": ["y"]}] * 2, "not unique"),
        ([{"id": "a", "documents": [], "references": ["y"]}], "non-empty"),
        ([{"id": "a", "references": ["y"]}], "needs fields"),
        ([{"id": "a", "documents": [{"title": "no text"}], "references": ["y"]}], "'text' string"),
        (["not an object"], "JSON object"),
    ],
)
def test_bad_data_is_a_clear_error(tmp_path: Path, rows: list[object], message: str) -> None:
    with pytest.raises(DataError, match=message):
        load_examples(write_jsonl(tmp_path / "bad.jsonl", rows))


def test_system_outputs_by_cluster_id_or_id(tmp_path: Path) -> None:
    path = write_jsonl(
        tmp_path / "s.jsonl",
        [{"cluster_id": "a", "system": "S1", "summary": "x"}, {"id": "b", "system": "S1", "summary": "y"}],
    )
    assert load_system_outputs([path]) == {"S1": {"a": "x", "b": "y"}}
    with pytest.raises(DataError):
        load_system_outputs([write_jsonl(tmp_path / "t.jsonl", [{"system": "S", "summary": "x"}])])


EXAMPLE = Example(
    id="e1",
    documents=(
        Document(text="Old news one. Old news two has more words in it. Old news three."),
        Document(text="Fresh lead sentence here. Fresh second sentence. Fresh third."),
    ),
    references=("The fresh lead sentence matters.",),
)


def test_lead_takes_the_most_recent_article_and_fills_the_budget() -> None:
    assert baselines.lead(EXAMPLE, 6) == "Fresh lead sentence here. Fresh second"
    assert baselines.lead_each(EXAMPLE, 9) == "Old news one. Fresh lead sentence here. Old news"


def test_random_baseline_is_seeded_per_example() -> None:
    a = baselines.random_baseline(EXAMPLE, 8, seed=1)
    assert a == baselines.random_baseline(EXAMPLE, 8, seed=1)
    assert len(a.split()) == 8
    assert {baselines.random_baseline(EXAMPLE, 8, seed=s) for s in range(10)} != {a}


def test_oracle_picks_the_sentences_that_raise_rouge() -> None:
    scorer = build_scorer("1.5.5", "-n 2 -m").content()

    def gain(example: Example, chosen: Sequence[str]) -> float:
        return sum(v["R"] for v in scorer.score("\n".join(chosen), example.references).values())

    assert baselines.oracle(EXAMPLE, 20, gain=gain) == "Fresh lead sentence here."
    assert baselines.oracle(EXAMPLE, 20, gain=baselines.recall_gain(scorer)) == "Fresh lead sentence here."


def test_baselines_are_called_alike_by_name() -> None:
    assert list(baselines.BASELINES) == ["lead", "lead-each", "random", "oracle"]
    gain = baselines.recall_gain(build_scorer("rouge-score").content())
    for name, baseline in baselines.BASELINES.items():
        summary = baseline(EXAMPLE, 8, seed=1, gain=gain)
        assert 0 < len(summary.split()) <= 8, name
    assert baselines.BASELINES["lead"](EXAMPLE, 6, seed=1, gain=gain) == baselines.lead(EXAMPLE, 6)


# The harness's own sentence lines, pinned: each change here changes ROUGE-L(sum) and the baselines.
GOLDEN_LINES = [
    ("One. Two three.", ["One.", "Two three."]),
    ("Mr. Smith went to Paris on Sep. 24. He left.", ["Mr. Smith went to Paris on Sep. 24.", "He left."]),
    ("The U.S. grew 3.5 percent. Prices rose.", ["The U.S. grew 3.5 percent.", "Prices rose."]),
    (
        "He said ``it is over.'' Then he left.",  # DUC's PTB quotes: syntok alone keeps one sentence
        ["He said ``it is over.''", "Then he left."],
    ),
    (
        "WASHINGTON (AP) -- The Senate voted. It was late.",  # a dateline stays with its sentence
        ["WASHINGTON (AP) -- The Senate voted.", "It was late."],
    ),
    ("A  headline\n\nThe body   starts.\nIt goes on.", ["A headline", "The body starts.", "It goes on."]),
    ("Who won? Nobody! Really.", ["Who won?", "Nobody!", "Really."]),
    ("", []),
]


@pytest.mark.parametrize(("text", "expected"), GOLDEN_LINES)
def test_sentence_lines_golden(text: str, expected: list[str]) -> None:
    assert sentences(text) == expected


def test_as_lines_keeps_text_already_on_lines() -> None:
    assert as_lines("One. Two three.") == "One.\nTwo three."
    assert as_lines("Already split. Here\nand here.") == "Already split. Here\nand here."
    assert as_lines("  One sentence.\n") == "One sentence."


def _google_matches_package(pairs: list[tuple[str, list[str]]], stem: bool) -> int:
    """How many of the pairs score exactly as the rouge-score package scores them."""
    ours = build_scorer("rouge-score", stem=stem)
    package = rouge_scorer.RougeScorer(["rouge1", "rouge2", "rougeL", "rougeLsum"], use_stemmer=stem)
    same = 0
    for summary, refs in pairs:
        mine = ours.score(summary, refs)
        theirs = package.score_multi([as_lines(r) for r in refs], as_lines(summary))
        same += all(mine[t] == {"R": v.recall, "P": v.precision, "F": v.fmeasure} for t, v in theirs.items())
    return same


def test_rouge_score_convention_equals_the_package(ferry: list[dict[str, object]]) -> None:
    texts = [str(a["text"]) for a in ferry]
    pairs = [
        ("The cats sat on mats. They purred loudly.", ["The cat sat on the mat. It purred.", "A cat sat."]),
        (texts[0], texts[1:]),
        (texts[2], [texts[0]]),
        ("", ["Something here."]),
        ("...", ["x y z"]),
        ("Words.", ["!!"]),
    ]
    for stem in (True, False):
        assert _google_matches_package(pairs, stem) == len(pairs)
    with pytest.raises(ValueError, match="perl options"):
        build_scorer("rouge-score", "-n 2")


@pytest.mark.shared
@pytest.mark.slow
def test_rouge_score_convention_equals_the_package_on_duc() -> None:
    data = SHARED / "data" / "duc2004"
    if not data.is_dir():
        pytest.skip(f"DUC 2004 data not found at {data}")
    refs = {e.id: list(e.references) for e in load_examples(data / "duc2004_task2.jsonl")}
    outputs = load_system_outputs(sorted((data / "sumrepo").glob("[A-Z]*.jsonl")))
    pairs = [(s, refs[i]) for per_id in outputs.values() for i, s in per_id.items()][::3]
    assert _google_matches_package(pairs, stem=True) == len(pairs)


def test_perl_random_stream_matches_perl() -> None:
    # Printed by perl 5.36 here: srand(0); rand() and srand(1); rand(), rand().
    assert next(_perl_drand48(0)) == pytest.approx(0.17082803610629, abs=1e-14)
    draw = _perl_drand48(1)
    assert (next(draw), next(draw)) == pytest.approx((0.0416303447718782, 0.454492444728629), abs=1e-14)


def test_perl_bootstrap_of_a_constant_is_the_constant() -> None:
    est = perl_bootstrap([0.25] * 7)
    assert (est.mean, est.low, est.high, est.n) == (0.25, 0.25, 0.25, 7)


def test_primary_measure_is_recall_under_a_length_limit() -> None:
    assert build_scorer("1.5.5", "-n 4 -m -a -l 100 -x").primary_measure == "R"
    assert build_scorer("1.5.5", "-n 2 -b 665").primary_measure == "R"
    assert build_scorer("1.5.5", "-n 2 -m").primary_measure == "F"
    # Read from the parsed options, not the text: a data folder named "-l" sets no limit.
    assert build_scorer("1.5.5", "-e /opt/rouge-l -n 2").primary_measure == "F"
    assert build_scorer("rouge-score").primary_measure == "F"


def test_printed_average_is_the_perls_bootstrap_in_its_instance_order() -> None:
    scorer = build_scorer("1.5.5", "-n 1 -c 90 -r 200")
    values = {"a": 0.1, "a-b": 0.9, "b": 0.5}
    # The perl sorts "evalID.peerID" as strings: "a-b.S" < "a.S" < "b.S".
    assert scorer.printed("S", values) == perl_bootstrap([0.9, 0.1, 0.5], 200, 90.0)
    assert scorer.printed("S", values) != perl_bootstrap([0.1, 0.9, 0.5], 200, 90.0)
    assert build_scorer("rouge-score").printed("S", values) is None


def test_content_scorer_is_unigrams_and_bigrams_without_a_limit() -> None:
    perl = build_scorer("1.5.5", "-n 4 -m -l 2 -2 4 -u", jackknife=True).content()
    assert perl.metrics == ("ROUGE-1", "ROUGE-2")
    assert perl.score("a b c d", ["a b c d"])["ROUGE-1"]["R"] == 1.0  # no -l 2 cut
    google = build_scorer("rouge-score", stem=False, tokenizer="unicode").content()
    assert google.metrics == ("rouge1", "rouge2")
    assert google.settings["stem"] is False and google.settings["tokenizer"] == "unicode"


def _rows(metrics: Sequence[str]) -> list[dict[str, object]]:
    def row(system: str, i: str, f: float | None, **extra: object) -> dict[str, object]:
        scores = None if f is None else {m: {"R": f, "P": f, "F": f} for m in metrics}
        return {"id": i, "system": system, "words": 10, "scores": scores, **extra}

    facts = {"facts": 4, "grounded": 3, "invented": 1, "support_gt1": 2, "conflicts": 1}
    return [
        row("sut", "a", 0.5, facts=facts, fact_coverage={"rouge1": 0.4, "rouge2": 0.2}),
        row("sut", "b", 0.3, facts=facts),
        row("lead", "a", 0.2),
        row("lead", "b", None),  # failed: not scored, not compared
        row("lead", "zz", 0.9),  # not one of the examples
    ]


def test_aggregate_rows_by_hand() -> None:
    scorer = build_scorer("rouge-score")
    got = aggregate(_rows(scorer.metrics), scorer, ["a", "b"], "sut", seed=0)
    sut, lead = got["systems"]["sut"], got["systems"]["lead"]
    assert (sut["n"], sut["failed"], lead["n"], lead["failed"]) == (2, 0, 1, 1)
    assert sut["metrics"]["rouge1"]["F"]["mean"] == pytest.approx(0.4)
    assert "perl" not in sut["metrics"]["rouge1"]["F"]
    kf = sut["key_facts"]
    assert (kf["per_example"], kf["grounded"], kf["invented"], kf["support_gt1"]) == (4, 0.75, 0.25, 0.5)
    assert kf["conflicts_per_example"] == 1 and kf["coverage"]["rouge1"]["mean"] == pytest.approx(0.2)
    assert "key_facts" not in lead
    test = got["paired_tests"]["against"]["lead"]["rouge1"]
    assert test["n"] == 1 and test["mean_diff"] == pytest.approx(0.3)
    assert got["paired_tests"]["measure"] == "F" and got["system_under_test"] == "sut"


def test_aggregate_with_the_perls_convention() -> None:
    scorer = build_scorer("1.5.5", "-n 1 -x -l 100")
    got = aggregate(_rows(scorer.metrics), scorer, ["a", "b"], None, seed=0)
    assert got["paired_tests"] == {"against": {}, "measure": "R"}
    r1 = got["systems"]["sut"]["metrics"]["ROUGE-1"]["R"]
    printed = perl_bootstrap([0.5, 0.3])  # ids "a", "b": the perl's order too
    assert r1["perl"] == {"mean": printed.mean, "low": printed.low, "high": printed.high}


def test_bootstrap_ci_and_paired_test() -> None:
    values = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6]
    est = bootstrap_ci(values, seed=3)
    assert est == bootstrap_ci(values, seed=3)
    assert est.mean == pytest.approx(0.35)
    assert est.low < est.mean < est.high
    same = paired_test(values, values, seed=0)
    assert same.mean_diff == 0 and same.p_value == 1.0 and same.wins == same.losses == 0
    better = paired_test([v + 0.1 for v in values] * 5, values * 5, seed=0)
    assert better.mean_diff == pytest.approx(0.1) and better.p_value < 0.001 and better.wins == 30


def test_fact_checks() -> None:
    ex = Example(
        id="f",
        documents=(Document(text="Mayor Ana Ruiz opened 3 schools. Rain fell."),),
        references=("x",),
    )
    facts = [
        {
            "text": "Mayor Ana Ruiz opened 3 schools.",
            "support": 2,
            "sources": [{"article": 0, "sentence": 0, "start": 0, "end": 32}],
        },
        {
            "text": "Mayor Ana Ruiz opened 7 schools.",
            "support": 1,
            "sources": [{"article": 0, "sentence": 0, "start": 0, "end": 32}],
        },
        {"text": "Rain fell on Lisbon.", "support": 1, "sources": [{"article": 0, "start": 33, "end": 43}]},
        {"text": "Rain fell.", "support": 1, "sources": [{"article": 5, "start": 0, "end": 4}]},
    ]
    assert fact_checks(ex, facts) == {"facts": 4, "grounded": 1, "invented": 2, "support_gt1": 1}


def test_fact_words_numbers_and_names() -> None:
    assert words("Port-Alder's ferry, o'clock; U.S. Research.And 北京 1,200") == [
        "Port-Alder's",
        "ferry",
        "o'clock",
        "U",
        "S",
        "Research",
        "And",
        "北京",
        "1",
        "200",
    ]
    assert numbers("1,200 people, 3.5 percent, 1200 again, an A380 and 7.") == {"1200", "3.5", "7"}
    sources = {"the", "ferry", "rain", "fell", "Ana", "Ruiz"}
    # "Rain" opens the sentence and "rain" is in the sources: capitalised by position, not a name.
    assert proper_names("Rain fell on Lisbon. The ferry stopped.", sources) == {"Lisbon"}
    # An opening word the sources never have in lower case is a name; so is one after "Mayor".
    assert proper_names("Zorbania said Mayor Ana Ruiz left.", sources) == {"Zorbania", "Mayor", "Ana", "Ruiz"}
    assert proper_names("But Mr. Ruiz and he said it.", sources) == {"Ruiz"}


def test_a_glued_sentence_join_is_no_invented_name() -> None:
    # Two sentences glued without a space: "Research.And" is "Research" and the function word "And".
    ex = Example(
        id="g",
        documents=(Document(text="Funding came from Ferry Research. And the union agreed."),),
        references=("x",),
    )
    fact = {
        "text": "Funding came from Ferry Research.And the union agreed.",
        "support": 1,
        "sources": [{"article": 0, "start": 0, "end": 55}],
    }
    assert fact_checks(ex, [fact]) == {"facts": 1, "grounded": 1, "invented": 0, "support_gt1": 0}
    invented = {**fact, "text": "Funding came from Ferry Research.And Zorbania agreed."}
    assert fact_checks(ex, [invented])["invented"] == 1


def test_report_labels_tell_apart_names_that_differ_in_case_and_mark_humans() -> None:
    from eval.report import labels, score_table

    def system(human: bool = False) -> dict[str, object]:
        score = {"F": {"mean": 0.4, "low": 0.3, "high": 0.5}}
        return {"n": 2, "words": 100.0, "metrics": {"rouge1": score}, **({"human_rows": 2} if human else {})}

    results = {
        "systems": {"engine:embedded": system(), "lead": system(), "Lead": system(), "human_A": system(True)},
        "system_under_test": "engine:embedded",
        "settings": {"baselines": ["lead", "random"], "primary_measure": "F"},
    }
    assert labels(results) == {
        "engine:embedded": "engine:embedded",
        "lead": "lead (baseline)",
        "Lead": "lead (peer)",
        "human_A": "human_A †",
    }
    table = score_table(results)
    assert "| lead (baseline) |" in table and "| lead (peer) |" in table and "| Lead |" not in table
    assert "| human_A † |" in table and "† a human's summaries" in table
