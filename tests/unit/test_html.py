"""HTML articles: visible text through `html.parser`, each character mapped back into the markup."""

from __future__ import annotations

import time

import pytest

from service.nlp.html import visible_text
from service.nlp.sentences import analyze


def visible(text: str) -> str:
    return " ".join(visible_text(text)[0].split())


def check_map(text: str) -> tuple[str, list[int]]:
    """The visible text and its map; every character is the markup's own, decoded or a break."""
    shown, where = visible_text(text)
    assert where is not None and len(where) == len(shown)
    assert where == sorted(where)
    for char, at in zip(shown, where, strict=True):
        assert char == text[at] or text[at] in "&<", (char, at)
    return shown, where


def test_plain_text_comes_back_unchanged() -> None:
    for text in (
        "Shares fell 3% on Monday.",
        "WELLINGTON <Reuters> - The port reopened on Friday.",
        "If a < b and c > d, the ferry waits. AT&T &AMP; Co. <unk> </x>",
    ):
        assert visible_text(text) == (text, None)


def test_doctype_does_not_leak() -> None:
    assert visible("<!DOCTYPE html><html><body><p>The port reopened.</p></body></html>") == (
        "The port reopened."
    )


def test_quoted_angle_bracket_in_an_attribute_stays_inside_the_tag() -> None:
    assert visible('<p>See the <a title="x>y" href="#">Link</a> below.</p>') == "See the Link below."


def test_unknown_tags_in_html_are_text() -> None:
    page = "<p>WELLINGTON <Reuters> - The port reopened.</Reuters></p>"
    assert visible(page) == "WELLINGTON <Reuters> - The port reopened.</Reuters>"
    # Namespaced (word processors) and custom elements are markup, and so is anything inside SVG.
    assert visible("<p>One<o:p></o:p> two <news-card>three</news-card><svg><path d='M0'/></svg></p>") == (
        "One two three"
    )


def test_hidden_content_and_block_breaks() -> None:
    page = (
        "<html><head><title>Gazette</title><style>p {color: red}</style></head><body>"
        "<p>First.</p><script>var s = '</p>';</script><template><p>Unused.</p></template>"
        "<div>Second<br/>line.</div><!-- note --></body></html>"
    )
    shown, _ = check_map(page)
    assert " ".join(shown.split()) == "First. Second line."
    assert "First.\n\n" in shown and "Second\n\nline." in shown  # <br/> is one break
    # A head left open ends where the body's content starts.
    assert visible("<head><title>Gazette</title><p>Body text.</p>") == "Body text."


def test_entities_are_decoded_and_map_to_their_ampersand() -> None:
    page = "<p>Smith &amp; Sons paid &euro;5 &#8212; and &#x41;T&T &copy 2024 &bogus; &#;</p>"
    shown, where = check_map(page)
    assert " ".join(shown.split()) == "Smith & Sons paid €5 — and AT&T © 2024 &bogus; &#;"
    for decoded, ref in (("&", "&amp;"), ("€", "&euro;"), ("—", "&#8212;"), ("A", "&#x41;")):
        at = where[shown.index(decoded)]
        assert page.startswith(ref, at), (decoded, ref)
    # A "&#" that is no reference is text, and reading goes on after it.
    assert visible("<p>R&&#; &#x; &#12ab;</p><p>Next.</p>") == "R&&#; &#x; &#12ab; Next."


def test_offsets_point_into_the_markup_as_sent() -> None:
    page = "<div class='story'>\n<p>Ferry <b>workers</b>\nstruck.</p>\r\n<p>Talks &amp; more.</p></div>"
    shown, where = check_map(page)
    for word in ("Ferry", "workers", "struck.", "Talks", "more."):
        i = shown.index(word)
        assert page[where[i] : where[i + len(word) - 1] + 1] == word


