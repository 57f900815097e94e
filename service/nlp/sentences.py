"""Sentences with exact character offsets.

Everything downstream (summaries, key facts, grounding, input budgets) works on the `Sentence`
objects made here, so that every piece of output can point back at `article.text[start:end]`.
"""

from __future__ import annotations

import html
import re
import threading
from collections.abc import Sequence
from dataclasses import dataclass

from service.errors import check
from service.nlp.boundaries import mend
from service.nlp.html import visible_spans
from service.nlp.segmenter import Chunks, sentence_spans
from service.nlp.words import (
    INVISIBLE_RE,
    UNSPACED_RE,
    WORD_RE,
    content_stems,
    count_words,
    cut_words,
    normalize_space,
)

# Newswire datelines that lead a sentence, and what may precede them. Every repetition is bounded
# and the patterns are only tried at a sentence start, so a match costs a bounded amount of work.
_AGENCY = (
    r"\((?i:AP|Associated Press|Reuters|AFP|Xinhua|CNN|UPI|dpa|Kyodo|Bloomberg|EFE|ANSA|PTI|IANS"
    r"|Yonhap|Interfax|Itar-Tass|TASS|Bernama|Antara)\)"
)
_TAG = r"\([A-Za-z. ]{1,20}\)"  # any parenthesised source after an all-caps city
_CAPS_CITY = r"[A-Z][A-Z.'\- ]{1,40}"
_NAME_CITY = r"[A-Z][A-Za-z.'\-]{0,20}(?: [A-Z][A-Za-z.'\-]{0,20}){0,3}"  # "New Delhi": needs an agency
_MONTH = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]{0,6}\.?"
# ", State" / ", Month DD" / ", Month DD, YYYY" after the city, at most two of them.
_PLACE = r"[A-Z][A-Za-z.\-]{0,20}(?: [A-Z][A-Za-z.\-]{0,20}){0,2}"
_PLACE_OR_DATE = rf"(?:,\s*(?:{_MONTH}\s+\d{{1,2}}(?:,\s*\d{{4}})?|{_PLACE})){{0,2}}"
DATELINE_RE = re.compile(
    # "OSLO, Norway, Oct. 5 (Reuters) -", "New Delhi, India (CNN) --", "(AFP) —", "(CNN)The ...": a known
    # agency allows a single hyphen, a mixed-case city, and no separator when the text is glued on.
    rf"\s*(?:(?:{_CAPS_CITY}|{_NAME_CITY}){_PLACE_OR_DATE}\s*)?{_AGENCY}"
    r"(?:\s*(?:--|—|–|-|_)\s*|(?=[A-Z0-9\"“‘'`]))"
    # "WASHINGTON (AP) --", "PARIS _", "ROME, Italy --": all-caps city, a double dash or an underscore.
    rf"|\s*{_CAPS_CITY}{_PLACE_OR_DATE}\s*(?:{_TAG})?\s*(?:--|—|–|_)\s+"
    rf"|\s*\([A-Z][A-Za-z. ]{{1,20}}\)\s*(?:--|—|–|_)\s+"
)
# A wire header before a sentence: a slug ("CUBA-ELIAN"), perhaps after a desk's words and its
# category ("POLITICAL NEWS (``p'' category) CAMPAIGN-ROUNDUP (Undated) _"), then "_" or "--".
_SLUG = r"[A-Z0-9][A-Z0-9&'.]{0,30}(?:-[A-Z0-9&'.]{1,30}){1,6}"
WIRE_HEADER_RE = re.compile(
    r"\s*(?:[A-Z][A-Z&'\-]{1,20}\s+){0,3}(?:\(\s*(?:``|\")?\s*\w\s*(?:''|\")?\s*category\s*\)\s*)?"
    rf"{_SLUG}(?:,\s*\d{{1,2}}-\d{{1,2}})?\s*(?:\([A-Za-z. ]{{1,20}}\)\s*)?(?:--|—|–|_)\s+"
)
# SGML entities of newswire corpora ("&UR;", "&QL;") that no HTML reading decodes: blanked in
# plain text, character for character, so offsets still point into the article as sent.
SGML_ENTITY_RE = re.compile(r"&[A-Z]{2,4};")
# A list bullet or a wire-copy underscore before a sentence: "_ Officials said", "• Officials said".
BULLET_RE = re.compile(r"\s*(?:[_*\-–—]\s+|[•·]\s*)")
# A byline at the start of an article: "By Jane Doe", "By JANE DOE, Associated Press Writer",
# "By Jane Doe and John Roe". A mixed-case name must end its line (or its sentence piece); an all-caps
# name or one with a writer's title is clear on its own, so the sentence may follow on the same line.
_BY_NAME = r"[A-Z][A-Za-z.'\-]{0,20}(?:[ \t]+[A-Z][A-Za-z.'\-]{0,20}){0,3}"
_BY_CAPS = r"[A-Z][A-Z.'\-]{1,20}(?:[ \t]+[A-Z][A-Z.'\-]{1,20}){1,3}"  # two words: not "By US standards"
_BY_TITLE = (
    r",[ \t]*(?:[A-Z][A-Za-z.\-]{0,20}[ \t]+){0,4}"
    r"(?i:writer|correspondent|reporter|editor|staff|contributor|columnist)s?"
)
BYLINE_RE = re.compile(
    r"\s*By[ \t]+"
    rf"(?:{_BY_NAME}(?:(?:[ \t]*,[ \t]*|[ \t]+(?:and|&)[ \t]+){_BY_NAME}){{0,3}}"
    rf"(?:{_BY_TITLE})?[ \t]*(?:\n\s*|$)"
    rf"|{_BY_CAPS}(?:(?:[ \t]*,[ \t]*|[ \t]+(?:and|AND|&)[ \t]+){_BY_CAPS}){{0,3}}(?:{_BY_TITLE})?\s+(?=\S)"
    rf"|{_BY_NAME}(?:(?:[ \t]*,[ \t]*|[ \t]+(?:and|&)[ \t]+){_BY_NAME}){{0,3}}{_BY_TITLE}\s+(?=\S))"
)
BYLINE_SPANS = 3  # a byline is looked for only in the first few pieces of an article
# syntok does not end a sentence at a closing PTB-style quote (`.''`), which newswire corpora use.
PTB_QUOTE_END_RE = re.compile(r"(?<=[.!?]'')\s+(?=[A-Z`\"“])")
# syntok ends a sentence after "LISBON (AP)"; such a piece is glued back to the "-- ..." that follows.
DATELINE_PIECE_RE = re.compile(
    rf"^(?:[A-Z][A-Z.,'\- ]{{1,40}}(?:{_TAG})?|(?:{_NAME_CITY}{_PLACE_OR_DATE}\s*)?{_AGENCY})$"
)
DASH_START_RE = re.compile(r"^(?:--|—|–|-|_)\s")
# Wire and web boilerplate: never a summary sentence, a key fact or a fact's source (`boilerplate`).
# Searched, not matched, so each alternative is a plain phrase or a bounded pattern. The phrases
# are searched in the lowered sentence, and each starts with a literal character (a word boundary
# is checked just after it: `c(?<!\wc)`), which lets `re` skip to candidate positions instead of
# trying every alternative at every character: with `re.I` and leading `\b`s this search cost
# ~80 ms per 25 articles, a tenth of the request.
BOILERPLATE_RE = re.compile(
    r"contributed (?:to )?(?:this|the) (?:report|story|article)|reporting by\b"
    r"|(?:photo|picture|image|video)s? (?:by|credit|courtesy)\b|c(?<!\wc)redit: |\(c\) \d{4}|©"
    r"|c(?<!\wc)opyright \d{4}|all rights reserved|c(?<!\wc)lick here\b"
    r"|s(?<!\ws)ubscribe (?:here|now|to our)\b|s(?<!\ws)ign up for (?:[\w'-]{1,20} ){0,3}newsletter"
    r"|f(?<!\wf)ollow us on\b"
    r"|^follow (?:[\w'-]{1,20} ){1,4}on (?:instagram|facebook|twitter|tiktok|youtube)\b"
    r"|r(?<!\wr)ead more:|for more information,? (?:visit|call|see|go to|contact)\b"
    r"|s(?<!\ws)tory filed by\b|e(?<!\we)-?mail:|1(?<!\w1)-800-"
    # an e-mail address (what stands before the "@" is checked once an "@" is found)
    r"|@(?<=[\w.+-]@)[\w-]+\.[\w.]"
    # a news desk's own lines: budgets, desk hours, contacts, time zones, who may use the copy
    r"|w(?<!\ww)e are staffed\b|a(?<!\wa)ll times are (?:eastern|edt|est|et|gmt|pacific|central|local)\b"
    r"|b(?<!\wb)udgets move (?:daily|at)\b|b(?<!\wb)udget information\b|h(?<!\wh)ow to reach us\b"
    r"|q(?<!\wq)uestions should be directed to\b|f(?<!\wf)or use by (?:clients|subscribers)\b"
    r"|c(?<!\wc)lients of the (?:[\w.]{1,12} ){1,4}news service\b|n(?<!\wn)eed a resend\b"
    r"|a(?<!\wa)n eta will be given\b|n(?<!\wn)ews (?:manager|editor) is\b"
    r"|\((?<=\w\()at\)\w|a(?<!\wa)ddress questions to\b|^editors?:|s(?<!\ws)yndicate web site\b"
    # a desk's marks for editors: where a story may be cut, what comes with it, where it came from
    r"|e(?<!\we)nd of (?:story|this budget)\b|s(?<!\ws)tory can end here\b"
    r"|o(?<!\wo)ptional material follows\b|^photos?,? layouts?,? and graphics\b|e(?<!\we)ditors'? names\b"
    r"|p(?<!\wp)ulled from (?:[\w'-]{1,20} ){1,3}staff and wire reports\b"
)
# A telephone number: "(212) 555-1234", "212-555-1234", "1-800-555-1234", "+44 20 7946 0000".
PHONE_RE = re.compile(r"(?<!\d)(?:\+\d{1,3}[ .-])?(?:\(\d{3}\)\s?|\d{3}[ .-])\d{3}[ .-]\d{4}(?!\d)")
# What every PHONE_RE match ends with. `re` scans for it quickly (the pattern starts with a digit,
# not with PHONE_RE's lookbehind), and most sentences do not have it.
PHONE_END_RE = re.compile(r"\d{3}[ .-]\d{4}")
# Where a distribution line starts: "Distributed by ...", "-- distributed by ...".
DISTRIBUTED_RE = re.compile(r"\W*distributed by\b")


