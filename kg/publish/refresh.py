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

    The first value of a key is built while the caller waits. After a new version, the
    value is rebuilt (once, in one background thread for all keys); a caller waits for it up
    to ``patience`` seconds, then gets the value of the version before.
    """

    def __init__(self, build: Callable[[Key], Value], *, size: int, patience: float = PATIENCE) -> None:
        self._build = build
        self._size = size
        self._patience = patience
        self._values: collections.OrderedDict[Key, tuple[object, Value]] = collections.OrderedDict()
        self._pending: dict[Key, tuple[object, Future[Value]]] = {}
        self._lock = threading.Lock()
        self._builder = ThreadPoolExecutor(max_workers=1, thread_name_prefix="newsgraph-refresh")

    def get(self, key: Key, version: object) -> Value:
        """The value of key at this version, or (while it is rebuilt) at the one before."""
        with self._lock:
            kept = self._values.get(key)
            if kept is not None and kept[0] == version:
                self._values.move_to_end(key)
                return kept[1]
            pending = self._pending.get(key)
            started = pending is None or pending[0] != version
            if started:
                pending = self._pending[key] = (version, self._builder.submit(self._build, key))
        if started:
            # Outside the lock: a future already done runs its callback at once, here.
            pending[1].add_done_callback(lambda done: self._keep(key, version, done))
        if kept is None:
            return pending[1].result()
        try:
            return pending[1].result(timeout=self._patience)
        except FutureTimeout:
            return kept[1]

    def _keep(self, key: Key, version: object, done: Future[Value]) -> None:
        with self._lock:
            if self._pending.get(key, (None, None))[1] is done:
                del self._pending[key]
            if done.exception() is not None:
                return  # the caller waiting for it gets the error; the old value stays
            self._values[key] = (version, done.result())
            self._values.move_to_end(key)
            while len(self._values) > self._size:
                self._values.popitem(last=False)
