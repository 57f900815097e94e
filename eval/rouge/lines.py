"""The harness's own sentence splitting: one sentence a line, as ROUGE reads summaries.

rouge-score's rougeLsum splits on newlines and ROUGE-1.5.5 reads one sentence a line; neither
splits by itself, so the harness does. This is its own splitter, pinned by golden examples in
`tests/eval/test_eval_units.py`, and deliberately not the service's: a change to how the service
splits sentences must not change a score. Built on `syntok`, with two newswire rules it lacks.
"""

from __future__ import annotations

import re

import syntok.segmenter as segmenter

# syntok does not end a sentence at a closing PTB-style quote (`.''`), which DUC's texts use.
PTB_QUOTE_END = re.compile(r"(?<=[.!?]'')\s+(?=[A-Z`\"“])")
# syntok ends a sentence after a dateline, "WASHINGTON (AP)"; it stays with the "-- ..." after it.
DATELINE = re.compile(r"[A-Z][A-Z.,'\- ]{1,40}(?:\([A-Za-z. ]{1,20}\))?")
DASH_START = re.compile(r"(?:--|—|–|_)\s")


def sentences(text: str) -> list[str]:
    """The sentences of `text`, each with its whitespace collapsed to single spaces."""
    out: list[str] = []
    for paragraph in segmenter.analyze(text):
        for sentence in paragraph:
            tokens = list(sentence)
            if not tokens:
                continue
            start = tokens[0].offset
            end = tokens[-1].offset + len(tokens[-1].value)
            for piece in PTB_QUOTE_END.split(text[start:end]):
                s = " ".join(piece.split())
                if not s:
                    continue
                if out and DASH_START.match(s) and DATELINE.fullmatch(out[-1]):
                    out[-1] = f"{out[-1]} {s}"
                else:
                    out.append(s)
    return out


def as_lines(text: str) -> str:
    """One sentence a line; text that already has line breaks is taken as split and kept as is."""
    if "\n" in text.strip():
        return text
    return "\n".join(sentences(text))
