"""A real two-node Ray cluster on this machine, for tests/distributed and benchmarks/ray_serve.py.

Two `ray start --block` processes, a head and a worker node, each with its own CPUs, a custom
resource naming it (`head`, `worker`), its own `--temp-dir`, dashboard off, and every node on
127.0.0.1, so no traffic goes to any other address. Programs that use the cluster (`serve run`,
`newsdigest batch --address`, the `driver` snippets) run with `env`.

Loopback takes two settings Ray does not make easy: Ray turns a loopback address (a node's
`--node-ip-address`, a driver's `--address`) into the machine's outward one, unless
`RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER=0`, and with that set, its `ray start` refuses to start a
worker node (the variable is meant to keep Windows and macOS single-node). So every process of the
cluster and its drivers runs with the variable, and the worker node's `ray start` runs through
`WORKER_START`, Ray's own command with that one refusal lifted and loopback addresses kept as they
are given. Ray then binds its nodes' ports to 127.0.0.1 (Serve's replicas add one of their own
on all interfaces: tests/distributed/test_serve.py says which), and `ray_cluster` checks that the
cluster knows each node by 127.0.0.1.

The cluster's processes get no SUMMARIZER_* variable of this environment: the service's defaults
apply, as a test expects, unless a runtime_env sets one.
"""

from __future__ import annotations

import importlib.util
import ipaddress
import json
import logging
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path

from tests.support.servers import free_port

log = logging.getLogger(__name__)

LOOPBACK = "127.0.0.1"
ROOT = Path(__file__).resolve().parents[2]

CLUSTER_ENV = {
    # Keep 127.0.0.1 as given (see the module's docstring).
    "RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER": "0",
    "RAY_USAGE_STATS_ENABLED": "0",
    # No token: left unset, Ray turns token auth on for a head node when ~/.ray/auth_token exists
    # (a local `ray.init()` writes one), and the worker node then cannot join. Loopback only.
    "RAY_AUTH_MODE": "disabled",
    # A stopped node goes at once; Ray's default first drains it for up to 30 s.
    "RAY_GRACEFUL_SHUTDOWN_DRAIN_TIMEOUT_S": "0",
    # Serve's proxy: route by load to any node's replica (Serve's default prefers replicas on the
    # proxy's own node until they refuse work, and the service's replicas answer 429 before
    # Serve counts them full), and answer 503, not 500, for requests a dying replica dropped.
    "RAY_SERVE_PROXY_PREFER_LOCAL_NODE_ROUTING": "0",
    "RAY_SERVE_HTTP_PROXY_CALLBACK_IMPORT_PATH": "service.distributed.proxy:middlewares",
}

# `ray start` for a worker node on 127.0.0.1: Ray's own command (ray.scripts.scripts:main, what the
# `ray` program runs) with the refusal lifted and loopback addresses kept.
WORKER_START = """\
import sys
import ray._private.ray_constants as ray_constants
import ray._private.services as services
from ray.scripts.scripts import main
ray_constants.ENABLE_RAY_CLUSTER = True
services.resolve_ip_for_localhost = lambda host: host
sys.argv = ["ray", *sys.argv[1:]]
main()
"""

# A driver snippet's preamble: connected to the cluster at sys.argv[1], quietly.
DRIVER = """\
import json, sys, logging
import ray
ray.init(address=sys.argv[1], logging_level=logging.WARNING, log_to_driver=False)
"""


class RayUnavailable(RuntimeError):
    """Ray cannot start here: the reason, for a test's skip."""


@dataclass
class Node:
    name: str
    proc: subprocess.Popen[bytes]
    temp_dir: Path
    log_path: Path
    node_id: str = ""

    def descendants(self) -> list[int]:
        """Every process this node started (raylet, agents, Ray workers), by pid."""
        return descendants(self.proc.pid)


