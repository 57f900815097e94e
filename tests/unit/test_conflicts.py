"""Conflicts and updates: one quantity, different values, in different articles."""

from datetime import UTC, datetime
from typing import Any

from fastapi.testclient import TestClient

from service.engines.embedded import EmbeddedEngine
from service.facts.conflicts import find_conflicts
from service.nlp.salience import compute_salience
from service.nlp.sentences import analyze
from tests.support.articles import load_cluster, to_cluster


def conflicts_of(*texts: str, published: tuple[datetime | None, ...] = ()) -> tuple[list[Any], list[Any]]:
    sentences = analyze(list(texts))
    return find_conflicts(sentences, compute_salience(sentences), 10, published)


def test_conflicting_figures_are_returned_with_both_sources() -> None:
    articles = load_cluster("prisoner_exchange")
    sentences = analyze([a["text"] for a in articles])
    (conflict,), updates = find_conflicts(sentences, compute_salience(sentences), limit=5)
    assert updates == []
    assert conflict.subject == "prisoners"
    assert sorted(c.value for c in conflict.claims) == ["1,000 prisoners", "1,200 prisoners"]
    for claim in conflict.claims:
        (src,) = claim.sources
        assert claim.value in articles[src.article]["text"][src.start : src.end]
    assert {c.sources[0].article for c in conflict.claims} == {0, 1}


def test_differently_worded_reports_of_one_count_conflict() -> None:
    (conflict,), _ = conflicts_of(
        # The pair a user tried (issue 13): little wording in common but the figure's own context.
        "Both sides agreed to exchange 1,200 prisoners, officials said.",
        "The two countries will exchange 1,000 prisoners in Istanbul, a Turkish official said.",
    )
    assert sorted(c.value for c in conflict.claims) == ["1,000 prisoners", "1,200 prisoners"]


def test_the_same_count_written_two_ways_is_no_conflict() -> None:
    # "150, 000" (a wire's typesetting), "150,000" and "150000" are one number.
    assert conflicts_of(
        "The floods forced 150, 000 people from their homes, the ministry said.",
        "The floods forced 150,000 people from their homes, the ministry said on Friday.",
    ) == ([], [])
    assert conflicts_of(
        "The government set aside $1.2 million for the repairs, the mayor said.",
        "The government set aside 1,200,000 dollars for the repairs, the mayor said.",
    ) == ([], [])


def test_hedged_figures_that_can_both_be_true_are_no_conflict() -> None:
    assert conflicts_of(
        "At least 300 people were killed in the fighting, the army said.",
        "The fighting killed 312 people, the army said.",
    ) == ([], [])
    assert conflicts_of(
        "About 6,000 passengers use the ferry every day, the company said.",
        "Some 6,200 passengers use the ferry every day, the company said.",
    ) == ([], [])


def test_different_quantities_are_no_conflict() -> None:
    # Far apart in size: a fine for a person and a fine for a company, not two accounts of one.
    assert conflicts_of(
        "The court imposed a 200-rand fine on the driver, the prosecutor said.",
        "The court imposed a 200,000-rand fine on the bus company, the prosecutor said.",
    ) == ([], [])
    # Different kinds: people are not seconds, and a year is not a count.
    assert conflicts_of(
        "The quake lasted 40 seconds in the capital, residents said.",
        "The quake killed 55 people in the capital, residents said.",
    ) == ([], [])
    # Each names a place the other does not.
    assert conflicts_of(
        "The blast killed 213 people in Kenya, officials said.",
        "The blast killed 11 people in Tanzania, officials said.",
    ) == ([], [])


def test_a_running_count_that_grows_between_dated_articles_is_an_update() -> None:
    monday = datetime(2026, 5, 4, 8, tzinfo=UTC)
    tuesday = datetime(2026, 5, 5, 18, tzinfo=UTC)
    conflicts, (update,) = conflicts_of(
        "The quake killed 40 people, officials said.",
        "The quake killed 63 people, officials said on Tuesday.",
        published=(monday, tuesday),
    )
    assert conflicts == []
    assert [(c.value, c.published) for c in update.claims] == [("63 people", tuesday), ("40 people", monday)]
    # Undated, the same pair cannot be ordered: it is reported as a conflict.
    (conflict,), updates = conflicts_of(
        "The quake killed 40 people, officials said.",
        "The quake killed 63 people, officials said on Tuesday.",
    )
    assert updates == [] and {c.published for c in conflict.claims} == {None}


