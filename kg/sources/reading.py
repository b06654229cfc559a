"""Reading untrusted source files: inside the sources tree, regular, bounded in size, UTF-8 text.

A source file may be a symbolic link, a FIFO, a device or a 50 MB paste.  Each check here happens
before the file is opened (containment, type, size) or before its text is used (encoding, control
characters), so a bad file costs a `stat` and gives one located message, and no byte of a file outside
the sources tree is ever read.
"""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path

from kg.limits import megabytes, read_at_most
from kg.shelf import content_digest

BOM = "\ufeff"
CONTROL_CHARACTERS = r"\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f"  # all but tab, LF and CR: for a character class
_CONTROL = re.compile(f"[{CONTROL_CHARACTERS}]")


class FileRefused(Exception):
    """A file that is not read, or whose text is not used; `line` and `column` are 1-based."""

    def __init__(self, message: str, line: int = 1, column: int = 1):
        super().__init__(message)
        self.message = message
        self.line = line
        self.column = column


def inside(path: Path, root: Path, link: bool) -> bool:
    """True when `path`, with every symbolic link resolved, lies inside `root` (also resolved).  `link`:
    whether `path` itself is a symbolic link (the caller has its `lstat`).

    Resolved as text (`os.path.realpath`, not `Path.resolve`: a third of the time), and each folder once a
    load (`forget_folders`): a file that is no link lies where its folder's resolved path and its name say.
    Resolving every file and the sources folder for each took 0.2 s of CPU for the 8,160 files of 100,000
    real-shaped facts."""
    try:
        real_root = _resolved(os.fspath(root))
        folder, name = os.path.split(os.fspath(path))
        if link or name in ("", os.curdir, os.pardir):
            real = os.path.realpath(path, strict=True)
        else:
            real = os.path.join(_resolved(folder or os.curdir), name)
    except (OSError, RuntimeError):  # a dangling link, a loop of links
        return False
    return real == real_root or real.startswith(real_root.rstrip(os.sep) + os.sep)


@lru_cache(maxsize=1024)
def _resolved(folder: str) -> str:
    return os.path.realpath(folder, strict=True)


def forget_folders() -> None:
    """Resolve folders afresh from now on: a load resolves each once (`inside`), and the next load (`kg watch`
    runs many in one process) must see a folder that became a link since."""
    _resolved.cache_clear()


def read_text(
    path: Path, root: Path, max_bytes: int, what: str, *, prose: bool = False, any_encoding: bool = False
) -> str:
    """The text of `path`, refused unless it is a regular file inside `root` of at most `max_bytes`.

    `what` names the file in messages ("the file", "article text 'a.txt'").  A UTF-8 byte-order mark
    is dropped and line ends become `\\n` (CRLF files mean the same as LF files).  With `prose`, control
    characters (NUL, terminal escapes…) are refused too: article texts are read by people and quoted in
    messages.  With `any_encoding`, text that is not UTF-8 is read as well as it can be (`decode_any`), not
    refused.  FileNotFoundError when nothing is there.
    """
    info = os.lstat(path)  # FileNotFoundError when nothing is there, not even a link
    link = stat.S_ISLNK(info.st_mode)
    if link:
        try:
            os.stat(path)
        except OSError as error:  # a link to nothing, or round in a loop of links: no file to say it leads out of
            raise FileRefused(f"{what} is a symbolic link that leads to no file ({error.strerror}): refused") from None
    if not inside(path, root, link):
        raise FileRefused(f"{what} leads outside {root.name}/ (through '..' or a symbolic link): refused, not read")
    data = read_bounded(path, max_bytes, what, "split it")
    text = decode_any(data) if any_encoding else decode(data, what)
    if prose:
        refuse_controls(text, what)
    return as_read(text, prose)


def as_read(text: str, prose: bool = False) -> str:
    """A file's text as the builder reads it (`read_text`): no byte order mark at its start (in `prose`, where a
    pasted part starts either: each part's mark, unseen, started a sentence that an `ignore:` as printed did not
    match), and every line end `\\n` (CRLF, and a lone CR as old Mac files have it, mean the same as LF)."""
    text = text.replace(BOM, "") if prose else text.removeprefix(BOM)
    return text.replace("\r\n", "\n").replace("\r", "\n")


