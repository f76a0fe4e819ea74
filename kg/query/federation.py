"""SERVICE policy: which endpoints a query may call, and calling them our way.

Every SERVICE target of a query or update is found before anything runs and checked against
the allowlist (``allowed_services``) by parsed scheme, host, port and path, so that tricks
like ``https://query.wikidata.org.evil.example/`` or ``https://query.wikidata.org@10.0.0.1/``
do not pass. A variable target is refused: it could name any address at run time.

pyoxigraph 0.5 calls SERVICE endpoints itself, but its Python API sets neither a time limit
(a silent endpoint blocks the query for ever) nor our User-Agent (it sends
``Oxigraph/<version>``). So the engine calls each SERVICE itself with ``call_services``:
the remote part goes out over our own HTTP client, with the time limit and a User-Agent
naming the project, and comes back into the query as a VALUES block. pyoxigraph then never
makes an HTTP call of its own.
"""

from __future__ import annotations

import importlib.metadata
import io
import re
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections.abc import Iterator
from dataclasses import dataclass

import pyoxigraph as ox

from kg.config import Settings
from kg.errors import QueryEvaluationError, QuerySyntaxError, ServiceNotAllowedError
from kg.model import formats

PROJECT_URL = "https://w3id.org/newsgraph/"
MAX_RESPONSE_BYTES = 64 * 1024 * 1024
_READ_BYTES = 64 * 1024
_HOW_TO_ALLOW = (
    "to allow an endpoint, start the server with `kg serve --allow-service PREFIX` "
    "(repeatable) or set NEWSGRAPH_ALLOWED_SERVICES to space-separated URL prefixes"
)


def user_agent() -> str:
    """The User-Agent of every remote call: the project, its version and its URL."""
    try:
        version = importlib.metadata.version("newsgraph")
    except importlib.metadata.PackageNotFoundError:
        version = "dev"
    return f"Newsgraph/{version} (+{PROJECT_URL})"


# --- reading SERVICE clauses without running the query

# One token at a time, in the order SPARQL's lexer would see them, so that a keyword inside a
# string, an IRI or a comment is never taken for one, and an IRI is never split.
_TOKEN = re.compile(
    r'(?P<skip>#[^\n]*|"""(?:[^"\\]|\\.|"(?!""))*"""|\'\'\'(?:[^\'\\]|\\.|\'(?!\'\'))*\'\'\''
    r'|"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\'|\s+)'
    r'|(?P<iri><[^<>"{}|^`\\\x00-\x20]*>)'
    r"|(?P<var>[?$][\w\u00b7\u0300-\u036f\u203f-\u2040]+)"
    r"|(?P<word>(?:[^\W\d][\w\-.]*)?:(?:[\w\-.:%]|\\.)*|[^\W\d][\w\-]*)"
    r"|(?P<open>\{)|(?P<close>\})"
    r"|(?P<other>.)",
    re.DOTALL,
)
_UNICODE_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")


@dataclass(frozen=True)
class _Token:
    kind: str
    text: str
    start: int
    end: int


@dataclass(frozen=True)
class ServiceClause:
    """One SERVICE clause: its target (None when a variable), the text span and the body span."""

    target: str | None
    written: str
    silent: bool
    start: int  # of the SERVICE keyword
    body_start: int  # just after the opening brace
    body_end: int  # at the closing brace
    end: int  # just after the closing brace


def _tokens(sparql: str) -> Iterator[_Token]:
    for match in _TOKEN.finditer(sparql):
        kind = match.lastgroup or "other"
        if kind != "skip":
            yield _Token(kind, match.group(0), match.start(), match.end())


def _iri_value(written: str) -> str:
    """The IRI of an IRIREF token, with \\u escapes applied as SPARQL parsers do."""
    return _UNICODE_ESCAPE.sub(lambda m: chr(int(m.group(1) or m.group(2), 16)), written[1:-1])


