"""Request bodies sent without a Content-Length (chunked) are read whole, or refused with 413.

werkzeug stops reading such a body at MAX_CONTENT_LENGTH without a word, so an update or a
graph cut at 10 MB was applied as if it were the whole request. Reading it here first gives
every layer behind a body with a known length, or the client a 413.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from server.answers import error_answer
from server.fast_path import STATUS_LINES, WsgiApp
from server.protocol import PayloadTooLarge


class BodyLimit:
    """WSGI middleware: buffer a body of unknown length up to limit bytes, else answer 413."""

    def __init__(self, app: WsgiApp, limit: int, extra_headers: Mapping[str, str] | None = None) -> None:
        self.app = app
        self._limit = limit
        self._extra = list((extra_headers or {}).items())

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        chunked = "chunked" in environ.get("HTTP_TRANSFER_ENCODING", "").lower()
        if environ.get("CONTENT_LENGTH") or not chunked:
            return self.app(environ, start_response)
        body = _read_at_most(environ["wsgi.input"], self._limit + 1)
        if len(body) > self._limit:
            answer = error_answer(PayloadTooLarge(
                f"the request body is longer than {self._limit} bytes (the server's "
                "max_request_bytes); nothing was read or written"
            ))
            start_response(STATUS_LINES[answer.status], answer.headers + self._extra)
            return answer.body
        environ["wsgi.input"] = io.BytesIO(body)
        environ["CONTENT_LENGTH"] = str(len(body))
        return self.app(environ, start_response)


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
