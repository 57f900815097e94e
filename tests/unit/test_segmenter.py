"""The array port of syntok's segmenter gives syntok's own tokens and sentences, to the offset."""

from __future__ import annotations

import ast
import json
import random
import sys
from pathlib import Path

import pytest
import syntok
import syntok.segmenter as syntok_segmenter
from syntok.tokenizer import Tokenizer

from service.nlp.segmenter import _SPLIT_RE, Chunks, sentence_spans, tokenize
from tests.support.articles import SHARED

# Pieces that reach every rule of syntok's segmenter: terminals, brackets, quotes, abbreviations,
# months, numbers, Roman numerals, sentence starters, hyphens, apostrophes, odd whitespace.
PIECES = [
    *"aAbZ zé.É,;:!?'\"`()[]{}-_\u2019\u02bc\u02b9\u00ad\u2010\n\t\u200b\u00a0\x1c…1234567890$%&/ßſİıǅⅫ²。",
    *("...", "``", "''", "U.S.", "Mr.", "n't", "McD", "\r\n", "\n\n", "\n \n", " The ", " However "),
    *(" no ", " No. ", " Jan. ", " 5 ", " 1999 ", " IV. ", " e.g. ", " (AP) ", " (", ") ", " [2] "),
    *(" etc. ", " St. ", " Dr. ", " A. ", " b. ", " x", "?!", '!"', ".'", ".''", ".)", " )", " ( "),
    *("(A)", " said. ", " He ", " it ", " 12th ", " Sept. 5", " f.e. ", " I.e. ", " med. "),
    *("(see Mr. Smith)", "(The end.)", " Lorem ipsum dolor sit amet ", " in (the) ", "word-", "'s"),
]
NEWS = (
    "ISTANBUL (AP) -- Turkish officials said SİX people died. Dr. Smith of the U.S. Army arrived "
    "Jan. 5 with 3.5 tons of aid. ``It was terrible,'' he said.\n\nThe toll (which had been 200) "
    "rose to 1,200 on Monday... Mr. McDonald's firm didn't say. (More.) KEY WEST, Fla. - 105 mph."
)


def syntok_tokens(paragraph: str, base: int) -> list[tuple[str, int, bool]]:
    tokens = Tokenizer(replace_not_contraction=False).tokenize(paragraph, base)
    return [(t.value, t.offset, not t.spacing) for t in tokens]


def syntok_spans(text: str) -> list[tuple[int, int]]:
    spans = []
    for paragraph in syntok_segmenter.analyze(text):
        for sentence in paragraph:
            spans.append((sentence[0].offset, sentence[-1].offset + len(sentence[-1].value)))
    return spans


def texts() -> list[str]:
    """syntok's own test texts, a news paragraph, and random text made of PIECES (seeded)."""
    source = (Path(syntok.__file__).parent / "segmenter_test.py").read_text(encoding="utf-8")
    own = [
        n.value
        for n in ast.walk(ast.parse(source))
        if isinstance(n, ast.Constant) and isinstance(n.value, str)
    ]
    rng = random.Random(0)
    fuzz = ["".join(rng.choice(PIECES) for _ in range(rng.randint(0, 60))) for _ in range(3000)]
    return [*own, NEWS, "", " ", "\n\n", "a", " a ", *fuzz]


def test_chunks_are_split_where_syntok_splits_them() -> None:
    everything = "".join(map(chr, range(sys.maxunicode + 1)))
    ours = [m.span() for m in _SPLIT_RE.finditer(everything)]
    assert ours == [m.span() for m in Tokenizer._spaces.finditer(everything)]


def test_tokens_are_syntoks() -> None:
    chunks = Chunks()  # shared, as in a request: a chunk's tokens are reused wherever it recurs
    for text in texts():
        for base, paragraph in syntok_segmenter.preprocess_with_offsets(text):
            t = tokenize(paragraph, base, chunks)
            ours = [(value, t.offset(k), t.unspaced(k)) for k, value in enumerate(t.values)]
            assert ours == syntok_tokens(paragraph, base)


def test_sentences_are_syntoks() -> None:
    chunks = Chunks()
    for text in texts():
        assert sentence_spans(text, chunks) == syntok_spans(text), text


@pytest.mark.shared
@pytest.mark.slow
@pytest.mark.parametrize("name", ["duc2004/duc2004_task2.jsonl", "duc2006/duc2006.jsonl"])
def test_sentences_are_syntoks_on_duc(name: str) -> None:
    path = SHARED / "data" / name
    if not path.is_file():
        pytest.skip(f"{path} not found")
    for line in path.read_text(encoding="utf-8").splitlines():
        chunks = Chunks()
        for document in json.loads(line)["documents"]:
            text = document if isinstance(document, str) else document["text"]
            assert sentence_spans(text, chunks) == syntok_spans(text)
