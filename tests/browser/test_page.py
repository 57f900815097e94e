"""The page at `/` in Chromium, against a real service process: what a newsroom user does with it."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

from service.nlp.html import visible_text
from tests.browser.conftest import API_KEY, Tab, open_tab
from tests.support.articles import load_cluster
from tests.support.browser import fill_articles

if TYPE_CHECKING:
    from playwright.sync_api import Browser, FilePayload, Page

pytestmark = pytest.mark.slow

# Project-written: an HTML page (markup, a comment, entities, a script and a style that must not
# show) and a plain-text report of the same event.
BRIDGE_HTML = """<!doctype html><html><head><title>Bridge shut for repairs</title>
<style>p { color: red }</style></head>
<body><h1>Harbour bridge shut</h1>
<p>The <b>Alder Street bridge</b> closed on Monday after inspectors found cracks in two support beams.</p>
<!-- editor: check the figures -->
<p>City engineer Ana Duarte said repairs would cost 4.2&nbsp;million euros &amp; take six weeks.</p>
<script>var tracking = "never shown";</script>
<p>About 18,000 vehicles cross the bridge each day, the city said.</p></body></html>"""
# The same article as a fragment (no page around it): read in place, offsets into the markup.
BRIDGE_FRAGMENT = BRIDGE_HTML[BRIDGE_HTML.index("<h1>") : BRIDGE_HTML.index("</body>")]
BRIDGE_TEXT = (
    "The Alder Street bridge closed on Monday after inspectors found cracks in two support beams. "
    "Commuters faced long delays on the ring road. City engineer Ana Duarte said repairs would cost "
    "4.2 million euros and take six weeks. Bus routes 4 and 9 will be diverted from Tuesday."
)


def summarize(page: Page) -> dict[str, Any]:
    """Press Summarize and return the API's answer, once the page has shown it."""
    with page.expect_response(lambda r: r.url.endswith("/v1/summarize")) as answer:
        page.get_by_role("button", name="Summarize").click()
    response = answer.value
    assert response.status == 200, response.text()
    page.locator("#results").wait_for()
    body: dict[str, Any] = response.json()
    return body


def marks(page: Page) -> list[dict[str, Any]]:
    result: list[dict[str, Any]] = page.eval_on_selector_all(
        "#viewer-text mark",
        "ms => ms.map(m => ({text: m.textContent, start: +m.dataset.start, end: +m.dataset.end}))",
    )
    return result


def squash(text: str) -> str:
    return " ".join(text.split())


def test_two_pasted_articles_give_a_summary_and_cited_facts(
    tab: Tab, server: str, ferry: list[dict[str, Any]]
) -> None:
    page = tab.page
    page.goto(f"{server}/")
    fill_articles(page, ferry[:2])
    body = summarize(page)

    assert page.locator("#summary").text_content() == body["summary"] != ""
    facts = page.locator("#facts > li")
    assert facts.count() == len(body["key_facts"]) > 0
    for i, fact in enumerate(body["key_facts"]):
        item = facts.nth(i)
        assert item.locator(".fact-text").text_content() == fact["text"]
        n = fact["support"]
        assert item.locator(".support").text_content() == f"Reported by {n} article{'s' if n > 1 else ''}"
        assert item.locator(".source").count() == len(fact["sources"])
    details = page.locator("#details").text_content() or ""
    assert "embedded" in details and f"{body['input']['used']} of {body['input']['total']} words" in details
    assert page.locator("#input-rows tr").count() == 2
    # The results take the focus, so a screen reader user lands on them.
    assert page.evaluate("document.activeElement.id") == "results"


def test_selecting_a_fact_or_a_source_highlights_exactly_the_cited_sentence(tab: Tab, server: str) -> None:
    page = tab.page
    page.goto(f"{server}/")
    articles = load_cluster("quake")  # three outlets: some facts have several sources
    fill_articles(page, articles)
    body = summarize(page)

    facts = page.locator("#facts > li")
    for i, fact in enumerate(body["key_facts"]):
        # By keyboard: the fact is a button.
        facts.nth(i).locator(".fact-text").focus()
        page.keyboard.press("Enter")
        src = fact["sources"][0]
        cited = articles[src["article"]]["text"][src["start"] : src["end"]]
        assert marks(page) == [{"text": cited, "start": src["start"], "end": src["end"]}]
        assert f"Article {src['article'] + 1}" in (page.locator("#viewer-title").text_content() or "")
        # Each of its sources, by mouse.
        for j, src in enumerate(fact["sources"]):
            facts.nth(i).locator(".source").nth(j).click()
            cited = articles[src["article"]]["text"][src["start"] : src["end"]]
            assert marks(page) == [{"text": cited, "start": src["start"], "end": src["end"]}]
            assert page.locator("#viewer-text").text_content() == articles[src["article"]]["text"]
    assert any(len(f["sources"]) > 1 for f in body["key_facts"]), "no fact with two sources was tried"


