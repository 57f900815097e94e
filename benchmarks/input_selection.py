"""What to feed a seq2seq model: ROUGE recall of the selected input against the references.

    python -m benchmarks.input_selection [--data DUC.jsonl] [--budgets 512 1024] [--tokenizer DIR_OR_HUB_ID]

A real model cannot run here, so this measures the proxy: how much of the references' content
(ROUGE-2 and ROUGE-1 recall, ROUGE-1.5.5 with stemming and no length limit) survives each input
selection strategy of `service.nlp.packing` at each token budget. Tokens are counted with the given
tokenizer, or as 1.3 per word (T5/BART on English news) when none is given.
"""

from __future__ import annotations

import argparse
import math
import statistics
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import get_args

from eval.data import load_examples
from eval.rouge import build_scorer
from service.domain import InputSelection
from service.nlp.packing import pack
from service.nlp.salience import compute_salience
from service.nlp.sentences import analyze

SHARED = Path(__file__).resolve().parents[2] / "shared" / "data" / "duc2004" / "duc2004_task2.jsonl"
TOKENS_PER_WORD = 1.3


def word_proxy() -> tuple[Callable[[Sequence[str]], list[int]], Callable[[str, int], int]]:
    def count(texts: Sequence[str]) -> list[int]:
        return [math.ceil(TOKENS_PER_WORD * len(t.split())) for t in texts]

    def cut_after(text: str, n: int) -> int:
        return len(" ".join(text.split()[: int(n / TOKENS_PER_WORD)]))

    return count, cut_after


def tokenizer_counter(name: str) -> tuple[Callable[[Sequence[str]], list[int]], Callable[[str, int], int]]:
    from transformers import AutoTokenizer

    tok = AutoTokenizer.from_pretrained(name)

    def count(texts: Sequence[str]) -> list[int]:
        return [len(ids) for ids in tok(list(texts), add_special_tokens=False)["input_ids"]] if texts else []

    def cut_after(text: str, n: int) -> int:
        offsets = tok(text, add_special_tokens=False, return_offsets_mapping=True)["offset_mapping"]
        return int(offsets[min(n, len(offsets)) - 1][1]) if n > 0 and offsets else 0

    return count, cut_after


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.input_selection", description=__doc__)
    parser.add_argument("--data", type=Path, default=SHARED)
    parser.add_argument("--budgets", type=int, nargs="+", default=[512, 1024])
    parser.add_argument("--tokenizer", help="count real tokens with this tokenizer")
    args = parser.parse_args(argv)
    examples = load_examples(args.data)
    count, cut_after = tokenizer_counter(args.tokenizer) if args.tokenizer else word_proxy()
    scorer = build_scorer("1.5.5", "-n 2 -m -x")
    prepared = []
    for ex in examples:
        texts = [d.text for d in ex.documents]
        sentences = analyze(texts)
        prepared.append((ex, texts, sentences, compute_salience(sentences)))
    out = sys.stdout
    unit = f"tokens ({args.tokenizer})" if args.tokenizer else f"tokens (~{TOKENS_PER_WORD}/word)"
    out.write(f"| budget | strategy | ROUGE-2 R | ROUGE-1 R | {unit} used |\n|---|---|---|---|---|\n")
    for budget in args.budgets:
        for strategy in get_args(InputSelection):
            r1, r2, used = [], [], []
            for ex, texts, sentences, salience in prepared:
                packed = pack(sentences, texts, budget, count, cut_after, strategy, salience)
                text = "\n".join(p.text for p in packed if p.text)
                s = scorer.score(text, ex.references)
                r1.append(s["ROUGE-1"]["R"])
                r2.append(s["ROUGE-2"]["R"])
                used.append(sum(p.usage.used for p in packed))
            r2_mean, r1_mean = 100 * statistics.mean(r2), 100 * statistics.mean(r1)
            out.write(
                f"| {budget} | {strategy} | {r2_mean:.2f} | {r1_mean:.2f} | {statistics.mean(used):.0f} |\n"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
