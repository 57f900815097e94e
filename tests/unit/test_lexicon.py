"""The WordNet synonym table (service/nlp/lexicon.py): what must match and what must not, by stem."""

from __future__ import annotations

import threading

import pytest

from service.nlp import lexicon
from service.nlp.words import stem

SAME = [
    ("said", "told"),
    ("purchase", "buy"),
    ("bought", "purchased"),
    ("allocate", "allot"),
    ("died", "death"),
    ("kill", "killing"),
    ("wounded", "injured"),
    ("big", "large"),
    ("arrested", "apprehended"),
    ("accused", "charged"),
    ("quit", "resign"),
    ("begin", "start"),
    ("doctor", "physician"),
    ("car", "automobile"),
    ("attorney", "lawyer"),
]
# Antonyms, co-hyponyms and words of one field that state different facts.
DIFFERENT = [
    ("unemployment", "inflation"),
    ("north", "south"),
    ("boys", "girls"),
    ("rose", "fell"),
    ("injured", "killed"),
    ("killed", "died"),
    ("increase", "decrease"),
    ("buy", "sell"),
    ("won", "lost"),
    ("men", "women"),
    ("higher", "lower"),
    ("first", "second"),
    ("monday", "tuesday"),
    ("husband", "wife"),
    ("democrat", "republican"),
    ("approve", "reject"),
    ("profit", "loss"),
    ("million", "billion"),  # "a very large indefinite number" in WordNet: quantities are left out
    ("year", "month"),
    ("son", "boy"),  # a third sense of "boy": only the first senses are kept
]


@pytest.mark.parametrize(("a", "b"), SAME)
def test_synonyms_match(a: str, b: str) -> None:
    assert lexicon.synonyms(stem(a), stem(b))
    assert lexicon.synonyms(stem(b), stem(a))


@pytest.mark.parametrize(("a", "b"), DIFFERENT)
def test_different_things_do_not(a: str, b: str) -> None:
    assert not lexicon.synonyms(stem(a), stem(b))


def test_concepts_and_expand() -> None:
    assert lexicon.concepts(stem("bought")) & lexicon.concepts(stem("purchase"))
    assert lexicon.concepts("zzqx") == frozenset()
    assert lexicon.concepts("2003") == frozenset()  # figures are not words of the table
    both = lexicon.expand([stem("said"), stem("car")])
    assert both == lexicon.concepts(stem("said")) | lexicon.concepts(stem("car"))
    assert lexicon.expand([]) == frozenset()


def test_the_table_ships_in_the_package_with_its_licence() -> None:
    from importlib import resources

    data = resources.files("service.nlp").joinpath("data")
    assert data.joinpath(lexicon.TABLE_FILE).is_file()
    assert "Princeton University" in data.joinpath(lexicon.LICENSE_FILE).read_text(encoding="utf-8")
    assert len(lexicon.table()) > 20_000


def test_one_table_whichever_thread_reads_first(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(lexicon, "_table", None)
    seen: list[object] = []
    threads = [threading.Thread(target=lambda: seen.append(lexicon.table())) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert all(t is seen[0] for t in seen)