def boilerplate(sentence: str) -> bool:
    """A footer, credit or contact line: not news."""
    lowered = sentence.lower()
    return bool(
        BOILERPLATE_RE.search(lowered)
        or DISTRIBUTED_RE.match(lowered)
        or (PHONE_END_RE.search(sentence) and PHONE_RE.search(sentence))
    )


# Sentence ends of scripts that syntok does not split at: CJK full stops, question and exclamation
# marks (fullwidth and halfwidth), the Devanagari danda and double danda, the Arabic question mark,
# the Urdu full stop, the Ethiopic, Burmese and Khmer full stops; with any closing quote or bracket.
OTHER_ENDS = "。！？｡।॥؟۔።။។"
# The same, and an ASCII "!" or "?" between two characters of a script without spaces ("やめて!大きな",
# where syntok wants a space after it).
_CJK = "\u3005\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff"
OTHER_END_RE = re.compile(
    rf"[{OTHER_ENDS}]+[」』）】〕〉》\"”’')\]]*|(?<=[{_CJK}])[!?]+[」』）】〕〉》\"”’')\]]*(?=[「『（{_CJK}0-9])"
)
OTHER_END_CLOSERS = frozenset(OTHER_ENDS + "」』）】〕〉》")
TERMINAL_RE = re.compile(rf"""[.!?{OTHER_ENDS}]["'’”)\]」』）】〕〉》]*\s*$|[.!?]\s*(?:''|")\s*$""")


