"""Pages in many languages: is each page's summary in the page's language, with key facts from its
article? One page judged, then the figures by language.

- **The page's language**: the one it declares (`<html lang>`, else the data's metadata `lang`;
  `eval.languages.detect`), else the language lingua reads in its ground-truth article text. The
  language lingua reads in the article is kept beside a declared one, and a page whose
  declaration and article disagree is counted (`declared_differs`): the declared one is used.
- **Summary in its language**: lingua's language of the summary is the page's. Not judged (None)
  when the page's language is unknown or one lingua does not know; False for a refused page or an
  empty summary.
- **Key facts from its article**: facts whose text occurs in the ground-truth article, both NFKC
  normalised with whitespace runs made one space (`eval.languages.score.occurs_in`). Beside it, for
  reference, the count by `eval pages`' rule (80% of a fact's tokens in one short passage of the
  article or a headline, `eval.pages.score.judge`), which forgives the extractor's and the ground
  truth's differences in punctuation and line breaks.

Target, every page: a summary in its own language and at least 3 key facts from its article.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from eval.languages.detect import Detector, html_lang, primary
from eval.languages.score import api_error, occurs_in
from eval.pages.data import Page
from eval.pages.score import judge
from eval.pages.text import tokens

FACTS_FROM_ARTICLE = 3
LangSource = Literal["html", "metadata", "text"]


@dataclass(frozen=True)
class PageLanguage:
    """A page's language and where it was read."""

    lang: str | None  # primary subtag; None: neither declared nor detected
    source: LangSource | None
    declared: str | None  # as written in the page or its metadata
    text_lang: str | None  # lingua's language of the ground-truth article text
    known: bool = False  # lingua knows `lang`: a text can be judged to be in it or not

    @property
    def declared_differs(self) -> bool:
        """The page declares a language lingua knows, and lingua reads another in its article."""
        return (
            self.known
            and self.source in ("html", "metadata")
            and self.text_lang is not None
            and self.lang != self.text_lang
        )


def page_language(page: Page, detector: Detector) -> PageLanguage:
    text_lang = detector.detect(page.truth)
    declared: tuple[tuple[LangSource, str | None], ...] = (
        ("html", html_lang(page.html)),
        ("metadata", page.lang),
    )
    for source, tag in declared:
        code = primary(tag)
        if code is not None:
            return PageLanguage(
                lang=code, source=source, declared=tag, text_lang=text_lang, known=detector.known(code)
            )
    return PageLanguage(
        lang=text_lang,
        source="text" if text_lang else None,
        declared=None,
        text_lang=text_lang,
        known=detector.known(text_lang),
    )


@dataclass(frozen=True)
class PageScore:
    """What the system answered for one page, judged."""

    file: str
    id: str
    language: PageLanguage
    status: int
    error: str | None = None
    summary: str = ""
    summary_lang: str | None = None
    summary_in_language: bool | None = None  # None: not judged (see the module docstring)
    facts: tuple[str, ...] = ()
    facts_in_article: int = 0  # quoted from the article (normalised)
    facts_by_rule: int = 0  # in the article by eval pages' 80% rule
    extracted_lang: str | None = None  # the language the service read on the page, if it said

    @property
    def refused(self) -> bool:
        return self.status != 200

    @property
    def met(self) -> bool | None:
        """The page's target: summary in its language and >= 3 facts from its article; None: not judged."""
        if self.summary_in_language is None:
            return None
        return self.summary_in_language and self.facts_in_article >= FACTS_FROM_ARTICLE

    def row(self) -> dict[str, Any]:
        """The page's line of pages.jsonl."""
        lang = self.language
        return {
            "file": self.file,
            "id": self.id,
            "lang": lang.lang,
            "lang_source": lang.source,
            "declared": lang.declared,
            "text_lang": lang.text_lang,
            "declared_differs": lang.declared_differs,
            "status": self.status,
            "error": self.error,
            "summary_lang": self.summary_lang,
            "summary_in_language": self.summary_in_language,
            "facts": len(self.facts),
            "facts_in_article": self.facts_in_article,
            "facts_by_rule": self.facts_by_rule,
            "service_lang": self.extracted_lang,
            "met": self.met,
            "summary": self.summary,
            "key_facts": list(self.facts),
        }


def score_page(file: str, page: Page, status: int, body: Mapping[str, Any], detector: Detector) -> PageScore:
    """Judge one answer of /v1/summarize (`body`: its JSON) for `page`."""
    language = page_language(page, detector)
    judged = language.known
    if status != 200:
        return PageScore(
            file=file,
            id=page.id,
            language=language,
            status=status,
            error=api_error(status, body),
            summary_in_language=False if judged else None,
        )
    summary = str(body.get("summary") or "")
    facts = tuple(str(f.get("text", "")) for f in body.get("key_facts") or ())
    summary_lang = detector.detect(summary)
    truth, heads = tokens(page.truth), [tokens(h) for h in page.headlines]
    by_rule = [judge(f, truth, heads) for f in facts]
    pages = (body.get("input") or {}).get("pages") or ()
    return PageScore(
        file=file,
        id=page.id,
        language=language,
        status=status,
        summary=summary,
        summary_lang=summary_lang,
        summary_in_language=(summary_lang == language.lang) if judged else None,
        facts=facts,
        facts_in_article=sum(occurs_in(f, page.truth) for f in facts),
        facts_by_rule=sum(v is not None and v.found for v in by_rule),
        extracted_lang=pages[0].get("language") if pages else None,
    )


@dataclass
class _Tally:
    pages: int = 0
    refused: int = 0
    judged: int = 0
    in_language: int = 0
    facts3: int = 0
    met: int = 0
    facts: int = 0
    facts_in_article: int = 0
    facts_by_rule: int = 0
    not_judged: list[str] = field(default_factory=list)

    def add(self, s: PageScore) -> None:
        self.pages += 1
        self.refused += s.refused
        self.facts += len(s.facts)
        self.facts_in_article += s.facts_in_article
        self.facts_by_rule += s.facts_by_rule
        self.facts3 += s.facts_in_article >= FACTS_FROM_ARTICLE
        if s.summary_in_language is None:
            self.not_judged.append(s.id)
            return
        self.judged += 1
        self.in_language += s.summary_in_language
        self.met += bool(s.met)

    def block(self) -> dict[str, Any]:
        return {
            "pages": self.pages,
            "refused": self.refused,
            "judged": self.judged,
            "summary_in_language": self.in_language,
            "facts_from_article_3": self.facts3,
            "met": self.met,
            "not_judged": self.not_judged,
            "facts": self.facts,
            "facts_in_article": self.facts_in_article,
            "facts_by_rule": self.facts_by_rule,
        }


def aggregate_pages(scores: Sequence[PageScore]) -> dict[str, Any]:
    """All pages, and by the page's language (unknown: "?"), with the target judged: met when
    every page is judged and meets it."""
    total = _Tally()
    by_lang: dict[str, _Tally] = {}
    for s in scores:
        total.add(s)
        by_lang.setdefault(s.language.lang or "?", _Tally()).add(s)
    order = Counter({k: v.pages for k, v in by_lang.items()})
    all_block = total.block()
    return {
        **all_block,
        "declared_differs": [s.id for s in scores if s.language.declared_differs],
        "by_language": {lang: by_lang[lang].block() for lang, _ in order.most_common()},
        "target_met": total.pages > 0 and not total.not_judged and total.met == total.pages,
    }
