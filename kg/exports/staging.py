"""Writing exports so that they all change at once, or none does: a staging folder beside the output folder on
the same filesystem, renames into place with SIGINT and SIGTERM held back, and the leftovers of a build that
was killed outright removed by the next one."""

from __future__ import annotations

import contextlib
import errno
import glob
import os
import shutil
import signal
import sys
import tempfile
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from itertools import takewhile
from pathlib import Path

Writer = Callable[[Path], list[str]]
"""Writes some exports under the folder it is given and returns their paths relative to that folder."""


@contextmanager
def staged(out: Path) -> Iterator[Path]:
    """A new staging folder for the exports bound for `out`, removed on the way out whatever happens.

    It is a hidden folder beside `out` on the same filesystem, so that moving files from it into `out` is
    atomic; when `out` is on another filesystem than its parent (a mount point), a hidden one inside `out`.
    A build killed outright (`kill -9`) leaves only such a folder, which the next build removes."""
    target = out.resolve()
    made = list(takewhile(lambda folder: not folder.exists(), [target, *target.parents]))  # deepest first
    remove_leftovers(out)
    staging = _staging_folder(out)
    finished = False
    try:
        yield staging
        finished = True
    finally:
        shutil.rmtree(staging, ignore_errors=True)
        if not finished:  # a failed build leaves no trace: not even the folders made for its output
            for folder in made:
                with contextlib.suppress(OSError):
                    folder.rmdir()


def write_atomically(
    writers: list[Writer], staging: Path, out: Path, stale: Callable[[list[str]], list[Path]] = lambda written: []
) -> list[Path]:
    """Run every writer into `staging` (from `staged(out)`), then move all the files into `out` at once.

    Until the moves nothing in `out` changes, whatever happens: an exception, Ctrl-C, SIGTERM (turned
    into an exception by the CLI), or `kill -9`.  The moves run with SIGINT and SIGTERM held back, so that
    the exports all change or none does; then `stale(written names)` files and folders are removed.
    `writers` is consumed: each is dropped once it has written, which frees what it alone held.
    """
    names: list[str] = []
    while writers:
        names += writers.pop(0)(staging)  # dropped once written: what only it held is freed
    for name in names:
        os.chmod(staging / name, 0o644)
    out.mkdir(exist_ok=True)
    _refuse_kind_changes(names, staging, out)  # before any move: a move failing half-way would mix two builds
    with signals_held():
        moved: set[str] = set()
        for name in names:
            folder, _, inside = name.partition("/")
            if folder in moved:
                continue
            if inside and not (out / folder).exists():
                # A folder new to `out` (the page's shards, named by their digest): one rename for its
                # hundreds of files, each of which costs a rename of its own otherwise (0.13 s for 489).
                os.chmod(staging / folder, 0o755)  # made private (`tempfile.mkdtemp`), readable as the files are
                os.replace(staging / folder, out / folder)
                moved.add(folder)
                continue
            (out / name).parent.mkdir(parents=True, exist_ok=True)
            os.replace(staging / name, out / name)
        for path in stale(names):
            if path.is_dir() and not path.is_symlink():
                shutil.rmtree(path, ignore_errors=True)
            else:
                path.unlink(missing_ok=True)
    return [out / name for name in names]


def _refuse_kind_changes(names: list[str], staging: Path, out: Path) -> None:
    """An OSError naming the first export that is a folder where a file goes, or a file where a folder goes
    (`exports/ontology.html/`): its move would fail after the others were made."""
    for top in dict.fromkeys(name.split("/")[0] for name in names):
        target = out / top
        if (target.exists() or target.is_symlink()) and target.is_dir() != (staging / top).is_dir():
            wrong = (errno.EISDIR, "Is a directory") if target.is_dir() else (errno.ENOTDIR, "Not a directory")
            raise OSError(*wrong, str(target))


_STAGING = ".{}.staging-"
"""Then the building process's id and a random part: a build removes only the folders of builds that are
gone (the staging folder now lives from before the load, and two builds into one folder may overlap)."""


