"""The service's words in every script: combining marks stay inside their word, emoji are no words,
and English news text splits exactly as it did with Python's `\\w`."""

from __future__ import annotations

import re
import unicodedata

import pytest

from service.domain import Article, Cluster, Options
from service.engines.embedded import EmbeddedEngine
from service.nlp.words import count_words, words

# The pattern the service used before it read marks: the reference for text without them.
PYTHON_WORD_RE = re.compile(r"[^\W_]+(?:['’.&-][^\W_]+)*")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Devanagari: the virama and vowel signs are marks (Python's \w made five pieces of this).
        ("हिन्दी भाषा", ["हिन्दी", "भाषा"]),
        ("नौका कर्मचारियों ने हड़ताल की।", ["नौका", "कर्मचारियों", "ने", "हड़ताल", "की"]),
        # Thai has no spaces between words: a run stays one word (no segmentation is promised),
        # and is not cut at its vowel and tone marks.
        ("นักข่าวที่ดี", ["นักข่าวที่ดี"]),
        # Arabic with harakat, Hebrew with niqqud.
        ("كَتَبَ الصَّحَفِيُّ مَقَالًا", ["كَتَبَ", "الصَّحَفِيُّ", "مَقَالًا"]),
        ("שָׁלוֹם עוֹלָם", ["שָׁלוֹם", "עוֹלָם"]),
        # CJK runs between punctuation; Hangul between spaces.
        ("北京是中国的首都。東京タワー", ["北京是中国的首都", "東京タワー"]),
        ("한국어 문장", ["한국어", "문장"]),
        # Cyrillic, precomposed and with a combining breve (decomposed й); Latin decomposed é.
        ("Паромщики объявили забастовку", ["Паромщики", "объявили", "забастовку"]),
        ("Сергеи\u0306 Cafe\u0301", ["Сергеи\u0306", "Cafe\u0301"]),
        # Emoji are not words (nor their presentation selectors, skin tones or keycaps).
        ("Great news 🎉 for fans ❤️ today 👍🏽 1️⃣ 👨‍👩‍👧!", ["Great", "news", "for", "fans", "today", "1"]),
    ],
)
def test_words_of_each_script(text: str, expected: list[str]) -> None:
    assert list(words(text)) == expected


def test_english_words_are_as_before() -> None:
    text = "The U.S. paid $1,200 at 5 o'clock; Research.And AT&T's x-ray, snake_case 3.5% — ‘rock’n’roll’."
    assert list(words(text)) == [
        "The",
        "U.S",
        "paid",
        "1",
        "200",
        "at",
        "5",
        "o'clock",
        "Research.And",
        "AT&T's",
        "x-ray",
        "snake",
        "case",
        "3.5",
        "rock’n’roll",
    ]
    assert list(words(text)) == PYTHON_WORD_RE.findall(text)
    assert count_words(text) == len(text.split())


def test_characters_without_marks_split_as_with_python_word_characters() -> None:
    # Every character of the Latin, Greek, Cyrillic and punctuation blocks but the combining marks,
    # alone and between letters, digits and joiners.
    blocks = (*range(0x20, 0x2B0), *range(0x370, 0x530), *range(0x2000, 0x2070))
    for c in (chr(cp) for cp in blocks if not unicodedata.category(chr(cp)).startswith("M")):
        for text in (c, f"ab{c}cd", f"a.{c}", f"{c}'s", f"1{c}2"):
            assert list(words(text)) == PYTHON_WORD_RE.findall(text), repr(text)


HINDI = [
    "पोर्ट एल्डर में नौका कर्मचारियों ने सोमवार को हड़ताल शुरू की। केसल द्वीप की सभी नौका सेवाएं "
    "बंद रहीं। संघ ने कहा कि तीन सौ चालीस सदस्य हड़ताल में शामिल हैं।",
    "केसल द्वीप मंगलवार को लगातार दूसरे दिन मुख्य भूमि से कटा रहा। द्वीप की दुकानों में ताज़ा भोजन "
    "नहीं पहुंचा। नौका कर्मचारियों की हड़ताल के कारण महापौर ने दोनों पक्षों से बातचीत की अपील की।",
]


@pytest.mark.parametrize("max_words", [10, 20, 60])
def test_hindi_cluster_summary_is_made_of_whole_words(max_words: int) -> None:
    cluster = Cluster(tuple(Article(text=t) for t in HINDI), Options(max_words=max_words, num_facts=3))
    (result,) = EmbeddedEngine().summarize([cluster])
    source_tokens = {t.strip("।") for text in HINDI for t in text.split()}
    assert 0 < count_words(result.summary) <= max_words
    assert {t.strip("।") for t in result.summary.split()} - {"…"} <= source_tokens
    summary_words = words(result.summary)
    assert summary_words and set(summary_words) <= source_tokens
    for fact in result.key_facts:
        assert set(words(fact.text)) <= source_tokens
