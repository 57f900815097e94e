"""Sentences that lean on a referent and what they need; filler about the reporting; wire
headers, desk lines and SGML entities."""

from __future__ import annotations

import pytest

from service.nlp.referents import needs, says_nothing, surnames
from service.nlp.salience import compute_salience
from service.nlp.sentences import analyze, boilerplate

FERRY = (
    "Ferry crews on Kessel Island walked out on Monday over staffing levels. "
    "Union leader Marta Okafor said 340 members had joined the strike. "
    "Okafor demanded a new contract before crews return to the boats. "
    '"We have waited two years for safe crews," she said. '
    "Northline Ferries carries about 6,000 passengers a day between the island and the port. "
    "Okafor said crews would wait for an offer."
)


def test_surnames_are_full_names_also_written_alone() -> None:
    (sentences,) = analyze([FERRY + " The crews sailed in Kessel before. A kessel is no word."])
    names = surnames([sentences])
    assert "Okafor" in names
    assert "Kessel" not in names and "Northline" not in names


def test_what_a_sentence_needs() -> None:
    (s,) = analyze([FERRY])
    names = surnames([s])
    by_text = {x.text: x for x in s}
    bare = by_text["Okafor demanded a new contract before crews return to the boats."]
    assert needs(bare, names) is not None and needs(bare, names).surname == "Okafor"
    credit = by_text['"We have waited two years for safe crews," she said.']
    need = needs(credit, names)
    assert need is not None and need.surname is None and need.previous == (0, credit.index - 1)
    full = by_text["Union leader Marta Okafor said 340 members had joined the strike."]
    assert needs(full, names) is None
    assert needs(s[0], names) is None


@pytest.mark.parametrize(
    ("text", "nothing"),
    [
        ("The Harbour Gazette reached out to the ministry for confirmation.", True),
        ("Northline did not immediately respond to a request for comment.", True),
        ("The company has not been able to independently verify the figures.", True),
        ("The ministry could not be reached on Sunday.", True),
        ("The ministry reached an agreement with the union on Sunday.", False),
        ("Officials confirmed that 340 crew members joined the strike.", False),
    ],
)
def test_says_nothing(text: str, nothing: bool) -> None:
    assert says_nothing(text) is nothing


@pytest.mark.parametrize(
    "line",
    [
        "We are staffed 7 a.m. to 11 p.m. on weekdays and noon to 8 p.m. on weekends.",
        "All times are Eastern unless otherwise noted.",
        "Questions should be directed to the harbour desk in Kessel.",
        "The night news editor is Ana Ruiz, aruiz(at)gazette.example.",
        "For Use By Clients of the Harbour Gazette News Service",
        "Address questions to Harbour Q&A, The Kessel Gazette, by e-mail to qa(AT)gazette.example.",
        "EDITORS: The Gazette's syndicate web site has more on the ferry series.",
    ],
)
def test_desk_lines_are_boilerplate(line: str) -> None:
    assert boilerplate(line)


def test_wire_headers_and_sgml_entities_are_stripped_and_offsets_kept() -> None:
    text = (
        "HARBOUR NEWS (``h'' category) FERRY-STRIKE (Undated) _ Crews stayed ashore on Monday.\n"
        "REGIONAL KESSEL-FERRY _ KESSEL _ The island was cut off for a second day.\n"
        "The Duke &UR; of Kessel &LR; visited the port on Tuesday."
    )
    (s,) = analyze([text])
    assert [x.text for x in s] == [
        "Crews stayed ashore on Monday.",
        "The island was cut off for a second day.",
        "The Duke of Kessel visited the port on Tuesday.",
    ]
    assert text[s[2].start : s[2].end] == "The Duke &UR; of Kessel &LR; visited the port on Tuesday."
    # A slug in running text ("AFL-CIO") is no header.
    (t,) = analyze(["The AFL-CIO backed the ferry crews on Monday."])
    assert t[0].text == "The AFL-CIO backed the ferry crews on Monday."


def test_a_key_fact_never_leans_on_its_article() -> None:
    from service.facts.same_fact import THRESHOLD
    from service.facts.select import select_facts

    texts = [
        FERRY + " This comes just days after the port reopened with 12 ferries on Friday.",
        "Union leader Marta Okafor said 340 crew members walked out on Monday in Kessel. "
        "This comes just days after the port reopened with 12 ferries on Friday. "
        '"Crews are tired," she said on Monday.',
    ]
    sentences = analyze(texts)
    facts = select_facts(sentences, compute_salience(sentences), 10, THRESHOLD)
    assert facts
    assert not any(f.text.startswith(("This comes", "Okafor demanded", '"')) for f in facts)
