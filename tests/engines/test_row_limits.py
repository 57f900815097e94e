"""Rows with different output limits in one decoding call: each ends at its own limit, with the
output it would have alone, on both backends (tiny random-weight checkpoints, whose outputs run to
their limits, so the limits are what decides the lengths)."""

from __future__ import annotations

import importlib.util
from dataclasses import replace
from pathlib import Path

import pytest

from service.engines.generation import Row, batch_key, generate, plan_chunks
from service.engines.runtime import DecodeCall, ModelRuntime, Runtime
from service.settings import Decoding, Settings
from tests.support.models import build_flan_like_t5

pytestmark = pytest.mark.slow

PROMPTS = [
    "summarize: The ferry workers stopped work on Monday over pay and the port stayed closed.",
    "summarize: Officials said both sides would exchange prisoners in Istanbul next week.",
    "summarize: Rain",
    "summarize: The council voted to keep the library open on weekends after a long debate.",
]
LIMITS = [5, 17, 11, 3]
GEN = Decoding(num_beams=1, min_new_tokens=1, no_repeat_ngram_size=0, length_penalty=1.0)


def row(limit: int, decoding: Decoding = GEN, i: int = 0) -> Row:
    return Row((i, "summary"), "summarize: x", 3, decoding, limit, None)


def test_rows_that_differ_only_in_their_limit_share_a_chunk() -> None:
    rows = [row(n) for n in LIMITS]
    assert plan_chunks([10] * 4, [batch_key(r) for r in rows], 10_000, 512) == [[0, 1, 2, 3]]
    # A limit within a token of the minimum length keeps the row apart: the two shape its end together.
    eight = replace(GEN, min_new_tokens=8)
    assert batch_key(row(9, eight)) != batch_key(row(30, eight))
    # Other decoding settings still split.
    assert batch_key(row(9, replace(GEN, num_beams=3))) != batch_key(row(9))


def runtimes(tiny_models: dict[str, Path], tmp: Path) -> dict[str, Runtime]:
    found: dict[str, Runtime] = {}
    models = {"t5": build_flan_like_t5(tiny_models["t5"], tmp / "flan-like"), "bart": tiny_models["bart"]}
    for family, path in models.items():
        found[f"transformers-{family}"] = ModelRuntime.load(Settings(model=str(path)).model_settings())
        if importlib.util.find_spec("ctranslate2") is not None:
            from service.engines.ct2 import CT2Runtime

            settings = Settings(
                model=str(path), backend="ctranslate2", compute_type="float32", ct2_cache_dir=tmp / "ct2"
            )
            found[f"ctranslate2-{family}"] = CT2Runtime.load(settings.model_settings())
    return found


@pytest.fixture(scope="module")
def loaded(tiny_models: dict[str, Path], tmp_path_factory: pytest.TempPathFactory) -> dict[str, Runtime]:
    return runtimes(tiny_models, tmp_path_factory.mktemp("row-limits"))


@pytest.mark.parametrize("beams", [1, 3])
@pytest.mark.parametrize(
    "name", ["transformers-t5", "transformers-bart", "ctranslate2-t5", "ctranslate2-bart"]
)
def test_each_row_ends_at_its_own_limit_with_its_output_alone(
    loaded: dict[str, Runtime], name: str, beams: int
) -> None:
    if name not in loaded:
        pytest.skip("ctranslate2 is not installed (pip install 'newsdigest[ctranslate2]')")
    runtime = loaded[name]
    gen = replace(GEN, num_beams=beams)
    stop = [None] * len(PROMPTS)
    together = runtime.decode(PROMPTS, gen, LIMITS, stop, 512)
    alone = [runtime.decode([p], gen, [n], [None], 512) for p, n in zip(PROMPTS, LIMITS, strict=True)]
    assert together == ([t for (t,), _ in alone], [n for _, (n,) in alone])
    # The random weights rarely choose to end: rows ran to their own limits, not the longest's.
    assert all(n <= limit for n, limit in zip(together[1], LIMITS, strict=True))
    assert together[1] == LIMITS


