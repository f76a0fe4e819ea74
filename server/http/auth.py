"""The write-token check: queries are public, writes need settings.write_token (or the owner's).

The token comes as a bearer token or, for clients that only speak HTTP Basic (SPARQLWrapper's
setCredentials, rdflib's auth=, curl -u, Comunica's --httpAuth), as the Basic password with
any user name.
"""

from __future__ import annotations

import base64
import binascii
import hmac

from server.http.protocol import Forbidden, Unauthorized

# What a 401 answers in WWW-Authenticate, one challenge a header (server.http.errors).
CHALLENGES = ('Bearer realm="newsgraph"', 'Basic realm="newsgraph", charset="UTF-8"')


def require_writer(write_token: str, authorization: str | None, *, owner_token: str | None = None) -> None:
    """Let a write through only with the write token, as `Bearer <token>` or a Basic password.

    The store owner's bearer token (kg.store.serving) opens writes too, even with no write token.
    :raises Forbidden: when writes are disabled (no write token configured).
    :raises Unauthorized: when the header is missing or the token is wrong.
    """
    if is_owner(authorization, owner_token):
        return
    scheme, _, credentials = (authorization or "").strip().partition(" ")
    scheme = scheme.lower()
    if not write_token:
        raise Forbidden("writes are disabled on this server (it has no write token)")
    if scheme == "basic" and credentials.strip():
        token = _basic_password(credentials.strip())
    elif scheme == "bearer" and credentials.strip():
        token = credentials.strip()
    else:
        raise Unauthorized(
            "writes need the write token: send 'Authorization: Bearer <token>', or HTTP Basic "
            "with the token as the password (any user name)"
        )
    if not same_token(token, write_token):
        raise Unauthorized(f"the {scheme} credentials do not hold the write token")


def is_owner(authorization: str | None, owner_token: str | None) -> bool:
    """Whether the header is `Bearer <owner_token>` (never, when there is no owner token)."""
    scheme, _, credentials = (authorization or "").strip().partition(" ")
    return bool(owner_token) and scheme.lower() == "bearer" and same_token(credentials.strip(), owner_token)


def same_token(given: str, expected: str) -> bool:
    """Whether two tokens are the same, compared in constant time."""
    return hmac.compare_digest(given.encode(), expected.encode())


def _basic_password(credentials: str) -> str:
    """The password of Basic credentials (base64 of user:password, RFC 7617).

    :raises Unauthorized: when they are not base64 of a UTF-8 `user:password`.
    """
    try:
        decoded = base64.b64decode(credentials, validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        decoded = ""
    _, colon, password = decoded.partition(":")
    if not colon:
        raise Unauthorized(
            "the Basic credentials are not base64 of 'user:token'; with curl, use -u user:TOKEN"
        )
    return password
