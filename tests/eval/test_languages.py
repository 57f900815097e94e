"""`python -m eval languages`: the text builder, the checker's word counts, one answer judged, the
figures and targets per language, the tables, page languages, and runs against the in-process app
(project-written sentences in German, Chinese and Japanese; a quick run on ../shared's treebanks)."""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import Any

import pytest

from eval.__main__ import main
from eval.data import DataError, file_sha256
from eval.languages.data import Document, Text, build_texts, joiner, load_documents, treebank_files
from eval.languages.detect import Detector, html_lang, primary
from eval.languages.pages import page_language, score_page
from eval.languages.report import languages_table
from eval.languages.score import aggregate, occurs_in, score_text, within_budget
from eval.languages.words import count_words, words
from eval.pages.data import Page
from tests.support.articles import SHARED

UD = SHARED / "data" / "ud"

# Project-written news sentences: a ferry strike in a made-up port.
DE = [
    "Die Fährleute in Kessel streiken seit Montag.",
    "Nach Angaben der Gewerkschaft legten 340 Beschäftigte die Arbeit nieder.",
    "Der Hafen von Kessel fertigt sonst täglich 14 Fähren ab.",
    "Gewerkschaftschefin Marta Okafor sagte, der Streik werde bis Freitag dauern.",
    "Die Reederei Nordlicht bot am Dienstag eine Lohnerhöhung von 3 Prozent an.",
    "Die Gewerkschaft fordert 6 Prozent mehr Lohn.",
    "Pendler wichen auf die Brücke bei Altmark aus, wo sich der Verkehr über 12 Kilometer staute.",
    "Bürgermeister Jonas Berg rief beide Seiten zu neuen Gesprächen am Mittwoch auf.",
    "Die Verhandlungen sollen im Rathaus von Kessel stattfinden.",
    "Ein Ende des Streiks ist nicht in Sicht.",
]
ZH = [
    "凯塞尔港的渡轮工人从周一开始罢工。",
    "据工会称，共有340名员工停止工作。",
    "该港口平时每天有14班渡轮。",
    "工会主席玛尔塔·奥卡福说，罢工将持续到周五。",
    "北光航运公司周二提出加薪百分之三。",
    "工会要求加薪百分之六。",
    "通勤者改走阿尔特马克大桥，车流排了12公里。",
    "市长约纳斯·贝格呼吁双方周三重新谈判。",
]
JA = [
    "ケッセル港のフェリー乗組員が月曜日からストライキを続けている。",
    "組合によると、340人の従業員が仕事を止めた。",
    "同港では普段、1日に14便のフェリーが運航している。",
    "組合のマルタ・オカフォー委員長は、ストは金曜日まで続くと述べた。",
    "海運会社ノルトリヒトは火曜日、3%の賃上げを提示した。",
    "組合は6%の賃上げを求めている。",
    "通勤客はアルトマルク橋に回り、渋滞は12キロに及んだ。",
    "ヨナス・ベルク市長は水曜日に再協議するよう双方に呼びかけた。",
]


def write_ud(path: Path, docs: list[dict[str, Any]]) -> Path:
    with gzip.open(path, "wt", encoding="utf-8") as f:
        for doc in docs:
            f.write(json.dumps(doc, ensure_ascii=False) + "\n")
    return path


def ud_folder(tmp_path: Path) -> Path:
    """de and zh as GSD files are (one document, one paragraph), ja as Japanese GSD is (one
    sentence a document)."""
    ud = tmp_path / "ud"
    ud.mkdir()
    write_ud(ud / "de_test-dev.jsonl.gz", [{"lang": "de", "id": "d1", "paragraphs": [DE[:5], DE[5:]]}])
    write_ud(ud / "zh_test-dev.jsonl.gz", [{"lang": "zh", "id": "z1", "paragraphs": [ZH]}])
    write_ud(
        ud / "ja_test-dev.jsonl.gz",
        [{"lang": "ja", "id": f"j{i}", "paragraphs": [[s]]} for i, s in enumerate(JA)],
    )
    (ud / "README.txt").write_text("not a treebank file")
    return ud