def test_hovering_the_selected_fact_keeps_its_highlight(tab: Tab, server: str) -> None:
    page = tab.page
    page.goto(f"{server}/")
    fill_articles(page, load_cluster("quake"))
    summarize(page)
    selected, other = (page.locator("#facts > li").nth(i).locator(".fact-text") for i in (0, 1))
    selected.click()
    assert selected.get_attribute("aria-current") == "true"

    def background(button: Any) -> str:
        return str(button.evaluate("b => getComputedStyle(b).backgroundColor"))

    marked = background(selected)
    page.mouse.move(0, 0)
    assert background(selected) == marked
    selected.hover()
    assert background(selected) == marked
    # An unselected fact still answers the hover, in another colour.
    before = background(other)
    other.hover()
    assert background(other) not in (before, marked)


def test_a_page_shows_the_article_read_from_it_with_the_cited_sentence(tab: Tab, server: str) -> None:
    page = tab.page
    page.goto(f"{server}/")
    fill_articles(page, [{"text": BRIDGE_HTML}, {"text": BRIDGE_TEXT}])
    page.get_by_label("Number of key facts").fill("10")
    body = summarize(page)

    (read,) = body["input"]["pages"]
    tried = 0
    for i, fact in enumerate(body["key_facts"]):
        for j, src in enumerate(fact["sources"]):
            if src["article"] != 0:
                continue
            page.locator("#facts > li").nth(i).locator(".source").nth(j).click()
            cited = read["text"][src["start"] : src["end"]]
            assert marks(page) == [{"text": cited, "start": src["start"], "end": src["end"]}]
            assert page.locator("#viewer-text").text_content() == read["text"]
            assert "read from the page" in (page.locator("#viewer-where").text_content() or "")
            tried += 1
    assert tried, "no key fact cites the page"
    assert "never shown" not in read["text"] and "color: red" not in read["text"]
    assert "Read from an HTML page, read by trafilatura" in (page.locator("#input-rows").text_content() or "")


def test_an_html_fragment_highlights_the_visible_text_of_its_cited_sentence(tab: Tab, server: str) -> None:
    page = tab.page
    page.goto(f"{server}/")
    fill_articles(page, [{"text": BRIDGE_FRAGMENT}, {"text": BRIDGE_TEXT}])
    page.get_by_label("Number of key facts").fill("10")
    body = summarize(page)

    visible, where = visible_text(BRIDGE_FRAGMENT)
    assert where is not None
    tried = 0
    for i, fact in enumerate(body["key_facts"]):
        for j, src in enumerate(fact["sources"]):
            if src["article"] != 0:
                continue
            page.locator("#facts > li").nth(i).locator(".source").nth(j).click()
            found = marks(page)
            assert found and found[0]["start"] == src["start"] and found[-1]["end"] == src["end"]
            shown = "".join(m["text"] for m in found)
            expected = "".join(
                c for c, w in zip(visible, where, strict=True) if src["start"] <= w < src["end"]
            )
            assert squash(shown) == squash(expected) != ""
            assert "<" not in shown and "&amp;" not in shown
            tried += 1
    assert tried, "no key fact cites the HTML article"
    text = page.locator("#viewer-text").text_content() or ""
    assert "Alder Street bridge closed" in text
    assert "never shown" not in text and "color: red" not in text and "<p>" not in text


def test_a_422_shows_the_api_message_next_to_its_field(tab: Tab, server: str) -> None:
    page = tab.page
    page.goto(f"{server}/")
    fill_articles(page, [{"text": BRIDGE_TEXT}, {"text": "   ", "title": "Empty report"}])
    page.get_by_label("Summary length (words)").fill("5")
    with page.expect_response(lambda r: r.url.endswith("/v1/summarize")) as answer:
        page.get_by_role("button", name="Summarize").click()
    assert answer.value.status == 422
    details = {d["loc"]: d["msg"] for d in answer.value.json()["error"]["details"]}
    assert set(details) == {"body.articles.1.text", "body.options.max_words"}

    text = page.locator("#articles > li").nth(1).get_by_label("Text or HTML")
    error = page.locator(f"#{text.get_attribute('aria-describedby')}")
    assert error.is_visible() and error.text_content() == details["body.articles.1.text"]
    assert text.get_attribute("aria-invalid") == "true"
    words = page.get_by_label("Summary length (words)")
    assert page.locator("#max-words-error").text_content() == details["body.options.max_words"]
    # In words, not pydantic's ("Input should be greater than or equal to 10").
    assert details["body.options.max_words"] == "`max_words` must be at least 10, not 5"
    assert words.get_attribute("aria-invalid") == "true"
    # The first article's box is fine, and the focus is on the first field to fix.
    assert page.locator("#articles > li").nth(0).locator(".field-error:visible").count() == 0
    assert page.evaluate("document.activeElement.id") == text.get_attribute("id")
    assert page.locator("#results").is_hidden()

    # Fixed, the errors go away and the answer comes.
    text.fill(BRIDGE_TEXT)
    words.fill("30")
    summarize(page)
    assert page.locator(".field-error:visible").count() == 0


