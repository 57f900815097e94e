"""The naive service the batching benchmark compares against: one `generate()` per request and task.

    python -m benchmarks.plain_app --model DIR --port 8001 [--max-input-tokens 512 ...]

What a first version of such a service looks like: a plain FastAPI app, a sync endpoint (FastAPI
runs it in its thread pool, so concurrent requests call `generate()` concurrently on the shared
model), lead truncation of the joined articles to the token budget, the same prompts' wording and
the same fixed output lengths as the service under test. Not part of the service.
"""

from __future__ import annotations

import argparse
import math
from typing import Any

import torch
import uvicorn
from fastapi import FastAPI
from pydantic import BaseModel
from transformers import AutoModelForSeq2SeqLM, AutoTokenizer


class Article(BaseModel):
    text: str


class Options(BaseModel):
    max_words: int | None = None


class Body(BaseModel):
    articles: list[Article]
    options: Options = Options()


# The summary's new tokens per word of its budget, as the service under test sizes them.
TOKENS_PER_WORD = 1.6


def build_app(args: argparse.Namespace) -> FastAPI:
    tokenizer: Any = AutoTokenizer.from_pretrained(args.model)
    model: Any = AutoModelForSeq2SeqLM.from_pretrained(args.model).eval()
    app = FastAPI()

    def generate(prompt: str, min_new: int, max_new: int) -> tuple[str, int]:
        enc = tokenizer(prompt, return_tensors="pt", truncation=True, max_length=args.max_input_tokens)
        with torch.inference_mode():
            out = model.generate(
                **enc,
                num_beams=args.num_beams,
                do_sample=False,
                min_new_tokens=min_new,
                max_new_tokens=max_new,
            )
        text: str = tokenizer.decode(out[0], skip_special_tokens=True)
        # New tokens: the decoder's start token is not one, padding never occurs in a batch of one.
        return text, int(out.shape[1]) - 1

    @app.get("/readyz")
    def readyz() -> dict[str, str]:
        return {"status": "ready"}

    @app.post("/v1/summarize")
    def summarize(body: Body) -> dict[str, object]:
        joined = "\n\n".join(a.text for a in body.articles)
        summary_max = args.summary_max_new_tokens
        if body.options.max_words is not None:
            summary_max = max(1, min(summary_max, math.ceil(body.options.max_words * TOKENS_PER_WORD)))
        summary, n_summary = generate(
            f"Summarize the following news articles about the same event.\n{joined}\nSummary:",
            min(args.summary_min_new_tokens, summary_max),
            summary_max,
        )
        facts, n_facts = generate(
            f"List the most important facts in the following news articles.\n{joined}\nFacts:",
            args.facts_min_new_tokens,
            args.facts_max_new_tokens,
        )
        return {
            "summary": summary,
            "key_facts": [{"text": line} for line in facts.splitlines()],
            "generated_tokens": n_summary + n_facts,
        }

    return app


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.plain_app", description=__doc__)
    parser.add_argument("--model", required=True)
    parser.add_argument("--port", type=int, default=8001)
    parser.add_argument("--max-input-tokens", type=int, default=512)
    parser.add_argument("--num-beams", type=int, default=1)
    parser.add_argument("--summary-min-new-tokens", type=int, default=64)
    parser.add_argument("--summary-max-new-tokens", type=int, default=64)
    parser.add_argument("--facts-min-new-tokens", type=int, default=64)
    parser.add_argument("--facts-max-new-tokens", type=int, default=64)
    args = parser.parse_args(argv)
    uvicorn.run(build_app(args), host="127.0.0.1", port=args.port, log_level="warning")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
