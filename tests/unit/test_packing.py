"""Fitting articles into a token budget: proportional lead truncation, and nothing lost silently."""

from collections.abc import Sequence

import pytest

from service.domain import InputSelection
from service.nlp.packing import pack
from service.nlp.sentences import analyze


def count(texts: Sequence[str]) -> list[int]:
    return [len(t.split()) for t in texts]


def cut_after(text: str, n: int) -> int:
    """Character index after the first n whitespace tokens."""
    words = text.split()
    return len(" ".join(words[:n]))


LONG = " ".join(f"Sentence {i} of the long article has exactly nine words." for i in range(20))
SHORT = "The short article has one sentence of ten words here."


def test_everything_fits_untruncated() -> None:
    texts = [SHORT, "Another short one with eight words in it."]
    packed = pack(analyze(texts), texts, 100, count, cut_after, "lead")
    assert [p.text for p in packed] == texts
    assert not any(p.usage.truncated for p in packed)


def test_budget_respected_and_short_articles_leave_room_for_long_ones() -> None:
    texts = [LONG, SHORT, LONG]
    packed = pack(analyze(texts), texts, 60, count, cut_after, "lead")
    used = [p.usage.used for p in packed]
    assert sum(used) <= 60
    assert packed[1].text == SHORT and not packed[1].usage.truncated
    # Each long article gets at least its equal share (20), and what the short one left over goes to
    # them in whole 10-token sentences, until no further sentence fits.
    assert used[0] >= 20 and used[2] >= 20 and sum(used) == 60
    assert packed[0].text.startswith("Sentence 0 ") and packed[0].usage.truncated
    assert all(p.usage.total == count([t])[0] for p, t in zip(packed, texts, strict=True))


def test_first_sentence_longer_than_share_is_cut_not_dropped() -> None:
    texts = [LONG, LONG, LONG, LONG]
    packed = pack(analyze(texts), texts, 20, count, cut_after, "lead")
    for p in packed:
        assert p.usage.included and p.usage.truncated
        assert p.usage.used == 5 and p.text == "Sentence 0 of the long"


def test_no_room_reports_articles_as_left_out() -> None:
    texts = [SHORT, SHORT, SHORT]
    packed = pack(analyze(texts), texts, 2, count, cut_after, "lead")
    assert [p.usage.included for p in packed] == [False, False, False]
    assert all(p.usage.truncated and p.text == "" for p in packed)


CLUSTER = [
    "Storm Ada hit the coast on Monday. A local bakery sold bread. Storm Ada cut power to 9,000 homes.",
    "Storm Ada cut power to 9,000 homes on Monday. The mayor visited a school. Storm Ada hit the coast.",
    "The football club won its match. Storm Ada hit the coast on Monday and cut power to 9,000 homes.",
]


@pytest.mark.parametrize("strategy", ["salience", "per-article"])
def test_salience_strategies_keep_the_shared_content_within_budget(strategy: InputSelection) -> None:
    sentences = analyze(CLUSTER)
    packed = pack(sentences, CLUSTER, 30, count, cut_after, strategy)
    assert sum(p.usage.used for p in packed) <= 30
    kept = " ".join(p.text for p in packed)
    assert "cut power to 9,000 homes" in kept  # what the articles share
    for p, text in zip(packed, CLUSTER, strict=True):
        assert p.usage.truncated == (p.text != text)
        # Kept sentences stay in their article's order.
        positions = [text.index(s) for s in p.text.split(". ") if s]
        assert positions == sorted(positions)


def test_salience_prefers_cluster_content_over_leads() -> None:
    sentences = analyze(CLUSTER)
    kept = " ".join(p.text for p in pack(sentences, CLUSTER, 20, count, cut_after, "salience"))
    assert "football" not in kept and "bakery" not in kept


def test_everything_that_fits_goes_in_whatever_the_strategy() -> None:
    for strategy in ("salience", "lead", "per-article"):
        packed = pack(analyze(CLUSTER), CLUSTER, 1000, count, cut_after, strategy)  # type: ignore[arg-type]
        assert [p.text for p in packed] == CLUSTER
