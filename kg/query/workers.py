"""The process-pool query engine: workers on read-only checkpoints, killed at the time limit.

pyoxigraph cannot interrupt a running query, so each query runs in a worker process that
can be killed. The process that owns the store applies every write and then takes a
checkpoint (``Store.backup``: hard links, milliseconds); each worker opens the newest
checkpoint read-only and streams serialised chunks back through a socket.
"""

from __future__ import annotations

import os
import pickle
import queue
import select
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from kg.config import Settings
from kg.errors import EngineCrashError, KgError, QuerySyntaxError, QueryTimeoutError
from kg.model import formats
from kg.model.formats import Format
from kg.query.engine import CHUNK_BYTES, QueryEngine, QueryJob
from kg.store import Store

# How long a waiting side keeps checking for a message before it sleeps, when it is the only
# query in flight. Waking a sleeping process costs about 60 µs here each way, more than an
# entity lookup takes to run; checking keeps that off cheap queries. Under load nobody spins.
SPIN_SECONDS = 0.0005
# How often a worker checks that the server that started it is still there.
PARENT_CHECK_SECONDS = 0.2


def wait_for_message(poller: select.poll, spin: bool, timeout: float | None) -> bool:
    """Wait until a message is there: keep checking for SPIN_SECONDS first if spin, then sleep.

    Returns False when timeout (seconds; None: no limit) passes first.
    """
    if spin:
        budget = SPIN_SECONDS if timeout is None else min(SPIN_SECONDS, timeout)
        end = time.perf_counter() + budget
        while time.perf_counter() < end:
            if poller.poll(0):
                return True
        if timeout is not None:
            timeout -= budget
    if timeout is None:
        return bool(poller.poll())
    return timeout > 0 and bool(poller.poll(timeout * 1000))


def _send_message(conn: Connection, message: tuple[Any, ...]) -> None:
    # Plain pickle: Connection.send's ForkingPickler costs more than the rest of a send.
    conn.send_bytes(pickle.dumps(message, pickle.HIGHEST_PROTOCOL))


def _read_message(conn: Connection) -> Any:
    return pickle.loads(conn.recv_bytes())


def _job_fields(job: QueryJob) -> tuple[Any, ...]:
    # A job travels as a tuple of its fields: a dataclass pickles at several times the cost.
    return (job.sparql, job.formats, job.default_graphs, job.named_graphs,
            job.union_default_graph, job.base_iri)


def message_poller(fd: int) -> select.poll:
    """A poller that tells when a message can be read from fd."""
    poller = select.poll()
    poller.register(fd, select.POLLIN)
    return poller


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
            _send_message(self._conn, ("data", bytes(self._buffer)))
        else:
            assert self.meta is not None
            _send_message(self._conn, ("head", *self.meta, bytes(self._buffer)))
            self._sent_head = True
        self._buffer.clear()

    def finish(self) -> None:
        if self._sent_head:
            self._send()
            _send_message(self._conn, ("end",))
        else:
            # A result that fits in one chunk travels in one message: one wake-up, not two.
            assert self.meta is not None
            _send_message(self._conn, ("all", *self.meta, bytes(self._buffer)))


def follow_parent(parent: int, farewell: str | None = None, interval: float = PARENT_CHECK_SECONDS) -> None:
    """End this process within interval seconds of its parent's death, however it died.

    A worker busy with a query reads no socket, so it would not see its parent's end close;
    getppid() changes as soon as the parent is gone, and pyoxigraph releases the GIL while a
    query runs, so a thread can check. (PR_SET_PDEATHSIG fires when the parent's *thread*
    ends, and workers are respawned from short-lived threads.) farewell goes to stderr first.
    """

    def leave() -> None:
        if farewell:
            print(farewell, file=sys.stderr, flush=True)
        os._exit(1)  # nothing to save: writes are durable once committed

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(interval)
        leave()

    if os.getppid() != parent:  # gone before this process got here
        leave()
    threading.Thread(target=watch, name="newsgraph-follow-parent", daemon=True).start()


