"""Throughput under concurrent load: the service with batching on, with it off, and a naive app.

    python -m benchmarks.batching [--model DIR] [--clients 1 4 16] [--rounds 2]

Three servers on one random-weight checkpoint in the flan-t5-base shape (`benchmarks.checkpoint`;
built on first use), the same 512-token input budget, greedy decoding and fixed output lengths:

- batched:   `python -m service`, dynamic batching on (the default settings);
- unbatched: `python -m service` with SUMMARIZER_BATCH_MAX_SIZE=1;
- plain:     `benchmarks.plain_app`, one generate() per request and task, FastAPI's thread pool.

Closed-loop load over HTTP: N clients, each posting a DUC 2004 cluster (10 articles) and, on the
answer, the next. Runs are interleaved (every system at one client count, then the next count,
the order rotating each round) because these machines are noisy. Prints per run: requests/s,
p50/p95 latency, peak RSS of the server; then each system's ratios to the plain app.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from benchmarks.checkpoint import build as build_checkpoint
from benchmarks.soak import load_fixtures
from benchmarks.stats import percentile
from eval.data import load_examples
from tests.support.servers import launch, status_kib

log = logging.getLogger(__name__)

ROOT = Path(__file__).resolve().parents[1]
DUC = ROOT.parent / "shared" / "data" / "duc2004" / "duc2004_task2.jsonl"
FIXTURES = ROOT / "tests" / "data"
DEFAULT_MODEL = Path.home() / ".cache" / "newsdigest" / "flan-t5-base-shape"
SYSTEMS = ("batched", "unbatched", "plain")


@dataclass
class Run:
    system: str
    clients: int
    wall_s: float
    latencies_s: list[float]
    errors: int
    peak_rss_mb: float

    @property
    def throughput(self) -> float:
        return len(self.latencies_s) / self.wall_s

    @property
    def p50(self) -> float:
        return percentile(self.latencies_s, 50)

    @property
    def p95(self) -> float:
        return percentile(self.latencies_s, 95)


@dataclass
class Server:
    name: str
    url: str
    proc: subprocess.Popen[bytes]
    runs: list[Run] = field(default_factory=list)

    def reset_peak_rss(self) -> bool:
        """Linux resets a process's peak RSS (VmHWM) on `5` written to its clear_refs."""
        try:
            Path(f"/proc/{self.proc.pid}/clear_refs").write_text("5")
        except OSError:
            return False
        return True

    def peak_rss_mb(self) -> float:
        return status_kib(self.proc.pid, "VmHWM") / 1024


@contextmanager
def _server(name: str, model: Path, args: argparse.Namespace) -> Iterator[Server]:
    env = {**os.environ, "TOKENIZERS_PARALLELISM": "false"}
    if name == "plain":
        cmd = [
            sys.executable,
            "-m",
            "benchmarks.plain_app",
            f"--model={model}",
            f"--max-input-tokens={args.max_input_tokens}",
            f"--num-beams={args.num_beams}",
            f"--summary-min-new-tokens={args.summary_tokens}",
            f"--summary-max-new-tokens={args.summary_tokens}",
            f"--facts-min-new-tokens={args.facts_tokens}",
            f"--facts-max-new-tokens={args.facts_tokens}",
        ]
    else:
        cmd = [sys.executable, "-m", "service", f"--model={model}", "--log-level=warning"]
        env.update(
            SUMMARIZER_MAX_INPUT_TOKENS=str(args.max_input_tokens),
            SUMMARIZER_NUM_BEAMS=str(args.num_beams),
            SUMMARIZER_SUMMARY_MIN_NEW_TOKENS=str(args.summary_tokens),
            SUMMARIZER_SUMMARY_MAX_NEW_TOKENS=str(args.summary_tokens),
            SUMMARIZER_FACTS_MIN_NEW_TOKENS=str(args.facts_tokens),
            SUMMARIZER_FACTS_MAX_NEW_TOKENS=str(args.facts_tokens),
            SUMMARIZER_MAX_QUEUE="256",
            SUMMARIZER_REQUEST_TIMEOUT_S="3600",
            SUMMARIZER_BATCH_MAX_SIZE="1" if name == "unbatched" else str(args.batch_max_size),
        )
        if args.quantize:
            env["SUMMARIZER_QUANTIZE"] = args.quantize
        env["SUMMARIZER_DTYPE"] = args.dtype
    # Loading a 248M-parameter checkpoint on a busy machine can take minutes.
    with launch(cmd, env, cwd=ROOT, stdout=None, timeout_s=600) as (url, proc):
        yield Server(name, url, proc)


