"""Page figures kept per data version: rebuilt after a write, the old ones shown while a slow rebuild runs."""

from __future__ import annotations

import threading
import time

import pytest

from kg.publish.refresh import Refreshing


def test_a_quick_rebuild_is_waited_for_and_a_slow_one_shows_the_figures_of_before() -> None:
    version = {"now": 1}
    slow = threading.Event()

    def build(key: str) -> tuple[str, int]:
        if slow.is_set():
            time.sleep(1.0)
        return key, version["now"]

    kept = Refreshing(build, size=4, patience=0.2)
    assert kept.get("us", 1) == ("us", 1)
    version["now"] = 2
    assert kept.get("us", 2) == ("us", 2)  # quick: the page waits for it
    slow.set()
    version["now"] = 3
    started = time.monotonic()
    assert kept.get("us", 3) == ("us", 2)  # slow: the figures of before, at once
    assert time.monotonic() - started < 0.6
    time.sleep(1.2)
    assert kept.get("us", 3) == ("us", 3)  # rebuilt in the background meanwhile


def test_a_first_build_is_waited_for_and_its_error_raised() -> None:
    def build(key: str) -> str:
        raise ValueError(f"cannot build {key}")

    with pytest.raises(ValueError, match="cannot build x"):
        Refreshing(build, size=1).get("x", 1)


def test_only_the_most_recent_keys_are_kept() -> None:
    calls: list[str] = []
    kept = Refreshing(lambda key: calls.append(key) or key, size=2)
    for key in ("a", "b", "c", "a"):
        kept.get(key, 1)
    assert calls == ["a", "b", "c", "a"]  # "a" was dropped for "c", so built again


def test_writes_in_a_row_make_one_catch_up_rebuild_not_a_backlog() -> None:
    built: list[int] = []
    version = {"now": 0}

    def build(key: str) -> int:
        now = version["now"]  # what the store holds when the build starts
        built.append(now)
        time.sleep(0.3)
        return now

    kept = Refreshing(build, size=4, patience=0.01)
    kept.get("us", 0)
    for now in range(1, 11):  # ten writes while the first rebuild runs
        version["now"] = now
        kept.get("us", now)
    time.sleep(1.2)
    assert built == [0, 1, 10]  # the first, the one running, and one more at the newest
    assert kept.get("us", 10) == 10
    # A first page of another key does not wait behind rebuilds: it is built by its caller.
    version["now"] = 11
    kept.get("us", 11)
    started = time.monotonic()
    assert kept.get("uk", 11) == 11
    assert time.monotonic() - started < 0.55
