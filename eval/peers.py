"""Other systems' summaries, from `--systems` files: JSONL rows, or an official ROUGE-1.5.5 run's config.

NIST scored DUC's participants with ROUGE-1.5.5 from an XML config (`-d rougejk.in` and the like):
each `<EVAL>` names a topic's peer summaries (systems' and humans') and model summaries (the
references), one sentence a line (`SPL`). Read as other systems, its peers are scored by the
harness on the same footing as the system under test: same references, same settings, paired tests.

- An evaluation's id is DUC's `D0601.M.250.A` (topic, summary type, length, the assessor who
  selected the documents), with `-<left-out model>` in jackknifed configs; it names the example
  `D0601A` (the document set's name), or `D0601`, or the id itself, whichever the data has (case
  apart, so DUC 2004's `d30001t` is found too).
- A peer is the system `peer-<ID>`. It is a human's when its ID is one of the topic's model IDs
  anywhere in the config (in a jackknifed config, each human is a peer against the other humans):
  then it is marked `human` with its ID as `reference_id`, and scored against the other references.
- Peer and model roots are relative to the config's folder, as when the perl runs there. Files are
  UTF-8, or Latin-1 (DUC's older texts), said in one warning.
"""

from __future__ import annotations

import logging
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from eval.data import DataError, SystemSummary, read_system_summaries

log = logging.getLogger(__name__)

Systems = dict[str, dict[str, SystemSummary]]


def is_rouge_config(path: Path) -> bool:
    """Whether a `--systems` file is XML (a ROUGE config) rather than JSONL: its first character."""
    with path.open("rb") as f:
        for line in f:
            text = line.lstrip(b"\xef\xbb\xbf \t\r\n")
            if text:
                return text.startswith(b"<")
    return False


def read_other_systems(paths: Iterable[Path], example_ids: Sequence[str]) -> Systems:
    """`{system: {example id: SystemSummary}}` from JSONL files and ROUGE configs alike; a later
    file's summary of the same system and example replaces an earlier one."""
    systems: Systems = {}
    for path in paths:
        part = (
            read_rouge_config(path, example_ids) if is_rouge_config(path) else read_system_summaries([path])
        )
        for name, per_id in part.items():
            systems.setdefault(name, {}).update(per_id)
    return systems


@dataclass(frozen=True)
class _Peer:
    """One peer of one evaluation, with where it stands (for errors)."""

    id: str
    file: Path
    where: str


def _text(element: ET.Element, tag: str, where: str) -> str:
    child = element.find(tag)
    if child is None or not (child.text or "").strip():
        raise DataError(f"{where}: needs a non-empty <{tag}>")
    return (child.text or "").strip()


def _entries(element: ET.Element, group: str, tag: str, where: str) -> list[tuple[str, str]]:
    """The (ID, file name) pairs of `<PEERS>` or `<MODELS>`."""
    parent = element.find(group)
    if parent is None:
        raise DataError(f"{where}: needs <{group}>")
    pairs = []
    for item in parent.findall(tag):
        ident, name = item.get("ID", "").strip(), (item.text or "").strip()
        if not ident or not name:
            raise DataError(f"{where}: each <{tag}> needs an ID and a file name")
        pairs.append((ident, name))
    return pairs


def _topic(eval_id: str) -> str:
    """`D0601.M.250.A-B` (jackknifed, model B left out) -> `D0601.M.250.A`."""
    head, dot, last = eval_id.rpartition(".")
    return f"{head}{dot}{last.split('-', 1)[0]}" if dot else eval_id


