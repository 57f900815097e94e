"""`newsdigest batch --stories`: a day's pile, one article a line, grouped into stories; each story
one output line whose sources index the pile."""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

import pytest

from service.distributed.stories import StoryMeta, story_line, story_rows
from service.settings import Settings
from tests.distributed.test_batch import batch, finish
from tests.support.articles import load_cluster
from tests.support.ray_cluster import RayCluster

STORIES = ("ferry_strike", "prisoner_exchange", "quake")


def pile_lines(seed: int = 3) -> list[dict[str, Any]]:
    articles = [{**a, "id": f"{name}/{a['id']}"} for name in STORIES for a in load_cluster(name)]
    random.Random(seed).shuffle(articles)
    return articles


def write_pile(path: Path, articles: list[Any], extra: tuple[str, ...] = ()) -> None:
    path.write_text("\n".join([*(json.dumps(a) for a in articles), *extra]) + "\n", encoding="utf-8")


def test_a_pile_becomes_one_row_per_story_bad_lines_reported(tmp_path: Path) -> None:
    articles = pile_lines()
    path = tmp_path / "day.jsonl"
    write_pile(
        path, articles, ("{not json", json.dumps({"text": "   "}), json.dumps("A plain string article."))
    )
    rows, metas, bad = story_rows(path, {"num_facts": 3}, Settings())
    assert [b.where for b in bad] == ["day.jsonl:10", "day.jsonl:11"]
    assert "not JSON" in bad[0].reason and "text" in bad[1].reason
    stories = {
        frozenset(articles[i]["id"].split("/")[0] for i in metas[r.id].articles if i < 9) for r in rows
    }
    assert frozenset(STORIES[0:1]) in stories and frozenset(STORIES[1:2]) in stories
    assert sorted(i for m in metas.values() for i in m.articles) == [*range(9), 11]  # line 12: the string
    for r in rows:
        body = json.loads(r.body)
        assert body["options"] == {"num_facts": 3}
        assert [a["text"] for a in body["articles"]] == [
            (articles[i]["text"] if i < 9 else "A plain string article.") for i in metas[r.id].summarized
        ]
    # The same pile in another order: the same story ids, so a rerun over it resumes.
    shuffled = tmp_path / "again.jsonl"
    write_pile(shuffled, [json.loads(json.dumps("A plain string article.")), *pile_lines(seed=11)])
    again, _, _ = story_rows(shuffled, {}, Settings())
    assert {r.id for r in again} == {r.id for r in rows}


def test_a_story_line_indexes_the_pile() -> None:
    meta = StoryMeta(
        articles=[2, 5, 7], summarized=[2, 7], title="t", published={"first": None, "last": None}
    )
    response = {
        "summary": "s",
        "key_facts": [{"text": "f", "support": 2, "sources": [{"article": 0}, {"article": 1}]}],
        "conflicts": [
            {"subject": "x", "claims": [{"sources": [{"article": 1}, {"article": 0, "background": True}]}]}
        ],
    }
    line = story_line("story-1", "sys", response, meta)
    assert [s["article"] for s in line["key_facts"][0]["sources"]] == [2, 7]
    assert [s["article"] for s in line["conflicts"][0]["claims"][0]["sources"]] == [7, 0]
    assert line["articles"] == [2, 5, 7] and line["title"] == "t"


@pytest.mark.slow
def test_batch_stories_on_ray_writes_each_story_once_and_resumes(cluster: RayCluster, tmp_path: Path) -> None:
    articles = pile_lines()
    source, out = tmp_path / "day.jsonl", tmp_path / "stories.jsonl"
    write_pile(source, articles)
    status, err = finish(
        batch(cluster, "--stories", str(source), str(out), "--actors", "2", "--num-cpus", "0.5")
    )
    assert status == 0, err
    assert "3 written, 0 already" in err
    lines = [json.loads(line) for line in out.read_text().splitlines()]
    assert sorted(i for line in lines for i in line["articles"]) == list(range(9))
    for line in lines:
        assert set(line) >= {"id", "system", "title", "articles", "published", "summary", "key_facts"}
        assert {articles[i]["id"].split("/")[0] for i in line["articles"]} in ({s} for s in STORIES)
        for fact in line["key_facts"]:
            for s in fact["sources"]:
                assert s["article"] in line["articles"]
                assert articles[s["article"]]["text"][s["start"] : s["end"]].strip()
    status, err = finish(batch(cluster, "--stories", str(source), str(out)))
    assert status == 0 and "0 written, 3 already" in err, err