def split_sentences(
    text: str, stop: threading.Event | None = None, chunks: Chunks | None = None
) -> list[tuple[int, int]]:
    """Character spans of the sentences in `text`, from syntok (paragraph- and abbreviation-aware),
    mended where its rules miss on news text (titles, ordinals, headline lines: `boundaries.mend`).

    `stop`, once set, ends the work (`Cancelled`). Texts split with the same `chunks` tokenize
    each distinct chunk once (`service.nlp.segmenter`).
    """
    spans: list[tuple[int, int]] = []
    others = any(c in text for c in OTHER_ENDS) or bool(
        UNSPACED_RE.search(text) and ("!" in text or "?" in text)
    )
    for start, end in sentence_spans(text, chunks, stop):
        for m in PTB_QUOTE_END_RE.finditer(text, start, end):
            spans.append((start, m.start()))
            start = m.end()
        if others:  # "。" and "।" end sentences that syntok runs together
            for m in OTHER_END_RE.finditer(text, start, end):
                if text[m.end() : end].strip():
                    spans.append((start, m.end()))
                    start = m.end()
                    while start < end and text[start].isspace():
                        start += 1
        if text[start:end].strip():
            spans.append((start, end))
    merged: list[tuple[int, int]] = []
    for start, end in spans:
        if (
            merged
            and DASH_START_RE.match(text[start:end])
            and DATELINE_PIECE_RE.match(text[merged[-1][0] : merged[-1][1]])
        ):
            merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return mend(text, merged)


