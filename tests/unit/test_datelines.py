"""Wire datelines, bullets and bylines are not part of a sentence; ordinary sentence starts are kept."""

import time

import pytest

from service.nlp.sentences import analyze

BODY = "The ferry service resumed on Tuesday after a week of storms."


def texts(article: str) -> list[str]:
    """The sentence texts of `article`, checking that each one is exactly its span of the article."""
    sentences = analyze([article])[0]
    for s in sentences:
        assert " ".join(article[s.start : s.end].split()) == s.text
    return [s.text for s in sentences]


@pytest.mark.parametrize(
    "lead",
    [
        "BERGEN (AP) -- ",
        "BERGEN (AP) — ",
        "BERGEN (AP)—",
        "BERGEN, Norway (AP) -- ",
        "SAN ANTONIO, Texas (AP) -- ",
        "HANOI, Sept. 14 (Xinhua) -- ",
        "HANOI, March 2 (AFP) - ",
        "HANOI, Vietnam, March 2, 2004 (AFP) - ",
        "(Reuters) - ",
        "BERGEN (Reuters) - ",
        "Bergen (Reuters) - ",
        "(CNN) -- ",
        "BERGEN (CNN) -- ",
        "(CNN)",
        "Cape Town, South Africa (CNN)",
        "BERGEN _ ",
        "(AP) -- ",
        "_ ",
        "• ",
        "•",
        "* ",
        "- ",
        "· ",
        "_ BERGEN (AP) -- ",
    ],
)
def test_dateline_or_bullet_is_stripped(lead: str) -> None:
    assert texts(lead + BODY + " Crews cleared the harbour.") == [BODY, "Crews cleared the harbour."]


@pytest.mark.parametrize(
    "byline",
    [
        "By Ines Okafor\n",
        "By Ines Okafor\n\n",
        "By INES OKAFOR, Associated Press Writer\n",
        "By Ines Okafor and Tomas Lind\n",
        "By Ines Okafor, Tomas Lind and Maya Berg\n\n",
        "By INES OKAFOR ",
        "By Ines Okafor, Staff Writer ",
        "By INES OKAFOR, Associated Press Writer\nBERGEN, Norway (AP) -- ",
    ],
)
def test_byline_at_the_start_of_an_article_is_stripped(byline: str) -> None:
    assert texts(byline + BODY) == [BODY]


def test_byline_after_a_headline_is_dropped() -> None:
    article = "Ferries sail again\n\nBy Ines Okafor\n\n" + BODY
    assert texts(article) == ["Ferries sail again", BODY]


@pytest.mark.parametrize(
    "sentence",
    [
        "US officials said the ferry service would resume on Tuesday.",
        "NEW rules were announced for the ferry service.",
        "Okafor - the harbour master - said the ferries would sail.",
        "US - Norway talks on the ferry service resumed.",
        "The Nordic Council (NC) - a group of five states - met on Tuesday.",
        "By Tuesday, the ferry service had resumed.",
        "By US standards, the harbour is small.",
        "By Tuesday Ines Okafor had left the harbour.",
        "-5 degrees was the lowest reading of the week.",
        "Bergen (AP) is where the ferry service resumed.",
    ],
)
def test_ordinary_sentence_starts_are_kept(sentence: str) -> None:
    assert texts(sentence) == [sentence]


def test_a_dateline_with_nothing_after_it_is_kept() -> None:
    assert texts("BERGEN (AP) --") != []


def test_a_byline_later_in_the_article_is_left_alone() -> None:
    article = f"{BODY} Crews cleared the harbour. Tugs stood by.\n\nBy Ines Okafor\n\nThe end."
    assert "By Ines Okafor" in texts(article)


def test_long_adversarial_starts_stay_fast() -> None:
    cases = [
        "A" * 5000 + " -",
        ("BERGEN " * 2000) + "(AP)",
        "By " + ", ".join(["Ines Okafor"] * 2000),
        "By " + " ".join(["INES"] * 2000) + ", x",
        "Bergen, " * 2000 + "Oslo (CNN)",
    ]
    begin = time.perf_counter()
    for case in cases:
        analyze([case + " " + BODY])
    assert time.perf_counter() - begin < 5
