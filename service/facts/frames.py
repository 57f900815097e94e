"""A figure's frame: what it counts, in which event, of whom, and which qualifiers pin it down.

Two sentences from different articles give the same quantity when their figures' frames agree:
"the quake killed 40 people" and "the death toll rose to 52" both count the dead; "wounding 21"
and "22 people were injured" both count the injured. A frame is read from the figure's own clause
(the sentence cut at commas, semicolons, brackets, dashes and "and"/"but"/"while"), so that in
"killing 65 people and injuring 157 others" the 65 are dead and the 157 injured.

- **event**: the nearest word of a known kind of news event in the clause (`EVENTS`): death,
  injury, missing, displaced, arrests, rescues, illness, damage, exchange, release, money set
  aside, cost, votes, jobs, prison terms, attendance. News conflicts are mostly of these.
- **noun**: what is counted (`service.facts.figures`), with people-words ("people", "others",
  "victims", "men", "residents") read as one class, so "21 injured" (no noun) and "22 people
  were injured" count one thing; a specific group ("women", "children", "soldiers") stays itself,
  so "3 women" and "5 children" do not.
- **qualifiers** that tell two look-alike quantities apart: compass directions ("in the north"),
  periods ("a day", "a year", "in total"), ordinals ("the first round"), a part of a total
  ("including 12 Americans", "11 of them"), and who gives a crowd count (police or organisers).

`service.facts.conflicts` compares frames; this module only reads them.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property

from service.facts.features import DATE_WORDS, proper_names
from service.facts.figures import Figure, figures, singular
from service.nlp.lexicon import concepts, expand
from service.nlp.words import STOPWORDS, content_stems, stem

# Words naming a kind of event, by event. Word forms as written (lowered): a small closed list
# reads more surely than stems ("dead" and "death" stem apart; "wounds" is also a noun of pain).
_EVENT_WORDS = {
    "death": "kill kills killed killing dead die dies died dying death deaths toll tolls fatalities "
    "fatality perished slain lives bodies drowned",
    "injury": "injure injures injured injuring injury injuries wound wounded wounding hurt "
    "hospitalized hospitalised",
    "missing": "missing unaccounted",
    "displaced": "homeless displaced evacuate evacuated evacuating evacuation evacuees fled",
    "arrest": "arrest arrests arrested arresting detained detain detaining detention",
    "rescue": "rescue rescued rescuing saved winched",
    "illness": "case cases infected infection infections sickened sickens sickening",
    "damage": "destroy destroys destroyed destroying damage damaged damaging flattened razed burned "
    "burnt scorched charred",
    "exchange": "exchange exchanges exchanged exchanging swap swaps swapped swapping",
    "release": "release releases released releasing freed free frees freeing",
    "trapped": "trapped stranded",
    "deal": "buy buys bought buying acquire acquires acquired acquiring acquisition takeover deal "
    "offer bid purchase",
    # Measures: each word is its own quantity ("unemployment fell to 4.1%" is not inflation).
    "deficit": "deficit deficits",
    "surplus": "surplus surpluses",
    "inflation": "inflation",
    "unemployment": "unemployment jobless",
    "growth": "growth",
    "revenue": "revenue revenues",
    "profit": "profit profits",
    "sales": "sales",
    "debt": "debt debts",
    "spending": "spending",
    "budget": "budget budgets",
    "fund": "allocate allocates allocated allocating allocation earmark earmarked earmarks pledge "
    "pledges pledged pledging fund funds funding donate donated donation donations grant grants",
    "cost": "cost costs costing spend spends spent",
    "vote": "vote votes voted ballot ballots",
    "jobs": "job jobs layoffs redundancies",
    "prison": "sentenced sentence jail jailed prison imprisonment",
    # Durations are what these are measured in: a term, a contract's years, a trial's months.
    "contract": "contract contracts",
    "trial": "trial",
    "talks": "talks negotiations negotiators negotiated mediated brokered",
    "attendance": "attended attend attending attendance crowd spectators",
    "wind": "wind winds gusts",
    "power": "power electricity blackout blackouts outage outages",
    "recall": "recall recalls recalled recalling",
    "conviction": "convicted convict convicts guilty verdict verdicts",
    "turnout": "turnout",
}
EVENTS: dict[str, str] = {w: event for event, ws in _EVENT_WORDS.items() for w in ws.split()}
# Two-word phrases that name an event where one word does not ("set aside $5 million").
_EVENT_PHRASES = {
    ("set", "aside"): "fund",
    ("laid", "off"): "jobs",
    ("lost", "lives"): "death",
    ("behind", "bars"): "prison",
}
# Events of which two counts may be compared on their clauses' words alone (not the whole
# sentence's): counts of people, and of prisoners swapped, homes destroyed, money set aside.
RELAXED_EVENTS = frozenset(
    {
        "death", "injury", "missing", "displaced", "arrest", "rescue", "illness", "release", "trapped",
        "exchange", "damage", "fund", "deal", "turnout", "deficit", "surplus", "inflation",
        "unemployment", "growth", "jobs", "revenue", "profit", "sales", "debt", "money",
        "magnitude", "age", "prison", "contract", "trial", "talks", "wind", "power", "recall",
        "conviction",
    }
)  # fmt: skip
# Events whose figures count people when the text names no noun ("wounding 21").
PEOPLE_EVENTS = frozenset(
    {"death", "injury", "missing", "displaced", "arrest", "rescue", "illness", "release", "trapped"}
)
# Event words that name a measure whose value the clause gives wherever it stands ("the death
# toll from Saturday's capsizing rose to 41", "turnout, at 62 percent, was the lowest").
MEASURES = frozenset("toll tolls turnout".split())

# Counted nouns (singular, as `figures` gives them) that are people in general ...
_GENERIC_PEOPLE = frozenset(
    "people person persons other individual victim resident inhabitant civilian casualty "
    "passenger occupant".split()
)
# ... and groups of people, which only match themselves or the general words.
_PEOPLE_GROUPS = frozenset(
    "man men woman women child children boy girl adult teenager student soldier troop police "
    "policeman officer firefighter worker miner crew sailor pilot player fan spectator patient "
    "prisoner detainee captive hostage refugee migrant protester demonstrator voter member "
    "tourist pilgrim foreigner american doctor nurse teacher".split()
)
# Plural forms `figures.singular` leaves as they are, and words for one group or thing.
_IRREGULAR = {
    "employee": "worker",
    "staff": "worker",
    "staffer": "worker",
    "dockworker": "worker",
    "fan": "spectator",
    "household": "home",
    "house": "home",
    "kilometre": "km",
    "kilometer": "km",
    "meter": "metre",
    "men": "man",
    "women": "woman",
    "children": "child",
    "troops": "troop",
    # "11 police officers", "14 officers", "12 policemen": one group.
    "police": "officer",
    "policeman": "officer",
    "policemen": "officer",
}

# Qualifiers: a frame naming one member of a class and another frame naming a different member
# of the same class count different things ("12 dead in the north" / "15 dead in the south").
_QUALIFIERS = {
    "direction": {
        w: w.removesuffix("ern")
        for w in "north northern south southern east eastern west western northeast northeastern "
        "northwest northwestern southeast southeastern southwest southwestern central".split()
    },
    "ordinal": {w: w for w in "first second third fourth fifth final".split()},
    "source": {
        "police": "police",
        "organisers": "organisers",
        "organizers": "organisers",
        "opposition": "opposition",
        "union": "union",
        "unions": "union",
        "management": "management",
        "rebels": "rebels",
        "activists": "activists",
    },
}
# Periods a figure is given for; read from the clause's text.
_PERIOD_RE = re.compile(
    r"\b(?P<day>a day|per day|each day|every day|daily|a night|per night)\b"
    r"|\b(?P<week>a week|per week|each week|every week|weekly)\b"
    r"|\b(?P<month>a month|per month|each month|every month|monthly)\b"
    r"|\b(?P<year>a year|per year|each year|every year|annually|annual|yearly|per annum)\b"
    r"|\b(?P<total>in total|a total of|in all|altogether|combined)\b"
    r"|\b(?P<past>last year|last summer|last fall|last autumn|last spring|last winter|a year ago|"
    r"last season)\b"
    r"|\b(?P<span>over the (?:next|past|last) [\w-]+ (?:years|months|decades))\b",
    re.IGNORECASE,
)
# A figure that is part of another the sentence gives: "including 12 Americans", "11 of them".
_PART_BEFORE_RE = re.compile(
    r"\b(?:including|includes|included|among them|of whom|of which|another|additional|remaining|"
    r"first|last|further)\s+$",
    re.IGNORECASE,
)
_PART_AFTER_RE = re.compile(
    r"^\s*(?:[a-z-]+\s+)?(?:of them|of whom|of those|of these|of the\b|more\b|others? more)",
    re.IGNORECASE,
)
# "280 of the released prisoners", "640 of the cases": a subset of a group the story counts.
_SUBSET_RE = re.compile(r"^\s+of\s+(?:the|these|those)\b", re.IGNORECASE)
# "as part of the deal", "in the first stage": the clause gives a step, not the whole.
_STAGE_RE = re.compile(r"\b(?:as part of|first (?:stage|phase|batch|group|round)|in stages)\b", re.IGNORECASE)
# Where the counted are: "all 109 people aboard" is not the toll with those on the ground.
# Those who went back are not those who left: "5,000 evacuees were allowed to return home".
_RETURN_RE = re.compile(
    r"\b(?:allowed to return|return(?:ed|ing)?\s+(?:to\s+(?:their\s+)?)?homes?|went back|go back)\b",
    re.IGNORECASE,
)
_ABOARD_RE = re.compile(r"\b(?:aboard|on board|on the ground|carrying|carried)\b", re.IGNORECASE)
# A figure over several events or places: "twin bombings", "both attacks", "the two blasts".
_SCOPE_RE = re.compile(
    r"\b(?:twin|both|combined|the two) (?:bombings|blasts|attacks|explosions|quakes|storms|crashes|"
    r"fires)\b",
    re.IGNORECASE,
)
# A figure of what would or could happen is not a report of what did.
# ("said it would cut 900 jobs", "would be cut" are plans, reported as such: not hypotheses.)
_MOOD_RE = re.compile(
    r"\b(?:could|might|faces|facing|faced|ask for|asked for|seeks|seeking|sought|punishable)\b",
    re.IGNORECASE,
)
# "142 of the 300 seats": the count's noun is the total's.
_OF_TOTAL_RE = re.compile(r"\s+of\s+(?:the\s+|its\s+|their\s+)?[\d,]+\s+([A-Za-z]+)")
# A figure that is the whole another counts a share of: "of the 300 seats", "a 300-seat parliament".
_WHOLE_BEFORE_RE = re.compile(
    r"\b\d[\d,.]*\s+(?:[A-Za-z]+\s+)?(?:of|out of)\s+(?:the\s+|its\s+|their\s+)?$", re.IGNORECASE
)
# A quake's magnitude: "magnitude 6.4", "a magnitude of 6.6", "put the magnitude at 6.7" (before
# the figure), "6.1 on the Richter scale" (after it).
_MAGNITUDE_BEFORE_RE = re.compile(r"\bmagnitude\s+(?:of\s+|at\s+)?$", re.IGNORECASE)
_MAGNITUDE_AFTER_RE = re.compile(
    r"^[\s-]*(?:magnitude\b|(?:on\s+the\s+)?(?:open-ended\s+)?Richter)", re.IGNORECASE
)
# An aftershock's magnitude or toll is not the main quake's.
_AFTERSHOCK_RE = re.compile(r"\baftershocks?\b", re.IGNORECASE)
# A value a figure changed *from* ("fell to 4.1 percent from 4.4 percent", "up from 14 batches",
# "from a peak of 7.4 metres"): the earlier value, keyed apart from the current one.
_FROM_RE = re.compile(
    r"\bfrom\s+(?:a\s+(?:peak|high|low|record)\s+of\s+)?(?:about\s+|some\s+|around\s+|nearly\s+)?[$£€¥]?$",
    re.IGNORECASE,
)
# What analysts expected is not what was reported.
_FORECAST_RE = re.compile(r"\banalysts?'?\b|\bconsensus\b", re.IGNORECASE)
# "Rafael Moro, 58, was": an age after a name, between commas.
_NAME_AGE_BEFORE_RE = re.compile(r"\b([A-Z][a-z]+(?:-[A-Z][a-z]+)?),\s*$")
# "The aircraft, which is 11 years old": the noun an age in a relative clause is of.
_AGE_OF_RE = re.compile(r"\b([A-Za-z]+),?\s+(?:which|who)\s+(?:is|was)\s+$")
# A role word before a name ("former banker Rafael Moro", "Captain Teo Brandt", "its director,
# Radek Sulan"): how "the 57-year-old banker" is read as Moro.
_ROLE_RE = re.compile(
    r"\b([a-z]{3,}|[A-Z][a-z]{2,})(?:,)?\s+(?:[A-Z][a-z]+\s+)?([A-Z][a-z]{2,})\b(?!\s+[A-Z])"
)
# "the largest since 2017, when 40,000 hectares burned", "in 1978 in Boraas, when 20 people died":
# what follows is that year's.
_SINCE_WHEN_RE = re.compile(r"\b(?:1[89]\d\d|20\d\d)\b[^.;]{0,30}?,?\s+when\b")
# Units of time (`service.facts.figures` kinds): what a duration counts.
TIME_UNITS = frozenset("second minute hour day week month year decade".split())
# Kinds a figure's hyphenated form ("a 16-month trial", "the 57-year-old") does not make a whole.
_NOT_WHOLE = frozenset({"age", "magnitude"}) | TIME_UNITS

# Currency kinds of `service.facts.figures`.
CURRENCIES = frozenset("usd gbp eur jpy cny zar inr peso rub franc dem lira".split())
# The noun money is the value of: "a ransom of", "a fee of", "damage at", "bribes worth".
_MONEY_NOUN_RE = re.compile(r"\b([A-Za-z]{3,})\s+(?:of|at|worth|totalling|totaling)\s+(?:about\s+|some\s+)?$")
# Where a figure's clause ends.
_CLAUSE_RE = re.compile(
    r"(?<!\d),|,(?!\d)|[;:()\[\]]|\s[-_–—]+\s|\s(?:and|but|while|whereas|although|as well as)\s"
)
_TOKEN_RE = re.compile(r"[A-Za-z]+(?:'[A-Za-z]+)?")
# How far from the figure (words) an event word in its clause is read, for a figure that names no
# noun ("wounding 21", "21 injured"): further off, the word may be another figure's.
BARE_REACH = 3
# How many clause words on each side of a figure are its context.
CONTEXT_WORDS = 6
# Endings that make a name an adjective or a demonym ("Kenyan", "Swedish").
NAME_ENDINGS = ("ian", "ish", "ese", "an", "en", "i", "n")
# How far around a figure (characters) its window is read.
WINDOW = 40


def _clause(text: str, at: int) -> tuple[int, int]:
    """The span of the clause of `text` holding offset `at`."""
    start, end = 0, len(text)
    for m in _CLAUSE_RE.finditer(text):
        if m.end() <= at:
            start = m.end()
        elif m.start() > at:
            end = m.start()
            break
    return start, end


def people_noun(kind: str) -> str | None:
    """The people-class of a counted noun: "people" for people in general, the group's name for a
    group, None for things."""
    noun = _IRREGULAR.get(kind, kind)
    if noun in _GENERIC_PEOPLE:
        return "people"
    if noun in _PEOPLE_GROUPS:
        return noun
    return None


@dataclass(frozen=True)
class Frame:
    """One figure of a sentence, read in its clause."""

    figure: Figure
    text: str  # the whole sentence
    # Role word -> surname in the figure's article (`roles_in`): whose age "the 57-year-old banker"
    # gives.
    roles: Mapping[str, str] = field(default_factory=dict, compare=False)

    @cached_property
    def clause(self) -> tuple[int, int]:
        return _clause(self.text, self.figure.start)

    @cached_property
    def _tokens(self) -> list[tuple[int, str]]:
        """(offset, lowered word) of the clause's words, the figure's own excluded."""
        a, b = self.clause
        f = self.figure
        end = f.start + len(f.shown)
        return [
            (m.start() + a, m.group(0).lower())
            for m in _TOKEN_RE.finditer(self.text, a, b)
            if not (f.start <= m.start() + a < end)
        ]

    @cached_property
    def magnitude(self) -> bool:
        """The figure is a quake's magnitude ("magnitude 6.4", "6.1 on the Richter scale")."""
        f = self.figure
        end = f.start + len(f.shown)
        return 0 < f.value < 10 and (
            f.kind == "magnitude"
            or bool(_MAGNITUDE_BEFORE_RE.search(self.text[max(0, f.start - 25) : f.start]))
            or bool(_MAGNITUDE_AFTER_RE.match(self.text[end : end + 30]))
        )

    @cached_property
    def age(self) -> tuple[str, bool] | None:
        """Whose age the figure gives, and whether that is a name: "Rafael Moro, 58," -> ("moro",
        True); "the 57-year-old banker" -> Moro where the article calls him "banker Rafael Moro",
        else ("banker", False); "the aircraft, which is 11 years old" -> ("aircraft", False). None
        for an unnamed person ("a 25-year-old man": which one?) and for figures that are no age."""
        f = self.figure
        if not (1 <= f.value <= 120 and f.value == int(f.value)):
            return None
        before = self.text[max(0, f.start - 40) : f.start]
        end = f.start + len(f.shown)
        if f.kind == "number":
            m = _NAME_AGE_BEFORE_RE.search(before)
            if m and self.text[end : end + 1] == "," and m.group(1).lower() not in DATE_WORDS:
                return name(m.group(1)), True
            return None
        if f.kind != "age":
            return None
        # "Samantha Roman, a 16-year-old Columbine sophomore": the name before.
        m = re.search(r"\b([A-Z][a-z]+),\s+(?:a|an|the)\s+$", before)
        if m and m.group(1).lower() not in DATE_WORDS:
            return name(m.group(1)), True
        rest = re.match(r"[\s-]*years?[\s-]*old\b(?:\s+([A-Za-z]+)(\s+[a-z]+)?)?", self.text[end:])
        word = rest.group(1) if rest and self.text[end : end + 1] == "-" else None
        if word is not None and word[0].isupper() and rest is not None and rest.group(2):
            return None  # "a 16-year-old Columbine sophomore": a name describing, not named
        if word is None:  # "which is 11 years old": the noun before
            m = _AGE_OF_RE.search(before)
            word = m.group(1) if m else None
        if word is None or word.lower() in STOPWORDS:
            return None
        if word[0].isupper():
            return name(word), True
        role = word.lower()
        if role in self.roles:
            return self.roles[role], True
        if people_noun(_IRREGULAR.get(singular(role), singular(role))) is not None:
            return None
        return singular(role), False

    @cached_property
    def event(self) -> str | None:
        """The kind of event the figure counts, from the nearest event word of its clause."""
        f = self.figure
        if self.magnitude:
            return "magnitude"
        if self.age is not None:
            return "age"
        best: tuple[int, str] | None = None
        tokens = self._tokens
        for k, (at, word) in enumerate(tokens):
            event = EVENTS.get(word)
            if k + 1 < len(tokens) and (word, tokens[k + 1][1]) in _EVENT_PHRASES:
                event = _EVENT_PHRASES[(word, tokens[k + 1][1])]
            if event is None:
                continue
            # Distance in words: how many clause words stand between the word and the figure.
            distance = sum(1 for o, _ in tokens if min(at, f.start) < o < max(at, f.start))
            if best is None or distance < best[0]:
                best = (distance, event)
        if best is None and self.figure.kind in CURRENCIES:
            # "a ransom of $8 million", "a fee of 90 million euros": money named by its noun.
            before = self.text[max(0, f.start - 30) : f.start].rstrip("$£€¥ ").removesuffix("US")
            m = _MONEY_NOUN_RE.search(before + " ")
            if m and m.group(1).lower() not in STOPWORDS:
                return f"money:{stem(m.group(1).lower())}"
        if best is None:
            # "A total of 213 people, including a dozen Americans, were killed": a count of people
            # whose clause names no event counts the sentence's one event, if it has only one.
            if self.noun != "" and people_noun(self.noun) is not None:
                found = {EVENTS[w.lower()] for w in _TOKEN_RE.findall(self.text) if w.lower() in EVENTS}
                if len(found) == 1:
                    return found.pop()
            return None
        if self.noun == "" and best[0] >= BARE_REACH and not any(w in MEASURES for _, w in tokens):
            return None  # a bare number far from the word: perhaps another figure's event
        return best[1]

    @cached_property
    def noun(self) -> str:
        """What is counted: "people", a group, a thing, a currency, "percent"; "" for a bare number.
        "142 of the 300 seats" counts seats."""
        kind = self.figure.kind
        if self.magnitude:
            return "magnitude"
        if self.age is not None:
            return self.age[0]
        if EVENTS.get(self.figure.unit.lower()) in PEOPLE_EVENTS or EVENTS.get(kind) in PEOPLE_EVENTS:
            return "people"  # "48 deaths", "1,870 cases", "22 injuries": people of the event
        if kind == "number":
            f = self.figure
            m = _OF_TOTAL_RE.match(self.text, f.start + len(f.shown))
            if not m:
                return ""
            kind = singular(m.group(1).lower())
        elif kind not in CURRENCIES and people_noun(kind) is None:
            # "4,500 port workers", "4,000 junior doctors": the people the word before describes.
            f = self.figure
            m = re.match(r"[\s-]*[A-Za-z]+\s+([a-z]+)\b", self.text[f.start + len(f.shown) :])
            if m and people_noun(singular(m.group(1))) not in (None, "people"):
                kind = singular(m.group(1))
        return people_noun(kind) or _IRREGULAR.get(kind, kind)

    @cached_property
    def counts_people(self) -> bool:
        noun = self.noun
        if noun == "":
            return (
                self.event in PEOPLE_EVENTS
                and self.figure.value == int(self.figure.value)
                and self.figure.value >= 1
            )
        return people_noun(noun) is not None

    @cached_property
    def key(self) -> tuple[str, str] | None:
        """(event, noun class) under which frames are compared; None when it says too little. A
        part of a total ("11 of them") is keyed apart, so that the total stays the sentence's one
        figure of its key."""
        event = self.event or ""
        part = f":{self.qualifiers['part']}" if "part" in self.qualifiers else ""
        if "from" in self.qualifiers:
            part += ":from"  # the earlier value of a change: compared only with earlier values
        if self.age is not None:
            return "age", self.age[0]
        if self.magnitude:
            return "magnitude", "magnitude" + part
        if self.counts_people:
            return event, (self.group or "people") + part
        if self.noun == "":
            return None
        return event, self.noun + part

    @cached_property
    def group(self) -> str | None:
        """A specific group of people counted ("women", "soldiers"); None for people in general."""
        if not self.counts_people or self.noun in ("", "people"):
            return None
        return self.noun

    @cached_property
    def qualifiers(self) -> dict[str, str]:
        """Class -> member of the qualifiers of the figure's clause (see the module docstring)."""
        out: dict[str, str] = {}
        for _, word in self._tokens:
            for cls, members in _QUALIFIERS.items():
                if word in members and cls != "source":
                    out.setdefault(cls, members[word])
        a, b = self.clause
        for m in _PERIOD_RE.finditer(self.text, a, b):
            out.setdefault("period", m.group(0).lower() if m.lastgroup == "span" else m.lastgroup or "")
        # A crowd count's source may stand anywhere in the sentence ("police said", "organisers
        # put the crowd at").
        for word in _TOKEN_RE.findall(self.text):
            # Lower case only: "National Union" is a party, not a union's count.
            member = _QUALIFIERS["source"].get(word) if word.islower() else None
            if member:
                out.setdefault("source", member)
        f = self.figure
        end = f.start + len(f.shown)
        if (
            _PART_BEFORE_RE.search(self.text[max(0, f.start - 20) : f.start])
            or _PART_AFTER_RE.match(self.text[end : end + 30])
            or _STAGE_RE.search(self.text, a, b)
        ):
            out["part"] = "part"
        if _SUBSET_RE.match(self.text[end : end + 30]):
            out["part"] = "subset"  # "280 of the released prisoners": some of a group, not a stage
        if _RETURN_RE.search(self.text, a, b):
            out["return"] = "returned"
        if _ABOARD_RE.search(self.text, a, b):
            out["aboard"] = "aboard"
        if _SCOPE_RE.search(self.text):
            out["scope"] = "several"  # "twin bombings killed 257": both places, not one
        if _MOOD_RE.search(self.text, a, b):
            out["mood"] = "hypothetical"
        if _FORECAST_RE.search(self.text):
            out["forecast"] = "forecast"  # "analysts had forecast a profit of 1.31 billion"
        if _AFTERSHOCK_RE.search(self.text, a, b):
            out["aftershock"] = "aftershock"
        if _FROM_RE.search(self.text[max(0, f.start - 40) : f.start]):
            out["from"] = "earlier"
        # "of the 300 seats", "a 300-seat parliament"; not "a 16-month trial" or "the 57-year-old".
        hyphen_whole = self.text[end : end + 1] == "-" and f.kind not in _NOT_WHOLE and not self.magnitude
        if _WHOLE_BEFORE_RE.search(self.text[max(0, f.start - 40) : f.start]) or hyphen_whole:
            out["part"] = "whole"
        return out

    @cached_property
    def past(self) -> bool:
        """The clause dates its figure in the past: "last year", "since 2017, when"."""
        a, b = self.clause
        since = _SINCE_WHEN_RE.search(self.text, 0, self.figure.start)  # "since 2017, when 40,000"
        return self.qualifiers.get("period") == "past" or since is not None

    @cached_property
    def of_year(self) -> bool:
        """The clause names a year ("the 1995 quake", "in 2027")."""
        a, b = self.clause
        return any(g.kind == "year" and g.value >= 1000 and a <= g.start < b for g in figures(self.text))

    @cached_property
    def context(self) -> frozenset[str]:
        """Content stems of the clause around the figure (not the event or the counted word)."""
        f = self.figure
        before = [w for o, w in self._tokens if o < f.start][-CONTEXT_WORDS:]
        after = [w for o, w in self._tokens if o > f.start][:CONTEXT_WORDS]
        kept = [w for w in (*before, *after) if w not in STOPWORDS and w not in EVENTS]
        own = {self.noun, *content_stems(f.unit), *content_stems(self.noun)}
        return frozenset(content_stems(" ".join(kept))) - own

    @cached_property
    def names(self) -> frozenset[str]:
        """The proper names of the figure's clause (`names_in`)."""
        a, b = self.clause
        return names_in(self.text, a, b)

    @cached_property
    def window(self) -> frozenset[str]:
        """Content stems within WINDOW characters of the figure, whatever the clause, less the
        figure's own."""
        f = self.figure
        around = self.text[max(0, f.start - WINDOW) : f.start + len(f.shown) + WINDOW]
        return frozenset(content_stems(around)) - set(content_stems(f.shown))


