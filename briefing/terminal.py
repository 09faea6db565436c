"""What the command line shows on standard error while a run works: each stage's time
with -v, and a progress bar on a terminal when the run takes a while.

The bar (rich) appears only when standard error is a terminal and the run has lasted
DELAY seconds, so short runs, pipes, cron and CI logs never see it; rich is imported only
then, which keeps `briefing --version` quick. The bar is transient: it is erased when the
run ends, and on Ctrl-C before the process exits (the cursor it hides comes back).
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any, Self, TextIO

from briefing import interrupts
from briefing.render.escape import printable

if TYPE_CHECKING:
    from types import TracebackType

DELAY = 1.0  # seconds before a bar appears


class Terminal:
    """A progress.Reporter for the command line."""

    def __init__(
        self, stream: TextIO, *, verbose: bool = False, bar: bool = False, delay: float = DELAY
    ) -> None:
        self.stream = stream
        self.verbose = verbose
        self.bar = bar
        self.delay = delay
        self._lock = threading.RLock()  # the signal handler may stop the bar mid-update
        self._stages: dict[str, tuple[int | None, int]] = {}  # total, done
        self._tasks: dict[str, Any] = {}
        self._progress: Any = None  # a rich.progress.Progress once shown
        self._timer: threading.Timer | None = None
        self._closed = False
        self._unregister = interrupts.on_interrupt(self.close)

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.close()

    # --- progress.Reporter ---

    def started(self, stage: str, total: int | None) -> None:
        with self._lock:
            self._stages[stage] = (total, 0)
            if self.bar and self._timer is None and not self._closed:
                self._timer = threading.Timer(self.delay, self._show)
                self._timer.daemon = True
                self._timer.start()
            if self._progress is not None:
                self._add_task(stage)

    def advanced(self, stage: str, steps: int) -> None:
        with self._lock:
            total, done = self._stages.get(stage, (None, 0))
            self._stages[stage] = (total, done + steps)
            if stage in self._tasks:
                self._progress.update(
                    self._tasks[stage], advance=steps, count=_count(total, done + steps)
                )

    def finished(self, stage: str, done: int, seconds: float) -> None:
        with self._lock:
            total, _ = self._stages.pop(stage, (None, done))
            task = self._tasks.pop(stage, None)
            if task is not None:
                self._progress.remove_task(task)
            if self.verbose:
                count = f" ({done:,} of {total:,})" if total is not None else ""
                self.line(f"{stage}{count}: {seconds:.2f} s")

    # --- output ---

    def line(self, text: str) -> None:
        """One line of text on the stream, above the bar when it shows."""
        with self._lock:
            shown = printable(text)
            if self._progress is not None:
                self._progress.console.print(shown, markup=False, highlight=False)
            else:
                self.stream.write(shown + "\n")
                self.stream.flush()

    def close(self) -> None:
        with self._lock:
            self._closed = True
            if self._timer is not None:
                self._timer.cancel()
            if self._progress is not None:
                self._progress.stop()
                self._progress = None
                self._tasks.clear()
        self._unregister()

    def _show(self) -> None:
        from rich.console import Console  # noqa: PLC0415 - only when a bar is shown
        from rich.progress import (  # noqa: PLC0415
            BarColumn,
            Progress,
            SpinnerColumn,
            TextColumn,
            TimeElapsedColumn,
        )

        with self._lock:
            if self._closed:
                return
            self._progress = Progress(
                SpinnerColumn(),
                TextColumn("{task.description}"),
                BarColumn(),
                # "1,234/4,000", or nothing for a stage with no count (the engine's)
                TextColumn("{task.fields[count]}"),
                TimeElapsedColumn(),
                console=Console(file=self.stream),
                transient=True,
            )
            for stage in self._stages:
                self._add_task(stage)
            self._progress.start()

    def _add_task(self, stage: str) -> None:
        total, done = self._stages[stage]
        self._tasks[stage] = self._progress.add_task(
            stage, total=total, completed=done, count=_count(total, done)
        )


def _count(total: int | None, done: int) -> str:
    return f"{done:,}/{total:,}" if total is not None else ""
