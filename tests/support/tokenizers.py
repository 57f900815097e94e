"""Sentencepiece vocabularies trained on the spot, loaded as T5 tokenizers: for checkpoints built
where the hub can't be reached (the tests' tiny models, the benchmarks' flan-t5-base shape)."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any


def train_t5_tokenizer(lines: list[str], vocab_size: int, model_type: str = "bpe", extra_ids: int = 0) -> Any:
    """A sentencepiece vocabulary trained on `lines`, loaded as a T5 tokenizer (T5's special ids).

    `hard_vocab_limit` is off: a corpus too small for the vocabulary still gives a working one.
    """
    import sentencepiece as spm
    from transformers import AutoTokenizer

    with tempfile.TemporaryDirectory() as tmp:
        raw = Path(tmp)
        (raw / "corpus.txt").write_text("\n".join(lines))
        spm.SentencePieceTrainer.train(
            input=str(raw / "corpus.txt"),
            model_prefix=str(raw / "spiece"),
            vocab_size=vocab_size,
            hard_vocab_limit=False,
            model_type=model_type,
            character_coverage=1.0,
            pad_id=0,
            eos_id=1,
            unk_id=2,
            bos_id=-1,
            minloglevel=2,
        )
        (raw / "tokenizer_config.json").write_text(
            json.dumps({"tokenizer_class": "T5Tokenizer", "model_max_length": 512, "extra_ids": extra_ids})
        )
        # Loading from spiece.model converts it (needs protobuf) into a fast tokenizer.
        return AutoTokenizer.from_pretrained(raw)
