"""Run outputs: results.json, report.md with the tables, and PNG plots."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")  # files only, no display
import matplotlib.pyplot as plt  # noqa: E402


def _pct(x: float) -> str:
    return f"{100 * x:.2f}"


def _order(results: dict[str, Any]) -> list[str]:
    """The system under test first, then by the first metric's primary score, best first."""
    systems = results["systems"]
    measure = results["settings"]["primary_measure"]
    first = next(iter(next(iter(systems.values()))["metrics"])) if systems else None
    sut = results["system_under_test"]
    rest = sorted(
        (s for s in systems if s != sut),
        key=lambda s: -systems[s]["metrics"][first][measure]["mean"],
    )
    return ([sut] if sut in systems else []) + rest


def score_table(results: dict[str, Any]) -> str:
    """Markdown table: each system's primary measure per metric, mean with its 95% CI."""
    systems = results["systems"]
    if not systems:
        return "(no scored summaries)\n"
    measure = results["settings"]["primary_measure"]
    metrics = list(next(iter(systems.values()))["metrics"])
    head = "| system | n | words | " + " | ".join(f"{m} {measure}" for m in metrics) + " |"
    lines = [head, "|" + "---|" * (3 + len(metrics))]
    for name in _order(results):
        s = systems[name]
        # With the 1.5.5 convention, the average and CI exactly as the perl prints them.
        est = [s["metrics"][m][measure].get("perl", s["metrics"][m][measure]) for m in metrics]
        cells = [f"{_pct(e['mean'])} ({_pct(e['low'])}–{_pct(e['high'])})" for e in est]
        label = f"**{name}**" if name == results["system_under_test"] else name
        if s.get("human_rows"):
            label += " †"
        lines.append(f"| {label} | {s['n']} | {s['words']:.1f} | " + " | ".join(cells) + " |")
    if any(s.get("human_rows") for s in systems.values()):
        lines.append("\n† a human's summaries, each scored against the other humans' references only.")
    return "\n".join(lines) + "\n"


