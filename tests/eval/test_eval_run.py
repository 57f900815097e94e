"""`python -m eval run` end to end: outputs, resume, a running service, and DUC 2004 anchors."""

import importlib.util
import json
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import uvicorn

from eval.__main__ import main
from eval.rouge import build_scorer
from eval.rouge.lines import as_lines
from service.api.app import create_app
from service.settings import Settings
from tests.support.articles import SHARED
from tests.support.servers import free_port, wait_ready

REFERENCES = [
    [
        "Ferry workers in Port Alder went on strike on Monday, cutting off Kessel Island.",
        "340 union members walked out after talks with Northline Ferries collapsed.",
    ],
    [
        "Northline Ferries will put a revised offer to the strikers on Wednesday.",
        "Its shares fell 4 percent as the strike stopped all crossings.",
    ],
]


@pytest.fixture
def dataset(tmp_path: Path, ferry: list[dict[str, Any]]) -> Path:
    rows = [
        {
            "id": "strike",
            "documents": [
                {"text": a["text"], "title": a["title"], "date": a["published"]} for a in ferry[:2]
            ],
            "references": REFERENCES[0],
        },
        {"id": "shares", "documents": [a["text"] for a in ferry[1:]], "references": REFERENCES[1]},
    ]
    path = tmp_path / "data.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return path


@pytest.fixture
def systems(tmp_path: Path) -> Path:
    path = tmp_path / "other.jsonl"
    rows = [
        {"cluster_id": "strike", "system": "Other", "summary": "Ferry workers went on strike on Monday."},
        {"cluster_id": "shares", "system": "Other", "summary": "Northline shares fell 4 percent."},
    ]
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return path


def run_eval(data: Path, out: Path, *options: str) -> int:
    return main(["run", "--data", str(data), "--out", str(out), *options])


def rows(out: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in (out / "examples.jsonl").read_text().splitlines()]


