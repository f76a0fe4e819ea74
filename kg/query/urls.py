"""URLs a query may make the server call, normalised as they will be called, and the allowlist.

A target is matched in the form it will be sent in: scheme and host in lower case, the
default port dropped, percent-encoded unreserved characters decoded (``%2e`` is ``.``), dot
segments removed (``/sparql/../admin`` is ``/admin``), the fragment dropped. What cannot be
put in that form unambiguously (user info, an encoded slash, a backslash, white space, a
host that is not a plain name or address) is no URL we call.
"""

from __future__ import annotations

import re
import string
import urllib.parse
from dataclasses import dataclass

_UNRESERVED = frozenset(string.ascii_letters + string.digits + "-._~")
_ESCAPE = re.compile(r"%([0-9A-Fa-f]{2})")
_BAD_ESCAPE = re.compile(r"%(?![0-9A-Fa-f]{2})")
# An encoded "/" or "\" is a separator to some servers and a character to others.
_ENCODED_SEPARATOR = re.compile(r"%(?:2F|5C)", re.IGNORECASE)
# "..;x" is a dot segment to some servlet containers; no URL we call needs one.
_DOT_WITH_PARAMETER = re.compile(r"(?:^|/)\.\.?;")
_NAME = re.compile(r"^(?:[a-z0-9_](?:[a-z0-9_-]*[a-z0-9_])?\.)*[a-z0-9_](?:[a-z0-9_-]*[a-z0-9_])?$")
_IPV6 = re.compile(r"^[0-9a-f:.]+$")
DEFAULT_PORTS = {"http": 80, "https": 443}


@dataclass(frozen=True)
class UrlParts:
    """A normalised http(s) URL in its parts (port always given)."""

    scheme: str
    host: str
    port: int
    path: str
    query: str

    @property
    def url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        port = "" if self.port == DEFAULT_PORTS[self.scheme] else f":{self.port}"
        query = f"?{self.query}" if self.query else ""
        return f"{self.scheme}://{host}{port}{self.path}{query}"


def url_parts(url: str) -> UrlParts | None:
    """The normalised parts of an http(s) URL, or None when it is no URL we would call."""
    if any(c.isspace() or ord(c) < 0x20 or ord(c) == 0x7F or c == "\\" for c in url):
        return None
    # An IRI's other characters travel UTF-8 percent-encoded (RFC 3987, 3.1).
    url = urllib.parse.quote(url, safe=string.punctuation)
    try:
        split = urllib.parse.urlsplit(url)
        port = split.port
    except ValueError:
        return None
    scheme = split.scheme.lower()
    if scheme not in DEFAULT_PORTS or "@" in split.netloc or "%" in split.netloc:
        return None  # user info makes the host hard to read, for people and parsers alike
    host = (split.hostname or "").rstrip(".")
    if not (_NAME.match(host) or (":" in host and _IPV6.match(host))):
        return None
    path = _normal_path(split.path or "/")
    if path is None or _BAD_ESCAPE.search(split.query):
        return None
    return UrlParts(scheme, host, port or DEFAULT_PORTS[scheme], path, split.query)


def normalise_url(url: str) -> str | None:
    """The URL as the server will call it (see the module's docstring), or None."""
    parts = url_parts(url)
    return parts.url if parts is not None else None


def _normal_path(path: str) -> str | None:
    if _BAD_ESCAPE.search(path):
        return None

    def decode(match: re.Match[str]) -> str:
        char = chr(int(match.group(1), 16))
        return char if char in _UNRESERVED else "%" + match.group(1).upper()

    path = _ESCAPE.sub(decode, path)  # one pass: "%252e" stays "%252E", never becomes "."
    if _ENCODED_SEPARATOR.search(path) or _DOT_WITH_PARAMETER.search(path):
        return None
    return _remove_dot_segments(path)


def _remove_dot_segments(path: str) -> str:
    """RFC 3986, 5.2.4, for an absolute path: "/a/./b/../c" is "/a/c"."""
    segments = path.split("/")
    kept: list[str] = [""]
    for segment in segments[1:]:
        if segment == "..":
            if len(kept) > 1:
                kept.pop()
        elif segment != ".":
            kept.append(segment)
    if segments[-1] in (".", ".."):
        kept.append("")  # "/a/b/.." names the folder "/a/"
    return "/".join(kept) or "/"


def is_allowed(target: str, allowed: tuple[str, ...]) -> bool:
    """Whether a URL, normalised, falls under one of the allowed URL prefixes (normalised too).

    A prefix path ends a segment: /sparql allows /sparql and /sparql/x, not /sparql-evil;
    "http://127.0.0.1:" (a colon and no port) allows every port of that host.
    """
    parts = url_parts(target)
    if parts is None:
        return False
    for prefix in allowed:
        rule = url_parts(prefix)
        any_port = urllib.parse.urlsplit(prefix).netloc.endswith(":")
        if rule is None or (rule.scheme, rule.host) != (parts.scheme, parts.host):
            continue
        if rule.port != parts.port and not any_port:
            continue
        if rule.path.endswith("/") or parts.path == rule.path:
            if parts.path.startswith(rule.path):
                return True
        elif parts.path.startswith(rule.path + "/"):
            return True
    return False
