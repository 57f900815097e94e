"""`python -m eval pages`: the window rule by hand, the checker's own tokens, sentences and HTML,
one page judged, the aggregate, and runs (project-written pages; the first news pages of ../shared)."""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import Any

import pytest

from eval.__main__ import main
from eval.data import DataError
from eval.pages.data import load_pages
from eval.pages.run import request_body
from eval.pages.score import aggregate, best_overlap, judge, score_page, window
from eval.pages.text import headlines, split_sentences, tokens, visible_text
from tests.support.articles import SHARED

NEWS_PAGES = SHARED / "data" / "webpages" / "news_pages_dev.jsonl.gz"

FILLER = "lorem ipsum dolor sit amet consectetur adipiscing elit sed do".split()


def filler(n: int) -> list[str]:
    """n tokens that no test sentence uses."""
    return [FILLER[i % len(FILLER)] for i in range(n)]


# --- tokens and sentences ------------------------------------------------------------------------


def test_tokens_fold_case_and_drop_punctuation() -> None:
    assert tokens("The Mayor's office, on Monday: 14 ferries!") == [
        "the", "mayor", "s", "office", "on", "monday", "14", "ferries",
    ]  # fmt: skip
    assert tokens("STRASSE Straße") == ["strasse", "strasse"]
    assert tokens("ＧＤＰ") == ["gdp"]  # full-width letters read as their usual forms
    assert tokens(" -- ... ") == []


def test_scripts_without_spaces_count_characters() -> None:
    assert tokens("东京今天下雨") == ["东", "京", "今", "天", "下", "雨"]
    assert tokens("港口关闭3天。") == ["港", "口", "关", "闭", "3", "天"]
    # Thai: one token per letter, a combining vowel sign kept with its letter ("ปิ").
    assert tokens("ตลาดปิด") == ["ต", "ล", "า", "ด", "ปิ", "ด"]
    # Hangul and Devanagari are written with spaces: words, marks kept inside them.
    assert tokens("항구 폐쇄") == ["항구", "폐쇄"]
    assert tokens("बंदरगाह बंद") == ["बंदरगाह", "बंद"]


def test_summary_sentences() -> None:
    summary = (
        'The port closed on Monday. "Nobody sails," Mr. Brandt said. Ferries from the U.S. and '
        "J. K. Lines wait! Will it reopen? e.g. not soon."
    )
    assert split_sentences(summary) == [
        "The port closed on Monday.",
        '"Nobody sails," Mr. Brandt said.',
        "Ferries from the U.S. and J. K. Lines wait!",
        "Will it reopen? e.g. not soon.",
    ]
    assert split_sentences("港口关闭了。渡轮停航！明天呢？") == ["港口关闭了。", "渡轮停航！", "明天呢？"]
    assert split_sentences("ဆိပ်ကမ်း ပိတ်သည်။ ကူးတို့ ရပ်သည်။") == ["ဆိပ်ကမ်း ပိတ်သည်။", "ကူးတို့ ရပ်သည်။"]
    assert split_sentences("No mark at the end") == ["No mark at the end"]
    assert split_sentences("   ") == []


# --- the window rule -----------------------------------------------------------------------------


def test_window_is_twice_the_sentence_or_ten_more() -> None:
    assert [window(n) for n in (1, 5, 10, 11, 30)] == [11, 15, 20, 22, 60]


def test_a_sentence_fully_inside_the_body() -> None:
    body = tokens(" ".join(filler(40)) + " The ferry left Kessel at noon. " + " ".join(filler(40)))
    v = judge("The ferry left Kessel at noon.", body)
    assert v is not None
    assert (v.n, v.share, v.where) == (6, 1.0, "body")


