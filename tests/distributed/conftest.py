"""The one Ray cluster the tests of this folder share (two nodes on 127.0.0.1, started once)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.support.ray_cluster import RayCluster, RayUnavailable, ray_cluster


@pytest.fixture(scope="session")
def cluster() -> Iterator[RayCluster]:
    try:
        with ray_cluster() as started:
            yield started
    except RayUnavailable as exc:
        pytest.skip(f"Ray cannot start here: {exc}")