# --- texts from treebank sentences ---------------------------------------------------------------


def test_a_text_is_eight_sentences_of_one_document_joined_as_the_language_writes(tmp_path: Path) -> None:
    ud = ud_folder(tmp_path)
    files = treebank_files(ud)
    assert sorted(files) == ["de", "ja", "zh"]
    (de,) = build_texts(load_documents(files["de"], "de"), "de", texts=25, sentences=8)
    assert de.id == "d1#0" and de.sentences == tuple(DE[:8])
    # A paragraph break stays a blank line; sentences of one paragraph are one space apart.
    assert de.text == " ".join(DE[:5]) + "\n\n" + " ".join(DE[5:8])
    (zh,) = build_texts(load_documents(files["zh"], "zh"), "zh", texts=25, sentences=8)
    assert zh.text == "".join(ZH) and " " not in zh.text
    # One sentence a document: the file's documents are read as one, in file order, no space.
    (ja,) = build_texts(load_documents(files["ja"], "ja"), "ja", texts=25, sentences=8)
    assert ja.id == "*#0" and ja.text == "".join(JA) and ja.sentences == tuple(JA)
    assert joiner("ja") == joiner("zh") == "" and joiner("ru") == " "


def test_texts_do_not_overlap_nor_cross_documents_and_stop_at_the_count() -> None:
    docs = [
        Document("a", (("A0.",),)),
        Document("b", (tuple(f"B{i}." for i in range(7)),)),
        Document("c", (tuple(f"C{i}." for i in range(3)),)),
    ]
    texts = build_texts(docs, "en", texts=10, sentences=3)
    # a has 1 sentence (no text), b gives 2 texts (its 7th sentence left over), c gives 1.
    assert [t.id for t in texts] == ["b#0", "b#3", "c#0"]
    assert texts[1].text == "B3. B4. B5."
    assert [t.id for t in build_texts(docs, "en", texts=2, sentences=3)] == ["b#0", "b#3"]
    with pytest.raises(ValueError):
        build_texts(docs, "en", texts=0, sentences=3)


def test_bad_treebank_files_are_clear_errors(tmp_path: Path) -> None:
    path = write_ud(tmp_path / "de_x-dev.jsonl.gz", [{"lang": "fr", "paragraphs": [["Un."]]}])
    with pytest.raises(DataError, match="lang 'fr' in a file for 'de'"):
        load_documents(path, "de")
    path = write_ud(tmp_path / "de_x-dev.jsonl.gz", [{"lang": "de", "paragraphs": ["Ein Satz."]}])
    with pytest.raises(DataError, match="lists of sentences"):
        load_documents(path, "de")
    write_ud(tmp_path / "de_y-dev.jsonl.gz", [])
    with pytest.raises(DataError, match="two treebank files for 'de'"):
        treebank_files(tmp_path)


# --- the checker's word counts -------------------------------------------------------------------


def test_words_per_language() -> None:
    # jieba's words; punctuation is no word.
    assert words("渡轮罢工已经持续三天。", "zh") == ["渡轮", "罢工", "已经", "持续", "三天"]
    # janome's morphemes: the verb's endings count apart.
    assert words("私は東京へ行きました。", "ja") == ["私", "は", "東京", "へ", "行き", "まし", "た"]
    assert count_words("Der Zug fährt um 8 Uhr ab.", "de") == 7
    assert words("L'homme a 2,5 ans.", "fr") == ["L", "homme", "a", "2", "5", "ans"]
    assert count_words("Паром не ходит уже 3 дня.", "ru") == 6
    # A Chinese sentence is one whitespace token but many words.
    assert count_words(ZH[1], "zh") == 9 and len(ZH[1].split()) == 1
    assert count_words("", "ja") == 0 and count_words(" 。、 ", "zh") == 0


# --- one answer judged, the figures per language -------------------------------------------------