def test_eighty_percent_inside_counts_and_seventy_does_not() -> None:
    sentence = "one two three four five six seven eight nine ten"
    # Eight of the ten words, in order, in one stretch of the body: 8/10 = 80%.
    eight = "one two three four five six seven eight " + " ".join(filler(30))
    v = judge(sentence, tokens(eight))
    assert v is not None and (v.share, v.where) == (0.8, "body")
    seven = "one two three four five six seven " + " ".join(filler(30))
    v = judge(sentence, tokens(seven))
    assert v is not None and (v.share, v.where) == (0.7, None)


def test_words_scattered_far_apart_do_not_count() -> None:
    # Every word of the sentence is in the body, but 20 filler words apart: a window of
    # max(2*5, 5+10) = 15 tokens never holds more than one of them.
    words = ["harbour", "strike", "ended", "on", "friday"]
    body: list[str] = []
    for w in words:
        body += [w, *filler(20)]
    assert best_overlap(words, body) == 1
    v = judge("Harbour strike ended on Friday.", body)
    assert v is not None and (v.share, v.where) == (0.2, None)


def test_the_window_bounds_the_spread() -> None:
    words = ["harbour", "strike", "ended", "on", "friday"]  # n = 5: a window of 15 tokens
    spread = ["harbour", *filler(3), "strike", *filler(3), "ended", *filler(2), "on", *filler(2), "friday"]
    assert len(spread) == 15 and best_overlap(words, spread + filler(20)) == 5
    # One token more between the first and the last word: a window holds four of the five.
    wider = ["harbour", *filler(4), "strike", *filler(3), "ended", *filler(2), "on", *filler(2), "friday"]
    assert best_overlap(words, filler(20) + wider + filler(20)) == 4


def test_overlap_is_a_multiset() -> None:
    # "the" three times in the sentence, once in the body: it counts once.
    assert best_overlap(tokens("the the the cat"), tokens("the cat sat")) == 2
    assert best_overlap(tokens("the cat"), tokens("the the the cat")) == 2
    assert best_overlap([], tokens("anything")) == 0
    assert best_overlap(tokens("a short body"), []) == 0


def test_a_headline_stated_as_a_sentence() -> None:
    body = tokens("Ferries stayed in port for a second day. " + " ".join(filler(30)))
    heads = [tokens("Kessel Island cut off as dockers strike | The Gazette")]
    v = judge("Kessel Island cut off as dockers strike.", body, heads)
    assert v is not None and (v.share, v.where) == (1.0, "headline")
    v = judge("Kessel Island reopens to visitors.", body, heads)
    assert v is not None and v.where is None and v.share == pytest.approx(2 / 5)


def test_cjk_sentences_are_counted_in_characters() -> None:
    body = tokens("东京今天下雨。" + "天气很好" * 10)
    # 7 characters, 6 of them in one passage: 6/7 >= 80%.
    v = judge("东京今天下雨了。", body)
    assert v is not None and (v.n, v.where) == (7, "body") and v.share == pytest.approx(6 / 7)
    # 5 of 7: under 80%.
    v = judge("东京今天下雪了。", body)
    assert v is not None and (v.n, v.where) == (7, None) and v.share == pytest.approx(5 / 7)


def test_a_sentence_without_tokens_is_not_judged() -> None:
    assert judge("...", tokens("some body text")) is None


# --- HTML ----------------------------------------------------------------------------------------

PAGE = """<!doctype html><html><head><title>Dockers strike at Kessel | The Gazette</title>
<meta property="og:title" content="Dockers strike at Kessel">
<script>var headline = "not text";</script><style>p { color: red }</style></head>
<body><nav>Home</nav><h1>Dockers <em>strike</em> at Kessel</h1><p>The port closed.</p><p>Ferries
wait.</p><noscript>Enable JavaScript</noscript><h1>More news</h1></body></html>"""


def test_visible_text_leaves_out_what_a_reader_never_sees() -> None:
    text = visible_text(PAGE)
    assert text.splitlines() == [
        "Home",
        "Dockers strike at Kessel",
        "The port closed.",
        "Ferries wait.",
        "More news",
    ]
    assert "not text" not in text and "color" not in text and "JavaScript" not in text


