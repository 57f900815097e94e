"""Grounding generated fact items against the source sentences."""

import threading
from typing import Any

import pytest

from service.errors import Cancelled
from service.facts.conflicts import find_conflicts
from service.facts.features import numbers, proper_names
from service.facts.grounding import ground_items, split_items
from service.facts.same_fact import THRESHOLD, same_fact_matrix
from service.facts.select import select_facts
from service.nlp.salience import compute_salience
from service.nlp.segmenter import sentence_spans
from service.nlp.sentences import analyze
from tests.support.articles import load_cluster


def test_split_items_handles_bullets_numbers_and_running_text() -> None:
    text = "- The strike began on Monday.\n2. Shares fell 4 percent.\n* Talks resume Wednesday. Schools shut."
    assert split_items(text) == [
        "The strike began on Monday.",
        "Shares fell 4 percent.",
        "Talks resume Wednesday.",
        "Schools shut.",
    ]


def test_numbers_and_names() -> None:
    assert numbers("About 6,000 people paid 4.5 euros on 2 March.") == {"6000", "4.5", "2"}
    assert proper_names("The union met Northline Ferries in Port Alder.") == {
        "Northline",
        "Ferries",
        "Port",
        "Alder",
    }


def ground(items: list[str], ferry: list[dict[str, Any]]) -> tuple[list[Any], dict[str, int]]:
    texts = [a["text"] for a in ferry]
    facts, dropped = ground_items(items, analyze(texts), texts, limit=10, same_fact=THRESHOLD)
    return facts, dict(dropped)


def test_supported_item_is_kept_with_its_sources(ferry: list[dict[str, Any]]) -> None:
    facts, dropped = ground(["340 ferry workers went on strike against Northline Ferries."], ferry)
    assert dropped == {}
    (fact,) = facts
    for src in fact.sources:
        assert "340" in ferry[src.article]["text"][src.start : src.end]
    # Support counts the articles stating the same fact as the backing sentence, not merely
    # sharing its figure: the outlets word the 340 strikers too differently to merge.
    quake = load_cluster("quake")
    (fact,), _ = ground(["Rescue teams pulled 14 survivors from a collapsed school."], quake)
    assert fact.support == 3


def test_items_with_unknown_numbers_or_names_are_dropped(ferry: list[dict[str, Any]]) -> None:
    facts, dropped = ground(
        [
            "About 9,500 ferry workers went on strike in Port Alder.",  # number in no article
            "Union leader Jonas Becker said the strike would continue.",  # name in no article
            "The weather stayed warm and sunny all week.",  # nothing backs it
            "Union leader Marta Okafor said talks with Northline Ferries collapsed.",
            "Union leader Marta Okafor said talks with Northline Ferries collapsed.",  # repeat
        ],
        ferry,
    )
    assert [f.text for f in facts] == [
        "Union leader Marta Okafor said talks with Northline Ferries collapsed."
    ]
    assert dropped == {"ungrounded_number": 1, "ungrounded_name": 1, "unsupported": 1, "duplicate": 1}


def test_limit_caps_the_kept_items(ferry: list[dict[str, Any]]) -> None:
    texts = [a["text"] for a in ferry]
    items = ["340 workers went on strike.", "Northline Ferries will make a new offer on Wednesday."]
    facts, dropped = ground_items(items, analyze(texts), texts, limit=1, same_fact=THRESHOLD)
    assert len(facts) == 1 and dropped["over_limit"] == 1


def test_a_set_stop_ends_disputes_and_key_facts() -> None:
    # The deadline can fall in any stage: reading disputes and merging facts check it too.
    sentences = analyze([a["text"] for a in load_cluster()])
    salience = compute_salience(sentences)
    stop = threading.Event()
    stop.set()
    with pytest.raises(Cancelled):
        find_conflicts(sentences, salience, 5, stop=stop)
    with pytest.raises(Cancelled):
        select_facts(sentences, salience, 5, THRESHOLD, stop=stop)
    with pytest.raises(Cancelled):
        same_fact_matrix([s for article in sentences for s in article] * 2, THRESHOLD, stop=stop)
    with pytest.raises(Cancelled):
        sentence_spans(load_cluster()[0]["text"], stop=stop)
