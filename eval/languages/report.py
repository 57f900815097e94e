"""The plain-text tables of a languages run (results.json in, lines out), with the targets judged."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def _pct(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.1%}"


def _num(value: float | None) -> str:
    return "n/a" if value is None else f"{value:g}"


def _met(ok: bool) -> str:
    return "met" if ok else "NOT met"


def _where(settings: Mapping[str, Any]) -> str:
    sut = settings["system_under_test"]
    return str(sut.get("url") or "the app in this process")


def languages_table(results: Mapping[str, Any]) -> str:
    """Per language: refusals, texts with key facts, budget honoured, summary length, facts grounded;
    then each language's targets."""
    s = results["settings"]
    d = s["data"]
    max_words = s["max_words"]
    lines = [
        f"languages: texts of {d['sentences']} treebank sentences from {d['ud']}, max_words {max_words},"
        f" num_facts {s['num_facts']}, service: {_where(s)}, commit {s['git_commit']}",
        f"{'lang':<5} {'texts':>5} {'refused':>7} {'with facts':>10} {'share':>7} {'in budget':>9}"
        f" {'share':>7} {'mean words':>10} {'max words':>9} {'facts':>5} {'grounded':>8}",
    ]
    for lang, b in results["by_language"].items():
        lines.append(
            f"{lang:<5} {b['texts']:>5} {b['refused']:>7} {b['with_facts']:>10}"
            f" {_pct(b['with_facts_share']):>7} {b['within_budget']:>9} {_pct(b['within_budget_share']):>7}"
            f" {_num(b['mean_summary_words']):>10} {_num(b['max_summary_words']):>9} {b['facts']:>5}"
            f" {_pct(b['facts_grounded_share']):>8}"
        )
    t = results["targets"]
    limit = max_words * 11 // 10
    lines.append(
        f"targets: >= {t['with_facts_share']:.0%} of texts with a key fact; every summary within 10% of"
        f" the budget (<= {limit} words by the checker's count)"
    )
    for lang, b in results["by_language"].items():
        met = b["targets"]
        lines.append(
            f"  {lang}: key facts {_met(met['with_facts'])} ({_pct(b['with_facts_share'])}),"
            f" budget {_met(met['within_budget'])} ({_pct(b['within_budget_share'])} of texts within 10%)"
        )
    return "\n".join(lines) + "\n"


def pages_languages_table(results: Mapping[str, Any]) -> str:
    """By the pages' language: summaries in that language, pages with >= 3 facts from their article;
    then the pages that miss the target."""
    s = results["settings"]
    files = ", ".join(f"{name} ({f['pages']})" for name, f in s["data"]["files"].items())
    a = results["all"]
    n = results["targets"]["facts_from_article"]
    lines = [
        f"language of pages: {files}, max_words {s['max_words']}, num_facts {s['num_facts']},"
        f" service: {_where(s)}, commit {s['git_commit']}",
        f"{'lang':<5} {'pages':>5} {'refused':>7} {'judged':>6} {'in language':>11} {f'>={n} facts':>9}"
        f" {'both':>5} {'facts':>5} {'quoted':>6} {'by rule':>7}",
    ]
    for lang, b in [*a["by_language"].items(), ("all", a)]:
        lines.append(
            f"{lang:<5} {b['pages']:>5} {b['refused']:>7} {b['judged']:>6} {b['summary_in_language']:>11}"
            f" {b['facts_from_article_3']:>9} {b['met']:>5} {b['facts']:>5} {b['facts_in_article']:>6}"
            f" {b['facts_by_rule']:>7}"
        )
    if a["not_judged"]:
        lines.append(
            f"summary language not judged (language unknown to lingua or to the page): {len(a['not_judged'])}"
        )
    if a["declared_differs"]:
        lines.append(f"declared language differs from the article's: {', '.join(a['declared_differs'])}")
    lines.append(
        f"target: every page a summary in its own language and >= {n} key facts from its article:"
        f" {_met(a['target_met'])} ({a['met']} of {a['pages']} pages)"
    )
    return "\n".join(lines) + "\n"