# Qualifier classes that tell two figures apart even when only one of them has one.
ONE_SIDED = ("part", "ordinal", "aboard", "mood", "scope", "forecast", "aftershock", "return")


def shared_context(a: Frame, b: Frame) -> int:
    """How many context words of `a` the context of `b` has, itself or a WordNet synonym of it
    ("homes" / "households" does not; "evacuated" / "moved" neither; "fee" / "price" may)."""
    exact = a.context & b.context
    other = expand(b.context - exact)
    return len(exact) + sum(1 for w in a.context - exact if concepts(w) & other)


def common_initial(text: str, word: str) -> bool:
    """`word` opens `text` and is a common word, capitalised only for that ("Rescuers said",
    "Police arrested"): WordNet, as shipped, holds no proper nouns."""
    return text.startswith(word) and bool(concepts(stem(word.lower())))


def unmatched(names: frozenset[str], others: frozenset[str]) -> frozenset[str]:
    """The names of `names` that no name of `others` matches; one matches another that begins
    with it ("marvan" of "Marvanian" and "marvania")."""
    return frozenset(n for n in names if not any(n.startswith(o) or o.startswith(n) for o in others))


def name(text: str) -> str:
    """A proper name without the endings that make a place an adjective: "Kenyan" -> "kenya",
    "Swedish" and "Sweden" -> "swed", "Israeli" -> "israel"."""
    lowered = text.lower().removesuffix("'s").removesuffix("’s")
    for ending in NAME_ENDINGS:
        if lowered.endswith(ending) and len(lowered) - len(ending) >= 4:
            return lowered[: -len(ending)]
    return lowered


