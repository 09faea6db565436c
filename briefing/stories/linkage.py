"""Average linkage on a sparse similarity graph, without the n x n matrix.

Two groups join when their articles are similar on average over all their pairs, a pair
missing from the graph counting as 0: a group grows only while its new article is like
most of it, not like one member, so one article mentioning two stories does not chain
them into one, and a large group needs ever more of its pairs to be linked. Groups whose
dated articles would span more than `days_apart` days never join (the same people in
another event). The merges are listed once with their heights, so the groups at any cut
are read from them without clustering again (average linkage never inverts: each merge
is at most as high as the one before).
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

    import numpy as np
    from numpy.typing import NDArray


@dataclass(frozen=True)
class Merge:
    height: float  # the average similarity of the two groups' pairs when they joined
    first: int  # an article of each group
    second: int


def average_linkage(
    count: int,
    pairs: tuple[NDArray[np.intp], NDArray[np.intp], NDArray[np.float64]],
    days: Sequence[float | None],
    days_apart: float,
    floor: float,
) -> list[Merge]:
    """The merges down to average similarity `floor`, highest first. `days` holds each
    article's date as a day number (None if unknown)."""
    groups = _Groups(count, days, floor)
    for i, j, value in zip(*(a.tolist() for a in pairs), strict=True):
        groups.link(i, j, value)
    groups.start()
    merges: list[Merge] = []
    while (best := groups.best()) is not None:
        height, a, b = best
        if groups.span(a, b) <= days_apart:
            merges.append(Merge(height, a, b))
            groups.merge(a, b)
    return merges


class _Groups:
    """The groups so far (each named by one of its articles), the summed similarity of
    each linked pair of groups, and a heap of candidate merges; a heap entry is stale
    once either group has changed since it was pushed."""

    def __init__(self, count: int, days: Sequence[float | None], floor: float) -> None:
        self.sums: list[dict[int, float]] = [{} for _ in range(count)]
        self.size = [1] * count
        self.first = list(days)
        self.last = list(days)
        self.version = [0] * count
        self.floor = floor
        self.heap: list[tuple[float, int, int, int, int]] = []

    def link(self, a: int, b: int, value: float) -> None:
        self.sums[a][b] = self.sums[a].get(b, 0.0) + value
        self.sums[b][a] = self.sums[b].get(a, 0.0) + value

    def start(self) -> None:
        for a, linked in enumerate(self.sums):
            for b in linked:
                if a < b:
                    self._push(a, b)

    def _push(self, a: int, b: int) -> None:
        height = self.sums[a][b] / (self.size[a] * self.size[b])
        if height >= self.floor:
            heapq.heappush(self.heap, (-height, a, b, self.version[a], self.version[b]))

    def best(self) -> tuple[float, int, int] | None:
        while self.heap:
            negative, a, b, seen_a, seen_b = heapq.heappop(self.heap)
            if self.version[a] == seen_a and self.version[b] == seen_b:
                return -negative, a, b
        return None

    def span(self, a: int, b: int) -> float:
        """Days between the earliest and latest dated article of the two groups."""
        starts = [d for d in (self.first[a], self.first[b]) if d is not None]
        ends = [d for d in (self.last[a], self.last[b]) if d is not None]
        return max(ends) - min(starts) if starts else 0.0

    def merge(self, a: int, b: int) -> None:
        big, small = (a, b) if len(self.sums[a]) >= len(self.sums[b]) else (b, a)
        for other, value in self.sums[small].items():
            if other != big:
                self.sums[big][other] = self.sums[big].get(other, 0.0) + value
                self.sums[other][big] = self.sums[other].get(big, 0.0) + value
                del self.sums[other][small]
        self.sums[big].pop(small, None)
        self.sums[small] = {}
        self.size[big] += self.size[small]
        self.first[big] = _earliest(self.first[big], self.first[small])
        self.last[big] = _latest(self.last[big], self.last[small])
        self.version[big] += 1
        self.version[small] += 1
        for other in self.sums[big]:
            self._push(min(big, other), max(big, other))


def labels_at(count: int, merges: Sequence[Merge], cut: float) -> list[int]:
    """Each article's group when the merges at or above `cut` are made: the smallest
    article index of its group."""
    joined = []
    for merge in merges:
        if merge.height < cut:
            break
        joined.append((merge.first, merge.second))
    return _roots(count, joined)


def components(count: int, pairs: Iterable[tuple[int, int]]) -> list[list[int]]:
    """The indexes 0..count-1 in groups joined by the pairs, each group in order."""
    groups: dict[int, list[int]] = {}
    for index, root in enumerate(_roots(count, pairs)):
        groups.setdefault(root, []).append(index)
    return list(groups.values())


def _roots(count: int, pairs: Iterable[tuple[int, int]]) -> list[int]:
    """Union-find: each index's group, named by its smallest index."""
    parent = list(range(count))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for first, second in pairs:
        a, b = root(first), root(second)
        parent[max(a, b)] = min(a, b)
    return [root(i) for i in range(count)]


def _earliest(a: float | None, b: float | None) -> float | None:
    return b if a is None else a if b is None else min(a, b)


def _latest(a: float | None, b: float | None) -> float | None:
    return b if a is None else a if b is None else max(a, b)