def answer(summary: str, facts: list[str]) -> dict[str, Any]:
    return {"summary": summary, "key_facts": [{"text": f, "support": 1, "sources": []} for f in facts]}


def test_budget_within_ten_percent_counts_the_checkers_words() -> None:
    assert within_budget(33, 30) and not within_budget(34, 30)
    assert within_budget(11, 10) and not within_budget(12, 10)
    text = Text("zh", "z#0", "".join(ZH), tuple(ZH))
    # The whole Chinese text as its summary: 8 whitespace tokens at most, far more words.
    s = score_text(text, 200, answer(text.text, []), max_words=30)
    assert s.summary_words == count_words(text.text, "zh") > 33
    assert not s.within_budget and not s.has_facts


def test_facts_are_grounded_when_quoted_from_the_article() -> None:
    text = Text("de", "d#0", " ".join(DE[:5]) + "\n\n" + " ".join(DE[5:8]), tuple(DE[:8]))
    facts = [DE[2], DE[4] + "\n" + DE[5], "Der Hafen ist geschlossen."]
    s = score_text(text, 200, answer(" ".join(DE[:2]), facts), max_words=30)
    # Across the paragraph break, whitespace normalised: quoted. The made-up one: not.
    assert s.grounded == (True, True, False)
    assert s.summary_words == count_words(DE[0], "de") + count_words(DE[1], "de") and s.within_budget
    assert occurs_in("Ｋｅｓｓｅｌ", "in Kessel")  # NFKC: full-width letters
    assert not occurs_in("  ", "anything")


def test_aggregate_counts_refusals_against_both_shares() -> None:
    de = Text("de", "d#0", " ".join(DE[:8]), tuple(DE[:8]))
    ok = score_text(de, 200, answer(DE[0], [DE[1], "nicht im Text"]), max_words=30)
    long = score_text(de, 200, answer(" ".join(DE), [DE[2]]), max_words=30)
    bare = score_text(de, 200, answer(DE[0], []), max_words=30)
    refused = score_text(de, 413, {"error": {"code": "payload_too_large", "message": "too big"}}, 30)
    assert refused.error == "413 payload_too_large: too big"
    b = aggregate([ok, long, bare, refused])
    assert (b["texts"], b["refused"], b["with_facts"], b["within_budget"]) == (4, 1, 2, 2)
    assert b["with_facts_share"] == 0.5 and b["within_budget_share"] == 0.5
    assert (b["facts"], b["facts_grounded"], b["facts_grounded_share"]) == (3, 2, 0.6667)
    words_ = [ok.summary_words, long.summary_words, bare.summary_words]
    assert b["mean_summary_words"] == round(sum(words_) / 3, 2) and b["max_summary_words"] == max(words_)
    assert b["targets"] == {"with_facts": False, "within_budget": False}
    good = aggregate([ok] * 4 + [bare])  # 80% with facts, all within budget
    assert good["targets"] == {"with_facts": True, "within_budget": True}


def test_the_table_says_which_targets_are_met() -> None:
    de = Text("de", "d#0", " ".join(DE[:8]), tuple(DE[:8]))
    zh = Text("zh", "z#0", "".join(ZH), tuple(ZH))
    results = {
        "by_language": {
            "de": aggregate([score_text(de, 200, answer(DE[0], [DE[1]]), 30)]),
            "zh": aggregate([score_text(zh, 200, answer(zh.text, []), 30)]),
        },
        "targets": {"with_facts_share": 0.8, "within_budget_share": 1.0},
        "settings": {
            "data": {"sentences": 8, "ud": "ud"},
            "max_words": 30,
            "num_facts": 5,
            "system_under_test": {"kind": "in-process app"},
            "git_commit": "abc",
        },
    }
    table = languages_table(results)
    assert "<= 33 words" in table
    assert "  de: key facts met (100.0%), budget met (100.0% of texts within 10%)" in table
    assert "  zh: key facts NOT met (0.0%), budget NOT met (0.0% of texts within 10%)" in table
    (zh_row,) = [line for line in table.splitlines() if line.startswith("zh ")]
    assert zh_row.split()[:7] == ["zh", "1", "0", "0", "0.0%", "0", "0.0%"]