def fit_words(text: str, max_words: int) -> str:
    """`text` within `max_words` whitespace tokens: whole leading sentences, or a cut one plus "…"."""
    if count_words(text) <= max_words:
        return text
    kept: list[str] = []
    n = 0
    for start, end in split_sentences(text):
        k = count_words(text[start:end])
        if n + k > max_words:
            break
        kept.append(normalize_space(text[start:end]))
        n += k
    if kept:
        return join_sentences(kept)
    return cut_words(text, max_words - 1).rstrip(",;:，、；：") + " …"


def join_sentences(texts: Sequence[str]) -> str:
    """Sentences as one text: a space between them, none after a sentence of a script written
    without spaces ("…线路。该项目…")."""
    out = ""
    for t in texts:
        if out and not (out[-1] in OTHER_END_CLOSERS and UNSPACED_RE.match(t)):
            out += " "
        out += t
    return out


def lead_end(text: str, start: int, end: int, byline: bool = False) -> int:
    """Where the sentence in `text[start:end]` begins past a leading bullet, byline, wire header
    and dateline.

    A dateline or bullet is only skipped when a sentence follows it; a byline (looked for when
    `byline`) is skipped even when nothing follows, leaving an empty piece that the caller drops.
    """
    for pattern in (BULLET_RE, BYLINE_RE, WIRE_HEADER_RE, DATELINE_RE, BULLET_RE):
        if pattern is BYLINE_RE:
            match = BYLINE_RE.match(text, start, end) if byline else None
            if match:
                start = match.end()
            continue
        match = pattern.match(text, start, end)
        if match and match.end() < end and WORD_RE.search(text, match.end(), end):
            start = match.end()
    return start


def _blank(m: re.Match[str]) -> str:
    entity = m.group(0)
    return entity if html.unescape(entity) != entity else " " * len(entity)


@dataclass(frozen=True)
class Sentence:
    article: int
    index: int  # position within its article
    start: int
    end: int
    text: str  # whitespace-normalised text of article.text[start:end]
    stems: tuple[str, ...]  # content-word stems, in order
    n_words: int
    complete: bool  # ends like a sentence (not a headline, fragment or list item)
    position: float  # index / number of sentences in the article, in [0, 1)
    language: str | None = None  # its article's (ISO 639-1), which its stems were read in


def analyze(
    texts: Sequence[str],
    stop: threading.Event | None = None,
    languages: Sequence[str | None] | None = None,
) -> list[list[Sentence]]:
    """Split each article into sentences with offsets, stripping leading datelines/bylines.

    `languages` (ISO 639-1 per text, None: English rules) picks each text's stemmer and stopwords.
    `stop`, once set, ends the work (`Cancelled`).
    """
    out: list[list[Sentence]] = []
    chunks = Chunks()  # the articles of a cluster share most of their words
    for a, original in enumerate(texts):
        check(stop)
        language = languages[a] if languages is not None else None
        text, where, ends = visible_spans(original)
        if where is None and "&" in text:
            text = SGML_ENTITY_RE.sub(_blank, text)
        spans = split_sentences(text, stop, chunks)
        sentences: list[Sentence] = []
        for i, (start, end) in enumerate(spans):
            start = lead_end(text, start, end, byline=i < BYLINE_SPANS)
            raw = text[start:end]
            if not WORD_RE.search(raw):  # punctuation or symbols only: nothing to say
                continue
            if boilerplate(raw):
                continue
            normalized = normalize_space(raw)
            sentences.append(
                Sentence(
                    article=a,
                    index=i,
                    # Offsets into the article as sent (for HTML, the span covers its markup).
                    start=where[start] if where else start,
                    end=ends[end - 1] if ends else end,
                    text=normalized,
                    # The same words: the stems every later stage reads are found once.
                    stems=tuple(content_stems(raw if INVISIBLE_RE.search(raw) else normalized, language)),
                    n_words=count_words(raw),
                    complete=bool(TERMINAL_RE.search(raw)) and "\n\n" not in raw,
                    position=i / max(1, len(spans)),
                    language=language,
                )
            )
        out.append(sentences)
    return out
