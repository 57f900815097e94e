"""Synonyms by stem: which of the service's stems name the same thing ("buy"/"purchase", "told"/"said").

The table (`data/lexicon.tsv.gz`, derived from WordNet 3.0 by `python -m benchmarks.build_lexicon`;
licence in `data/WORDNET_LICENSE`) maps a stem (`service.nlp.words.stem`) to the concepts its
words stand for, first senses only; two stems match when they share a concept. It holds synonyms
and derivations (die/death), never antonyms, hypernyms or co-hyponyms: "rose"/"fell",
"north"/"south" and "boys"/"girls" do not match.

The table is read once, on first use, by whichever thread gets there first (a lock keeps it to one
read); it is plain data shipped inside the package, so it loads offline.
"""

from __future__ import annotations

import gzip
import threading
from collections.abc import Iterable
from importlib import resources

TABLE_FILE = "lexicon.tsv.gz"
LICENSE_FILE = "WORDNET_LICENSE"

_EMPTY: frozenset[int] = frozenset()
_lock = threading.Lock()
_table: dict[str, frozenset[int]] | None = None


def _read() -> dict[str, frozenset[int]]:
    table: dict[str, frozenset[int]] = {}
    data = resources.files("service.nlp").joinpath("data", TABLE_FILE).read_bytes()
    for line in gzip.decompress(data).decode("utf-8").splitlines():
        if line.startswith("#"):
            continue
        key, ids = line.split("\t")
        table[key] = frozenset(map(int, ids.split()))
    return table


def table() -> dict[str, frozenset[int]]:
    """Stem -> concepts, read on first use."""
    global _table
    if _table is None:
        with _lock:
            if _table is None:
                _table = _read()
    return _table


def concepts(stem: str) -> frozenset[int]:
    """The concepts `stem` stands for (empty for a stem WordNet gives no synonym)."""
    return table().get(stem, _EMPTY)


def expand(stems: Iterable[str]) -> frozenset[int]:
    """The concepts of all `stems` together: what another sentence's words can match."""
    t = table()
    out: set[int] = set()
    for s in stems:
        out |= t.get(s, _EMPTY)
    return frozenset(out)


def synonyms(a: str, b: str) -> bool:
    """The two stems are one, or share a concept."""
    return a == b or not concepts(a).isdisjoint(concepts(b))