def export_written(filename: object, out: Path) -> str | None:
    """How to name, to the user, the file of a build's error if it is one the build writes: an export in `out`
    as it lies there, `out/` itself for a file of the staging folder beside it (a temporary name that says
    nothing); None for any other file."""
    if not isinstance(filename, str):
        return None
    path, where = Path(os.path.abspath(filename)), Path(os.path.abspath(out))
    if where in path.parents:
        return str(out / path.relative_to(where))
    return f"{out}/" if path == where or _STAGING.format(where.name) in filename else None


def _staging_folder(out: Path) -> Path:
    """A new hidden folder beside `out` on the same filesystem (moves from it are atomic), else inside `out`
    (which is then made).  A folder `out` that does not exist yet will be made beside it."""
    parent = out.resolve().parent
    parent.mkdir(parents=True, exist_ok=True)
    if not out.exists() or parent.stat().st_dev == out.stat().st_dev:
        with contextlib.suppress(OSError):  # else the parent is read-only for us
            return Path(tempfile.mkdtemp(prefix=f"{_STAGING.format(out.name)}{os.getpid()}-", dir=parent))
    out.mkdir(exist_ok=True)
    return Path(tempfile.mkdtemp(prefix=f"{_INNER_STAGING}{os.getpid()}-", dir=out))


_INNER_STAGING = ".staging-"


def remove_leftovers(out: Path) -> None:
    """Staging folders of a build that was killed (SIGKILL cannot be caught), not those of a build still
    running."""
    parent = out.resolve().parent
    prefix = _STAGING.format(out.name)
    for leftover in [*parent.glob(glob.escape(prefix) + "*"), *out.glob(_INNER_STAGING + "*")]:
        owner = leftover.name.removeprefix(prefix).removeprefix(_INNER_STAGING).split("-", 1)[0]
        if not (owner.isdigit() and _running(int(owner))):
            shutil.rmtree(leftover, ignore_errors=True)


def _running(pid: int) -> bool:
    """Whether process `pid` is alive (another user's too), this one excepted: its own folders are left over
    from an earlier build of the same process (`kg watch`), not in use."""
    if pid == os.getpid() or not 0 < pid < 2**31:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # alive, another user's
        return True
    return True


@contextmanager
def signals_held() -> Iterator[None]:
    """Hold SIGINT and SIGTERM back while files are renamed into place: they all change, or none does (a signal
    is delivered once they have)."""
    held = {signal.SIGINT, signal.SIGTERM}
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, held)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def write_out_soon(path: Path) -> None:
    """Have the system start writing the data of `path`, just written, out to disk, from a thread of its own.

    Its rename over the last export then finds it written out: on ext4 a rename over a file first writes
    out the data of the file renamed (`auto_da_alloc`), a wait of 0.2 s for the 300 MB of Turtle of 100,000
    real-shaped facts (0.05 s of it CPU), at the end of every build.  Started as the file is complete, the
    writing goes on while the build does the rest.  Linux only (`sync_file_range`); elsewhere, or when no
    thread can be started, nothing is done: it only saves time."""
    if not sys.platform.startswith("linux"):
        return
    with contextlib.suppress(RuntimeError):  # no thread to be had: the rename waits, as before
        threading.Thread(target=_start_writing_out, args=(path,), daemon=True).start()


_SYNC_FILE_RANGE_WRITE = 2


def _start_writing_out(path: Path) -> None:
    import ctypes

    with contextlib.suppress(Exception):  # a hint to the system: whatever fails, the build goes on
        libc = ctypes.CDLL(None, use_errno=True)
        sync_file_range = libc.sync_file_range
        sync_file_range.argtypes = [ctypes.c_int, ctypes.c_longlong, ctypes.c_longlong, ctypes.c_uint]
        descriptor = os.open(path, os.O_RDONLY)
        try:
            sync_file_range(descriptor, 0, 0, _SYNC_FILE_RANGE_WRITE)
        finally:
            os.close(descriptor)
