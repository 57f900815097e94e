"""Sentence boundaries that syntok's rules get wrong on news text, mended after it has split.

`service.nlp.segmenter` stays syntok's to the token; this step, run on its spans, does three things:

- glues a title to the name after it: syntok ends a sentence at "Rep.", "Gov.", "Lt." ("U.S. Rep.
  Jerrold Nadler") because they are not among its abbreviations;
- glues an ordinal to its month or noun: German (and Nordic, Czech, Polish, ...) write "12." for
  "12th", and syntok ends a sentence at "am 12. März" (its months are abbreviations only) and at
  "der 2. Weltkrieg";
- ends a sentence at a single line break after a headline or a paragraph without end punctuation
  ("Ferry strike halts crossings\\nFerry workers walked off ..."): text extractors put one line
  break between paragraphs. Text hard-wrapped at a fixed width has line breaks inside sentences,
  so a break counts only where the line ended clearly early: the next line's first word would
  have fitted on it, and it stops short of `EARLY` of the width of the lines around it.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from itertools import accumulate

from syntok._segmentation_states import State

Span = tuple[int, int]

# Titles written before a name; syntok knows some (Mr, Dr, Gen, Sen, Col, ...), listed all the same.
# Case-sensitive: "sec." (seconds) or "det." is no title. "Jr." is left out, it follows a name
# ("... King Jr. Coretta Scott King said"), and so are state abbreviations ("Del.", "Ind.").
TITLES = frozenset(
    """Adm Amb Atty Brig Capt Cdr Cmdr Col Comdr Cpl Det Dr Drs Fr Ft Gen Gens Gov Govs Hon Insp Lt
    Maj Messrs Mmes Mr Mrs Ms Msgr Mt Pres Prof Profs Pvt Rep Reps Rev Rt Sen Sens Sec Sgt Spc Sr St
    Supt""".split()
)
_TITLE_END_RE = re.compile(r"(?:^|(?<=[\s(\[\"“‘'`\-/]))([A-Z][A-Za-z]{0,6})\.$")
# Words that open a sentence and do not start a name: after one, a title did end the sentence
# ("He met the Gov. He left."); syntok's own sentence starters among them.
_OPENING_WORDS = """A About After Again All Also Although An And Another Any As At Because Before Both
    But By Despite During Each Earlier Even Every Few For From He Her Here His How However I If In
    Instead It Its Last Later Many Meanwhile More Most My Neither Next No None Nor Not Now Of On Once
    One Only Or Other Our She Since So Some Such That The Their Then There These They This Those
    Though Three To Today Tomorrow Two Under Until We What When Where Whether Which While Who Why
    With Without Yesterday Yet You Your
    Aber Allerdings Als Am Andere Auch Auf Aus Außerdem Bei Bis Damit Dann Danach Deshalb Dies Diese
    Dieser Dieses Doch Dort Ein Eine Einer Gestern Heute Hier Im Jetzt Jedoch Man Mit Morgen Nach Nun
    Ob Seit Trotzdem Um Und Vor Wenn Zudem Zum Zur"""
OPENERS = frozenset([*_OPENING_WORDS.split(), *State.starters])
# The first word of a sentence, when it could start a name: "Jerrold", "McCain", "O'Rourke",
# "Émile", an initial "J." (the quote or bracket that may precede a name is not accepted).
_NAME_START_RE = re.compile(r"([^\W\d_][^\W\d_'’.-]*)(?:['’][^\W\d_]+)*(\.)?")

# Months after an ordinal "12.": German, Danish/Norwegian/Swedish, Finnish, Czech, Slovak, Polish,
# Hungarian, Slovene and Croatian names, in the forms that follow a day ("12. března", "12. marca").
# Lowercase months never made syntok split; they are here for the rule to be whole.
MONTHS = frozenset(
    """januar jänner februar feber märz april mai juni juli august september oktober november dezember
    jan feb mär mrz apr jun jul aug sep sept okt nov dez
    marts maj juni juli oktober december januari februari mars augusti
    tammikuuta helmikuuta maaliskuuta huhtikuuta toukokuuta kesäkuuta heinäkuuta elokuuta syyskuuta
    lokakuuta marraskuuta joulukuuta
    ledna února března dubna května června července srpna září října listopadu prosince
    januára februára marca apríla mája júna júla augusta septembra októbra novembra decembra
    stycznia lutego kwietnia czerwca lipca sierpnia września października listopada grudnia
    január február március április május június július augusztus szeptember október
    januarja februarja marca aprila maja junija julija avgusta septembra oktobra novembra decembra
    siječnja veljače ožujka travnja svibnja lipnja srpnja kolovoza rujna listopada studenoga prosinca
    """.split()
)
_DAY_END_RE = re.compile(r"(?:^|(?<=[\s(]))(?:0?[1-9]|[12]\d|3[01])\.$")
# A German article or preposition, then an ordinal: "der 2. Weltkrieg", "im 6. Stock", "zum 100.".
ARTICLES = frozenset(
    """am ans beim das dem den der des die im ins ihr ihre ihrem ihren ihrer ihres sein seine seinem
    seinen seiner seines seit unser unsere unserem unseren unserer vom zum zur""".split()
)
_ORDINAL_END_RE = re.compile(r"(?:^|(?<=\s))(\w{1,8})\s{1,3}\d{1,3}\.$")
TAIL = 24  # more than any of the three patterns above can match

# A line ends like a headline or a paragraph would without end punctuation: a letter or a digit,
# then closing quotes or brackets or not. A comma, hyphen or colon says the text goes on.
_CLOSING = "\"'’”)]"
# What may open the next line: an opening quote or not, then a capital letter or a digit.
_LINE_START_RE = re.compile(r"""(?:``|["'‘“])?(\w)""")
# The next line's first word, up to a space or tab (a wrapper does not break at a no-break space).
_FIRST_WORD_RE = re.compile(r"[^ \t]+")
_INNER_SPACE_RE = re.compile(r"\S[ \t]+\S")  # where a wrapper may break a line
WIDTH_LINES = 3  # how many lines on each side of a line break's own two show the width
BLANK = -1  # `_shown_width` of a blank line
# How far across the width a line that ends a sentence may reach. A greedy wrap leaves no room
# for the next word; a balanced one (coreutils `fmt`) ends lines early, but, on the DUC 2004 and
# CNN/DM texts wrapped at 60-80 columns, never before 78% of the width.
EARLY = 0.7


def mend(text: str, spans: list[Span]) -> list[Span]:
    """syntok's sentence spans of `text`, with titles and ordinals glued and headline lines cut."""
    glued = _glue(text, spans)
    return _cut_at_lines(text, glued) if "\n" in text else glued


def _glue(text: str, spans: list[Span]) -> list[Span]:
    out: list[Span] = []
    for start, end in spans:
        if out and _continues(text, out[-1], start):
            out[-1] = (out[-1][0], end)
        else:
            out.append((start, end))
    return out


def _continues(text: str, before: Span, start: int) -> bool:
    """The sentence `before` did not end: a title or an ordinal ends it, and what starts at `start`
    goes on from there."""
    first, end = before
    if text[end - 1] != ".":
        return False
    gap = text[end:start]
    if gap.strip() or gap.count("\n") > 1:
        return False
    name = _NAME_START_RE.match(text, start)
    if name is None or not name.group(1)[:1].isupper():
        return False
    word = name.group(1)
    # The patterns are anchored at the end and bounded, so the sentence's last characters will do
    # (a pattern's "^" matches only where the piece is the whole sentence).
    tail = text[max(first, end - TAIL) : end]
    if not tail[-2:-1].isdigit():
        title = _TITLE_END_RE.search(tail)
        if title is None or title.group(1) not in TITLES:
            return False
        return word not in OPENERS or (name.group(2) is not None and len(word) == 1)
    if _DAY_END_RE.search(tail) and word.lower() in MONTHS:
        return True
    ordinal = _ORDINAL_END_RE.search(tail)
    return bool(ordinal and ordinal.group(1).lower() in ARTICLES and word not in OPENERS)


def _cut_at_lines(text: str, spans: list[Span]) -> list[Span]:
    cuts = _headline_breaks(text)
    if not cuts:
        return spans
    out: list[Span] = []
    ends = [c[0] for c in cuts]
    for start, end in spans:
        k = bisect_right(ends, start)
        while k < len(cuts) and cuts[k][1] < end:
            cut_end, cut_start = cuts[k]  # cut_end > start: after the span's start, or the last cut
            out.append((start, cut_end))
            start = cut_start
            k += 1
        out.append((start, end))
    return out


def _headline_breaks(text: str) -> list[Span]:
    """(end of a line, start of the next line's text) at each single line break that ends a sentence."""
    raw = text.split("\n")
    starts = [0, *accumulate(len(line) + 1 for line in raw)]
    lines = [line.rstrip() for line in raw]
    shown = [_shown_width(line) for line in lines]
    cuts: list[Span] = []
    for j in range(len(lines) - 1):
        line, after = lines[j], lines[j + 1]
        if shown[j] == BLANK or shown[j + 1] == BLANK or not line.rstrip(_CLOSING)[-1:].isalnum():
            continue
        offset = len(after) - len(after.lstrip())
        opening = _LINE_START_RE.match(after, offset)
        if opening is None or not (opening.group(1).isupper() or opening.group(1).isdigit()):
            continue
        width = _width(shown, j)
        first_word = _FIRST_WORD_RE.match(after, offset)
        if first_word and len(line) + 1 + len(first_word.group()) <= width and len(line) <= EARLY * width:
            cuts.append((starts[j] + len(line), starts[j + 1] + offset))
    return cuts


def _shown_width(line: str) -> int:
    """How wide a line shows its text's wrap width to be: its length when it holds two words or
    more (a wrapper cannot break a lone word that is wider), 0 for one word, `BLANK` for none."""
    if not line.strip():
        return BLANK
    return len(line) if _INNER_SPACE_RE.search(line) else 0


def _width(shown: list[int], j: int) -> int:
    """The width the text around line `j` may be wrapped at: the widest of the lines nearby, within
    the paragraph (a blank line ends it)."""
    width = 0
    for k in range(j, max(-1, j - WIDTH_LINES - 1), -1):
        if shown[k] == BLANK:
            break
        width = max(width, shown[k])
    for k in range(j + 1, min(len(shown), j + WIDTH_LINES + 2)):
        if shown[k] == BLANK:
            break
        width = max(width, shown[k])
    return width
