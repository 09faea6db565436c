"""Readings of a day's sources that several steps need, computed once per set of sources.

The grouping and the verifier's story check (briefing/verify/coherence.py) both read the
brief's sources as term vectors and look for copies among them; the brief holds the very
sources that were grouped, so the second reading is the first one again. The key is what
the sources say (ids, titles, links, dates, sentences), not the objects: a brief loaded
from a file, or a copy of a source, is read again only if its text differs.
"""

from __future__ import annotations

import functools
import threading
from collections import OrderedDict
from typing import TYPE_CHECKING, Generic, TypeVar

if TYPE_CHECKING:
    from collections.abc import Callable, Hashable, Sequence

    from briefing.models import Source

T = TypeVar("T")
# The readings of the last few sets of sources: a run reads one day; a daily run, a
# benchmark or a test suite reads several in turn and lets the older ones go.
_KEPT = 2


def content_key(sources: Sequence[Source]) -> tuple[Hashable, ...]:
    """What a reading of `sources` can depend on, as one hashable value."""
    return tuple(
        (s.id, s.title, s.outlet, s.url, s.published, tuple(p.text for p in s.passages))
        for s in sources
    )


class once_per_day(Generic[T]):  # noqa: N801 - used as a decorator, like functools.cache
    """`function` of a day's sources, computed once for the same sources. Its result is
    shared between callers: they must not change it."""

    def __init__(self, function: Callable[[Sequence[Source]], T]) -> None:
        self.function = function
        self.kept: OrderedDict[tuple[Hashable, ...], T] = OrderedDict()
        self.lock = threading.Lock()
        functools.update_wrapper(self, function)

    def __call__(self, sources: Sequence[Source]) -> T:
        key = content_key(sources)
        with self.lock:  # the grouping runs in a worker thread, the verifier in another
            if key in self.kept:
                self.kept.move_to_end(key)
                return self.kept[key]
        result = self.function(sources)
        with self.lock:
            self.kept[key] = result
            if len(self.kept) > _KEPT:
                self.kept.popitem(last=False)
        return result

    def cache_clear(self) -> None:
        """Forget every reading kept (as functools' caches do)."""
        with self.lock:
            self.kept.clear()
