"""The language of each article: given by the request, declared by its page, or detected; reported
in the answer's input report, and refused in plain words when the tag is not a language tag."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from service.nlp.languages import language_of, primary

GERMAN = "Die Regierung hat am Montag einen neuen Plan für die Fähren vorgestellt. Er kostet viel Geld."
CHINESE = "海港市政府周一宣布，将投资120亿元建设新的轮渡码头。该项目预计于2027年完工。"
FRENCH_PAGE = (
    "<!doctype html><html lang='fr-CA'><head><title>Traversiers</title></head><body><article>"
    "<p>Le gouvernement a présenté lundi un nouveau plan de 12 milliards de dollars pour les"
    " traversiers de la région, a annoncé la ministre des Transports.</p>"
    "<p>Les travaux commenceront en 2025 et dureront quatre ans, selon le ministère.</p>"
    "</article></body></html>"
)


def test_the_language_read_for_each_article(client: TestClient) -> None:
    r = client.post(
        "/v1/summarize",
        json={
            "articles": [
                {"text": CHINESE},
                {"text": GERMAN, "language": "de-AT"},
                {"text": FRENCH_PAGE},
                {"text": GERMAN},
            ]
        },
    )
    assert r.status_code == 200, r.text
    read = [(a["language"], a["language_source"]) for a in r.json()["input"]["articles"]]
    assert read == [("zh", "detected"), ("de", "given"), ("fr", "declared"), ("de", "detected")]


@pytest.mark.parametrize("tag", ["German", "de_DE", "12", "x" * 40])
def test_a_language_that_is_no_tag_is_refused_in_words(client: TestClient, tag: str) -> None:
    r = client.post("/v1/summarize", json={"articles": [{"text": GERMAN, "language": tag}]})
    assert r.status_code == 422
    (detail,) = r.json()["error"]["details"]
    assert detail["loc"] == "body.articles.0.language"
    assert "BCP 47" in detail["msg"] or "at most 35 characters" in detail["msg"]


def test_a_declared_language_is_a_hint_the_text_can_overrule() -> None:
    assert primary("zh-Hant-TW") == "zh" and primary("PT_br") == "pt"
    assert language_of(GERMAN, given="fr").code == "fr"  # the request's word is final
    # A template that says "en" on every page does not make a German article English...
    assert language_of(GERMAN, declared="en").code == "de"
    assert language_of(GERMAN, declared="en").source == "detected"
    # ...while a declaration the text allows is taken.
    assert language_of(GERMAN, declared="de-CH") == language_of(GERMAN, declared="de")
    assert language_of(GERMAN, declared="de").source == "declared"
    assert language_of("1234 5678 !!!").code is None
    assert language_of("1234 5678", declared="ja").code == "ja"


ENGLISH = (
    "The government presented a new plan for the ferries on Monday. It will cost 40 million euros,"
    " the transport minister said."
)
GERMAN_TOO = (
    "Die Regierung stellte am Montag einen neuen Plan für die Fähren vor. Er soll 40 Millionen Euro"
    " kosten, sagte der Verkehrsminister."
)


def test_articles_in_two_languages_get_a_summary_in_one(client: TestClient) -> None:
    articles = [{"text": GERMAN_TOO}, {"text": ENGLISH}, {"text": GERMAN}]

    def summary(**options: object) -> dict:
        r = client.post("/v1/summarize", json={"articles": articles, "options": {"max_words": 60, **options}})
        assert r.status_code == 200, r.text
        return r.json()

    # The majority's language by default, the one asked for otherwise; facts from every article.
    by_default = summary()
    assert "Regierung" in by_default["summary"] and "government" not in by_default["summary"]
    asked = summary(language="en-GB")
    assert "government" in asked["summary"] and "Regierung" not in asked["summary"]
    assert {s["article"] for f in asked["key_facts"] for s in f["sources"]} >= {0, 1}
    r = client.post("/v1/summarize", json={"articles": articles, "options": {"language": "es"}})
    assert r.status_code == 422
    assert (
        r.json()["error"]["message"]
        == "no article is in the language asked for (es): the articles are in de, en"
    )
