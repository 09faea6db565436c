"""Ctrl-C (SIGINT) and SIGTERM on the command line: one line, exit 128 + the signal's
number (130, 143), no traceback, no half-written output.

A run spends its time in worker threads (reading inputs, the engine) that Python cannot
interrupt, and asyncio waits for them before it lets a KeyboardInterrupt out: a long run
would go on for many seconds after Ctrl-C. So the command line's handler ends the
process at once. Nothing half-written stays behind: outputs and cache entries are
written to a temporary file and renamed (briefing/output.py), and the handler removes
the temporary files being written before it exits; a rename is atomic, so an output is
either complete or not there. Displays that changed the terminal (a progress bar hides
the cursor) are restored first.

Only `briefing.cli.main` installs the handler: the library, and a program that imports
it, keep Python's own KeyboardInterrupt.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable
    from types import FrameType

SIGNALS = (signal.SIGINT, signal.SIGTERM)
NAMES = {signal.SIGINT: "interrupted", signal.SIGTERM: "terminated"}
_cleanups: list[Callable[[], None]] = []


def exit_code(signum: int = signal.SIGINT) -> int:
    """The shell's convention: 128 plus the signal's number (Ctrl-C: 130)."""
    return 128 + signum


def install() -> None:
    for signum in SIGNALS:
        signal.signal(signum, _stop)


def on_interrupt(cleanup: Callable[[], None]) -> Callable[[], None]:
    """Run `cleanup` before the process ends on a signal; returns the function that
    unregisters it."""
    _cleanups.append(cleanup)
    return lambda: _cleanups.remove(cleanup) if cleanup in _cleanups else None


def _stop(signum: int, _frame: FrameType | None) -> None:
    for cleanup in reversed(list(_cleanups)):
        with contextlib.suppress(Exception):  # exiting anyway; the rest must still run
            cleanup()
    output = sys.modules.get("briefing.output")
    if output is not None:
        output.remove_temporaries()
    name = NAMES.get(signal.Signals(signum), "stopped")
    os.write(2, f"error: {name}\n".encode())
    os._exit(exit_code(signum))