def test_sentence_sources_cover_their_markup() -> None:
    page = (
        "<html><body><h1>Port strike</h1>"
        "<p>Ferry workers in <b>Port Alder</b> walked off the job on Monday.</p>"
        "<p>The union said 340 members &amp; their families joined the strike.</p></body></html>"
    )
    sentences = analyze([page])[0]
    by_text = {s.text: page[s.start : s.end] for s in sentences}
    assert by_text["Ferry workers in Port Alder walked off the job on Monday."] == (
        "Ferry workers in <b>Port Alder</b> walked off the job on Monday."
    )
    assert by_text["The union said 340 members & their families joined the strike."] == (
        "The union said 340 members &amp; their families joined the strike."
    )


def test_unfinished_markup_at_the_end() -> None:
    # As in a browser, an unclosed comment, tag or script swallows the rest; a lone "&" or "<" stays.
    assert visible("<p>Kept.</p><!-- never closed <p>Lost.</p>") == "Kept."
    assert visible('<p>Kept.</p><a href="never closed>Lost.') == "Kept."
    assert visible("<p>Kept.</p><script>lost()") == "Kept."
    assert visible("<p>Kept &") == "Kept &" and visible("<p>Kept <") == "Kept <"
    assert visible("<p>Fish &amp") == "Fish &"
    assert visible("<p>A<![if !x]>B<![endif]>C<![CDATA[x]]>D<![x</p>") == "ABCD"


N = 100_000
ADVERSARIAL = {
    "nested divs": "<div>" * N + "deep",
    "end tags": "<p>a</p>" + "</div>" * N,
    "long attribute": '<p title="' + "x" * N + '">text</p>',
    "long unclosed attribute": '<p>a</p><p title="' + "x" * N,
    "unclosed comment": "<p>a</p><!--" + "x" * N,
    "many unclosed comments": "<p>a</p>" + "<!--" * (N // 4),
    "< every other character": "<p>a</p>" + "<a" * (N // 2),
    "< and space": "<p>a</p>" + "< " * (N // 2),
    "end tags without >": "<p>a</p>" + "</" * (N // 2),
    "processing instructions": "<p>a</p>" + "<?" * (N // 2),
    "marked sections": "<p>a</p>" + "<![" * (N // 3),
    "broken character references": "<p>a</p>" + "&#;" * (N // 3),
    "entities": "<p>a</p>" + "&amp;" * (N // 5),
    "unclosed quotes": "<p>a</p>" + '<a b="' * (N // 6),
    "many heads": "<head>" * N,
}


@pytest.mark.parametrize("name", ADVERSARIAL)
def test_adversarial_markup_takes_linear_time(name: str) -> None:
    # A guard against quadratic behaviour (which would take minutes here), not a benchmark.
    text = ADVERSARIAL[name]
    started = time.process_time()
    shown, where = visible_text(text)
    assert time.process_time() - started < 2.0
    assert where is not None and len(where) == len(shown)


def test_a_source_ending_in_a_reference_covers_all_of_it() -> None:
    markup = "<p>Prices rose at Smith &amp; Sons.</p><p>The mayor said &quot;no&quot;</p>"
    sentences = analyze([markup])[0]
    spans = [markup[s.start : s.end] for s in sentences]
    assert spans == ["Prices rose at Smith &amp; Sons.", "The mayor said &quot;no&quot;"]
    assert [s.text for s in sentences] == ["Prices rose at Smith & Sons.", 'The mayor said "no"']


def test_an_svg_title_and_description_are_not_shown() -> None:
    # A logo's accessible name ("Created with Sketch.") is not page text; an SVG <text> is.
    page = (
        "<p>Ferry talks resumed.</p><svg><title>Fill 2 Copy 11</title><desc>Created with Sketch.</desc>"
        "<text>Chart label</text></svg><p>More news.</p>"
    )
    assert visible(page) == "Ferry talks resumed. Chart label More news."
    # An unclosed <title> ends with its svg; an HTML <title> outside svg is the head's, as before.
    assert visible("<svg><title>Open title</svg><p>after</p>") == "after"
