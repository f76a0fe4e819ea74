"""A running `kg serve` leaves a notice in its store folder, so that other commands go through it.

An on-disk store admits one process at a time. While `kg serve` holds it, every other `kg`
command finds the server's notice in the folder and sends its reads and writes to the server
instead, with a token written in the notice. The notice is readable by the store's owner
alone (mode 0600): on a shared machine nobody else can write through it.
"""

from __future__ import annotations

import json
import os
import secrets
import stat
from dataclasses import asdict, dataclass
from pathlib import Path

NOTICE_NAME = "newsgraph-server.json"


@dataclass(frozen=True)
class ServerNotice:
    """How to reach the server that holds a store: its SPARQL endpoint and the owner's token."""

    endpoint: str
    token: str
    pid: int
    dump: str | None = None  # the URL of the whole dataset as gzipped N-Quads, if it offers one


def announce(store_path: str | Path, endpoint: str, *, dump: str | None = None) -> ServerNotice:
    """Write this process's notice into the store folder (replacing a stale one) and return it."""
    notice = ServerNotice(endpoint, secrets.token_urlsafe(32), os.getpid(), dump)
    target = Path(store_path) / NOTICE_NAME
    partial = target.with_name(f".{NOTICE_NAME}.{notice.pid}")
    # Created 0600 from the start: the token is never readable by others, not even briefly.
    descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as stream:
        json.dump(asdict(notice), stream)
    os.replace(partial, target)
    return notice


def withdraw(store_path: str | Path, notice: ServerNotice) -> None:
    """Remove the notice when it is still this one (a newer server may have replaced it)."""
    if running_server(store_path, require_alive=False) == notice:
        (Path(store_path) / NOTICE_NAME).unlink(missing_ok=True)


def running_server(store_path: str | Path, *, require_alive: bool = True) -> ServerNotice | None:
    """The notice of the live server holding the store, or None when there is none to trust.

    A notice is trusted only when this user owns it and nobody else may read or change it,
    and (with require_alive) when its process still runs: a server killed with -9 leaves its
    notice behind.
    """
    path = Path(store_path) / NOTICE_NAME
    try:
        info = path.stat()
        if info.st_uid != os.getuid() or info.st_mode & (stat.S_IRWXG | stat.S_IRWXO):
            return None
        fields = json.loads(path.read_text(encoding="utf-8"))
        dump = fields.get("dump")
        notice = ServerNotice(str(fields["endpoint"]), str(fields["token"]), int(fields["pid"]),
                              None if dump is None else str(dump))
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if require_alive and not _is_running(notice.pid):
        return None
    return notice


def _is_running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # alive, another user's: its notice failed the owner check already
    return True
