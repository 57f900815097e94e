"""The rules that make key facts trustworthy, each on project-written text (tests/data/quake.json
and sentence pairs written here): support only from the same fact, no boilerplate, no "no
comment", updates apart from conflicts, and summaries that never state one side of a dispute."""

from datetime import UTC, datetime
from typing import Any

import pytest

from service.domain import Claim, Conflict, SourceRef, Update
from service.engines.embedded import EmbeddedEngine
from service.facts.assemble import Disputes, qualify
from service.facts.grounding import ground_items
from service.facts.same_fact import THRESHOLD, Wording, score
from service.nlp.referents import says_nothing
from service.nlp.sentences import analyze
from service.nlp.words import count_words
from tests.support.articles import load_cluster, to_cluster

ENGINE = EmbeddedEngine()


@pytest.fixture(scope="module")
def quake() -> list[dict[str, Any]]:
    return load_cluster("quake")


@pytest.fixture(scope="module")
def result(quake: list[dict[str, Any]]) -> Any:
    (r,) = ENGINE.summarize([to_cluster(quake, max_words=100, num_facts=10)])
    return r


def same(a: str, b: str) -> bool:
    return score(Wording(a), Wording(b)) >= THRESHOLD


def test_a_restated_fact_is_the_same_fact() -> None:
    assert same(
        "Rescue teams pulled 14 survivors from a collapsed school in Pella, the agency said.",
        "Rescuers pulled 14 survivors from the collapsed school in Pella, the agency said on Sunday.",
    )


def test_a_shared_date_or_year_is_not_a_shared_fact() -> None:
    assert not same(
        "On May 17 the army sent 200 soldiers to the province, officials said.",
        "On May 17 the government closed every school in the province, officials said.",
    )
    assert not same(
        "In 1999 the company opened its first factory in the north of the country.",
        "In 1999 the company lost its chief executive in a plane crash in the north.",
    )


def test_different_figures_for_one_quantity_are_never_the_same_fact() -> None:
    # Word for word alike but for the figure: a disagreement, not support.
    assert not same(
        "The crew spent 19 days, 21 hours and 47 minutes in orbit, NASA said.",
        "The crew spent 19 days, 21 hours and 55 minutes in orbit, NASA said.",
    )


def test_support_counts_the_articles_stating_the_fact(result: Any, quake: list[dict[str, Any]]) -> None:
    top = result.key_facts[0]
    assert top.support == 3 and "14 survivors" in top.text
    for src in top.sources:
        assert "14 survivors" in quake[src.article]["text"][src.start : src.end]
    # Facts with the same support come in the order of their weight; more support first.
    supports = [f.support for f in result.key_facts]
    assert supports == sorted(supports, reverse=True)
    # The two "On May 3" sentences share a date and nothing else: neither backs the other.
    for fact in result.key_facts:
        if "May 3" in fact.text:
            assert fact.support == 1


def test_boilerplate_is_never_a_fact_a_source_or_summary(result: Any, quake: list[dict[str, Any]]) -> None:
    quoted = [result.summary, *(f.text for f in result.key_facts)]
    quoted += [quake[s.article]["text"][s.start : s.end] for f in result.key_facts for s in f.sources]
    for text in quoted:
        assert "contributed to this report" not in text and "555" not in text and "By Tomas" not in text
        assert "(Harbour Wire)" not in text and not text.startswith("_")


def test_no_comment_is_not_a_key_fact(result: Any, quake: list[dict[str, Any]]) -> None:
    assert "declined to comment" in quake[0]["text"]
    assert not any("comment" in f.text for f in result.key_facts)
    assert says_nothing("The ministry could not be reached on Sunday.")
    assert not says_nothing("The ministry commented on the rescue on Sunday.")


def test_a_rising_toll_is_an_update_newest_first(result: Any, quake: list[dict[str, Any]]) -> None:
    (update,) = result.updates
    assert [c.value for c in update.claims] == ["63 people", "40 people"]
    assert [c.published for c in update.claims] == [
        datetime.fromisoformat(quake[2]["published"]),
        datetime.fromisoformat(quake[0]["published"]),
    ]
    # The superseded toll is stated nowhere alone; the newest one may be.
    assert "40 people" not in result.summary
    assert not any("40 people" in f.text for f in result.key_facts)


def test_the_summary_states_no_side_of_a_conflict(result: Any) -> None:
    (conflict,) = result.conflicts
    assert conflict.subject == "seconds"
    assert sorted(c.value for c in conflict.claims) == ["47 seconds", "55 seconds"]
    assert "47 seconds" not in result.summary and "55 seconds" not in result.summary
    assert not any("seconds" in f.text for f in result.key_facts)


def ref(article: int) -> tuple[SourceRef, ...]:
    return (SourceRef(article=article, sentence=0, start=0, end=1),)


PRISONERS = Conflict(
    subject="prisoners",
    claims=(
        Claim(value="1,200 prisoners", text="", sources=ref(0)),
        Claim(value="1,000 prisoners", text="", sources=ref(1)),
    ),
)


def test_a_summary_stating_one_side_gets_a_note() -> None:
    found = Disputes(conflicts=[PRISONERS], updates=[])
    summary = "The two countries agreed to exchange 1,200 prisoners. Talks resume in June."
    qualified = qualify(summary, found, max_words=100)
    assert qualified == f"{summary} Sources differ on prisoners: 1,200 prisoners or 1,000 prisoners."
    # Both sides, or neither: nothing to add.
    both = "They will exchange 1,200 or 1,000 prisoners."
    assert qualify(both, found, 100) == both
    assert qualify("Talks resume in June.", found, 100) == "Talks resume in June."


def test_the_note_fits_the_budget_or_the_side_goes() -> None:
    found = Disputes(conflicts=[PRISONERS], updates=[])
    summary = "The two countries agreed to exchange 1,200 prisoners on Tuesday. Talks resume in June."
    cut = qualify(summary, found, max_words=16)
    assert count_words(cut) <= 16 and "Sources differ" in cut
    # No room for the note at all: the sentence taking a side is left out.
    tight = qualify(summary, found, max_words=10)
    assert count_words(tight) <= 10 and "1,200" not in tight


def test_a_summary_with_only_a_superseded_figure_gets_the_latest() -> None:
    tuesday = datetime(2026, 5, 5, tzinfo=UTC)
    toll = Update(
        subject="people",
        claims=(
            Claim(value="63 people", text="", sources=ref(1), published=tuesday),
            Claim(value="40 people", text="", sources=ref(0), published=datetime(2026, 5, 4, tzinfo=UTC)),
        ),
    )
    qualified = qualify("The quake killed 40 people.", Disputes(conflicts=[], updates=[toll]), 100)
    assert qualified == "The quake killed 40 people. The latest figure for people is 63 people (May 5)."


def test_generated_facts_get_the_same_support_and_dispute_rules(quake: list[dict[str, Any]]) -> None:
    texts = [a["text"] for a in quake]
    sentences = analyze(texts)
    (r,) = ENGINE.summarize([to_cluster(quake, num_facts=10)])
    found = Disputes(conflicts=r.conflicts, updates=r.updates)
    items = [
        "Rescue teams pulled 14 survivors from a collapsed school in Pella.",
        "The quake lasted 47 seconds.",  # one side of the conflict
        "On May 3 the army sent 200 soldiers to Pella.",
    ]
    facts, dropped = ground_items(items, sentences, texts, 10, THRESHOLD, found.one_sided)
    assert dropped == {"disputed": 1}
    survivors, soldiers = facts
    assert survivors.support == 3
    assert soldiers.support == 1  # the other "On May 3" sentence is another fact
