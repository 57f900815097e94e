"""The data sets a run reads: `--data NAME=PATH` specs and their clusters."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from eval.data import Example, load_examples


def data_spec(text: str) -> tuple[str, Path]:
    """`NAME=PATH`, or `PATH` named by its file name up to the first `_` (duc2004_task2 -> duc2004)."""
    name, sep, path = text.partition("=")
    if not sep:
        path = text
        name = Path(text).stem.split("_")[0]
    if not name or not path:
        raise ValueError(f"--data {text!r}: expected PATH or NAME=PATH")
    return name, Path(path)


def load_datasets(specs: Sequence[tuple[str, Path]]) -> dict[str, list[Example]]:
    datasets: dict[str, list[Example]] = {}
    for name, path in specs:
        if name in datasets:
            raise ValueError(f"dataset {name!r} given twice")
        datasets[name] = load_examples(path)
    return datasets
