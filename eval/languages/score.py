"""One answer for a treebank text, judged; then the figures per language and their targets.

- **Key facts**: a text "has key facts" when the answer gives at least one. A fact is *grounded*
  when its text, after NFKC normalisation with every run of whitespace made one space, occurs in
  the article the same way normalised (the service's facts are article sentences, quoted).
- **Budget**: the summary's words by the checker's own count (`eval.languages.words`) against the
  `max_words` asked; honoured within 10% when words <= 1.1 x max_words (compared in integers).
- A refused text (any status but 200) counts in every share's denominator and in none's
  numerator: it got neither a key fact nor a summary within budget. The mean summary length is
  over the answered texts.

Targets, per language: at least 80% of texts with a key fact, and every text's summary within
10% of the budget.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from eval.languages.data import Text
from eval.languages.words import count_words

FACTS_TARGET = 0.8  # share of texts with at least one key fact
BUDGET_SLACK_NUM, BUDGET_SLACK_DEN = 11, 10  # within 10%: words * 10 <= max_words * 11
BUDGET_TARGET = 1.0  # share of texts whose summary is within 10% of the budget

_SPACE_RE = re.compile(r"\s+")


def normalise(text: str) -> str:
    """NFKC, every run of whitespace one space, stripped: what "occurs in" compares."""
    return _SPACE_RE.sub(" ", unicodedata.normalize("NFKC", text)).strip()


def occurs_in(fact: str, article: str) -> bool:
    """`fact` is quoted from `article` (both normalised); an empty fact occurs nowhere."""
    needle = normalise(fact)
    return bool(needle) and needle in normalise(article)


def within_budget(words: int, max_words: int) -> bool:
    return words * BUDGET_SLACK_DEN <= max_words * BUDGET_SLACK_NUM


def api_error(status: int, body: Mapping[str, Any]) -> str:
    """A refusal as one line: status, the error body's code and message."""
    err = body.get("error")
    if not isinstance(err, Mapping):
        return f"{status} unknown: {str(body)[:200]}"
    return f"{status} {err.get('code')}: {err.get('message')}"


@dataclass(frozen=True)
class TextScore:
    """What the system answered for one text, judged."""

    lang: str
    id: str
    status: int  # HTTP status; 0: no answer
    max_words: int
    article_words: int  # the article's words by the checker's count
    error: str | None = None
    summary: str = ""
    summary_words: int = 0
    facts: tuple[str, ...] = ()
    grounded: tuple[bool, ...] = field(default=())  # per fact: quoted from the article

    @property
    def refused(self) -> bool:
        return self.status != 200

    @property
    def has_facts(self) -> bool:
        return not self.refused and bool(self.facts)

    @property
    def within_budget(self) -> bool:
        return not self.refused and within_budget(self.summary_words, self.max_words)

    def row(self) -> dict[str, Any]:
        """The text's line of texts.jsonl."""
        return {
            "lang": self.lang,
            "id": self.id,
            "status": self.status,
            "error": self.error,
            "article_words": self.article_words,
            "summary_words": self.summary_words,
            "within_budget": self.within_budget,
            "facts": len(self.facts),
            "facts_grounded": sum(self.grounded),
            "summary": self.summary,
            "key_facts": [{"text": t, "grounded": g} for t, g in zip(self.facts, self.grounded, strict=True)],
        }


def score_text(text: Text, status: int, body: Mapping[str, Any], max_words: int) -> TextScore:
    """Judge one answer of /v1/summarize (`body`: its JSON) for `text`."""
    article_words = count_words(text.text, text.lang)
    if status != 200:
        return TextScore(
            lang=text.lang,
            id=text.id,
            status=status,
            max_words=max_words,
            article_words=article_words,
            error=api_error(status, body),
        )
    summary = str(body.get("summary") or "")
    facts = tuple(str(f.get("text", "")) for f in body.get("key_facts") or ())
    return TextScore(
        lang=text.lang,
        id=text.id,
        status=status,
        max_words=max_words,
        article_words=article_words,
        summary=summary,
        summary_words=count_words(summary, text.lang),
        facts=facts,
        grounded=tuple(occurs_in(f, text.text) for f in facts),
    )


def _share(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def aggregate(scores: Sequence[TextScore]) -> dict[str, Any]:
    """One language's figures (see the module docstring), with its targets judged."""
    answered = [s for s in scores if not s.refused]
    facts = [g for s in answered for g in s.grounded]
    with_facts = sum(s.has_facts for s in scores)
    in_budget = sum(s.within_budget for s in scores)
    words = [s.summary_words for s in answered]
    facts_share = _share(with_facts, len(scores))
    budget_share = _share(in_budget, len(scores))
    return {
        "texts": len(scores),
        "refused": len(scores) - len(answered),
        "empty_summary": sum(not s.summary.strip() for s in answered),
        "with_facts": with_facts,
        "with_facts_share": facts_share,
        "within_budget": in_budget,
        "within_budget_share": budget_share,
        "mean_summary_words": round(sum(words) / len(words), 2) if words else None,
        "max_summary_words": max(words) if words else None,
        "mean_article_words": round(sum(s.article_words for s in scores) / len(scores), 2)
        if scores
        else None,
        "facts": len(facts),
        "facts_grounded": sum(facts),
        "facts_grounded_share": _share(sum(facts), len(facts)),
        "targets": {
            "with_facts": facts_share is not None and facts_share >= FACTS_TARGET,
            "within_budget": budget_share is not None and budget_share >= BUDGET_TARGET,
        },
    }
