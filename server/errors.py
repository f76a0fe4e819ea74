"""Every error the server answers with, mapped to its HTTP status in one table."""

from __future__ import annotations

from flask import Response

from kg.errors import (
    ConfigError,
    FactsError,
    KgError,
    QueryEvaluationError,
    QuerySyntaxError,
    QueryTimeoutError,
    RdfFormatError,
    ResolutionError,
    ServiceNotAllowedError,
    StoreError,
)
from kg.query import EngineCrashError, ServiceError
from server.protocol import (
    BadRequest,
    Forbidden,
    MethodNotAllowed,
    NotAcceptable,
    NotFound,
    PayloadTooLarge,
    ProtocolError,
    Unauthorized,
    UnsupportedMediaType,
)

# Most specific first: the first class an error is an instance of gives its status.
STATUS: tuple[tuple[type[Exception], int], ...] = (
    (BadRequest, 400),
    (Unauthorized, 401),
    (Forbidden, 403),
    (NotFound, 404),
    (MethodNotAllowed, 405),
    (NotAcceptable, 406),
    (PayloadTooLarge, 413),
    (UnsupportedMediaType, 415),
    (ProtocolError, 400),
    (QuerySyntaxError, 400),
    (RdfFormatError, 400),
    (FactsError, 400),
    (ResolutionError, 400),
    (ServiceNotAllowedError, 400),
    (QueryTimeoutError, 503),
    (ServiceError, 502),
    (EngineCrashError, 400),
    (QueryEvaluationError, 400),
    (ConfigError, 500),
    (StoreError, 500),
    (KgError, 500),
)


def status_of(error: Exception) -> int:
    """The HTTP status for one of our errors (500 for anything not in the table)."""
    for cls, status in STATUS:
        if isinstance(error, cls):
            return status
    return 500


def error_response(error: Exception) -> Response:
    """A text/plain answer with the error's own message (the parser's, for a 400)."""
    status = status_of(error)
    response = Response(f"{error}\n", status=status, mimetype="text/plain")
    if isinstance(error, MethodNotAllowed):
        response.headers["Allow"] = ", ".join(error.allowed)
    if isinstance(error, Unauthorized):
        response.headers["WWW-Authenticate"] = 'Bearer realm="newsgraph"'
    if isinstance(error, QueryTimeoutError):
        response.headers["Retry-After"] = "1"
    return response
