"""A random-weight checkpoint in the real flan-t5-base shape, for speed benchmarks.

    python -m benchmarks.checkpoint OUT_DIR [--text FILE ...]

12+12 layers, d_model 768, d_ff 2048 gated-GELU, 12 heads, a 32k sentencepiece vocabulary (trained
here on the given text, by default the DUC 2004 and CNN/DM articles beside the project and the
project's own test text). Once output lengths are fixed, speed depends on the shape, not on the weight values,
so this stands in for google/flan-t5-base where the hub can't be reached. The words it writes are
noise. The directory loads like any checkpoint: SUMMARIZER_MODEL=OUT_DIR.
"""

from __future__ import annotations

import argparse
import logging
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from eval.data import load_examples
from tests.support.tokenizers import train_t5_tokenizer

log = logging.getLogger(__name__)

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "data"
DEFAULT_TEXT = (
    SHARED / "duc2004" / "duc2004_task2.jsonl",
    SHARED / "cnndm" / "frank_cnndm250.jsonl",
    ROOT / "tests" / "data" / "corpus.txt",
)
VOCAB = 32_000
EXTRA_IDS = 100  # T5's sentinel tokens: 32,000 + 100 = flan-t5-base's 32,100 (embedding rows: 32,128)


def _training_text(files: Iterable[Path]) -> list[str]:
    lines: list[str] = []
    for f in files:
        if f.suffix == ".jsonl":
            for ex in load_examples(f):
                for d in ex.documents:
                    lines += d.text.splitlines()
        else:
            lines += f.read_text().splitlines()
    return [line for line in lines if line.strip()]


def build(out: Path, text_files: list[Path], vocab_size: int = VOCAB, tokenizer: Path | None = None) -> Path:
    """The checkpoint in `out`, its vocabulary trained on `text_files`, or taken from `tokenizer`
    (a saved one: where the training text is absent, e.g. on a borrowed GPU machine)."""
    import torch
    from transformers import AutoTokenizer, T5Config, T5ForConditionalGeneration

    # BPE reaches a 32k vocabulary on a few MB of news; unigram stops near 10k. The model keeps
    # the full 32k embedding table whatever the tokenizer uses.
    if tokenizer is not None:
        vocab: Any = AutoTokenizer.from_pretrained(tokenizer)
    else:
        vocab = train_t5_tokenizer(_training_text(text_files), vocab_size, "bpe", EXTRA_IDS)
    log.info("vocabulary: %d pieces", len(vocab))
    config = T5Config(
        vocab_size=32_128,
        d_model=768,
        d_kv=64,
        d_ff=2048,
        num_layers=12,
        num_decoder_layers=12,
        num_heads=12,
        feed_forward_proj="gated-gelu",
        pad_token_id=0,
        eos_token_id=1,
    )
    config.decoder_start_token_id = 0  # T5 starts decoding from the pad token
    # FLAN-T5 has its own output layer; the keyword alone is overridden by T5Config's default.
    config.tie_word_embeddings = False
    torch.manual_seed(0)
    model = T5ForConditionalGeneration(config)
    # As in FLAN-T5, encoder and decoder read one embedding table; only the output layer is apart.
    model.encoder.embed_tokens.weight = model.shared.weight
    model.decoder.embed_tokens.weight = model.shared.weight
    model.save_pretrained(out)
    vocab.save_pretrained(out)
    n = sum(p.numel() for p in model.parameters())
    log.info("saved %s: %.0fM parameters", out, n / 1e6)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.checkpoint", description=__doc__)
    parser.add_argument("out", type=Path)
    parser.add_argument("--text", type=Path, nargs="*", help="training text for the vocabulary")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    files = args.text or [f for f in DEFAULT_TEXT if f.exists()]
    build(args.out, files)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
