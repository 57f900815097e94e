"""Soak test: many real requests against a running service, watching errors, latency and memory.

    python -m benchmarks.soak [--requests 5000] [--warmup 500] [--concurrency 4] [--url URL --pid PID]

Without --url it starts the service as users do (`python -m service`, embedded engine unless
SUMMARIZER_* says otherwise) on a free port, waits for /readyz, and stops it with SIGTERM at the
end. Requests are multi-article clusters built from the project-written fixtures (tests/data),
varied per request (which articles, their order, dropped sentences, titles/ids/dates, HTML
markup, summary length, number of facts), from a seeded generator. The server's resident memory
(VmRSS from /proc/<pid>/status) is read once the warm-up requests are answered and again at the
end: growth beyond the warm-up is what a leak looks like. Exit status 1 when a request failed or
the growth exceeds --max-growth.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import random
import subprocess
import sys
import time
from collections import Counter
from contextlib import ExitStack
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import httpx

from benchmarks.stats import percentile
from tests.support.servers import launch, status_kib, wait_ready

log = logging.getLogger(__name__)

FIXTURES = Path(__file__).resolve().parents[1] / "tests" / "data"


@dataclass
class Figures:
    """What one soak run measured. Latency and throughput are of the requests after the warm-up."""

    requests: int
    warmup: int
    concurrency: int
    errors: dict[str, int] = field(default_factory=dict)  # status (or transport error) -> count
    seconds: float = 0.0
    throughput_rps: float = 0.0
    latency_p50_ms: float = 0.0
    latency_p95_ms: float = 0.0
    rss_after_warmup_kib: int | None = None
    rss_end_kib: int | None = None
    rss_growth_pct: float | None = None

    def render(self) -> str:
        def mib(kib: int | None) -> str:
            return "n/a (no server pid)" if kib is None else f"{kib / 1024:.1f} MiB"

        errors = ", ".join(f"{k}: {v}" for k, v in sorted(self.errors.items())) or "none"
        growth = "n/a" if self.rss_growth_pct is None else f"{self.rss_growth_pct:+.1f}%"
        p50, p95 = self.latency_p50_ms, self.latency_p95_ms
        return (
            f"requests:           {self.requests} (warm-up {self.warmup}, concurrency {self.concurrency})\n"
            f"errors by status:   {errors}\n"
            f"wall time:          {self.seconds:.1f} s\n"
            f"throughput:         {self.throughput_rps:.1f} requests/s (after warm-up)\n"
            f"latency p50 / p95:  {p50:.1f} / {p95:.1f} ms (after warm-up)\n"
            f"RSS after warm-up:  {mib(self.rss_after_warmup_kib)}\n"
            f"RSS at end:         {mib(self.rss_end_kib)}\n"
            f"RSS growth:         {growth}\n"
        )


def load_fixtures(folder: Path) -> list[list[dict[str, Any]]]:
    """The article clusters of the fixture files (`{"articles": [{"text", ...}]}`)."""
    clusters = []
    for path in sorted(folder.glob("*.json")):
        articles = json.loads(path.read_text(encoding="utf-8")).get("articles")
        if articles:
            clusters.append(articles)
    if not clusters:
        raise FileNotFoundError(f"no article clusters (*.json with 'articles') in {folder}")
    return clusters


def make_request(clusters: list[list[dict[str, Any]]], rng: random.Random) -> dict[str, Any]:
    """One varied multi-article request body."""
    cluster = rng.choice(clusters)
    articles = rng.sample(cluster, rng.randint(1, len(cluster)))
    body = []
    for a in articles:
        sentences = a["text"].split("\n")
        if len(sentences) > 2 and rng.random() < 0.5:
            # Drop one sentence (not the lead), so the same fixture yields different clusters.
            del sentences[rng.randrange(1, len(sentences))]
        text = "\n".join(sentences)
        if rng.random() < 0.15:
            text = "<html><body>" + "".join(f"<p>{s}</p>" for s in sentences) + "</body></html>"
        article: dict[str, Any] = {"text": text}
        for key in ("title", "id", "published"):
            if a.get(key) and rng.random() < 0.7:
                article[key] = a[key]
        body.append(article)
    return {
        "articles": body,
        "options": {"max_words": rng.randint(20, 120), "num_facts": rng.randint(0, 8)},
    }


def rss_kib(pid: int) -> int:
    return status_kib(pid, "VmRSS")


async def soak(
    url: str,
    pid: int | None,
    requests: int,
    warmup: int,
    concurrency: int,
    clusters: list[list[dict[str, Any]]],
    seed: int = 0,
    timeout_s: float = 60.0,
) -> Figures:
    """Send `requests` requests from `concurrency` clients; measure after the first `warmup`."""
    rng = random.Random(seed)
    bodies = [make_request(clusters, rng) for _ in range(requests)]
    figures = Figures(requests=requests, warmup=warmup, concurrency=concurrency)
    errors: Counter[str] = Counter()
    latencies: list[float] = []  # of the requests sent after the warm-up
    next_index = 0
    done = 0
    steady_start: float | None = None
    progress_every = max(requests // 10, 1)

    def on_done() -> None:
        nonlocal done, steady_start
        done += 1
        if done == warmup:
            steady_start = time.perf_counter()
            if pid is not None:
                figures.rss_after_warmup_kib = rss_kib(pid)
            log.info("warm-up done (%d requests); RSS %s KiB", warmup, figures.rss_after_warmup_kib)
        if done % progress_every == 0:
            rss = rss_kib(pid) if pid is not None else None
            log.info("%d/%d requests, %d errors, RSS %s KiB", done, requests, errors.total(), rss)

    async def client(http: httpx.AsyncClient) -> None:
        nonlocal next_index
        while next_index < requests:
            i = next_index
            next_index += 1
            t0 = time.perf_counter()
            try:
                r = await http.post(f"{url}/v1/summarize", json=bodies[i])
            except httpx.TransportError as exc:
                errors[type(exc).__name__] += 1
                log.warning("request %d: %s: %s", i, type(exc).__name__, exc)
            else:
                if r.status_code != 200:
                    errors[str(r.status_code)] += 1
                    log.warning("request %d: HTTP %d: %s", i, r.status_code, r.text[:200])
            if i >= warmup:
                latencies.append((time.perf_counter() - t0) * 1e3)
            on_done()

    t_start = time.perf_counter()
    if warmup == 0:
        steady_start = t_start
        figures.rss_after_warmup_kib = rss_kib(pid) if pid is not None else None
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(timeout=timeout_s, limits=limits) as http:
        await asyncio.gather(*(client(http) for _ in range(concurrency)))
    t_end = time.perf_counter()
    figures.errors = dict(errors)
    figures.seconds = t_end - t_start
    if latencies and steady_start is not None:
        figures.throughput_rps = len(latencies) / max(t_end - steady_start, 1e-9)
        figures.latency_p50_ms = percentile(latencies, 50)
        figures.latency_p95_ms = percentile(latencies, 95)
    if pid is not None:
        figures.rss_end_kib = rss_kib(pid)
        if figures.rss_after_warmup_kib:
            figures.rss_growth_pct = 100 * (figures.rss_end_kib / figures.rss_after_warmup_kib - 1)
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.soak", description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=5000, help="requests in all (default 5000)")
    parser.add_argument("--warmup", type=int, default=500, help="requests before the first RSS reading")
    parser.add_argument("--concurrency", type=int, default=4, help="clients sending at once")
    parser.add_argument("--url", help="soak this running service instead of starting one")
    parser.add_argument("--pid", type=int, help="with --url: the server's pid, to read its memory")
    parser.add_argument("--fixtures", type=Path, default=FIXTURES, help="folder of article clusters")
    parser.add_argument("--seed", type=int, default=0, help="seed of the request variations")
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds per request")
    parser.add_argument("--max-growth", type=float, help="exit 1 when RSS grows more than this %%")
    parser.add_argument("--json", type=Path, help="also write the figures here as JSON")
    parser.add_argument("--server-log", type=Path, help="the started service's output (default: dropped)")
    parser.add_argument("-q", "--quiet", action="store_true", help="no progress log")
    args = parser.parse_args(argv)
    if args.requests < 1 or not 0 <= args.warmup < args.requests or args.concurrency < 1:
        parser.error("need --requests >= 1, 0 <= --warmup < --requests, --concurrency >= 1")
    if args.pid is not None and not args.url:
        parser.error("--pid goes with --url (a started service's pid is known)")
    logging.basicConfig(
        level=logging.WARNING if args.quiet else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    logging.getLogger("httpx").setLevel(logging.WARNING)  # one line per request drowns the progress
    clusters = load_fixtures(args.fixtures)

    def run(url: str, pid: int | None) -> Figures:
        return asyncio.run(
            soak(url, pid, args.requests, args.warmup, args.concurrency, clusters, args.seed, args.timeout)
        )

    if args.url:
        if not wait_ready(args.url.rstrip("/"), 60):
            raise SystemExit(f"error: {args.url} is not ready")
        figures = run(args.url.rstrip("/"), args.pid)
    else:
        command = [sys.executable, "-m", "service", "--host", "127.0.0.1", "--log-level", "warning"]
        env = {**os.environ, "TOKENIZERS_PARALLELISM": "false"}
        with ExitStack() as stack:
            sink = stack.enter_context(args.server_log.open("wb")) if args.server_log else subprocess.DEVNULL
            url, proc = stack.enter_context(launch(command, env, stdout=sink))
            log.info("service ready at %s (pid %d)", url, proc.pid)
            figures = run(url, proc.pid)
    sys.stdout.write(figures.render())
    if args.json:
        args.json.write_text(json.dumps(asdict(figures), indent=2) + "\n")
    failed = sum(figures.errors.values()) > 0
    grew = (
        args.max_growth is not None
        and figures.rss_growth_pct is not None
        and figures.rss_growth_pct > args.max_growth
    )
    if grew:
        log.error("RSS grew %.1f%% after the warm-up (limit %.1f%%)", figures.rss_growth_pct, args.max_growth)
    return 1 if failed or grew else 0


if __name__ == "__main__":
    raise SystemExit(main())
