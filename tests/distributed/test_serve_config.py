"""The repo's Serve config: valid for Serve, loopback by default, the service's settings valid,
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


def test_serve_reads_it(config: dict[str, Any]) -> None:
    schema = pytest.importorskip("ray.serve.schema", reason="ray is not installed (the `ray` extra)")
    schema.ServeDeploySchema.model_validate(config)


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
