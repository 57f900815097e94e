"""The seq2seq engine: any Hugging Face encoder-decoder checkpoint (T5, FLAN-T5, BART, PEGASUS, LED).

Articles are packed into the model's token budget (see `service.packing`), rendered through the
prompt templates of the checkpoint's family, and decoded deterministically in one batch per task.
"""

from __future__ import annotations

import logging
import math
import os
import threading
import time
import warnings
from collections import Counter
from collections.abc import Hashable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, cast

import torch
from transformers import AutoModelForSeq2SeqLM, AutoTokenizer, StoppingCriteria, StoppingCriteriaList
from transformers.modeling_outputs import BaseModelOutput

from service.engines.base import (
    Cluster,
    Conflict,
    Engine,
    EngineError,
    InputError,
    InputReport,
    KeyFact,
    Result,
)
from service.facts import conflict_sentences, find_conflicts, ground_items, select_facts, split_items
from service.packing import PackedArticle, pack
from service.prompts import PromptFamily, PromptSet, Task, family_for, load_prompts
from service.salience import Salience, compute_salience
from service.settings import GenerationSettings, Settings
from service.text import Sentence, analyze, fit_words

log = logging.getLogger(__name__)

# Input limits of model families whose tokenizers don't state one (e.g. 1e30 in old configs).
FALLBACK_MAX_INPUT = 512
# Input tokens the encoder runs at once on CPU (see Seq2SeqEngine._encode).
CPU_ENCODER_TOKENS = 2048
# Tokens per English word for T5/BART vocabularies, with headroom: sizes max_new_tokens.
TOKENS_PER_WORD = 1.6


@dataclass(frozen=True)
class _Row:
    """One generation: a rendered prompt, how to decode it, and whether anyone still wants it."""

    prompt: str
    tokens: int  # the prompt's length in tokens, special tokens included
    gen: GenerationSettings
    stop: threading.Event | None


@dataclass
class _Prepared:
    sentences: list[list[Sentence]]
    salience: Salience
    packed: list[PackedArticle]
    prompts: dict[Task, str]
    tokens: dict[Task, int]


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


