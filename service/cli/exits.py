"""The command's exit statuses: one per class of error, the API's classes by their HTTP status.

`service.errors` declares each error's status once; this table turns a status into an exit status,
so an error raised in this process and the same error answered by a running service end alike.
"""

from __future__ import annotations

from service.errors import (
    BadRequest,
    DeadlineExceeded,
    InvalidInput,
    NotReady,
    Overloaded,
    PayloadTooLarge,
    ServiceError,
    Unauthorized,
    UnsupportedMediaType,
)

OK = 0
# A fault of the summarizer (the API's 500), or anything unexpected.
INTERNAL = 1
# Bad flags, or an input file that cannot be read (argparse's own status for usage errors).
USAGE = 2
BY_STATUS: dict[int, int] = {
    # The input is wrong: invalid or unreadable as a request.
    InvalidInput.status: 3,
    BadRequest.status: 3,
    UnsupportedMediaType.status: 3,
    PayloadTooLarge.status: 4,
    Unauthorized.status: 5,
    Overloaded.status: 6,
    # Not ready, or the engine failed to load.
    NotReady.status: 7,
    DeadlineExceeded.status: 8,
}
# --url: no service there, or something that does not answer as the API does.
UNREACHABLE = 9
# Ctrl-C (128 + SIGINT, as shells report it).
INTERRUPTED = 130


class CliError(Exception):
    """What the command ends with: a message for stderr and an exit status.

    `code` is the API's error code (`invalid_request`, ...) where the error is one of the API's,
    else `error`; `details` are the API's per-field details (`loc: msg`).
    """

    def __init__(self, status: int, code: str, message: str, details: list[str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.details = details or []

    @classmethod
    def from_service(cls, exc: ServiceError, message: str | None = None) -> CliError:
        """An error the API would answer with its status: the same class, the same exit status."""
        return cls(BY_STATUS.get(exc.status, INTERNAL), exc.code, message or exc.message)

    def render(self, prog: str) -> str:
        lines = [f"{prog}: {self.code}: {self.message}", *(f"  {d}" for d in self.details)]
        return "\n".join(lines) + "\n"
