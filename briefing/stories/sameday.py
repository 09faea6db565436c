"""Readings of a day's sources that several steps need, computed once per set of sources.

The grouping and the verifier's story check (briefing/verify/coherence.py) both read the
brief's sources as term vectors and look for copies among them; the brief holds the very
sources that were grouped, so the second reading is the first one again. The key is what
the sources say (ids, titles, links, dates, sentences), not the objects: a brief loaded
from a file, or a copy of a source, is read again only if its text differs.
"""

from __future__ import annotations

import functools
from collections import OrderedDict
from typing import TYPE_CHECKING, TypeVar

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


def once_per_day(function: Callable[[Sequence[Source]], T]) -> Callable[[Sequence[Source]], T]:
    """`function` of a day's sources, computed once for the same sources. Its result is
    shared between callers: they must not change it."""
    kept: OrderedDict[tuple[Hashable, ...], T] = OrderedDict()

    @functools.wraps(function)
    def reading(sources: Sequence[Source]) -> T:
        key = content_key(sources)
        if key in kept:
            kept.move_to_end(key)
            return kept[key]
        result = function(sources)
        kept[key] = result
        if len(kept) > _KEPT:
            kept.popitem(last=False)
        return result

    return reading
