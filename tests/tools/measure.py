"""Run a command as a whole process and measure it: exit status, wall seconds and peak RSS (from wait4)."""

from __future__ import annotations

import os
import resource
import signal
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path


@dataclass
class Measured:
    status: int
    seconds: float
    peak_mb: float
    stdout: str
    stderr: str


def _limit_memory(limit: int) -> None:
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def run_measured(command: list[str], cwd: Path, timeout: float, memory_limit: int = 8 << 30) -> Measured:
    """Run `command` in `cwd`; kill it at `timeout` seconds; `memory_limit` bytes of address space at most."""
    out_path, err_path = cwd / ".measure-stdout", cwd / ".measure-stderr"
    with open(out_path, "wb") as out, open(err_path, "wb") as err:
        start = time.monotonic()
        process = subprocess.Popen(
            command, cwd=cwd, stdout=out, stderr=err, preexec_fn=lambda: _limit_memory(memory_limit)
        )
        while True:
            pid, status, usage = os.wait4(process.pid, os.WNOHANG)
            if pid:
                break
            if time.monotonic() - start > timeout:
                process.send_signal(signal.SIGKILL)
                pid, status, usage = os.wait4(process.pid, 0)
                break
            time.sleep(0.01)
        elapsed = time.monotonic() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    stdout = out_path.read_text(encoding="utf-8", errors="replace")
    stderr = err_path.read_text(encoding="utf-8", errors="replace")
    out_path.unlink()
    err_path.unlink()
    return Measured(process.returncode, elapsed, usage.ru_maxrss / 1024, stdout, stderr)
