"""The harness's own readability checks of one answer: dangling starts, boilerplate facts, leaks.

Nothing here comes from the service: the sentence split, the name reading and the phrase lists
are the checker's own, so that a change to the service cannot move the yardstick with it.

- **Dangling start**: a summary sentence that leans on a referent the summary never gave. It opens
  (past any opening quote) with a personal pronoun ("He said ...", "''She'll ...") or a
  demonstrative used as a subject ("This comes days after ..."), and the summary's sentence before
  it is not the sentence before it in its article; or it opens with a bare surname ("Juppe
  demanded ...": a word the articles use as the last part of a full name) that the summary has not
  named before.
- **Dangling credit**: a quote credited to someone the reader has not met: `..." he said.` under
  the same condition as a pronoun start, or `...,'' Skaggs said.` with a surname not named before.
- **Boilerplate fact**: a key fact that is a wire desk's or site's own line (budget and desk
  hours, contact and credit lines, time-zone notes, distribution lines), by the checker's list.
- **Leak**: a wire header or slug ("CUBA-ELIAN _", "(Undated) _", "(``p'' category)") or an SGML
  entity ("&UR;") in a summary or a key fact.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

# --- sentences and words -------------------------------------------------------------------------

# A sentence ends at . ! ? (and any closing quotes or brackets) before a space and what may start
# a sentence; the engine joins its sentences with a space or a line break.
_END_RE = re.compile(r"(?<=[.!?])(?:''|[\"'”’)\]])*(?=\s+(?:``|[\"“‘'(]|[A-Z0-9_]))")
_ABBREV_RE = re.compile(
    r"(?:\b(?:Mr|Mrs|Ms|Dr|Gen|Sen|Rep|Gov|Lt|Col|Sgt|Capt|Maj|Adm|St|Jr|Sr|Prof|Rev|Inc|Corp|Co|Ltd|No|"
    r"Jan|Feb|Mar|Apr|Aug|Sept|Sep|Oct|Nov|Dec|U\.S|U\.N|vs)|\b[A-Z])\.$"
)


def split(text: str) -> list[str]:
    """The sentences of a summary (or an article), by the checker's own rule."""
    out: list[str] = []
    for para in re.split(r"\n+", text):
        start = 0
        for m in _END_RE.finditer(para):
            piece = para[start : m.end()]
            if _ABBREV_RE.search(piece.rstrip("'\"”’)]")):
                continue
            if piece.strip():
                out.append(piece.strip())
            start = m.end()
        if para[start:].strip():
            out.append(para[start:].strip())
    return out


_OPENING_RE = re.compile(r"^(?:``|''|[\"“”‘'(_\-–— ])+")
_TOKEN_RE = re.compile(r"[A-Za-z][A-Za-z'’\-]*")


def _first_word(sentence: str) -> str:
    m = _TOKEN_RE.match(_OPENING_RE.sub("", sentence))
    return m.group(0) if m else ""


def _bare(word: str) -> str:
    """ "Juppe's" -> "Juppe"."""
    return re.sub(r"['’]s?$", "", word)


def _normal(sentence: str) -> str:
    return " ".join(re.sub(r"[^\w]+", " ", sentence.lower()).split())


# --- who the articles name ------------------------------------------------------------------------

# Words before a capitalised word that make it no surname: titles, and the first words of places
# and bodies ("New York", "Prime Minister Juppe" names Juppe by title only, not in full).
_NOT_FIRST_NAMES = frozenset(
    """mr mrs ms miss dr sir dame lord lady gen general sen senator rep representative gov governor
    president prime minister secretary chancellor premier king queen prince princess pope judge
    justice chief officer sgt sergeant capt captain col colonel lt lieutenant maj major adm admiral
    rev reverend father sister brother saint st san santa los las el la le de del di da van von
    new north south east west northern southern eastern western upper lower great greater united
    mount mt fort port lake cape gulf bay the a an of in on at for and or but to by from with as
    former then deputy vice acting interim ambassador mayor coach detective agent inspector
    commissioner attorney speaker chairman chairwoman spokesman spokeswoman leader dear professor
    prof ayatollah sheik sheikh rabbi cardinal bishop archbishop emperor crown
    monday tuesday wednesday thursday friday saturday sunday january february march april may june
    july august september october november december""".split()
)
# "Alain Juppe", "Bill J. Clinton": the lookahead lets pairs overlap ("President Boris Yeltsin").
_NAME_PAIR_RE = re.compile(
    r"(?<![\w.])(?=([A-Z][a-z]+|[A-Z]\.)[ \t]+(?:[A-Z]\.[ \t]+)?([A-Z][a-z][A-Za-z'\-]+)\b)"
)
_TITLES = (
    r"Mr|Mrs|Ms|Dr|Sen|Senator|Rep|Gov|Governor|Gen|General|President|Minister|Chancellor|Premier|"
    r"Judge|Justice|Secretary|Mayor|Coach|Prof|Professor|Lt|Col|Sgt|Capt|Adm|Rev|Ambassador|Detective"
)


