"""What wraps the Flask app: request limits, CORS, security headers, the fast /sparql route.

Flask's request objects, routing and hooks cost more than a cheap query takes to run
(about 0.3 ms against 0.05 ms for an entity lookup), so a query on /sparql is read here,
once, and answered straight from the query engine with the answer the Flask view would
build (server.http.answers). Updates and the service description go on to the Flask view
with the request already read (``sparql_request``); an error met here goes on to the
Flask app too, which raises it before routing so that the one renderer
(server.views.error_response) answers it.
"""

from __future__ import annotations

import io
import ipaddress
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from http import HTTPStatus
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from kg.errors import ConfigError, KgError
from kg.model import formats
from server.http.answers import query_answer, query_job
from server.http.protocol import (
    FORM,
    PayloadTooLarge,
    ProtocolError,
    QueryRequest,
    UpdateRequest,
    check_charset,
    media_type_of,
    parse_query_string,
    parse_sparql_request,
    requested_format,
)

if TYPE_CHECKING:
    from server.state import Newsgraph

WsgiApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]

STATUS_LINES = {status.value: f"{status.value} {status.phrase}" for status in HTTPStatus}
SPARQL_PATH = "/sparql"
ERROR_KEY = "newsgraph.error"  # an error met here, for the Flask app to raise and render
REQUEST_KEY = "newsgraph.sparql_request"

# Fetch's CORS: every response names the origins and the headers a script may read; the
# methods, request headers and how long to remember them matter only to a preflight.
CORS_HEADERS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Expose-Headers": "Content-Type, ETag, Location, Retry-After, WWW-Authenticate",
}
PREFLIGHT_HEADERS = {
    "Access-Control-Allow-Methods": "GET, HEAD, POST, PUT, DELETE, OPTIONS",
    "Access-Control-Allow-Headers": "Accept, Authorization, Content-Type, If-None-Match",
    "Access-Control-Max-Age": "86400",
}
# Every response: never sniffed into another type (a Turtle body holding markup stays
# Turtle), never framed, and only our origin in the Referer other sites see.
SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "strict-origin-when-cross-origin",
}
# A page runs scripts and styles from this origin only, and no inline script: markup that
# slips into a page from the data (a label, an IRI) cannot run. Anything else a browser
# may open (RDF, JSON, text) runs nothing at all.
PAGE_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
    "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)
DOCUMENT_POLICY = "default-src 'none'; frame-ancestors 'none'; sandbox"
_PAGE_TYPES = (formats.HTML, formats.XHTML, formats.SVG)


@dataclass(frozen=True)
class SparqlRequest:
    """A request to /sparql as read once: its query or update (None: neither), format=/output=."""

    parsed: QueryRequest | UpdateRequest | None
    format_param: str | None


def sparql_request(environ: dict[str, Any]) -> SparqlRequest:
    """The SPARQL Protocol request of a WSGI environ, read once and kept in it.

    :raises ProtocolError: (a subclass) when the request breaks the protocol.
    """
    known = environ.get(REQUEST_KEY)
    if known is not None:
        return known
    method = environ["REQUEST_METHOD"]
    args = parse_query_string(environ.get("QUERY_STRING", ""))
    content_type = environ.get("CONTENT_TYPE")
    form: dict[str, list[str]] = {}
    body = b""
    if method == "POST":
        body = _body(environ)
        if media_type_of(content_type) == FORM:
            check_charset(content_type)  # a UTF-16 form is a 415, not the 400 of reading it as UTF-8
            form = parse_query_string(body.decode("latin-1"))  # one character a byte
            body = b""
    parsed = parse_sparql_request(method, content_type, args, form, body)
    request = SparqlRequest(parsed, requested_format(args, form))
    environ[REQUEST_KEY] = request
    return request


def _body(environ: dict[str, Any]) -> bytes:
    """The body (its length is known and within the limit: Middleware saw to it)."""
    length = environ.get("CONTENT_LENGTH") or ""
    body = environ["wsgi.input"].read(int(length)) if length.isdigit() else b""
    environ["wsgi.input"] = io.BytesIO(body)  # still there for the Flask app
    return body


