"""The one table of errors and statuses, and the one renderer of an error as an answer.

Every error a request can meet, ours (ProtocolError, the KgError family) and werkzeug's
(unknown route, wrong method), is answered here: HTML for a browser, text/plain otherwise,
with the error's own message and the headers its status calls for.
"""

from __future__ import annotations

from collections.abc import Callable

from werkzeug.datastructures import MIMEAccept
from werkzeug.exceptions import HTTPException
from werkzeug.http import parse_accept_header

from kg.errors import (
    ArticleNotFoundError,
    ConfigError,
    EngineCrashError,
    ExtractionError,
    FactsError,
    KgError,
    QueryEvaluationError,
    QueryMemoryError,
    QuerySyntaxError,
    QueryTimeoutError,
    RdfFormatError,
    ResolutionError,
    ServiceError,
    ServiceNotAllowedError,
    StoreError,
    TooManyQueriesError,
)
from kg.model import formats
from server.http.answers import Answer
from server.http.auth import CHALLENGES
from server.http.protocol import (
    BadRequest,
    Forbidden,
    MethodNotAllowed,
    NotAcceptable,
    NotFound,
    PayloadTooLarge,
    PreconditionFailed,
    ProtocolError,
    Unauthorized,
    UnsupportedMediaType,
)

HtmlPage = Callable[[int, str, str], str]  # (status, title, message) -> an HTML document

# Most specific first: the first class an error is an instance of gives its status.
STATUS: tuple[tuple[type[Exception], int], ...] = (
    (BadRequest, 400),
    (Unauthorized, 401),
    (Forbidden, 403),
    (NotFound, 404),
    (ArticleNotFoundError, 404),
    (MethodNotAllowed, 405),
    (NotAcceptable, 406),
    (PreconditionFailed, 412),
    (PayloadTooLarge, 413),
    (UnsupportedMediaType, 415),
    (ProtocolError, 400),
    (QuerySyntaxError, 400),
    (RdfFormatError, 400),
    (FactsError, 400),
    (ExtractionError, 400),
    (ResolutionError, 400),
    (ServiceNotAllowedError, 400),
    (QueryTimeoutError, 503),
    (QueryMemoryError, 503),
    (TooManyQueriesError, 429),
    (ServiceError, 502),
    (EngineCrashError, 400),
    (QueryEvaluationError, 400),
    (ConfigError, 500),
    (StoreError, 500),
    (KgError, 500),
)

TITLES = {
    400: "Bad request", 401: "Authentication needed", 403: "Forbidden", 404: "Not found",
    405: "Method not allowed", 406: "Not acceptable", 412: "Precondition failed",
    413: "Request too large", 415: "Unsupported media type", 429: "Too many queries",
    500: "Server error",
    502: "A remote service failed", 503: "Service unavailable",
}


def status_of(error: Exception) -> int:
    """The HTTP status of an error (werkzeug's own code; 500 for anything not in the table)."""
    if isinstance(error, HTTPException):
        return error.code or 500
    for cls, status in STATUS:
        if isinstance(error, cls):
            return status
    return 500


def message_of(error: Exception) -> str:
    """What the user reads: our errors' own message, werkzeug's description."""
    if isinstance(error, HTTPException):
        return str(error.description or error.name)
    return str(error)


def wants_html(accept: str | None) -> bool:
    """Whether the client prefers an HTML page to plain text (a browser does; curl's */* does not)."""
    offers = parse_accept_header(accept or "", MIMEAccept)
    return offers.best_match([formats.PLAIN_TEXT, formats.HTML]) == formats.HTML


def error_answer(error: Exception, accept: str | None = None, html_page: HtmlPage | None = None) -> Answer:
    """The answer to a failed request: an HTML page when the client wants one, else text/plain."""
    status = status_of(error)
    message = message_of(error)
    if html_page is not None and wants_html(accept):
        body = html_page(status, TITLES.get(status, "Error"), message).encode()
        content_type = formats.HTML_CONTENT_TYPE
    else:
        body = f"{message}\n".encode()
        content_type = formats.PLAIN_TEXT_CONTENT_TYPE
    headers = [("Content-Type", content_type), ("Content-Length", str(len(body))), ("Vary", "Accept")]
    if isinstance(error, HTTPException):
        own = error.get_headers()
        headers += [(k, v) for k, v in own if k.lower() not in ("content-type", "content-length")]
    if isinstance(error, MethodNotAllowed):
        headers.append(("Allow", ", ".join(error.allowed)))
    if isinstance(error, Unauthorized):
        headers += [("WWW-Authenticate", challenge) for challenge in CHALLENGES]
    if isinstance(error, (QueryTimeoutError, TooManyQueriesError)):
        headers.append(("Retry-After", "1"))
    return Answer(status, headers, [body])

