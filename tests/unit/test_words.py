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


def test_stems_and_stopwords_follow_the_article_language() -> None:
    from service.nlp.salience import sentence_concepts
    from service.nlp.sentences import analyze
    from service.nlp.words import content_stems

    german = "Die Regierung hat am Montag die neuen Fähren vorgestellt."
    # German's stemmer and stopwords: "die", "hat", "am" go; "Fähren" and "Fähre" meet.
    assert content_stems(german, "de") == ["regier", "montag", "fahr", "vorgestellt"]
    assert content_stems("Die Fähre fährt.", "de")[0] == "fahr"
    # Without a language (and for English) the English rules, exactly as before.
    assert content_stems(german) == content_stems(german, "en")
    assert "die" in content_stems(german)
    assert content_stems("The ferries were running late.", "en") == ["ferri", "run", "late"]
    # A language Snowball has no stemmer for keeps its Latin words whole; other scripts keep theirs.
    vietnamese = "Chính phủ công bố kế hoạch mới cho các chuyến phà"
    kept = content_stems(vietnamese, "vi")
    assert kept and set(kept) <= set(vietnamese.lower().split())
    (sentences,) = analyze([german], languages=["de"])
    (s,) = sentences
    assert s.language == "de" and s.stems == ("regier", "montag", "fahr", "vorgestellt")
    concepts = sentence_concepts(s)
    assert ("die",) not in concepts and ("regier", "montag") not in concepts  # "hat am" between
    assert ("fahr",) in concepts and ("die", "regier") in concepts