def _evaluations(path: Path) -> Iterator[tuple[list[_Peer], str, set[str]]]:
    """Each `<EVAL>`'s peers, topic and model IDs."""
    try:
        root = ET.parse(path).getroot()
    except ET.ParseError as exc:
        raise DataError(f"{path.name}: not a ROUGE config: {exc}") from exc
    if root.tag != "ROUGE_EVAL":
        raise DataError(f"{path.name}: the root element must be <ROUGE_EVAL>, not <{root.tag}>")
    base = path.parent
    for n, element in enumerate(root.findall("EVAL"), 1):
        eval_id = element.get("ID", "").strip()
        where = f"{path.name}: <EVAL ID={eval_id!r}>" if eval_id else f"{path.name}: <EVAL> {n}"
        if not eval_id:
            raise DataError(f"{where}: needs an ID")
        fmt = element.find("INPUT-FORMAT")
        if fmt is None or fmt.get("TYPE", "").upper() != "SPL":
            raise DataError(f'{where}: only INPUT-FORMAT TYPE="SPL" (one sentence a line) is read')
        peer_root = base / _text(element, "PEER-ROOT", where)
        topic = _topic(eval_id)
        peers = [_Peer(i, peer_root / name, where) for i, name in _entries(element, "PEERS", "P", where)]
        models = {i for i, _ in _entries(element, "MODELS", "M", where)}
        if not peers or not models:
            raise DataError(f"{where}: needs at least one peer and one model")
        yield peers, topic, models


def _candidates(topic: str) -> list[str]:
    """Example ids a DUC topic may go by: `D0601.M.250.A` -> `D0601A`, `D0601`, then itself."""
    fields = topic.split(".")
    names = [fields[0] + fields[3], fields[0]] if len(fields) == 4 else []
    return [*names, topic]


def _read_summary(path: Path, where: str, latin1: list[str]) -> str:
    """An SPL file's text as it is (ROUGE's own reading of SPL lines applies when it is scored)."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise DataError(f"{where}: cannot read peer file {path}: {exc.strerror}") from exc
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        text = data.decode("latin-1")  # never fails: DUC's files predate UTF-8
        latin1.append(path.name)
    return text


def read_rouge_config(path: Path, example_ids: Sequence[str]) -> Systems:
    """The peers of a ROUGE-1.5.5 config as other systems, on the examples `example_ids` (topics
    that name none of them are left out; a config that names none at all is an error)."""
    peers: dict[tuple[str, str], _Peer] = {}
    models: dict[str, set[str]] = {}
    for eval_peers, topic, model_ids in _evaluations(path):
        models.setdefault(topic, set()).update(model_ids)
        for peer in eval_peers:
            seen = peers.setdefault((topic, peer.id), peer)
            if seen.file != peer.file:
                raise DataError(
                    f"{peer.where}: peer {peer.id} is {peer.file.name} here"
                    f" but {seen.file.name} in {seen.where}"
                )
    by_casefold = {i.casefold(): i for i in example_ids}
    examples: dict[str, str] = {}  # topic -> example id
    for topic in models:
        found = next(
            (by_casefold[c.casefold()] for c in _candidates(topic) if c.casefold() in by_casefold), None
        )
        if found is None:
            continue
        if found in examples.values():
            other = next(t for t, e in examples.items() if e == found)
            raise DataError(f"{path.name}: topics {other} and {topic} both name example {found}")
        examples[topic] = found
    if not models:
        raise DataError(f"{path.name}: no <EVAL> in the config")
    if not examples:
        raise DataError(
            f"{path.name}: none of its {len(models)} topics (e.g. {next(iter(models), '-')}) is an"
            f" example of the data (tried e.g. {', '.join(_candidates(next(iter(models), '-')))})"
        )
    if len(examples) < len(models):
        log.info(
            "%s: %d of %d topics are not in the data, left out",
            path.name,
            len(models) - len(examples),
            len(models),
        )
    systems: Systems = {}
    latin1: list[str] = []
    for (topic, ident), peer in peers.items():
        if topic not in examples:
            continue
        human = ident in models[topic]
        systems.setdefault(f"peer-{ident}", {})[examples[topic]] = SystemSummary(
            summary=_read_summary(peer.file, peer.where, latin1),
            human=human,
            reference_id=ident if human else None,
        )
    if latin1:
        log.warning(
            "%s: %d peer file(s) not UTF-8, read as Latin-1: %s",
            path.name,
            len(latin1),
            ", ".join(latin1[:3]),
        )
    return systems
