"""The seq2seq checkpoint run by CTranslate2 (`SUMMARIZER_BACKEND=ctranslate2`, the `ctranslate2` extra).

The checkpoint is converted once, on first load, into a cache directory keyed by the checkpoint's
files and the CTranslate2 version; a directory that already holds a converted model is used as is.
Tokenizing, packing and prompts stay the same as with transformers: this module only replaces the
model call (`CT2Runtime.decode`). `ctranslate2` is imported inside functions, so the base install
imports this module without the extra.

Differences from the transformers backend, by construction of CTranslate2:
- A stop (deadline, client gone) ends a row at the next token in greedy decoding (the per-token
  callback); beam search has no callback, so a started chunk runs to its `max_new_tokens`.
- Rows with different output limits share one call in greedy decoding (the callback ends each at
  its own); in beam search they decode in one call per limit.
- The n-gram ban does not count the decoder start token (transformers does): outputs differ only
  when a model generates its start token (T5's pad) as text, which trained checkpoints don't.
- Beam search: equal tokens on the tiny test T5, BART and FLAN-shaped T5 without the n-gram ban;
  with the ban, the FLAN-shaped T5's searches part ways (CTranslate2 applies the ban in beam
  search its own way; OpenNMT/CTranslate2#1493), so beam outputs with the ban (the service's
  default) are not promised equal to transformers'.
- Of a checkpoint's own generation config only forced BOS/EOS tokens are applied; the service's
  decoding settings (beams, lengths, n-gram ban, length penalty) are, as with transformers.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import shutil
import tempfile
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

from service.engines.runtime import (
    FALLBACK_MAX_INPUT,
    DecodeCall,
    Runtime,
    halves,
    joined,
    model_input_limit,
    usable_cores,
)
from service.settings import Decoding, ModelSettings

log = logging.getLogger(__name__)

# The HF config kept beside a conversion: the model type picks the prompt family.
SOURCE_CONFIG = "source_config.json"
# Layer layouts that transformers' modelling code fixes per family, but that a config saved by
# transformers 5 may leave out, while the converter reads them from the config.
LAYOUTS: dict[str, dict[str, bool]] = {
    "bart": {"normalize_before": False, "normalize_embedding": True},
    "mbart": {"normalize_before": True, "normalize_embedding": True},
    "pegasus": {"normalize_before": True, "normalize_embedding": False},
}


def import_ctranslate2() -> ModuleType:
    try:
        import ctranslate2
    except ImportError as e:
        raise ImportError(
            "SUMMARIZER_BACKEND=ctranslate2 needs the ctranslate2 extra:"
            " pip install 'newsdigest[ctranslate2]'"
        ) from e
    return ctranslate2


def is_converted(path: Path) -> bool:
    """Whether `path` holds a CTranslate2 model (its converter writes model.bin beside config.json)."""
    return (path / "model.bin").is_file() and (path / "config.json").is_file()


def cache_root(settings: ModelSettings) -> Path:
    if settings.ct2_cache_dir is not None:
        return settings.ct2_cache_dir
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "newsdigest" / "ct2"


def cache_key(model: str, version: str) -> str:
    """The checkpoint (a directory's files, their sizes and times; else the hub id) and the
    converter's version: a retrained checkpoint or a new CTranslate2 gets a new conversion."""
    h = hashlib.sha256(f"ctranslate2 {version}\n".encode())
    path = Path(model)
    if path.is_dir():
        h.update(str(path.resolve()).encode())
        for f in sorted(p for p in path.rglob("*") if p.is_file()):
            st = f.stat()
            h.update(f"\n{f.relative_to(path)} {st.st_size} {st.st_mtime_ns}".encode())
    else:
        h.update(model.encode())
    return h.hexdigest()[:20]


def convert(model: str, out: Path) -> None:
    """Convert the checkpoint into `out`, whole or not at all: into a temporary sibling, renamed
    into place when complete, so a crash mid-way never leaves a conversion a later load would use."""
    ct2 = import_ctranslate2()
    from ctranslate2.converters import TransformersConverter
    from transformers import AutoConfig, AutoTokenizer, GenerationConfig

    config = AutoConfig.from_pretrained(model)
    if not getattr(config, "is_encoder_decoder", False):
        raise ValueError(f"{model} ({config.model_type}) is not an encoder-decoder checkpoint")

    class Converter(TransformersConverter):  # type: ignore[misc]
        def load_model(self, model_class: Any, path: str, **kwargs: Any) -> Any:
            loaded = super().load_model(model_class, path, **kwargs)
            for name, value in LAYOUTS.get(loaded.config.model_type, {}).items():
                if not hasattr(loaded.config, name):
                    setattr(loaded.config, name, value)
            return loaded

    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}-", dir=out.parent))
    try:
        log.info("converting %s for CTranslate2 %s into %s", model, ct2.__version__, out)
        try:
            Converter(model).convert(str(tmp), force=True)
        except ValueError as e:  # the converter's "No conversion is registered for ..." and kin
            raise ValueError(
                f"the ctranslate2 backend cannot convert {model} ({config.model_type}): {e}."
                " Use SUMMARIZER_BACKEND=transformers for this checkpoint"
            ) from e
        tokenizer = AutoTokenizer.from_pretrained(model)
        tokenizer.save_pretrained(tmp)
        (tmp / SOURCE_CONFIG).write_text(config.to_json_string())
        with contextlib.suppress(OSError):  # a checkpoint without a generation config has none
            GenerationConfig.from_pretrained(model).save_pretrained(tmp)
        fill_missing_tokens(tmp / "config.json", tokenizer, config)
        try:
            tmp.rename(out)
        except OSError:  # another process finished the same conversion first
            if not is_converted(out):
                raise
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def fill_missing_tokens(ct2_config: Path, tokenizer: Any, config: Any) -> None:
    """Name the special tokens the converter took from a tokenizer that lacks them (e.g. a BART
    with a sentencepiece vocabulary and no BOS token) by the model config's ids instead."""
    data = json.loads(ct2_config.read_text())
    for name in ("bos_token", "eos_token", "decoder_start_token"):
        token_id = getattr(config, f"{name}_id", None)
        if name in data and data[name] is None and token_id is not None:
            data[name] = tokenizer.convert_ids_to_tokens(token_id)
    ct2_config.write_text(json.dumps(data, indent=2))