def service_clauses(sparql: str, base_iri: str | None = None) -> list[ServiceClause]:
    """Every SERVICE clause of a query or update, nested ones included, in text order.

    :raises ServiceNotAllowedError: when a SERVICE keyword is not followed by a target and a
        group, or a prefixed target uses an undeclared prefix (refused rather than guessed).
    """
    tokens = list(_tokens(sparql))
    prefixes: dict[str, str] = {}
    base = base_iri
    clauses: list[ServiceClause] = []
    for i, token in enumerate(tokens):
        if token.kind != "word":
            continue
        keyword = token.text.upper()
        following = tokens[i + 1 : i + 3]
        if keyword == "PREFIX" and len(following) == 2 and following[1].kind == "iri":
            prefixes[following[0].text.rstrip(":")] = _resolve(_iri_value(following[1].text), base)
        elif keyword == "BASE" and following and following[0].kind == "iri":
            base = _resolve(_iri_value(following[0].text), base)
        elif keyword == "SERVICE":
            clauses.append(_clause(sparql, tokens, i, prefixes, base))
    return clauses


def _clause(
    sparql: str, tokens: list[_Token], at: int, prefixes: dict[str, str], base: str | None
) -> ServiceClause:
    j = at + 1
    silent = j < len(tokens) and tokens[j].kind == "word" and tokens[j].text.upper() == "SILENT"
    j += silent
    if j + 1 >= len(tokens) or tokens[j + 1].kind != "open":
        raise ServiceNotAllowedError(
            "a SERVICE keyword is not followed by an endpoint and a group { … }; "
            "write SERVICE <https://endpoint/sparql> { … }"
        )
    target_token = tokens[j]
    if target_token.kind == "iri":
        target: str | None = _resolve(_iri_value(target_token.text), base)
    elif target_token.kind == "var":
        target = None
    elif target_token.kind == "word" and ":" in target_token.text:
        prefix, _, local = target_token.text.partition(":")
        if prefix not in prefixes:
            raise ServiceNotAllowedError(
                f"SERVICE {target_token.text}: the prefix {prefix}: is not declared"
            )
        target = prefixes[prefix] + re.sub(r"\\(.)", r"\1", local)
    else:
        raise ServiceNotAllowedError(
            f"SERVICE {target_token.text}: the endpoint must be an IRI, <https://…>"
        )
    depth, k = 0, j + 1
    while k < len(tokens):
        depth += {"open": 1, "close": -1}.get(tokens[k].kind, 0)
        if depth == 0:
            break
        k += 1
    if k == len(tokens):
        raise QuerySyntaxError(f"SERVICE {target_token.text}: the group {{ … }} is not closed")
    return ServiceClause(
        target=target,
        written=target_token.text,
        silent=silent,
        start=tokens[at].start,
        body_start=tokens[j + 1].end,
        body_end=tokens[k].start,
        end=tokens[k].end,
    )


def _resolve(iri: str, base: str | None) -> str:
    if base and not urllib.parse.urlsplit(iri).scheme:
        return urllib.parse.urljoin(base, iri)
    return iri


def load_targets(update: str) -> list[str]:
    """The IRIs an update's LOAD operations fetch (they leave the server like SERVICE calls)."""
    tokens = list(_tokens(update))
    found = []
    for i, token in enumerate(tokens):
        if token.kind == "word" and token.text.upper() == "LOAD":
            rest = [t for t in tokens[i + 1 : i + 3] if t.kind == "iri"]
            if rest:
                found.append(_iri_value(rest[0].text))
    return found


# --- the allowlist


@dataclass(frozen=True)
class _UrlParts:
    scheme: str
    host: str
    port: int | None
    path: str


def _parts(url: str) -> _UrlParts | None:
    """Scheme, host, port and path of an http(s) URL; None when it is not one we would call."""
    if any(c in url for c in "\\ \t\r\n") or any(ord(c) < 0x20 for c in url):
        return None
    try:
        split = urllib.parse.urlsplit(url)
        port = split.port
    except ValueError:
        return None
    if split.scheme.lower() not in ("http", "https") or not split.hostname:
        return None
    if split.username is not None or split.password is not None or "@" in split.netloc:
        return None  # userinfo makes the host hard to read for people and parsers alike
    if port is None:
        port = 443 if split.scheme.lower() == "https" else 80
    return _UrlParts(split.scheme.lower(), split.hostname.lower().rstrip("."), port, split.path or "/")


