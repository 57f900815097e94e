"""The peer a user who cares about speed would write: LitServe with dynamic batching around one
batched `generate()` call. Not part of the service; `benchmarks.batching` runs it as `litserve`.

    python -m benchmarks.litserve_app --model DIR --port 8002 [--max-input-tokens 512 ...]
    python -m benchmarks.litserve_app --backend ctranslate2 --compute-type int8 --model CT2_DIR ...

Each request contributes two rows, its summary prompt and its facts prompt (the same wording as
`benchmarks.plain_app`), and every row of a LitServe batch goes into one `generate()`: greedy or
beam search as asked, each row cut at its own limit afterwards, no n-gram ban (one setting per
call is all `generate()` takes, and a user would not split the call for it). With
`--backend ctranslate2` the batch goes into one `Translator.translate_batch` instead, on a model
already converted (`ct2-transformers-converter --copy_files`, tokenizer beside it), all cores to
the one call as CTranslate2's documentation advises for a single translator.
"""

# No `from __future__ import annotations` here: LitServe reads decode_request's annotation as the
# body's type at run time, and a string there would make FastAPI take `request` as a query field.
import argparse
import math
import os
from typing import Any

import litserve as ls
import torch
from pydantic import BaseModel
from transformers import AutoModelForSeq2SeqLM, AutoTokenizer

# The summary's new tokens per word of its budget, as the service under test sizes them.
TOKENS_PER_WORD = 1.6


class Article(BaseModel):
    text: str


class Options(BaseModel):
    max_words: int | None = None


class SummarizeRequest(BaseModel):
    articles: list[Article]
    options: Options | None = None


class SummarizeAPI(ls.LitAPI):
    def __init__(self, args: argparse.Namespace) -> None:
        super().__init__(
            max_batch_size=args.max_batch_size, batch_timeout=args.batch_timeout, api_path="/v1/summarize"
        )
        self.args = args

    def setup(self, device: str) -> None:
        self.tokenizer: Any = AutoTokenizer.from_pretrained(self.args.model)
        if self.args.backend == "ctranslate2":
            import ctranslate2

            self.translator: Any = ctranslate2.Translator(
                self.args.model,
                device="cpu",
                compute_type=self.args.compute_type,
                inter_threads=1,
                intra_threads=os.cpu_count() or 1,
            )
        else:
            self.model: Any = AutoModelForSeq2SeqLM.from_pretrained(self.args.model).eval()

    def decode_request(self, request: SummarizeRequest) -> tuple[str, int]:
        joined = "\n\n".join(a.text for a in request.articles)
        limit = self.args.summary_max_new_tokens
        words = request.options.max_words if request.options else None
        if words is not None:
            limit = max(1, min(limit, math.ceil(words * TOKENS_PER_WORD)))
        return joined, limit

    def predict(self, batch: list[tuple[str, int]]) -> list[dict[str, Any]]:
        a = self.args
        prompts, limits = [], []
        for joined, summary_limit in batch:
            prompts.append(f"Summarize the following news articles about the same event.\n{joined}\nSummary:")
            prompts.append(f"List the most important facts in the following news articles.\n{joined}\nFacts:")
            limits += [summary_limit, a.facts_max_new_tokens]
        pad, eos = self.tokenizer.pad_token_id, self.tokenizer.eos_token_id
        texts, counts = [], []
        for ids, limit in zip(self._generate(prompts, limits), limits, strict=True):
            ids = ids[:limit]
            ids = ids[: ids.index(eos) + 1] if eos in ids else [t for t in ids if t != pad]
            texts.append(self.tokenizer.decode(ids, skip_special_tokens=True))
            counts.append(len(ids))
        return [
            {"summary": texts[k], "facts": texts[k + 1], "generated_tokens": counts[k] + counts[k + 1]}
            for k in range(0, len(texts), 2)
        ]

    def _generate(self, prompts: list[str], limits: list[int]) -> list[list[int]]:
        """Each prompt's generated ids (the decoder's start token left out), in one call."""
        a = self.args
        shortest = min(a.summary_min_new_tokens, a.facts_min_new_tokens)
        if a.backend == "ctranslate2":
            ids = self.tokenizer(prompts, truncation=True, max_length=a.max_input_tokens)["input_ids"]
            results = self.translator.translate_batch(
                [self.tokenizer.convert_ids_to_tokens(row) for row in ids],
                beam_size=a.num_beams,
                max_decoding_length=max(limits),
                min_decoding_length=shortest,
            )
            return [self.tokenizer.convert_tokens_to_ids(r.hypotheses[0]) for r in results]
        enc = self.tokenizer(
            prompts, return_tensors="pt", padding=True, truncation=True, max_length=a.max_input_tokens
        )
        with torch.inference_mode():
            out = self.model.generate(
                **enc,
                num_beams=a.num_beams,
                do_sample=False,
                min_new_tokens=shortest,
                max_new_tokens=max(limits),
            )
        rows: list[list[int]] = out[:, 1:].tolist()
        return rows

    def encode_response(self, output: dict[str, Any]) -> dict[str, Any]:
        return {
            "summary": output["summary"],
            "key_facts": [{"text": line} for line in output["facts"].splitlines()],
            "generated_tokens": output["generated_tokens"],
        }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.litserve_app", description=__doc__)
    parser.add_argument(
        "--model", required=True, help="checkpoint (ctranslate2: a converted model directory)"
    )
    parser.add_argument("--backend", choices=["transformers", "ctranslate2"], default="transformers")
    parser.add_argument("--compute-type", default="int8", help="ctranslate2's compute type")
    parser.add_argument("--port", type=int, default=8002)
    parser.add_argument("--max-input-tokens", type=int, default=512)
    parser.add_argument("--num-beams", type=int, default=1)
    parser.add_argument("--summary-min-new-tokens", type=int, default=64)
    parser.add_argument("--summary-max-new-tokens", type=int, default=64)
    parser.add_argument("--facts-min-new-tokens", type=int, default=64)
    parser.add_argument("--facts-max-new-tokens", type=int, default=64)
    parser.add_argument("--max-batch-size", type=int, default=16)
    parser.add_argument("--batch-timeout", type=float, default=0.05, help="seconds a batch waits to fill")
    args = parser.parse_args(argv)
    server = ls.LitServer(
        SummarizeAPI(args), accelerator="cpu", devices=1, timeout=False, healthcheck_path="/readyz"
    )
    server.run(
        host="127.0.0.1", port=args.port, log_level="warning", generate_client_file=False, num_api_servers=1
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