def converted_model(settings: ModelSettings) -> Path:
    """The converted model's directory: `SUMMARIZER_MODEL` itself when it is one, else the cache's,
    converted now if it isn't there yet."""
    model = settings.model or ""
    if is_converted(Path(model)):
        return Path(model)
    ct2 = import_ctranslate2()
    out = cache_root(settings) / cache_key(model, ct2.__version__)
    if is_converted(out):
        log.info("using the CTranslate2 conversion of %s in %s", model, out)
    else:
        if out.exists():  # not ours (ours appear whole): nothing a load could use
            shutil.rmtree(out)
        convert(model, out)
    return out


@dataclass(frozen=True)
class _Pending:
    """A `translate_batch` under way: how many rows it answers, which of them it decodes."""

    rows: int
    live: list[int]
    results: list[Any]  # ctranslate2.AsyncTranslationResult, one per live row


@dataclass
class CT2Runtime(Runtime):
    """The checkpoint converted for, and run by, a CTranslate2 `Translator`."""

    tokenizer: Any
    model: Any  # ctranslate2.Translator
    device: str
    input_limit: int
    source_type: str
    path: Path  # the converted model's directory
    forced_bos: str | None = None
    forced_eos: int | None = None

    @classmethod
    def load(cls, settings: ModelSettings) -> CT2Runtime:
        s = settings
        if not s.model:
            raise ValueError("the seq2seq engine needs a model (SUMMARIZER_MODEL)")
        ct2 = import_ctranslate2()
        device = (
            "cuda"
            if s.device == "cuda" or (s.device == "auto" and ct2.get_cuda_device_count() > 0)
            else "cpu"
        )
        supported = ct2.get_supported_compute_types(device)
        if s.compute_type != "default" and s.compute_type not in supported:
            raise ValueError(
                f"SUMMARIZER_COMPUTE_TYPE={s.compute_type} is not supported by CTranslate2 on {device};"
                f" supported: default, {', '.join(sorted(supported))}"
            )
        path = converted_model(s)
        from transformers import AutoTokenizer, GenerationConfig

        try:
            tokenizer = AutoTokenizer.from_pretrained(path)
        except (OSError, ValueError) as e:
            raise ValueError(
                f"{path} holds a CTranslate2 model but no tokenizer: convert with"
                " --copy_files and the tokenizer's files, or point SUMMARIZER_MODEL at the checkpoint"
            ) from e
        source_type, limit = "", FALLBACK_MAX_INPUT
        source = path / SOURCE_CONFIG
        if source.is_file():
            from transformers import AutoConfig

            config = AutoConfig.from_pretrained(source)
            source_type, limit = config.model_type, model_input_limit(tokenizer, config)
        elif s.prompt_family == "auto":
            raise ValueError(
                f"{path} does not say which model family it was converted from ({SOURCE_CONFIG});"
                " set SUMMARIZER_PROMPT_FAMILY (instruct for T5/FLAN-T5, plain for BART/PEGASUS)"
            )
        else:
            limit = model_input_limit(tokenizer, None)
        forced_bos, forced_eos = None, None
        if (path / "generation_config.json").is_file():
            gc = GenerationConfig.from_pretrained(path)
            if gc.forced_bos_token_id is not None:
                forced_bos = str(tokenizer.convert_ids_to_tokens(gc.forced_bos_token_id))
            forced_eos = gc.forced_eos_token_id
        cores = (s.torch_threads or usable_cores()) if device == "cpu" else 0
        # Two workers of half the cores each: a batch's summary and facts rows (their n-gram bans
        # differ, so they are two calls) decode at once, and a call of small batches loses little
        # with fewer threads. On 2 cores, 16 requests' rows: 19.3 s as two calls at once against
        # 22.5 s one after the other on both cores (docs/throughput.md).
        inter = 2 if cores >= 2 else 1
        log.info("loading %s on %s, compute type %s", path, device, s.compute_type)
        translator = ct2.Translator(
            str(path),
            device=device,
            compute_type=s.compute_type,
            inter_threads=inter,
            intra_threads=max(1, cores // inter) if device == "cpu" else 0,
        )
        return cls(tokenizer, translator, device, limit, source_type, path, forced_bos, forced_eos)

    @property
    def model_type(self) -> str:
        return self.source_type

    def decode(
        self,
        prompts: list[str],
        gen: Decoding,
        limits: Sequence[int],
        stop: Sequence[threading.Event | None],
        max_input_tokens: int,
        each: Sequence[Decoding] | None = None,  # not taken: rows of one call share `gen`
    ) -> tuple[list[str], list[int]]:
        """`translate_batch` calls with the transformers backend's lengths and token counts.

        Greedy rows end at their own limits in one call (the per-token callback); beam search has
        no callback, so its rows decode in one call per limit.
        """
        if gen.num_beams == 1 or len(set(limits)) == 1:
            return self._translate(prompts, gen, limits, stop, max_input_tokens)
        texts, counts = [""] * len(prompts), [0] * len(prompts)
        for limit in sorted(set(limits)):
            rows = [i for i, n in enumerate(limits) if n == limit]
            some_texts, some_counts = self._translate(
                [prompts[i] for i in rows],
                gen,
                [limit] * len(rows),
                [stop[i] for i in rows],
                max_input_tokens,
            )
            for i, text, n in zip(rows, some_texts, some_counts, strict=True):
                texts[i], counts[i] = text, n
        return texts, counts

    def decode_all(self, calls: Sequence[DecodeCall]) -> list[tuple[list[str], list[int]]]:
        """Every call at once on the translator's workers (greedy, or rows of one limit); a lone
        call of several rows is cut in two so that both workers have half. Beam search over rows
        of several limits takes its own calls (`decode`), one after the other."""
        if len(calls) == 1 and len(calls[0].prompts) > 1 and self._one_call(calls[0]):
            return [joined(self.decode_all(halves(calls[0])))]
        pending = [
            self._submit(c.prompts, c.gen, c.limits, c.stop, c.max_input_tokens)
            if self._one_call(c)
            else None
            for c in calls
        ]
        return [
            self._collect(p)
            if p is not None
            else self.decode(c.prompts, c.gen, c.limits, c.stop, c.max_input_tokens)
            for c, p in zip(calls, pending, strict=True)
        ]

    @staticmethod
    def _one_call(c: DecodeCall) -> bool:
        return c.gen.num_beams == 1 or len(set(c.limits)) == 1

    def _translate(
        self,
        prompts: list[str],
        gen: Decoding,
        limits: Sequence[int],
        stop: Sequence[threading.Event | None],
        max_input_tokens: int,
    ) -> tuple[list[str], list[int]]:
        return self._collect(self._submit(prompts, gen, limits, stop, max_input_tokens))

    def _submit(
        self,
        prompts: list[str],
        gen: Decoding,
        limits: Sequence[int],
        stop: Sequence[threading.Event | None],
        max_input_tokens: int,
    ) -> _Pending:
        """One `translate_batch` started on a translator worker (asynchronous)."""
        tokenizer = self.tokenizer
        # transformers forces the end token as the last of `max_new_tokens` (forced_eos_token_id):
        # the model chooses one token fewer and the end token is put after a row that didn't end.
        ends = [n - 1 if self.forced_eos is not None else n for n in limits]
        # A row with room for the forced end token only gets just that.
        live = [i for i, n in enumerate(ends) if n > 0]
        if not live:
            return _Pending(len(prompts), live, [])
        ids = tokenizer([prompts[i] for i in live], truncation=True, max_length=max_input_tokens)["input_ids"]
        source = [tokenizer.convert_ids_to_tokens(x) for x in ids]
        prefix = [[self.forced_bos]] * len(live) if self.forced_bos is not None else None
        live_ends = [ends[i] for i in live]
        live_stop = [stop[i] for i in live]
        callback = None
        if gen.num_beams == 1 and (len(set(live_ends)) > 1 or any(e is not None for e in live_stop)):

            def callback(step: Any) -> bool:
                # Called after each new token (`step.step` from 0): True ends that row there.
                e = live_stop[step.batch_id]
                return step.step + 1 >= live_ends[step.batch_id] or (e is not None and e.is_set())

        results = self.model.translate_batch(
            source,
            prefix,
            beam_size=gen.num_beams,
            patience=1.0,
            length_penalty=gen.length_penalty,
            no_repeat_ngram_size=gen.no_repeat_ngram_size,
            min_decoding_length=min(gen.min_new_tokens, *live_ends),
            max_decoding_length=max(live_ends),
            max_input_length=0,  # inputs are cut above, as for transformers
            return_end_token=True,
            callback=callback,
            asynchronous=True,
        )
        return _Pending(len(prompts), live, results)

    def _collect(self, pending: _Pending) -> tuple[list[str], list[int]]:
        """A started call's texts and counts of new tokens, once it is done."""
        tokenizer = self.tokenizer
        texts, counts = [""] * pending.rows, [1] * pending.rows
        if not pending.live:
            return texts, counts
        outputs = [tokenizer.convert_tokens_to_ids(r.result().hypotheses[0]) for r in pending.results]
        if self.forced_eos is not None:
            outputs = [x if x and x[-1] == self.forced_eos else [*x, self.forced_eos] for x in outputs]
        pad = tokenizer.pad_token_id
        for i, x, text in zip(
            pending.live, outputs, tokenizer.batch_decode(outputs, skip_special_tokens=True), strict=True
        ):
            texts[i], counts[i] = text, sum(1 for t in x if t != pad)
        return texts, counts
