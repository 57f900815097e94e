"""The seq2seq engine on tiny random-weight T5 and BART checkpoints built in this session.

The weights are random, so these tests check the plumbing (templates, budget, truncation report,
grounding, batching, determinism, response shape), never the generated words.
"""

from pathlib import Path
from typing import Any

import pytest
import torch

from service.engines.base import run_batch
from service.engines.seq2seq import Seq2SeqEngine
from service.errors import InvalidInput
from service.nlp.words import count_words
from service.settings import Settings
from tests.support.app import serve
from tests.support.articles import to_cluster
from tests.support.models import build_canned_t5

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module", params=["t5", "bart"])
def engine(request: pytest.FixtureRequest, tiny_models: dict[str, Path]) -> Seq2SeqEngine:
    e = Seq2SeqEngine.from_settings(
        Settings(model=str(tiny_models[request.param]), summary_max_new_tokens=40)
    )
    e.load()
    return e


def test_request_through_summarizer_model_env(
    tiny_models: dict[str, Path], ferry: list[dict[str, Any]], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SUMMARIZER_MODEL", str(tiny_models["t5"]))
    monkeypatch.setenv("SUMMARIZER_SUMMARY_MAX_NEW_TOKENS", "24")
    with serve() as client:
        assert client.get("/readyz").json()["engine"] == "seq2seq"
        r = client.post(
            "/v1/summarize", json={"articles": ferry, "options": {"max_words": 30, "num_facts": 3}}
        )
        assert r.status_code == 200, r.text
        data = r.json()
        assert data["engine"] == "seq2seq" and data["model"] == str(tiny_models["t5"])
        assert isinstance(data["summary"], str) and count_words(data["summary"]) <= 30
        assert isinstance(data["key_facts"], list) and len(data["key_facts"]) <= 3
        inp = data["input"]
        assert inp["unit"] == "tokens" and inp["budget"] == 512
        assert [a["article"] for a in inp["articles"]] == [0, 1, 2]
        assert data["generated_tokens"] > 0
        assert {"prepare", "generate", "facts", "queue", "total"} <= set(data["timings_ms"])
        metrics = client.get("/metrics").text
        assert "summarizer_generated_tokens_total 0.0" not in metrics


def test_family_and_limit_come_from_the_checkpoint(engine: Seq2SeqEngine) -> None:
    expected = "instruct" if engine.runtime.model_type == "t5" else "plain"
    assert engine.family == expected
    assert engine.max_input_tokens == 512  # the tokenizer's model_max_length


def test_prompt_is_rendered_from_the_family_template(
    engine: Seq2SeqEngine, ferry: list[dict[str, Any]]
) -> None:
    prepared = engine.prepare(to_cluster(ferry, max_words=45, num_facts=3))
    summary = prepared.prompts["summary"]
    if engine.family == "instruct":
        assert summary.startswith("Summarize the following 3 news articles") and "45 words" in summary
        assert f"Article 2: {ferry[1]['title']}" in summary
        assert "3 most important facts" in prepared.prompts["facts"]
    else:
        assert summary.count(" ||||| ") == 2 and "facts" not in prepared.prompts
    assert ferry[0]["text"].splitlines()[0] in summary


@pytest.mark.parametrize("budget", [200, 260, 320])
def test_input_budget_is_respected_and_truncation_reported(
    tiny_models: dict[str, Path], ferry: list[dict[str, Any]], budget: int
) -> None:
    e = Seq2SeqEngine.from_settings(
        Settings(model=str(tiny_models["t5"]), max_input_tokens=budget, input_selection="lead")
    )
    e.load()
    prepared = e.prepare(to_cluster(ferry))
    for prompt in prepared.prompts.values():
        assert len(e.runtime.tokenizer(prompt)["input_ids"]) <= budget
    usage = [p.usage for p in prepared.packed]
    assert all(u.truncated for u in usage)  # 3 articles of ~250 tokens each can't fit
    assert all(u.included and 0 < u.used < u.total for u in usage)  # lead: every article has a share
    (result,) = e.summarize([to_cluster(ferry)])
    assert result.input.truncated and result.input.budget == budget
    assert result.input.used < result.input.total


def test_prompt_that_cannot_fit_is_a_clear_input_error(
    tiny_models: dict[str, Path], ferry: list[dict[str, Any]]
) -> None:

    e = Seq2SeqEngine.from_settings(Settings(model=str(tiny_models["t5"]), max_input_tokens=100))
    e.load()
    with pytest.raises(InvalidInput, match="leaving no room"):
        e.summarize([to_cluster(ferry)])


def test_budget_over_model_limit_is_refused(tiny_models: dict[str, Path]) -> None:
    e = Seq2SeqEngine.from_settings(Settings(model=str(tiny_models["t5"]), max_input_tokens=4096))
    with pytest.raises(ValueError, match="exceeds the model's limit of 512"):
        e.load()


def test_batch_in_batch_out_and_deterministic(engine: Seq2SeqEngine, ferry: list[dict[str, Any]]) -> None:
    clusters = [to_cluster(ferry), to_cluster(ferry[1:2], max_words=15), to_cluster(ferry)]
    results = run_batch(engine, clusters)
    assert len(results) == 3
    again = engine.summarize([clusters[0]])[0]
    assert results[0].summary == results[2].summary == again.summary
    assert results[0].key_facts == again.key_facts
    assert len(results[1].input.articles) == 1
    assert count_words(results[1].summary) <= 15


# What the canned checkpoint writes for every prompt: one fact the articles back, and one of each
# kind the grounding must drop (an unknown number, an unknown name, nothing backing it, a repeat).
CANNED_FACTS = (
    "- Union leader Marta Okafor said 340 workers had stopped work. - The strike cost 430 euros. "
    "- Mayor Brightwood closed the port. - the weather was mild all week. "
    "- Union leader Marta Okafor said 340 workers had stopped work."
)


@pytest.fixture(scope="module")
def canned_model(tiny_models: dict[str, Path], tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_canned_t5(tiny_models["t5"], CANNED_FACTS, tmp_path_factory.mktemp("canned-t5"))


def test_generated_facts_are_grounded_and_the_rest_dropped_by_reason(
    canned_model: Path, ferry: list[dict[str, Any]]
) -> None:
    """The generated-facts path end to end: generate, split into items, ground, drop, count."""
    settings = Settings(model=str(canned_model), num_beams=1, facts_no_repeat_ngram_size=0)
    e = Seq2SeqEngine.from_settings(settings)
    e.load()
    assert e.family == "instruct"
    (result,) = e.summarize([to_cluster(ferry, num_facts=5)])
    assert [f.text for f in result.key_facts] == [
        "Union leader Marta Okafor said 340 workers had stopped work."
    ]
    (fact,) = result.key_facts
    # Backed by the courier's sentence that says it. The other outlets word the 340 strikers too
    # differently for the same-fact score (tests/engines/test_fact_rules.py has a generated fact
    # that three articles state), so it has the support of that one article.
    first = fact.sources[0]
    assert (first.article, first.sentence) == (1, 1)
    assert "340" in ferry[1]["text"][first.start : first.end]
    assert fact.support == len({s.article for s in fact.sources}) == 1
    assert result.facts_dropped == {
        "ungrounded_number": 1,
        "ungrounded_name": 1,
        "unsupported": 1,
        "duplicate": 1,
    }
    # Over HTTP the same drops reach /metrics.
    with serve(settings) as client:
        r = client.post("/v1/summarize", json={"articles": ferry, "options": {"num_facts": 5}})
        assert r.status_code == 200, r.text
        assert [f["text"] for f in r.json()["key_facts"]] == [fact.text]
        metrics = client.get("/metrics").text
    for reason in result.facts_dropped:
        assert f'summarizer_facts_dropped_total{{reason="{reason}"}} 1.0' in metrics


def test_plain_family_takes_verbatim_extractive_facts(
    tiny_models: dict[str, Path], ferry: list[dict[str, Any]]
) -> None:
    e = Seq2SeqEngine.from_settings(Settings(model=str(tiny_models["bart"]), summary_max_new_tokens=16))
    e.load()
    (result,) = e.summarize([to_cluster(ferry, num_facts=4)])
    assert e.family == "plain" and 1 <= len(result.key_facts) <= 4
    for fact in result.key_facts:
        src = fact.sources[0]
        assert " ".join(ferry[src.article]["text"][src.start : src.end].split()) == fact.text
    assert result.facts_dropped == {}


def test_instruct_prompts_on_a_bart_checkpoint(
    tiny_models: dict[str, Path], ferry: list[dict[str, Any]]
) -> None:
    """The family can be forced; BART then gets instructions and generated facts too."""
    e = Seq2SeqEngine.from_settings(
        Settings(model=str(tiny_models["bart"]), prompt_family="instruct", facts_max_new_tokens=30)
    )
    e.load()
    (result,) = e.summarize([to_cluster(ferry, num_facts=2)])
    assert e.family == "instruct" and len(result.key_facts) <= 2
    assert result.generated_tokens > 0


@pytest.mark.parametrize("strategy", ["salience", "per-article"])
def test_input_selection_strategies_respect_the_budget(
    tiny_models: dict[str, Path], ferry: list[dict[str, Any]], strategy: str
) -> None:
    e = Seq2SeqEngine.from_settings(
        Settings(model=str(tiny_models["t5"]), max_input_tokens=260, input_selection=strategy)  # type: ignore[arg-type]
    )
    e.load()
    prepared = e.prepare(to_cluster(ferry))
    for prompt in prepared.prompts.values():
        assert len(e.runtime.tokenizer(prompt)["input_ids"]) <= 260
    (result,) = e.summarize([to_cluster(ferry)])
    assert result.input.truncated and len(result.input.articles) == 3
    # Each article is accounted for: it went in (in part), or it is reported as left out.
    assert all(a.used <= a.total and a.included == (a.used > 0) for a in result.input.articles)


def test_int8_quantization_is_opt_in_and_serves(
    tiny_models: dict[str, Path], ferry: list[dict[str, Any]]
) -> None:
    plain = Seq2SeqEngine.from_settings(Settings(model=str(tiny_models["t5"]), summary_max_new_tokens=16))
    plain.load()
    from torch.ao.nn.quantized.dynamic import Linear as QuantizedLinear

    assert not any(isinstance(m, QuantizedLinear) for m in plain.runtime.model.modules())
    e = Seq2SeqEngine.from_settings(
        Settings(model=str(tiny_models["t5"]), summary_max_new_tokens=16, quantize="int8")
    )
    e.load()
    assert any(isinstance(m, QuantizedLinear) for m in e.runtime.model.modules())
    (result,) = e.summarize([to_cluster(ferry)])
    assert result.summary and result.generated_tokens > 0
    with pytest.raises(ValueError, match="CPU-only"):
        Seq2SeqEngine.from_settings(
            Settings(model=str(tiny_models["t5"]), quantize="int8", device="cuda")
        ).load()


def test_bfloat16_is_opt_in_and_float16_needs_a_gpu(tiny_models: dict[str, Path]) -> None:
    e = Seq2SeqEngine.from_settings(Settings(model=str(tiny_models["bart"]), dtype="bfloat16"))
    e.load()
    assert {p.dtype for p in e.runtime.model.parameters()} == {torch.bfloat16}
    with pytest.raises(ValueError, match="needs a GPU"):
        Seq2SeqEngine.from_settings(
            Settings(model=str(tiny_models["t5"]), dtype="float16", device="cpu")
        ).load()
    with pytest.raises(ValueError, match="leave SUMMARIZER_DTYPE at float32"):
        Settings(model=str(tiny_models["t5"]), dtype="bfloat16", quantize="int8")


def test_query_and_background_reach_the_model_input(engine: Seq2SeqEngine) -> None:
    """A query goes into the instruct prompt; the background's repeated sentences stay out of the
    input, its figures still make updates, and articles that add nothing say so."""
    import dataclasses

    from service.facts.finish import NOTHING_NEW
    from tests.support.articles import load_cluster

    quake = load_cluster("quake")
    news = dataclasses.replace(
        to_cluster([quake[2]], num_facts=3),
        query="What do families need?",
        background=to_cluster([quake[0]]).articles,
    )
    prepared = engine.prepare(news)
    packed = " ".join(p.text for p in prepared.packed)
    assert "14 survivors" not in packed and "tents, blankets" in packed
    if engine.family == "instruct":
        assert "What do families need?" in prepared.prompts["summary"]
        assert "1 earlier article" in prepared.prompts["summary"]
    (result,) = engine.summarize([news])
    assert result.novel
    (update,) = result.updates
    assert [c.value for c in update.claims] == ["63 people", "40 people"]
    assert update.claims[1].sources[0].background
    same = dataclasses.replace(to_cluster([quake[0]]), background=to_cluster([quake[0]]).articles)
    (nothing,) = engine.summarize([same])
    assert not nothing.novel and nothing.summary == NOTHING_NEW and nothing.key_facts == []
