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

import pyoxigraph as ox

from kg.config import Settings
from kg.errors import (
    EngineCrashError,
    KgError,
    QueryMemoryError,
    QuerySyntaxError,
    QueryTimeoutError,
    RdfFormatError,
)
from kg.model import formats
from kg.model.formats import Format
from kg.query.engine import CHUNK_BYTES, QueryEngine, QueryJob
from kg.store import Store
from kg.store.base import Quad

# How long a waiting side keeps checking for a message before it sleeps, when it is the only
# query in flight. Waking a sleeping process costs about 60 µs here each way, more than an
# entity lookup takes to run; checking keeps that off cheap queries. Under load nobody spins.
SPIN_SECONDS = 0.0005
# How often a worker checks that the server that started it is still there.
PARENT_CHECK_SECONDS = 0.2
# How often a worker busy with a task measures its memory: at the 1 GB/s a big sort can
# take, a check every 20 ms lets it pass its limit by some 20 MB before it is stopped.
MEMORY_CHECK_SECONDS = 0.02
OVER_MEMORY = 86  # the exit code of a worker that stopped itself over its memory limit
# A task running longer than this counts as long: while long ones hold all workers but
# one, a spare starts. How often the pool looks, and how long a new worker may take to start.
LONG_SECONDS = 0.2
TEND_SECONDS = 0.05
WORKER_START_SECONDS = 60.0
# A task running longer than this yields the CPU to everything else (nice 10): on two cores
# two runaways otherwise starve the cheap queries and the spare that is starting. A process
# may not raise its priority again, so such a worker is replaced once its task ends.
YIELD_AFTER_SECONDS = 1.0
YIELDING_NICE = 10


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


class _MemoryWatch:
    """Ends this worker (exit code OVER_MEMORY) when a task takes more than limit bytes.

    What a task takes is the growth of the worker's anonymous resident memory (RssAnon:
    resident less file-backed pages): RocksDB maps the checkpoint's files, and those pages
    are the page cache's, not the query's, so an address-space limit (RLIMIT_AS) would
    count them. A thread checks every MEMORY_CHECK_SECONDS while a task runs.
    """

    def __init__(self, limit: int) -> None:
        self._limit = limit
        self._base = 0
        self._running = threading.Event()
        self._page = os.sysconf("SC_PAGE_SIZE")
        self._fd = os.open("/proc/self/statm", os.O_RDONLY) if limit > 0 else -1
        if self._fd >= 0:
            threading.Thread(target=self._watch, name="newsgraph-memory", daemon=True).start()

    def anonymous(self) -> int:
        """Bytes of this process's anonymous resident memory."""
        _, resident, shared = os.pread(self._fd, 128, 0).split()[:3]
        return (int(resident) - int(shared)) * self._page

    def start(self) -> None:
        if self._fd >= 0:
            self._base = self.anonymous()
            self._running.set()

    def stop(self) -> None:
        self._running.clear()

    def _watch(self) -> None:
        while self._running.wait():
            if self.anonymous() - self._base > self._limit and self._running.is_set():
                os._exit(OVER_MEMORY)  # the server sees the exit code and says why
            time.sleep(MEMORY_CHECK_SECONDS)


def _worker_main(fd: int, parent: int, memory_limit: int = 0) -> None:
    """A query worker: open the checkpoint it is told to, run tasks, stream their results.

    A task is ("query", checkpoint, job fields, spin) or ("parse", checkpoint, data,
    media type, graph, base IRI); a parse answers ("quads", N-Quads bytes).
    """
    follow_parent(parent)
    conn = Connection(fd)
    poller = message_poller(fd)
    # The server handles Ctrl-C; a worker just ends when its pipe closes.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    memory = _MemoryWatch(memory_limit)
    _send_message(conn, ("ready",))
    store: Store | None = None
    opened: str | None = None
    spin = False
    while True:
        try:
            wait_for_message(poller, spin, None)
            task = _read_message(conn)
        except EOFError:
            return
        checkpoint = task[1]
        memory.start()
        try:
            if checkpoint != opened:
                store = None  # close the old checkpoint before opening the new one
                store = Store(checkpoint, read_only=True)
                opened = checkpoint
            assert store is not None
            if task[0] == "query":
                _, _, fields, spin = task
                job = QueryJob(*fields)
                writer = _PipeWriter(conn)
                store.run_query(job.sparql, writer, writer.choose(job), **job.store_kwargs())
                writer.finish()
            else:
                _, _, data, media_type, graph, base_iri = task
                spin = False
                quads = store.parse(data, media_type, graph=graph, base_iri=base_iri)
                # N-Quads: flat, so reading it back in the server cannot recurse or crash.
                _send_message(conn, ("quads", ox.serialize(quads, format=ox.RdfFormat.N_QUADS)))
        except KgError as exc:
            _send_message(conn, ("error", exc))  # the whole KgError family pickles as it is
        except ValueError as exc:  # pyoxigraph's word for an invalid IRI in the dataset
            _send_message(conn, ("error", QuerySyntaxError(str(exc))))
        finally:
            memory.stop()