def _bodies(data: Path | None, max_words: int, num_facts: int) -> list[dict[str, object]]:
    if data is not None and data.exists():
        examples = load_examples(data)
        docs = [[d.text for d in ex.documents] for ex in examples]
    else:
        log.warning("DUC 2004 not found at %s: using the project's own test articles", data)
        docs = [[a["text"] for a in cluster] for cluster in load_fixtures(FIXTURES)]
    return [
        {
            "articles": [{"text": t} for t in texts],
            "options": {"max_words": max_words, "num_facts": num_facts},
        }
        for texts in docs
    ]


async def _closed_loop(
    url: str, bodies: Sequence[dict[str, object]], clients: int, per_client: int
) -> tuple[float, list[float], int]:
    latencies: list[float] = []
    errors = 0

    async def client(k: int, http: httpx.AsyncClient) -> None:
        nonlocal errors
        for j in range(per_client):
            body = bodies[(k * per_client + j) % len(bodies)]
            t = time.perf_counter()
            r = await http.post(f"{url}/v1/summarize", json=body)
            if r.status_code == 200:
                latencies.append(time.perf_counter() - t)
            else:
                errors += 1
                log.warning("status %d: %s", r.status_code, r.text[:200])

    limits = httpx.Limits(max_connections=clients + 4)
    async with httpx.AsyncClient(timeout=3600, limits=limits) as http:
        start = time.perf_counter()
        await asyncio.gather(*(client(k, http) for k in range(clients)))
        wall = time.perf_counter() - start
    return wall, latencies, errors


def run_one(server: Server, bodies: Sequence[dict[str, object]], clients: int, per_client: int) -> Run:
    server.reset_peak_rss()
    wall, latencies, errors = asyncio.run(_closed_loop(server.url, bodies, clients, per_client))
    run = Run(server.name, clients, wall, latencies, errors, server.peak_rss_mb())
    log.info(
        "%-9s %2d clients: %.3f req/s, p50 %.1f s, p95 %.1f s, peak RSS %.0f MB, %d errors",
        run.system,
        clients,
        run.throughput,
        run.p50,
        run.p95,
        run.peak_rss_mb,
        errors,
    )
    server.runs.append(run)
    return run


