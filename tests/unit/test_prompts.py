"""Every prompt template renders with its variables and fails loudly without them."""

import pytest

from service.prompts import PromptError, PromptFamily, Task, family_for, load_prompts
from service.settings import Settings

ARTICLES = [
    {"number": 1, "title": "Strike halts ferries", "text": "Ferry workers walked out on Monday."},
    {"number": 2, "title": "", "text": "The island was cut off."},
]


@pytest.mark.parametrize(
    ("family", "task"), [("instruct", "summary"), ("instruct", "facts"), ("plain", "summary")]
)
def test_template_renders_articles_and_options(family: PromptFamily, task: Task) -> None:
    prompts = load_prompts(Settings().prompts_dir, family)
    text = prompts.render(task, articles=ARTICLES, max_words=77, num_facts=6, query="", background=0)
    assert "Ferry workers walked out on Monday." in text and "The island was cut off." in text
    if family == "instruct":
        assert "Article 1: Strike halts ferries" in text and "Article 2\n" in text
        assert ("77 words" in text) if task == "summary" else ("6 most important facts" in text)
    else:  # summarizers get the text itself, articles joined by the Multi-News separator
        assert text == "Ferry workers walked out on Monday. ||||| The island was cut off."


@pytest.mark.parametrize(
    ("family", "task"), [("instruct", "summary"), ("instruct", "facts"), ("plain", "summary")]
)
def test_missing_variable_fails_loudly(family: PromptFamily, task: Task) -> None:
    prompts = load_prompts(Settings().prompts_dir, family)
    with pytest.raises(PromptError, match="undefined"):
        prompts.render(task, max_words=77, num_facts=6)


def test_plain_family_has_no_facts_template() -> None:
    prompts = load_prompts(Settings().prompts_dir, "plain")
    assert not prompts.has("facts")
    with pytest.raises(PromptError, match="no 'facts' template"):
        prompts.render("facts", articles=ARTICLES, max_words=10, num_facts=1)


def test_family_by_model_type() -> None:
    assert family_for("t5") == "instruct"
    assert {family_for(t) for t in ("bart", "pegasus", "led")} == {"plain"}
