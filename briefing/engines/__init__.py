"""Engines turn sources into the content of a brief; the pipeline adds sources and stats."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from briefing.models import EngineInfo, Item, SkippedInput, Source


@dataclass
class Draft:
    """What an engine writes: one list per section (see briefing.sections), keyed by the
    section's name; a section left out is empty. Citations must be passage ids of the
    sources the engine was given."""

    title: str
    engine: EngineInfo
    sections: Mapping[str, Sequence[Item]]
    # Model usage for the run stats (RunStats fields: calls, tokens, cost, dropped
    # citations); an engine without a model leaves it empty.
    usage: dict[str, Any] = field(default_factory=dict)
    # Parts of the sources the engine left out, with the reason (the brief lists them
    # with the skipped inputs), e.g. the numbers of a sentence over a figures limit.
    skipped: list[SkippedInput] = field(default_factory=list)


class Engine(Protocol):
    async def awrite(self, sources: list[Source]) -> Draft: ...
