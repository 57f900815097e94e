"""Fixtures, and the test tiers.

`pytest` runs the fast tier (unit and API tests). Tests marked `slow` (tiny seq2seq models, real
server processes, fuzzing, full ROUGE parity runs) and `docker` (building and running the image)
run with `pytest --all`, as CI does.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.support.app import serve
from tests.support.articles import load_cluster
from tests.support.models import build_tiny_models

TIERED = ("slow", "docker")


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--all", action="store_true", help="also run the slow and docker tests (as CI does)")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if config.getoption("--all"):
        return
    kept: list[pytest.Item] = []
    deselected: list[pytest.Item] = []
    for item in items:
        (deselected if any(item.get_closest_marker(m) for m in TIERED) else kept).append(item)
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = kept


@pytest.fixture(scope="session")
def ferry() -> list[dict[str, Any]]:
    return load_cluster()


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    """The service as a user starts it with no model configured: the embedded engine."""
    with serve() as c:
        yield c


@pytest.fixture(scope="session")
def tiny_models(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Random-initialised T5 and BART checkpoints, saved like any Hugging Face model directory."""
    return build_tiny_models(tmp_path_factory.mktemp("tiny-models"))
