"""Throughput on Ray Serve with 1 and 2 replicas against the single-process service, and what the
Serve proxy costs a lone client.

    python -m benchmarks.ray_serve [--clients 4] [--single 20]

The embedded engine on DUC 2004 clusters (10 articles each, `../shared`), three systems, each
started afresh:

- plain:    `python -m service` (one process, one engine);
- serve-1:  the service on Ray Serve, `serve run` of service/distributed/serve.yaml with 1 replica;
- serve-2:  the same with 2 replicas, one per node.

The Ray cluster is tests/support/ray_cluster.py's: two nodes on this machine, on 127.0.0.1, the
proxy on the head node. For each system: a warm-up on the project's own articles, then one client
posting the first `--single` clusters one after another (latency: p50/p95; the server's own
time per request, `timings_ms.total`, and the rest of each request's time, outside the app: HTTP,
and on Serve the proxy and its call to the replica; plus GET /readyz, the bare hop), then `--clients`
clients in a closed loop over the other clusters (requests/s). Every cluster is sent once per
system: the engine remembers recent sentences, which would flatter a repeat.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import yaml

from benchmarks.stats import percentile
from eval.data import load_examples
from tests.support.articles import load_cluster
from tests.support.ray_cluster import RayCluster, ray_cluster
from tests.support.servers import free_port, launch, wait_ready

log = logging.getLogger(__name__)

ROOT = Path(__file__).resolve().parents[1]
DUC = ROOT.parent / "shared" / "data" / "duc2004" / "duc2004_task2.jsonl"
CONFIG = ROOT / "service" / "distributed" / "serve.yaml"
NODE_HEADER = "x-serve-node"
WARMUP = ("ferry_strike", "prisoner_exchange", "quake")


@dataclass
class Measured:
    system: str
    single_s: list[float] = field(default_factory=list)  # one client, summarize
    server_ms: list[float] = field(default_factory=list)  # the app's own timings_ms.total
    outside_ms: list[float] = field(default_factory=list)  # a request's time outside the app
    ready_s: list[float] = field(default_factory=list)  # one client, GET /readyz
    clients: int = 0
    loaded: int = 0  # requests answered under load
    wall_s: float = 0.0
    errors: int = 0
    nodes: dict[str, int] = field(default_factory=dict)  # answers per node under load

    @property
    def throughput(self) -> float:
        return self.loaded / self.wall_s if self.wall_s else 0.0


def bodies(data: Path) -> list[dict[str, Any]]:
    return [
        {"articles": [{"text": d.text} for d in ex.documents], "options": {"max_words": 100, "num_facts": 5}}
        for ex in load_examples(data)
    ]


def measure(name: str, url: str, work: Sequence[dict[str, Any]], single: int, clients: int) -> Measured:
    m = Measured(name, clients=clients)
    with httpx.Client(timeout=600) as http:
        for cluster in WARMUP:
            http.post(f"{url}/v1/summarize", json={"articles": load_cluster(cluster)}).raise_for_status()
        for body in work[:single]:
            t = time.perf_counter()
            r = http.post(f"{url}/v1/summarize", json=body)
            m.single_s.append(time.perf_counter() - t)
            r.raise_for_status()
            m.server_ms.append(float(r.json()["timings_ms"]["total"]))
            m.outside_ms.append(m.single_s[-1] * 1e3 - m.server_ms[-1])
        for _ in range(50):
            t = time.perf_counter()
            http.get(f"{url}/readyz").raise_for_status()
            m.ready_s.append(time.perf_counter() - t)
    asyncio.run(_load(url, work[single:], clients, m))
    log.info(
        "%s: one client p50 %.0f ms; %d clients %.2f req/s (%d errors, nodes %s)",
        name,
        percentile(m.single_s, 50) * 1e3,
        clients,
        m.throughput,
        m.errors,
        m.nodes,
    )
    return m


async def _load(url: str, work: Sequence[dict[str, Any]], clients: int, m: Measured) -> None:
    """`clients` closed-loop clients taking the next body from one queue until none is left."""
    queue: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
    for body in work:
        queue.put_nowait(body)

    async def client(http: httpx.AsyncClient) -> None:
        while not queue.empty():
            r = await http.post(f"{url}/v1/summarize", json=queue.get_nowait())
            if r.status_code != 200:
                m.errors += 1
                log.warning("status %d: %s", r.status_code, r.text[:200])
                continue
            m.loaded += 1
            node = r.headers.get(NODE_HEADER, "-")[:8]
            m.nodes[node] = m.nodes.get(node, 0) + 1

    async with httpx.AsyncClient(timeout=600, limits=httpx.Limits(max_connections=clients + 2)) as http:
        start = time.perf_counter()
        await asyncio.gather(*(client(http) for _ in range(clients)))
        m.wall_s = time.perf_counter() - start


@contextmanager
def plain() -> Iterator[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SUMMARIZER_")}
    with launch([sys.executable, "-m", "service", "--log-level=warning"], env, cwd=ROOT) as (url, _):
        yield url


@contextmanager
def served(cluster: RayCluster, replicas: int) -> Iterator[str]:
    """The repo's serve.yaml with `replicas` replicas (one per node), fresh; Serve shut down after."""
    config: dict[str, Any] = yaml.safe_load(CONFIG.read_text())
    port = free_port()
    config["proxy_location"] = "HeadOnly"
    config["http_options"] = {**config["http_options"], "host": "127.0.0.1", "port": port}
    deployment = config["applications"][0]["deployments"][0]
    deployment.pop("autoscaling_config")
    deployment.update(num_replicas=replicas, max_replicas_per_node=1)
    with tempfile.NamedTemporaryFile("w", suffix=".yaml") as f:
        yaml.safe_dump(config, f)
        f.flush()
        serve = Path(sys.executable).with_name("serve")
        subprocess.run(
            [str(serve), "run", "--non-blocking", "--address", cluster.address, f.name],
            env=cluster.env,
            cwd=ROOT,
            check=True,
            capture_output=True,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        if not wait_ready(url, timeout_s=300):
            raise RuntimeError(f"Serve did not answer /readyz at {url}")
        # Every replica up: Serve answers /readyz as soon as the first one is.
        deadline = time.monotonic() + 300
        seen: set[str] = set()
        while len(seen) < replicas and time.monotonic() < deadline:
            seen.add(httpx.get(f"{url}/readyz", timeout=10).headers[NODE_HEADER])
        yield url
    finally:
        cluster.driver("from ray import serve\nserve.shutdown()")


def report(runs: Sequence[Measured]) -> str:
    plain_run = runs[0]
    lines = [
        "| system | one client: p50 ms | p95 ms | server p50 ms | outside the app p50 ms "
        "| /readyz p50 ms | clients | requests | req/s | vs plain |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for m in runs:
        lines.append(
            f"| {m.system} | {percentile(m.single_s, 50) * 1e3:.0f} | {percentile(m.single_s, 95) * 1e3:.0f} "
            f"| {percentile(m.server_ms, 50):.0f} | {percentile(m.outside_ms, 50):.1f} "
            f"| {percentile(m.ready_s, 50) * 1e3:.1f} | {m.clients} "
            f"| {m.loaded} | {m.throughput:.2f} | {m.throughput / plain_run.throughput:.2f}× |"
        )
    for m in runs[1:]:
        outside = percentile(m.outside_ms, 50) - percentile(plain_run.outside_ms, 50)
        hop = (percentile(m.ready_s, 50) - percentile(plain_run.ready_s, 50)) * 1e3
        p50, base = percentile(m.single_s, 50), percentile(plain_run.single_s, 50)
        lines.append(
            f"\n{m.system}: Serve's proxy adds {outside:+.1f} ms to a summary outside the app and"
            f" {hop:+.1f} ms to /readyz (p50, one client); the summary's p50: {p50 * 1e3:.0f} ms against"
            f" {base * 1e3:.0f} ms ({p50 / base:.2f}×)"
        )
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.ray_serve", description=__doc__)
    parser.add_argument("--data", type=Path, default=DUC)
    parser.add_argument("--clients", type=int, default=4, help="clients of the throughput runs")
    parser.add_argument("--single", type=int, default=20, help="clusters of the one-client runs")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    logging.getLogger("httpx").setLevel(logging.WARNING)
    if not args.data.exists():
        raise SystemExit(f"DUC 2004 not found at {args.data} (the evaluation data in ../shared)")
    work = bodies(args.data)
    if not 0 < args.single < len(work):
        raise SystemExit(f"--single must be between 1 and {len(work) - 1}")
    runs = []
    with plain() as url:
        runs.append(measure("plain", url, work, args.single, args.clients))
    with ray_cluster() as cluster:
        for replicas in (1, 2):
            with served(cluster, replicas) as url:
                runs.append(measure(f"serve-{replicas}", url, work, args.single, args.clients))
    sys.stdout.write(
        f"\nembedded engine, DUC 2004 ({len(work)} clusters: {args.single} at one client, "
        f"{len(work) - args.single} under load), {os.cpu_count()} CPUs\n\n"
    )
    sys.stdout.write(report(runs))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
