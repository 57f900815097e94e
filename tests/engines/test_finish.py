"""Both engines end in one finish step (`service.facts.finish`): on the same cluster they report
the same novelty, conflicts and updates, whatever each writes.

The seq2seq engine runs a tiny random-weight T5 (its words mean nothing; the finish step's
decisions do not depend on them).
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from service.domain import Cluster, Result
from service.engines.embedded import EmbeddedEngine
from service.engines.seq2seq import Seq2SeqEngine
from service.facts.finish import NOTHING_NEW
from service.settings import Settings
from tests.support.articles import load_cluster, to_cluster

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def engines(tiny_models: dict[str, Path]) -> tuple[EmbeddedEngine, Seq2SeqEngine]:
    model = Seq2SeqEngine.from_settings(
        Settings(model=str(tiny_models["t5"]), num_beams=1, summary_max_new_tokens=16)
    )
    model.load()
    return EmbeddedEngine(), model


def both(engines: tuple[EmbeddedEngine, Seq2SeqEngine], cluster: Cluster) -> tuple[Result, Result]:
    embedded, model = engines
    (a,) = embedded.summarize([cluster])
    (b,) = model.summarize([cluster])
    return a, b


def disputes(r: Result) -> tuple[object, object]:
    return r.conflicts, r.updates


def test_nothing_new_is_decided_once(engines: tuple[EmbeddedEngine, Seq2SeqEngine]) -> None:
    quake = load_cluster("quake")
    # The two articles repeat the background word for word: nothing new to summarize. The
    # background's third article gives another toll and another duration: the disputes the new
    # articles take part in are still reported, by both engines alike.
    same = dataclasses.replace(
        to_cluster(quake[:2], num_facts=3), background=to_cluster([quake[0], quake[1], quake[2]]).articles
    )
    a, b = both(engines, same)
    assert not a.novel and not b.novel
    assert a.summary == b.summary == NOTHING_NEW and a.key_facts == b.key_facts == []
    assert [c.subject for c in a.conflicts] == ["seconds"] and [u.subject for u in a.updates] == ["deaths"]
    assert disputes(a) == disputes(b)


def test_news_gets_the_same_disputes_from_both(engines: tuple[EmbeddedEngine, Seq2SeqEngine]) -> None:
    quake = load_cluster("quake")
    news = dataclasses.replace(
        to_cluster([quake[2]], num_facts=3), background=to_cluster([quake[0]]).articles
    )
    a, b = both(engines, news)
    assert a.novel and b.novel
    assert a.updates and disputes(a) == disputes(b)
    # Without a background, every article of the cluster: the same conflicts too.
    a, b = both(engines, to_cluster(load_cluster("prisoner_exchange"), num_facts=5))
    assert a.novel and b.novel and disputes(a) == disputes(b)
