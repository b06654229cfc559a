"""The curator's files written whole or not at all: each made in full in a temporary file beside its place,
then renamed into it.  An error names the file the curator knows, never the temporary one."""

from __future__ import annotations

import contextlib
import errno
import os
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path

from kg.exports.staging import signals_held


def new_file_mode() -> int:
    """The mode a file made now would have (0o666 less the umask): `mkstemp` makes its files private (0o600)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return 0o666 & ~mask


@contextlib.contextmanager
def naming(path: Path) -> Iterator[None]:
    """An OSError raised meanwhile, raised again naming `path` ("Permission denied" for a temporary file
    beside it told the curator of a file they had never heard of)."""
    try:
        yield
    except OSError as error:
        raise OSError(error.errno, error.strerror or str(error), os.fspath(path)) from None


@contextlib.contextmanager
def staged(path: Path, data: bytes, mode: int) -> Iterator[Path]:
    """A temporary file beside `path` holding `data`, with `mode`; removed on the way out, unless renamed."""
    with naming(path):
        handle, name = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    temporary = Path(name)
    try:
        with naming(path):
            with os.fdopen(handle, "wb") as stream:
                stream.write(data)
            os.chmod(temporary, mode)
        yield temporary
    finally:
        temporary.unlink(missing_ok=True)


def replace(path: Path, temporary: Path) -> None:
    """Rename `temporary` (from `staged`) over `path`, in one step."""
    with naming(path):
        os.replace(temporary, path)


def _put_unless_there(temporary: Path, path: Path) -> None:
    """Give `temporary` the name `path`, unless a file has it (FileExistsError): a new link, which fails if one
    does (a check, then a rename, wrote over a file made in between); where links are refused, checked first."""
    try:
        os.link(temporary, path)
    except FileExistsError:
        raise
    except OSError:  # no hard links on this file system
        if os.path.lexists(path):
            raise FileExistsError(errno.EEXIST, os.strerror(errno.EEXIST), os.fspath(path)) from None
        os.rename(temporary, path)
    else:
        temporary.unlink()


def put_in_place(files: Sequence[tuple[Path, bytes]]) -> None:
    """Write `files` (each a path that does not exist yet, and its bytes): each written in full beside its place,
    then all renamed into place, with SIGINT and SIGTERM held back (one that came meanwhile is delivered once all
    are in place).  After an error, or a signal before that, none of them is there, nor a folder made for them."""
    folders = [folder for folder in dict.fromkeys(path.parent for path, _ in files) if not folder.is_dir()]
    made: list[Path] = []
    placed: list[Path] = []
    try:
        for folder in folders:
            with naming(folder):
                folder.mkdir()
            made.append(folder)
        with contextlib.ExitStack() as stack:
            mode = new_file_mode()
            ready = [(path, stack.enter_context(staged(path, data, mode))) for path, data in files]
            with signals_held():
                for path, temporary in ready:
                    with naming(path):
                        _put_unless_there(temporary, path)
                    placed.append(path)
    except BaseException:
        if len(placed) == len(files):  # a signal held back, delivered once all were in place: they stay
            raise
        for path in placed:
            path.unlink(missing_ok=True)
        for folder in reversed(made):
            with contextlib.suppress(OSError):
                folder.rmdir()
        raise
