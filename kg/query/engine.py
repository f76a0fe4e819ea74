"""Run SPARQL queries with a time limit, streamed results, a result cache and SERVICE policy.

QueryEngine holds what every engine shares (checks, cache, versioned writes); an on-disk
store gets kg.query.workers' process pool, whose workers can be killed at the time limit,
and an in-memory store the in-process engine, whose limit is only checked between chunks.
"""

from __future__ import annotations

import collections
import functools
import hashlib
import os
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from typing import Any, TypeVar

from kg.config import Settings
from kg.errors import (
    QueryEvaluationError,
    QuerySyntaxError,
    QueryTimeoutError,
    ServiceError,
    TooManyQueriesError,
)
from kg.model import formats
from kg.model.formats import Format
from kg.model.sparql_text import check_nesting, is_volatile, with_using
from kg.query import federation
from kg.query.syntax_help import explain, with_known_prefixes
from kg.store import Store
from kg.store.base import Quad

T = TypeVar("T")

CHUNK_BYTES = 64 * 1024  # what a worker buffers before it sends; also what we wait for first
CACHE_ENTRY_BYTES = 1024 * 1024
CACHE_TOTAL_BYTES = 64 * 1024 * 1024



# --- jobs and results


@dataclass(frozen=True)
class QueryJob:
    """One query to run: text, dataset, and the format to answer in for each result kind."""

    sparql: str
    formats: tuple[tuple[str, str], ...]  # (kind, format name) pairs
    default_graphs: tuple[str, ...] | None = None
    named_graphs: tuple[str, ...] | None = None
    union_default_graph: bool = True
    base_iri: str | None = None

    @functools.cached_property
    def volatile(self) -> bool:
        """Whether its answer may change without a write (so it must not be cached)."""
        return is_volatile(self.sparql)

    @functools.cached_property
    def digest(self) -> str:
        """A short hash of everything that decides the answer's bytes."""
        # 128 bits: it keys the result cache, where two jobs must never meet.
        return hashlib.blake2b(repr(self).encode(), digest_size=16).hexdigest()

    def format_for(self, kind: str) -> Format:
        """The format chosen for a result kind, or that kind's preferred one."""
        name = dict(self.formats).get(kind)
        fmt = formats.by_name(name) if name else None
        return fmt if fmt is not None and kind in fmt.kinds else formats.formats_for(kind)[0]

    def store_kwargs(self) -> dict[str, Any]:
        return {
            "union_default_graph": self.union_default_graph,
            "default_graphs": list(self.default_graphs) if self.default_graphs is not None
            else None,
            "named_graphs": list(self.named_graphs) if self.named_graphs is not None else None,
            "base_iri": self.base_iri,
        }


class QueryResult:
    """A query's answer: its kind and format, and its body as chunks (the first is ready).

    Iterate it to stream the body; close() it when stopping early, so that a worker still
    producing the rest is stopped and replaced.
    """

    def __init__(
        self, kind: str, fmt: Format, chunks: Iterator[bytes], etag: str | None = None,
        *, cached: bool = False, closers: tuple[Callable[[], None], ...] = (),
        whole: bytes | None = None,
    ) -> None:
        self.kind = kind
        self.format = fmt
        self.etag = etag
        self.cached = cached
        self.whole = whole  # the whole body, when it was complete before the first chunk went out
        self._chunks = chunks
        self._closers = closers

    def __iter__(self) -> Iterator[bytes]:
        return self._chunks

    def body(self) -> bytes:
        """The whole body (for small results and tests)."""
        try:
            return b"".join(self._chunks)
        finally:
            self.close()

    def close(self) -> None:
        """Stop producing the rest of the body (a no-op once it has all been read)."""
        for close in self._closers:
            close()


# Keys are (data version, job digest) and entries (kind, format name, body): tuples of
# strings, bytes and ints, which the garbage collector stops tracking. With jobs as keys
# and objects as entries, a full cache of 40,000 small results made about one request in a
# hundred wait 30–50 ms for the collector.
_CacheKey = tuple[int, str]
_CacheEntry = tuple[str, str, bytes]


