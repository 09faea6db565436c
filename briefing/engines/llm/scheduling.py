"""The order model calls go out in: at most `size` at a time, and when a slot frees, a
waiting call of a later step (a merge) goes before one of an earlier step (a map). A
story's merge can go as soon as its own sources are summarized, so the merges of stories
done early are not kept behind the day's last map requests, and what is left after the
last map reply is only the merges of the stories it finished."""

from __future__ import annotations

import asyncio
import heapq
import itertools
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import AsyncIterator


class Slots:
    def __init__(self, size: int) -> None:
        self._free = size
        self._waiting: list[tuple[int, int, asyncio.Future[None]]] = []
        self._order = itertools.count()  # first come, first served within a priority

    @asynccontextmanager
    async def take(self, priority: int = 0) -> AsyncIterator[None]:
        """Hold a slot for the block; a lower `priority` number is served first."""
        if self._free > 0 and not self._waiting:
            self._free -= 1
        else:
            turn: asyncio.Future[None] = asyncio.get_running_loop().create_future()
            heapq.heappush(self._waiting, (priority, next(self._order), turn))
            try:
                await turn
            except asyncio.CancelledError:
                if turn.done() and not turn.cancelled():  # given a slot, then cancelled
                    self._release()
                raise
        try:
            yield
        finally:
            self._release()

    def _release(self) -> None:
        """Hand the slot to the first waiting call still waiting, or free it."""
        while self._waiting:
            _, _, turn = heapq.heappop(self._waiting)
            if not turn.done():
                turn.set_result(None)
                return
        self._free += 1
