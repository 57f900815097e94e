"""The one error map: service errors and framework errors to HTTP, all in the `ErrorResponse` shape.

Unknown errors are logged with their traceback and answered with a generic 500: exception text
never reaches a client.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from service.api import messages
from service.api.schemas import ErrorBody, ErrorResponse
from service.errors import InvalidInput, ServiceError, code_for

log = logging.getLogger(__name__)

# A 422 lists at most this many problems.
MAX_DETAILS = 20


def error_response(
    status: int,
    code: str,
    message: str,
    details: list[dict[str, str]] | None = None,
    headers: Mapping[str, str] | None = None,
) -> JSONResponse:
    body = ErrorResponse(error=ErrorBody(code=code, message=message, details=details))
    return JSONResponse(body.model_dump(exclude_none=True), status_code=status, headers=headers)


async def _service_error(request: Request, exc: ServiceError) -> JSONResponse:
    if exc.status >= 500 and exc.status not in (503, 504):
        return await _unexpected(request, exc)
    headers = {"Retry-After": "1"} if exc.status in (429, 503) else None
    if exc.status == 401:
        headers = {"WWW-Authenticate": "Bearer"}
    return error_response(exc.status, exc.code, exc.message, headers=headers)


async def _validation_error(_: Request, exc: RequestValidationError) -> JSONResponse:
    # Location and message only: echoing the offending input could return megabytes of text.
    details = messages.details(exc.errors()[:MAX_DETAILS], exc.body)
    return error_response(422, InvalidInput.code, "the request body is invalid", details)


async def _http_error(_: Request, exc: StarletteHTTPException) -> JSONResponse:
    message = str(exc.detail)
    # FastAPI answers a body it cannot decode as text with this 400; UTF-8 is what it must be.
    if exc.status_code == 400 and isinstance(exc.__cause__, UnicodeDecodeError):
        bad = exc.__cause__
        message = (
            f"the body is not UTF-8 text: byte {bad.object[bad.start]:#04x} at position {bad.start}"
            " cannot be read; send the JSON encoded as UTF-8"
        )
    return error_response(exc.status_code, code_for(exc.status_code), message, headers=exc.headers)


async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
    log.error("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    return error_response(500, ServiceError.code, "internal server error")


def install_error_handlers(app: FastAPI) -> None:
    # Starlette types handlers as taking any Exception; each one here gets only its own class.
    app.add_exception_handler(ServiceError, _service_error)  # type: ignore[arg-type]
    app.add_exception_handler(RequestValidationError, _validation_error)  # type: ignore[arg-type]
    app.add_exception_handler(StarletteHTTPException, _http_error)  # type: ignore[arg-type]
    app.add_exception_handler(Exception, _unexpected)