@dataclass
class RayCluster:
    address: str
    env: dict[str, str]
    nodes: dict[str, Node] = field(default_factory=dict)

    def driver(self, code: str, timeout_s: float = 120.0) -> str:
        """Run `code` (after the `DRIVER` preamble) as a Ray driver; its stdout."""
        done = subprocess.run(
            [sys.executable, "-c", DRIVER + code, self.address],
            env=self.env,
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=timeout_s,
        )
        if done.returncode != 0:
            raise RuntimeError(f"driver failed ({done.returncode}):\n{done.stderr[-3000:]}")
        return done.stdout

    def node_of(self, node_id: str) -> str:
        """The name (head, worker) of the node with Ray node id `node_id`."""
        for name, node in self.nodes.items():
            if node.node_id == node_id:
                return name
        raise KeyError(f"no node {node_id} in this cluster")

    def processes(self, title: str) -> dict[int, str]:
        """{pid: node name} of this cluster's processes whose command line starts with `title`
        (Ray titles a worker by what it runs: `ray::ServeReplica:<app>:<deployment>`, ...)."""
        found: dict[int, str] = {}
        for name, node in self.nodes.items():
            for pid in node.descendants():
                if cmdline(pid).startswith(title):
                    found[pid] = name
        return found


def cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


def descendants(root: int) -> list[int]:
    """The processes below `root` in the process tree, from /proc (Linux)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # The command name, in parentheses, may hold spaces: the fields after it are fixed.
        ppid = int(stat.rpartition(")")[2].split()[1])
        children.setdefault(ppid, []).append(int(entry.name))
    found: list[int] = []
    todo = [root]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


@dataclass(frozen=True)
class Socket:
    """A TCP socket of one of the cluster's processes."""

    pid: int
    title: str
    state: str
    local: str
    remote: str

    @property
    def local_loopback(self) -> bool:
        return _loopback(self.local)

    @property
    def remote_loopback(self) -> bool:
        return _loopback(self.remote)


# /proc/net/tcp's state codes (include/net/tcp_states.h), those a socket with an owner can be in.
TCP_STATES = {"01": "ESTABLISHED", "02": "SYN_SENT", "03": "SYN_RECV", "06": "TIME_WAIT", "0A": "LISTEN"}


def _address(hex_address: str) -> str:
    """/proc/net/tcp{,6}'s `HEX:PORT` (each 32-bit word in host byte order) as `ip:port`."""
    host, port = hex_address.split(":")
    words = [bytes.fromhex(host[i : i + 8])[::-1] for i in range(0, len(host), 8)]
    return f"{ipaddress.ip_address(b''.join(words))}:{int(port, 16)}"


def _loopback(address: str) -> bool:
    ip = ipaddress.ip_address(address.rpartition(":")[0])
    mapped = getattr(ip, "ipv4_mapped", None)
    return (mapped or ip).is_loopback


def sockets(cluster: RayCluster) -> list[Socket]:
    """Every TCP socket the cluster's processes hold, from /proc (Linux)."""
    owners: dict[str, int] = {}
    for node in cluster.nodes.values():
        for pid in [node.proc.pid, *node.descendants()]:
            try:
                links = [os.readlink(fd) for fd in Path(f"/proc/{pid}/fd").iterdir()]
            except OSError:
                continue
            for link in links:
                if link.startswith("socket:["):
                    owners[link[8:-1]] = pid
    found: list[Socket] = []
    for table in ("tcp", "tcp6"):
        for line in Path(f"/proc/net/{table}").read_text().splitlines()[1:]:
            fields = line.split()
            owner = owners.get(fields[9])
            if owner is not None:
                state = TCP_STATES.get(fields[3], fields[3])
                found.append(Socket(owner, cmdline(owner), state, _address(fields[1]), _address(fields[2])))
    return found


