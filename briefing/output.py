"""Writing results: never a half-written file, never a replaced link or device.

- A regular file (or a new one) is written atomically: a temporary file beside it, synced,
  then renamed over it. A new file gets the permissions the umask gives (0666 less the
  umask), an existing one keeps its own.
- `-o link` where `link` is a symbolic link writes the file the link points to, atomically,
  and the link stays a link.
- Special files (`/dev/stdout`, a FIFO, a terminal, `/dev/null`) are opened and written
  directly, never replaced; so is anything under /dev or /proc (`/dev/stdout` redirected to
  a file appends to it, as the shell set it up).
- Every failure is a one-line BriefingError naming the path and the fix.
- The temporary files being written are known (`remove_temporaries`), so the command
  line's signal handler can remove them before it ends the process (interrupts.py). One
  that a killed process (kill -9, a power cut) left behind is removed by the next run
  that owns its folder (`remove_stale_temporaries`).
"""

from __future__ import annotations

import os
import re
import secrets
import stat
import time
from pathlib import Path
from typing import TYPE_CHECKING

from briefing.errors import BriefingError

if TYPE_CHECKING:
    from collections.abc import Iterable

STDOUT = "-"
# Temporary files being written right now, in any thread; a path is added before the file
# is created and dropped once it is renamed or removed.
_temporaries: set[Path] = set()
# Paths whose files stand for something else (/dev/stdout -> /proc/self/fd/1): never
# renamed over, whatever their type.
_PASSTHROUGH = ("/dev/", "/proc/")
# The name write_atomically gives a temporary file: .NAME.8HEX.tmp beside NAME.
_TEMPORARY = re.compile(r"\..+\.[0-9a-f]{8}\.tmp")


def is_special(path: Path) -> bool:
    """Whether writing to `path` writes to a device, FIFO or stream rather than a file."""
    if os.path.abspath(path).startswith(_PASSTHROUGH):  # noqa: PTH100
        return True
    try:
        return not stat.S_ISREG(path.stat().st_mode)
    except OSError:
        return False  # a new file (or one we cannot reach: writing will say why)


def write_output(path: Path, text: str) -> None:
    """Write `text` (UTF-8) to `path` as described above."""
    try:
        mode = path.stat().st_mode  # follows links
    except FileNotFoundError:
        mode = None  # a new file, or a link to one that does not exist yet
    except OSError as err:
        raise _cannot_write(path, err) from err
    if mode is not None and stat.S_ISDIR(mode):
        raise BriefingError(f"{path}: is a folder; name a file to write, or - for standard output")
    through_device = os.path.abspath(path).startswith(_PASSTHROUGH)  # noqa: PTH100
    if (mode is not None and not stat.S_ISREG(mode)) or through_device:
        _write_directly(path, text, append=mode is not None and stat.S_ISREG(mode))
        return
    target = Path(os.path.realpath(path)) if path.is_symlink() else path
    write_atomically(target, text, shown=path)


def write_atomically(path: Path, text: str | bytes, *, shown: Path | None = None) -> None:
    """Replace (or create) the regular file `path` with `text` (UTF-8) or bytes in one
    rename."""
    shown = shown or path
    directory = path.parent if str(path.parent) else Path()
    try:
        is_folder = directory.is_dir()
    except OSError as err:  # a folder we may not look into: EACCES is not "missing"
        raise _cannot_write(shown, err) from err
    if not is_folder:
        raise _no_folder(shown, directory)
    try:
        existing: int | None = stat.S_IMODE(path.stat().st_mode)
    except OSError:
        existing = None
    if existing is not None and not os.access(path, os.W_OK):
        raise BriefingError(
            f"{shown}: the file is read-only; make it writable or write somewhere else"
        )
    temporary = directory / f".{path.name}.{secrets.token_hex(4)}.tmp"
    _temporaries.add(temporary)
    try:
        _write_temporary(temporary, path, text, existing, shown)
    finally:
        _temporaries.discard(temporary)


