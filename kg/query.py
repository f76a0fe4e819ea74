"""Run SPARQL queries with a time limit, streamed results, a result cache and SERVICE policy.

pyoxigraph cannot interrupt a running query, so a query that must be stoppable runs in a
worker process that can be killed. The process that owns the store applies every write and
then takes a checkpoint (``Store.backup``: hard links, milliseconds); each worker opens the
newest checkpoint read-only, answers queries by streaming serialised chunks through a pipe
and is killed and replaced when a query passes its time limit. Workers are separate
processes, so queries also use every core. An in-memory store cannot be checkpointed: it
gets the in-process engine, whose time limit is only checked between result chunks.
"""

from __future__ import annotations

import collections
import hashlib
import itertools
import os
import queue
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any, TypeVar

from kg import federation, formats
from kg.config import Settings
from kg.errors import (
    KgError,
    QueryEvaluationError,
    QuerySyntaxError,
    QueryTimeoutError,
)
from kg.formats import Format
from kg.store import Store

T = TypeVar("T")

MAX_NESTING = 300  # pyoxigraph's parser overflows its stack somewhere between 2,000 and 5,000
CHUNK_BYTES = 64 * 1024  # what a worker buffers before it sends; also what we wait for first
CACHE_ENTRY_BYTES = 1024 * 1024
CACHE_TOTAL_BYTES = 64 * 1024 * 1024


class ServiceError(QueryEvaluationError):
    """A SERVICE call failed (the remote endpoint is down, slow or answered an error)."""


class EngineCrashError(QueryEvaluationError):
    """The query engine stopped on this query without an answer."""


# --- reading queries without running them

# Strings, IRIs and comments, so that brackets and keywords inside them do not count.
_OPAQUE = re.compile(
    r'"""(?:[^"\\]|\\.|"(?!""))*"""'
    r"|'''(?:[^'\\]|\\.|'(?!''))*'''"
    r'|"(?:[^"\\\n]|\\.)*"'
    r"|'(?:[^'\\\n]|\\.)*'"
    r"|<[^<>\"{}|^`\\\s]*>"
    r"|#[^\n]*",
    re.DOTALL,
)
_PROLOGUE = r"(?:\s+|BASE\s*<[^>]*>|PREFIX\s*[\w.\-]*:\s*<[^>]*>)*"
_FORM = re.compile(_PROLOGUE + r"(SELECT|CONSTRUCT|DESCRIBE|ASK)\b", re.IGNORECASE)
_UPDATE = re.compile(
    _PROLOGUE + r"(INSERT|DELETE|LOAD|CLEAR|DROP|CREATE|ADD|MOVE|COPY|WITH)\b", re.IGNORECASE
)
_UNARY_RUN = re.compile(r"(?:[!+\-^]\s*){" + str(MAX_NESTING) + ",}")
_VOLATILE = re.compile(r"\b(SERVICE|RAND|NOW|UUID|STRUUID|BNODE)\b", re.IGNORECASE)
_TOP_WHERE = re.compile(r"\b(DELETE\s+)?WHERE\b", re.IGNORECASE)
_HAS_USING = re.compile(r"\b(USING|WITH)\b", re.IGNORECASE)


def _blank_opaque(sparql: str) -> str:
    """The query with strings, IRIs and comments blanked out (positions and <> kept)."""
    return _OPAQUE.sub(_blank, sparql)


def _blank(match: re.Match[str]) -> str:
    text = match.group(0)
    if text.startswith("<"):
        return "<" + " " * (len(text) - 2) + ">"
    return " " * len(text)


def _without_comments(sparql: str) -> str:
    return _OPAQUE.sub(lambda m: " " if m.group(0).startswith("#") else m.group(0), sparql)


def query_form(sparql: str) -> str | None:
    """SELECT, CONSTRUCT, DESCRIBE or ASK (upper case), or None when it is not a query."""
    match = _FORM.match(_without_comments(sparql))
    return match.group(1).upper() if match else None


def result_kind(form: str | None) -> str:
    """The kg.formats kind of the result of a query form (SELECT when unknown)."""
    return {"ASK": formats.BOOLEAN, "CONSTRUCT": formats.GRAPH, "DESCRIBE": formats.GRAPH}.get(
        form or "", formats.SOLUTIONS
    )


def looks_like_update(sparql: str) -> bool:
    """Whether the text starts like a SPARQL Update rather than a query."""
    return _UPDATE.match(_without_comments(sparql)) is not None


