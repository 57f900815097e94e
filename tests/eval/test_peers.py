"""Other systems from an official ROUGE-1.5.5 config (DUC's peers): which example each topic is,
who is human, the files as they are, clear errors; and NIST's DUC 2006 config in ../shared."""

import json
import logging
from pathlib import Path
from typing import Any

import pytest

from eval.__main__ import main
from eval.data import DataError, SystemSummary, load_examples
from eval.peers import is_rouge_config, read_other_systems, read_rouge_config
from eval.rouge import build_scorer
from eval.run import as_human
from tests.support.articles import SHARED

TOPICS = {"D0601.M.250.A": ("A", "B"), "D0602.M.250.B": ("B", "C")}
PEER_TEXT = {"1": "The first system said this.\nAnd this.\n", "24": "System 24 said that.\n"}


def _eval(topic: str, left_out: str, models: list[str], peers: list[str], fmt: str = "SPL") -> str:
    return (
        f'<EVAL ID="{topic}-{left_out}">\n<PEER-ROOT>\npeers\n</PEER-ROOT>\n<MODEL-ROOT>\nmodels\n'
        f'</MODEL-ROOT>\n<INPUT-FORMAT TYPE="{fmt}">\n</INPUT-FORMAT>\n<PEERS>\n'
        + "".join(f'<P ID="{p}">{topic}.{p}</P>\n' for p in peers)
        + "</PEERS>\n<MODELS>\n"
        + "".join(f'<M ID="{m}">{topic}.{m}</M>\n' for m in models)
        + "</MODELS>\n</EVAL>\n"
    )


def write_config(root: Path, body: str | None = None) -> Path:
    """A jackknifed config as NIST writes them: in each evaluation one human is a peer, the rest models."""
    (root / "peers").mkdir(parents=True, exist_ok=True)
    (root / "models").mkdir(exist_ok=True)
    evals = []
    for topic, humans in TOPICS.items():
        for ident, text in PEER_TEXT.items():
            (root / "peers" / f"{topic}.{ident}").write_text(text)
        for h in humans:
            text = f"Human {h} wrote about {topic}.\n"
            (root / "peers" / f"{topic}.{h}").write_text(text)
            (root / "models" / f"{topic}.{h}").write_text(text)
            evals.append(_eval(topic, h, [m for m in humans if m != h], [*PEER_TEXT, h]))
    path = root / "rougejk.in"
    path.write_text(
        '<ROUGE_EVAL version="1.5.5">\n' + (body if body is not None else "".join(evals)) + "</ROUGE_EVAL>\n"
    )
    return path


def test_peers_are_systems_and_humans_are_marked(tmp_path: Path) -> None:
    systems = read_rouge_config(write_config(tmp_path), ["D0601A", "D0602B"])
    assert sorted(systems) == ["peer-1", "peer-24", "peer-A", "peer-B", "peer-C"]
    assert systems["peer-24"] == {
        "D0601A": SystemSummary(PEER_TEXT["24"], human=False),
        "D0602B": SystemSummary(PEER_TEXT["24"], human=False),
    }
    assert systems["peer-1"]["D0602B"].summary == PEER_TEXT["1"]  # the file as it is
    assert systems["peer-B"] == {
        e: SystemSummary(f"Human B wrote about {t}.\n", human=True, reference_id="B")
        for e, t in (("D0601A", "D0601.M.250.A"), ("D0602B", "D0602.M.250.B"))
    }
    assert set(systems["peer-A"]) == {"D0601A"} and set(systems["peer-C"]) == {"D0602B"}


@pytest.mark.parametrize(
    ("ids", "expected"),
    [
        (["D0601A", "D0602B"], {"D0601A", "D0602B"}),
        (["d0601a", "d0602b"], {"d0601a", "d0602b"}),  # DUC 2004's ids are lower case
        (["D0601", "D0602"], {"D0601", "D0602"}),  # the topic alone
        (["D0601.M.250.A"], {"D0601.M.250.A"}),  # the id itself
        (["D0602B", "D0699Z"], {"D0602B"}),  # topics not in the data are left out
    ],
)
def test_topics_name_the_data_s_examples(tmp_path: Path, ids: list[str], expected: set[str]) -> None:
    systems = read_rouge_config(write_config(tmp_path), ids)
    assert set(systems["peer-24"]) == expected


def test_a_config_that_names_no_example_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(DataError, match=r"none of its 2 topics .* \(tried e.g. D0601A, D0601,"):
        read_rouge_config(write_config(tmp_path), ["d30001t"])


