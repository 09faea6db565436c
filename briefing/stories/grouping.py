"""PLACEHOLDER until the grouping lands: every source in one story."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from briefing.models import Source


@dataclass(frozen=True)
class StoryGroup:
    id: str
    source_ids: tuple[str, ...]
    outlets: int
    copies: Mapping[str, str] = field(default_factory=dict)


def group_stories(sources: Sequence[Source], vectors: Any = None) -> list[StoryGroup]:  # noqa: ANN401, ARG001
    return [one_story(sources)]


def one_story(sources: Sequence[Source]) -> StoryGroup:
    first = sources[0]
    key = first.url or first.title
    digest = hashlib.sha256(key.encode()).hexdigest()[:8]
    outlets = len({s.label() for s in sources})
    return StoryGroup(f"st-{digest}", tuple(s.id for s in sources), outlets)