class _ResultCache:
    """Complete small result bodies by (data version, job digest); a write empties it."""

    def __init__(self, total_bytes: int = CACHE_TOTAL_BYTES) -> None:
        self._entries: collections.OrderedDict[_CacheKey, _CacheEntry] = collections.OrderedDict()
        self._bytes = 0
        self._total = total_bytes
        self._lock = threading.Lock()

    def get(self, key: _CacheKey) -> _CacheEntry | None:
        with self._lock:
            entry = self._entries.get(key)
            if entry is not None:
                self._entries.move_to_end(key)
            return entry

    def put(self, key: _CacheKey, kind: str, fmt: Format, body: bytes) -> None:
        with self._lock:
            if key in self._entries:
                return
            self._entries[key] = (kind, fmt.name, body)
            self._bytes += len(body)
            while self._bytes > self._total:
                _, (_, _, old) = self._entries.popitem(last=False)
                self._bytes -= len(old)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._bytes = 0


class _ClientShare:
    """How many queries each client address has running, held to a limit per client.

    A query past the limit waits for one of its client's own to end, up to ``queue`` of
    them: clients that send their queries side by side (Comunica sends several at once) get
    them answered one after another, and one client still holds a bounded share of the HTTP
    threads. Past that, or after the wait, it is refused.
    """

    def __init__(self, limit: int, *, queue: int, wait: float) -> None:
        self.limit = limit
        self._queue_size = queue
        self._wait = wait
        self._running: dict[str, int] = {}
        self._waiting: dict[str, int] = {}
        self._ended = threading.Condition()

    def enter(self, client: str) -> Callable[[], None]:
        """Count one more query of client; returns what ends it (calling it twice is harmless).

        :raises TooManyQueriesError: when the client has limit queries running and as many
            waiting, or its turn did not come within the wait.
        """
        with self._ended:
            if self._running.get(client, 0) >= self.limit:
                self._queue(client)
            self._running[client] = self._running.get(client, 0) + 1
        left = False

        def leave() -> None:
            nonlocal left
            with self._ended:
                if left:
                    return
                left = True
                running = self._running.pop(client) - 1
                if running:
                    self._running[client] = running
                self._ended.notify_all()

        return leave

    def _queue(self, client: str) -> None:
        """Wait (the lock held by the caller) until client has a free place; raise if it may not."""
        waiting = self._waiting.get(client, 0)
        if waiting >= self._queue_size:
            raise self._refusal(client)
        self._waiting[client] = waiting + 1
        try:
            if not self._ended.wait_for(lambda: self._running.get(client, 0) < self.limit, self._wait):
                raise self._refusal(client)
        finally:
            self._waiting[client] -= 1
            if not self._waiting[client]:
                del self._waiting[client]

    def _refusal(self, client: str) -> TooManyQueriesError:
        return TooManyQueriesError(
            f"client {client} has {self._running.get(client, 0)} queries running and more waiting, as "
            f"many as one client may (client_queries = {self.limit}); send this one again when one "
            "of them ends"
        )


def _until_done(chunks: Iterator[bytes], done: Callable[[], None]) -> Iterator[bytes]:
    """The chunks, calling done once the last one is out (or the stream is given up)."""
    try:
        yield from chunks
    finally:
        done()


# --- engines


def _nothing() -> None:
    """A closer for results that hold nothing open."""