class _Abandoned(StoppingCriteria):
    """Stops the rows of requests nobody waits for; generation ends once every row has stopped."""

    def __init__(self, stop: Sequence[threading.Event | None]) -> None:
        self.stop = stop

    def __call__(self, input_ids: torch.LongTensor, scores: Any, **kwargs: Any) -> torch.BoolTensor:
        flags = torch.tensor([e is not None and e.is_set() for e in self.stop], device=input_ids.device)
        # Beam search passes batch × beams rows, batch-major.
        return cast(torch.BoolTensor, flags.repeat_interleave(input_ids.shape[0] // len(self.stop)))


class Seq2SeqEngine(Engine):
    name = "seq2seq"
    batch_gain = True

    def __init__(self, settings: Settings) -> None:
        if not settings.model:
            raise ValueError("the seq2seq engine needs a model (SUMMARIZER_MODEL)")
        self.settings = settings
        self.model_id: str = settings.model
        self._model: Any = None
        self._tokenizer: Any = None
        self.device = "cpu"
        self.family: PromptFamily = "plain"
        self.prompts: PromptSet | None = None
        self.max_input_tokens = FALLBACK_MAX_INPUT

    # --- loading ------------------------------------------------------------------------------
    def load(self) -> None:
        s = self.settings
        # One engine thread drives torch, so torch may use every core it is given, and no more:
        # more threads than cores (e.g. torch counting a container's host) only thrash.
        torch.set_num_threads(s.torch_threads or usable_cores())
        self.device = (
            "cuda" if s.device == "cuda" or (s.device == "auto" and torch.cuda.is_available()) else "cpu"
        )
        if s.quantize == "int8" and self.device != "cpu":
            raise ValueError("SUMMARIZER_QUANTIZE=int8 is CPU-only (dynamic quantization)")
        if s.dtype == "float16" and self.device == "cpu":
            raise ValueError("SUMMARIZER_DTYPE=float16 needs a GPU; on CPU use bfloat16")
        log.info("loading %s on %s", self.model_id, self.device)
        self._tokenizer = AutoTokenizer.from_pretrained(self.model_id)
        model = AutoModelForSeq2SeqLM.from_pretrained(self.model_id, dtype=getattr(torch, s.dtype))
        self._model = model.to(self.device).eval()
        if s.quantize == "int8":
            self._model = quantize_int8(self._model)
        config = self._model.config
        self.family = family_for(config.model_type) if s.prompt_family == "auto" else s.prompt_family
        self.prompts = load_prompts(s.prompts_dir, self.family)
        limit = model_input_limit(self._tokenizer, config)
        if s.max_input_tokens is not None and s.max_input_tokens > limit:
            raise ValueError(f"max_input_tokens={s.max_input_tokens} exceeds the model's limit of {limit}")
        self.max_input_tokens = s.max_input_tokens or limit
        log.info(
            "model %s (%s): %s prompts, input budget %d tokens, %d torch threads",
            s.model,
            config.model_type,
            self.family,
            self.max_input_tokens,
            torch.get_num_threads(),
        )

    # --- tokenizer helpers --------------------------------------------------------------------
    def _count(self, texts: Sequence[str]) -> list[int]:
        if not texts:
            return []
        ids = self._tokenizer(list(texts), add_special_tokens=False)["input_ids"]
        return [len(x) for x in ids]

    def _cut_after(self, text: str, n_tokens: int) -> int:
        enc = self._tokenizer(text, add_special_tokens=False, return_offsets_mapping=True)
        offsets = enc["offset_mapping"]
        if n_tokens <= 0 or not offsets:
            return 0
        return int(offsets[min(n_tokens, len(offsets)) - 1][1])

    def _prompt_tokens(self, prompt: str) -> int:
        return len(self._tokenizer(prompt)["input_ids"])

    # --- preparation: what goes into the model ------------------------------------------------
    def _render(self, task: Task, cluster: Cluster, texts: Sequence[str]) -> str:
        if self.prompts is None:
            raise EngineError("seq2seq engine used before load()")
        articles = [
            {"number": i + 1, "title": a.title or "", "text": t}
            for i, (a, t) in enumerate(zip(cluster.articles, texts, strict=True))
        ]
        return self.prompts.render(
            task,
            articles=articles,
            max_words=cluster.options.max_words,
            num_facts=cluster.options.num_facts,
        )

    def _prepare(self, cluster: Cluster) -> _Prepared:
        sentences = analyze([a.text for a in cluster.articles])
        if not any(sentences):
            raise InputError("the articles contain no sentences")
        tasks: list[Task] = ["summary"]
        if self.prompts is not None and self.prompts.has("facts") and cluster.options.num_facts > 0:
            tasks.append("facts")
        # The template's own tokens (instructions, titles, separators) come off the budget first.
        empty = [""] * len(cluster.articles)
        overhead = max(self._prompt_tokens(self._render(t, cluster, empty)) for t in tasks)
        # One token of slack per article: pieces tokenized apart can grow by one when joined.
        budget = self.max_input_tokens - overhead - len(cluster.articles)
        if budget < len(cluster.articles):
            raise InputError(
                f"the prompt and titles alone take {overhead} of the model's {self.max_input_tokens}"
                f" input tokens, leaving no room for {len(cluster.articles)} articles"
            )
        texts = [a.text for a in cluster.articles]
        salience = compute_salience(sentences)
        strategy = self.settings.input_selection
        for _ in range(4):
            packed = pack(sentences, texts, budget, self._count, self._cut_after, strategy, salience)
            prompts = {t: self._render(t, cluster, [p.text for p in packed]) for t in tasks}
            tokens = {t: self._prompt_tokens(p) for t, p in prompts.items()}
            excess = max(tokens.values()) - self.max_input_tokens
            if excess <= 0:
                return _Prepared(sentences, salience, packed, prompts, tokens)
            budget -= excess  # tokenization was not additive: pack again with less
        raise EngineError(f"could not fit the prompt into {self.max_input_tokens} tokens")

    # --- generation ---------------------------------------------------------------------------
    def _decoding(self, task: Task, max_words: int | None = None) -> GenerationSettings:
        """The task's decoding settings, the summary's new tokens capped by its word budget."""
        gen = self.settings.generation(task)
        limit = gen.max_new_tokens
        if max_words is not None:
            limit = max(1, min(limit, math.ceil(max_words * TOKENS_PER_WORD)))
        return replace(gen, max_new_tokens=limit, min_new_tokens=min(gen.min_new_tokens, limit))

    def _generate(self, rows: Sequence[_Row]) -> tuple[list[str], list[int]]:
        """Decode rows deterministically; returns the texts and each one's count of new tokens.

        Rows run together only when their decoding settings match (summary and facts rows too,
        when they match), and in length order, cut into chunks of at most `batch_max_tokens` padded
        input tokens: similar lengths share a chunk, so little compute goes to padding. A row's
        output does not depend on its batch-mates.
        """
        lengths = [r.tokens for r in rows]
        texts = [""] * len(rows)
        counts = [0] * len(rows)
        for chunk in self._chunks(lengths, [r.gen for r in rows]):
            out_texts, out_counts = self._generate_chunk(
                [rows[i].prompt for i in chunk], rows[chunk[0]].gen, [rows[i].stop for i in chunk]
            )
            for i, text, n in zip(chunk, out_texts, out_counts, strict=True):
                texts[i], counts[i] = text, n
        return texts, counts

    def _chunks(self, lengths: Sequence[int], keys: Sequence[Hashable]) -> list[list[int]]:
        """Row indices grouped by decoding settings, sorted by input length, cut by the token budget."""
        cap = self.settings.batch_max_tokens
        groups: dict[Hashable, list[int]] = {}
        for i, key in enumerate(keys):
            groups.setdefault(key, []).append(i)
        chunks: list[list[int]] = []
        for rows in groups.values():
            chunk: list[int] = []
            for i in sorted(rows, key=lambda i: lengths[i]):
                longest = min(lengths[i], self.max_input_tokens)
                if chunk and (len(chunk) + 1) * longest > cap:
                    chunks.append(chunk)
                    chunk = []
                chunk.append(i)
            chunks.append(chunk)
        return chunks

    def _encode(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> BaseModelOutput:
        """The encoder's output for a chunk, run in slices on CPU.

        Decoding gains from every row batched together, the encoder does not: on CPU its cost per
        row grows with the batch (measured on 2 cores, flan-t5-base shape, 512 tokens: 540 ms a row
        up to 4 rows, 660 ms at 32), so it runs a few rows at a time and decoding gets them all.
        """
        rows = input_ids.shape[0]
        step = rows if self.device != "cpu" else max(1, CPU_ENCODER_TOKENS // max(1, input_ids.shape[1]))
        encoder = self._model.get_encoder()
        states = [
            encoder(input_ids=input_ids[i : i + step], attention_mask=attention_mask[i : i + step])[0]
            for i in range(0, rows, step)
        ]
        return BaseModelOutput(last_hidden_state=torch.cat(states) if len(states) > 1 else states[0])

    def _generate_chunk(
        self,
        prompts: list[str],
        gen: GenerationSettings,
        stop: Sequence[threading.Event | None],
    ) -> tuple[list[str], list[int]]:
        enc = self._tokenizer(
            prompts,
            return_tensors="pt",
            padding=True,
            truncation=True,
            max_length=self.max_input_tokens,
        ).to(self.device)
        with torch.inference_mode():
            encoded = self._encode(enc["input_ids"], enc["attention_mask"])
            out = self._model.generate(
                **enc,
                encoder_outputs=encoded,
                do_sample=False,
                num_beams=gen.num_beams,
                min_new_tokens=gen.min_new_tokens,
                max_new_tokens=gen.max_new_tokens,
                no_repeat_ngram_size=gen.no_repeat_ngram_size,
                length_penalty=gen.length_penalty,
                early_stopping=gen.num_beams > 1,
                stopping_criteria=StoppingCriteriaList([_Abandoned(stop)]),
            )
        # The first position is the decoder start token, not generated text; padding isn't either.
        new = out[:, 1:]
        pad = self._tokenizer.pad_token_id
        counts = (new != pad).sum(dim=1) if pad is not None else torch.full((len(new),), new.shape[1])
        return self._tokenizer.batch_decode(out, skip_special_tokens=True), [int(n) for n in counts]

    def summarize(
        self, clusters: Sequence[Cluster], stop: Sequence[threading.Event] | None = None
    ) -> list[Result]:
        if self._model is None or self.prompts is None:
            raise EngineError("seq2seq engine used before load()")
        if not clusters:
            return []
        t0 = time.perf_counter()
        prepared = [self._prepare(c) for c in clusters]
        t1 = time.perf_counter()
        stops: list[threading.Event | None] = list(stop) if stop is not None else [None] * len(clusters)
        rows: list[_Row] = []
        for c, p, e in zip(clusters, prepared, stops, strict=True):
            summary = self._decoding("summary", c.options.max_words)
            rows.append(_Row(p.prompts["summary"], p.tokens["summary"], summary, e))
            if "facts" in p.prompts:
                rows.append(_Row(p.prompts["facts"], p.tokens["facts"], self._decoding("facts"), e))
        # Both tasks of every request in one call: rows with the same settings share batches.
        outputs, counts = self._generate(rows)
        t2 = time.perf_counter()

        summaries: list[str] = []
        facts: list[list[KeyFact]] = [[] for _ in clusters]
        dropped: list[Counter[str]] = [Counter() for _ in clusters]
        n_tokens = [0] * len(clusters)
        k = 0
        for i, (c, p) in enumerate(zip(clusters, prepared, strict=True)):
            summaries.append(outputs[k])
            n_tokens[i] = counts[k]
            k += 1
            if "facts" in p.prompts:
                n_tokens[i] += counts[k]
                facts[i], dropped[i] = ground_items(
                    split_items(outputs[k]), p.sentences, [a.text for a in c.articles], c.options.num_facts
                )
                k += 1
        conflicts: list[list[Conflict]] = []
        for i, (c, p) in enumerate(zip(clusters, prepared, strict=True)):
            # Conflicts are read off the articles themselves, whatever the model writes.
            salience = p.salience
            conflicts.append(find_conflicts(p.sentences, salience, c.options.num_facts))
            if "facts" not in p.prompts:  # plain summarizers: the extractive fact selector
                exclude = conflict_sentences(conflicts[i])
                facts[i] = select_facts(p.sentences, salience, c.options.num_facts, exclude)
        t3 = time.perf_counter()

        # Generation is shared by the batch: each request reports the batch's time.
        per_cluster = {
            "prepare": (t1 - t0) * 1e3 / len(clusters),
            "generate": (t2 - t1) * 1e3,
            "facts": (t3 - t2) * 1e3,
        }
        results = []
        for i, (c, p) in enumerate(zip(clusters, prepared, strict=True)):
            results.append(
                Result(
                    summary=fit_words(summaries[i].strip(), c.options.max_words),
                    key_facts=facts[i],
                    input=InputReport(
                        unit="tokens",
                        budget=self.max_input_tokens,
                        articles=tuple(a.usage for a in p.packed),
                    ),
                    engine=self.name,
                    model=self.model_id,
                    generated_tokens=n_tokens[i],
                    facts_dropped=dict(dropped[i]),
                    conflicts=conflicts[i],
                    timings_ms=dict(per_cluster),
                )
            )
        return results