def test_headlines_are_title_og_title_and_the_first_h1() -> None:
    assert headlines(PAGE) == ("Dockers strike at Kessel | The Gazette", "Dockers strike at Kessel")
    assert headlines("<p>no headline here</p>") == ()
    assert headlines("<title>A</title><h1>B</h1><h1>C</h1>") == ("A", "B")


# --- one page, the aggregate, the data -----------------------------------------------------------


def write_pages(path: Path, rows: list[dict[str, Any]]) -> Path:
    with gzip.open(path, "wt", encoding="utf-8") as f:
        for row in rows:
            f.write(json.dumps(row) + "\n")
    return path


def test_the_three_layouts(tmp_path: Path) -> None:
    path = write_pages(
        tmp_path / "pages.jsonl.gz",
        [
            {"id": "a", "url": "https://example.org/a", "html": PAGE, "article_body": "The port closed."},
            {"id": "b", "html": PAGE, "expected_article_html": "<div><p>The port</p><p>closed.</p></div>"},
            {"id": 3, "html": PAGE, "expected_text": "Ferries wait."},
        ],
    )
    a, b, c = load_pages(path)
    assert (a.layout, a.truth, a.url) == ("article_body", "The port closed.", "https://example.org/a")
    assert (b.layout, b.truth) == ("expected_article_html", "The port\nclosed.")
    assert (c.id, c.truth) == ("3", "Ferries wait.")
    assert a.headlines == ("Dockers strike at Kessel | The Gazette", "Dockers strike at Kessel")
    assert [p.id for p in load_pages(path, limit=1)] == ["a"]
    bad = write_pages(tmp_path / "bad.jsonl.gz", [{"id": "x", "html": PAGE}])
    with pytest.raises(DataError, match="no ground truth"):
        load_pages(bad)


def test_request_body_sends_the_raw_html_and_only_given_options(tmp_path: Path) -> None:
    (page,) = load_pages(
        write_pages(tmp_path / "p.jsonl.gz", [{"id": "a", "html": PAGE, "expected_text": "x"}])
    )
    assert request_body(page) == {"articles": [{"text": PAGE}]}
    assert request_body(page, num_facts=0) == {"articles": [{"text": PAGE}], "options": {"num_facts": 0}}


def test_one_page_judged_and_the_aggregate(tmp_path: Path) -> None:
    rows = [{"id": "a", "html": PAGE, "article_body": "The port closed on Monday. Ferries wait at the quay."}]
    (page,) = load_pages(write_pages(tmp_path / "p.jsonl.gz", rows))
    answer = {
        "summary": "Subscribe to our newsletter today. The port closed on Monday. Dockers strike at Kessel.",
        "key_facts": [{"text": "Ferries wait at the quay."}, {"text": "Sign in to comment."}],
        "timings_ms": {"total": 12.5},
    }
    ok = score_page(page, 200, answer, wall_ms=20.0)
    assert [v.where for v in ok.summary] == [None, "body", "headline"]
    assert [v.where for v in ok.facts] == ["body", None]
    assert ok.junk_first is True and ok.server_ms == 12.5
    refused = score_page(
        page, 413, {"error": {"code": "payload_too_large", "message": "article 0 has 139792 characters"}}, 5.0
    )
    assert refused.refused and refused.error == "413 payload_too_large: article 0 has 139792 characters"
    empty = score_page(page, 200, {"summary": "", "key_facts": [], "timings_ms": {"total": 3.0}}, 4.0)
    agg = aggregate([ok, refused, empty])
    assert (agg["pages"], agg["answered"], agg["refused"], agg["no_summary"]) == (3, 2, 1, 1)
    assert agg["refused_by_reason"] == {"413 payload_too_large: article N has N characters": 1}
    assert agg["summary"] == {"sentences": 3, "found": 2, "in_headline": 1, "share": round(2 / 3, 4)}
    assert agg["facts"] == {"sentences": 2, "found": 1, "in_headline": 0, "share": 0.5}
    assert (agg["junk_first"], agg["with_summary"]) == (1, 1)
    assert agg["server_ms"] == {"p50": 7.75, "p90": 11.55, "max": 12.5}
    assert agg["wall_ms"] == {"p50": 12.0, "p90": 18.4, "max": 20.0}


