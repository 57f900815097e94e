"""Both seq2seq backends on a GPU: raw model calls against the service under 1, 16 and 64 clients.

    python -m benchmarks.gpu_backends [--model DIR] [--clients 1 16 64] [--batches 1 16 64]

Prepared for a short lease of a GPU machine (minutes, one command), where nothing can be
downloaded: the flan-t5-base-shaped checkpoint is built there (`--tokenizer` reuses a carried
vocabulary; the weights are random, their shape is what costs), the inputs are the project's own
test clusters (DUC stays behind), and the service runs in-process behind httpx's ASGI transport,
so the runner, batching, prompts and packing are the real ones without a server process.

For each backend and precision (transformers bfloat16; CTranslate2 bfloat16 and float16):

- raw: the model's own batched call on the service's prompts (`generate()`, or `translate_batch`),
  fixed 64 new tokens, at each `--batches` size: new tokens/s, the ceiling the service works under;
- service: closed-loop clients posting clusters, summary and key facts at 64 new tokens each:
  requests/s, new tokens/s, p50 latency, and tokens/s as a share of the raw call's at batch 16.

The machine's image has torch and transformers; carry the rest as wheels, e.g. here:

    pip download -d .gpu/wheels --only-binary=:all: --python-version 3.12 --no-deps \\
        fastapi starlette pydantic-settings python-dotenv syntok snowballstemmer pystemmer \\
        fastapi-offline ctranslate2 prometheus-client annotated-types pydantic pydantic-core
    mkdir -p .gpu/tok && cp ~/.cache/newsdigest/flan-t5-base-shape/*token* .gpu/tok/

and there: `pip install --no-index --no-deps .gpu/wheels/*.whl && python -m benchmarks.gpu_backends
--tokenizer .gpu/tok`. On a CPU (`--device cpu`) it runs too, slowly, to check the script itself.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from benchmarks.batching import DEFAULT_MODEL, FIXTURES, request_bodies
from benchmarks.stats import percentile
from service.api.app import create_app
from service.domain import Article, Cluster, Options
from service.engines.seq2seq import Seq2SeqEngine
from service.settings import Settings

log = logging.getLogger(__name__)

NEW_TOKENS = 64
# (backend, precision): transformers' SUMMARIZER_DTYPE, or CTranslate2's SUMMARIZER_COMPUTE_TYPE.
# float16 only for CTranslate2: T5 overflows in float16 under transformers.
CONFIGS = (("transformers", "bfloat16"), ("ctranslate2", "bfloat16"), ("ctranslate2", "float16"))


@dataclass
class Load:
    clients: int
    requests: int
    wall_s: float
    new_tokens: int
    p50_s: float

    @property
    def per_s(self) -> float:
        return self.requests / self.wall_s


def settings(model: Path, backend: str, precision: str, device: str, cache: str) -> Settings:
    common: dict[str, Any] = dict(
        model=str(model),
        backend=backend,
        device=device,
        num_beams=1,
        max_input_tokens=512,
        summary_min_new_tokens=NEW_TOKENS,
        summary_max_new_tokens=NEW_TOKENS,
        facts_min_new_tokens=NEW_TOKENS,
        facts_max_new_tokens=NEW_TOKENS,
        batch_max_size=64,
        max_queue=512,
        request_timeout_s=3600,
        ct2_cache_dir=Path(cache),
    )
    if backend == "ctranslate2":
        common["compute_type"] = precision
    else:
        common["dtype"] = precision
    return Settings(**common)


def raw_tokens_per_s(engine: Seq2SeqEngine, clusters: Sequence[Cluster], batch: int) -> float:
    """The backend's own batched call on the service's prompts, without the service around it."""
    prompts = [p for c in clusters for p in engine.prepare(c).prompts.values()]
    rows = [prompts[i % len(prompts)] for i in range(batch)]
    gen, _ = engine.decoding("summary")
    runtime = engine.runtime
    runtime.decode(rows[:1], gen, [NEW_TOKENS], [None], engine.max_input_tokens)  # warm-up
    sync(runtime.device)
    t = time.perf_counter()
    _, counts = runtime.decode(rows, gen, [NEW_TOKENS] * batch, [None] * batch, engine.max_input_tokens)
    sync(runtime.device)
    return sum(counts) / (time.perf_counter() - t)


def sync(device: str) -> None:
    if device == "cuda":
        import torch

        torch.cuda.synchronize()


async def closed_loop(app: Any, bodies: Sequence[dict[str, object]], clients: int, per_client: int) -> Load:
    latencies: list[float] = []
    tokens = 0

    async def client(k: int, http: httpx.AsyncClient) -> None:
        nonlocal tokens
        for j in range(per_client):
            t = time.perf_counter()
            r = await http.post("/v1/summarize", json=bodies[(k * per_client + j) % len(bodies)])
            r.raise_for_status()
            latencies.append(time.perf_counter() - t)
            tokens += int(r.json()["generated_tokens"])

    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://bench", timeout=3600) as http:
        start = time.perf_counter()
        await asyncio.gather(*(client(k, http) for k in range(clients)))
        wall = time.perf_counter() - start
    return Load(clients, len(latencies), wall, tokens, percentile(latencies, 50))


async def serve_and_load(
    s: Settings, bodies: Sequence[dict[str, object]], clients: Sequence[int], per_client: int
) -> list[Load]:
    app = create_app(s)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://bench") as http:
            while (await http.get("/readyz")).status_code != 200:
                await asyncio.sleep(0.2)
        await closed_loop(app, bodies, 1, 1)  # first-call allocations are not the steady state
        return [await closed_loop(app, bodies, n, per_client if n > 1 else 4) for n in clients]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.gpu_backends", description=__doc__)
    parser.add_argument("--model", type=Path, default=DEFAULT_MODEL, help="checkpoint (built if absent)")
    parser.add_argument("--tokenizer", type=Path, help="a vocabulary to build the checkpoint with")
    parser.add_argument("--device", choices=["cuda", "cpu"], default="cuda")
    parser.add_argument("--clients", type=int, nargs="+", default=[1, 16, 64])
    parser.add_argument("--batches", type=int, nargs="+", default=[1, 16, 64])
    parser.add_argument("--requests-per-client", type=int, default=2)
    parser.add_argument("--configs", nargs="+", default=[f"{b}:{p}" for b, p in CONFIGS])
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    logging.getLogger("httpx").setLevel(logging.WARNING)
    if args.device == "cuda":
        import torch

        if not torch.cuda.is_available():
            raise SystemExit("no CUDA device here: --device cpu checks the script on a CPU")
    if not (args.model / "config.json").exists():
        from benchmarks.checkpoint import build

        build(args.model, [FIXTURES / "corpus.txt"], tokenizer=args.tokenizer)
    bodies = request_bodies(None, max_words=100, num_facts=5)
    clusters = [
        Cluster(
            articles=tuple(Article(text=a["text"]) for a in b["articles"]),  # type: ignore[attr-defined]
            options=Options(max_words=100, num_facts=5),
        )
        for b in bodies
    ]
    lines = [
        f"{args.model.name} on {args.device}: 512-token inputs, {NEW_TOKENS}+{NEW_TOKENS} new tokens, greedy",
        "",
        "| backend | precision | raw tokens/s by batch | clients | req/s | tokens/s | p50 s "
        "| share of raw@16 |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for config in args.configs:
        backend, precision = config.split(":")
        with tempfile.TemporaryDirectory(prefix="gpu-ct2-") as cache:
            s = settings(args.model, backend, precision, args.device, cache)
            t = time.perf_counter()
            engine = Seq2SeqEngine.from_settings(s)
            engine.load()
            log.info("%s %s loaded in %.1f s", backend, precision, time.perf_counter() - t)
            raw = {b: raw_tokens_per_s(engine, clusters, b) for b in args.batches}
            del engine
            loads = asyncio.run(serve_and_load(s, bodies, args.clients, args.requests_per_client))
        reference = raw.get(16) or max(raw.values())
        raw_cell = " / ".join(f"{b}: {v:.0f}" for b, v in raw.items())
        for load in loads:
            lines.append(
                f"| {backend} | {precision} | {raw_cell} | {load.clients} | {load.per_s:.2f} "
                f"| {load.new_tokens / load.wall_s:.0f} | {load.p50_s:.2f} "
                f"| {load.new_tokens / load.wall_s / reference:.0%} |"
            )
    sys.stdout.write("\n".join(lines) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
