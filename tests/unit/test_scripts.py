"""The service's words in every script: combining marks stay inside their word, emoji are no words,
and English news text splits exactly as it did with Python's `\\w`."""

from __future__ import annotations

import re
import unicodedata

import pytest

from service.domain import Article, Cluster, Options
from service.engines.embedded import EmbeddedEngine
from service.nlp.sentences import analyze, fit_words, join_sentences
from service.nlp.words import count_words, cut_words, words

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
        # Chinese and Japanese cut into words by their segmenters (Han alone is read as Chinese,
        # kana makes it Japanese); Hangul between spaces.
        ("北京是中国的首都。", ["北京", "是", "中国", "的", "首都"]),
        ("東京タワーは高い。", ["東京", "タワー", "は", "高い"]),
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


# Two short reports of one story, written for these tests in Chinese and in Japanese.
CHINESE = (
    "海港市政府周一宣布，将投资120亿元建设新的轮渡码头。该项目预计于2027年完工。"
    "市长表示，新码头将缓解交通拥堵！新码头设有12个泊位，每天可接待旅客3万人次。",
    "海港市将投资120亿元修建轮渡新码头。新码头共有12个泊位。官员说，工程将在2027年结束。"
    "码头每天可以接待3万名旅客。",
)
JAPANESE = (
    "港町市は月曜日、新しいフェリー埠頭の建設に1200億円を投資すると発表した。"
    "計画は2027年に完成する予定だ。新しい埠頭には12の岸壁があり、1日に3万人の乗客を迎える。",
    "港町市が1200億円を投じてフェリー埠頭を新設する。埠頭は2027年に完成する見通しだ。"
    "岸壁は12か所で、1日3万人の乗客が利用できる。",
)


@pytest.mark.parametrize(
    ("text", "sentences"),
    [
        (CHINESE[0], 4),
        (JAPANESE[0], 3),
        ("सरकार ने सोमवार को नई योजना की घोषणा की। इस पर 500 करोड़ रुपये खर्च होंगे।", 2),
        ("أعلنت الحكومة عن خطة جديدة. هل ستنجح الخطة؟ قال الوزير إن العمل سيبدأ قريبا.", 3),
        ("「計画は2027年に完成する。」知事はそう述べた。", 2),
        # ASCII marks between Japanese characters, where syntok wants a space after them.
        ("フェリーは止まった!乗客は港で待った。本当?2027年に再開する。", 4),
    ],
)
def test_sentence_ends_of_other_scripts(text: str, sentences: int) -> None:
    (found,) = analyze([text])
    assert len(found) == sentences
    assert all(s.complete for s in found)
    # The sentences cover the text: nothing lost between them but spaces.
    assert "".join(s.text for s in found).replace(" ", "") == text.replace(" ", "")


def test_word_counts_and_cuts_in_scripts_without_spaces() -> None:
    assert count_words("北京是中国的首都。") == 5
    assert count_words("東京タワーは高い。") == 4
    assert count_words("The mayor said 北京是中国的首都") == 3 + 5
    assert cut_words("北京是中国的首都。", 3) == "北京是中国"
    assert cut_words("The mayor said 北京是中国的首都", 4) == "The mayor said 北京"
    assert cut_words("a b c", 5) == "a b c"
    assert fit_words(CHINESE[0], 13) == "海港市政府周一宣布，将投资120亿元建设新的轮渡码头。"
    cut = fit_words(CHINESE[0], 6)
    assert cut.endswith(" …") and count_words(cut.removesuffix(" …")) == 5
    # Chinese sentences join without a space; English ones with one.
    assert join_sentences(["该项目预计完工。", "市长表示。"]) == "该项目预计完工。市长表示。"
    assert join_sentences(["It ended.", "该项目预计完工。"]) == "It ended. 该项目预计完工。"


def test_a_long_unbroken_run_is_segmented_in_pieces() -> None:
    run = "海港市政府宣布投资建设新的轮渡码头" * 300  # 5,100 characters without punctuation
    assert sum(map(len, words(run))) == len(run)


@pytest.mark.parametrize("texts", [CHINESE, JAPANESE], ids=["zh", "ja"])
@pytest.mark.parametrize("max_words", [10, 30])
def test_chinese_and_japanese_clusters_get_a_budgeted_summary_and_key_facts(
    texts: tuple[str, str], max_words: int
) -> None:
    cluster = Cluster(tuple(Article(text=t) for t in texts), Options(max_words=max_words, num_facts=5))
    (result,) = EmbeddedEngine().summarize([cluster])
    assert 0 < count_words(result.summary) <= max_words
    assert result.key_facts
    for fact in result.key_facts:
        assert any(fact.text in t for t in texts)  # each a sentence of the articles, as written
        assert fact.support >= 1


def test_names_in_scripts_without_capitals_come_from_the_segmenters() -> None:
    from service.facts.features import proper_names

    assert proper_names("港町市の田中知事は月曜日、新しい埠頭を発表した。") == {"田中"}
    assert {"李明"} <= proper_names("市长李明表示，新码头将缓解交通拥堵。")
    assert proper_names("新码头将缓解交通拥堵。") == set()
    assert proper_names("The mayor of Kessel spoke.") == {"Kessel"}
