"""Deterministic batched decoding of rows: one row is one prompt of one task of one request.

Rows run together when their decoding settings match (`batch_key`: beams and length penalty, and
on a runtime that cannot set them per row the n-gram ban and minimum length; not their output
limits, each row stops at its own), sorted by input length and cut into
chunks of at most `max_tokens` padded input tokens (`plan_chunks`, a pure function), so similar
lengths share a chunk and little compute goes to padding. A row's output does not depend on its
batch-mates. Each chunk is one `Runtime.decode` call, whichever backend runs the model; rows of
requests nobody waits for any more stop decoding as early as the backend allows.
"""

from __future__ import annotations

import threading
from collections.abc import Hashable, Sequence
from dataclasses import dataclass

from service.engines.runtime import DecodeCall, Runtime
from service.prompts import Task
from service.settings import Decoding

# A row's identity in a batch: (the request's index in the batch, the task).
RowKey = tuple[int, Task]


@dataclass(frozen=True)
class Row:
    key: RowKey
    prompt: str
    tokens: int  # the prompt's length in tokens, special tokens included
    decoding: Decoding
    limit: int  # the most new tokens of its output
    stop: threading.Event | None  # set when nobody wants the row's output any more


@dataclass(frozen=True)
class Generated:
    text: str
    new_tokens: int


# What rows must share to run in one decoding call: their decoding (or the part of it one call
# shares), and their limit or None.
BatchKey = tuple[Hashable, int | None]


def batch_key(row: Row, per_row: bool = False) -> BatchKey:
    """What rows must share to run in one decoding call.

    A row's output limit is not part of it: each row stops at its own (`Runtime.decode`). Rows
    whose limit is within one token of their minimum length keep theirs in the key, as that pair
    then shapes the last steps together (and, with a forced end token, the minimum gets cut).
    With `per_row` (a runtime taking each row's n-gram ban and minimum), only the beams and the
    length penalty must match: a request's summary and facts rows then share a call.
    """
    d = row.decoding
    shared: Hashable = (d.num_beams, d.length_penalty) if per_row else d
    return shared, (row.limit if row.limit <= d.min_new_tokens + 1 else None)


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


def generate(
    runtime: Runtime, rows: Sequence[Row], max_tokens: int, max_input_tokens: int
) -> dict[RowKey, Generated]:
    """Decode every row; the outputs keyed by each row's key."""
    out: dict[RowKey, Generated] = {}
    per_row = runtime.per_row_settings
    keys = [batch_key(r, per_row) for r in rows]
    chunks = [
        [rows[i] for i in chunk]
        for chunk in plan_chunks([r.tokens for r in rows], keys, max_tokens, max_input_tokens)
    ]
    calls = [
        DecodeCall(
            [r.prompt for r in batch],
            batch[0].decoding,
            [r.limit for r in batch],
            [r.stop for r in batch],
            max_input_tokens,
            [r.decoding for r in batch] if per_row else None,
        )
        for batch in chunks
    ]
    for batch, (texts, counts) in zip(chunks, runtime.decode_all(calls), strict=True):
        for row, text, n in zip(batch, texts, counts, strict=True):
            out[row.key] = Generated(text, n)
    return out
