"""A loaded checkpoint behind one small interface (`Runtime`): tokenizer, device, the token
arithmetic packing needs, and `decode`, one batched call of the model on a chunk of prompts.

`ModelRuntime` runs the checkpoint with transformers (torch); `ct2.CT2Runtime` runs a CTranslate2
conversion of it. What to feed a model is `seq2seq.py`'s business and how rows are cut into chunks
is `generation.py`'s; neither knows which runtime decodes.
"""

from __future__ import annotations

import logging
import math
import os
import threading
import warnings
from abc import ABC, abstractmethod
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar, cast

import torch
from transformers import (
    AutoModelForSeq2SeqLM,
    AutoTokenizer,
    LogitsProcessor,
    LogitsProcessorList,
    StoppingCriteria,
    StoppingCriteriaList,
)
from transformers.modeling_outputs import BaseModelOutput

from service.settings import Decoding, ModelSettings

log = logging.getLogger(__name__)

# Input limits of model families whose tokenizers don't state one (e.g. 1e30 in old configs).
FALLBACK_MAX_INPUT = 512
# Input tokens the encoder runs at once on CPU (see ModelRuntime.encode).
CPU_ENCODER_TOKENS = 2048


def model_input_limit(tokenizer: Any, config: Any) -> int:
    """The checkpoint's own input limit: tokenizer's model_max_length, else the position table."""
    limit = getattr(tokenizer, "model_max_length", None)
    if isinstance(limit, int) and 0 < limit < 1_000_000:
        return limit
    for name in ("max_encoder_position_embeddings", "max_position_embeddings", "n_positions"):
        value = getattr(config, name, None)
        if isinstance(value, int) and value > 0:
            return value
    return FALLBACK_MAX_INPUT


def usable_cores() -> int:
    """CPU cores this process may use: its affinity mask, capped by a cgroup CPU quota if any."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cores = os.cpu_count() or 1
    try:
        quota, period = Path("/sys/fs/cgroup/cpu.max").read_text().split()[:2]
        if quota != "max":
            cores = min(cores, max(1, int(int(quota) / int(period))))
    except (OSError, ValueError):
        pass
    return cores


def quantize_int8(model: Any) -> Any:
    """Dynamic int8 quantization of the linear layers: weights int8, activations quantized per call.

    Opt-in: faster on CPU, but its effect on a real checkpoint's output is not measured here.
    """
    with warnings.catch_warnings():
        # torch.ao.quantization is deprecated in favour of torchao, and still the one in the wheel.
        warnings.simplefilter("ignore")
        from torch.ao.quantization import quantize_dynamic

        # In place: a quantized copy would leave the fp32 weights' memory with the allocator.
        return quantize_dynamic(model, {torch.nn.Linear}, dtype=torch.qint8, inplace=True)


@dataclass(frozen=True)
class DecodeCall:
    """The arguments of one `Runtime.decode` call."""

    prompts: list[str]
    gen: Decoding
    limits: Sequence[int]
    stop: Sequence[threading.Event | None]
    max_input_tokens: int
    each: Sequence[Decoding] | None = None


Decoded = tuple[list[str], list[int]]  # a call's texts and counts of new tokens


def halves(c: DecodeCall) -> list[DecodeCall]:
    """`c`'s rows as two calls, the first the larger (one call when `c` has a single row)."""
    cut = (len(c.prompts) + 1) // 2
    return [
        DecodeCall(
            c.prompts[rows],
            c.gen,
            list(c.limits[rows]),
            list(c.stop[rows]),
            c.max_input_tokens,
            list(c.each[rows]) if c.each is not None else None,
        )
        for rows in (slice(0, cut), slice(cut, None))
        if c.prompts[rows]
    ]


def joined(parts: Sequence[Decoded]) -> Decoded:
    """The results of `halves`' calls as the one call's."""
    return [t for texts, _ in parts for t in texts], [n for _, counts in parts for n in counts]