def _worker_main(fd: int, parent: int) -> None:
    """A query worker: open the checkpoint it is told to, run jobs, stream their results."""
    follow_parent(parent)
    conn = Connection(fd)
    poller = message_poller(fd)
    # The server handles Ctrl-C; a worker just ends when its pipe closes.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    store: Store | None = None
    opened: str | None = None
    spin = False
    while True:
        try:
            wait_for_message(poller, spin, None)
            fields, checkpoint, spin = _read_message(conn)
            job = QueryJob(*fields)
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
            _send_message(conn, ("error", exc))  # the whole KgError family pickles as it is
        except ValueError as exc:  # pyoxigraph's word for an invalid IRI in the dataset
            _send_message(conn, ("error", QuerySyntaxError(str(exc))))


@dataclass
class _Worker:
    process: Any
    conn: Connection
    poller: select.poll
    checkpoint: str | None = None
    spawned: float = field(default_factory=time.monotonic)


class ProcessPoolEngine(QueryEngine):
    """Queries in worker processes on read-only checkpoints; a late one is killed."""

    def __init__(self, store: Store, settings: Settings, workers: int | None = None) -> None:
        super().__init__(store, settings)
        if store.path is None:
            raise ValueError("a process pool needs an on-disk store (use InProcessEngine)")
        self._cores = os.cpu_count() or 2
        self._size = workers or settings.workers or self._cores
        self._in_flight = 0  # queries waiting for or running on a worker
        self._in_flight_lock = threading.Lock()
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
            [_python(), "-c",
             f"import kg.query.workers as w; w._worker_main({theirs.fileno()}, {os.getpid()})"],
            pass_fds=(theirs.fileno(),),
            stdin=subprocess.DEVNULL,
            cwd=str(Path(__file__).resolve().parents[2]),  # the project, as the server runs it
        )
        theirs.close()
        return _Worker(process, Connection(ours.fileno()), message_poller(ours.detach()))

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
    ) -> tuple[str, Format, Iterator[bytes] | list[bytes]]:
        # A thread that spins keeps the GIL from the others for up to the switch interval
        # (5 ms), so only the one query in flight here may spin for its answer.
        with self._in_flight_lock:
            self._in_flight += 1
            spin = self._in_flight == 1 and self._cores >= 2
        try:
            return self._run_on_worker(job, deadline, spin)
        finally:
            with self._in_flight_lock:
                self._in_flight -= 1

    def _run_on_worker(
        self, job: QueryJob, deadline: float, spin: bool
    ) -> tuple[str, Format, Iterator[bytes] | list[bytes]]:
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
            _send_message(worker.conn, (_job_fields(job), checkpoint, spin))
            message = self._receive(worker, deadline, spin)
        except BaseException:
            self._busy.pop(id(worker), None)
            self._replace(worker)
            raise
        if message[0] == "error":
            self._release(worker)
            raise message[1]
        tag, kind, name, first = message
        fmt = formats.by_name(name)
        assert fmt is not None
        if tag == "all":
            self._release(worker)
            return kind, fmt, [first]
        return kind, fmt, _Stream(self, worker, first, deadline)

    def _receive(self, worker: _Worker, deadline: float, spin: bool = False) -> tuple[Any, ...]:
        try:
            if not wait_for_message(worker.poller, spin, deadline - time.monotonic()):
                raise QueryTimeoutError(
                    f"the query ran past its time limit of {self._limit_text()} and was stopped"
                )
            return _read_message(worker.conn)
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
        raise message[1]

    def close(self) -> None:
        """Stop a result that is still being produced (its worker is killed and replaced)."""
        worker, self._worker = self._worker, None
        self._pending = None
        if worker is not None:
            self._engine._busy.pop(id(worker), None)
            self._engine._replace(worker)