class QueryEngine:
    """Runs queries against a store and applies writes to it; subclasses decide where."""

    def __init__(self, store: Store, settings: Settings) -> None:
        self.store = store
        self.settings = settings
        self._version = 1
        self._boot = uuid.uuid4().hex[:8]  # ETags from an earlier run never match
        self._write_lock = threading.Lock()
        self._cache = _ResultCache()
        # One client may never hold every worker: the last one is always someone else's, and
        # its queries waiting for their turn hold at most half the HTTP server's threads.
        self._clients = _ClientShare(
            settings.client_queries or max(1, self.size - 1),
            queue=max(1, settings.http_threads // 2), wait=settings.query_timeout,
        )

    @property
    def size(self) -> int:
        """How many queries run at once before the next one waits."""
        return self.settings.workers or os.cpu_count() or 2

    @property
    def client_limit(self) -> int:
        """How many queries one client address may have running at once."""
        return self._clients.limit

    @property
    def version(self) -> int:
        """The data version: it changes with every write through this engine."""
        return self._version

    def prepare(self, job: QueryJob) -> tuple[bool, bool]:
        """Check a job before it runs; returns whether it may be cached and whether it calls SERVICE.

        :raises QuerySyntaxError: when the query nests too deeply.
        :raises ServiceNotAllowedError: when it calls a SERVICE outside the allowlist.
        """
        check_nesting(job.sparql)
        allowed = self.settings.allowed_services
        uses_service = bool(federation.check_services(job.sparql, allowed, job.base_iri))
        return not job.volatile, uses_service

    def etag(self, job: QueryJob) -> str | None:
        """The entity tag of the job's answer at the current data version (None: uncacheable)."""
        if job.volatile:
            return None
        return f'"{self._boot}-{self._version}-{job.digest}"'

    def run(self, job: QueryJob, *, client: str | None = None) -> QueryResult:
        """Run a query for a client address (None: no limit); the first chunk is ready on return.

        A cached answer is free; any other counts against the client's share (client_queries)
        until its last chunk is out or the result is closed.
        :raises TooManyQueriesError: when the client has its share of queries running already.
        :raises QuerySyntaxError: when the query does not parse or nests too deeply.
        :raises ServiceNotAllowedError: when a SERVICE endpoint is not allowed.
        :raises QueryTimeoutError: when it passes the time limit before its first chunk.
        :raises QueryEvaluationError: when it fails while running (ServiceError for SERVICE).
        """
        original = job.sparql
        text, added = with_known_prefixes(original)
        job = replace(job, sparql=text) if added else job
        cacheable, uses_service = self.prepare(job)
        key = (self._version, job.digest)
        etag = self.etag(job) if cacheable else None
        if cacheable:
            entry = self._cache.get(key)
            if entry is not None:
                kind, name, body = entry
                fmt = formats.by_name(name)
                assert fmt is not None
                return QueryResult(kind, fmt, iter((body,)), etag, cached=True, whole=body)
        limit = self.settings.query_timeout
        if uses_service:
            # pyoxigraph has no timeout per SERVICE call: bound the whole query instead.
            limit = min(limit, self.settings.service_timeout)
        leave = _nothing
        try:
            if uses_service:  # remote calls go out here, with our time limit and User-Agent
                job = replace(job, sparql=federation.call_services(job.sparql, self.settings, job.base_iri))
            # The share is of the workers: a SERVICE call (to ourselves, even) holds none.
            leave = _nothing if client is None else self._clients.enter(client)
            kind, fmt, chunks = self._execute(job, time.monotonic() + limit)
        except QuerySyntaxError as exc:
            leave()
            raise QuerySyntaxError(explain(original, str(exc), added)) from None
        except QueryEvaluationError as exc:
            leave()
            if uses_service and type(exc) is QueryEvaluationError:
                raise ServiceError(str(exc)) from exc
            raise
        except BaseException:
            leave()
            raise
        if isinstance(chunks, list):  # complete already: no stream to keep open
            leave()
            body = b"".join(chunks)
            if cacheable and len(body) <= CACHE_ENTRY_BYTES:
                self._cache.put(key, kind, fmt, body)
            return QueryResult(kind, fmt, iter((body,)), etag, whole=body)
        # A generator not yet started runs no finally when closed: leave is a closer too.
        closers: tuple[Callable[[], None], ...] = (getattr(chunks, "close", _nothing), leave)
        chunks = _until_done(chunks, leave)
        if cacheable:
            chunks = self._caching(key, kind, fmt, chunks)
            closers = (chunks.close, *closers)
        return QueryResult(kind, fmt, chunks, etag, closers=closers)

    def _caching(
        self, key: _CacheKey, kind: str, fmt: Format, chunks: Iterator[bytes]
    ) -> Iterator[bytes]:
        kept: list[bytes] | None = []
        size = 0
        for chunk in chunks:
            if kept is not None:
                size += len(chunk)
                if size > CACHE_ENTRY_BYTES:
                    kept = None  # too big to keep: stream on without a copy
                else:
                    kept.append(chunk)
            yield chunk
        if kept is not None:
            self._cache.put(key, kind, fmt, b"".join(kept))

    def _execute(
        self, job: QueryJob, deadline: float
    ) -> tuple[str, Format, Iterator[bytes] | list[bytes]]:
        """Start a job: its kind, format and body (a list when it is already complete)."""
        raise NotImplementedError

    def write(self, change: Callable[[Store], T], *, check: Callable[[Store], None] | None = None) -> T:
        """Apply a change to the store, one writer at a time, then publish the new version.

        check, when given, runs first under the same lock: when it raises, nothing is written
        and the version (so every ETag) stays as it was.
        """
        with self._write_lock:
            if check is not None:
                check(self.store)
            try:
                return change(self.store)
            finally:
                # Even a failed update may have been partly applied (LOAD, bulk paths).
                self._version += 1
                self._cache.clear()
                self._published()

    def update(
        self, sparql: str, *, using_graphs: tuple[str, ...] = (),
        using_named_graphs: tuple[str, ...] = (), base_iri: str | None = None, by_owner: bool = False,
    ) -> None:
        """Run a SPARQL update with the protocol's using-graph-uri / using-named-graph-uri.

        by_owner: the update comes from the store's owner (kg.store.serving), who may LOAD
        and SERVICE anywhere, as with the store on disk: it is not read for outbound calls
        (reading a bulk write's megabytes twice took minutes).
        :raises QuerySyntaxError: when it does not parse, nests too deeply or mixes datasets.
        :raises ServiceNotAllowedError: when a LOAD or SERVICE target is not allowed.
        :raises ServiceError: when a LOAD source or SERVICE endpoint fails (or redirects).
        """
        original = sparql
        sparql, added = with_known_prefixes(sparql)
        check_nesting(sparql)
        try:  # LOAD and SERVICE go out here, checked, with our time limit and User-Agent
            if not by_owner:
                sparql = federation.call_services(sparql, self.settings, base_iri, update=True)
        except QueryEvaluationError as exc:
            if type(exc) is QueryEvaluationError:  # a remote failed: not the request's fault
                raise ServiceError(str(exc)) from exc
            raise
        text = with_using(sparql, using_graphs, using_named_graphs)
        try:
            self.write(lambda store: store.update(text, base_iri=base_iri))
        except QuerySyntaxError as exc:
            raise QuerySyntaxError(explain(original, str(exc), added)) from None

    def parse(
        self, data: bytes, media_type: str, *, graph: str | None = None,
        base_iri: str | None = None,
    ) -> list[Quad]:
        """Parse an uploaded graph document into quads of one graph, as Store.parse does.

        :raises RdfFormatError: when it does not parse (or, in a worker, stops the parser).
        :raises QueryMemoryError: when parsing it in a worker takes more than query_memory.
        """
        return self.store.parse(data, media_type, graph=graph, base_iri=base_iri)

    def _published(self) -> None:
        """Called with the write lock held after every write."""

    def close(self) -> None:
        """Stop workers and remove checkpoints."""


class InProcessEngine(QueryEngine):
    """Queries in the calling thread: for in-memory stores, which cannot be checkpointed.

    The time limit is checked between chunks only, since a running query cannot be stopped.
    """

    @property
    def size(self) -> int:
        """Queries run in the HTTP server's threads, as many at once as it has."""
        return self.settings.http_threads

    def _execute(
        self, job: QueryJob, deadline: float
    ) -> tuple[str, Format, Iterator[bytes] | list[bytes]]:
        sink = _ChunkSink()
        kind, fmt = self.store.run_query(job.sparql, sink, job.format_for, **job.store_kwargs())
        if time.monotonic() > deadline:
            raise QueryTimeoutError(f"the query ran past {self.settings.query_timeout:g} s")
        return kind, fmt, sink.chunks


class _ChunkSink:
    def __init__(self) -> None:
        self.chunks: list[bytes] = []

    def write(self, data: bytes) -> int:
        self.chunks.append(bytes(data))
        return len(data)

    def flush(self) -> None:
        """Nothing to flush: chunks are kept as they come."""
