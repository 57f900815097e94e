"""Sentences that lean on a referent and what they need; filler about the reporting; wire
headers, desk lines and SGML entities."""

from __future__ import annotations

import pytest

from service.nlp.referents import Naming, needs, says_nothing, surnames
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


def test_a_chamber_after_the_is_no_surname() -> None:
    (sentences,) = analyze(
        [
            "Speaker Rita House opened the session. The House said the vote would wait. "
            "Senator Ada Lind spoke. Lind said she would vote no."
        ]
    )
    names = surnames([sentences])
    assert "Lind" in names and "House" not in names


def test_a_bare_surname_in_a_summary_reads_after_its_full_name_or_gets_it() -> None:
    (s,) = analyze([FERRY])
    naming = Naming.of([s])
    assert naming.full["Okafor"] == "Marta Okafor"
    by_text = {x.text: x for x in s}
    bare = by_text["Okafor demanded a new contract before crews return to the boats."]
    full = by_text["Union leader Marta Okafor said 340 members had joined the strike."]
    other = by_text["Northline Ferries carries about 6,000 passengers a day between the island and the port."]
    assert naming.lacks(bare) == ("Okafor", 1) and naming.lacks(full) == (None, 0)
    # No sentence names her: the first bare mention gets the name, a later one stays bare.
    last = by_text["Okafor said crews would wait for an offer."]
    assert naming.write([other, bare, last]) == [
        other.text,
        "Marta Okafor demanded a new contract before crews return to the boats.",
        last.text,
    ]
    # A chosen sentence names her: the bare one moves to just after it, unchanged.
    assert naming.write([bare, other, full]) == [other.text, full.text, bare.text]


def test_selection_charges_a_bare_surname_its_given_name_until_someone_names_her() -> None:
    from service.nlp.selection import select_sentences
    from service.nlp.words import count_words

    (s,) = analyze([FERRY])
    salience = compute_salience([s])
    naming = Naming.of([s])
    bare = next(x for x in s if x.text == "Okafor said crews would wait for an offer.")
    for budget in range(bare.n_words, 45):
        chosen = select_sentences([s], salience, budget, naming=naming)
        summary = " ".join(naming.write(chosen))
        assert count_words(summary) <= budget
        # Never "Okafor said ..." before the summary has said who she is.
        if "Okafor said crews" in summary:
            assert summary.index("Marta Okafor") < summary.index("Okafor said crews")
    # Alone at its own length it does not fit (the given name is charged); one word more, it does.
    assert select_sentences([s], salience, bare.n_words, naming=naming) == []
    assert select_sentences([s], salience, bare.n_words + 1, naming=naming) == [bare]


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
        "XXXX END OF STORY",
        "Story can end here.",
        "Optional material follows.",
        "PHOTOS, LAYOUTS AND GRAPHICS",
        "Photo and graphics information and editors' names can be found at the end of this budget.",
        "A brief roundup of the day's harbour news, pulled from Gazette staff and wire reports.",
    ],
)
def test_desk_lines_are_boilerplate(line: str) -> None:
    assert boilerplate(line)


@pytest.mark.parametrize(
    "line",
    [
        "Photos and graphics of the flooded harbour were shared by thousands on Monday.",
        "The end of the story came on Friday, when the ferry crews voted to return.",
        "Editors at the Gazette said the union had named its negotiators.",
    ],
)
def test_news_about_stories_and_editors_is_no_desk_line(line: str) -> None:
    assert not boilerplate(line)


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
