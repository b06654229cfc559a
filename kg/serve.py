"""`kg serve`: a local, read-only SPARQL 1.1 Protocol endpoint over the graph.

No HTTP code of ours: the data (graph + ontology, in the default graph, as `kg query` sees it) is loaded
into a private Oxigraph store in a temporary directory, then the `oxigraph` server of the PyPI package
runs `serve-read-only` on it.  That server does GET and POST queries, content negotiation of the results
formats and an offline query page, and has no update endpoint at all.  The store is deleted on exit.
"""

from __future__ import annotations

import shutil
import signal
import socket
import subprocess
import sys
import sysconfig
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from types import FrameType

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 7878
_STARTUP_SECONDS = 60.0


class ServeError(Exception):
    """The server could not be found, could not load the data, or stopped before it was ready."""


def server_binary() -> str:
    """The `oxigraph` executable installed with this package (next to `kg`), else the one on PATH."""
    for directory in (sysconfig.get_path("scripts"), str(Path(sys.executable).parent)):
        candidate = Path(directory) / "oxigraph"
        if candidate.is_file():
            return str(candidate)
    found = shutil.which("oxigraph")
    if not found:
        raise ServeError("the `oxigraph` server is not installed (pip install oxigraph)")
    return found


def load_store(binary: str, location: Path, files: list[Path]) -> None:
    """Fill a new store with Oxigraph's own loader, so store format and server version always match."""
    done = subprocess.run(
        [binary, "load", "--location", str(location), "--file", *map(str, files)],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise ServeError(f"oxigraph load failed: {done.stderr.strip() or done.stdout.strip()}")


def bind_address(host: str, port: int) -> str:
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


def _wait_until_listening(process: subprocess.Popen[bytes], host: str, port: int) -> None:
    deadline = time.monotonic() + _STARTUP_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise ServeError(f"oxigraph serve-read-only exited with status {process.returncode}")
        try:
            with socket.create_connection((host, port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    raise ServeError(f"oxigraph did not listen on {bind_address(host, port)} within {_STARTUP_SECONDS:.0f} s")


def serve(
    files: list[Path], host: str = DEFAULT_HOST, port: int = DEFAULT_PORT, ready: Callable[[str], None] = print
) -> int:
    """Serve `files` (Turtle) until interrupted or terminated; `ready` gets the base URL once listening."""
    binary = server_binary()
    with tempfile.TemporaryDirectory(prefix="kg-serve-") as temp:
        location = Path(temp) / "store"
        load_store(binary, location, files)
        process = subprocess.Popen(
            [binary, "serve-read-only", "--location", str(location), "--bind", bind_address(host, port)]
        )

        def stop(signum: int, frame: FrameType | None) -> None:
            raise KeyboardInterrupt

        previous = signal.signal(signal.SIGTERM, stop)
        try:
            _wait_until_listening(process, host, port)
            ready(f"http://{bind_address(host, port)}/")
            return process.wait()
        except KeyboardInterrupt:
            return 0
        finally:
            signal.signal(signal.SIGTERM, previous)
            if process.poll() is None:
                process.terminate()
                try:
                    process.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()
