"""One `briefing daily` at a time per output folder.

Two runs on one folder (a cron run overlapping a manual one) would each read the state,
write their day and write the state back: the last writer wins, and the other run's
articles are forgotten, so the next day reports them as new. So a run holds an exclusive
lock (flock) on OUTPUT_DIR/.state/lock from before it reads the state until it has
recorded its day. A second run waits for it (`lock_wait` seconds), then stops with a
message naming the holder's pid.

The kernel releases a flock when its process ends, however it ends (kill -9 included):
a killed run leaves the file and its dead pid behind, never a held lock, and the next run
takes it at once.
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
import os
import time
from contextlib import contextmanager
from typing import TYPE_CHECKING

from briefing.errors import BriefingError

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

log = logging.getLogger(__name__)

NAME = "lock"
# How often a waiting run looks again.
POLL_SECONDS = 0.1


class FolderBusyError(BriefingError):
    """Another run held the output folder for longer than this one would wait."""


@contextmanager
def folder_lock(state_folder: Path, output_dir: Path, wait: float) -> Iterator[None]:
    """Hold the output folder's lock for the block; wait up to `wait` seconds for it."""
    try:
        state_folder.mkdir(parents=True, exist_ok=True)
        handle = os.open(state_folder / NAME, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as err:
        raise BriefingError(
            f"{state_folder / NAME}: cannot open the lock file ({err.strerror}); make "
            f"{output_dir} writable"
        ) from None
    try:
        _take(handle, output_dir, wait)
        os.ftruncate(handle, 0)
        os.pwrite(handle, f"{os.getpid()}\n".encode(), 0)  # who holds it, for a waiting run
        yield
    finally:
        os.close(handle)  # releases the lock


def _take(handle: int, output_dir: Path, wait: float) -> None:
    deadline = time.monotonic() + wait
    told = False
    while True:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            pass
        else:
            return
        holder = _holder(handle)
        if time.monotonic() >= deadline:
            raise FolderBusyError(
                f"{output_dir}: another briefing daily ({holder}) is writing this folder "
                f"and was still at it after {wait:g} s; run again when it has finished, or "
                "raise lock_wait"
            )
        if not told:
            log.warning(
                "waiting for another briefing daily (%s) to finish with %s", holder, output_dir
            )
            told = True
        time.sleep(POLL_SECONDS)


def _holder(handle: int) -> str:
    with contextlib.suppress(OSError, ValueError):
        pid = int(os.pread(handle, 32, 0).decode().strip())
        return f"pid {pid}"
    return "pid unknown"