def test_a_busy_service_is_answered_with_a_retry(tab: Tab, server: str) -> None:
    page = tab.page
    page.goto(f"{server}/")
    busy = {"error": {"code": "overloaded", "message": "the queue is full"}}
    calls: list[str] = []

    def first_busy(route: Any) -> None:
        calls.append(route.request.url)
        if len(calls) == 1:
            route.fulfill(status=429, json=busy, headers={"Retry-After": "2"})
        else:
            route.continue_()

    page.route("**/v1/summarize", first_busy)
    fill_articles(page, [{"text": BRIDGE_TEXT}])
    page.get_by_role("button", name="Summarize").click()
    error = page.locator("#form-error")
    error.wait_for()
    assert "busy: the queue is full" in (error.text_content() or "")
    assert "Try again in 2 s" in (error.text_content() or "")
    retry = page.get_by_role("button", name="Retry")
    assert page.evaluate("document.activeElement.id") == "retry"
    retry.click()
    page.locator("#results").wait_for()
    assert len(calls) == 2 and error.is_hidden()


def test_files_chosen_become_articles(tab: Tab, server: str) -> None:
    page = tab.page
    page.goto(f"{server}/")
    files: list[FilePayload] = [
        {"name": "bridge.html", "mimeType": "text/html", "buffer": BRIDGE_HTML.encode()},
        {"name": "bridge-report.txt", "mimeType": "text/plain", "buffer": BRIDGE_TEXT.encode()},
        {"name": "photo.png", "mimeType": "image/png", "buffer": b"\x89PNG"},
    ]
    page.locator("#files").set_input_files(files)
    cards = page.locator("#articles > li")
    assert cards.count() == 2
    assert cards.nth(0).get_by_label("Text or HTML").input_value() == BRIDGE_HTML
    assert cards.nth(0).get_by_label("Title (optional)").input_value() == "Bridge shut for repairs"
    assert cards.nth(1).get_by_label("Title (optional)").input_value() == "bridge-report"
    assert "photo.png" in (page.locator("#articles-error").text_content() or "")
    body = summarize(page)
    assert body["key_facts"]


def test_with_an_api_key_the_page_asks_for_it_and_sends_it(
    browser: Browser, keyed_server: str, ferry: list[dict[str, Any]]
) -> None:
    tab = open_tab(browser)
    page = tab.page
    page.goto(f"{keyed_server}/")  # the page itself needs no key
    assert page.locator("#key-box").is_hidden()
    fill_articles(page, ferry[:2])
    page.get_by_role("button", name="Summarize").click()
    key = page.get_by_label("API key")
    key.wait_for()
    assert page.evaluate("document.activeElement.id") == "api-key"
    assert "API key is required" in (page.locator("#api-key-error").text_content() or "")
    assert key.get_attribute("type") == "password"

    key.fill("wrong")
    page.get_by_role("button", name="Summarize").click()
    page.get_by_text("This key was refused.").wait_for()
    assert page.locator("#results").is_hidden()

    key.fill(API_KEY)
    with page.expect_request(lambda r: r.url.endswith("/v1/summarize")) as request:
        body = summarize(page)
    assert request.value.headers["x-api-key"] == API_KEY
    assert page.locator("#summary").text_content() == body["summary"]
    # Kept for this tab only, and offered again after a reload.
    assert page.evaluate("sessionStorage.getItem('newsdigest.apiKey')") == API_KEY
    assert page.evaluate("localStorage.length") == 0
    page.reload()
    assert page.get_by_label("API key").input_value() == API_KEY
    assert tab.errors == []
    page.context.close()


def test_no_request_leaves_the_origin(tab: Tab, server: str, ferry: list[dict[str, Any]]) -> None:
    page = tab.page
    page.goto(f"{server}/")
    fill_articles(page, [{"text": BRIDGE_HTML}, *ferry[:2]])
    summarize(page)
    page.locator(".fact-text").first.click()
    paths = {url.removeprefix(server) for url in tab.requests}
    assert {"/", "/page/app.js", "/page/style.css", "/v1/summarize"} <= paths
    assert all(url.startswith(f"{server}/") for url in tab.requests), tab.requests


