"""The service as a Ray Serve application: the same FastAPI app on every replica, one engine each.

    serve run service/distributed/serve.yaml        # a local Ray, or the cluster at RAY_ADDRESS
    serve deploy service/distributed/serve.yaml     # a running cluster (through its dashboard)

Each replica builds the app as `python -m service` does, `create_app(Settings())`, with the
`SUMMARIZER_*` variables of the config's `runtime_env`: the same routes, schemas, errors, auth,
limits and metrics. Serve runs the app's lifespan, which starts loading the engine; a replica
counts as started only once its first health check passes, and that check waits for the engine,
so Serve sends no request to a replica still loading. A replica whose engine failed to load
fails its health checks and Serve replaces it. Replicas, autoscaling and resources per replica
are the config's (docs/ray.md).
"""

from __future__ import annotations

import asyncio

import ray
from fastapi import FastAPI
from ray import serve

from service.api.app import create_app
from service.api.state import ServiceState
from service.distributed.edge import ServeEdge
from service.settings import Settings


class Summarizer:
    """One replica: the service's app and its engine."""

    def __init__(self) -> None:
        replica = serve.get_replica_context().replica_tag
        self._app = create_app(Settings())
        self._app.add_middleware(ServeEdge, replica=replica, node=ray.get_runtime_context().get_node_id())

    def __serve_build_asgi_app__(self) -> FastAPI:
        return self._app

    async def check_health(self) -> None:
        """Serve's health check: passes once the engine is loaded and warmed, fails if it failed."""
        state: ServiceState = self._app.state.service
        if state.loader is not None and not state.loader.done():
            # The first check (Serve makes it before the replica takes traffic) waits for loading.
            await asyncio.shield(state.loader)
        if state.status != "ready":
            raise RuntimeError(f"engine {state.engine.name} {state.status}")


# Serve's decorators applied as calls, so a type checker sees the Deployment they make. The
# deployment keeps the class's name, `Summarizer` in serve.yaml. `serve.ingress()` with no app: the
# class builds it (`__serve_build_asgi_app__`), once per replica.
deployment = serve.deployment()(serve.ingress()(Summarizer))
# What `import_path: service.distributed.serve:app` names in serve.yaml.
app = deployment.bind()
