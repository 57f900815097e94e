"""Texts built from treebank sentences: the articles `eval languages` sends, one language a file.

A treebank file (`<lang>_<treebank>-dev.jsonl[.gz]`, e.g. `zh_gsd-dev.jsonl.gz`) holds one document
a line, `{lang, treebank, id, paragraphs: [[sentence, ...], ...]}`. A text is built from
`sentences` consecutive sentences, deterministically:

- the documents are read in file order, and each document's sentences in order, paragraph after
  paragraph; a text is the next `sentences` sentences of ONE document (texts do not overlap; a
  document's last sentences that make no whole text are left out), and the first `texts` such
  texts are kept;
- a file in which no document has that many sentences (Japanese GSD: one sentence a document) is
  read as one document (id `*`), its documents' sentences in file order, as one paragraph;
- sentences of one paragraph are joined as the language writes running text: with one space, or
  with nothing in Chinese and Japanese (the treebanks' text has no space between sentences there);
  a paragraph break inside a text is a blank line.

GSD treebanks have no document breaks (one document, one paragraph a file), so a text's sentences
are consecutive in the treebank but come from different source texts: the texts measure what the
system does with a language, not how coherent its summary of one story is.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from eval.data import DataError, json_rows

# Languages whose running text has no space between sentences (nor between words).
NO_SPACE = frozenset({"zh", "ja"})
PARAGRAPH_BREAK = "\n\n"
# The id of a file's documents read as one (its texts' ids are "*#<first sentence>").
MERGED_ID = "*"
_FILE_RE = re.compile(r"^(?P<lang>[a-z]{2,3})_[A-Za-z0-9]+-dev\.jsonl(?:\.gz)?$")


def joiner(lang: str) -> str:
    """What stands between two sentences of a paragraph in `lang`'s running text."""
    return "" if lang in NO_SPACE else " "


@dataclass(frozen=True)
class Document:
    id: str
    paragraphs: tuple[tuple[str, ...], ...]

    @property
    def sentences(self) -> int:
        return sum(len(p) for p in self.paragraphs)


@dataclass(frozen=True)
class Text:
    """One article built from treebank sentences."""

    lang: str
    id: str  # "<document id>#<first sentence>": the document and where in it the text starts
    text: str
    sentences: tuple[str, ...]


def treebank_files(ud: Path) -> dict[str, Path]:
    """The treebank files in `ud`, by language (from the file name); one file a language."""
    if not ud.is_dir():
        raise FileNotFoundError(f"{ud}: no such folder")
    found: dict[str, Path] = {}
    for path in sorted(ud.iterdir()):
        m = _FILE_RE.match(path.name)
        if not m:
            continue
        lang = m.group("lang")
        if lang in found:
            raise DataError(f"{ud}: two treebank files for {lang!r}: {found[lang].name}, {path.name}")
        found[lang] = path
    if not found:
        raise DataError(f"{ud}: no treebank files (<lang>_<treebank>-dev.jsonl[.gz])")
    return found


def _document(row: dict[str, Any], where: str, lang: str) -> Document:
    if row.get("lang", lang) != lang:
        raise DataError(f"{where}: lang {row.get('lang')!r} in a file for {lang!r}")
    paras = row.get("paragraphs")
    if not isinstance(paras, list) or not all(
        isinstance(p, list) and all(isinstance(s, str) for s in p) for p in paras
    ):
        raise DataError(f"{where}: 'paragraphs' must be a list of lists of sentences (strings)")
    return Document(id=str(row.get("id", where)), paragraphs=tuple(tuple(p) for p in paras))


def load_documents(path: Path, lang: str) -> list[Document]:
    """A treebank file's documents, in file order."""
    docs = [_document(row, where, lang) for where, row in json_rows(path)]
    if not docs:
        raise DataError(f"{path}: no documents")
    return docs


def _join(lang: str, paragraphs: Sequence[Sequence[str]]) -> str:
    sep = joiner(lang)
    return PARAGRAPH_BREAK.join(sep.join(s.strip() for s in p) for p in paragraphs if p)


def build_texts(documents: Sequence[Document], lang: str, texts: int, sentences: int) -> list[Text]:
    """The first `texts` texts of `sentences` consecutive sentences (see the module docstring)."""
    if texts < 1 or sentences < 1:
        raise ValueError("texts and sentences must be at least 1")
    docs = list(documents)
    if all(d.sentences < sentences for d in docs):
        # One sentence a document (Japanese GSD): the file is read as one running text.
        merged = tuple(s for d in docs for p in d.paragraphs for s in p)
        docs = [Document(id=MERGED_ID, paragraphs=(merged,))]
    out: list[Text] = []
    for doc in docs:
        # (paragraph index, sentence) in reading order.
        flat = [(i, s) for i, p in enumerate(doc.paragraphs) for s in p]
        for start in range(0, len(flat) - sentences + 1, sentences):
            chunk = flat[start : start + sentences]
            paragraphs: list[list[str]] = []
            last = None
            for para, sentence in chunk:
                if para != last:
                    paragraphs.append([])
                    last = para
                paragraphs[-1].append(sentence)
            out.append(
                Text(
                    lang=lang,
                    id=f"{doc.id}#{start}",
                    text=_join(lang, paragraphs),
                    sentences=tuple(s for _, s in chunk),
                )
            )
            if len(out) == texts:
                return out
    return out
