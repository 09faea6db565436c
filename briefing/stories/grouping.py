"""A day's sources grouped into stories, ranked by how many independent outlets report
each: the entry point of this package (`group_stories`)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from scipy.cluster.hierarchy import DisjointSet

from briefing.sites import domain_of, site_owner
from briefing.stories.clustering import story_labels
from briefing.stories.dates import published_at
from briefing.stories.ids import story_ids
from briefing.stories.syndication import copy_pairs, originals
from briefing.verify.words import fold

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    import numpy as np
    from numpy.typing import NDArray

    from briefing.models import Source


@dataclass(frozen=True)
class StoryGroup:
    id: str  # stable across runs and days: see ids.py
    source_ids: tuple[str, ...]  # the story's sources, in input order
    outlets: int  # independent outlets: copies of one wire text count once
    copies: Mapping[str, str] = field(default_factory=dict)  # copy's id -> original's id


def group_stories(
    sources: Sequence[Source], vectors: NDArray[np.floating] | None = None
) -> list[StoryGroup]:
    """Every source in exactly one story, the stories ranked: most independent outlets
    first, then the most recent (latest publication; unknown dates last), then by id.
    `vectors` (one row per source, e.g. embeddings) replace the lexical similarity."""
    if len({s.id for s in sources}) != len(sources):
        raise ValueError("source ids must be unique: the groups name their sources by id")
    pairs = copy_pairs(sources)
    labels = story_labels(sources, vectors, pairs)
    members: defaultdict[int, list[int]] = defaultdict(list)
    for index, label in enumerate(labels):
        members[label].append(index)
    stories = [[sources[i] for i in indexes] for indexes in members.values()]
    copies = originals(sources, pairs)
    groups = [
        StoryGroup(
            id=story_id,
            source_ids=tuple(s.id for s in story),
            outlets=independent_outlets(story, copies),
            copies={s.id: copies[s.id] for s in story if s.id in copies},
        )
        for story_id, story in zip(story_ids(stories), stories, strict=True)
    ]
    latest = {g.id: _latest(story) for g, story in zip(groups, stories, strict=True)}
    return sorted(groups, key=lambda g: (-g.outlets, *latest[g.id], g.id))


def one_story(sources: Sequence[Source]) -> StoryGroup:
    """All the sources as one story, named and counted as `group_stories` would: for a
    run that keeps one story, and for briefs written before stories."""
    copies = originals(sources, copy_pairs(sources))
    (story_id,) = story_ids([sources])
    return StoryGroup(
        id=story_id,
        source_ids=tuple(s.id for s in sources),
        outlets=independent_outlets(sources, copies),
        copies=copies,
    )


def independent_outlets(story: Sequence[Source], copies: Mapping[str, str]) -> int:
    """Outlets in the story, a wire text and its copies counting once. An article whose
    outlet is unknown counts as its own outlet."""
    index = {s.id: i for i, s in enumerate(story)}
    outlets: DisjointSet[int] = DisjointSet(range(len(story)))
    by_outlet: dict[str, int] = {}
    for i, source in enumerate(story):
        name = _outlet(source)
        if name is not None:
            outlets.merge(i, by_outlet.setdefault(name, i))
        original = copies.get(source.id)
        if original in index:
            outlets.merge(i, index[original])
    return len(outlets.subsets())


def _outlet(source: Source) -> str | None:
    """The outlet a source counts as: its outlet's name, or, when it has none but its
    link's site (or the site is all its name says), the site's owner
    (briefing.sites.site_owner), so japantimes.co.jp and japantimes.com are one."""
    site = domain_of(source.url)
    if source.outlet and source.outlet != site:
        return fold(source.outlet).strip() or None
    owner = site_owner(source.url)
    return "site:" + fold(owner) if owner else None


def _latest(story: Sequence[Source]) -> tuple[bool, float]:
    """Sort key putting the most recent story first and undated stories last."""
    moments = [m for m in map(published_at, story) if m is not None]
    return (not moments, -max(moments).timestamp() if moments else 0.0)
