"""Sentences that cannot stand alone: those leaning on a referent given elsewhere, and filler.

A sentence taken out of its article keeps pointing at what the article said before it: "He said
...", "But ...", "Juppe demanded ..." (a surname whose full name came earlier), '"...," he said.'
Those opening on the sentence before them (`DANGLING_RE`) are never a summary sentence or a key
fact; those whose referent is elsewhere (`needs`: the sentence before them in their article, or
one naming the person in full) are never a key fact, which stands alone. Filler (`says_nothing`)
is about the reporting, not the news: "did not immediately respond to a request for comment".
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from service.nlp.sentences import Sentence

# Sentences that lean on the one before them ("But ...", "He said ...", "''She'll ..."): they
# dangle once taken out of their article, whatever else is chosen.
DANGLING_RE = re.compile(
    r"^(?:``|''|[\"“‘'])?(?:But|And|Or|So|Yet|However|Still|Also|Instead|Meanwhile|Nevertheless|"
    r"Moreover|Then|He|She|They|It|His|Her|Their|Its|This|That|These|Those|There|Him|Them)\b"
)

# Key facts that lean on a referent they do not give: a pronoun subject ("He said the plan would
# fail", "It was the third case"). Not a connective ("But the talks resumed on Monday" states its
# fact), not a quote ('"It will take years," Mayor Lind said': the pronoun is the speaker's; whom a
# quote is credited to is `needs`'s), not "There were ..." (no referent at all).
FACT_DANGLING_RE = re.compile(r"^(?:He|She|They|It|His|Her|Their|Its|This|That|These|Those|Him|Them)\b")

# Sentences about the reporting, or saying that nothing was said or known: never a key fact, and
# no summary sentence.
NON_FACT_RE = re.compile(
    r"\b(?:declined|refused|did not|didn't|would not|wouldn't|could not|couldn't|has not|have not|"
    r"had not)(?: immediately)? (?:to )?"
    r"(?:comment|respond|elaborate|give details|be reached|return (?:calls|messages|a request|requests|"
    r"an? (?:e-?mail|call|phone call|message))|been able to (?:independently )?(?:verify|confirm))"
    r"|\bno comment\b|\bcould not be reached\b|\bwas not (?:immediately )?(?:clear|known|available)\b"
    r"|\bwere not (?:immediately )?(?:clear|known|available)\b|\bnot immediately (?:clear|known|available)\b"
    r"|\breached out to\b.{0,80}\bfor (?:comment|confirmation|a response|clarification)\b"
    r"|\b(?:could not|cannot|can't|couldn't) (?:independently )?(?:verify|confirm)\b"
    r"|\bunable to (?:independently )?(?:verify|confirm|reach)\b"
    r"|\b(?:requests?|inquiries) for comment\b",
    re.IGNORECASE,
)
# A word every NON_FACT_RE match contains (keep the two in step). On ASCII text, where
# re.IGNORECASE is plain ASCII case, a sentence with none of them cannot match: most news
# sentences are out without the costlier search.
NON_FACT_WORDS = tuple(
    "comment respond elaborate details reached return clear known available verify confirm reach".split()
)


def says_nothing(text: str) -> bool:
    """A refusal to comment, a statement that something is not known, or a line about the
    reporting itself ("reached out to the ministry for confirmation")."""
    if text.isascii():
        lowered = text.lower()
        if not any(w in lowered for w in NON_FACT_WORDS):
            return False
    return bool(NON_FACT_RE.search(text))


# Capitalised words that do not start a person's name: titles, first words of places and bodies,
# and words capitalised only because they open a sentence ("Although Anwar ...", "Neither Exxon
# ..."). "Prime Minister Juppe" and "Mr. Juppe" name Juppe by title, not in full.
_NOT_GIVEN_NAMES = frozenset(
    """mr mrs ms miss dr sir lord lady gen sen rep gov lt col sgt capt maj adm rev st mt ft the a an
    president prime minister secretary chancellor premier king queen prince princess pope judge
    justice chief general senator governor representative mayor ambassador coach commissioner
    speaker chairman leader former deputy vice acting new north south east west united saint san
    santa los las el la le de del di da van von lake mount fort port cape gulf bay of in on at for
    and or but to by from with as if when after before while since during under over about
    monday tuesday wednesday thursday friday saturday sunday january february march april may june
    july august september october november december
    although though neither nor either both because unless until whether where why how what who
    which whose whom once like unlike despite among amid against through without within upon even
    only just all some many most several each every any no not other another such this that these
    those there here yet still also instead meanwhile however so then thus perhaps indeed later
    earlier now today yesterday last next""".split()
)
_WORD_RE = re.compile(r"[A-Za-z][A-Za-z'’\-]*")
_POSSESSIVE_RE = re.compile(r"['’]s?$")
_OPENING_RE = re.compile(r"^(?:``|''|[\"“‘'(])+")
# A pronoun credited with a quote or a statement: '"...," he said.', '..., she added.', 'said he.'
_PRONOUN_CREDIT_RE = re.compile(
    r"(?:''|[\"”’,]|--|—)\s*(?:he|she|they)\s+(?:said|says|added|adds|told|asked|explained|noted|"
    r"insisted|continued|wrote|warned|replied|recalled|argued|declared)\b"
    r"|\bsaid (?:he|she|they)\s*[.,;]"
)
_CREDIT_RE = re.compile(
    r"(?:''|[\"”’])\s*,?\s*([A-Z][A-Za-z'’\-]+)\s+(?:said|says|added|adds|told|asked|explained|noted|"
    r"insisted|continued|wrote|warned|replied|recalled|argued|declared)\b"
)


def _bare(word: str) -> str:
    return _POSSESSIVE_RE.sub("", word)


def _full_names(text: str) -> Iterable[tuple[int, str, str]]:
    """(offset of the surname, surname, full name) of each "Given Surname" ("Alain Juppe", "Bill J.
    Clinton") in `text`."""
    tokens = list(_WORD_RE.finditer(text))
    for i in range(1, len(tokens)):
        given, last = tokens[i - 1], tokens[i]
        between = text[given.end() : last.start()]
        if i >= 2 and re.fullmatch(r"\.\s+", between) and len(given.group(0)) == 1:
            given = tokens[i - 2]  # an initial: "Bill J. Clinton"
            between = " "
        g, s = given.group(0), last.group(0)
        if between.strip() or not (g[0].isupper() and s[0].isupper() and s[1:2].islower()):
            continue
        if g.lower() in _NOT_GIVEN_NAMES or s.lower() in _NOT_GIVEN_NAMES or not g[1:2].islower():
            continue
        yield last.start(), _bare(s), f"{g} {_bare(s)}"


_SPEECH = frozenset("said says told added asked wrote".split())
_TITLE_WORDS = frozenset(
    "mr mrs ms dr sen rep gov gen president minister chancellor premier judge justice secretary mayor".split()
)


def surnames(sentences: Sequence[Sequence[Sentence]]) -> frozenset[str]:
    """Words the cluster uses as a person's surname: the last of a full name ("Alain Juppe") that
    also stands alone as a speaker or after a title ("Juppe said", "said Juppe", "Mr. Juppe"), and
    is never written in lower case nor after "in" (a place)."""
    full: set[str] = set()
    alone: set[str] = set()
    lower: set[str] = set()
    placed: set[str] = set()
    for article in sentences:
        for s in article:
            full.update(name for _, name, _ in _full_names(s.text))
            tokens = [m.group(0) for m in _WORD_RE.finditer(s.text)]
            for i, w in enumerate(tokens):
                if w[0].islower():
                    lower.add(w)
                    continue
                before = tokens[i - 1] if i else ""
                after = tokens[i + 1] if i + 1 < len(tokens) else ""
                titled = before.lower() in _TITLE_WORDS
                # Alone: no capitalised word beside it ("Health Ministry said", "said Hun Sen").
                # Not after "the": "the House said" names a chamber, not a Mr. House.
                apart = (not before[:1].isupper() or titled) and not after[:1].isupper()
                alone_here = apart and before.lower() != "the"
                if alone_here and (after in _SPEECH or before == "said" or titled):
                    alone.add(_bare(w))
                if before == "in":
                    placed.add(w)
    return frozenset(w for w in full & alone if w.lower() not in lower and w not in placed)


@dataclass(frozen=True)
class Need:
    """What a sentence needs the summary to hold before it: its article's previous sentence, or
    (for `surname`) a sentence naming that person in full."""

    previous: tuple[int, int]
    surname: str | None = None


def needs(s: Sentence, names: frozenset[str]) -> Need | None:
    """What `s` leans on, if anything it can be given (DANGLING_RE sentences aside)."""
    previous = (s.article, s.index - 1)
    text = s.text
    given = {name for _, name, _ in _full_names(text)}
    opened = _OPENING_RE.sub("", text)
    first = _WORD_RE.match(opened)
    if first:
        word = _bare(first.group(0))
        rest = opened[first.end() :].lstrip()
        # "Juppe demanded ...", not "Gordon Brown has ..." (a full name at the start)
        if word in names and word not in given and not rest[:1].isupper():
            return Need(previous, word)
    m = _PRONOUN_CREDIT_RE.search(text)
    if m and not any(at < m.start() for at, _, _ in _full_names(text)):
        return Need(previous)
    for m in _CREDIT_RE.finditer(text):
        who = _bare(m.group(1))
        if who in names and who not in given:
            return Need(previous, who)
    return None


@dataclass(frozen=True)
class Naming:
    """Who a summary names, and what naming them costs: a sentence opening on (or credited to) a
    bare surname the summary has not named in full ("Juppe demanded ...") reads after the first
    chosen sentence that names the person ("Prime Minister Alain Juppe"), or, with none, is given
    the full name ("Alain Juppe demanded ..."), the given name's words charged in the budget."""

    names: frozenset[str]  # the cluster's surnames (`surnames`)
    full: dict[str, str]  # each surname's full name as the cluster writes it most often

    @classmethod
    def of(cls, sentences: Sequence[Sequence[Sentence]]) -> Naming:
        names = surnames(sentences)
        counts: dict[str, Counter[str]] = {}
        for article in sentences:
            for s in article:
                for _, name, full in _full_names(s.text):
                    if name in names:
                        counts.setdefault(name, Counter())[full] += 1
        return cls(names, {name: c.most_common(1)[0][0] for name, c in counts.items()})

    def lacks(self, s: Sentence) -> tuple[str | None, int]:
        """The surname `s` leans on and the words its full name adds ((None, 0): none)."""
        need = needs(s, self.names)
        if need is None or need.surname is None or need.surname not in self.full:
            return None, 0
        return need.surname, len(self.full[need.surname].split()) - 1

    def named(self, s: Sentence) -> frozenset[str]:
        """The surnames `s` names in full."""
        return frozenset(name for _, name, _ in _full_names(s.text) if name in self.names)

    def write(self, ordered: Sequence[Sentence]) -> list[str]:
        """The summary's sentence texts: `ordered`, each sentence leaning on a surname moved to
        just after the first sentence naming that person in full when one is chosen, else given
        the full name where the surname stands alone ("..., Okafor said." -> "..., Marta Okafor
        said."). Only sentences `lacks` charged change, by at most what it charged."""
        ordered = list(ordered)
        lacking = {id(s): self.lacks(s)[0] for s in ordered}
        for s in [s for s in ordered if lacking[id(s)]]:
            name = lacking[id(s)]
            at = ordered.index(s)
            giver = next((i for i, t in enumerate(ordered) if name in self.named(t)), None)
            if giver is not None and giver > at:
                ordered.insert(giver, ordered.pop(at))  # now right after the giver
        texts: list[str] = []
        said: set[str] = set()
        for s in ordered:
            text, name = s.text, lacking[id(s)]
            if name and name not in said:
                # The surname standing alone: not after a capitalised word or an initial ("J. Okafor").
                bare = re.search(rf"(?<![A-Za-z.] )(?<![A-Za-z])\b{re.escape(name)}\b", text)
                if bare:
                    text = text[: bare.start()] + self.full[name] + text[bare.end() :]
            said |= self.named(s) | ({name} if name else set())
            texts.append(text)
        return texts