def test_a_later_lower_figure_is_still_a_conflict() -> None:
    # Only a figure that grows between dated articles is an update; one that shrinks is disputed.
    (conflict,), updates = conflicts_of(
        "The quake lasted 55 seconds, the seismology institute said.",
        "The quake lasted 47 seconds, the seismology institute said.",
        published=(datetime(2026, 5, 4, tzinfo=UTC), datetime(2026, 5, 5, tzinfo=UTC)),
    )
    assert updates == [] and conflict.subject == "seconds"


def test_rates_are_not_counts() -> None:
    assert conflicts_of(
        "Autism was once thought to afflict 1 in 2,000 children, the officials said.",
        "Autism affects as many as 2 of every 1,000 children, the officials said.",
    ) == ([], [])


def test_a_sentence_holding_the_other_value_is_no_conflict() -> None:
    # "won 75 seats ... the Liberals won 48": both values are there, for two parties.
    assert conflicts_of(
        "The Liberal Party won only 48 seats in Monday's election, officials said.",
        "The Parti Quebecois won 75 seats in Monday's election, while the Liberal Party won 48.",
    ) == ([], [])


def test_consistent_articles_have_no_conflict(ferry: list[dict[str, Any]]) -> None:
    # 340 strikers everywhere; "about 6,000" and "roughly 6,000" passengers agree.
    sentences = analyze([a["text"] for a in ferry])
    assert find_conflicts(sentences, compute_salience(sentences), limit=5) == ([], [])


def test_engine_does_not_pick_a_version_of_a_disputed_figure() -> None:
    articles = load_cluster("prisoner_exchange")
    (result,) = EmbeddedEngine().summarize([to_cluster(articles, num_facts=5, max_words=100)])
    assert len(result.conflicts) == 1
    for text in [result.summary, *(f.text for f in result.key_facts)]:
        assert "1,200" not in text and "1,000" not in text
    # The transfers sentence is in all three articles: the top fact, with support 3.
    top = result.key_facts[0]
    assert top.support == 3 and "first transfers would begin within two weeks" in top.text


def test_conflicts_in_the_api_response(client: TestClient) -> None:
    articles = load_cluster("prisoner_exchange")
    r = client.post("/v1/summarize", json={"articles": articles, "options": {"num_facts": 4}})
    assert r.status_code == 200
    (conflict,) = r.json()["conflicts"]
    assert conflict["subject"] == "prisoners"
    for claim in conflict["claims"]:
        assert claim["support"] == 1
        (src,) = claim["sources"]
        assert src["article_id"] == articles[src["article"]]["id"]
        assert claim["value"] in articles[src["article"]]["text"][src["start"] : src["end"]]


# Issue 26: the cases a journalist would flag, in the project's own wording.
MONDAY = datetime(2026, 9, 7, 9, tzinfo=UTC)
MONDAY_LATER = datetime(2026, 9, 7, 17, tzinfo=UTC)
THURSDAY = datetime(2026, 9, 10, 12, tzinfo=UTC)


def test_two_wires_giving_different_tolls_on_one_day_conflict() -> None:
    (conflict,), updates = conflicts_of(
        "The earthquake killed 112 people in the mountain villages, the interior ministry said.",
        "The death toll from the earthquake in the mountain villages stood at 131, rescuers said.",
        published=(MONDAY, MONDAY_LATER),
    )
    assert updates == [] and conflict.subject == "deaths"
    assert sorted(c.value for c in conflict.claims) == ["112 people", "131"]


def test_a_count_without_a_noun_is_read_from_its_verb() -> None:
    # "wounding 19" counts the wounded; "injuring 27 others" too; the dead agree (3 and three).
    (conflict,), _ = conflicts_of(
        "The bomb exploded outside the court, killing three people and wounding 19.",
        "A bomb outside the court killed 3 people and injured 27 others, police said.",
    )
    assert conflict.subject == "injured"
    assert sorted(c.value for c in conflict.claims) == ["19", "27 others"]


def test_two_amounts_for_one_fund_conflict() -> None:
    (conflict,), _ = conflicts_of(
        "Donors pledged $2.4 billion for a reconstruction fund for the flooded provinces.",
        "The reconstruction fund for the flooded provinces will hold $3.1 billion, the minister said.",
    )
    assert sorted(c.value for c in conflict.claims) == ["$2.4 billion", "$3.1 billion"]