@dataclass
class _Worker:
    process: Any
    conn: Connection
    poller: select.poll
    checkpoint: str | None = None
    spawned: float = field(default_factory=time.monotonic)
    started: float | None = None  # when its task began (None: idle)
    yielding: bool = False  # its priority was lowered during a long task


@dataclass(frozen=True)
class _Task:
    """What a worker is doing, for the errors that stop it."""

    what: str  # "the query", "parsing the upload"
    late: type[KgError]  # what passing the time limit raises
    crashed: str  # what to do when the worker died without an answer
    lighter: str  # how to ask for less


_QUERY = _Task(
    "the query", QueryTimeoutError,
    "the query engine stopped on this query without an answer; "
    "simplify the query (for instance nest it less deeply)",
    "ask for less (fewer rows to sort, group or join; a LIMIT)",
)
_PARSE = _Task(
    "parsing the upload", RdfFormatError,
    "the RDF parser stopped on this document without an answer; "
    "nest it less deeply or split it into smaller documents",
    "split it into smaller documents or nest it less deeply",
)


def memory_limit(settings: Settings, workers: int) -> int:
    """Bytes one task may take in a worker: query_memory MiB, or half the machine's memory
    shared among workers (the most there can be at once)."""
    if settings.query_memory > 0:
        return settings.query_memory * 1024 * 1024
    return _machine_memory() // 2 // max(1, workers)


# A container's memory limit (cgroup v2, then v1): the host's memory may be far more.
_CGROUP_LIMITS = ("/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes")


def _machine_memory() -> int:
    """Bytes of memory this process may use: the machine's, or its container's if less
    (past a container's limit the kernel kills the worker before our 503 can say why)."""
    physical = os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    for path in _CGROUP_LIMITS:
        try:
            text = Path(path).read_text().strip()
        except OSError:
            continue
        if text.isdigit():
            return min(physical, int(text))
    return physical