# --- runs ----------------------------------------------------------------------------------------

ARTICLE = (
    "Kessel Island was cut off from the mainland for a second day on Tuesday. The Harbour Workers "
    "Union said 340 members joined the strike after talks with Northline Ferries collapsed. Union "
    "leader Marta Okafor said the dockers would stay out until Friday. Northline said 14 ferries "
    "stayed in port and about 2,000 passengers were stranded."
)


def test_a_run_in_process_on_project_written_pages(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    html = (
        "<html><head><title>Kessel cut off | The Gazette</title></head><body><nav>Subscribe now."
        f" Sign in.</nav><article><h1>Kessel cut off</h1><p>{ARTICLE}</p></article>"
        "<footer>Copyright 2026 The Gazette. All rights reserved.</footer></body></html>"
    )
    data = write_pages(
        tmp_path / "pages.jsonl.gz",
        [
            {"id": "kessel", "html": html, "article_body": ARTICLE},
            {"id": "huge", "html": "x" * 300_000, "article_body": "y"},
        ],
    )
    out = tmp_path / "run"
    assert main(["pages", "--data", str(data), "--out", str(out), "--max-words", "40"]) == 0
    report = capsys.readouterr().out
    assert "refused: 1 of 2" in report and "summary sentences:" in report
    results = json.loads((out / "results.json").read_text())
    assert (results["pages"], results["answered"], results["refused"]) == (2, 1, 1)
    assert results["settings"]["system_under_test"]["kind"] == "in-process app"
    assert results["settings"]["max_words"] == 40
    rows = [json.loads(line) for line in (out / "pages.jsonl").read_text().splitlines()]
    assert [r["id"] for r in rows] == ["kessel", "huge"]
    assert rows[0]["status"] == 200 and rows[0]["summary_sentences"] > 0
    assert rows[1]["status"] in (413, 422)
    failed = [json.loads(line) for line in (out / "failures.jsonl").read_text().splitlines()]
    assert len(failed) == sum(
        r["summary_sentences"] - r["summary_found"] + r["facts"] - r["facts_found"] for r in rows
    )


def test_a_bad_file_is_a_clear_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = write_pages(tmp_path / "bad.jsonl.gz", [{"id": "x", "html": "<p>x</p>"}])
    assert main(["pages", "--data", str(data)]) == 2
    assert "no ground truth" in capsys.readouterr().err


@pytest.mark.shared
@pytest.mark.slow
def test_the_first_five_news_pages(tmp_path: Path) -> None:
    if not NEWS_PAGES.is_file():
        pytest.skip(f"news pages not found at {NEWS_PAGES} (../shared is absent)")
    out = tmp_path / "news"
    assert main(["pages", "--data", str(NEWS_PAGES), "--limit", "5", "--out", str(out)]) == 0
    results = json.loads((out / "results.json").read_text())
    assert results["pages"] == 5 and results["answered"] + results["refused"] == 5
    assert sum(results["refused_by_reason"].values()) == results["refused"]
    rows = [json.loads(line) for line in (out / "pages.jsonl").read_text().splitlines()]
    assert len(rows) == 5
    assert results["summary"]["sentences"] == sum(r["summary_sentences"] for r in rows)
    assert results["summary"]["found"] == sum(r["summary_found"] for r in rows)
    for r in rows:
        assert (r["status"] == 200) == (r["error"] is None)
        assert r["summary_found"] <= r["summary_sentences"]
