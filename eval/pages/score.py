"""Is what the service said about a page in the article? One page's score, then the aggregate.

The rule for one sentence (a summary sentence, or a key fact's text) of n tokens
(`eval.pages.text.tokens`): it is in the article when at least 80% of its tokens, counted as a
multiset (a token twice in the sentence must be found twice), fall in ONE short passage of the
ground-truth body: a window of `window(n)` = max(2n, n + 10) consecutive body tokens (the whole body
when it is shorter). Words gathered from all over the body do not count. A sentence that fails
the body is tried the same way against each of the page's headlines (`<title>`, og:title, first
`<h1>`), so a page's own headline stated as a sentence is not junk. A sentence with no token is
left out of every count.

`best_overlap` slides the window over the body once per sentence: O(body + sentence) time.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

import numpy as np

from eval.pages.data import Page
from eval.pages.text import split_sentences, tokens

# A sentence is in a passage when this share of its tokens is (4/5: compared in integers).
SHARE_NUM, SHARE_DEN = 4, 5
Where = Literal["body", "headline"]


def window(n: int) -> int:
    """How many consecutive body tokens a sentence of `n` tokens may be spread over."""
    return max(2 * n, n + 10)


def best_overlap(sentence: Sequence[str], passage: Sequence[str]) -> int:
    """The most tokens of `sentence` (as a multiset) that one window of `passage` holds."""
    if not sentence:
        return 0
    need = Counter(sentence)
    size = min(window(len(sentence)), len(passage))
    have: Counter[str] = Counter()
    overlap = best = 0
    for i, tok in enumerate(passage):
        if tok in need:
            if have[tok] < need[tok]:
                overlap += 1
            have[tok] += 1
        if i >= size:  # the token that leaves the window
            old = passage[i - size]
            if old in need:
                have[old] -= 1
                if have[old] < need[old]:
                    overlap -= 1
        if overlap > best:
            best = overlap
            if best == len(sentence):
                break
    return best


def inside(overlap: int, n: int) -> bool:
    return n > 0 and SHARE_DEN * overlap >= SHARE_NUM * n


@dataclass(frozen=True)
class Verdict:
    """One sentence: where it was found, and its best share in one passage (body or headline)."""

    text: str
    n: int  # its tokens
    share: float  # the best share of its tokens in one window (body or a headline)
    where: Where | None  # None: in neither

    @property
    def found(self) -> bool:
        return self.where is not None


def judge(text: str, body: Sequence[str], headlines: Sequence[Sequence[str]] = ()) -> Verdict | None:
    """Where `text` lies in the page: its body first, then its headlines. None: it has no token."""
    toks = tokens(text)
    if not toks:
        return None
    n = len(toks)
    overlap = best_overlap(toks, body)
    if inside(overlap, n):
        return Verdict(text=text, n=n, share=overlap / n, where="body")
    best = overlap
    for head in headlines:
        at = best_overlap(toks, head)
        if inside(at, n):
            return Verdict(text=text, n=n, share=at / n, where="headline")
        best = max(best, at)
    return Verdict(text=text, n=n, share=best / n, where=None)


@dataclass(frozen=True)
class PageScore:
    """What the service answered for one page, judged."""

    id: str
    status: int  # HTTP status; 0: no answer (connection error)
    wall_ms: float  # the client's time for the request
    error: str | None = None  # "413 payload_too_large: ..." when refused
    server_ms: float | None = None  # the response's timings_ms.total
    summary: list[Verdict] = field(default_factory=list)
    facts: list[Verdict] = field(default_factory=list)

    @property
    def refused(self) -> bool:
        return self.status != 200

    @property
    def junk_first(self) -> bool | None:
        """The first summary sentence is not in the article; None without a summary."""
        return not self.summary[0].found if self.summary else None

    def row(self) -> dict[str, Any]:
        """The page's line of pages.jsonl."""
        return {
            "id": self.id,
            "status": self.status,
            "error": self.error,
            "server_ms": self.server_ms,
            "wall_ms": round(self.wall_ms, 2),
            "summary_sentences": len(self.summary),
            "summary_found": sum(v.found for v in self.summary),
            "facts": len(self.facts),
            "facts_found": sum(v.found for v in self.facts),
            "junk_first": self.junk_first,
        }