def test_a_later_article_raising_a_count_is_an_update() -> None:
    conflicts, (update,) = conflicts_of(
        "The wildfire north of Larch Hill has destroyed 120 homes, the fire service said.",
        "The wildfire north of Larch Hill has now destroyed 250 homes, the fire service said.",
        published=(MONDAY, THURSDAY),
    )
    assert conflicts == []
    assert [c.value for c in update.claims] == ["250 homes", "120 homes"]


def test_different_measures_are_no_conflict() -> None:
    assert conflicts_of(
        "Unemployment fell to 4.1 percent in August, the statistics office said.",
        "Inflation rose to 3.2 percent in August, the statistics office said.",
    ) == ([], [])


def test_parts_stages_and_totals_are_no_conflict() -> None:
    # The first stage of a release is not the whole release.
    assert conflicts_of(
        "The government will free 1,027 prisoners under the exchange deal, officials said.",
        "The government released 477 prisoners in the first stage of the exchange deal.",
    ) == ([], [])
    # Those aboard and those on the ground add up to the toll.
    assert conflicts_of(
        "The crash killed all 109 people on board and four people on the ground.",
        "The crash of the jet killed 113 people, investigators said.",
    ) == ([], [])
    # Different groups of people are different counts.
    assert conflicts_of(
        "The floods killed 14 children in the valley, officials said.",
        "The floods killed 40 people in the valley, officials said.",
    ) == ([], [])


def test_each_naming_a_place_the_other_never_mentions_is_no_conflict() -> None:
    assert conflicts_of(
        "The Lauda Air crash killed all 223 people on board.",
        "The crash off Nantucket killed all 217 people on board.",
    ) == ([], [])


def test_summary_states_no_side_of_a_disputed_toll() -> None:
    articles = [
        {
            "id": "a",
            "text": "A ferry capsized off the port of Kessa on Saturday, killing 23 people. "
            "The ferry was travelling to the island of Orm. Rescuers searched the water through the night.",
        },
        {
            "id": "b",
            "text": "Twenty-six people died when a ferry capsized off Kessa on Saturday. "
            "The ferry was travelling to the island of Orm. Divers joined the search on Sunday.",
        },
    ]
    (result,) = EmbeddedEngine().summarize([to_cluster(articles, num_facts=5, max_words=60)])
    (conflict,) = result.conflicts
    assert conflict.subject == "deaths"
    states_23 = "23" in result.summary
    states_26 = "26" in result.summary or "Twenty-six" in result.summary
    assert states_23 == states_26  # both versions or neither
    for fact in result.key_facts:
        assert "23 people" not in fact.text and "Twenty-six" not in fact.text


def test_summary_gives_the_latest_figure_of_an_update() -> None:
    articles = [
        {
            "id": "mon",
            "published": MONDAY.isoformat(),
            "text": "The wildfire north of Larch Hill has destroyed 120 homes, the fire service said. "
            "Crews from three counties are fighting the blaze. Schools in the valley are closed.",
        },
        {
            "id": "thu",
            "published": THURSDAY.isoformat(),
            "text": "The wildfire north of Larch Hill has now destroyed 250 homes, the fire service said. "
            "Crews from three counties are fighting the blaze. Rain is forecast for the weekend.",
        },
    ]
    (result,) = EmbeddedEngine().summarize([to_cluster(articles, num_facts=5, max_words=60)])
    (update,) = result.updates
    assert [c.value for c in update.claims] == ["250 homes", "120 homes"]
    assert "120" not in result.summary or "250" in result.summary
    assert all("120 homes" not in f.text for f in result.key_facts)


DAY1, DAY3 = datetime(2026, 5, 4, tzinfo=UTC), datetime(2026, 5, 6, tzinfo=UTC)


def values(found: list[Any]) -> list[list[str]]:
    return [sorted(c.value for c in item.claims) for item in found]


def test_two_magnitudes_for_one_quake_conflict_across_days() -> None:
    # A magnitude is one fact, not a running count: a later, higher one disputes it.
    conflicts, updates = conflicts_of(
        "A magnitude 5.9 earthquake shook the hill town of Ostrava Nova early on Monday.",
        "The national observatory later put the magnitude at 6.2.",
        published=(DAY1, DAY3),
    )
    assert values(conflicts) == [["5.9", "6.2"]] and updates == []
    assert conflicts[0].subject == "magnitude"


def test_an_aftershock_is_not_the_quake() -> None:
    assert conflicts_of(
        "A magnitude 6.1 earthquake hit the coast of Leda on Sunday.",
        "A strong aftershock of magnitude 5.2 rattled Leda hours later.",
    ) == ([], [])