def paired_table(results: dict[str, Any]) -> str:
    tests = results["paired_tests"]["against"]
    if not tests:
        return ""
    sut = results["system_under_test"]
    metrics = list(next(iter(tests.values())))
    lines = [
        f"| {sut} minus | " + " | ".join(f"{m} diff (95% CI), p" for m in metrics) + " |",
        "|" + "---|" * (1 + len(metrics)),
    ]
    for other, per_metric in tests.items():
        cells = [
            f"{_pct(t['mean_diff'])} ({_pct(t['low'])}–{_pct(t['high'])}), p={t['p_value']:.4f}"
            for t in per_metric.values()
        ]
        lines.append(f"| {other} | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def facts_table(results: dict[str, Any]) -> str:
    rows = [(n, s["key_facts"]) for n, s in results["systems"].items() if "key_facts" in s]
    if not rows:
        return ""
    lines = [
        "| system | facts/example | grounded | invented number/name | support > 1 | conflicts/example "
        "| coverage (recall) |",
        "|---|---|---|---|---|---|---|",
    ]
    for name, f in rows:
        cov = ", ".join(f"{m} {_pct(v['mean'])}" for m, v in f["coverage"].items())

        def share(x: float | None) -> str:
            return "–" if x is None else f"{100 * x:.1f}%"

        lines.append(
            f"| {name} | {f['per_example']:.2f} | {share(f['grounded'])} | {share(f['invented'])} "
            f"| {share(f['support_gt1'])} | {f.get('conflicts_per_example', 0):.2f} | {cov} |"
        )
    return "\n".join(lines) + "\n"


def novelty_table(results: dict[str, Any]) -> str:
    """Update runs: each system's share of summary bigrams already in the background, and new."""
    rows = [(n, s["novelty"]) for n, s in results["systems"].items() if "novelty" in s]
    if not rows:
        return ""
    lines = [
        "| system | already read (in the background) | new (only in the new articles) |",
        "|---|---|---|",
    ]
    for name, f in rows:
        cells = [
            f"{_pct(f[k]['mean'])} ({_pct(f[k]['low'])}–{_pct(f[k]['high'])})" for k in ("old", "new_only")
        ]
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def _plot_scores(results: dict[str, Any], path: Path) -> None:
    systems = results["systems"]
    measure = results["settings"]["primary_measure"]
    names = _order(results)[::-1]
    metrics = list(next(iter(systems.values()))["metrics"])[:2]
    fig, axes = plt.subplots(1, len(metrics), figsize=(5 * len(metrics), 0.35 * len(names) + 1.5))
    axes = [axes] if len(metrics) == 1 else list(axes)
    for ax, m in zip(axes, metrics, strict=True):
        means = [100 * systems[n]["metrics"][m][measure]["mean"] for n in names]
        lows = [means[i] - 100 * systems[n]["metrics"][m][measure]["low"] for i, n in enumerate(names)]
        highs = [100 * systems[n]["metrics"][m][measure]["high"] - means[i] for i, n in enumerate(names)]
        colors = ["tab:red" if n == results["system_under_test"] else "tab:blue" for n in names]
        ax.errorbar(means, range(len(names)), xerr=[lows, highs], fmt="none", ecolor="gray", capsize=3)
        ax.scatter(means, range(len(names)), c=colors, zorder=3)
        ax.set_yticks(range(len(names)), names)
        ax.set_xlabel(f"{m} {measure} (mean, 95% CI)")
        ax.grid(axis="x", alpha=0.3)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


def _plot_length(rows_by_system: dict[str, list[tuple[int, float]]], metric: str, path: Path) -> None:
    fig, ax = plt.subplots(figsize=(6, 4.5))
    for name, points in sorted(rows_by_system.items()):
        if points:
            ax.scatter([p[0] for p in points], [100 * p[1] for p in points], s=10, label=name, alpha=0.6)
    ax.set_xlabel("summary length (words)")
    ax.set_ylabel(metric)
    ax.legend(fontsize=6, ncol=2)
    ax.grid(alpha=0.3)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


def write_report(out: Path, results: dict[str, Any], rows: Sequence[dict[str, Any]]) -> None:
    """results.json, report.md and the plots; `rows` are the run's per-example rows."""
    (out / "results.json").write_text(json.dumps(results, indent=2))
    s = results["settings"]
    sections = [
        "# Evaluation report\n",
        f"Data: `{s['data']}` ({s['examples']} examples, sha256 `{s['dataset_sha256'][:12]}`), "
        f"ROUGE: {s['rouge']}, budget {s['max_words']} words, seed {s['seed']}, commit {s['git_commit']}.\n",
        f"## Scores ({s['primary_measure']}, ×100, 95% bootstrap CI)\n",
        score_table(results),
    ]
    if results["paired_tests"]["against"]:
        sections += ["\n## Paired tests (sign-flip permutation, per example)\n", paired_table(results)]
    if novelty_table(results):
        sections += [
            "\n## Update: what the reader had read (% of summary bigrams, 95% CI)\n",
            novelty_table(results),
        ]
    if facts_table(results):
        sections += ["\n## Key facts\n", facts_table(results)]
    sections += ["\n![scores](scores.png)\n", "![length](length_vs_score.png)\n"]
    (out / "report.md").write_text("\n".join(sections))
    if results["systems"]:
        _plot_scores(results, out / "scores.png")
        metric = next(iter(next(iter(results["systems"].values()))["metrics"]))
        points: dict[str, list[tuple[int, float]]] = {}
        for r in rows:
            if r.get("scores"):
                points.setdefault(r["system"], []).append(
                    (r["words"], r["scores"][metric][s["primary_measure"]])
                )
        _plot_length(points, f"{metric} {s['primary_measure']}", out / "length_vs_score.png")