_recorded: dict[Path, str] | None = None


@contextmanager
def recording_digests() -> Iterator[dict[Path, str]]:
    """The content digest (`kg.shelf.content_digest`) of each file `read_bounded` reads meanwhile, by its path:
    the build's fingerprint takes them from the bytes its load parsed rather than reading every file twice."""
    global _recorded
    recorded: dict[Path, str] = {}
    _recorded = recorded
    try:
        yield recorded
    finally:
        _recorded = None


def read_bounded(path: Path, max_bytes: int, what: str, advice: str) -> bytes:
    """The bytes of the regular file at `path` (a link followed), refused when it is not one (a FIFO, a device:
    `/dev/zero` is endless) or holds more than `max_bytes` (then `advice` says what to do)."""
    info = os.stat(path)  # FileNotFoundError when nothing is there
    if not stat.S_ISREG(info.st_mode):
        raise FileRefused(f"{what} is not a regular file: refused, not read")
    if info.st_size > max_bytes:
        raise FileRefused(
            f"{what} is {megabytes(info.st_size)}, more than the {megabytes(max_bytes)} allowed: {advice}"
        )
    with open(path, "rb", opener=_open_nonblocking) as stream:
        data = read_at_most(stream, info.st_size, max_bytes + 1)
    if len(data) > max_bytes:  # it grew after the stat
        raise FileRefused(f"{what} is more than the {megabytes(max_bytes)} allowed: {advice}")
    if _recorded is not None:
        _recorded[path] = content_digest(data)
    return data


def _open_nonblocking(path: str, flags: int) -> int:
    """Never block on a FIFO swapped in after the stat (O_NONBLOCK changes nothing for regular files)."""
    return os.open(path, flags | os.O_NONBLOCK)


def decode(data: bytes, what: str) -> str:
    """UTF-8 text, or FileRefused at the line and column of the first byte that is not UTF-8."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        before = data[: error.start].decode("utf-8", "replace")
        line, column = position(before, len(before))
        message = f"{what} is not UTF-8 text: byte 0x{data[error.start]:02x} is not part of a UTF-8 character"
        raise FileRefused(message + encoding_hint(data), line, column) from None


def decode_any(data: bytes) -> str:
    """`data` as text whatever it is: in the encoding its byte-order mark names (UTF-16, UTF-32), else as UTF-8
    with each byte that is not UTF-8 replaced (Latin-1, Windows-1252).  For finding the ids a file refused as
    not UTF-8 names (they are ASCII in all of these), never for its content."""
    for mark, encoding in _BYTE_ORDER_MARKS:
        if data.startswith(mark):
            return data.decode(encoding, "replace")
    return data.decode("utf-8", "replace")


def encoding_hint(data: bytes) -> str:
    """What to do with a text that is not UTF-8: one saved as UTF-16 or UTF-32 is told so (by its byte-order
    mark); any other (Latin-1, Windows-1252: no mark tells them) is told to be saved as UTF-8."""
    for mark, encoding in _BYTE_ORDER_MARKS:
        if data.startswith(mark):
            return f"; it is {encoding} text: save it as UTF-8"
    return "; save it as UTF-8"


_BYTE_ORDER_MARKS = (
    (b"\xff\xfe\x00\x00", "UTF-32"),  # before UTF-16's, which it starts with
    (b"\x00\x00\xfe\xff", "UTF-32"),
    (b"\xff\xfe", "UTF-16"),
    (b"\xfe\xff", "UTF-16"),
)


def refuse_controls(text: str, what: str) -> None:
    """FileRefused at the first control character other than tab and line ends (NUL, ESC, DEL, C1…)."""
    found = _CONTROL.search(text)
    if found:
        line, column = position(text, found.start())
        code = ord(found.group())
        raise FileRefused(
            f"{what} holds the control character U+{code:04X}: article texts are plain prose", line, column
        )


def position(text: str, index: int) -> tuple[int, int]:
    """1-based line and column of character `index` in `text`."""
    line = text.count("\n", 0, index) + 1
    return line, index - (text.rfind("\n", 0, index) + 1) + 1
