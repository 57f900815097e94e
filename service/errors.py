"""The service's errors, in plain Python: each declares its HTTP status and error code once.

Lower layers raise these without knowing about HTTP; `service.api.http_errors` answers them. An
error that is not a `ServiceError` (or an `EngineError`) is a fault of the server: it is logged
with its traceback and answered with a generic 500, so exception text never reaches a client.
"""

from __future__ import annotations

import threading


class ServiceError(Exception):
    """An error with a meaning for the client: `status` and `code` are what it is answered with."""

    status = 500
    code = "internal_error"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class BadRequest(ServiceError):
    status, code = 400, "bad_request"


class Unauthorized(ServiceError):
    status, code = 401, "unauthorized"


class NotFound(ServiceError):
    status, code = 404, "not_found"


class MethodNotAllowed(ServiceError):
    status, code = 405, "method_not_allowed"


class PayloadTooLarge(ServiceError):
    status, code = 413, "payload_too_large"


class UnsupportedMediaType(ServiceError):
    status, code = 415, "unsupported_media_type"


class InvalidInput(ServiceError, ValueError):
    """Well-formed input that cannot be used: the request's fault (e.g. articles with no sentences)."""

    status, code = 422, "invalid_request"


class FetchFailed(InvalidInput):
    """A link that could not be fetched (not reachable, refused by the address guard, not a web
    page, an error status, too slow): `reason` says which, for people."""

    code = "fetch_failed"

    def __init__(self, url: str, reason: str) -> None:
        super().__init__(f"could not fetch {url}: {reason}")
        self.url = url
        self.reason = reason

    def __reduce__(self) -> tuple[type[FetchFailed], tuple[str, str]]:
        # Pickled (a process pool, Ray) with the arguments it is made from, not its message.
        return type(self), (self.url, self.reason)


class Overloaded(ServiceError):
    status, code = 429, "overloaded"


class ClientClosed(ServiceError):
    """The client hung up before its answer was ready (nginx's 499); nobody reads this response."""

    status, code = 499, "client_closed_request"


class NotReady(ServiceError):
    status, code = 503, "not_ready"


class EngineFailed(NotReady):
    """The engine failed to load: the process is alive but will never be ready."""

    code = "engine_failed"


class DeadlineExceeded(ServiceError):
    status, code = 504, "deadline_exceeded"


class Cancelled(Exception):
    """Nobody waits for this work any more (deadline passed, client gone): stop and drop it."""


def check(stop: threading.Event | None) -> None:
    """Raise `Cancelled` once `stop` is set; long loops call it so abandoned work ends quickly."""
    if stop is not None and stop.is_set():
        raise Cancelled


class EngineError(RuntimeError):
    """The engine broke its contract or failed on valid input: a server fault, answered as a 500."""


def code_for(status: int) -> str:
    """The error code of an HTTP status, from the classes above (one declaration per status)."""
    for cls in _all(ServiceError):
        if cls.status == status:
            return cls.code
    return "error"


def _all(cls: type[ServiceError]) -> list[type[ServiceError]]:
    found = [cls]
    for sub in cls.__subclasses__():
        found.extend(_all(sub))
    return found


# The longest load-failure reason the health routes and the CLI repeat.
FAILURE_CHARS = 300


def load_failure(exc: BaseException) -> str:
    """Why the engine failed to load, in one line: the operator sees the cause (a setting, a
    missing extra, a checkpoint not found) without reading the log, where the traceback stays."""
    lines = str(exc).strip().splitlines()
    reason = f"{type(exc).__name__}: {lines[0]}" if lines else type(exc).__name__
    return reason if len(reason) <= FAILURE_CHARS else reason[: FAILURE_CHARS - 1] + "…"