# --- page languages ------------------------------------------------------------------------------


def test_declared_languages() -> None:
    assert html_lang('<!doctype html><html class="x" lang="zh-TW"><head>') == "zh-TW"
    assert html_lang("<HTML xml:lang='de'>") == "de"
    assert html_lang('<html data-lang="fr"><body lang="en">') is None
    assert html_lang("<p>no html tag</p>") is None
    assert [primary(t) for t in ("en-US", "pt_BR", "iw", "nb", "", None, "x-klingon")] == [
        "en", "pt", "he", "no", None, None, None,
    ]  # fmt: skip


DETECTOR = Detector(["de", "en", "zh", "ja"])  # four languages: quick to load


def page(html: str, truth: str, lang: str | None = None) -> Page:
    return Page(id="p", html=html, truth=truth, headlines=(), layout="expected_text", lang=lang)


def test_a_pages_language_is_declared_else_read_from_its_article() -> None:
    de = " ".join(DE)
    by_html = page_language(page('<html lang="de-DE"><p>x</p>', de), DETECTOR)
    assert (by_html.lang, by_html.source, by_html.text_lang, by_html.declared_differs) == (
        "de",
        "html",
        "de",
        False,
    )
    by_meta = page_language(page("<html><p>x</p>", de, lang="de"), DETECTOR)
    assert (by_meta.lang, by_meta.source) == ("de", "metadata")
    by_text = page_language(page("<html><p>x</p>", "".join(ZH)), DETECTOR)
    assert (by_text.lang, by_text.source, by_text.declared) == ("zh", "text", None)
    wrong = page_language(page('<html lang="en">', de), DETECTOR)
    assert wrong.lang == "en" and wrong.declared_differs
    # A language the detector does not know is never said to differ, nor judged.
    burmese = page_language(page('<html lang="my">', de), DETECTOR)
    assert not burmese.known and not burmese.declared_differs


def test_a_page_is_judged_on_its_summarys_language_and_facts_from_its_article() -> None:
    truth = "\n\n".join([" ".join(DE[:5]), " ".join(DE[5:])])
    p = page('<html lang="de">', truth)
    good = score_page("f", p, 200, answer(DE[0], [DE[1], DE[3], DE[4] + " " + DE[5]]), DETECTOR)
    assert good.summary_lang == "de" and good.summary_in_language and good.facts_in_article == 3
    assert good.met is True
    english = score_page("f", p, 200, answer("The ferry strike in Kessel goes on.", DE[:4]), DETECTOR)
    assert english.summary_in_language is False and english.met is False
    few = score_page("f", p, 200, answer(DE[0], [DE[1], DE[2], "Der Hafen ist zu."]), DETECTOR)
    assert few.facts_in_article == 2 and few.met is False
    refused = score_page("f", p, 422, {"error": {"code": "invalid", "message": "no"}}, DETECTOR)
    assert refused.refused and refused.summary_in_language is False and refused.met is False
    unjudged = score_page("f", page('<html lang="my">', truth), 200, answer(DE[0], DE[:3]), DETECTOR)
    assert unjudged.summary_in_language is None and unjudged.met is None


# --- runs against the in-process app -------------------------------------------------------------


