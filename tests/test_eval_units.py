"""Evaluation harness pieces: data adapters, baselines, rouge-score convention, statistics, facts."""

import json
from collections.abc import Sequence
from pathlib import Path

import pytest
from rouge_score import rouge_scorer

from eval import baselines
from eval.baselines import as_lines
from eval.data import DataError, Document, Example, Fields, load_examples, load_system_outputs
from eval.facts import fact_checks
from eval.rouge import build_scorer, content_scorer
from eval.stats import _perl_drand48, bootstrap_ci, paired_test, perl_bootstrap
from tests.conftest import SHARED


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
    scorer = content_scorer(build_scorer("1.5.5", "-n 2 -m"))

    def gain(sentences: Sequence[str]) -> float:
        return sum(v["R"] for v in scorer.score("\n".join(sentences), EXAMPLE.references).values())

    assert baselines.oracle(EXAMPLE, 20, gain) == "Fresh lead sentence here."


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
