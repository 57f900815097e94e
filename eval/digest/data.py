"""A mixed pile: the articles of several data sets' clusters, each once, with the clusters it is in.

Some articles are in two clusters of one data set (DUC 2004 has 11, DUC 2006 10): they are sent
once, and labelled with every cluster they are in, which the scoring (extended B-cubed) allows.
Articles are the same when their words are (whitespace aside).
"""

from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass
from pathlib import Path

from eval.data import Document, Example, load_examples


@dataclass(frozen=True)
class Item:
    document: Document
    clusters: frozenset[str]  # "<data set>/<cluster id>" of every cluster it is in


@dataclass(frozen=True)
class Mix:
    name: str
    items: tuple[Item, ...]  # shuffled
    examples: dict[str, Example]  # "<data set>/<cluster id>" -> the cluster, as loaded


def _key(d: Document) -> str:
    return hashlib.sha1(" ".join(d.text.split()).encode()).hexdigest()


def load_mix(paths: list[Path], seed: int) -> Mix:
    """The clusters of `paths` together, each article once, shuffled with `seed`."""
    found: dict[str, tuple[Document, set[str]]] = {}
    examples: dict[str, Example] = {}
    for path in paths:
        for e in load_examples(path):
            label = f"{path.stem}/{e.id}"
            examples[label] = e
            for d in e.documents:
                found.setdefault(_key(d), (d, set()))[1].add(label)
    items = [Item(d, frozenset(labels)) for d, labels in found.values()]
    random.Random(seed).shuffle(items)
    return Mix("+".join(p.stem for p in paths), tuple(items), examples)


def unique_documents(example: Example) -> list[Document]:
    """A cluster's articles, each once (a few clusters hold one article twice)."""
    seen: set[str] = set()
    out = []
    for d in example.documents:
        if _key(d) not in seen:
            seen.add(_key(d))
            out.append(d)
    return out
