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
    shown = labels(results)
    for name in _order(results):
        s = systems[name]
        # With the 1.5.5 convention, the average and CI exactly as the perl prints them.
        est = [s["metrics"][m][measure].get("perl", s["metrics"][m][measure]) for m in metrics]
        cells = [f"{_pct(e['mean'])} ({_pct(e['low'])}–{_pct(e['high'])})" for e in est]
        label = f"**{shown[name]}**" if name == results["system_under_test"] else shown[name]
        lines.append(f"| {label} | {s['n']} | {s['words']:.1f} | " + " | ".join(cells) + " |")
    if any(s.get("human_rows") for s in systems.values()):
        lines.append(f"\n{HUMAN_NOTE}.")
    return "\n".join(lines) + "\n"


def paired_table(results: dict[str, Any]) -> str:
    tests = results["paired_tests"]["against"]
    if not tests:
        return ""
    sut = results["system_under_test"]
    shown = labels(results)
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
        lines.append(f"| {shown.get(other, other)} | " + " | ".join(cells) + " |")
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


# How many systems besides the one under test the length plot names: the best by score.
HIGHLIGHTED_PEERS = 3
HUMAN_NOTE = "† a human's summaries, scored against the other humans' references only"


def labels(results: dict[str, Any]) -> dict[str, str]:
    """Each system's name as the tables and plots show it. A baseline of the harness and another
    system whose names differ only in case (the harness's `lead`, sumrepo's `Lead`) are told apart
    in one spelling: `lead (baseline)`, `lead (peer)`. Human rows carry a dagger."""
    systems = results["systems"]
    baselines = set(results["settings"].get("baselines", []))
    folded: dict[str, set[str]] = {}
    for name in systems:
        folded.setdefault(name.lower(), set()).add(name)
    shown = {}
    for name, s in systems.items():
        label = name
        if len(folded[name.lower()]) > 1:
            label = f"{name.lower()} ({'baseline' if name in baselines else 'peer'})"
        shown[name] = label + (" †" if s.get("human_rows") else "")
    return shown


def _plot_scores(results: dict[str, Any], path: Path) -> None:
    systems = results["systems"]
    measure = results["settings"]["primary_measure"]
    names = _order(results)[::-1]
    shown = labels(results)
    sut = results["system_under_test"]
    baselines = set(results["settings"].get("baselines", []))
    metrics = list(next(iter(systems.values()))["metrics"])[:2]
    fig, axes = plt.subplots(1, len(metrics), figsize=(5 * len(metrics), 0.35 * len(names) + 1.9))
    axes = [axes] if len(metrics) == 1 else list(axes)
    kinds = {
        "system under test": (lambda n: n == sut, "tab:red", "o"),
        "human (†)": (lambda n: bool(systems[n].get("human_rows")), "tab:green", "D"),
        "baseline": (lambda n: n in baselines, "dimgray", "s"),
        "other system": (lambda n: True, "tab:blue", "o"),
    }

    def kind(n: str) -> str:
        return next(k for k, (test, _, _) in kinds.items() if test(n))

    for ax, m in zip(axes, metrics, strict=True):
        means = [100 * systems[n]["metrics"][m][measure]["mean"] for n in names]
        lows = [means[i] - 100 * systems[n]["metrics"][m][measure]["low"] for i, n in enumerate(names)]
        highs = [100 * systems[n]["metrics"][m][measure]["high"] - means[i] for i, n in enumerate(names)]
        ax.errorbar(means, range(len(names)), xerr=[lows, highs], fmt="none", ecolor="gray", capsize=3)
        for k, (_, color, marker) in kinds.items():
            rows = [i for i, n in enumerate(names) if kind(n) == k]
            if rows:
                ax.scatter([means[i] for i in rows], rows, c=color, marker=marker, zorder=3, label=k)
        ax.set_yticks(range(len(names)), [shown[n] for n in names])
        for tick, n in zip(ax.get_yticklabels(), names, strict=True):
            if n == sut:
                tick.set_fontweight("bold")
        ax.set_xlabel(f"{m} {measure} (mean, 95% CI)")
        ax.grid(axis="x", alpha=0.3)
    # Below the plots, out of the data's way.
    handles, names_ = axes[0].get_legend_handles_labels()
    inch = 1 / fig.get_figheight()  # the strip below the plots, in figure fractions
    fig.legend(
        handles, names_, loc="lower center", bbox_to_anchor=(0.5, 0.3 * inch), ncol=len(handles), fontsize=8
    )
    if any(systems[n].get("human_rows") for n in names):
        fig.text(0.5, 0.08 * inch, HUMAN_NOTE, ha="center", va="bottom", fontsize=8, color="dimgray")
    fig.tight_layout(rect=(0, 0.75 * inch, 1, 1))
    fig.savefig(path, dpi=120)
    plt.close(fig)


def _plot_length(
    results: dict[str, Any], rows_by_system: dict[str, list[tuple[int, float]]], metric: str, path: Path
) -> None:
    """Every summary's length against its score: the system under test and the best few peers
    (systems, not the harness's baselines or human rows) in colour, each named at the side with a
    line to its mean point; the rest grey and unnamed (a legend of dozens of systems on repeating
    colours could not be read)."""
    sut = results["system_under_test"]
    shown = labels(results)
    baselines = set(results["settings"].get("baselines", []))
    order = [n for n in _order(results) if rows_by_system.get(n)]
    peers = [
        n for n in order if n != sut and n not in baselines and not results["systems"][n].get("human_rows")
    ]
    named = ([sut] if sut in order else []) + peers[:HIGHLIGHTED_PEERS]
    colors = dict(zip(named, ["tab:red", "tab:blue", "tab:orange", "tab:green", "tab:purple"], strict=False))
    fig, ax = plt.subplots(figsize=(7, 5))
    rest = [n for n in order if n not in colors]
    for n in rest:
        points = rows_by_system[n]
        ax.scatter([p[0] for p in points], [100 * p[1] for p in points], s=6, c="lightgray", alpha=0.5)
    means = {}
    for n in named[::-1]:  # the system under test drawn last, on top
        points = rows_by_system[n]
        xs, ys = [p[0] for p in points], [100 * p[1] for p in points]
        ax.scatter(xs, ys, s=10, c=colors[n], alpha=0.5)
        means[n] = (sum(xs) / len(xs), sum(ys) / len(ys))
        ax.scatter(*means[n], s=70, c=colors[n], edgecolors="black", zorder=4)
    # Names in a column at the upper right, highest mean first, so that none covers another.
    for k, n in enumerate(sorted(named, key=lambda n: -means[n][1])):
        ax.annotate(
            shown[n],
            means[n],
            xytext=(0.97, 0.95 - 0.07 * k),
            textcoords="axes fraction",
            ha="right",
            va="top",
            arrowprops={"arrowstyle": "-", "color": colors[n], "lw": 0.8},
            fontsize=9,
            fontweight="bold" if n == sut else "normal",
            color=colors[n],
            bbox={"boxstyle": "round,pad=0.2", "fc": "white", "ec": colors[n], "alpha": 0.85},
            zorder=5,
        )
    title = "large dots: each named system's mean"
    if rest:
        title += f"; grey: {len(rest)} other system{'s' if len(rest) > 1 else ''}, baselines and humans"
    ax.set_title(title, fontsize=9)
    ax.set_xlabel("summary length (words)")
    ax.set_ylabel(metric)
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
        _plot_length(results, points, f"{metric} {s['primary_measure']}", out / "length_vs_score.png")