def test_one_named_persons_age_given_differently_conflicts() -> None:
    (conflict,), _ = conflicts_of(
        "Prosecutors charged the ferry operator's owner, Ilan Varga, 63, with manslaughter.",
        # The role is read as the name where the article gives both ("businessman Ilan Varga").
        "The court heard that the 61-year-old businessman had ignored safety warnings. "
        "Lawyers for businessman Ilan Varga said he would appeal.",
    )
    assert conflict.subject == "age"
    assert sorted(c.value for c in conflict.claims) == ["61", "63"]


def test_two_unnamed_people_of_different_ages_are_no_conflict() -> None:
    assert conflicts_of(
        "A 24-year-old man was detained near the station, police said.",
        "Police said a 31-year-old man had been questioned and released.",
    ) == ([], [])


def test_two_prison_terms_for_one_named_person_conflict() -> None:
    (conflict,), _ = conflicts_of(
        "A court in Marn sentenced former mayor Oskar Lind to nine years in prison on Friday.",
        "Oskar Lind was jailed for seven years for taking bribes, his lawyer said.",
    )
    assert conflict.subject == "years"
    assert sorted(c.value for c in conflict.claims) == ["nine years", "seven years"]


def test_terms_of_different_defendants_are_no_conflict() -> None:
    assert conflicts_of(
        "He was sentenced to 12 years for his part in the fraud.",
        "His accountant was sentenced to four years.",
    ) == ([], [])


def test_a_value_changed_from_is_not_the_current_one() -> None:
    # "from 4.4 percent" is the earlier rate; 4.2 against 4.4 is no dispute.
    assert (
        conflicts_of(
            "Unemployment in Varn fell to 4.2 percent in May from 4.4 percent in April, the office said.",
            "Unemployment in Varn stood at 4.4 percent in April, the office said a month ago.",
        )[0]
        == []
    )


def test_months_of_a_monthly_figure_are_no_conflict() -> None:
    assert conflicts_of(
        "Employers in Varn added 61,000 jobs in March, the statistics office said.",
        "Employers in Varn added 47,000 jobs in April, the statistics office said.",
        published=(datetime(2026, 4, 3, tzinfo=UTC), datetime(2026, 5, 2, tzinfo=UTC)),
    ) == ([], [])


def test_an_undated_report_that_the_toll_has_risen_is_an_update() -> None:
    conflicts, (update,) = conflicts_of(
        "Floods in the Sava valley have killed 14 people, the rescue service said.",
        "The death toll from the Sava valley floods has now risen to 22, the rescue service said.",
    )
    assert conflicts == []
    assert [c.value for c in update.claims] == ["22", "14 people"]


def test_a_forecast_is_not_the_result() -> None:
    assert conflicts_of(
        "Analysts had expected a quarterly profit of 2.1 billion crowns at Norda Bank.",
        "Norda Bank said its quarterly profit rose to 2.4 billion crowns.",
    ) == ([], [])


def test_a_claim_keeps_its_hedge() -> None:
    (conflict,), _ = conflicts_of(
        "More than 2,500 soldiers crossed the border at Velka on Sunday, the army said.",
        "The army said 1,900 soldiers crossed the border at Velka on Sunday.",
    )
    assert sorted(c.value for c in conflict.claims) == ["1,900 soldiers", "more than 2,500 soldiers"]


def test_each_articles_one_count_of_an_event_is_compared_whatever_the_wording() -> None:
    # One figure of the event per article: the two count one thing ("cut" / "shed").
    (conflict,), _ = conflicts_of(
        "Norda Bank will cut 700 jobs by 2028 as it closes branches. It reported higher profit.",
        "The lender plans to shed about 950 jobs over three years, a spokesman told staff.",
    )
    assert sorted(c.value for c in conflict.claims) == ["700 jobs", "about 950 jobs"]


def test_evacuees_going_home_are_not_the_evacuated() -> None:
    assert conflicts_of(
        "Some 9,000 residents of the valley were evacuated on Monday.",
        "About 4,000 evacuees were allowed to return home on Wednesday.",
        published=(DAY1, DAY3),
    ) == ([], [])


def test_a_raised_offer_is_an_update() -> None:
    conflicts, (update,) = conflicts_of(
        "The rail operator offered a pay rise of 4 percent on Monday, which the union rejected.",
        "The rail operator raised its pay offer to 5 percent on Wednesday, and the union accepted.",
        published=(DAY1, DAY3),
    )
    assert conflicts == [] and [c.value for c in update.claims] == ["5 percent", "4 percent"]