@pytest.mark.parametrize(("path", "shows"), [("/docs", ".swagger-ui .info .title"), ("/redoc", "redoc h1")])
def test_api_docs_load_with_no_request_leaving_the_origin(
    tab: Tab, server: str, path: str, shows: str
) -> None:
    page = tab.page
    page.goto(f"{server}{path}")
    title = page.locator(shows).first
    title.wait_for()
    assert "News summarizer" in (title.text_content() or "")
    page.get_by_text("/v1/summarize").first.wait_for()
    assert f"{server}/openapi.json" in tab.requests
    # ReDoc reads the spec in a worker made from a blob of this origin.
    assert all(url.startswith((f"{server}/", f"blob:{server}/")) for url in tab.requests), tab.requests


def test_phone_width_has_no_sideways_scrolling(
    browser: Browser, server: str, ferry: list[dict[str, Any]]
) -> None:
    tab = open_tab(browser, width=360, height=740)
    page = tab.page
    page.goto(f"{server}/")
    fill_articles(page, ferry[:2])
    summarize(page)
    page.locator(".fact-text").first.click()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    # The sentence opens under the fact that was selected.
    assert page.locator("#facts > li").first.locator("#viewer mark").count() == 1
    assert tab.errors == []
    page.context.close()


def test_every_control_is_labelled_and_the_tab_order_follows_the_form(tab: Tab, server: str) -> None:
    page = tab.page
    page.goto(f"{server}/")
    unlabelled = page.evaluate(
        """() => [...document.querySelectorAll('input, textarea, button')]
            .filter(e => e.offsetParent !== null)
            .filter(e => e.tagName === 'BUTTON'
                ? !(e.getAttribute('aria-label') || e.textContent.trim())
                : e.labels.length === 0)
            .map(e => e.outerHTML)"""
    )
    assert unlabelled == []
    order = []
    for _ in range(40):  # a date field takes one Tab per part
        page.keyboard.press("Tab")
        order.append(page.evaluate("document.activeElement.id || document.activeElement.textContent.trim()"))
    expected = [
        "a1-title",
        "a1-text",
        "a2-title",
        "add-article",
        "choose-files",
        "max-words",
        "query",
        "submit",
        "group",
    ]
    # First visits only: past the end, the focus comes round again.
    assert list(dict.fromkeys(x for x in order if x in expected)) == expected, order
    assert order[0] == "Skip to the results"


def test_a_box_holding_a_link_asks_the_service_to_fetch_it(tab: Tab, server: str) -> None:
    # This service does not fetch links (the default): the page says so next to that article.
    page = tab.page
    page.goto(f"{server}/")
    fill_articles(page, [{"text": BRIDGE_TEXT}, {"text": "  https://news.example/bridge.html \n"}])
    with page.expect_request(lambda r: r.url.endswith("/v1/summarize")) as sent:
        page.get_by_role("button", name="Summarize").click()
    assert sent.value.post_data_json["articles"][1] == {"url": "https://news.example/bridge.html"}
    text = page.locator("#articles > li").nth(1).get_by_label("Text or HTML")
    error = page.locator(f"#{text.get_attribute('aria-describedby')}")
    error.wait_for()
    assert "does not fetch links" in (error.text_content() or "")


def test_a_pile_grouped_into_stories_each_opened_with_its_evidence(tab: Tab, server: str) -> None:
    page = tab.page
    page.goto(f"{server}/")
    pile = [a for name in ("ferry_strike", "prisoner_exchange", "quake") for a in load_cluster(name)]
    fill_articles(page, pile)
    with page.expect_response(lambda r: r.url.endswith("/v1/digest")) as answer:
        page.get_by_role("button", name="Group into stories").click()
    response = answer.value
    assert response.status == 200, response.text()
    digest: dict[str, Any] = response.json()
    page.locator("#stories-box").wait_for()
    stories = page.locator("#stories > li")
    assert stories.count() == len(digest["stories"]) == 3
    assert "3 stories from 9 articles" in (page.locator("#stories-note").text_content() or "")
    for i, story in enumerate(digest["stories"]):
        assert stories.nth(i).locator(".story-title").text_content() == story["title"]
    # Open the prisoner story: its summary, its facts, its conflict, and a fact's cited sentence.
    (k,) = [i for i, s in enumerate(digest["stories"]) if s["conflicts"] and "prison" in s["summary"].lower()]
    story = digest["stories"][k]
    stories.nth(k).locator(".story-title").click()
    page.locator("#results").wait_for()
    assert page.locator("#summary").text_content() == story["summary"]
    assert page.locator("#facts > li").count() == len(story["key_facts"]) > 0
    assert page.locator("#conflicts-box").is_visible()
    fact = story["key_facts"][0]
    page.locator("#facts > li").first.locator(".fact-text").click()
    source = fact["sources"][0]
    cited = pile[source["article"]]["text"][source["start"] : source["end"]]
    assert squash(" ".join(m["text"] for m in marks(page))) == squash(cited)
    assert f"Article {source['article'] + 1}" in (page.locator("#viewer-title").text_content() or "")
