"""`newsdigest` run as a user runs it, in this process: an argument list, stdin, exit status and output."""

from __future__ import annotations

import io
import json
import sys
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from service.cli.__main__ import main


@dataclass
class Outcome:
    status: int
    out: str
    err: str

    def json(self) -> dict[str, Any]:
        data: dict[str, Any] = json.loads(self.out)
        return data


Cli = Callable[..., Outcome]


def runner(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> Cli:
    """A function that runs `newsdigest ARGS...` with `stdin` (bytes) as its standard input."""

    def run(*argv: str, stdin: bytes = b"") -> Outcome:
        monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(stdin)))
        try:
            status = main(list(argv))
        except SystemExit as exc:  # argparse's own exits: --help, usage errors
            status = int(exc.code or 0)
        out, err = capsys.readouterr()
        assert "Traceback" not in err
        return Outcome(status, out, err)

    return run


def assert_same_answer(got: dict[str, Any], expected: dict[str, Any]) -> None:
    """Two response bodies equal but for the times taken (the same kinds of times, though)."""
    assert set(got["timings_ms"]) == set(expected["timings_ms"])
    assert {**got, "timings_ms": None} == {**expected, "timings_ms": None}
