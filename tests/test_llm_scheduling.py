"""The order model calls go out in (briefing/engines/llm/scheduling.py)."""

from __future__ import annotations

import asyncio

from briefing.engines.llm.scheduling import Slots


def test_a_waiting_merge_goes_before_waiting_maps_and_no_more_than_the_slots_run():
    order: list[str] = []
    running = 0
    most = 0

    async def call(slots: Slots, name: str, priority: int) -> None:
        nonlocal running, most
        async with slots.take(priority):
            running += 1
            most = max(most, running)
            order.append(name)
            await asyncio.sleep(0.01)
            running -= 1

    async def day() -> None:
        slots = Slots(2)
        maps = [asyncio.create_task(call(slots, f"map{n}", 0)) for n in range(5)]
        await asyncio.sleep(0)  # the maps are queued first
        merge = asyncio.create_task(call(slots, "merge", -1))
        await asyncio.gather(*maps, merge)

    asyncio.run(day())
    assert most == 2
    assert order[:2] == ["map0", "map1"]
    assert order[2] == "merge"
    assert order[3:] == ["map2", "map3", "map4"]


def test_a_call_cancelled_while_waiting_or_just_served_gives_its_slot_back():
    async def day() -> list[str]:
        slots = Slots(1)
        done: list[str] = []

        async def call(name: str) -> None:
            async with slots.take():
                await asyncio.sleep(0.01)
                done.append(name)

        first = asyncio.create_task(call("first"))
        await asyncio.sleep(0)
        waiting = asyncio.create_task(call("cancelled"))
        last = asyncio.create_task(call("last"))
        await asyncio.sleep(0)
        waiting.cancel()
        await asyncio.gather(first, waiting, last, return_exceptions=True)
        await asyncio.wait_for(call("after"), 1)  # a slot is free again
        return done

    assert asyncio.run(day()) == ["first", "last", "after"]