class ProcessPoolEngine(QueryEngine):
    """Queries in worker processes on read-only checkpoints; a late one is killed.

    The pool keeps settings.workers workers; while long queries hold all but one of them,
    spares start (up to settings.spare_workers) so that a cheap query finds one free, and
    each stops again once it is idle and not needed.
    """

    def __init__(self, store: Store, settings: Settings, workers: int | None = None) -> None:
        if store.path is None:
            raise ValueError("a process pool needs an on-disk store (use InProcessEngine)")
        self._cores = os.cpu_count() or 2
        self._size = workers or settings.workers or self._cores
        super().__init__(store, settings)
        self._most = self._size + max(0, settings.spare_workers)
        self._memory = memory_limit(settings, self._most)
        self._in_flight = 0  # queries waiting for or running on a worker
        self._in_flight_lock = threading.Lock()
        self._live = 0  # workers running or starting
        self._live_lock = threading.Lock()
        # Checkpoints are hard links, so they must live on the store's file system.
        location = Path(store.path).resolve()
        prefix = f".{location.name}.checkpoints-"
        # We hold the store's lock, so checkpoints left by a killed server are nobody's.
        for stale in location.parent.glob(prefix + "*"):
            shutil.rmtree(stale)
        self._dir = Path(tempfile.mkdtemp(prefix=prefix, dir=location.parent))
        self._checkpoints: list[str] = []
        self._checkpoint_lock = threading.Lock()
        self._making_lock = threading.Lock()  # one checkpoint made at a time
        self._busy: dict[int, _Worker] = {}
        self._current_checkpoint()
        self._idle: queue.LifoQueue[_Worker] = queue.LifoQueue()
        self._closed = False
        starting = [self._spawn() for _ in range(self._size)]
        self._live = len(starting)
        for worker in starting:
            self._ready(worker)
            self._idle.put(worker)
        threading.Thread(target=self._tend, name="newsgraph-spares", daemon=True).start()

    @property
    def size(self) -> int:
        return self._size

    @property
    def memory_limit(self) -> int:
        """Bytes one query may take in its worker."""
        return self._memory

    def _current_checkpoint(self, worker: _Worker | None = None) -> str:
        """The checkpoint of the current data version, made now if it is not yet; given to
        worker (under the lock _collect takes, so it is never removed under the worker).

        Made by the first query after a write, not by the write: a bulk write of many
        requests (`kg load` through the server) makes one checkpoint, not one a request.
        """
        with self._making_lock:
            path = str(self._dir / f"v{self._version}")
            with self._checkpoint_lock:
                made = bool(self._checkpoints) and self._checkpoints[-1] == path
            if not made:
                self.store.backup(path)
            with self._checkpoint_lock:
                if not made:
                    self._checkpoints.append(path)
                if worker is not None:
                    worker.checkpoint = path
            return path

    def _published(self) -> None:
        self._collect()

    def _collect(self) -> None:
        """Remove checkpoints that are neither the newest nor open in a worker."""
        if len(self._checkpoints) == 1:
            return
        with self._checkpoint_lock:
            workers = list(self._idle.queue) + list(self._busy.values())
            in_use = {w.checkpoint for w in workers}
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
             "import kg.query.workers as w; "
             f"w._worker_main({theirs.fileno()}, {os.getpid()}, {self._memory})"],
            pass_fds=(theirs.fileno(),),
            stdin=subprocess.DEVNULL,
            cwd=str(Path(__file__).resolve().parents[2]),  # the project, as the server runs it
        )
        theirs.close()
        return _Worker(process, Connection(ours.fileno()), message_poller(ours.detach()))

    def _ready(self, worker: _Worker) -> None:
        """Wait until a new worker has started (its imports take a few hundred ms).

        :raises EngineCrashError: when it exits instead.
        """
        try:
            if wait_for_message(worker.poller, False, WORKER_START_SECONDS):
                if _read_message(worker.conn) == ("ready",):
                    return
        except (EOFError, ConnectionResetError):
            pass  # said below, with its exit code
        worker.process.kill()
        raise EngineCrashError(
            f"a query worker did not start within {WORKER_START_SECONDS} s "
            f"(exit code {worker.process.wait()}); its error is in the server's log above"
        )

    def _wanted(self) -> int:
        """How many workers there should be: one more than the long tasks, within bounds."""
        now = time.monotonic()
        long = sum(1 for w in list(self._busy.values())
                   if w.started is not None and now - w.started > LONG_SECONDS)
        return min(self._most, max(self._size, long + 1))

    def _tend(self) -> None:
        """Start spares while long tasks hold the workers, and lower long tasks' priority
        (a thread, every TEND_SECONDS)."""
        while not self._closed:
            time.sleep(TEND_SECONDS)
            self._yield_long()
            self._grow_or_say_why()

    def _grow_or_say_why(self) -> None:
        """_grow, from a background thread: a failure (a worker that cannot start, no file
        descriptors left) is said in the log, and the tending thread tries again next round."""
        try:
            self._grow()
        except Exception as exc:  # noqa: BLE001 - a thread that died here would stop every respawn
            print(f"newsgraph: cannot start a query worker ({exc}); trying again", file=sys.stderr,
                  flush=True)

    def _yield_long(self) -> None:
        now = time.monotonic()
        for worker in list(self._busy.values()):
            started = worker.started
            if not worker.yielding and started is not None and now - started > YIELD_AFTER_SECONDS:
                worker.yielding = True
                try:
                    os.setpriority(os.PRIO_PROCESS, worker.process.pid, YIELDING_NICE)
                except ProcessLookupError:
                    pass  # it ended meanwhile: its task's thread sees that

    def _grow(self) -> None:
        """Start one worker when there are fewer than wanted, and add it once it is ready."""
        with self._live_lock:
            if self._closed or self._live >= self._wanted():
                return
            self._live += 1
        try:
            worker = self._spawn()
            self._ready(worker)
        except BaseException:
            with self._live_lock:
                self._live -= 1
            raise
        if self._closed:
            worker.conn.close()
        else:
            self._idle.put(worker)

    def _replace(self, worker: _Worker) -> None:
        """Kill a worker (it may be mid-query) and start a fresh one in the background if needed."""
        self._busy.pop(id(worker), None)
        worker.process.kill()
        worker.conn.close()
        with self._live_lock:
            self._live -= 1

        def respawn() -> None:
            worker.process.wait()
            self._grow_or_say_why()

        threading.Thread(target=respawn, name="newsgraph-respawn", daemon=True).start()

    def _release(self, worker: _Worker) -> None:
        """Put a worker back, or stop it when it was a spare no longer needed."""
        self._busy.pop(id(worker), None)
        worker.started = None
        with self._live_lock:
            retire = worker.yielding or self._live > self._wanted()
            if retire:
                self._live -= 1
        if retire:
            worker.conn.close()  # it ends when its pipe closes

            def replace() -> None:
                worker.process.wait()
                self._grow_or_say_why()

            threading.Thread(target=replace, name="newsgraph-retire", daemon=True).start()
        else:
            self._idle.put(worker)
        self._collect()

    def _take(self, deadline: float) -> tuple[_Worker, str]:
        """An idle worker, marked busy, and the checkpoint it is to use.

        :raises QueryTimeoutError: when none is free before the deadline.
        """
        try:
            worker = self._idle.get(timeout=max(0.0, deadline - time.monotonic()))
        except queue.Empty:
            raise QueryTimeoutError(
                "every query worker stayed busy past the time limit; try again later"
            ) from None
        worker.started = time.monotonic()
        self._busy[id(worker)] = worker
        try:
            return worker, self._current_checkpoint(worker)
        except BaseException:
            self._release(worker)  # the checkpoint could not be made (a full disk): it is still free
            raise

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
        worker, checkpoint = self._take(deadline)
        try:
            _send_message(worker.conn, ("query", checkpoint, _job_fields(job), spin))
            message = self._receive(worker, deadline, spin)
        except BaseException:
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

    def parse(
        self, data: bytes, media_type: str, *, graph: str | None = None,
        base_iri: str | None = None,
    ) -> list[Quad]:
        """Parse an upload in a worker: a parser that crashes or runs long takes only it down."""
        deadline = time.monotonic() + self.settings.query_timeout
        worker, checkpoint = self._take(deadline)
        try:
            _send_message(worker.conn, ("parse", checkpoint, data, media_type, graph, base_iri))
            message = self._receive(worker, deadline, task=_PARSE)
        except BaseException:
            self._replace(worker)
            raise
        self._release(worker)
        if message[0] == "error":
            raise message[1]
        return list(ox.parse(message[1], ox.RdfFormat.N_QUADS))

    def _receive(
        self, worker: _Worker, deadline: float, spin: bool = False, task: _Task = _QUERY
    ) -> tuple[Any, ...]:
        try:
            if not wait_for_message(worker.poller, spin, deadline - time.monotonic()):
                raise task.late(
                    f"{task.what} ran past its time limit of {self._limit_text()} "
                    "(query_timeout) and was stopped"
                )
            return _read_message(worker.conn)
        except (EOFError, ConnectionResetError, BrokenPipeError) as exc:
            if _exit_code(worker) == OVER_MEMORY:
                raise QueryMemoryError(
                    f"{task.what} took more than its memory limit of "
                    f"{self._memory / 1024 / 1024:.0f} MiB (query_memory) and was stopped; "
                    + task.lighter
                ) from exc
            raise EngineCrashError(task.crashed) from exc

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


def _exit_code(worker: _Worker) -> int | None:
    """A worker's exit code once its pipe has closed (None: it still runs after a second)."""
    try:
        return worker.process.wait(timeout=1)
    except subprocess.TimeoutExpired:
        return None


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
            self._engine._replace(worker)