def test_two_topics_naming_one_example_is_an_error(tmp_path: Path) -> None:
    body = _eval("D0601.M.250.A", "A", ["B"], ["1"]) + _eval("D0601.M.250.B", "A", ["B"], ["1"])
    config = write_config(tmp_path, body)
    with pytest.raises(DataError, match="both name example D0601"):
        read_rouge_config(config, ["D0601"])


def test_latin1_files_are_read_with_a_warning(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    config = write_config(tmp_path)
    (tmp_path / "peers" / "D0601.M.250.A.24").write_bytes("Jean Chr\xe9tien spoke.\n".encode("latin-1"))
    with caplog.at_level(logging.WARNING, logger="eval.peers"):
        systems = read_rouge_config(config, ["D0601A"])
    assert systems["peer-24"]["D0601A"].summary == "Jean Chrétien spoke.\n"
    assert "1 peer file(s) not UTF-8, read as Latin-1: D0601.M.250.A.24" in caplog.text


OK_EVAL = _eval("D0601.M.250.A", "A", ["B"], ["1"])


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("<EVAL", "not a ROUGE config"),
        ("", "no <EVAL> in the config"),
        (OK_EVAL.replace('TYPE="SPL"', 'TYPE="SEE"'), "only INPUT-FORMAT"),
        (OK_EVAL.replace("<PEER-ROOT>\npeers\n</PEER-ROOT>", ""), "needs a non-empty <PEER-ROOT>"),
        (OK_EVAL.replace('<P ID="1">', '<P ID="">'), "needs an ID and a file name"),
        (OK_EVAL.replace('<M ID="B">D0601.M.250.A.B</M>\n', ""), "at least one peer and one model"),
        (OK_EVAL.replace("<PEERS>", "<PEOPLE>").replace("</PEERS>", "</PEOPLE>"), "needs <PEERS>"),
        (OK_EVAL.replace(' ID="D0601.M.250.A-A"', ""), "<EVAL> 1: needs an ID"),
        (OK_EVAL.replace(".1</P>", ".404</P>"), "cannot read peer file .*D0601.M.250.A.404"),
        (
            OK_EVAL + OK_EVAL.replace("-A", "-B").replace(".1</P>", ".24</P>"),
            "peer 1 is D0601.M.250.A.24 here",
        ),
    ],
)
def test_a_malformed_config_is_a_clear_error(tmp_path: Path, body: str, message: str) -> None:
    config = write_config(tmp_path, body)
    with pytest.raises(DataError, match=message):
        read_rouge_config(config, ["D0601A"])


def test_the_root_must_be_rouge_eval(tmp_path: Path) -> None:
    path = tmp_path / "other.xml"
    path.write_text("<config><EVAL/></config>")
    with pytest.raises(DataError, match="must be <ROUGE_EVAL>, not <config>"):
        read_rouge_config(path, ["a"])


def test_systems_files_of_both_kinds(tmp_path: Path) -> None:
    config = write_config(tmp_path)
    jsonl = tmp_path / "more.jsonl"
    rows = [
        {"cluster_id": "D0601A", "system": "peer-24", "summary": "Resubmitted."},
        {"id": "D0601A", "system": "X", "summary": "x"},
    ]
    jsonl.write_text("".join(json.dumps(r) + "\n" for r in rows))
    assert is_rouge_config(config) and not is_rouge_config(jsonl)
    systems = read_other_systems([config, jsonl], ["D0601A", "D0602B"])
    assert systems["peer-24"]["D0601A"].summary == "Resubmitted."  # a later file wins
    assert systems["peer-24"]["D0602B"].summary == PEER_TEXT["24"]
    assert systems["X"] == {"D0601A": SystemSummary("x")}


