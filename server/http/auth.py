"""Bearer-token check for writes: queries are public, writes need settings.write_token."""

from __future__ import annotations

import hmac

from kg.config import Settings
from server.http.protocol import Forbidden, Unauthorized


def require_writer(settings: Settings, authorization: str | None) -> None:
    """Let a write through only with `Authorization: Bearer <write_token>`.

    :raises Forbidden: when writes are disabled (no write token configured).
    :raises Unauthorized: when the header is missing or the token is wrong.
    """
    if not settings.write_token:
        raise Forbidden("writes are disabled on this server (it has no write token)")
    scheme, _, token = (authorization or "").strip().partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthorized("writes need an 'Authorization: Bearer <token>' header")
    if not hmac.compare_digest(token.strip().encode(), settings.write_token.encode()):
        raise Unauthorized("the bearer token is not valid for writes")
