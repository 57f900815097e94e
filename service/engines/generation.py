"""Deterministic batched decoding of rows: one row is one prompt of one task of one request.

Rows run together only when their decoding settings match, sorted by input length and cut into
chunks of at most `max_tokens` padded input tokens (`plan_chunks`, a pure function), so similar
lengths share a chunk and little compute goes to padding. A row's output does not depend on its
batch-mates. Rows of requests nobody waits for any more stop decoding (`Abandoned`).
"""

from __future__ import annotations

import threading
from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from typing import Any, cast

import torch
from transformers import StoppingCriteria, StoppingCriteriaList

from service.engines.runtime import ModelRuntime
from service.prompts import Task
from service.settings import GenerationSettings

# A row's identity in a batch: (the request's index in the batch, the task).
RowKey = tuple[int, Task]


@dataclass(frozen=True)
class Row:
    key: RowKey
    prompt: str
    tokens: int  # the prompt's length in tokens, special tokens included
    gen: GenerationSettings
    stop: threading.Event | None  # set when nobody wants the row's output any more


@dataclass(frozen=True)
class Generated:
    text: str
    new_tokens: int


def plan_chunks(
    lengths: Sequence[int], keys: Sequence[Hashable], max_tokens: int, max_input_tokens: int
) -> list[list[int]]:
    """Row indices grouped by key (decoding settings), sorted by length, cut at `max_tokens` padded.

    A chunk's padded size is its row count times its longest row (inputs are cut at
    `max_input_tokens`); a row longer than `max_tokens` on its own still gets a chunk.
    """
    groups: dict[Hashable, list[int]] = {}
    for i, key in enumerate(keys):
        groups.setdefault(key, []).append(i)
    chunks: list[list[int]] = []
    for rows in groups.values():
        chunk: list[int] = []
        for i in sorted(rows, key=lambda i: lengths[i]):
            longest = min(lengths[i], max_input_tokens)
            if chunk and (len(chunk) + 1) * longest > max_tokens:
                chunks.append(chunk)
                chunk = []
            chunk.append(i)
        chunks.append(chunk)
    return chunks


class Abandoned(StoppingCriteria):
    """Stops the rows of requests nobody waits for; generation ends once every row has stopped."""

    def __init__(self, stop: Sequence[threading.Event | None]) -> None:
        self.stop = stop

    def __call__(self, input_ids: torch.LongTensor, scores: Any, **kwargs: Any) -> torch.BoolTensor:
        flags = torch.tensor([e is not None and e.is_set() for e in self.stop], device=input_ids.device)
        # Beam search passes batch × beams rows, batch-major.
        return cast(torch.BoolTensor, flags.repeat_interleave(input_ids.shape[0] // len(self.stop)))


def generate(
    runtime: ModelRuntime, rows: Sequence[Row], max_tokens: int, max_input_tokens: int
) -> dict[RowKey, Generated]:
    """Decode every row; the outputs keyed by each row's key."""
    out: dict[RowKey, Generated] = {}
    chunks = plan_chunks([r.tokens for r in rows], [r.gen for r in rows], max_tokens, max_input_tokens)
    for chunk in chunks:
        batch = [rows[i] for i in chunk]
        texts, counts = generate_chunk(
            runtime, [r.prompt for r in batch], batch[0].gen, [r.stop for r in batch], max_input_tokens
        )
        for row, text, n in zip(batch, texts, counts, strict=True):
            out[row.key] = Generated(text, n)
    return out


def generate_chunk(
    runtime: ModelRuntime,
    prompts: list[str],
    gen: GenerationSettings,
    stop: Sequence[threading.Event | None],
    max_input_tokens: int,
) -> tuple[list[str], list[int]]:
    """One `generate()` call: the decoded texts and each one's count of new tokens."""
    tokenizer = runtime.tokenizer
    enc = tokenizer(
        prompts, return_tensors="pt", padding=True, truncation=True, max_length=max_input_tokens
    ).to(runtime.device)
    with torch.inference_mode():
        encoded = runtime.encode(enc["input_ids"], enc["attention_mask"])
        out = runtime.model.generate(
            **enc,
            encoder_outputs=encoded,
            do_sample=False,
            num_beams=gen.num_beams,
            min_new_tokens=gen.min_new_tokens,
            max_new_tokens=gen.max_new_tokens,
            no_repeat_ngram_size=gen.no_repeat_ngram_size,
            length_penalty=gen.length_penalty,
            early_stopping=gen.num_beams > 1,
            stopping_criteria=StoppingCriteriaList([Abandoned(stop)]),
        )
    # The first position is the decoder start token, not generated text; padding isn't either.
    new = out[:, 1:]
    pad = tokenizer.pad_token_id
    counts = (new != pad).sum(dim=1) if pad is not None else torch.full((len(new),), new.shape[1])
    return tokenizer.batch_decode(out, skip_special_tokens=True), [int(n) for n in counts]
