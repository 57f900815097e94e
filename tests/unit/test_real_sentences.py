"""Sentence boundaries on real news text: titles, ordinal dates, headline lines, hard-wrapped text.

The sentences are written for these tests. Each splits as a reader would split it; where syntok
alone splits otherwise, `service.nlp.boundaries` mends it.
"""

from __future__ import annotations

import textwrap

import pytest

from service.nlp.sentences import analyze, split_sentences


def sentences(text: str) -> list[str]:
    return [text[a:b] for a, b in split_sentences(text)]


@pytest.mark.parametrize(
    "text",
    [
        "A Boston man admitted on Tuesday that he had threatened U.S. Rep. Ada Whitcombe.",
        "The program, championed by Gov. Lena Marsh, who defended it on Friday, will expand.",
        "Lt. Gov. Dale Porter said the bridge would reopen in May.",
        "The Rev. Tobias Quinn led the service at the harbor chapel.",
        "Sgt. Maj. Ruth Okafor and Sec. Paul Denning met Amb. Irene Vos.",
        "Col. Ivan Petrak, Capt. Nora Bell, Maj. Felix Hart and Cmdr. Owen Lark testified.",
        "Adm. Clara Voss and Gen. Omar Reyes briefed Lt. Col. Hana Ilic.",
        "Supt. Gail Ferris, Insp. Tom Blyth and Det. Anya Cho questioned the driver.",
        "Prof. Lutz Amsel told Sen. Mira Kade and Atty. Gen. Rob Tell that Pres. Ines Duro agreed.",
        "Msgr. Karl Benning and Fr. Liam Doyle blessed the boats with Sr. Agnes Moll.",
        "The march from St. Brendan's church was led by Gov.-elect Petra Lind.",
        "Reps. Jo Marlow and Ken Ashe asked Drs. Ilse Brandt and Omar Fikri to testify.",
        "She spoke with Rep. J. T. Hollis on Monday.",
        "Rep. O'Malley and Rep. McAllister voted against the measure.",
    ],
)
def test_a_title_before_a_name_does_not_end_the_sentence(text: str) -> None:
    assert sentences(text) == [text]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("He met the Gov. He left soon after.", ["He met the Gov.", "He left soon after."]),
        (
            "The letter went to the Rep. The Senate never saw it.",
            ["The letter went to the Rep.", "The Senate never saw it."],
        ),
        (
            "She was promoted to Lt. Gov. Then she retired.",
            ["She was promoted to Lt. Gov.", "Then she retired."],
        ),
        # "sec." in lowercase is no title
        (
            "The record fell by half a sec. Marta Ruiz won.",
            ["The record fell by half a sec.", "Marta Ruiz won."],
        ),
        # "Jr." follows a name: what comes after it may be a new sentence
        (
            "The award went to Paul Lind Jr. Anna Lind accepted it.",
            ["The award went to Paul Lind Jr.", "Anna Lind accepted it."],
        ),
    ],
)
def test_a_title_at_the_end_of_a_sentence_still_ends_it(text: str, expected: list[str]) -> None:
    assert sentences(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Die Landesregierung hat am 12. März 2024 beschlossen, die Fährgebühren zu senken.",
        "Am 3. Oktober bleiben die Ämter geschlossen.",
        "Die Frist endet am 12. Jan. 2024 um Mitternacht.",
        "Bis zum 31. Dezember bleibt das Büro am Hafen geschlossen.",
        "Der 2. Weltkrieg endete in Europa im Mai 1945.",
        "Die Kanzlei liegt im 6. Stock des Neubaus.",
        "Sie feierte ihren 100. Geburtstag im Kreis der Familie.",
        "Den 12. Maj 2024 beslutade kommunen att bygga en ny kaj.",
        "Vláda 12. března 2024 rozhodla o nové trati.",
        "Rząd 12. marca 2024 przyjął nowy plan.",
    ],
)
def test_an_ordinal_before_a_month_or_noun_does_not_end_the_sentence(text: str) -> None:
    assert sentences(text) == [text]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Wir treffen uns am 12. Dann reden wir.", ["Wir treffen uns am 12.", "Dann reden wir."]),
        (
            "Das Treffen war am 1. Mai. Danach ging es weiter.",
            ["Das Treffen war am 1. Mai.", "Danach ging es weiter."],
        ),
        (
            "Die Mannschaft wurde 1990 Meister. Oktober brachte die Wende.",
            ["Die Mannschaft wurde 1990 Meister.", "Oktober brachte die Wende."],
        ),
    ],
)
def test_an_ordinal_at_the_end_of_a_sentence_still_ends_it(text: str, expected: list[str]) -> None:
    assert sentences(text) == expected


def test_a_headline_line_is_its_own_sentence() -> None:
    text = (
        "Ferry strike halts crossings\n"
        "Ferry workers in Port Alder walked off the job on Monday, halting all crossings to the islands.\n"
        "The union said the strike would last until Thursday."
    )
    assert sentences(text) == [
        "Ferry strike halts crossings",
        "Ferry workers in Port Alder walked off the job on Monday, halting all crossings to the islands.",
        "The union said the strike would last until Thursday.",
    ]