def _full_name_pairs(text: str) -> list[tuple[str, str]]:
    out = []
    for m in _NAME_PAIR_RE.finditer(text):
        first, last = m.group(1), m.group(2)
        if first.rstrip(".").lower() not in _NOT_FIRST_NAMES and last.lower() not in _NOT_FIRST_NAMES:
            out.append((first, _bare(last)))
    return out


def surnames(documents: Sequence[str]) -> frozenset[str]:
    """Words the articles use for a person's surname: the last part of a full name ("Alain Juppe")
    that is never written in lower case (not "White House", "State Police"), never follows "in"
    (not "New Mexico"), and also stands alone as a speaker or after a title ("Juppe said", "said
    Juppe", "Mr. Juppe"; not "in the House, said", a chamber)."""
    text = "\n".join(documents)
    lowered = set(re.findall(r"\b[a-z][a-z'\-]+\b", text))
    found: set[str] = set()
    for _, last in _full_name_pairs(text):
        if last in found or last.lower() in lowered:
            continue
        x = re.escape(last)
        if re.search(rf"\bin {x}\b(?!['’])", text):
            continue
        if re.search(
            rf"(?<![Tt]he )\b{x}(?:['’]s)?,?\s+(?:said|says|told|added|asked|wrote)\b|\bsaid {x}\b"
            rf"|\b(?:{_TITLES})\.?\s+{x}\b",
            text,
        ):
            found.add(last)
    return frozenset(found)


def _named_before(surname: str, earlier: Sequence[str]) -> bool:
    return any(re.search(rf"\b{re.escape(surname)}\b", s) for s in earlier)


def _named_in_full(surname: str, text: str) -> bool:
    """`text` has the full name: a first name right before the surname."""
    return any(last == surname for _, last in _full_name_pairs(text))


# --- dangling starts and credits ------------------------------------------------------------------

_PRONOUNS = frozenset("he she they his her their him them hers theirs".split())
# "This/That/These/Those" as a subject: followed by a verb, not a noun ("This week ...").
_DEMONSTRATIVE_RE = re.compile(
    r"^(?:This|That|These|Those)\s+(?:is|was|are|were|comes|came|come|means|meant|marks|marked|will|"
    r"would|could|can|may|might|has|had|have|follows|followed|includes|included|led|leads|made|makes|"
    r"prompted|raised|became|becomes|appears|appeared|seems|seemed|'s)\b"
)
_CREDIT_RE = re.compile(
    r"(?:[,.!?]\s*(?:''|[\"”’'])|--|—)\s*,?\s*([A-Z][A-Za-z'\-]+)\s+"
    r"(?:said|says|added|adds|told|asked|explained|noted|declared|insisted|continued|wrote|warned|replied)\b"
    r"|\b(?:said|says|added|adds|asked|wrote|warned)\s+(he|she|they)\s*[.,;]"
    r"|[,.!?]\s*(?:''|[\"”’'])\s*(he|she|they)\s+(?:said|says|added|adds|told|asked|wrote|warned)\b"
)


@dataclass(frozen=True)
class Dangling:
    sentence: int  # index in the summary's sentences
    kind: str  # "pronoun", "demonstrative", "surname", "credit"
    word: str
    text: str


def _predecessors(documents: Sequence[str]) -> dict[str, set[str]]:
    """Each article sentence (normalised) -> the sentences that stand right before it."""
    before: dict[str, set[str]] = {}
    for doc in documents:
        previous = ""
        for s in split(doc):
            key = _normal(s)
            if key:
                before.setdefault(key, set()).add(previous)
                previous = key
    return before


