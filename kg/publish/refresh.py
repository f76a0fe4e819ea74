"""Figures kept per data version, rebuilt after a write without making a page wait long for them.

A state's counts over 100,000 GDELT events take seconds to build. Built again on the first
load after each write, they would make every page slow while articles are being ingested
into a running server; so a rebuild that takes longer than a moment is finished in the
background while pages show the figures of the version before.
"""

from __future__ import annotations

import collections
import threading
from collections.abc import Callable, Hashable
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from typing import Generic, TypeVar

Key = TypeVar("Key", bound=Hashable)
Value = TypeVar("Value")

PATIENCE = 0.25  # seconds a page waits for a rebuild before it shows the figures of before


class Refreshing(Generic[Key, Value]):
    """One value per key for the latest data version, the most recently used ``size`` of them.

    A key's first value is built in the caller's thread. After a new version, the value is
    rebuilt in one background thread; a caller waits for it up to ``patience`` seconds, then
    gets the value of the version before. A key has one rebuild at a time: versions that
    come while it runs are caught up by one more rebuild, at the newest, when it ends.
    """

    def __init__(self, build: Callable[[Key], Value], *, size: int, patience: float = PATIENCE) -> None:
        self._build = build
        self._size = size
        self._patience = patience
        self._values: collections.OrderedDict[Key, tuple[object, Value]] = collections.OrderedDict()
        self._running: dict[Key, tuple[object, Future[Value]]] = {}  # the rebuild of each key
        self._wanted: dict[Key, object] = {}  # the newest version asked for, while one runs
        self._lock = threading.Lock()
        self._builder = ThreadPoolExecutor(max_workers=1, thread_name_prefix="newsgraph-refresh")

    def get(self, key: Key, version: object) -> Value:
        """The value of key at this version, or (while it is rebuilt) at the one before."""
        with self._lock:
            kept = self._values.get(key)
            if kept is not None and kept[0] == version:
                self._values.move_to_end(key)
                return kept[1]
            if kept is not None:
                self._wanted[key] = version
                running = self._running.get(key) or self._start(key, version)
        if kept is None:
            value = self._build(key)
            self._keep(key, version, value)
            return value
        if running[0] != version:
            return kept[1]  # an older rebuild runs; the newest follows it
        try:
            return running[1].result(timeout=self._patience)
        except FutureTimeout:
            return kept[1]

    def _start(self, key: Key, version: object) -> tuple[object, Future[Value]]:
        """Start the rebuild of key at version (the caller holds the lock, which _rebuild
        needs to finish: so it always finds itself in _running)."""
        running = self._running[key] = (version, self._builder.submit(self._rebuild, key, version))
        return running

    def _rebuild(self, key: Key, version: object) -> Value:
        try:
            value = self._build(key)
            self._keep(key, version, value)
            return value
        finally:
            with self._lock:
                del self._running[key]
                wanted = self._wanted.pop(key, version)
                if wanted != version:
                    self._wanted[key] = wanted
                    self._start(key, wanted)

    def _keep(self, key: Key, version: object, value: Value) -> None:
        with self._lock:
            self._values[key] = (version, value)
            self._values.move_to_end(key)
            while len(self._values) > self._size:
                self._values.popitem(last=False)