def test_run_writes_results_rows_report_and_plots(
    dataset: Path, systems: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "run"
    args = [
        "run",
        "--data",
        str(dataset),
        "--out",
        str(out),
        "--systems",
        str(systems),
        "--rouge",
        "1.5.5",
        "--rouge-options",
        "-n 2 -m -l 40",
        "--max-words",
        "40",
        "--seed",
        "7",
    ]
    assert main(args) == 0
    printed = capsys.readouterr().out
    assert "| **engine:embedded** | 2 |" in printed and "| Other | 2 |" in printed
    results = json.loads((out / "results.json").read_text())
    s = results["settings"]
    assert s["system_under_test"]["engine"] == "embedded" and s["seed"] == 7
    assert s["rouge"]["options"] == "-n 2 -m -l 40" and len(s["dataset_sha256"]) == 64
    assert {"git_commit", "versions"} <= set(s) and "newsdigest" in s["versions"]
    assert set(results["systems"]) == {"engine:embedded", "Other", "lead", "lead-each", "random", "oracle"}
    sut = results["systems"]["engine:embedded"]
    r1 = sut["metrics"]["ROUGE-1"]["R"]
    assert r1["low"] <= r1["mean"] <= r1["high"] and "perl" in r1
    assert sut["key_facts"]["grounded"] == 1.0 and sut["key_facts"]["per_example"] > 0
    assert sut["key_facts"]["conflicts_per_example"] == 0  # the ferry articles agree
    assert set(results["paired_tests"]["against"]) == {"Other", "lead", "lead-each", "random", "oracle"}
    by = {(r["system"], r["id"]): r for r in rows(out)}
    assert len(by) == 12
    assert all(r["words"] <= 40 for (name, _), r in by.items() if name != "Other")
    report = (out / "report.md").read_text()
    assert "## Paired tests" in report and "## Key facts" in report
    for png in ("scores.png", "length_vs_score.png"):
        assert (out / png).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_resume_continues_without_redoing(dataset: Path, tmp_path: Path) -> None:
    out = tmp_path / "run"
    args = ["run", "--data", str(dataset), "--out", str(out), "--baselines", "lead"]
    assert main(args) == 0
    first = rows(out)
    assert main(args) == 2  # the run exists: refuse to mix two runs
    # Interrupt: keep the first row only, plus a torn half line.
    lines = (out / "examples.jsonl").read_text().splitlines()
    (out / "examples.jsonl").write_text(lines[0] + "\n" + lines[1][:20])
    assert main([*args, "--resume"]) == 0
    again = rows(out)
    assert sorted((r["system"], r["id"]) for r in again) == sorted((r["system"], r["id"]) for r in first)
    assert again[0] == first[0]  # untouched


def test_no_engine_scores_only_given_outputs(dataset: Path, systems: Path, tmp_path: Path) -> None:
    out = tmp_path / "run"
    assert run_eval(dataset, out, "--no-engine", "--baselines", "", "--systems", str(systems)) == 0
    results = json.loads((out / "results.json").read_text())
    assert set(results["systems"]) == {"Other"} and results["system_under_test"] is None
    assert "rouge1" in results["systems"]["Other"]["metrics"]  # the rouge-score convention by default


def test_bad_options_exit_2(dataset: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run_eval(dataset, tmp_path / "a", "--rouge", "1.5.5", "--rouge-options", "-l 10 -b 20") == 2
    assert "not both" in capsys.readouterr().err
    assert run_eval(tmp_path / "missing.jsonl", tmp_path / "b") == 2


def test_humans_are_marked_by_their_rows_not_by_their_text(
    dataset: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A row is a human's when it says so; a system that copies a reference gets no discount."""
    rows_in = [json.loads(line) for line in dataset.read_text().splitlines()]
    for row in rows_in:
        row["reference_ids"] = ["A", "B"]
    data = tmp_path / "duc.jsonl"
    data.write_text("".join(json.dumps(r) + "\n" for r in rows_in))
    outputs = tmp_path / "outputs.jsonl"
    outputs.write_text(
        "".join(
            json.dumps(r) + "\n"
            for r in [
                {"cluster_id": "strike", "system": "human_A", "summary": REFERENCES[0][0]},
                {"cluster_id": "strike", "system": "Copier", "summary": REFERENCES[0][0]},
                {"cluster_id": "shares", "system": "Copier", "summary": REFERENCES[1][1]},
            ]
        )
    )
    out = tmp_path / "run"
    options = ["--no-engine", "--baselines", "", "--systems", str(outputs)]
    assert run_eval(data, out, *options, "--rouge", "1.5.5", "--rouge-options", "-n 1") == 0
    by = {(r["system"], r["id"]): r for r in rows(out)}
    scorer = build_scorer("1.5.5", "-n 1")
    summary = as_lines(REFERENCES[0][0])
    human = by[("human_A", "strike")]
    assert human["human"] is True and human["own_reference"] == 0
    # Against B's reference only, as DUC scores humans.
    assert human["scores"] == scorer.score(summary, [REFERENCES[0][1]])
    copier = by[("Copier", "strike")]
    assert "human" not in copier and "own_reference" not in copier
    # The same words, not marked human: against both references, its copy included.
    assert copier["scores"] == scorer.score(summary, REFERENCES[0])
    assert copier["scores"]["ROUGE-1"]["R"] > human["scores"]["ROUGE-1"]["R"]
    systems = json.loads((out / "results.json").read_text())["systems"]
    assert systems["human_A"]["human_rows"] == 1 and "human_rows" not in systems["Copier"]
    printed = capsys.readouterr().out
    assert (
        "| human_A † | 1 |" in printed and "| Copier | 2 |" in printed and "† a human's summaries" in printed
    )


@pytest.fixture
def live_service() -> Iterator[str]:
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(create_app(Settings()), host="127.0.0.1", port=port, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{port}"
    assert wait_ready(url, 30)
    yield url
    server.should_exit = True
    thread.join(10)


def test_url_evaluates_a_running_service(dataset: Path, tmp_path: Path, live_service: str) -> None:
    out = tmp_path / "run"
    assert run_eval(dataset, out, "--url", live_service, "--baselines", "lead", "--concurrency", "2") == 0
    results = json.loads((out / "results.json").read_text())
    assert results["system_under_test"] == "service"
    assert results["settings"]["system_under_test"] == {
        "kind": "service",
        "url": live_service,
        "concurrency": 2,
    }
    service_rows = [r for r in rows(out) if r["system"] == "service"]
    assert len(service_rows) == 2 and all(r["scores"] and "error" not in r for r in service_rows)
    assert results["systems"]["service"]["key_facts"]["grounded"] == 1.0


def test_unreachable_service_is_recorded_not_fatal(dataset: Path, tmp_path: Path) -> None:
    out = tmp_path / "run"
    dead = f"http://127.0.0.1:{free_port()}"
    assert (
        run_eval(dataset, out, "--url", dead, "--baselines", "lead", "--concurrency", "2", "--retries", "1")
        == 0
    )
    failed = [r for r in rows(out) if r["system"] == "service"]
    assert failed and all("error" in r and r["scores"] is None for r in failed)


DUC = SHARED / "data" / "duc2004"


@pytest.mark.shared
@pytest.mark.slow
def test_duc2004_published_systems_equal_the_perl(tmp_path: Path) -> None:
    """SumRepo's perl re-run of 13 systems (-n 4 -m -a -l 100 -x): averages and CIs, exactly."""
    if not DUC.is_dir():
        pytest.skip(f"DUC 2004 data not found at {DUC}")
    out = tmp_path / "duc"
    systems = sorted(str(p) for p in (DUC / "sumrepo").glob("[A-Z]*.jsonl"))
    assert (
        run_eval(
            DUC / "duc2004_task2.jsonl",
            out,
            "--no-engine",
            "--baselines",
            "",
            "--systems",
            *systems,
            "--rouge",
            "1.5.5",
            "--rouge-options",
            "-n 4 -m -a -l 100 -x",
            "--wordnet-order",
            "adv,adj,noun,verb",
        )
        == 0
    )
    ours = json.loads((out / "results.json").read_text())["systems"]
    perl = json.loads((DUC / "sumrepo" / "hong2014_setting_l100.json").read_text())["results"]
    assert set(perl) <= set(ours)
    for system, scores in perl.items():
        for n in (1, 2, 3, 4):
            got = ours[system]["metrics"][f"ROUGE-{n}"]["R"]["perl"]
            want = scores[f"ROUGE-{n}_R"]
            assert [100 * got[k] for k in ("mean", "low", "high")] == pytest.approx(want, abs=1e-6), system


@pytest.mark.slow
@pytest.mark.parametrize("backend", ["transformers", "ctranslate2"])
def test_seq2seq_checkpoint_in_process(
    dataset: Path, tmp_path: Path, tiny_models: dict[str, Path], monkeypatch: pytest.MonkeyPatch, backend: str
) -> None:
    """--model runs the seq2seq engine in-process; its backend and generation settings come from
    SUMMARIZER_*, and the run records them."""
    if backend == "ctranslate2" and importlib.util.find_spec("ctranslate2") is None:
        pytest.skip("ctranslate2 is not installed (pip install 'newsdigest[ctranslate2]')")
    monkeypatch.setenv("SUMMARIZER_SUMMARY_MAX_NEW_TOKENS", "12")
    monkeypatch.setenv("SUMMARIZER_FACTS_MAX_NEW_TOKENS", "12")
    monkeypatch.setenv("SUMMARIZER_BACKEND", backend)
    monkeypatch.setenv("SUMMARIZER_CT2_CACHE_DIR", str(tmp_path / "ct2"))
    out = tmp_path / "run"
    assert run_eval(dataset, out, "--model", str(tiny_models["bart"]), "--baselines", "lead") == 0
    results = json.loads((out / "results.json").read_text())
    sut = results["settings"]["system_under_test"]
    assert sut["engine"] == "seq2seq" and sut["model"] == str(tiny_models["bart"])
    assert sut["backend"] == backend
    assert sut["generation"]["summary"]["max_new_tokens"] == 12
    assert results["system_under_test"] == "engine:seq2seq"
    assert {r["system"] for r in rows(out)} == {"engine:seq2seq", "lead"}


def test_conflicts_are_counted(tmp_path: Path) -> None:
    from tests.support.articles import load_cluster

    articles = load_cluster("prisoner_exchange")
    data = tmp_path / "d.jsonl"
    data.write_text(
        json.dumps(
            {
                "id": "p",
                "documents": [a["text"] for a in articles],
                "references": ["The two countries agreed to swap prisoners."],
            }
        )
        + "\n"
    )
    out = tmp_path / "run"
    assert run_eval(data, out, "--baselines", "") == 0
    results = json.loads((out / "results.json").read_text())
    assert results["systems"]["engine:embedded"]["key_facts"]["conflicts_per_example"] == 1
    (row,) = rows(out)
    assert row["conflicts"][0]["subject"] == "prisoners"