def dangling(summary: str, documents: Sequence[str]) -> list[Dangling]:
    """The sentences of `summary` that lean on a referent it never gave (see the module docstring)."""
    sentences = split(summary)
    names = surnames(documents)
    before = _predecessors(documents)
    out: list[Dangling] = []
    for i, s in enumerate(sentences):
        earlier = sentences[:i]
        # Its article's previous sentence is the one before it here: the referent is in place.
        follows_on = i > 0 and _normal(sentences[i - 1]) in before.get(_normal(s), set())
        word = _bare(_first_word(s))
        opened = _OPENING_RE.sub("", s)
        if word.lower() in _PRONOUNS and not follows_on:
            out.append(Dangling(i, "pronoun", word, s))
            continue
        if _DEMONSTRATIVE_RE.match(opened) and not follows_on:
            out.append(Dangling(i, "demonstrative", word, s))
            continue
        # "Juppe demanded", not "Gordon Brown has" (a full name at the start).
        full = re.match(rf"{re.escape(word)}(?:['’]s)?\s+(?:[A-Z]\.\s+)?[A-Z]", opened)
        if word in names and not full and not _named_before(word, earlier) and not follows_on:
            out.append(Dangling(i, "surname", word, s))
            continue
        for m in _CREDIT_RE.finditer(s):
            who = _bare(m.group(1) or m.group(2) or m.group(3))
            if who.lower() in _PRONOUNS:
                bad = not follows_on and not _person_before_credit(s, m.start())
            else:
                bad = (
                    who in names
                    and not _named_before(who, earlier)
                    and not _named_in_full(who, s)
                    and not follows_on
                )
            if bad:
                out.append(Dangling(i, "credit", who, s))
                break
    return out


def _person_before_credit(sentence: str, at: int) -> bool:
    """'Marta Okafor, the union's leader, said: "..." she said' has its speaker in the sentence:
    a full name (two capitalised words, the first no title) before the credit."""
    return bool(_full_name_pairs(sentence[:at]))


# --- boilerplate facts ---------------------------------------------------------------------------

_BOILERPLATE_RE = re.compile(
    r"\bwe are staffed\b|\ball times are (?:eastern|edt|est|et|gmt|pacific|central)\b"
    r"|\btimes are (?:eastern|edt|est)\b|\bbudgets? (?:move|moves|lines?)\b|\bbudget information\b"
    r"|\bnews (?:manager|editor) is\b|\bquestions should be directed\b|\bfor use by\b"
    r"|\bclients of the\b.{0,40}\bnews service\b|\bnews service'?s? (?:clients|subscribers)\b"
    r"|\bneed a resend\b|\bresend\b|\ban eta will be given\b|\bhow to reach us\b|\(at\)"
    r"|\bstory filed by\b|\bcontributed to this (?:report|story)\b|\bphotos? (?:by|courtesy)\b"
    r"|\bcopyright\b|\ball rights reserved\b|\bsend (?:comments|questions|letters) to\b"
    r"|\bfor more information,? (?:call|visit|contact)\b|\bto subscribe\b|\bsubscribers? of the\b"
    r"|\bmoving today to clients\b|\beditors?:|\bend (?:optional|adv)\b|\boptional trim\b"
    r"|\bclick here\b|\bfollow us\b|\bsign up\b.{0,30}\bnewsletter\b"
    r"|\b\d{3}-\d{3}-\d{4}\b|\b[\w.+-]+@[\w-]+\.\w",
    re.IGNORECASE,
)


def boilerplate_fact(text: str) -> bool:
    """A desk, credit or contact line (by the checker's own list), not news."""
    return bool(_BOILERPLATE_RE.search(text))


# --- wire headers and entities -------------------------------------------------------------------

_LEAK_RE = re.compile(
    r"&[A-Za-z]{1,8};"  # SGML/HTML entity left as text: "&UR;", "&amp;"
    r"|\(\s*``?\s*\w\s*''?\s*category\s*\)"  # "(``p'' category)"
    r"|\(Undated\)"
    r"|\b[A-Z]{2,}(?:-[A-Z0-9]{2,})+\b"  # a slug: "CUBA-ELIAN", "CAMPAIGN-ROUNDUP"
    r"|\b[A-Z]{3,}(?:\s+[A-Z]{2,}){1,}\s+(?:\([^)]{0,30}\)\s*)?_\s"  # "POLITICAL NEWS _", "MIAMI _"
    r"|^[A-Z]{4,}\s+_\s"  # "MIAMI _ ..." at a sentence start that the service kept
)


def leaks(text: str) -> list[str]:
    """Wire headers, slugs and entities in `text`, as matched."""
    return [m.group(0) for m in _LEAK_RE.finditer(text)]