def check_nesting(sparql: str, limit: int = MAX_NESTING) -> None:
    """Refuse text nested deeper than limit, which would overflow the parser's stack.

    :raises QuerySyntaxError: when brackets or unary operators nest deeper than limit.
    """
    blank = _blank_opaque(sparql)
    depth = deepest = 0
    for char in re.sub(r"[^(){}\[\]]+", "", blank):
        if char in "({[":
            depth += 1
            deepest = max(deepest, depth)
        else:
            depth -= 1
    if deepest > limit or _UNARY_RUN.search(blank):
        raise QuerySyntaxError(
            f"the query is nested more than {limit} levels deep; flatten it"
        )


def check_services(sparql: str, allowed: tuple[str, ...]) -> bool:
    """Whether the query calls SERVICE; refuse it when an endpoint is not allowed.

    :raises ServiceNotAllowedError: for an endpoint outside the allowlist or a variable one.
    """
    return bool(federation.check_services(sparql, allowed))


def with_using(update: str, graphs: tuple[str, ...], named: tuple[str, ...]) -> str:
    """The update with USING / USING NAMED clauses for the protocol's using-graph-uri.

    :raises QuerySyntaxError: when the update already names its dataset (USING or WITH).
    """
    if not graphs and not named:
        return update
    blank = _blank_opaque(update)
    if _HAS_USING.search(blank):
        raise QuerySyntaxError(
            "using-graph-uri / using-named-graph-uri cannot be combined with USING or WITH"
        )
    clause = " ".join([f"USING <{g}>" for g in graphs] + [f"USING NAMED <{g}>" for g in named])
    depths = list(itertools.accumulate(
        1 if c in "{" else -1 if c == "}" else 0 for c in blank
    ))
    pieces, last = [], 0
    for match in _TOP_WHERE.finditer(blank):
        if match.group(1) or (match.start() and depths[match.start() - 1] != 0):
            continue  # DELETE WHERE has no dataset clause; a nested WHERE is not a Modify's
        pieces.append(update[last:match.start()] + clause + " ")
        last = match.start()
    return "".join(pieces) + update[last:]


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
    ) -> None:
        self.kind = kind
        self.format = fmt
        self.etag = etag
        self.cached = cached
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


@dataclass
class _CacheEntry:
    kind: str
    format: Format
    body: bytes


