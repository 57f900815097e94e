"""Where a request is answered: in this process, by the route's own steps, or by a running service.

In this process the request goes the way `POST /v1/summarize` takes it: the body limit, the
request schema, then `service.api.answer` (the configured limits, the engine runner with its
deadline, the response); so the JSON is the API's, and so are the errors.
"""

from __future__ import annotations

import asyncio
import http.client
import json
import logging
import urllib.error
import urllib.parse
import urllib.request
from typing import Any

from pydantic import ValidationError

from service.api import messages
from service.api.answer import respond
from service.api.intake import Read, read_request
from service.api.schemas import ErrorResponse, SummarizeRequest, SummarizeResponse
from service.cli import exits
from service.cli.exits import CliError
from service.cli.inputs import Inputs
from service.engines import build_engine
from service.engines.base import Engine
from service.errors import (
    DeadlineExceeded,
    EngineFailed,
    InvalidInput,
    PayloadTooLarge,
    ServiceError,
    load_failure,
)
from service.runner import EngineRunner
from service.settings import Settings

log = logging.getLogger(__name__)

# The API reports at most this many validation details (service.api.http_errors).
MAX_DETAILS = 20


def local(inputs: Inputs, settings: Settings) -> dict[str, Any]:
    """The API's response body for `inputs`, computed here with the configured engine."""
    size = len(inputs.encoded())
    if size > settings.max_body_bytes:
        raise CliError.from_service(
            PayloadTooLarge(f"request body over the limit of {settings.max_body_bytes} bytes")
        )
    try:
        request = SummarizeRequest.model_validate(inputs.body)
    except ValidationError as exc:
        details = [
            inputs.where(d["loc"]) + f": {d['msg']}"
            for d in messages.details(exc.errors()[:MAX_DETAILS], prefix=("body",))
        ]
        raise CliError(
            exits.BY_STATUS[InvalidInput.status], InvalidInput.code, "the request body is invalid", details
        ) from None
    try:
        read = asyncio.run(read_request(request, settings))
    except ServiceError as exc:
        raise CliError.from_service(exc, inputs.named(exc.message)) from None
    try:
        # Loaded after the request is read (a bad one costs no load), and not in its timings.
        engine = load_engine(settings)
        response = asyncio.run(_respond(engine, read, settings.request_timeout_s))
    except ServiceError as exc:
        raise CliError.from_service(exc) from None
    answer: dict[str, Any] = response.model_dump(mode="json")
    return answer


def load_engine(settings: Settings) -> Engine:
    """The configured engine, loaded (not warmed: one request gains nothing from a warm-up)."""
    try:
        engine = build_engine(settings)
        engine.load()
    except Exception as exc:
        log.debug("the engine failed to load", exc_info=True)
        raise EngineFailed(f"the engine failed to load: {load_failure(exc)}") from None
    return engine


async def _respond(engine: Engine, read: Read, timeout_s: float) -> SummarizeResponse:
    """The engine runner the service uses, for one request: the same deadline, the same 504."""
    runner = EngineRunner(engine, max_queue=1, timeout_s=timeout_s)
    runner.start()
    try:
        return await respond(read, runner)
    finally:
        runner.close()


def remote(
    inputs: Inputs, url: str, api_key: str | None, timeout_s: float, path: str = "/v1/summarize"
) -> dict[str, Any]:
    """The response body of the service at `url` (its route `path`); its errors as the API's classes."""
    endpoint = url.rstrip("/") + path
    if urllib.parse.urlsplit(endpoint).scheme not in ("http", "https"):
        raise CliError(exits.USAGE, "error", f"--url must be an http:// or https:// address, not {url!r}")
    headers = {"Content-Type": "application/json", "Accept": "application/json"}
    if api_key:
        headers["Authorization"] = f"Bearer {api_key}"
    request = urllib.request.Request(endpoint, data=inputs.encoded(), headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=timeout_s) as response:
            status, raw = response.status, response.read()
    except urllib.error.HTTPError as exc:
        status, raw = exc.code, exc.read()
    except (TimeoutError, urllib.error.URLError, OSError, http.client.HTTPException) as exc:
        reason = exc.reason if isinstance(exc, urllib.error.URLError) else exc
        if isinstance(reason, TimeoutError):
            raise CliError.from_service(
                DeadlineExceeded(f"no answer from {url} within {timeout_s:g} s")
            ) from None
        raise CliError(exits.UNREACHABLE, "unreachable", f"cannot reach {url}: {reason}") from None
    if status == 200:
        try:
            answer = json.loads(raw)
        except ValueError:
            answer = None
        if not isinstance(answer, dict):
            raise CliError(exits.UNREACHABLE, "unreachable", f"{endpoint} answered 200 with no JSON object")
        return answer
    raise _http_error(status, raw, endpoint, inputs)


def _http_error(status: int, raw: bytes, endpoint: str, inputs: Inputs) -> CliError:
    """The API's error answer as a `CliError`; anything else (a proxy's page) as unreachable."""
    fallback = exits.INTERNAL if status == 500 else exits.UNREACHABLE
    try:
        error = ErrorResponse.model_validate_json(raw).error
    except ValidationError:
        return CliError(fallback, "unreachable", f"{endpoint} answered HTTP {status}, not in the API's shape")
    details = [f"{inputs.where(d.get('loc', ''))}: {d.get('msg', '')}" for d in error.details or []]
    return CliError(exits.BY_STATUS.get(status, fallback), error.code, inputs.named(error.message), details)
