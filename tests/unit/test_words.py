"""The word tokenizer's ASCII path, and stems found once per text."""

from __future__ import annotations

import random

from service.nlp.words import ASCII_WORD_RE, WORD_RE, content_stems, stemmed, words


def test_ascii_words_are_word_res() -> None:
    rng = random.Random(0)
    alphabet = "aZ09 .'&-_,;\n\t`\"()$%\x00\x7f"
    texts = ["U.S. o'clock AT&T x-ray 1,200 e-mail's -a- 'b' .c. a..b", "It's 3.5 p.m. -- A&-B"]
    texts += ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 40))) for _ in range(5000)]
    for text in texts:
        assert ASCII_WORD_RE.findall(text) == WORD_RE.findall(text) == list(words(text))


def test_stemmed_lowers_and_stems_every_word() -> None:
    lowered, stems = stemmed("The U.S. Army's 12 TANKS, Señor")
    assert lowered == ("the", "u.s", "army's", "12", "tanks", "señor")
    assert stems == ("the", "u.", "armi", "12", "tank", "señor")  # the stemmer reads "u.s" as a plural
    assert content_stems("The U.S. Army's 12 TANKS") == ["u.", "armi", "12", "tank"]