class _ResultCache:
    """Complete small result bodies by (data version, job); a write empties it."""

    def __init__(self, total_bytes: int = CACHE_TOTAL_BYTES) -> None:
        self._entries: collections.OrderedDict[tuple[int, QueryJob], _CacheEntry] = (
            collections.OrderedDict()
        )
        self._bytes = 0
        self._total = total_bytes
        self._lock = threading.Lock()

    def get(self, key: tuple[int, QueryJob]) -> _CacheEntry | None:
        with self._lock:
            entry = self._entries.get(key)
            if entry is not None:
                self._entries.move_to_end(key)
            return entry

    def put(self, key: tuple[int, QueryJob], entry: _CacheEntry) -> None:
        with self._lock:
            if key in self._entries:
                return
            self._entries[key] = entry
            self._bytes += len(entry.body)
            while self._bytes > self._total:
                _, old = self._entries.popitem(last=False)
                self._bytes -= len(old.body)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._bytes = 0


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
        uses_service = check_services(job.sparql, self.settings.allowed_services)
        return _VOLATILE.search(_blank_opaque(job.sparql)) is None, uses_service

    def etag(self, job: QueryJob) -> str | None:
        """The entity tag of the job's answer at the current data version (None: uncacheable)."""
        if _VOLATILE.search(_blank_opaque(job.sparql)):
            return None
        digest = hashlib.blake2b(repr(job).encode(), digest_size=8).hexdigest()
        return f'"{self._boot}-{self._version}-{digest}"'

    def run(self, job: QueryJob) -> QueryResult:
        """Run a query; the first chunk is produced before this returns.

        :raises QuerySyntaxError: when the query does not parse or nests too deeply.
        :raises ServiceNotAllowedError: when a SERVICE endpoint is not allowed.
        :raises QueryTimeoutError: when it passes the time limit before its first chunk.
        :raises QueryEvaluationError: when it fails while running (ServiceError for SERVICE).
        """
        cacheable, uses_service = self.prepare(job)
        key = (self._version, job)
        etag = self.etag(job) if cacheable else None
        if cacheable:
            entry = self._cache.get(key)
            if entry is not None:
                return QueryResult(
                    entry.kind, entry.format, iter((entry.body,)), etag, cached=True
                )
        limit = self.settings.query_timeout
        if uses_service:
            # pyoxigraph has no timeout per SERVICE call: bound the whole query instead.
            limit = min(limit, self.settings.service_timeout)
        try:
            if uses_service:  # remote calls go out here, with our time limit and User-Agent
                job = replace(job, sparql=federation.call_services(job.sparql, self.settings, job.base_iri))
            kind, fmt, chunks = self._execute(job, time.monotonic() + limit)
        except QueryEvaluationError as exc:
            if uses_service and type(exc) is QueryEvaluationError:
                raise ServiceError(str(exc)) from exc
            raise
        closers: tuple[Callable[[], None], ...] = (getattr(chunks, "close", _nothing),)
        if cacheable:
            chunks = self._caching(key, kind, fmt, chunks)
            closers = (chunks.close, *closers)
        return QueryResult(kind, fmt, chunks, etag, closers=closers)

    def _caching(
        self, key: tuple[int, QueryJob], kind: str, fmt: Format, chunks: Iterator[bytes]
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
            self._cache.put(key, _CacheEntry(kind, fmt, b"".join(kept)))

    def _execute(
        self, job: QueryJob, deadline: float
    ) -> tuple[str, Format, Iterator[bytes]]:
        raise NotImplementedError

    def write(self, change: Callable[[Store], T]) -> T:
        """Apply a change to the store, one writer at a time, then publish the new version."""
        with self._write_lock:
            try:
                return change(self.store)
            finally:
                # Even a failed update may have been partly applied (LOAD, bulk paths).
                self._version += 1
                self._cache.clear()
                self._published()

    def update(
        self, sparql: str, *, using_graphs: tuple[str, ...] = (),
        using_named_graphs: tuple[str, ...] = (), base_iri: str | None = None,
    ) -> None:
        """Run a SPARQL update with the protocol's using-graph-uri / using-named-graph-uri.

        :raises QuerySyntaxError: when it does not parse, nests too deeply or mixes datasets.
        """
        check_nesting(sparql)
        federation.check_loads(sparql, self.settings.allowed_services)
        sparql = federation.call_services(sparql, self.settings, base_iri)
        text = with_using(sparql, using_graphs, using_named_graphs)
        self.write(lambda store: store.update(text, base_iri=base_iri))

    def _published(self) -> None:
        """Called with the write lock held after every write."""

    def close(self) -> None:
        """Stop workers and remove checkpoints."""


class InProcessEngine(QueryEngine):
    """Queries in the calling thread: for in-memory stores, which cannot be checkpointed.

    The time limit is checked between chunks only, since a running query cannot be stopped.
    """

    def _execute(
        self, job: QueryJob, deadline: float
    ) -> tuple[str, Format, Iterator[bytes]]:
        sink = _ChunkSink()
        kind, fmt = self.store.run_query(job.sparql, sink, job.format_for, **job.store_kwargs())
        if time.monotonic() > deadline:
            raise QueryTimeoutError(f"the query ran past {self.settings.query_timeout:g} s")
        return kind, fmt, iter(sink.chunks)


class _ChunkSink:
    def __init__(self) -> None:
        self.chunks: list[bytes] = []

    def write(self, data: bytes) -> int:
        self.chunks.append(bytes(data))
        return len(data)

    def flush(self) -> None:
        """Nothing to flush: chunks are kept as they come."""


# --- the process pool


class _PipeWriter:
    """A file-like object that sends what a query writes through a pipe in large chunks."""

    def __init__(self, conn: Connection) -> None:
        self._conn = conn
        self._buffer = bytearray()
        self.meta: tuple[str, str] | None = None
        self._sent_head = False

    def choose(self, job: QueryJob) -> Callable[[str], Format]:
        def pick(kind: str) -> Format:
            fmt = job.format_for(kind)
            self.meta = (kind, fmt.name)
            return fmt

        return pick

    def write(self, data: bytes) -> int:
        self._buffer += data
        if len(self._buffer) >= CHUNK_BYTES:
            self._send()
        return len(data)

    def flush(self) -> None:
        """Chunks go out when large enough; pyoxigraph's flushes need no round trip."""

    def _send(self) -> None:
        if self._sent_head:
            self._conn.send(("data", bytes(self._buffer)))
        else:
            assert self.meta is not None
            self._conn.send(("head", *self.meta, bytes(self._buffer)))
            self._sent_head = True
        self._buffer.clear()

    def finish(self) -> None:
        if self._sent_head:
            self._send()
            self._conn.send(("end",))
        else:
            # A result that fits in one chunk travels in one message: one wake-up, not two.
            assert self.meta is not None
            self._conn.send(("all", *self.meta, bytes(self._buffer)))


def _worker_main(fd: int) -> None:
    """A query worker: open the checkpoint it is told to, run jobs, stream their results."""
    conn = Connection(fd)
    # The server handles Ctrl-C; a worker just ends when its pipe closes.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    store: Store | None = None
    opened: str | None = None
    while True:
        try:
            job, checkpoint = conn.recv()
        except EOFError:
            return
        writer = _PipeWriter(conn)
        try:
            if checkpoint != opened:
                store = None  # close the old checkpoint before opening the new one
                store = Store(checkpoint, read_only=True)
                opened = checkpoint
            assert store is not None
            store.run_query(job.sparql, writer, writer.choose(job), **job.store_kwargs())
            writer.finish()
        except KgError as exc:
            conn.send(("error", type(exc).__name__, str(exc)))
        except ValueError as exc:  # pyoxigraph's word for an invalid IRI in the dataset
            conn.send(("error", QuerySyntaxError.__name__, str(exc)))


_ERRORS: dict[str, type[KgError]] = {
    cls.__name__: cls for cls in (QuerySyntaxError, QueryEvaluationError, KgError)
}


@dataclass
class _Worker:
    process: Any
    conn: Connection
    checkpoint: str | None = None
    spawned: float = field(default_factory=time.monotonic)


class ProcessPoolEngine(QueryEngine):
    """Queries in worker processes on read-only checkpoints; a late one is killed."""

    def __init__(self, store: Store, settings: Settings, workers: int | None = None) -> None:
        super().__init__(store, settings)
        if store.path is None:
            raise ValueError("a process pool needs an on-disk store (use InProcessEngine)")
        self._size = workers or settings.workers or os.cpu_count() or 2
        # Checkpoints are hard links, so they must live on the store's file system.
        location = Path(store.path).resolve()
        prefix = f".{location.name}.checkpoints-"
        # We hold the store's lock, so checkpoints left by a killed server are nobody's.
        for stale in location.parent.glob(prefix + "*"):
            shutil.rmtree(stale)
        self._dir = Path(tempfile.mkdtemp(prefix=prefix, dir=location.parent))
        self._checkpoints: list[str] = []
        self._checkpoint_lock = threading.Lock()
        self._busy: dict[int, str | None] = {}
        self._checkpoint()
        self._idle: queue.LifoQueue[_Worker] = queue.LifoQueue()
        self._closed = False
        for _ in range(self._size):
            self._idle.put(self._spawn())

    @property
    def size(self) -> int:
        return self._size

    def _checkpoint(self) -> None:
        path = self._dir / f"v{self._version}"
        self.store.backup(path)
        with self._checkpoint_lock:
            self._checkpoints.append(str(path))

    def _published(self) -> None:
        self._checkpoint()
        self._collect()

    def _collect(self) -> None:
        """Remove checkpoints that are neither the newest nor open in a worker."""
        if len(self._checkpoints) == 1:
            return
        with self._checkpoint_lock:
            in_use = {w.checkpoint for w in list(self._idle.queue)} | set(self._busy.values())
            keep = [self._checkpoints[-1]]
            for path in self._checkpoints[:-1]:
                if path in in_use:
                    keep.append(path)
                else:
                    shutil.rmtree(path)
            self._checkpoints = sorted(keep, key=lambda p: int(Path(p).name[1:]))

    def _spawn(self) -> _Worker:
        # A fresh interpreter, not a fork: this process has threads and an open read-write
        # store, which a forked child must not inherit; multiprocessing's spawn and
        # forkserver would re-run the server's __main__ in the child.
        ours, theirs = socket.socketpair()
        process = subprocess.Popen(
            [_python(), "-c", f"import kg.query as q; q._worker_main({theirs.fileno()})"],
            pass_fds=(theirs.fileno(),),
            stdin=subprocess.DEVNULL,
            cwd=str(Path(__file__).resolve().parent.parent),
        )
        theirs.close()
        return _Worker(process, Connection(ours.detach()))

    def _replace(self, worker: _Worker) -> None:
        """Kill a worker (it may be mid-query) and start a fresh one in the background."""
        worker.process.kill()
        worker.conn.close()

        def respawn() -> None:
            worker.process.wait()
            if not self._closed:
                self._idle.put(self._spawn())

        threading.Thread(target=respawn, name="newsgraph-respawn", daemon=True).start()

    def _release(self, worker: _Worker) -> None:
        self._busy.pop(id(worker), None)
        self._idle.put(worker)
        self._collect()

    def _execute(
        self, job: QueryJob, deadline: float
    ) -> tuple[str, Format, Iterator[bytes]]:
        try:
            worker = self._idle.get(timeout=max(0.0, deadline - time.monotonic()))
        except queue.Empty:
            raise QueryTimeoutError(
                "every query worker stayed busy past the time limit; try again later"
            ) from None
        with self._checkpoint_lock:
            checkpoint = self._checkpoints[-1]
        worker.checkpoint = checkpoint
        self._busy[id(worker)] = checkpoint
        try:
            worker.conn.send((job, checkpoint))
            message = self._receive(worker, deadline)
        except BaseException:
            self._busy.pop(id(worker), None)
            self._replace(worker)
            raise
        if message[0] == "error":
            self._release(worker)
            raise _ERRORS.get(message[1], QueryEvaluationError)(message[2])
        tag, kind, name, first = message
        fmt = formats.by_name(name)
        assert fmt is not None
        if tag == "all":
            self._release(worker)
            return kind, fmt, iter((first,))
        return kind, fmt, _Stream(self, worker, first, deadline)

    def _receive(self, worker: _Worker, deadline: float) -> tuple[Any, ...]:
        remaining = deadline - time.monotonic()
        try:
            ready = remaining > 0 and worker.conn.poll(remaining)
            if not ready:
                raise QueryTimeoutError(
                    f"the query ran past its time limit of {self._limit_text()} and was stopped"
                )
            return worker.conn.recv()
        except (EOFError, ConnectionResetError, BrokenPipeError) as exc:
            raise EngineCrashError(
                "the query engine stopped on this query without an answer; "
                "simplify the query (for instance nest it less deeply)"
            ) from exc

    def _limit_text(self) -> str:
        return f"{self.settings.query_timeout:g} s"

    def close(self) -> None:
        self._closed = True
        while True:
            try:
                worker = self._idle.get_nowait()
            except queue.Empty:
                break
            worker.conn.close()  # the worker ends when its pipe closes
            try:
                worker.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                worker.process.kill()
                worker.process.wait()
        shutil.rmtree(self._dir)


def _python() -> str:
    """The Python interpreter to start workers with (sys.executable is the host program
    when a server such as uWSGI embeds Python)."""
    if Path(sys.executable).name.startswith("python"):
        return sys.executable
    candidate = Path(sys.exec_prefix) / "bin" / f"python{sys.version_info[0]}.{sys.version_info[1]}"
    return str(candidate) if candidate.exists() else "python3"


class _Stream:
    """The chunks of a result still coming from a worker; closing it early kills the worker."""

    def __init__(
        self, engine: ProcessPoolEngine, worker: _Worker, first: bytes, deadline: float
    ) -> None:
        self._engine = engine
        self._worker: _Worker | None = worker
        self._pending: bytes | None = first
        self._deadline = deadline

    def __iter__(self) -> _Stream:
        return self

    def __next__(self) -> bytes:
        if self._pending is not None:
            chunk, self._pending = self._pending, None
            return chunk
        worker = self._worker
        if worker is None:
            raise StopIteration
        try:
            message = self._engine._receive(worker, self._deadline)
        except BaseException:
            self.close()
            raise
        if message[0] == "data":
            return message[1]
        self._worker = None
        self._engine._release(worker)
        if message[0] == "end":
            raise StopIteration
        raise _ERRORS.get(message[1], QueryEvaluationError)(message[2])

    def close(self) -> None:
        """Stop a result that is still being produced (its worker is killed and replaced)."""
        worker, self._worker = self._worker, None
        self._pending = None
        if worker is not None:
            self._engine._busy.pop(id(worker), None)
            self._engine._replace(worker)


def open_engine(store: Store, settings: Settings) -> QueryEngine:
    """The engine for a store: worker processes for an on-disk store, in-process otherwise."""
    if store.path is None:
        return InProcessEngine(store, settings)
    return ProcessPoolEngine(store, settings)