class Middleware:
    """WSGI middleware around the Flask app: limits, CORS, security headers, queries on /sparql."""

    def __init__(self, app: WsgiApp, state: Newsgraph) -> None:
        self.app = app  # the Flask app: every request that is not a query it can answer here
        self._state = state
        # A base IRI with a path (http://host/newsgraph/) names the server's own resources
        # under that path: they are answered there as at the root, the ontology included.
        self._base_path = urlsplit(state.settings.base_iri).path or "/"
        self._proxies = trusted_networks(state.settings.trusted_proxies)

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        start = _with_headers(environ, start_response)
        path = environ.get("PATH_INFO", "")
        if self._base_path != "/" and path.startswith(self._base_path):
            environ["PATH_INFO"] = path[len(self._base_path) - 1:]
        try:
            self._check_limits(environ)
            if environ.get("PATH_INFO") == SPARQL_PATH and environ["REQUEST_METHOD"] != "OPTIONS":
                answer = self._query_answer(environ)
                if answer is not None:
                    # Our own answer sets none of these headers: add them without a scan.
                    start_response(STATUS_LINES[answer.status], answer.headers + QUERY_ANSWER_HEADERS)
                    return answer.body
        except (ProtocolError, KgError) as exc:
            environ[ERROR_KEY] = exc
        return self.app(environ, start)

    def _check_limits(self, environ: dict[str, Any]) -> None:
        """Refuse a query string or body over max_request_bytes; read a chunked body whole.

        werkzeug stops reading a chunked body at its limit without a word, so an update cut
        at 10 MB would be applied as if it were the whole request: it is read here first.
        The store's owner (kg.store.serving) has no limit: they could write the same data to
        the folder directly.
        :raises PayloadTooLarge: naming the limit.
        """
        owner = self._state.is_owner(environ.get("HTTP_AUTHORIZATION"))
        limit = None if owner else self._state.settings.max_request_bytes
        if limit is not None and len(environ.get("QUERY_STRING", "")) > limit:
            raise PayloadTooLarge(
                f"the query string is longer than {limit} bytes; POST the query instead"
            )
        length = environ.get("CONTENT_LENGTH") or ""
        too_large = PayloadTooLarge(
            f"the request body is longer than {limit} bytes (the server's max_request_bytes); "
            "nothing was read or written"
        )
        if length.isdigit():
            if limit is not None and int(length) > limit:
                raise too_large
            return
        if "chunked" in environ.get("HTTP_TRANSFER_ENCODING", "").lower():
            body = _read_at_most(environ["wsgi.input"], sys.maxsize if limit is None else limit + 1)
            if limit is not None and len(body) > limit:
                raise too_large
            environ["wsgi.input"] = io.BytesIO(body)
            environ["CONTENT_LENGTH"] = str(len(body))

    def _query_answer(self, environ: dict[str, Any]) -> Any:
        """The answer to a query, or None for the Flask view (an update, the description)."""
        request = sparql_request(environ)
        if not isinstance(request.parsed, QueryRequest):
            return None
        settings = self._state.settings
        job = query_job(request.parsed, settings, environ.get("HTTP_ACCEPT"), request.format_param)
        return query_answer(
            self._state.engine, job, method=environ["REQUEST_METHOD"],
            if_none_match=environ.get("HTTP_IF_NONE_MATCH"),
            client=client_address(environ, self._proxies),
        )


Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def trusted_networks(proxies: tuple[str, ...]) -> tuple[Network, ...]:
    """The trusted_proxies setting as networks (an address is a network of one).

    :raises ConfigError: naming an entry that is neither an address nor a network.
    """
    networks = []
    for proxy in proxies:
        try:
            networks.append(ipaddress.ip_network(proxy, strict=False))
        except ValueError as exc:
            raise ConfigError(
                f"trusted_proxies: {proxy!r} is neither an IP address nor a network "
                f"such as 10.0.0.0/8 ({exc})"
            ) from None
    return tuple(networks)


def client_address(environ: dict[str, Any], trusted: tuple[Network, ...]) -> str:
    """Who sent a request: the socket's peer, unless that is a trusted proxy, then the nearest
    address in its X-Forwarded-For that is not one of ours (anyone can write the rest)."""
    peer = environ.get("REMOTE_ADDR") or ""
    if not trusted or not _within(peer, trusted):
        return peer
    hops = [hop.strip() for hop in environ.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
    for hop in reversed(hops):
        if not _within(hop, trusted):
            return hop
    return hops[0] if hops else peer


def _within(address: str, networks: tuple[Network, ...]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in networks)


_ALWAYS = {**CORS_HEADERS, **SECURITY_HEADERS}
# A query's answer is never a page (results or RDF): its headers are known in advance.
QUERY_ANSWER_HEADERS = [*_ALWAYS.items(), ("Content-Security-Policy", DOCUMENT_POLICY)]


def _with_headers(environ: dict[str, Any], start_response: Callable[..., Any]) -> Callable[..., Any]:
    """start_response adding the CORS and security headers a response does not set itself.

    One pass over the response's headers: this runs for every response, a cached query's too.
    """
    preflight = environ["REQUEST_METHOD"] == "OPTIONS"
    wanted = {**_ALWAYS, **PREFLIGHT_HEADERS} if preflight else _ALWAYS
    asked = environ.get("HTTP_ACCESS_CONTROL_REQUEST_HEADERS")
    if preflight and asked:
        # A preflight may name any header a client library adds (X-Requested-With…):
        # queries are public and writes need the token, so every header may come.
        wanted = {**wanted, "Access-Control-Allow-Headers": asked}

    def start(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
        if preflight and asked:
            headers = [(k, v) for k, v in headers if k.lower() != "access-control-allow-headers"]
        present = {key.lower(): value for key, value in headers}
        extra = [(key, value) for key, value in wanted.items() if key.lower() not in present]
        if "content-security-policy" not in present:
            page = present.get("content-type", "").lower().startswith(_PAGE_TYPES)
            extra.append(("Content-Security-Policy", PAGE_POLICY if page else DOCUMENT_POLICY))
        return start_response(status, headers + extra, exc_info)

    return start


def _read_at_most(stream: Any, size: int) -> bytes:
    """Up to size bytes of a stream (a read may return less than asked before the end)."""
    parts: list[bytes] = []
    left = size
    while left > 0:
        part = stream.read(min(left, 1 << 20))
        if not part:
            break
        parts.append(part)
        left -= len(part)
    return b"".join(parts)

