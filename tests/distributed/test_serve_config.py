"""The repo's Serve config: read by Serve as written, loopback by default, the service's settings valid,
and Serve's per-replica limit above the service's own queue (so the service answers 429)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from service.settings import Settings

CONFIG = Path(__file__).resolve().parents[2] / "service" / "distributed" / "serve.yaml"


@pytest.fixture(scope="module")
def config() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load(CONFIG.read_text())
    return loaded


def test_serve_reads_every_key_as_written(config: dict[str, Any]) -> None:
    # Serve's schema ignores a key it does not know (`max_ongoing_request`, a typo, is accepted
    # and does nothing): what it read, dumped back, must be the file itself.
    schema = pytest.importorskip("ray.serve.schema", reason="ray is not installed (the `ray` extra)")
    read = schema.ServeDeploySchema.model_validate(config)
    assert read.model_dump(mode="json", exclude_unset=True) == config


def test_it_names_the_deployment_the_module_makes(config: dict[str, Any]) -> None:
    serve = pytest.importorskip("service.distributed.serve", reason="ray is not installed (the `ray` extra)")
    (app,) = config["applications"]
    assert app["import_path"] == "service.distributed.serve:app"
    assert [d["name"] for d in app["deployments"]] == [serve.deployment.name]


def test_loopback_settings_valid_and_the_service_decides_backpressure(
    config: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    assert config["http_options"]["host"] == "127.0.0.1"
    (app,) = config["applications"]
    for name, value in app["runtime_env"]["env_vars"].items():
        monkeypatch.setenv(name, value)
    settings = Settings()
    (deployment,) = app["deployments"]
    assert deployment["max_ongoing_requests"] > settings.max_queue
    autoscaling = deployment["autoscaling_config"]
    assert autoscaling["min_replicas"] <= autoscaling["initial_replicas"] <= autoscaling["max_replicas"]