def test_run_scores_human_peers_against_the_other_references(tmp_path: Path) -> None:
    config = write_config(tmp_path)
    data = tmp_path / "data.jsonl"
    rows: list[dict[str, Any]] = [
        {
            "id": f"{topic[:5]}{topic[-1]}",
            "documents": ["Some article."],
            "references": [f"Human {h} wrote about {topic}." for h in humans],
            "reference_ids": list(humans),
        }
        for topic, humans in TOPICS.items()
    ]
    data.write_text("".join(json.dumps(r) + "\n" for r in rows))
    out = tmp_path / "run"
    options = "-n 2 -m -a -l 250"
    args = ["--no-engine", "--baselines", "", "--rouge", "1.5.5", "--rouge-options", options, "--jackknife"]
    assert main(["run", "--data", str(data), "--out", str(out), "--systems", str(config), *args]) == 0
    results = json.loads((out / "results.json").read_text())
    assert results["settings"]["other_systems"] == ["peer-1", "peer-24", "peer-A", "peer-B", "peer-C"]
    assert (
        results["systems"]["peer-B"]["human_rows"] == 2 and "human_rows" not in results["systems"]["peer-1"]
    )
    by = {
        (r["system"], r["id"]): r for r in map(json.loads, (out / "examples.jsonl").read_text().splitlines())
    }
    scorer = build_scorer("1.5.5", options, jackknife=True)
    # Human A is scored against B's reference only: R-2 of "Human A wrote about D0601.M.250.A."
    # against "Human B wrote ...".
    human = by[("peer-A", "D0601A")]
    assert human["human"] is True and human["own_reference"] == 0
    assert human["scores"] == scorer.score(human["summary"], [rows[0]["references"][1]])
    system = by[("peer-24", "D0601A")]
    assert "human" not in system
    assert system["scores"] == scorer.score(system["summary"], rows[0]["references"])


# --- NIST's DUC 2006 run in ../shared ------------------------------------------------------------

DUC2006 = SHARED / "data" / "duc2006" / "duc2006.jsonl"
NIST_CONFIG = SHARED / "rouge" / "duc2006_official" / "ROUGE" / "rougejk.in"


@pytest.mark.shared
def test_nist_duc2006_config_gives_every_peer_for_every_topic() -> None:
    if not (DUC2006.is_file() and NIST_CONFIG.is_file()):
        pytest.skip(f"DUC 2006 data or NIST's ROUGE config not found under {SHARED}")
    examples = {e.id: e for e in load_examples(DUC2006)}
    systems = read_rouge_config(NIST_CONFIG, list(examples))
    automatic = {f"peer-{i}" for i in range(1, 36)}
    humans = {f"peer-{h}" for h in "ABCDEFGHIJ"}
    assert set(systems) == automatic | humans
    for name in automatic:
        assert set(systems[name]) == set(examples), name
        assert all(not as_human(examples[i], name, row) for i, row in systems[name].items())
    per_example: dict[str, int] = {}
    for name in humans:
        for ex_id, row in systems[name].items():
            found = as_human(examples[ex_id], name, row)
            assert found is not None and found.own is not None
            # NIST's peer file of a human is that human's reference (bar one Latin-1 'é').
            ref = examples[ex_id].references[found.own]
            assert row.summary.split() == ref.split() or (ex_id, name) == ("D0614E", "peer-B")
            per_example[ex_id] = per_example.get(ex_id, 0) + 1
    assert per_example == dict.fromkeys(examples, 4)


NIST_SCORES = NIST_CONFIG.parent / "rougejk.m.out"


@pytest.mark.shared
@pytest.mark.slow
def test_nist_peers_score_as_nist_scored_them() -> None:
    """Peers 24 (the best ROUGE-2) and 1 (the baseline) get, topic by topic, the average of NIST's
    four jackknifed scores (`rougejk.m.out`, 5 decimals) of ROUGE-2 and SU4 recall."""
    if not (DUC2006.is_file() and NIST_SCORES.is_file()):
        pytest.skip(f"DUC 2006 data or NIST's ROUGE output not found under {SHARED}")
    nist: dict[tuple[str, str, str], list[float]] = {}
    for line in NIST_SCORES.read_text().splitlines():
        # "24 ROUGE-2 Eval D0601.M.250.A-B.24 R:0.04858 P:0.04800 F:0.04829"
        fields = line.split()
        if len(fields) != 7 or fields[2] != "Eval" or fields[0] not in {"1", "24"}:
            continue
        peer, metric, _, eval_id, recall = fields[:5]
        if metric in {"ROUGE-2", "ROUGE-SU4"}:
            topic, _, _, selector = eval_id.split(".")[:4]
            key = (f"peer-{peer}", metric, topic + selector[0])
            nist.setdefault(key, []).append(float(recall.removeprefix("R:")))
    examples = load_examples(DUC2006)
    systems = read_rouge_config(NIST_CONFIG, [e.id for e in examples])
    scorer = build_scorer("1.5.5", "-n 2 -m -2 4 -u -f A", jackknife=True)
    for name in ("peer-1", "peer-24"):
        for e in examples:
            scores = scorer.score(systems[name][e.id].summary, e.references)
            for metric in ("ROUGE-2", "ROUGE-SU4"):
                values = nist[(name, metric, e.id)]
                assert len(values) == 4
                assert scores[metric]["R"] == pytest.approx(sum(values) / 4, abs=1e-12), (name, e.id)