def test_generate_puts_rows_of_different_limits_into_one_call(loaded: dict[str, Runtime]) -> None:
    runtime = loaded["transformers-t5"]
    calls: list[list[int]] = []
    decode_all = runtime.decode_all

    # The planned calls (a CPU runtime then cuts each in two for its two threads).
    def counting(planned: list[DecodeCall]) -> object:
        calls.extend(list(c.limits) for c in planned)
        return decode_all(planned)

    rows = [
        Row((i, "summary"), p, runtime.prompt_tokens(p), GEN, n, None)
        for i, (p, n) in enumerate(zip(PROMPTS, LIMITS, strict=True))
    ]
    object.__setattr__(runtime, "decode_all", counting)
    try:
        out = generate(runtime, rows, 10_000, 512)
    finally:
        object.__delattr__(runtime, "decode_all")
    assert len(calls) == 1 and sorted(calls[0]) == sorted(LIMITS)
    assert [out[(i, "summary")].new_tokens for i in range(len(PROMPTS))] == LIMITS


def test_rows_of_different_bans_and_minimums_share_a_call_with_their_outputs_alone(
    loaded: dict[str, Runtime],
) -> None:
    # The summary's and the facts' defaults differ in their n-gram ban (3 and 4): on a runtime
    # that takes them per row, one call decodes both, each row as it would decode alone.
    runtime = loaded["transformers-t5"]
    decodings = [
        replace(GEN, no_repeat_ngram_size=n, min_new_tokens=m) for n, m in ((3, 1), (4, 6), (0, 2), (2, 1))
    ]
    rows = [
        Row((i, "summary"), p, runtime.prompt_tokens(p), d, n, None)
        for i, (p, d, n) in enumerate(zip(PROMPTS, decodings, LIMITS, strict=True))
    ]
    calls: list[int] = []
    decode_all = runtime.decode_all

    def counting(planned: list[DecodeCall]) -> object:
        calls.extend(len(c.prompts) for c in planned)
        return decode_all(planned)

    object.__setattr__(runtime, "decode_all", counting)
    try:
        out = generate(runtime, rows, 10_000, 512)
    finally:
        object.__delattr__(runtime, "decode_all")
    assert calls == [len(PROMPTS)]
    for i, (p, d, n) in enumerate(zip(PROMPTS, decodings, LIMITS, strict=True)):
        (text,), (count,) = runtime.decode([p], d, [n], [None], 512)
        assert (out[(i, "summary")].text, out[(i, "summary")].new_tokens) == (text, count)


@pytest.mark.parametrize("beams", [1, 3])
def test_the_per_row_ban_and_minimum_decode_as_generate_does(loaded: dict[str, Runtime], beams: int) -> None:
    # transformers' own no_repeat_ngram_size and min_new_tokens, one setting per call, against
    # the runtime's per-row processors: the same tokens.
    import torch

    runtime = loaded["transformers-t5"]
    assert isinstance(runtime, ModelRuntime)
    for ban, minimum in ((2, 0), (3, 5), (4, 9)):
        gen = replace(GEN, num_beams=beams, no_repeat_ngram_size=ban, min_new_tokens=minimum)
        for p in PROMPTS:
            enc = runtime.tokenizer([p], return_tensors="pt")
            with torch.inference_mode():
                ref = runtime.model.generate(
                    **enc,
                    do_sample=False,
                    num_beams=beams,
                    max_new_tokens=20,
                    min_new_tokens=minimum,
                    no_repeat_ngram_size=ban,
                    early_stopping=beams > 1,
                )
            (text,), _ = runtime.decode([p], gen, [20], [None], 512)
            assert text == runtime.tokenizer.decode(ref[0], skip_special_tokens=True)


@pytest.mark.parametrize("beams", [1, 3])
def test_two_decoding_threads_give_each_call_what_it_gives_alone(
    loaded: dict[str, Runtime], beams: int
) -> None:
    """On CPU the transformers runtime cuts every call in two and decodes the halves at once, one
    thread each: each call's texts and counts are those of the call run whole, one after another."""
    runtime = loaded["transformers-t5"]
    assert isinstance(runtime, ModelRuntime) and runtime.threads >= 2  # the 2 cores of these machines
    gen = replace(GEN, num_beams=beams, no_repeat_ngram_size=3)
    calls = [
        DecodeCall(PROMPTS, gen, LIMITS, [None] * len(PROMPTS), 512, [gen] * len(PROMPTS)),
        DecodeCall(PROMPTS[:1], replace(gen, length_penalty=2.0), [9], [None], 512),
        DecodeCall(PROMPTS[1:], gen, LIMITS[1:], [None] * 3, 512),
    ]
    whole = [runtime.decode(c.prompts, c.gen, c.limits, c.stop, c.max_input_tokens, c.each) for c in calls]
    assert runtime.decode_all(calls) == whole
    assert [n for _, counts in whole for n in counts][: len(LIMITS)] == LIMITS
