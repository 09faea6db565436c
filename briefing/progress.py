"""How far a run has got: the pipeline names its stages and counts their items, and
whoever asked (the command line's -v timings and progress bar) is told.

The library shows nothing unless a reporter is set with `reporting(...)`; the reporter
is a context variable, so it reaches the worker threads asyncio starts for a run
(`asyncio.to_thread` copies the context) and concurrent runs do not share one.
"""

from __future__ import annotations

import time
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TYPE_CHECKING, Protocol, TypeVar

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator, Sequence

T = TypeVar("T")


class Reporter(Protocol):
    def started(self, stage: str, total: int | None) -> None: ...

    def advanced(self, stage: str, steps: int) -> None: ...

    def finished(self, stage: str, done: int, seconds: float) -> None: ...


_reporter: ContextVar[Reporter | None] = ContextVar("briefing_progress", default=None)


@contextmanager
def reporting(reporter: Reporter | None) -> Iterator[None]:
    """Tell `reporter` about the stages run inside this block."""
    token = _reporter.set(reporter)
    try:
        yield
    finally:
        _reporter.reset(token)


@contextmanager
def stage(name: str, total: int | None = None) -> Iterator[Callable[[], None]]:
    """A stage of the run, of `total` items when it has a count: the block calls the
    function it gets once per item done."""
    reporter = _reporter.get()
    if reporter is None:
        yield _nothing
        return
    done = 0

    def advance() -> None:
        nonlocal done
        done += 1
        reporter.advanced(name, 1)

    started = time.perf_counter()
    reporter.started(name, total)
    try:
        yield advance
    finally:
        reporter.finished(name, done, time.perf_counter() - started)


def counted(name: str, items: Sequence[T]) -> Iterator[T]:
    """`items`, as a stage of that many: each counts as done when the loop asks for the
    next (so a loop over them reports its progress without changing its body)."""
    with stage(name, len(items)) as advance:
        for item in items:
            yield item
            advance()


def _nothing() -> None:
    return None
