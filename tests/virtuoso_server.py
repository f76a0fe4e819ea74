"""A throwaway Virtuoso Open Source server on 127.0.0.1 for the remote store tests.

Debian's `virtuoso-opensource` package provides `virtuoso-t` and `isql-vt`; the server gets
its own ini, database folder and free ports, and is stopped (and its files removed with the
temporary folder) when the tests end.
"""

from __future__ import annotations

import shutil
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from endpoint_server import free_port, stop

START_SECONDS = 60.0

# Only what the tests need: database files in our folder, both listeners on 127.0.0.1, no
# plugins, and result and sort limits raised above Virtuoso's default of 10,000 rows.
INI = """\
[Database]
DatabaseFile = {db}/virtuoso.db
ErrorLogFile = {db}/virtuoso.log
LockFile = {db}/virtuoso.lck
TransactionFile = {db}/virtuoso.trx
xa_persistent_file = {db}/virtuoso.pxa
ErrorLogLevel = 7
FileExtend = 200
MaxCheckpointRemap = 2000
Striping = 0
TempStorage = TempDatabase

[TempDatabase]
DatabaseFile = {db}/virtuoso-temp.db
TransactionFile = {db}/virtuoso-temp.trx
MaxCheckpointRemap = 2000
Striping = 0

[Parameters]
ServerPort = 127.0.0.1:{sql_port}
DisableUnixSocket = 1
DisableTcpSocket = 0
MaxClientConnections = 10
CheckpointInterval = 0
O_DIRECT = 0
CaseMode = 2
MaxStaticCursorRows = 5000
AllowOSCalls = 0
DirsAllowed = ., {db}
NumberOfBuffers = 10000
MaxDirtyBuffers = 6000
ThreadsPerQuery = 2
MaxSortedTopRows = 100000

[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerRoot = {db}
MaxClientConnections = 10
ServerThreads = 10
MaxKeepAlives = 10
KeepAliveTimeout = 10
Charset = UTF-8
EnabledGzipContent = 0

[SPARQL]
ResultSetMaxRows = 1000000
MaxQueryCostEstimationTime = 400
MaxQueryExecutionTime = 120
"""


class VirtuosoUnavailable(RuntimeError):
    """Virtuoso is not installed or did not start; the message says why."""


@dataclass
class Virtuoso:
    """A running server: its SPARQL endpoint and its SQL port (for isql-vt)."""

    sparql: str
    sql_port: int
    folder: Path
    process: subprocess.Popen[bytes]

    def isql(self, statement: str) -> str:
        """Run one SQL statement as the dba user; returns isql's output."""
        done = subprocess.run(
            ["isql-vt", f"127.0.0.1:{self.sql_port}", "dba", "dba", f"exec={statement}"],
            capture_output=True, text=True, timeout=60, check=False,
        )
        if done.returncode != 0 or "*** Error" in done.stdout:
            raise VirtuosoUnavailable(f"isql-vt {statement!r} failed: {done.stdout}{done.stderr}")
        return done.stdout

    def log(self) -> str:
        path = self.folder / "virtuoso.log"
        return path.read_text(errors="replace") if path.exists() else ""


def _answers(url: str) -> bool:
    request = urllib.request.Request(
        url + "?query=ASK%7B%7D", headers={"Accept": "application/sparql-results+json"}
    )
    try:
        with urllib.request.urlopen(request, timeout=2) as response:
            return response.status == 200
    except (urllib.error.URLError, OSError):
        return False


@contextmanager
def running_virtuoso(folder: Path) -> Iterator[Virtuoso]:
    """Start Virtuoso on free 127.0.0.1 ports with its database in folder; stop it after.

    Grants SPARQL UPDATE to the anonymous endpoint user: acceptable only for a test server.
    :raises VirtuosoUnavailable: when it is not installed or does not answer in time.
    """
    if shutil.which("virtuoso-t") is None or shutil.which("isql-vt") is None:
        raise VirtuosoUnavailable(
            "virtuoso-t / isql-vt not found (apt-get install virtuoso-opensource)"
        )
    folder.mkdir(parents=True, exist_ok=True)
    sql_port, http_port = free_port(), free_port()
    ini = folder / "virtuoso.ini"
    ini.write_text(INI.format(db=folder, sql_port=sql_port, http_port=http_port))
    process = subprocess.Popen(
        ["virtuoso-t", "+configfile", str(ini), "+foreground"],
        cwd=folder, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    server = Virtuoso(f"http://127.0.0.1:{http_port}/sparql", sql_port, folder, process)
    try:
        deadline = time.monotonic() + START_SECONDS
        while not _answers(server.sparql):
            if process.poll() is not None:
                raise VirtuosoUnavailable(f"virtuoso-t exited early:\n{server.log()[-2000:]}")
            if time.monotonic() > deadline:
                raise VirtuosoUnavailable(
                    f"virtuoso-t did not answer within {START_SECONDS:g} s:\n{server.log()[-2000:]}"
                )
            time.sleep(0.2)
        server.isql('GRANT SPARQL_UPDATE TO "SPARQL";')
        yield server
    finally:
        stop(process)


if __name__ == "__main__":
    import sys
    import tempfile

    # Manual use: `python3 tests/virtuoso_server.py` runs one until Ctrl-C.
    with tempfile.TemporaryDirectory() as tmp, running_virtuoso(Path(tmp)) as found:
        print(found.sparql, "sql port", found.sql_port, flush=True)
        try:
            while found.process.poll() is None:
                time.sleep(1)
        except KeyboardInterrupt:
            sys.exit(0)