def is_allowed(target: str, allowed: tuple[str, ...]) -> bool:
    """Whether an endpoint IRI falls under one of the allowed URL prefixes."""
    parts = _parts(target)
    if parts is None:
        return False
    for prefix in allowed:
        rule = _parts(prefix)
        # "http://127.0.0.1:" (a colon and no port) allows every port of that host.
        any_port = urllib.parse.urlsplit(prefix).netloc.endswith(":")
        if rule is None or (rule.scheme, rule.host) != (parts.scheme, parts.host):
            continue
        if rule.port != parts.port and not any_port:
            continue
        # A prefix path ends a segment: /sparql allows /sparql and /sparql/x, not /sparql-evil.
        if rule.path.endswith("/") or parts.path == rule.path:
            if parts.path.startswith(rule.path):
                return True
        elif parts.path.startswith(rule.path + "/"):
            return True
    return False


def check_services(sparql: str, allowed: tuple[str, ...], base_iri: str | None = None) -> list[ServiceClause]:
    """The query's SERVICE clauses, after checking each target against the allowlist.

    Costs nothing for text without the word "service".
    :raises ServiceNotAllowedError: for a variable target or one outside the allowlist.
    """
    if "service" not in sparql.lower():
        return []
    clauses = service_clauses(sparql, base_iri)
    for clause in clauses:
        if clause.target is None:
            raise ServiceNotAllowedError(
                f"SERVICE {clause.written} is not allowed: a SERVICE endpoint must be a fixed IRI "
                "(a variable could name any address); " + _HOW_TO_ALLOW
            )
        if not is_allowed(clause.target, allowed):
            raise ServiceNotAllowedError(
                f"SERVICE <{clause.target}> is not allowed: this endpoint calls only SERVICE "
                f"endpoints under the allowed URL prefixes ({', '.join(allowed) or 'none'}); "
                + _HOW_TO_ALLOW
            )
    return clauses


def check_loads(update: str, allowed: tuple[str, ...]) -> None:
    """Refuse LOAD from a URL outside the allowlist, for the same reason as SERVICE.

    :raises ServiceNotAllowedError: for a LOAD source outside the allowlist.
    """
    if "load" not in update.lower():
        return
    for target in load_targets(update):
        if not is_allowed(target, allowed):
            raise ServiceNotAllowedError(
                f"LOAD <{target}> is not allowed: the server fetches only from the allowed URL "
                f"prefixes ({', '.join(allowed) or 'none'}); " + _HOW_TO_ALLOW
            )


# --- calling SERVICE endpoints ourselves


def call_services(sparql: str, settings: Settings, base_iri: str | None = None) -> str:
    """The query with each outermost SERVICE clause replaced by the remote's answer as VALUES.

    All remote calls of one query share one time limit, settings.service_timeout. A failing
    SERVICE SILENT becomes one empty solution, as SPARQL 1.1 Federated Query says.
    :raises ServiceNotAllowedError: when a target is not allowed.
    :raises QueryEvaluationError: when a remote fails, times out or answers nonsense.
    """
    clauses = check_services(sparql, settings.allowed_services, base_iri)
    if not clauses:
        return sparql
    deadline = time.monotonic() + settings.service_timeout
    prologue = _prologue(sparql)
    pieces: list[str] = []
    position = 0
    for clause in clauses:
        if clause.start < position:
            continue  # nested in a clause already sent: the remote endpoint runs it
        assert clause.target is not None
        remote = f"{prologue}SELECT * WHERE {{{sparql[clause.body_start:clause.body_end]}}}"
        try:
            block = _values_block(fetch_solutions(clause.target, remote, deadline, settings))
        except QueryEvaluationError:
            if not clause.silent:
                raise
            block = "{}"
        pieces.append(sparql[position:clause.start] + block)
        position = clause.end
    rewritten = "".join(pieces) + sparql[position:]
    # Belt and braces: whatever reaches pyoxigraph must not make calls of its own.
    if "service" in rewritten.lower() and service_clauses(rewritten, base_iri):
        raise ServiceNotAllowedError("a SERVICE clause could not be evaluated safely; simplify it")
    return rewritten


