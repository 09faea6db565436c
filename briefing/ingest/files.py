"""Reading one input's bytes safely: only regular files are opened, never more than the
size limit is read, and every way it can fail becomes a reason that says what to do."""

from __future__ import annotations

import errno
import os
import re
import stat
import sys
from pathlib import Path

from briefing.ingest.article import UnusableInputError
from briefing.ingest.limits import MB, cli_option

# What a file that is not a regular one is, by its stat test, as a reason names it.
_KINDS = {
    stat.S_ISFIFO: "a FIFO (named pipe)",
    stat.S_ISCHR: "a character device",
    stat.S_ISBLK: "a block device",
    stat.S_ISSOCK: "a socket",
    stat.S_ISDIR: "a folder",
}
# O_NONBLOCK: should a FIFO take the file's place between the check and the open, opening
# it returns at once instead of waiting for a writer (and the check after opening refuses it).
_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
_UNPRINTABLE = re.compile(r"[\x00-\x1f\x7f-\x9f\ud800-\udfff]")


def read_input(path: Path, limit: int) -> bytes:
    """The bytes of a regular file of at most `limit` bytes; anything else is refused with
    a reason (UnusableInputError) before it is opened."""
    info = path.stat()  # follows links: a broken or looping one raises here
    _require_regular(info)
    require_size(info.st_size, limit)
    descriptor = os.open(path, _OPEN_FLAGS)
    with os.fdopen(descriptor, "rb") as handle:
        _require_regular(os.fstat(handle.fileno()))
        data = handle.read(limit + 1)  # a file that grew since, or /proc's size-0 files
    require_size(len(data), limit, at_least=True)
    return data


def read_stdin(limit: int) -> bytes:
    """Standard input's bytes, at most `limit` of them (`generate -`)."""
    data = sys.stdin.buffer.read(limit + 1)
    require_size(len(data), limit, at_least=True)
    return data


def _require_regular(info: os.stat_result) -> None:
    if stat.S_ISREG(info.st_mode):
        return
    kind = next((name for test, name in _KINDS.items() if test(info.st_mode)), "not a regular file")
    raise UnusableInputError(
        f"{kind}, not a regular file, so it was not opened; pass the file the articles are in"
    )


def require_size(size: int, limit: int, *, at_least: bool = False) -> None:
    if size <= limit:
        return
    told = f"more than {_mb(limit)}" if at_least else _mb(size)
    raise UnusableInputError(
        f"{told}, over the {_mb(limit)} limit for one input; split it into smaller files "
        f"or raise the limit ({cli_option('max_input_mb')})"
    )


def _mb(size: int) -> str:
    return f"{size / MB:,.3g} MB" if size < 100 * MB else f"{size / MB:,.0f} MB"


def failure_reason(err: Exception) -> str:
    """Why an input (or one record of it) was skipped, from what reading it raised."""
    if isinstance(err, UnusableInputError):
        return str(err)
    if isinstance(err, OSError):
        return os_reason(err)
    if isinstance(err, RecursionError):
        return "nested too deeply to read; flatten its structure"
    if isinstance(err, MemoryError):
        return "too large to read in the memory available; split it into smaller files"
    first = str(err).splitlines()[0] if str(err) else ""
    return (
        f"could not be read ({type(err).__name__}: {first[:200]}); check that it is a "
        "valid file of its kind, or report this if it is"
    )


def os_reason(err: OSError, *, folder: bool = False) -> str:
    """Why a path could not be read, with the fix, from the error `os` raised."""
    if err.errno == errno.ELOOP:
        return "a symbolic link that loops back on itself; fix or remove the link"
    link = Path(os.fsdecode(err.filename)) if err.filename else None
    if err.errno == errno.ENOENT and link is not None and link.is_symlink():
        target = printable(str(link.readlink()))
        return f"a broken symbolic link (its target {target} does not exist); fix or remove it"
    if err.errno in {errno.EACCES, errno.EPERM}:
        what = "list the folder" if folder else "read the file"
        return f"cannot {what} (permission denied); check its permissions"
    what = "list the folder" if folder else "read it"
    return f"cannot {what} ({err.strerror or err}); check the path and its permissions"


def display(path: Path) -> str:
    """How an input is named in warnings and in the brief: relative to the working folder
    when inside it; bytes that are not UTF-8 and control characters shown as U+FFFD (a
    name must survive JSON and stay on one line)."""
    absolute = Path(os.path.abspath(path))  # noqa: PTH100 - the link's own name, not its target
    try:
        name = str(absolute.relative_to(Path.cwd()))
    except ValueError:
        name = str(path)
    return printable(name)


def printable(text: str) -> str:
    """`text` with lone surrogates (undecodable bytes of a file name) and control
    characters replaced by U+FFFD."""
    return _UNPRINTABLE.sub("\ufffd", text)
