"""The opt-in unicode ROUGE tokenizer: text in any script scores, and the defaults stay as they were."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from rouge_score import tokenize as package_tokenize

from eval.__main__ import main
from eval.rouge import Convention, build_scorer
from eval.rouge.perl_options import RougeOptionError
from eval.rouge.unicode import tokens

# Project-written sentences about the fictional ferry strike of tests/data, in three scripts.
ZH_REFERENCE = "北京是中国的首都"
ZH_SUMMARY = "北京是首都"
RU_REFERENCE = "Паромщики объявили забастовку в понедельник"
RU_SUMMARY = "Паромщики начали забастовку"

SCORERS: list[tuple[Convention, str]] = [("rouge-score", ""), ("1.5.5", "-n 2 -m")]


def scores(convention: Convention, options: str, tokenizer: str, summary: str, refs: list[str]) -> Any:
    scorer = build_scorer(convention, options, tokenizer=tokenizer)  # type: ignore[arg-type]
    return scorer.score(summary, refs)


def test_tokens_of_each_script() -> None:
    assert tokens("北京是首都。") == ["北", "京", "是", "首", "都"]
    assert tokens("東京タワーは３３３メートル") == [
        "東",
        "京",
        "タ",
        "ワ",
        "ー",
        "は",
        "333",
        "メ",
        "ー",
        "ト",
        "ル",
    ]
    assert tokens("한국어 문장") == ["한", "국", "어", "문", "장"]
    assert tokens("Паромщики, ЗАБАСТОВКА!") == ["паромщики", "забастовка"]
    assert tokens("مرحبا بالعالم") == ["مرحبا", "بالعالم"]
    # Combining marks stay inside their word (a Devanagari vowel sign is not a word character).
    assert tokens("हिन्दी भाषा") == ["हिन्दी", "भाषा"]
    assert tokens("Café crème, snake_case x-ray ＦＵＬＬ") == [
        "café",
        "crème",
        "snake",
        "case",
        "x",
        "ray",
        "full",
    ]


def test_marks_stay_inside_their_tokens() -> None:
    # Devanagari vowel signs and virama, Thai vowel and tone marks, Arabic harakat, Hebrew niqqud,
    # a decomposed accent (NFKC composes it): none is a token of its own or a place to cut.
    assert tokens("नौका कर्मचारियों ने हड़ताल की।") == ["नौका", "कर्मचारियों", "ने", "हड़ताल", "की"]
    assert tokens("นักข่าวที่ดี") == ["นักข่าวที่ดี"]
    assert tokens("كَتَبَ الصَّحَفِيُّ") == ["كَتَبَ", "الصَّحَفِيُّ"]
    assert tokens("שָׁלוֹם עוֹלָם") == ["שָׁלוֹם", "עוֹלָם"]
    assert tokens("Cafe\u0301 ИЙ") == ["café", "ий"]
    # Marks after a CJK character or at the start of a run are not word characters.
    assert tokens("北\u0301京 \u0301x") == ["北", "京", "x"]
    assert tokens("Fans 🎉 ❤️ cheered") == ["fans", "cheered"]


@pytest.mark.parametrize(
    "text",
    [
        "Ferry workers in Port Alder walked off the job on Monday, halting all crossings.",
        'The union\'s 340 members (about 6,000 passengers a day) -- "We have asked" -- x_y.',
    ],
)
def test_ascii_tokens_are_the_packages(text: str) -> None:
    assert tokens(text) == package_tokenize.tokenize(text, None)


@pytest.mark.parametrize(("convention", "options"), SCORERS)
def test_chinese_and_russian_score_only_with_the_unicode_tokenizer(
    convention: Convention, options: str
) -> None:
    r1 = "rouge1" if convention == "rouge-score" else "ROUGE-1"
    r2 = "rouge2" if convention == "rouge-score" else "ROUGE-2"
    for summary, ref in ((ZH_SUMMARY, ZH_REFERENCE), (RU_SUMMARY, RU_REFERENCE)):
        default = scores(convention, options, "default", summary, [ref])
        assert all(v == {"R": 0.0, "P": 0.0, "F": 0.0} for v in default.values()), default
    # Chinese, by hand: 5 of the reference's 8 characters; 3 of its 7 bigrams (北京 京是 首都) out
    # of the summary's 4.
    zh = scores(convention, options, "unicode", ZH_SUMMARY, [ZH_REFERENCE])
    assert zh[r1]["R"] == pytest.approx(5 / 8, abs=5e-6) and zh[r1]["P"] == 1.0
    assert zh[r2]["R"] == pytest.approx(3 / 7, abs=5e-6) and zh[r2]["P"] == pytest.approx(3 / 4, abs=5e-6)
    # Russian: 2 of 5 words, 2 of 3; no bigram in common. Not stemmed: the stemmers are English.
    ru = scores(convention, options, "unicode", RU_SUMMARY, [RU_REFERENCE])
    assert ru[r1]["R"] == pytest.approx(2 / 5, abs=5e-6) and ru[r1]["P"] == pytest.approx(2 / 3, abs=5e-6)
    assert ru[r2]["F"] == 0.0


@pytest.mark.parametrize(("convention", "options"), [*SCORERS, ("1.5.5", "-n 4 -m -s -2 4 -u")])
def test_identical_texts_score_one(convention: Convention, options: str) -> None:
    # (Not ROUGE-W: the perl's own ROUGE-W of a text against itself is below 1.)
    text = "北京是中国的首都。\nПаромщики объявили забастовку.\nمرحبا بالعالم 2026"
    got = scores(convention, options, "unicode", text, [text])
    assert got and all(v == {"R": 1.0, "P": 1.0, "F": 1.0} for v in got.values()), got


@pytest.mark.parametrize(
    ("convention", "options"), [("rouge-score", ""), ("1.5.5", "-n 2 -m -l 30"), ("1.5.5", "-n 2 -s -2 4 -u")]
)
def test_ascii_text_scores_as_with_the_default(
    convention: Convention, options: str, ferry: list[dict[str, Any]]
) -> None:
    texts = [str(a["text"]) for a in ferry]
    for summary, refs in ((texts[0], texts[1:]), (texts[2], [texts[0]]), ("The ferry strike ended.", texts)):
        assert scores(convention, options, "unicode", summary, refs) == scores(
            convention, options, "default", summary, refs
        )


def test_word_limit_counts_cjk_characters() -> None:
    # -l 3 keeps three characters of each side: 北京是 against 北京市, two in common.
    got = scores("1.5.5", "-n 1 -x -l 3", "unicode", "北京市很大", ["北京是中国的首都"])
    assert got["ROUGE-1"] == {"R": 0.66667, "P": 0.66667, "F": 0.66667}


def test_settings_record_the_tokenizer_and_bytes_are_refused() -> None:
    for convention, options in SCORERS:
        scorer = build_scorer(convention, options, tokenizer="unicode")
        assert scorer.settings["tokenizer"] == "unicode"
        assert scorer.content().settings["tokenizer"] == "unicode"
        assert build_scorer(convention, options).settings["tokenizer"] == "default"
    with pytest.raises(RougeOptionError, match="-b"):
        build_scorer("1.5.5", "-n 2 -b 75", tokenizer="unicode")
    with pytest.raises(ValueError, match="unknown tokenizer"):
        build_scorer("rouge-score", tokenizer="icu")  # type: ignore[arg-type]


ZH_ARTICLES = [
    "港口阿尔德的渡轮工人周一罢工，前往凯塞尔岛的所有航班停航。工会说三百四十名成员参加了罢工。"
    "北线渡轮公司说将在周三提出新的方案。",
    "凯塞尔岛周二连续第二天与大陆隔绝。岛上商店说新鲜食品没有运到。市长呼吁双方重返谈判桌。",
]
RU_ARTICLES = [
    "Паромщики в Порт-Олдере в понедельник объявили забастовку. Все рейсы на остров Кессель отменены. "
    "Профсоюз сообщил, что бастуют 340 человек.",
    "Остров Кессель второй день отрезан от материка. Мэр призвал стороны вернуться к переговорам.",
]


@pytest.fixture
def multilingual(tmp_path: Path) -> tuple[Path, Path]:
    data = tmp_path / "data.jsonl"
    rows = [
        {"id": "zh", "documents": ZH_ARTICLES, "references": ["渡轮工人周一罢工，凯塞尔岛的航班停航。"]},
        {
            "id": "ru",
            "documents": RU_ARTICLES,
            "references": ["Паромщики объявили забастовку, остров отрезан."],
        },
    ]
    data.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    systems = tmp_path / "other.jsonl"
    outputs = [
        {"id": "zh", "system": "Other", "summary": "渡轮工人罢工。"},
        {"id": "ru", "system": "Other", "summary": "Паромщики объявили забастовку."},
    ]
    systems.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in outputs), encoding="utf-8")
    return data, systems


@pytest.mark.parametrize(
    ("convention", "options", "metric"), [("rouge-score", "", "rouge1"), ("1.5.5", "-n 2 -m", "ROUGE-1")]
)
def test_eval_run_with_the_unicode_tokenizer(
    multilingual: tuple[Path, Path], tmp_path: Path, convention: str, options: str, metric: str
) -> None:
    data, systems = multilingual
    results = {}
    for tokenizer in ("default", "unicode"):
        out = tmp_path / tokenizer
        args = [
            "run",
            "--data",
            str(data),
            "--out",
            str(out),
            "--systems",
            str(systems),
            "--baselines",
            "lead",
        ]
        args += ["--rouge", convention, "--rouge-options", options, "--max-words", "30"]
        assert main([*args, "--rouge-tokenizer", tokenizer]) == 0
        results[tokenizer] = json.loads((out / "results.json").read_text())
        assert results[tokenizer]["settings"]["rouge"]["tokenizer"] == tokenizer
        assert f"'tokenizer': '{tokenizer}'" in (out / "report.md").read_text()
    for system in ("engine:embedded", "lead", "Other"):
        default = results["default"]["systems"][system]["metrics"][metric]["F"]["mean"]
        unicode = results["unicode"]["systems"][system]["metrics"][metric]["F"]["mean"]
        assert default == 0.0 and unicode > 0.1, (system, default, unicode)
    # Other's Russian summary: 3 of the reference's 5 words, all 3 of its own.
    rows = [json.loads(line) for line in (tmp_path / "unicode" / "examples.jsonl").read_text().splitlines()]
    (ru,) = [r for r in rows if r["system"] == "Other" and r["id"] == "ru"]
    assert ru["scores"][metric]["R"] == pytest.approx(3 / 5, abs=5e-6) and ru["scores"][metric]["P"] == 1.0