def report(servers: Sequence[Server], clients: Sequence[int]) -> str:
    by: dict[tuple[str, int], list[Run]] = {}
    for s in servers:
        for r in s.runs:
            by.setdefault((r.system, r.clients), []).append(r)
    lines = [
        "| system | clients | requests | req/s | p50 s | p95 s | peak RSS MB "
        "| vs plain: req/s | p50 | p95 | RSS |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for n in clients:
        base = by.get(("plain", n), [])
        for s in servers:
            runs = by.get((s.name, n), [])
            if not runs:
                continue
            lat = [x for r in runs for x in r.latencies_s]
            merged = Run(s.name, n, sum(r.wall_s for r in runs), lat, sum(r.errors for r in runs), 0)
            rss = max(r.peak_rss_mb for r in runs)
            cells = [s.name, str(n), str(len(lat)), f"{merged.throughput:.3f}", f"{merged.p50:.1f}"]
            cells += [f"{merged.p95:.1f}", f"{rss:.0f}"]
            if base:
                blat = [x for r in base for x in r.latencies_s]
                b = Run("plain", n, sum(r.wall_s for r in base), blat, 0, 0)
                brss = max(r.peak_rss_mb for r in base)
                cells += [
                    f"{merged.throughput / b.throughput:.2f}×",
                    f"{merged.p50 / b.p50:.2f}×",
                    f"{merged.p95 / b.p95:.2f}×",
                    f"{rss / brss:.2f}×",
                ]
            else:
                cells += ["", "", "", ""]
            lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def profile(model: Path, data: Path | None, args: argparse.Namespace, sizes: Sequence[int]) -> str:
    """Where a batch's time goes, in-process: text preparation, encoder, decoding steps."""
    import torch

    from service.domain import Article, Cluster, Options
    from service.engines.runtime import ModelRuntime
    from service.engines.seq2seq import Seq2SeqEngine
    from service.settings import Settings

    settings = Settings(
        model=str(model),
        max_input_tokens=args.max_input_tokens,
        num_beams=args.num_beams,
        summary_min_new_tokens=args.summary_tokens,
        summary_max_new_tokens=args.summary_tokens,
        facts_min_new_tokens=args.facts_tokens,
        facts_max_new_tokens=args.facts_tokens,
        quantize=args.quantize or "none",
        dtype=args.dtype,
    )
    engine = Seq2SeqEngine(settings)
    engine.load()
    clusters = [
        Cluster(
            articles=tuple(Article(text=a["text"]) for a in body["articles"]),  # type: ignore[attr-defined]
            options=Options(max_words=100, num_facts=5),
        )
        for body in _bodies(data, 100, 5)
    ]
    engine.summarize(clusters[:1])  # warm-up
    lines = [
        f"torch threads: {torch.get_num_threads()}",
        "| batch | prepare s | encoder s | decoding s | total s | requests/s | decoding share |",
        "|---|---|---|---|---|---|---|",
    ]
    for size in sizes:
        batch = [clusters[i % len(clusters)] for i in range(size)]
        t0 = time.perf_counter()
        prompts = [p for c in batch for p in engine.prepare(c).prompts.values()]
        t1 = time.perf_counter()
        runtime = engine.runtime
        if not isinstance(runtime, ModelRuntime):
            raise SystemExit("the encoder breakdown measures the transformers backend only")
        enc = runtime.tokenizer(
            prompts, return_tensors="pt", padding=True, truncation=True, max_length=args.max_input_tokens
        ).to(runtime.device)
        with torch.inference_mode():
            runtime.encode(enc["input_ids"], enc["attention_mask"])  # as generation runs it
        if torch.device(runtime.device).type == "cuda":
            torch.cuda.synchronize()  # the encoder's kernels have finished, not just been queued
        t2 = time.perf_counter()
        engine.summarize(batch)
        t3 = time.perf_counter()
        prepare, encoder = t1 - t0, t2 - t1
        decoding = (t3 - t2) - prepare - encoder
        lines.append(
            f"| {size} | {prepare:.2f} | {encoder:.2f} | {decoding:.2f} | {t3 - t2:.2f} "
            f"| {size / (t3 - t2):.3f} | {decoding / (t3 - t2):.0%} |"
        )
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.batching", description=__doc__)
    parser.add_argument("--model", type=Path, default=DEFAULT_MODEL, help="checkpoint (built if absent)")
    parser.add_argument("--data", type=Path, default=DUC)
    parser.add_argument("--systems", nargs="+", choices=SYSTEMS, default=list(SYSTEMS))
    parser.add_argument("--clients", type=int, nargs="+", default=[1, 4, 16])
    parser.add_argument("--requests-per-client", type=int, default=2, help="per client and run")
    parser.add_argument("--single-requests", type=int, default=4, help="requests of the 1-client runs")
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--max-input-tokens", type=int, default=512)
    parser.add_argument("--num-beams", type=int, default=1)
    parser.add_argument("--summary-tokens", type=int, default=64, help="fixed summary length")
    parser.add_argument("--facts-tokens", type=int, default=64, help="fixed key-facts length")
    parser.add_argument("--batch-max-size", type=int, default=16)
    parser.add_argument("--quantize", choices=["int8"], help="the services' SUMMARIZER_QUANTIZE")
    parser.add_argument(
        "--dtype", choices=["float32", "bfloat16"], default="float32", help="the services' SUMMARIZER_DTYPE"
    )
    parser.add_argument(
        "--profile",
        type=int,
        nargs="*",
        metavar="BATCH",
        help="instead of the load test: where the time of batches of these sizes goes (default 1 16)",
    )
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    logging.getLogger("httpx").setLevel(logging.WARNING)
    if not (args.model / "config.json").exists():
        log.info("building the flan-t5-base-shaped checkpoint in %s", args.model)
        build_checkpoint(args.model, [f for f in (args.data, FIXTURES / "corpus.txt") if f.exists()])
    if args.profile is not None:
        sys.stdout.write(profile(args.model, args.data, args, args.profile or [1, 16]))
        return 0
    bodies = _bodies(args.data, max_words=100, num_facts=5)
    with ExitStack() as stack:
        servers = [stack.enter_context(_server(name, args.model, args)) for name in args.systems]
        for s in servers:  # one untimed request each: first-call allocations are not the steady state
            asyncio.run(_closed_loop(s.url, bodies, 1, 1))
        for k in range(args.rounds):
            for n in args.clients:
                order = servers[k % len(servers) :] + servers[: k % len(servers)]
                for s in order:
                    per_client = args.single_requests if n == 1 else args.requests_per_client
                    run_one(s, bodies, n, per_client)
        sys.stdout.write(
            f"\n{args.model.name}: {args.max_input_tokens}-token inputs, {args.summary_tokens}+"
            f"{args.facts_tokens} new tokens (summary+facts), {args.num_beams} beam(s), {args.dtype}"
            f"{', int8' if args.quantize else ''}, "
            f"{os.cpu_count()} CPUs, {args.rounds} round(s)\n\n"
        )
        sys.stdout.write(report(servers, args.clients))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