def test_headline_subhead_and_list_lines_are_cut() -> None:
    text = (
        "Harbor Reopens After Storm\n"
        "Crews cleared debris overnight\n"
        "The harbor at Port Alder reopened on Friday after crews worked through the night to clear "
        "fallen trees, broken moorings and two sunken skiffs from the channel.\n"
        "What was damaged\n"
        "Three piers\n"
        "The fuel dock\n"
        "Officials said repairs would cost about $2 million."
    )
    assert sentences(text) == [
        "Harbor Reopens After Storm",
        "Crews cleared debris overnight",
        "The harbor at Port Alder reopened on Friday after crews worked through the night to clear "
        "fallen trees, broken moorings and two sunken skiffs from the channel.",
        "What was damaged",
        "Three piers",
        "The fuel dock",
        "Officials said repairs would cost about $2 million.",
    ]


def test_a_paragraph_without_end_punctuation_ends_at_its_line_break() -> None:
    text = (
        "The council voted 7-2 on Tuesday to extend the ferry contract by two years, as the mayor said\n"
        "Opponents of the deal said they would take the matter to court before the summer recess."
    )
    assert len(sentences(text)) == 1  # the line ends at 80% of the width: it may be wrapped text
    text = "The council voted 7-2 on Tuesday to extend the ferry contract\n" + text.split("\n")[1]
    assert sentences(text) == [
        "The council voted 7-2 on Tuesday to extend the ferry contract",
        "Opponents of the deal said they would take the matter to court before the summer recess.",
    ]


def test_a_headline_piece_is_an_incomplete_sentence_with_its_own_offsets() -> None:
    text = "Ferry strike halts crossings\nFerry workers in Port Alder walked off the job on Monday."
    first, second = analyze([text])[0]
    assert (first.text, first.complete) == ("Ferry strike halts crossings", False)
    assert (second.text, second.complete) == (
        "Ferry workers in Port Alder walked off the job on Monday.",
        True,
    )
    assert text[second.start : second.end] == second.text


def test_a_line_break_before_a_lowercase_word_or_after_a_comma_goes_on() -> None:
    text = "Ferry strike halts crossings, union says\nafter talks broke down\nCrews walked out on Monday."
    assert sentences(text) == [
        "Ferry strike halts crossings, union says\nafter talks broke down",
        "Crews walked out on Monday.",
    ]
    text = "Talks on the ferry contract,\nWages and rest days among them, broke down on Monday night."
    assert sentences(text) == [text]


ARTICLE = (
    "Ferry workers in Port Alder walked off the job on Monday after talks with the Harbor Transit "
    "Authority broke down over wages and rest days, halting every crossing to Gull Island and Little "
    "Tern. The Authority said it had offered a raise of 4 percent a year for three years, which the "
    "Seafarers Union of Port Alder called an insult to crews who had worked through two winters of "
    "storms. Gov. Lena Marsh urged both sides to return to the table, and U.S. Rep. Ada Whitcombe said "
    "she would ask the Coast Guard to help islanders who need medical care on the mainland. Harbor "
    "Transit Authority spokesman Ivo Brandt said replacement crews could not be hired before Friday. "
    "Shop owners on Gull Island said deliveries of fuel, milk and mail had already stopped. Island "
    "Council chair Nadia Frey said the council would charter fishing boats for school runs. The union "
    "said the strike would last until Thursday, when its members would vote on the next steps."
)


@pytest.mark.parametrize("width", [40, 52, 60, 64, 70, 72, 79, 80])
def test_hard_wrapped_text_splits_as_the_same_text_unwrapped(width: int) -> None:
    # Many lines end before a capitalised word ("Harbor\nTransit", "Gull\nIsland"); none ends a sentence.
    wrapped = textwrap.fill(ARTICLE, width)
    assert "\n" in wrapped
    assert [" ".join(s.split()) for s in sentences(wrapped)] == sentences(ARTICLE)


def test_a_lone_long_word_does_not_widen_the_wrap_width() -> None:
    # A wrapper cannot break a rule of dots, so its line says nothing about the width.
    text = (
        "The union and the Authority will meet again\n"
        "on Wednesday if the mediator from the Harbor\n"
        "Board agrees.\n" + "." * 70 + "\nThe strike began after the Authority and\n"
        "Seafarers Union negotiators failed to agree."
    )
    assert [" ".join(s.split()) for s in sentences(text)] == [
        "The union and the Authority will meet again on Wednesday if the mediator from the Harbor "
        "Board agrees.",
        "." * 70 + " The strike began after the Authority and Seafarers Union negotiators failed to agree.",
    ]


def test_a_balanced_wrap_that_ends_lines_early_is_not_cut() -> None:
    # Wrapped to lines of similar length (as coreutils fmt does): "Harbor" would fit on the first
    # line, but the line reaches past EARLY of the width.
    text = (
        "The Authority said replacement crews from the\n"
        "Harbor Transit Authority of Gull Island could start\n"
        "work once the Seafarers Union of Port Alder signs."
    )
    assert sentences(text) == [text]


def test_a_blank_line_still_ends_a_paragraph() -> None:
    text = "Ferry strike halts crossings\n\nFerry workers walked out on Monday."
    assert sentences(text) == ["Ferry strike halts crossings", "Ferry workers walked out on Monday."]
