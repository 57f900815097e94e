"""Fixtures of the command-line tests (test_cli*.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.support.cli import Cli, runner


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> Cli:
    """`newsdigest ARGS...` in this process: `cli("summarize", "a.txt", stdin=b"...")`."""
    return runner(capsys, monkeypatch)


@pytest.fixture
def ferry_files(tmp_path: Path, ferry: list[dict[str, Any]], monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The ferry articles as text files in the working directory, named as a user passes them."""
    monkeypatch.chdir(tmp_path)
    for a in ferry:
        Path(f"{a['id']}.txt").write_text(a["text"], encoding="utf-8")
    return [f"{a['id']}.txt" for a in ferry]
