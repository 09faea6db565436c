"""Figures grouped by quantity: the same counted thing, the same thing happening to it, and
values close enough to be two reports of one number; with a heading for each group."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from briefing.engines.extractive.figures import CURRENCIES

if TYPE_CHECKING:
    from briefing.engines.extractive.figures import Mention

_FACTOR = 1.6  # values further apart than this are two quantities, not a disagreement


def group(all_mentions: list[Mention]) -> list[list[Mention]]:
    """Mentions that may be one quantity: the same counted thing and the same thing
    happening to it, values in runs each within a factor of 1.6 of the one before, so
    10,000 and 12,000 troops stand together while 40 troops killed is another figure
    altogether. Whether two values of a group are two reports of one number (not two
    values one sentence gives, nor one source without crediting either) is the
    verifier's rule, briefing.verify.synthesis.comparable_parts, which the engine applies
    to each group."""
    by_key: dict[str, list[Mention]] = {}
    for mention in all_mentions:
        by_key.setdefault(mention.key, []).append(mention)
    groups: list[list[Mention]] = []
    for members in by_key.values():
        members.sort(key=lambda m: m.value)
        current = [members[0]]
        for mention in members[1:]:
            if _ratio(mention.value, current[-1].value) <= _FACTOR:
                current.append(mention)
            else:
                groups.append(current)
                current = [mention]
        groups.append(current)
    return groups


def _ratio(a: float, b: float) -> float:
    low, high = sorted((abs(a), abs(b)))
    if low == high:
        return 1.0
    return high / low if low > 0 else math.inf


_UNIT_SUBJECTS = {
    "km": "Distance", "miles": "Distance", "m": "Height or depth", "kg": "Weight",
    "tonnes": "Weight", "tons": "Weight", "degrees": "Temperature",
}  # fmt: skip


def subject(members: list[Mention]) -> str:
    """A short heading for a group: what the figures count, and what happened to it, in
    the sources' own words ('North Korean troops killed', 'Deal ($)')."""
    unit = members[0].unit
    if unit in CURRENCIES:
        thing = max(members, key=lambda m: m.score).thing
        return f"{thing[:1].upper()}{thing[1:]} ({unit})"
    if unit and unit != "%":
        return f"{_UNIT_SUBJECTS.get(unit, 'Measure')} ({unit})"
    event = members[0].event
    if event == "population":
        return "Population"
    # The words most of its sources use ("North Korean troops"), the best-scored first.
    things = [m.thing or m.counts for m in sorted(members, key=lambda m: -m.score)]
    phrase = max(things, key=things.count)
    if event and not phrase.endswith(event):
        phrase = f"{phrase} {event}"
    return phrase[:1].upper() + phrase[1:] + (" (%)" if unit == "%" else "")
