"""Sentence splitting with exact offsets, and word-budget trimming."""

from service.nlp.sentences import analyze, fit_words, split_sentences
from service.nlp.words import count_words


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
