"""Figures grouped by quantity: the same counted thing, the same thing happening to it, and
values close enough to be two reports of one number; with a heading for each group."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from briefing.engines.extractive.figures import CURRENCIES
from briefing.verify.numbers import states_value

if TYPE_CHECKING:
    from collections.abc import Mapping

    from briefing.engines.extractive.figures import Mention

_FACTOR = 1.6  # values further apart than this are two quantities, not a disagreement
_SERIES = 64  # distinct values of one thing beyond which they are a table, not reports


def group(all_mentions: list[Mention], texts: Mapping[str, str]) -> list[list[Mention]]:
    """Mentions that may be one quantity: the same counted thing and the same thing
    happening to it, values within a factor of 1.6, so 10,000 and 12,000 troops stand
    together while 40 troops killed is another figure altogether; and not two values one
    source gives in two sentences, crediting neither to someone else (an article's "$55bn
    for the merged firm" and "$41bn for Sears"). Whether the values of a group are two
    reports of one number is then the verifier's rule (synthesis.comparable_parts, which
    the engine applies to each group): it also parts two values of one sentence and
    judges revisions. `texts`: passage id -> sentence."""
    by_key: dict[str, list[Mention]] = {}
    for mention in all_mentions:
        by_key.setdefault(mention.key, []).append(mention)
    groups: list[list[Mention]] = []
    for members in by_key.values():
        groups += _quantities(members, texts)
    return groups


def _quantities(members: list[Mention], texts: Mapping[str, str]) -> list[list[Mention]]:
    by_value: dict[float, list[Mention]] = {}
    for mention in members:
        by_value.setdefault(mention.value, []).append(mention)
    if len(by_value) > _SERIES:
        return _chains(members)
    # The values most sources give are placed first; each later one joins the closest
    # group it can belong to.
    order = sorted(by_value, key=lambda v: (-len({m.source_id for m in by_value[v]}), v))
    clusters: list[list[float]] = []
    for value in order:
        fits = [
            c
            for c in clusters
            if all(
                _ratio(value, other) <= _FACTOR
                and _compatible(by_value[value], by_value[other], texts)
                for other in c
            )
        ]
        if fits:
            min(fits, key=lambda c: min(_ratio(value, other) for other in c)).append(value)
        else:
            clusters.append([value])
    return [[m for value in sorted(c) for m in by_value[value]] for c in clusters]


def _chains(members: list[Mention]) -> list[list[Mention]]:
    """Values in runs, each within the factor of the one before: a table or a series of
    many values of one thing, which no brief shows as a dispute (the engine drops a group
    of more than a few values). Linear, where sorting out each value's group is not."""
    members = sorted(members, key=lambda m: m.value)
    runs = [[members[0]]]
    for mention in members[1:]:
        if _ratio(mention.value, runs[-1][-1].value) <= _FACTOR:
            runs[-1].append(mention)
        else:
            runs.append([mention])
    return runs


def _ratio(a: float, b: float) -> float:
    low, high = sorted((abs(a), abs(b)))
    if low == high:
        return 1.0
    return high / low if low > 0 else math.inf


def _compatible(one: list[Mention], other: list[Mention], texts: Mapping[str, str]) -> bool:
    """Whether two values can be two reports of one quantity, as far as the sources that
    give both say: yes when such a source credits them to different people ("10,000,
    Seoul said"; "12,000, according to Kyiv") or a sentence of it gives both (a revision,
    "340, up from 300", or not: the verifier tells); no when it just states each in a
    sentence of its own."""
    for source in {m.source_id for m in one} & {m.source_id for m in other}:
        mine = [m for m in one if m.source_id == source]
        theirs = [m for m in other if m.source_id == source]
        credited = [{m.attribution for m in ms if m.attribution} for ms in (mine, theirs)]
        if credited[0] and credited[1] and not credited[0] & credited[1]:
            continue
        both = any(
            states_value(b.value, texts.get(a.passage_id, "")) for a in mine for b in theirs[:1]
        ) or any(
            states_value(a.value, texts.get(b.passage_id, "")) for b in theirs for a in mine[:1]
        )
        if not both:
            return False
    return True


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