class Runtime(ABC):
    """A loaded checkpoint: what packing counts with, and one batched decoding call."""

    tokenizer: Any
    model: Any  # the backend's model object (a torch module, a CTranslate2 translator)
    device: str
    # The checkpoint's own input limit (the engine's budget may be set lower).
    input_limit: int
    # Whether one `decode` call can give its rows different n-gram bans and minimum lengths
    # (`each`): then a request's summary and facts rows share a call whatever those settings.
    per_row_settings: ClassVar[bool] = False

    @property
    @abstractmethod
    def model_type(self) -> str:
        """The checkpoint's Hugging Face model type (t5, bart, ...): it picks the prompt family."""

    @abstractmethod
    def decode(
        self,
        prompts: list[str],
        gen: Decoding,
        limits: Sequence[int],
        stop: Sequence[threading.Event | None],
        max_input_tokens: int,
        each: Sequence[Decoding] | None = None,
    ) -> tuple[list[str], list[int]]:
        """One batched, deterministic decoding call: each prompt's text and its count of new tokens
        (padding excluded, the end token included).

        Row i ends at its own `limits[i]` new tokens, with the output it would have alone under
        `gen` with that limit. A row whose `stop` is set may end early. With `each` (runtimes with
        `per_row_settings`), row i takes its n-gram ban and minimum length from `each[i]`, the
        rest (beams, length penalty) from `gen`."""

    def decode_all(self, calls: Sequence[DecodeCall]) -> list[tuple[list[str], list[int]]]:
        """Each call's `decode` result. One after the other here; a runtime that can run calls at
        once (CTranslate2's translator workers) overrides it."""
        return [self.decode(c.prompts, c.gen, c.limits, c.stop, c.max_input_tokens, c.each) for c in calls]

    # --- token arithmetic ---------------------------------------------------------------------
    def count(self, texts: Sequence[str]) -> list[int]:
        """Token counts of several texts, without special tokens."""
        if not texts:
            return []
        ids = self.tokenizer(list(texts), add_special_tokens=False)["input_ids"]
        return [len(x) for x in ids]

    def cut_after(self, text: str, n_tokens: int) -> int:
        """Character index in `text` after its first `n_tokens` tokens."""
        enc = self.tokenizer(text, add_special_tokens=False, return_offsets_mapping=True)
        offsets = enc["offset_mapping"]
        if n_tokens <= 0 or not offsets:
            return 0
        return int(offsets[min(n_tokens, len(offsets)) - 1][1])

    def prompt_tokens(self, prompt: str) -> int:
        """A whole prompt's length as the model reads it, special tokens included."""
        return len(self.tokenizer(prompt)["input_ids"])