def names_clash(
    names_a: frozenset[str], names_b: frozenset[str], named_a: frozenset[str], named_b: frozenset[str]
) -> bool:
    """Each side names someone or somewhere that the other does not and that the other's whole
    article (`named_b`, `named_a`: every name it mentions) never mentions ("213 in Kenya" / "11 in
    Tanzania"). Names the other article does mention are one story told from two places."""
    return bool(
        unmatched(unmatched(names_a, names_b), named_b) and unmatched(unmatched(names_b, names_a), named_a)
    )


# Titles that stand before a name capitalised ("Captain Teo Brandt"), read as roles.
TITLES = frozenset(
    "captain sergeant judge general colonel president minister director coach doctor mayor "
    "governor senator chairman chief".split()
)


def roles_in(texts: Sequence[str]) -> dict[str, str]:
    """Role word -> surname, where an article puts the role before a name ("former banker Rafael
    Moro", "Captain Teo Brandt", "the plant's director, Radek Sulan") and the role names one
    person only."""
    found: dict[str, set[str]] = {}
    for text in texts:
        for m in _ROLE_RE.finditer(text):
            role = m.group(1).lower()
            if role in STOPWORDS or (m.group(1)[0].isupper() and role not in TITLES):
                continue
            found.setdefault(role, set()).add(name(m.group(2)))
    return {role: next(iter(names)) for role, names in found.items() if len(names) == 1}