def test_languages_end_to_end(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    ud = ud_folder(tmp_path)
    out = tmp_path / "run"
    argv = ["languages", "--ud", str(ud), "--langs", "de", "zh", "ja", "--texts", "3", "--out", str(out)]
    assert main(argv) == 0
    table = capsys.readouterr().out
    assert "targets: >= 80% of texts with a key fact" in table and "  ja: key facts" in table
    results = json.loads((out / "results.json").read_text())
    s = results["settings"]
    assert s["data"]["texts_built"] == {"de": 1, "zh": 1, "ja": 1}
    assert s["data"]["files"]["zh"]["sha256"] == file_sha256(ud / "zh_test-dev.jsonl.gz")
    assert (s["max_words"], s["num_facts"]) == (30, 5)
    assert s["system_under_test"]["kind"] == "in-process app" and s["git_commit"]
    assert {"jieba", "janome"} <= set(s["versions"])
    rows = [json.loads(line) for line in (out / "texts.jsonl").read_text().splitlines()]
    assert [(r["lang"], r["id"]) for r in rows] == [("de", "d1#0"), ("zh", "z1#0"), ("ja", "*#0")]
    for r in rows:
        b = results["by_language"][r["lang"]]
        assert r["status"] == 200 and b["refused"] == 0
        # The figures are the checker's own counts of what the service said.
        assert r["summary_words"] == count_words(r["summary"], r["lang"])
        assert r["within_budget"] == (r["summary_words"] * 10 <= 330)
        assert b["within_budget"] == int(r["within_budget"]) and b["with_facts"] == int(r["facts"] > 0)
        assert r["facts_grounded"] == sum(f["grounded"] for f in r["key_facts"])
    # A German news text with names and figures gets key facts, each quoted from it.
    de = rows[0]
    assert de["facts"] >= 1 and de["facts_grounded"] == de["facts"]


def test_a_missing_language_is_a_clear_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    ud = ud_folder(tmp_path)
    assert main(["languages", "--ud", str(ud), "--langs", "ru"]) == 2
    assert "no treebank file for ru (has de, ja, zh)" in capsys.readouterr().err
    assert main(["languages", "--pages", str(ud / "x.jsonl"), "--langs", "de"]) == 2
    assert "--langs goes with --ud" in capsys.readouterr().err


def test_language_pages_end_to_end(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    article = "".join(f"<p>{' '.join(DE[i : i + 2])}</p>" for i in range(0, len(DE), 2))
    html = (
        '<html lang="de"><head><title>Streik in Kessel</title></head>'
        f"<body><article>{article}</article></body></html>"
    )
    pages = tmp_path / "pages.jsonl.gz"
    with gzip.open(pages, "wt", encoding="utf-8") as f:
        f.write(json.dumps({"id": "kessel", "html": html, "expected_text": "\n\n".join(DE)}) + "\n")
    out = tmp_path / "pages"
    argv = ["languages", "--pages", str(pages), "--detect-among", "de", "en", "--out", str(out)]
    assert main(argv) == 0
    assert "target: every page a summary in its own language" in capsys.readouterr().out
    (row,) = [json.loads(line) for line in (out / "pages.jsonl").read_text().splitlines()]
    assert (row["lang"], row["lang_source"], row["text_lang"], row["status"]) == ("de", "html", "de", 200)
    # An extractive summary of a German article is German.
    assert row["summary_lang"] == "de" and row["summary_in_language"] is True
    assert row["facts_in_article"] == sum(occurs_in(f, "\n\n".join(DE)) for f in row["key_facts"])
    results = json.loads((out / "results.json").read_text())
    assert results["all"]["pages"] == 1 and results["all"]["by_language"]["de"]["judged"] == 1
    assert results["all"]["target_met"] == (row["facts_in_article"] >= 3)
    assert results["settings"]["data"]["detect_among"] == ["de", "en"]


@pytest.mark.shared
def test_two_texts_of_the_real_treebanks(tmp_path: Path) -> None:
    if not (UD / "de_gsd-dev.jsonl.gz").is_file():
        pytest.skip(f"treebanks not found at {UD} (../shared is absent)")
    out = tmp_path / "ud"
    assert main(["languages", "--ud", str(UD), "--langs", "de", "zh", "--texts", "2", "--out", str(out)]) == 0
    results = json.loads((out / "results.json").read_text())
    assert results["settings"]["data"]["texts_built"] == {"de": 2, "zh": 2}
    rows = [json.loads(line) for line in (out / "texts.jsonl").read_text().splitlines()]
    zh = [r for r in rows if r["lang"] == "zh"]
    # Eight GSD sentences joined with no space: more than 30 words by jieba's count.
    assert all(r["article_words"] > 30 for r in zh) and len(rows) == 4