def per_sequence(flags: torch.Tensor, sequences: int) -> torch.Tensor:
    """Per-row flags spread over a decoding step's sequences: beam search passes each row's beams
    (or candidates) together, row-major."""
    return flags.repeat_interleave(sequences // len(flags))


class RowEnds(StoppingCriteria):
    """Ends each row at its own limit of new tokens, and the rows of requests nobody waits for;
    generation ends once every row has ended.

    A row that reaches its limit ends exactly as `max_new_tokens` would end it alone: greedy rows
    are padded from then on, and beam search finalises the row's beams at that length.
    """

    def __init__(self, limits: Sequence[int], stop: Sequence[threading.Event | None]) -> None:
        self.limits = torch.tensor(list(limits))
        self.stop = stop

    def __call__(self, input_ids: torch.LongTensor, scores: Any, **kwargs: Any) -> torch.BoolTensor:
        # An encoder-decoder's decoder input starts with one start token, which is not new.
        done = self.limits <= input_ids.shape[1] - 1
        done |= torch.tensor([e is not None and e.is_set() for e in self.stop])
        return cast(torch.BoolTensor, per_sequence(done, input_ids.shape[0]).to(input_ids.device))


class RowForcedEnd(LogitsProcessor):
    """The checkpoint's forced end token (`forced_eos_token_id`, e.g. BART's) as the last of each
    row's own limit: transformers forces it only at the batch's `max_length`."""

    def __init__(self, limits: Sequence[int], eos: int) -> None:
        self.limits = torch.tensor(list(limits))
        self.eos = eos

    def __call__(self, input_ids: torch.LongTensor, scores: torch.FloatTensor) -> torch.FloatTensor:
        last = per_sequence(self.limits - 1 == input_ids.shape[1] - 1, scores.shape[0]).to(scores.device)
        if not bool(last.any()):
            return scores
        forced = torch.full_like(scores[0], -math.inf)
        forced[self.eos] = 0
        return cast(torch.FloatTensor, torch.where(last[:, None], forced, scores))


class RowNgramBan(LogitsProcessor):
    """Each row's own n-gram ban (`no_repeat_ngram_size`; 0: none), as tensor operations.

    The same bans as transformers' `NoRepeatNGramLogitsProcessor` (a token is banned where it would
    complete an n-gram the row's decoder input already holds), which takes one size per call and
    walks every hypothesis's n-grams in Python at every step; here one `unfold` per size finds
    them, so rows of different bans share a call and the ban costs little per step.
    """

    def __init__(self, sizes: Sequence[int]) -> None:
        self.sizes = torch.tensor(list(sizes))

    def __call__(self, input_ids: torch.LongTensor, scores: torch.FloatTensor) -> torch.FloatTensor:
        sizes = per_sequence(self.sizes, input_ids.shape[0])
        length = input_ids.shape[1]
        for n in sorted({int(x) for x in sizes.tolist() if x > 0 and length >= x}):
            rows = torch.nonzero(sizes == n).flatten().to(input_ids.device)
            if n == 1:  # every token the row has already given
                hit_rows = rows[:, None].expand(-1, length).reshape(-1)
                scores[hit_rows, input_ids[rows].reshape(-1)] = -math.inf
                continue
            ids = input_ids[rows]
            windows = ids.unfold(1, n, 1)  # (rows, length - n + 1, n)
            prefix = ids[:, length - n + 1 :]  # the last n - 1 tokens
            match = (windows[:, :, : n - 1] == prefix[:, None, :]).all(dim=2)
            if not bool(match.any()):
                continue
            which = rows[:, None].expand_as(match)[match]
            scores[which, windows[:, :, n - 1][match]] = -math.inf
        return scores


class RowMinLength(LogitsProcessor):
    """Each row's own minimum of new tokens: its end tokens are banned until it has them."""

    def __init__(self, minimums: Sequence[int], ends: Sequence[int]) -> None:
        self.minimums = torch.tensor(list(minimums))
        self.ends = torch.tensor(list(ends))

    def __call__(self, input_ids: torch.LongTensor, scores: torch.FloatTensor) -> torch.FloatTensor:
        # An encoder-decoder's decoder input starts with one start token, which is not new.
        short = per_sequence(self.minimums > input_ids.shape[1] - 1, scores.shape[0]).to(scores.device)
        if bool(short.any()) and len(self.ends):
            rows = torch.nonzero(short).flatten()
            scores[rows[:, None], self.ends.to(scores.device)[None, :]] = -math.inf
        return scores


@dataclass
class ModelRuntime(Runtime):
    """The checkpoint run by transformers on torch."""

    tokenizer: Any
    model: Any
    device: str
    input_limit: int
    threads: int = 1  # torch's intra-op threads, the CPU cores this runtime may use
    per_row_settings: ClassVar[bool] = True
    # The second of two decoding threads on CPU (`decode_all`), started on first use.
    _helper: ThreadPoolExecutor | None = field(default=None, repr=False)

    @classmethod
    def load(cls, settings: ModelSettings) -> ModelRuntime:
        """Load `settings.model` on the configured device, dtype and quantization."""
        s = settings
        if not s.model:
            raise ValueError("the seq2seq engine needs a model (SUMMARIZER_MODEL)")
        # One engine thread drives torch, so torch may use every core it is given, and no more:
        # more threads than cores (e.g. torch counting a container's host) only thrash.
        threads = s.torch_threads or usable_cores()
        torch.set_num_threads(threads)
        device = "cuda" if s.device == "cuda" or (s.device == "auto" and torch.cuda.is_available()) else "cpu"
        if s.quantize == "int8" and device != "cpu":
            raise ValueError("SUMMARIZER_QUANTIZE=int8 is CPU-only (dynamic quantization)")
        if s.dtype == "float16" and device == "cpu":
            raise ValueError("SUMMARIZER_DTYPE=float16 needs a GPU; on CPU use bfloat16")
        log.info("loading %s on %s", s.model, device)
        tokenizer = AutoTokenizer.from_pretrained(s.model)
        model = AutoModelForSeq2SeqLM.from_pretrained(s.model, dtype=getattr(torch, s.dtype))
        model = model.to(device).eval()
        if s.quantize == "int8":
            model = quantize_int8(model)
        return cls(tokenizer, model, device, model_input_limit(tokenizer, model.config), threads)

    @property
    def model_type(self) -> str:
        return str(self.model.config.model_type)

    # --- the encoder --------------------------------------------------------------------------
    def encode(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> BaseModelOutput:
        """The encoder's output for a batch, run in slices on CPU.

        Decoding gains from every row batched together, the encoder does not: on CPU its cost per
        row grows with the batch (measured on 2 cores, flan-t5-base shape, 512 tokens: 540 ms a row
        up to 4 rows, 660 ms at 32), so it runs a few rows at a time and decoding gets them all.
        """
        rows = input_ids.shape[0]
        step = rows if self.device != "cpu" else max(1, CPU_ENCODER_TOKENS // max(1, input_ids.shape[1]))
        encoder = self.model.get_encoder()
        states = [
            encoder(input_ids=input_ids[i : i + step], attention_mask=attention_mask[i : i + step])[0]
            for i in range(0, rows, step)
        ]
        return BaseModelOutput(last_hidden_state=torch.cat(states) if len(states) > 1 else states[0])

    # --- decoding -----------------------------------------------------------------------------
    def decode_all(self, calls: Sequence[DecodeCall]) -> list[tuple[list[str], list[int]]]:
        """On CPU, every call cut in two halves, decoded by two threads at once, each with half
        the cores: on 2 cores, 8 rows of 512 tokens and 48 new tokens took 10.3 s so against
        12.6 s as one call on both cores (docs/throughput.md). A row's output is its own whatever
        rows share its call (`tests/engines/test_batching.py`), so the cut changes no output."""
        if self.device != "cpu" or self.threads < 2 or sum(len(c.prompts) for c in calls) < 2:
            return super().decode_all(calls)
        split = [halves(c) for c in calls]
        if self._helper is None:
            self._helper = ThreadPoolExecutor(max_workers=1, thread_name_prefix="decode")
        share = self.threads // 2

        def run(part: list[DecodeCall], threads: int) -> list[Decoded]:
            torch.set_num_threads(threads)  # this thread's own (OpenMP's setting is per thread)
            return super(ModelRuntime, self).decode_all(part)

        other = self._helper.submit(run, [p[1] for p in split if len(p) > 1], self.threads - share)
        try:
            mine = run([p[0] for p in split], share)
        finally:
            torch.set_num_threads(self.threads)
        rest = iter(other.result())
        return [joined([m, next(rest)]) if len(p) > 1 else m for p, m in zip(split, mine, strict=True)]

    def decode(
        self,
        prompts: list[str],
        gen: Decoding,
        limits: Sequence[int],
        stop: Sequence[threading.Event | None],
        max_input_tokens: int,
        each: Sequence[Decoding] | None = None,
    ) -> tuple[list[str], list[int]]:
        """One `generate()` call: the decoded texts and each one's count of new tokens."""
        tokenizer = self.tokenizer
        enc = tokenizer(
            prompts, return_tensors="pt", padding=True, truncation=True, max_length=max_input_tokens
        ).to(self.device)
        rows_gen = list(each) if each is not None else [gen] * len(prompts)
        eos = self.model.generation_config.eos_token_id
        ends = sorted(set(eos if isinstance(eos, list) else [eos] if eos is not None else []))
        # The n-gram ban and minimum length per row, our own processors in place of generate()'s
        # (one setting per call, and its ban walks the hypotheses in Python at every step).
        processors = LogitsProcessorList()
        if any(g.no_repeat_ngram_size for g in rows_gen):
            processors.append(RowNgramBan([g.no_repeat_ngram_size for g in rows_gen]))
        if any(g.min_new_tokens for g in rows_gen):
            minimums = [min(g.min_new_tokens, n) for g, n in zip(rows_gen, limits, strict=True)]
            processors.append(RowMinLength(minimums, ends))
        forced = getattr(self.model.generation_config, "forced_eos_token_id", None)
        if isinstance(forced, int) and min(limits) < max(limits):
            processors.append(RowForcedEnd(limits, forced))
        with torch.inference_mode():
            encoded = self.encode(enc["input_ids"], enc["attention_mask"])
            out = self.model.generate(
                **enc,
                encoder_outputs=encoded,
                do_sample=False,
                num_beams=gen.num_beams,
                min_new_tokens=0,
                max_new_tokens=max(limits),
                no_repeat_ngram_size=0,
                length_penalty=gen.length_penalty,
                early_stopping=gen.num_beams > 1,
                logits_processor=processors,
                stopping_criteria=StoppingCriteriaList([RowEnds(limits, stop)]),
            )
        # The first position is the decoder start token, not generated text. A row's own tokens end
        # at its limit or its first end token: what follows is filler (padding, or in beam search
        # the end token again when the pad id is 0, as T5's is).
        pad = tokenizer.pad_token_id
        rows: list[list[int]] = []
        for ids, limit in zip(out[:, 1:].tolist(), limits, strict=True):
            ids = ids[:limit]
            end = next((i for i, t in enumerate(ids) if t in ends), None)
            rows.append(ids[: end + 1] if end is not None else [t for t in ids if t != pad])
        return tokenizer.batch_decode(rows, skip_special_tokens=True), [len(x) for x in rows]
