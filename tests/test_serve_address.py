"""`kg serve` refuses an address it cannot have to itself, with a message and no traceback.

Granian binds with SO_REUSEPORT: without the check, a second server on a served port started
silently and the kernel shared the requests between the two stores.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from endpoint_server import serve_newsgraph


def kg_serve(store: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEWSGRAPH_")}
    return subprocess.run([sys.executable, "-m", "kg.cli", "--store", str(store), "serve", *args],
                          capture_output=True, text=True, timeout=60, env=env)


def test_a_second_server_on_a_served_port_is_refused(tmp_path: Path) -> None:
    with serve_newsgraph(tmp_path, tmp_path / "first", workers="1") as server:
        port = server.url.rsplit(":", 1)[1]
        second = kg_serve(tmp_path / "second", "--host", "127.0.0.1", "--port", port)
        assert second.returncode == 2
        assert f"cannot listen on 127.0.0.1:{port}" in second.stderr and "another --port" in second.stderr
        assert "Traceback" not in second.stderr


@pytest.mark.parametrize(("args", "words"), [
    (("--port", "99999"), "port 99999: give a port from 1 to 65535"),
    (("--port", "0"), "port 0: give a port from 1 to 65535"),
    (("--host", "999.1.1.1", "--port", "8123"), "host '999.1.1.1': not an address to listen on"),
])
def test_an_address_that_cannot_be_is_refused(tmp_path: Path, args: tuple[str, ...], words: str) -> None:
    result = kg_serve(tmp_path / "store", *args)
    assert result.returncode == 2
    assert words in result.stderr and "Traceback" not in result.stderr
