"""Real triple stores on 127.0.0.1, each in a folder of its own: a writable `oxigraph serve` and Virtuoso 7
(Debian's `virtuoso-t`, with a private ini and its own ports).  Used by the push tests and the push benchmark.

Virtuoso 7.2 as found here: Graph Store writes go to /sparql-graph-crud-auth with Digest auth; queries are sent
with GET (POSTing application/sparql-query hangs)."""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from kg.query.serve import server_binary

VIRTUOSO = shutil.which("virtuoso-t")

VIRTUOSO_INI = """\
[Database]
DatabaseFile = {dir}/virtuoso.db
ErrorLogFile = {dir}/virtuoso.log
LockFile = {dir}/virtuoso.lck
TransactionFile = {dir}/virtuoso.trx
xa_persistent_file = {dir}/virtuoso.pxa
MaxCheckpointRemap = 2000
Striping = 0
TempStorage = TempDatabase

[TempDatabase]
DatabaseFile = {dir}/virtuoso-temp.db
TransactionFile = {dir}/virtuoso-temp.trx
MaxCheckpointRemap = 2000
Striping = 0

[Parameters]
ServerPort = 127.0.0.1:{sql_port}
NumberOfBuffers = {buffers}
MaxDirtyBuffers = {dirty}
DirsAllowed = {dir}
CheckpointInterval = 0

[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerRoot = {dir}
ServerThreads = 4
MaxKeepAlives = 10
KeepAliveTimeout = 10

[SPARQL]
ResultSetMaxRows = 100000
MaxQueryExecutionTime = 60
"""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _wait_for(url: str, process: subprocess.Popen[bytes], seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while True:
        if process.poll() is not None:
            raise RuntimeError(f"{what} exited during start-up")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            if time.monotonic() > deadline:
                raise RuntimeError(f"{what} did not answer at {url} within {seconds:.0f} s") from None
            time.sleep(0.1)


def _stopped(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=60)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@contextmanager
def oxigraph_store(directory: Path) -> Iterator[str]:
    """A writable `oxigraph serve` storing in `directory`; yields its base URL (`/store`, `/query`)."""
    port = free_port()
    process = subprocess.Popen(
        [server_binary(), "serve", "--location", str(directory), "--bind", f"127.0.0.1:{port}"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_for(url + "/query?query=ASK%7B%7D", process, 30, "oxigraph serve")
        yield url
    finally:
        _stopped(process)


@contextmanager
def virtuoso_store(directory: Path, password: str, buffers: int = 10_000) -> Iterator[str]:
    """Virtuoso with its database in `directory`, user `dba` with `password`, `buffers` pages of 8 kB
    (`NumberOfBuffers`: 10,000 for tests, 170,000 for 100,000 facts); yields its base URL."""
    if VIRTUOSO is None:
        raise RuntimeError("virtuoso-t is not installed (Debian: virtuoso-opensource-7-bin)")
    http_port = free_port()
    ini = directory / "virtuoso.ini"
    settings = {"dir": directory, "sql_port": free_port(), "http_port": http_port}
    ini.write_text(VIRTUOSO_INI.format(**settings, buffers=buffers, dirty=buffers * 3 // 5), encoding="utf-8")
    # A new database has the well-known dba/dba: change it first (this run creates the database, sets the
    # password, checkpoints and exits), then start the server for real.
    subprocess.run(
        [VIRTUOSO, "+foreground", "+configfile", str(ini), "+pwdold", "dba", "+pwddba", password],
        cwd=directory, check=True, capture_output=True, timeout=180,
    )  # fmt: skip
    process = subprocess.Popen(
        [VIRTUOSO, "+foreground", "+configfile", str(ini)],
        cwd=directory, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    url = f"http://127.0.0.1:{http_port}"
    try:
        _wait_for(url + "/sparql?" + urllib.parse.urlencode({"query": "ASK {}"}), process, 180, "virtuoso-t")
        yield url
    finally:
        _stopped(process)
