"""The CTranslate2 backend on tiny random-weight checkpoints converted in this session.

The same engine runs once with transformers and once with CTranslate2 in float32: the same
prompts, packing and rows go in, so equal outputs mean equal tokens from the two model calls.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from typing import Any, get_args

import pytest

from service.domain import Cluster
from service.engines.seq2seq import Seq2SeqEngine
from service.settings import Settings
from tests.support.app import serve
from tests.support.articles import to_cluster
from tests.support.models import build_flan_like_t5, build_tiny_led

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        importlib.util.find_spec("ctranslate2") is None,
        reason="ctranslate2 is not installed (pip install 'newsdigest[ctranslate2]')",
    ),
]


@pytest.fixture(scope="module")
def checkpoints(tiny_models: dict[str, Path], tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """BART as built for every engine test; T5 shaped like FLAN-T5 and never writing its pad token
    (T5's start token, which the two backends' n-gram bans count differently; see ct2.py)."""
    t5 = build_flan_like_t5(tiny_models["t5"], tmp_path_factory.mktemp("flan-like-t5"))
    return {"t5": t5, "bart": tiny_models["bart"]}


@pytest.fixture(scope="module")
def cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("ct2-cache")


def outputs(settings: Settings, clusters: list[Cluster]) -> list[tuple[str, int, list[str]]]:
    e = Seq2SeqEngine.from_settings(settings)
    e.load()
    return [(r.summary, r.generated_tokens, [f.text for f in r.key_facts]) for r in e.summarize(clusters)]


def batches(ferry: list[dict[str, Any]]) -> list[list[Cluster]]:
    """One request alone, and several of different lengths and word budgets together."""
    return [
        [to_cluster(ferry)],
        [to_cluster(ferry), to_cluster(ferry[1:2], max_words=15), to_cluster(ferry[:2], max_words=40)],
    ]


@pytest.mark.parametrize("family", ["t5", "bart"])
def test_float32_greedy_tokens_equal_transformers(
    checkpoints: dict[str, Path], cache: Path, ferry: list[dict[str, Any]], family: str
) -> None:
    common = dict(model=str(checkpoints[family]), num_beams=1, summary_max_new_tokens=40)
    for clusters in batches(ferry):
        expected = outputs(Settings(**common), clusters)  # type: ignore[arg-type]
        got = outputs(
            Settings(**common, backend="ctranslate2", compute_type="float32", ct2_cache_dir=cache),  # type: ignore[arg-type]
            clusters,
        )
        assert got == expected
        # Real text of real length, not empty or all padding: the comparison compares something.
        assert all(n > 10 and text for text, n, _ in got)


@pytest.mark.parametrize("family", ["t5", "bart", "flan-like"])
def test_beam_search_equals_transformers_on_the_tiny_models(
    tiny_models: dict[str, Path],
    checkpoints: dict[str, Path],
    cache: Path,
    ferry: list[dict[str, Any]],
    family: str,
) -> None:
    """Beam search (4 beams, patience 1, the same length penalty) gives the same tokens on the
    tiny T5 and BART, and on the FLAN-like T5 without the n-gram ban: with it, the FLAN-like T5's
    searches part ways (CTranslate2's ban in beam search is its own; OpenNMT/CTranslate2#1493), so
    beam outputs with the ban are not promised equal. T5 without the ban: this T5 writes its start
    token, which the bans count differently."""
    ngram = 3 if family == "bart" else 0
    model = checkpoints["t5"] if family == "flan-like" else tiny_models[family]
    common = dict(
        model=str(model),
        num_beams=4,
        summary_max_new_tokens=30,
        summary_no_repeat_ngram_size=ngram,
        facts_no_repeat_ngram_size=ngram,
    )
    clusters = batches(ferry)[1]
    expected = outputs(Settings(**common), clusters)  # type: ignore[arg-type]
    got = outputs(Settings(**common, backend="ctranslate2", ct2_cache_dir=cache), clusters)  # type: ignore[arg-type]
    assert got == expected
    assert all(text for text, _, _ in got)


def test_unsupported_compute_type_fails_at_startup_listing_the_supported(
    checkpoints: dict[str, Path], cache: Path
) -> None:
    import ctranslate2

    supported = ctranslate2.get_supported_compute_types("cpu")
    choices = [c for c in get_args(Settings.model_fields["compute_type"].annotation) if c != "default"]
    unsupported = [c for c in choices if c not in supported]
    if not unsupported:
        pytest.skip("this CPU supports every compute type")
    settings = Settings(
        model=str(checkpoints["bart"]),
        backend="ctranslate2",
        device="cpu",
        compute_type=unsupported[0],
        ct2_cache_dir=cache,
    )
    with pytest.raises(ValueError, match=f"COMPUTE_TYPE={unsupported[0]} is not supported") as info:
        Seq2SeqEngine.from_settings(settings).load()
    assert all(c in str(info.value) for c in supported)
    # Over HTTP: the service stays unready, and /readyz says why.
    why = f"failed to load: ValueError: .*={unsupported[0]} is not"
    with pytest.raises(AssertionError, match=why), serve(settings):
        pass


def test_a_family_ctranslate2_cannot_convert_fails_with_a_clear_message(
    tiny_models: dict[str, Path], tmp_path: Path
) -> None:
    led = build_tiny_led(tiny_models["t5"], tmp_path / "led")
    e = Seq2SeqEngine.from_settings(
        Settings(model=str(led), backend="ctranslate2", ct2_cache_dir=tmp_path / "cache")
    )
    with pytest.raises(ValueError, match=r"cannot convert .* \(led\).*SUMMARIZER_BACKEND=transformers"):
        e.load()
    # Nothing half-made is left for a later load to pick up.
    assert not any((tmp_path / "cache").iterdir())


def test_conversion_is_cached_and_a_converted_directory_is_used_as_is(
    checkpoints: dict[str, Path], tmp_path: Path, ferry: list[dict[str, Any]]
) -> None:
    cache = tmp_path / "cache"
    settings = Settings(
        model=str(checkpoints["bart"]), backend="ctranslate2", num_beams=1, ct2_cache_dir=cache
    )
    first = Seq2SeqEngine.from_settings(settings)
    first.load()
    (converted,) = cache.iterdir()
    stamp = (converted / "model.bin").stat()
    second = Seq2SeqEngine.from_settings(settings)
    second.load()
    assert list(cache.iterdir()) == [converted]
    after = (converted / "model.bin").stat()
    assert (after.st_ino, after.st_mtime_ns) == (stamp.st_ino, stamp.st_mtime_ns)  # not reconverted
    # The converted directory as the model: no cache involved, same family, same output.
    direct = Seq2SeqEngine.from_settings(
        Settings(model=str(converted), backend="ctranslate2", num_beams=1, ct2_cache_dir=tmp_path / "unused")
    )
    direct.load()
    assert not (tmp_path / "unused").exists()
    assert direct.family == first.family == "plain" and direct.max_input_tokens == first.max_input_tokens
    clusters = [to_cluster(ferry)]
    assert direct.summarize(clusters)[0].summary == first.summarize(clusters)[0].summary


def test_missing_extra_is_a_clear_startup_error(
    checkpoints: dict[str, Path], cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "ctranslate2", None)  # as if the extra were not installed
    e = Seq2SeqEngine.from_settings(
        Settings(model=str(checkpoints["bart"]), backend="ctranslate2", ct2_cache_dir=cache)
    )
    with pytest.raises(ImportError, match=r"newsdigest\[ctranslate2\]"):
        e.load()


def test_settings_keep_each_backends_precision_knobs_apart() -> None:
    with pytest.raises(ValueError, match="set SUMMARIZER_COMPUTE_TYPE instead"):
        Settings(model="m", backend="ctranslate2", dtype="bfloat16")
    with pytest.raises(ValueError, match="set SUMMARIZER_DTYPE or SUMMARIZER_QUANTIZE instead"):
        Settings(model="m", compute_type="int8")


def test_request_through_the_app_with_the_ctranslate2_backend(
    checkpoints: dict[str, Path],
    cache: Path,
    ferry: list[dict[str, Any]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("SUMMARIZER_MODEL", str(checkpoints["t5"]))
    monkeypatch.setenv("SUMMARIZER_BACKEND", "ctranslate2")
    monkeypatch.setenv("SUMMARIZER_COMPUTE_TYPE", "int8")
    monkeypatch.setenv("SUMMARIZER_CT2_CACHE_DIR", str(cache))
    with serve() as client:
        assert client.get("/readyz").json()["engine"] == "seq2seq"
        r = client.post(
            "/v1/summarize", json={"articles": ferry, "options": {"max_words": 30, "num_facts": 3}}
        )
        assert r.status_code == 200, r.text
        data = r.json()
        assert data["model"] == str(checkpoints["t5"]) and data["generated_tokens"] > 0
        assert data["input"]["unit"] == "tokens" and data["input"]["budget"] == 512
        assert len(data["key_facts"]) <= 3


def test_calls_at_once_give_what_they_give_one_by_one_and_a_stopped_row_ends(
    checkpoints: dict[str, Path], cache: Path, ferry: list[dict[str, Any]]
) -> None:
    """The translator's two workers: calls run at once (and a lone call cut in two) give exactly
    the outputs of one call after the other, and a row whose stop is set ends early."""
    import threading

    from service.engines.ct2 import CT2Runtime
    from service.engines.runtime import DecodeCall

    settings = Settings(
        model=str(checkpoints["t5"]),
        backend="ctranslate2",
        compute_type="float32",
        ct2_cache_dir=cache,
        num_beams=1,  # greedy: a stop ends a row at its next token (beam search has no callback)
    )
    runtime = CT2Runtime.load(settings.model_settings())
    assert runtime.model.num_translators == 2  # two workers on the 2 cores of these machines
    gens = [settings.model_settings().decoding("summary")[0], settings.model_settings().decoding("facts")[0]]
    texts = [a["text"] for a in ferry]
    calls = [
        DecodeCall([f"summarize: {t}" for t in texts], gens[0], [12, 20, 16], [None] * 3, 128),
        DecodeCall([f"facts: {t}" for t in texts[:2]], gens[1], [18, 9], [None] * 2, 128),
    ]
    one_by_one = [runtime.decode(c.prompts, c.gen, c.limits, c.stop, c.max_input_tokens) for c in calls]
    assert runtime.decode_all(calls) == one_by_one
    assert runtime.decode_all(calls[:1]) == one_by_one[:1]  # cut in two halves, joined back
    assert all(n > 5 for _, counts in one_by_one for n in counts)
    stop = [threading.Event(), threading.Event()]
    stop[1].set()
    ((_, counts),) = runtime.decode_all([DecodeCall(calls[1].prompts, gens[1], [30, 30], stop, 128)])
    assert counts[0] > 5 and counts[1] <= 2
