"""The grouping behind a digest: stories apart, one story together, the same in any order."""

import json
import random
from pathlib import Path

from service.domain import Article
from service.stories.grouping import Story, group

DATA = Path(__file__).resolve().parents[1] / "data"

# Two earthquakes in one week, in different countries: two stories, though they share every word
# an earthquake story has.
QUAKES = [
    "A magnitude 6.1 earthquake struck the mountain town of Ostrava Vale on Monday, killing at least"
    " 12 people and collapsing the old grain market. Mayor Ilse Brandvik said rescuers were searching"
    " the rubble of the market through the night.",
    "Rescuers in Ostrava Vale pulled two survivors from the ruins of the grain market on Tuesday, a"
    " day after the earthquake killed 12 people. Mayor Ilse Brandvik asked for tents and blankets.",
    "The death toll from Monday's earthquake in Ostrava Vale rose to 15, Mayor Ilse Brandvik said,"
    " as aftershocks shook the valley and families slept outside the grain market.",
    "A magnitude 5.8 earthquake hit the port of Sable Bay on Thursday, cracking the harbour wall and"
    " injuring 30 people, the coastguard said. Governor Ramon Oduya closed the ferry terminal.",
    "Governor Ramon Oduya said the ferry terminal of Sable Bay would stay shut until engineers had"
    " checked the harbour wall the earthquake cracked on Thursday, when 30 people were hurt.",
]


def fixture_articles() -> tuple[list[Article], list[str]]:
    """The three stories of tests/data (a ferry strike, a prisoner exchange, an earthquake)."""
    articles, labels = [], []
    for name in ("ferry_strike", "prisoner_exchange", "quake"):
        for a in json.loads((DATA / f"{name}.json").read_text())["articles"]:
            articles.append(Article(text=a["text"], title=a.get("title")))
            labels.append(name)
    return articles, labels


def partition(stories: list[Story], articles: list[Article]) -> set[frozenset[str]]:
    """The stories as sets of article texts: what does not depend on the articles' order."""
    return {frozenset(articles[i].text for i in s.articles) for s in stories}


def test_each_story_of_the_fixtures_is_one_group() -> None:
    articles, labels = fixture_articles()
    stories = group(articles)
    assert sorted(i for s in stories for i in s.articles) == list(range(len(articles)))
    assert {frozenset(labels[i] for i in s.articles) for s in stories} == {
        frozenset({"ferry_strike"}),
        frozenset({"prisoner_exchange"}),
        frozenset({"quake"}),
    }
    assert len(stories) == 3


def test_two_earthquakes_in_one_week_are_two_stories() -> None:
    articles = [Article(text=t) for t in QUAKES]
    stories = group(articles)
    assert {s.articles for s in stories} == {(0, 1, 2), (3, 4)}


def test_the_same_stories_in_any_order() -> None:
    articles, _ = fixture_articles()
    articles += [Article(text=t) for t in QUAKES]
    want = partition(group(articles), articles)
    for seed in range(5):
        shuffled = list(articles)
        random.Random(seed).shuffle(shuffled)
        assert partition(group(shuffled), shuffled) == want


def test_central_article_is_a_member_and_ranks_every_member() -> None:
    articles, _ = fixture_articles()
    for s in group(articles):
        assert s.central in s.articles
        assert sorted(s.ranked) == list(s.articles)


def test_a_lone_article_and_an_empty_pile() -> None:
    assert group([]) == []
    (only,) = group([Article(text="A storm closed the coastal road at Merrow on Friday.")])
    assert only.articles == (0,) and only.central == 0


def test_identical_articles_are_one_story() -> None:
    text = QUAKES[0]
    stories = group([Article(text=text), Article(text=QUAKES[3]), Article(text=text)])
    assert {s.articles for s in stories} == {(0, 2), (1,)}
