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
    groups = _Groups(count, days, days_apart, floor)
    for i, j, value in zip(*(a.tolist() for a in pairs), strict=True):
        groups.link(i, j, value)
    groups.start()
    merges: list[Merge] = []
    while (best := groups.best()) is not None:
        height, a, b = best
        merges.append(Merge(height, a, b))
        groups.merge(a, b)
    return merges


class _Groups:
    """The groups so far (each named by one of its articles), the summed similarity of
    each linked pair of groups, and each group's best partner in a heap.

    Only a group's best partner is kept (a heap entry is stale once its group has
    changed): when two groups join, the joined group's average with any other group lies
    between the two averages it had (a mean weighted by their sizes), so it cannot beat
    that other group's best unless its best was one of the two; only those groups, and
    the joined one, look again for their best. Each group looks among its linked groups
    (its neighbours in the graph), so a merge costs the neighbours it touches, not a push
    for each of them."""

    def __init__(
        self, count: int, days: Sequence[float | None], days_apart: float, floor: float
    ) -> None:
        self.sums: list[dict[int, float]] = [{} for _ in range(count)]
        self.size = [1] * count
        self.first = list(days)
        self.last = list(days)
        self.days_apart = days_apart
        self.partner: list[int | None] = [None] * count
        self.version = [0] * count
        self.floor = floor
        self.heap: list[tuple[float, int, int, int, int]] = []

    def link(self, a: int, b: int, value: float) -> None:
        self.sums[a][b] = self.sums[a].get(b, 0.0) + value
        self.sums[b][a] = self.sums[b].get(a, 0.0) + value

    def start(self) -> None:
        for group in range(len(self.sums)):
            self._look(group)

    def _look(self, group: int) -> None:
        """Find the group's best partner (highest average at or above the floor, within
        the days allowed; the smallest index on a tie) and queue it."""
        self.version[group] += 1
        size = self.size[group]
        best, partner = self.floor, None
        for other, total in self.sums[group].items():
            height = total / (size * self.size[other])
            if (height > best or (height == best and (partner is None or other < partner))) and (
                self.span(group, other) <= self.days_apart
            ):
                best, partner = height, other
        self.partner[group] = partner
        if partner is not None:
            low, high = min(group, partner), max(group, partner)
            heapq.heappush(self.heap, (-best, low, high, group, self.version[group]))

    def best(self) -> tuple[float, int, int] | None:
        while self.heap:
            negative, a, b, group, seen = heapq.heappop(self.heap)
            if self.version[group] == seen:
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
        self.version[small] += 1  # its entries are stale: it is part of `big` now
        self.partner[small] = None
        self._look(big)
        for other in self.sums[big]:
            if self.partner[other] in (a, b):
                self._look(other)


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