def remove_temporaries() -> None:
    """Remove the temporary files being written (the process is about to end)."""
    for temporary in list(_temporaries):
        try:
            temporary.unlink(missing_ok=True)
        except OSError:
            continue


def remove_stale_temporaries(folder: Path, *, older_than: float = 0.0) -> list[Path]:
    """Remove the temporary files write_atomically left in `folder` (not below it) when its
    process was killed mid-write, those last changed over `older_than` seconds ago; the
    ones removed. Only for a folder no other process is writing (or with an age that no
    write takes): a temporary being written is not stale."""
    removed = []
    horizon = time.time() - older_than
    try:
        found = [p for p in folder.iterdir() if _TEMPORARY.fullmatch(p.name)]
    except OSError:
        return []  # no folder yet: nothing was left in it
    for path in found:
        try:
            if path.is_file() and path.stat().st_mtime <= horizon:
                path.unlink()
                removed.append(path)
        except OSError:
            continue  # renamed or removed meanwhile
    return removed


def _write_temporary(
    temporary: Path, path: Path, text: str | bytes, existing: int | None, shown: Path
) -> None:
    try:
        # 0o666 less the umask, as any new file; an existing file's own mode otherwise.
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    except OSError as err:
        raise _cannot_write(shown, err) from err
    try:
        with os.fdopen(fd, "wb") as handle:
            if existing is not None:
                os.fchmod(handle.fileno(), existing)
            handle.write(text.encode("utf-8") if isinstance(text, str) else text)
            handle.flush()
            os.fsync(handle.fileno())
        temporary.replace(path)
    except OSError as err:
        temporary.unlink(missing_ok=True)
        raise _cannot_write(shown, err) from err
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def _write_directly(path: Path, text: str, *, append: bool) -> None:
    flags = os.O_WRONLY | (os.O_APPEND if append else 0)
    try:
        fd = os.open(path, flags)
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
    except OSError as err:
        raise _cannot_write(path, err) from err


def check_writable(path: Path | None) -> None:
    """Before a run pays for anything: the output can be written where it is named (its
    folder exists and may be written in; it is not a folder). Standard output, devices
    and FIFOs are written as they are and not checked here."""
    if path is None or str(path) == STDOUT or os.path.abspath(path).startswith(_PASSTHROUGH):  # noqa: PTH100
        return
    folder = path.parent if str(path.parent) else Path()
    try:
        mode = path.stat().st_mode if path.exists() else None
        folder_exists = folder.is_dir()
    except OSError as err:  # a folder we may not look into: EACCES is not "missing"
        raise _cannot_write(path, err) from err
    if mode is not None and stat.S_ISDIR(mode):
        raise BriefingError(f"{path}: is a folder; name a file to write, or - for standard output")
    if not folder_exists:
        raise _no_folder(path, folder)
    writable = os.access(path, os.W_OK) if mode is not None else os.access(folder, os.W_OK)
    if not writable:
        raise _cannot_write(path, PermissionError(13, "Permission denied"))


def _no_folder(path: Path, folder: Path) -> BriefingError:
    return BriefingError(f"{path}: the folder {folder} does not exist; create it first")


def _cannot_write(path: Path, err: OSError) -> BriefingError:
    reason = err.strerror or type(err).__name__
    return BriefingError(
        f"{path}: cannot write it ({reason}); choose a path you can write to, or - for "
        "standard output"
    )


def refuse_input_as_output(output: Path | None, inputs: Iterable[Path | str]) -> None:
    """Refuse, before anything runs, an output path that is one of the inputs (the same
    file under any name: a link, a relative path), so a run never overwrites what it
    reads (`verify brief.json -o brief.json`)."""
    if output is None or str(output) == STDOUT:
        return
    try:
        if not stat.S_ISREG(output.stat().st_mode):
            return  # a new file cannot be an input; a device is not overwritten
    except OSError:
        return
    for given in inputs:
        try:
            same = str(given) != STDOUT and output.samefile(given)
        except OSError:
            continue  # an input that does not exist is reported by the run itself
        if same:
            raise BriefingError(
                f"{output}: is also an input ({given}); write the output to another file"
            )