def _error(status: int, body: Mapping[str, Any]) -> str:
    err = body.get("error")
    if not isinstance(err, Mapping):
        return f"{status} unknown: {str(body)[:200]}"
    details = "; ".join(f"{d.get('loc')}: {d.get('msg')}" for d in err.get("details") or ())
    return f"{status} {err.get('code')}: {err.get('message')}" + (f" ({details})" if details else "")


def score_page(page: Page, status: int, body: Mapping[str, Any], wall_ms: float) -> PageScore:
    """Judge one answer of /v1/summarize (`body`: its JSON) for `page`."""
    if status != 200:
        return PageScore(id=page.id, status=status, wall_ms=wall_ms, error=_error(status, body))
    truth = tokens(page.truth)
    heads = [tokens(h) for h in page.headlines]

    def verdicts(texts: Iterable[str]) -> list[Verdict]:
        return [v for v in (judge(t, truth, heads) for t in texts) if v is not None]

    total = (body.get("timings_ms") or {}).get("total")
    return PageScore(
        id=page.id,
        status=status,
        wall_ms=wall_ms,
        server_ms=float(total) if total is not None else None,
        summary=verdicts(split_sentences(str(body.get("summary") or ""))),
        facts=verdicts(str(f.get("text", "")) for f in body.get("key_facts") or ()),
    )


def percentiles(values: Sequence[float]) -> dict[str, float] | None:
    """p50, p90 (numpy's linear interpolation between closest ranks) and max; None for no values."""
    if not values:
        return None
    p50, p90 = np.percentile(np.asarray(values, dtype=float), [50, 90], method="linear")
    return {"p50": round(float(p50), 2), "p90": round(float(p90), 2), "max": round(max(values), 2)}


def _share(verdicts: Sequence[Verdict]) -> dict[str, Any]:
    found = sum(v.found for v in verdicts)
    return {
        "sentences": len(verdicts),
        "found": found,
        "in_headline": sum(v.where == "headline" for v in verdicts),
        "share": round(found / len(verdicts), 4) if verdicts else None,
    }


def _reason(error: str) -> str:
    """An error with the numbers of its message taken out, so refusals for one cause count together."""
    status, _, message = error.partition(" ")
    return f"{status} {re.sub(r'[0-9]+', 'N', message)}"


def aggregate(scores: Sequence[PageScore]) -> dict[str, Any]:
    """The figures over all pages: refusals, shares found (pooled over sentences), junk first
    sentences, and the server's and the client's times (of the answered pages; `wall_ms_all`:
    refusals included)."""
    answered = [s for s in scores if not s.refused]
    with_summary = [s for s in answered if s.summary]
    refused = Counter(_reason(s.error or "") for s in scores if s.refused)
    return {
        "pages": len(scores),
        "answered": len(answered),
        "refused": len(scores) - len(answered),
        "refused_by_reason": dict(refused.most_common()),
        "no_summary": len(answered) - len(with_summary),
        "summary": _share([v for s in answered for v in s.summary]),
        "facts": _share([v for s in answered for v in s.facts]),
        "junk_first": sum(bool(s.junk_first) for s in with_summary),
        "with_summary": len(with_summary),
        "server_ms": percentiles([s.server_ms for s in answered if s.server_ms is not None]),
        "wall_ms": percentiles([s.wall_ms for s in answered]),
        "wall_ms_all": percentiles([s.wall_ms for s in scores]),
    }


def failures(scores: Iterable[PageScore]) -> Iterable[dict[str, Any]]:
    """Every sentence not found, for failures.jsonl: page id, kind, index, sentence, best share."""
    for s in scores:
        for kind, verdicts in (("summary", s.summary), ("fact", s.facts)):
            for i, v in enumerate(verdicts):
                if not v.found:
                    yield {"id": s.id, "kind": kind, "index": i, **asdict(v)}
