"""Engines turn sources into the content of a brief; the pipeline adds sources and stats."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from briefing.models import Claim, EngineInfo, KeyFigure, Quote, Source


@dataclass
class Draft:
    """What an engine writes. Citations must be passage ids of the sources it was given."""

    title: str
    engine: EngineInfo
    bottom_line: list[Claim]
    key_developments: list[Claim]
    key_figures: list[KeyFigure]
    unconfirmed: list[Claim]
    quotes: list[Quote]
    what_to_watch: list[Claim] = field(default_factory=list)
    # Usage, for the run stats; an engine without a model leaves these at zero.
    calls: int = 0
    cached_calls: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cached_tokens: int = 0
    cost_usd: float | None = None
    dropped_citations: list[str] = field(default_factory=list)


class Engine(Protocol):
    def write(self, sources: list[Source]) -> Draft: ...