def _start_node(name: str, args: list[str], env: Mapping[str, str], root: Path) -> Node:
    """`ray start --block` for the node `name` (`head` or `worker`), once its runtime is up.

    Each node gets its own temp dir, its own agent and metrics ports (the nodes share one address),
    and a custom resource named after it, for placing work on it.
    """
    own = [
        f"--temp-dir={root / name}",
        f"--dashboard-agent-listen-port={free_port()}",
        f"--metrics-export-port={free_port()}",
        f'--resources={{"{name}": 1}}',
    ]
    program = (
        [sys.executable, "-c", WORKER_START]
        if name == "worker"
        else [sys.executable, "-m", "ray.scripts.scripts"]
    )
    log_path = root / f"{name}.log"
    with log_path.open("wb") as out:
        proc = subprocess.Popen(
            [*program, "start", "--block", *args, *own],
            env=dict(env),
            cwd=ROOT,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    node = Node(name, proc, root / name, log_path)
    _wait_started(node, 90)
    return node


def _wait_started(node: Node, timeout_s: float) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        text = node.log_path.read_text(errors="replace")
        if "Ray runtime started" in text:
            return
        if node.proc.poll() is not None:
            raise RayUnavailable(f"ray start ({node.name}) exited {node.proc.returncode}:\n{text[-2000:]}")
        time.sleep(0.2)
    raise RayUnavailable(f"ray start ({node.name}) did not start within {timeout_s:.0f} s")


def _stop(nodes: list[Node]) -> None:
    """SIGTERM each `ray start --block` (it takes its node's processes down), then SIGKILL what is
    left of them, by pid."""
    # Each pid with what it runs: a pid the system hands to another program meanwhile is left alone.
    left = {pid: cmdline(pid) for node in nodes for pid in [node.proc.pid, *node.descendants()]}
    for node in nodes:
        if node.proc.poll() is None:
            node.proc.send_signal(signal.SIGTERM)
    for node in nodes:
        try:
            node.proc.wait(30)
        except subprocess.TimeoutExpired:
            log.warning("ray start (%s) did not stop within 30 s of SIGTERM", node.name)
    for pid, command in left.items():
        if cmdline(pid) == command:
            with suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
    for node in nodes:
        node.proc.wait()


@contextmanager
def ray_cluster(cpus_per_node: int = 2, object_store_mb: int = 200) -> Iterator[RayCluster]:
    """Start the two-node cluster, yield it, stop it. Raises `RayUnavailable` where Ray cannot start."""
    if importlib.util.find_spec("ray") is None:
        raise RayUnavailable('ray is not installed: pip install -e ".[ray]"')
    root = Path(tempfile.mkdtemp(prefix="nd-ray-", dir="/tmp"))  # short: Ray's socket paths have a limit
    env = {**{k: v for k, v in os.environ.items() if not k.startswith("SUMMARIZER_")}, **CLUSTER_ENV}
    port = free_port()
    common = [
        f"--node-ip-address={LOOPBACK}",
        f"--num-cpus={cpus_per_node}",
        "--num-gpus=0",
        f"--object-store-memory={object_store_mb * 1024 * 1024}",
        # Any free port for Ray's worker processes: the two nodes share one address.
        "--min-worker-port=0",
        "--max-worker-port=0",
        "--disable-usage-stats",
    ]
    cluster = RayCluster(address=f"{LOOPBACK}:{port}", env=env)
    roles = {
        "head": [
            "--head",
            f"--port={port}",
            "--include-dashboard=false",
            f"--ray-client-server-port={free_port()}",
        ],
        "worker": [f"--address={cluster.address}"],
    }
    nodes: list[Node] = []
    try:
        for name, args in roles.items():
            nodes.append(_start_node(name, [*args, *common], env, root))
        cluster.nodes = {n.name: n for n in nodes}
        _identify(cluster)
        yield cluster
    finally:
        _stop(nodes)
        shutil.rmtree(root, ignore_errors=True)


def _identify(cluster: RayCluster) -> None:
    """Each node's Ray id, found by its resource; every node must be alive and on 127.0.0.1."""
    out = cluster.driver(
        "print(json.dumps([[n['NodeID'], n['NodeManagerAddress'], n['Alive'], sorted(n['Resources'])]"
        " for n in ray.nodes()]))"
    )
    seen = json.loads(out.strip().splitlines()[-1])
    for node_id, address, alive, resources in seen:
        if not alive:
            continue
        if address != LOOPBACK:
            raise RuntimeError(f"node {node_id} is at {address}, not {LOOPBACK}")
        for name in cluster.nodes:
            if name in resources:
                cluster.nodes[name].node_id = node_id
    missing = [name for name, node in cluster.nodes.items() if not node.node_id]
    if missing:
        raise RuntimeError(f"nodes not in the cluster: {missing} (it has {seen})")