# News agencies named in bylines and datelines: who reports, not what is reported.
AGENCIES = frozenset("ap afp reuters xinhua upi dpa ansa efe kyodo tass itar-tass bloomberg".split())


def names_in(text: str, start: int = 0, end: int | None = None) -> frozenset[str]:
    """The proper names of `text[start:end]` as `name` reads them, less days, months, agencies,
    capitalised figures ("Twenty-six people died") and, where the span opens the sentence, a
    common word capitalised only for that (`common_initial`)."""
    out = set()
    for n in proper_names(text[start:end]):
        lowered = n.lower()
        if lowered in DATE_WORDS or lowered in AGENCIES or figures(lowered):
            continue
        if start == 0 and common_initial(text, n):
            continue
        out.add(name(n))
    return frozenset(out)


def qualifiers_clash(a: Frame, b: Frame) -> bool:
    """Each frame pins its figure down differently in one class of qualifiers."""
    qa, qb = a.qualifiers, b.qualifiers
    # A part against a whole, a stage against the plan, a count aboard against the toll, a
    # hypothesis against a report: one side alone is enough.
    for cls in ONE_SIDED:
        if (cls in qa) != (cls in qb):
            return True
    return any(qa[c] != qb[c] for c in qa.keys() & qb.keys())


def groups_clash(a: Frame, b: Frame) -> bool:
    """Different groups of people ("women" / "children", "children" / people in general: the
    children killed are some of the people killed)."""
    return a.group != b.group
