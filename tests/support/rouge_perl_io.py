"""Reading what the ROUGE-1.5.5 perl reads and writes: its XML config, its inputs, its scores.

Used by the tests to check `eval.rouge.perl155` against runs of the official script
(../shared/rouge). The harness reads the perl's configs for `--systems` on its own (`eval.peers`).
"""

from __future__ import annotations

import re
import shlex
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

# The perl's SEE-format sentence lines (DUC peers and models are often in it).
SEE_LINES = (
    re.compile(r'^<a size="[0-9]+" name="[0-9]+">\[([0-9]+)\]</a>\s+<a href="#[0-9]+" id=[0-9]+>([^<]+)'),
    re.compile(r'^<a name="[0-9]+">\[([0-9]+)\]</a>\s+<a href="#[0-9]+" id=[0-9]+>([^<]+)'),
)
SCORE_LINE = re.compile(
    r"^(?P<peer>\S+) (?P<metric>ROUGE-\S+) Eval (?P<id>\S+) "
    r"R:(?P<R>[0-9.]+) P:(?P<P>[0-9.]+) F:(?P<F>[0-9.]+)$"
)


@dataclass(frozen=True)
class PerlEval:
    id: str
    format: str
    peers: dict[str, Path]
    models: dict[str, Path]


def read_config(path: Path) -> list[PerlEval]:
    """The <EVAL> entries of a ROUGE config; roots are relative to the config's folder."""
    base = path.parent
    evals = []
    for ev in ET.parse(path).getroot().iter("EVAL"):
        peer_root = base / (ev.findtext("PEER-ROOT") or "").strip()
        model_root = base / (ev.findtext("MODEL-ROOT") or "").strip()
        fmt_el = ev.find("INPUT-FORMAT")
        fmt = fmt_el.get("TYPE", "SPL") if fmt_el is not None else "SPL"
        peers = {p.get("ID", ""): peer_root / (p.text or "").strip() for p in ev.iter("P")}
        models = {m.get("ID", ""): model_root / (m.text or "").strip() for m in ev.iter("M")}
        evals.append(PerlEval(id=ev.get("ID", ""), format=fmt, peers=peers, models=models))
    return evals


def read_input(path: Path, fmt: str) -> str:
    """A peer or model file as text, one sentence a line (the perl's SPL view of it)."""
    raw = path.read_bytes().decode("utf-8", errors="surrogateescape")
    if fmt.upper() == "SPL":
        return raw
    if fmt.upper() == "SEE":
        sentences = []
        for line in raw.split("\n"):
            for pattern in SEE_LINES:
                if m := pattern.match(line):
                    sentences.append(m.group(2))
                    break
        return "\n".join(sentences)
    raise ValueError(f"input format {fmt!r} is not supported (SPL or SEE)")


def read_scores(path: Path, evals: list[PerlEval]) -> dict[tuple[str, str, str], tuple[float, float, float]]:
    """Per-summary scores printed with -d: `{(eval id, peer, metric): (R, P, F)}`."""
    ids = {e.id for e in evals}
    out: dict[tuple[str, str, str], tuple[float, float, float]] = {}
    for line in path.read_text(encoding="latin-1").splitlines():
        m = SCORE_LINE.match(line.strip())
        if not m:
            continue
        peer = m["peer"]
        eval_id = m["id"][: -(len(peer) + 1)] if m["id"].endswith("." + peer) else m["id"]
        if eval_id in ids:
            out[(eval_id, peer, m["metric"])] = (float(m["R"]), float(m["P"]), float(m["F"]))
    return out


def options_from_command(command: str) -> str:
    """The option part of a recorded perl command line (program, -e folder and config dropped)."""
    args = shlex.split(command.strip())
    if args and args[0].endswith(".pl"):
        args = args[1:]
    if args and not args[-1].startswith("-"):
        args = args[:-1]  # the config file
    kept, skip = [], False
    for a in args:
        if skip:
            skip = False
            continue
        if a == "-e":
            skip = True
            continue
        kept.append(a)
    return " ".join(kept)
