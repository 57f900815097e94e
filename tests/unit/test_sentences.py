"""Sentence splitting with exact offsets, and word-budget trimming."""

import pytest

from service.nlp.sentences import analyze, fit_words, split_sentences
from service.nlp.words import content_stems, count_words

BODY_TEXT = "The ferry service resumed on Tuesday after a week of storms."


def test_spans_index_the_original_text() -> None:
    text = "Dr. Ana Ruiz arrived at 9 a.m. on Monday.  She met the U.S. envoy.\n\nTalks ended at noon."
    spans = split_sentences(text)
    assert [text[a:b] for a, b in spans] == [
        "Dr. Ana Ruiz arrived at 9 a.m. on Monday.",
        "She met the U.S. envoy.",
        "Talks ended at noon.",
    ]


def test_ptb_closing_quote_ends_a_sentence() -> None:
    text = "``We will not leave,'' she said. ``Never.'' The crowd cheered loudly."
    assert [text[a:b] for a, b in split_sentences(text)][-2:] == ["``Never.''", "The crowd cheered loudly."]


def test_dateline_is_not_part_of_the_sentence() -> None:
    text = "LISBON (AP) -- The port reopened on Friday after a two-day closure."
    (s,) = analyze([text])[0]
    assert s.text == "The port reopened on Friday after a two-day closure."
    assert text[s.start : s.end] == s.text


def test_headline_is_marked_incomplete() -> None:
    text = "Port reopens after storm\n\nThe port reopened on Friday after a two-day closure."
    sentences = analyze([text])[0]
    assert [s.complete for s in sentences] == [False, True]
    assert [round(s.position, 2) for s in sentences] == [0.0, 0.5]


def test_fit_words_keeps_whole_sentences_within_budget() -> None:
    text = "One two three four. Five six seven. Eight nine ten eleven twelve."
    assert fit_words(text, 7) == "One two three four. Five six seven."
    assert fit_words(text, 100) == text
    cut = fit_words("A very long sentence that goes on and on without any end in sight.", 5)
    assert count_words(cut) == 5 and cut.endswith("…")


@pytest.mark.parametrize(
    "line",
    [
        "Jane Doe contributed to this report.",
        "Additional reporting by Jane Doe in Oslo.",
        "Photo by Jane Doe.",
        "For more information, call (212) 555-0142.",
        "Readers can reach the newsroom at 212-555-0142.",
        "Send tips to news@example.com.",
        "Copyright 2026 Example Wire.",
        "All rights reserved.",
        "E-mail: desk@example.com",
        "CREDIT: Jane Doe/Example Wire",
        "-- Distributed by Example News Service.",
        "Call 1-800-555-0142 for tickets.",
        # Web pages' pitches, inside the article's own container where an extractor keeps them.
        "Sign up for the free daily newsletter.",
        "Follow the Harbour Desk on Instagram, Facebook and YouTube.",
    ],
)
def test_boilerplate_lines_are_not_sentences(line: str) -> None:
    article = f"{BODY_TEXT} {line}"
    assert [s.text for s in analyze([article])[0]] == [BODY_TEXT]


@pytest.mark.parametrize(
    "sentence",
    [
        "The court imposed a copyright fine of $2 million on the publisher.",
        "Officials said 555 people were evacuated from the coast.",
        "The photo agency said its pictures were distributed by courier.",
        # a phrase inside a longer word is no boilerplate phrase
        "Critics tried to discredit: first the mayor, then the council.",
        "He left a voicemail: the vote had been postponed.",
        "Officials said 21-800-3 was the case number in the Rotterdam court.",
        "Millions follow the singer on Instagram, where she announced the tour.",
        "Readers who sign up for the paper's print edition get the newsletter for free.",
    ],
)
def test_news_about_such_things_is_kept(sentence: str) -> None:
    assert [s.text for s in analyze([sentence])[0]] == [sentence]


def test_stems_are_read_from_the_words_as_sent() -> None:
    # Line breaks and runs of spaces change no word: the stems are those of the normalised text
    # (which every later stage reads). A zero-width space does: it parts "ferry" and "service"
    # as sent, and normalising deletes it, so there the stems come from the text as sent.
    wrapped, glued = analyze(["The ferry  service\nresumed on Tuesday.", "The ferry\u200bservice resumed."])
    assert wrapped[0].text == "The ferry service resumed on Tuesday."
    assert wrapped[0].stems == ("ferri", "servic", "resum", "tuesday")
    assert wrapped[0].stems == tuple(content_stems(wrapped[0].text))
    assert glued[0].text == "The ferryservice resumed."
    assert glued[0].stems == ("ferri", "servic", "resum")