def _prologue(sparql: str) -> str:
    """The BASE and PREFIX declarations of the text, for the remote part of a query."""
    tokens = list(_tokens(sparql))
    lines = []
    for i, token in enumerate(tokens):
        keyword = token.text.upper() if token.kind == "word" else ""
        if keyword == "PREFIX" and i + 2 < len(tokens) and tokens[i + 2].kind == "iri":
            lines.append(f"PREFIX {tokens[i + 1].text} {tokens[i + 2].text}\n")
        elif keyword == "BASE" and i + 1 < len(tokens) and tokens[i + 1].kind == "iri":
            lines.append(f"BASE {tokens[i + 1].text}\n")
    return "".join(lines)


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """A redirect could lead anywhere, past the allowlist: treat it as an error."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):  # type: ignore[no-untyped-def]
        raise urllib.error.HTTPError(
            req.full_url, code, f"redirects to {newurl}, which SERVICE does not follow", headers, fp
        )


_OPENER = urllib.request.build_opener(_NoRedirects())


def fetch_solutions(
    endpoint: str, query: str, deadline: float, settings: Settings
) -> tuple[list[str], list[dict[str, object]]]:
    """Run a SELECT on a remote endpoint: (variable names, solutions as name -> term).

    :raises QueryEvaluationError: when the remote fails, passes the deadline or answers
        something other than SPARQL results.
    """
    body = urllib.parse.urlencode({"query": query}).encode()
    request = urllib.request.Request(
        endpoint,
        data=body,
        method="POST",
        headers={
            "Content-Type": formats.FORM,
            "Accept": f"{formats.RESULTS_JSON.media_type}, {formats.RESULTS_XML.media_type};q=0.9",
            "User-Agent": user_agent(),
        },
    )
    limit = f"{settings.service_timeout:g} s"
    try:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise TimeoutError
        with _OPENER.open(request, timeout=remaining) as response:
            media_type = response.headers.get_content_type()
            data = _read_until(response, deadline)
    except urllib.error.HTTPError as exc:
        detail = exc.read(2000).decode("utf-8", "replace").strip() if exc.fp else ""
        raise QueryEvaluationError(
            f"SERVICE <{endpoint}> answered {exc.code} {exc.reason}: {detail[:500]}"
        ) from exc
    except TimeoutError as exc:
        raise QueryEvaluationError(
            f"SERVICE <{endpoint}> did not answer within the time limit of {limit} "
            "(setting service_timeout)"
        ) from exc
    except (urllib.error.URLError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise QueryEvaluationError(f"SERVICE <{endpoint}> cannot be reached: {reason}") from exc
    fmt = ox.QueryResultsFormat.from_media_type(media_type)
    if fmt is None:
        raise QueryEvaluationError(
            f"SERVICE <{endpoint}> answered {media_type}, not SPARQL results"
        )
    try:
        results = ox.parse_query_results(io.BytesIO(data), fmt)
        if not isinstance(results, ox.QuerySolutions):
            raise QueryEvaluationError(f"SERVICE <{endpoint}> answered a boolean, not solutions")
        names = [v.value for v in results.variables]
        rows = [{n: s[n] for n in names if s[n] is not None} for s in results]
    except (SyntaxError, ValueError) as exc:
        raise QueryEvaluationError(f"SERVICE <{endpoint}> answered malformed results: {exc}") from exc
    return names, rows


def _read_until(response: object, deadline: float) -> bytes:
    """The response body, read in chunks so that a slow trickle still meets the deadline."""
    chunks: list[bytes] = []
    size = 0
    while True:
        if time.monotonic() > deadline:
            raise TimeoutError
        chunk = response.read(_READ_BYTES)  # type: ignore[attr-defined]
        if not chunk:
            return b"".join(chunks)
        size += len(chunk)
        if size > MAX_RESPONSE_BYTES:
            raise QueryEvaluationError(f"the SERVICE answer is larger than {MAX_RESPONSE_BYTES} bytes")
        chunks.append(chunk)


def _values_block(answer: tuple[list[str], list[dict[str, object]]]) -> str:
    """A VALUES block that stands for the remote solutions inside the query."""
    names, rows = answer
    skolem: dict[str, str] = {}

    def term(value: object) -> str:
        if isinstance(value, ox.BlankNode):
            # VALUES cannot hold blank nodes; a remote blank node is only unique per answer.
            iri = skolem.setdefault(value.value, f"urn:newsgraph:remote-bnode:{uuid.uuid4().hex}")
            return f"<{iri}>"
        return str(value)

    head = " ".join(f"?{n}" for n in names)
    lines = [
        "(" + " ".join(term(row[n]) if n in row else "UNDEF" for n in names) + ")" for row in rows
    ]
    return f"{{ VALUES ({head}) {{ {' '.join(lines)} }} }}"
