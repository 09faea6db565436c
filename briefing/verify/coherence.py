"""Whether each story's articles share one event: the verifier's story-level check.

Every claim of a story can check out while the story itself should not exist: two
unrelated events grouped together read as one, under one headline and one bottom line.
So the verifier measures the story's articles with the grouping's own text representation
(briefing/stories/vectors.py: rarity-weighted terms of the headline and lede) and asks
whether they hold together better than articles of *different* stories do.

What "unrelated" looks like is read from the brief itself: the similarities of article
pairs that sit in different stories (a high quantile of them, `CHANCE_QUANTILE`). A brief
with too few such pairs (one story, a handful of articles) falls back to `UNRELATED`,
the same quantile measured across the dev clusters and the feed items (see the README).
The story's articles are then joined by average linkage while they are on average closer
than that. A story that ends in more than one part mixes events: its bottom line, and
every claim resting on an article apart from its main event, get a finding naming the
parts.
Syndicated copies share a text and count once; pages that report nothing
(briefing/reportage.py: a paywall notice) are not judged.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from briefing.verify.findings import Finding

if TYPE_CHECKING:
    from collections.abc import Sequence

    from numpy.typing import NDArray

    from briefing.models import Brief, Source

# Pairs of articles from different stories closer than this share of them are rare
# enough to say "these two share something beyond chance".
CHANCE_QUANTILE = 0.95
# Below this many cross-story pairs the brief says too little about chance on its own.
MIN_CROSS_PAIRS = 30
# The CHANCE_QUANTILE of cross-story similarities measured on the 11 dev clusters read as
# one day (0.038) and on the 234 feed items as grouped (README, "Stories that mix events").
UNRELATED = 0.04
_SHOWN = 3  # articles named per part in a finding


@dataclass(frozen=True)
class Parts:
    """A story's articles (source ids) in the parts they fall into: the main part (most
    articles) first."""

    story_id: str
    parts: list[list[str]]
    chance: float  # the similarity unrelated articles reach in this brief
    between: float  # the average similarity of the main part to the rest
    weakest: float | None  # the weakest tie among the main part's articles (None: one)


def story_parts(brief: Brief) -> list[Parts]:
    """Each story of `brief` whose articles fall into more than one event."""
    # The grouping's own representation; imported here because the grouping's terms use
    # this package's words and names (briefing.verify.entities), which load it first.
    from briefing.reportage import background  # noqa: PLC0415
    from briefing.stories.syndication import copy_pairs, originals  # noqa: PLC0415
    from briefing.stories.vectors import term_matrix  # noqa: PLC0415

    sources = brief.sources
    if len(sources) < 2:
        return []
    position = {s.id: i for i, s in enumerate(sources)}
    similarity = term_matrix(sources).cosine()
    story_of = np.full(len(sources), -1)
    for k, story in enumerate(brief.stories):
        for sid in story.source_ids:
            if sid in position:
                story_of[position[sid]] = k
    chance = chance_level(similarity, story_of)
    # Copies share a text; background pages (a paywall notice) report no event at all.
    left_out = set(originals(sources, copy_pairs(sources))) | background(sources)
    found: list[Parts] = []
    for story in brief.stories:
        ids = [sid for sid in story.source_ids if sid in position and sid not in left_out]
        parts = _parts([position[sid] for sid in ids], similarity, chance)
        if len(parts) > 1:
            main = parts[0]
            rest = [i for part in parts[1:] for i in part]
            between = float(similarity[np.ix_(main, rest)].mean())
            ties = similarity[np.ix_(main, main)][np.triu_indices(len(main), k=1)]
            weakest = float(ties.min()) if len(ties) else None
            named = [[sources[i].id for i in part] for part in parts]
            found.append(Parts(story.id, named, chance, between, weakest))
    return found


def chance_level(similarity: NDArray[np.float64], story_of: NDArray[np.int_]) -> float:
    """The similarity that articles of different stories reach (`CHANCE_QUANTILE`), or
    `UNRELATED` when the brief has too few such pairs to say."""
    rows, cols = np.triu_indices(len(story_of), k=1)
    across = (story_of[rows] != story_of[cols]) & (story_of[rows] >= 0) & (story_of[cols] >= 0)
    if int(across.sum()) < MIN_CROSS_PAIRS:
        return UNRELATED
    return float(np.quantile(similarity[rows[across], cols[across]], CHANCE_QUANTILE))


def _parts(members: list[int], similarity: NDArray[np.float64], chance: float) -> list[list[int]]:
    """`members` (row numbers) joined by average linkage while closer than `chance`,
    largest part first (ties: the part holding the earliest row)."""
    if len(members) < 2:
        return [members]
    # The grouping's average linkage over every pair, a negative similarity counting as
    # none; dates play no part here. (Imported here for the reason story_parts says.)
    from briefing.stories.linkage import average_linkage, labels_at  # noqa: PLC0415

    own = np.clip(similarity[np.ix_(members, members)], 0.0, 1.0)
    first, second = np.triu_indices(len(members), k=1)
    pairs = (first, second, own[first, second])
    merges = average_linkage(len(members), pairs, [None] * len(members), math.inf, chance)
    labels = labels_at(len(members), merges, chance)
    parts: dict[int, list[int]] = {}
    for row, label in zip(members, labels, strict=True):
        parts.setdefault(int(label), []).append(row)
    return sorted(parts.values(), key=lambda part: (-len(part), part[0]))


@dataclass(frozen=True)
class Mixed:
    """A story that mixes events: the finding, and the sources apart from its main event."""

    finding: Finding
    apart: frozenset[str]

    def applies(self, section: str, citations: Sequence[str]) -> bool:
        """Whether a claim of the story gets the finding: its bottom line, which speaks for
        the whole story, and every claim that rests on an article apart from the main
        event."""
        return section == "bottom_line" or any(c.split(".", 1)[0] in self.apart for c in citations)


def findings(brief: Brief) -> dict[str, Mixed]:
    """Story id -> what the verifier reports of each story that mixes events."""
    titles = {s.id: s for s in brief.sources}
    return {
        parts.story_id: Mixed(
            _finding(parts, titles), frozenset(i for part in parts.parts[1:] for i in part)
        )
        for parts in story_parts(brief)
    }


def _finding(parts: Parts, sources: dict[str, Source]) -> Finding:
    main, *others = parts.parts
    apart = "; ".join(_named(part, sources) for part in others)
    verb = "shares" if len(others) == 1 and len(others[0]) == 1 else "share"
    alike = f"the others are at least {parts.weakest:.3f} alike and " if parts.weakest else ""
    reason = (
        f"the story's articles do not share one event: {apart} {verb} little with "
        f"{_named(main, sources)} (similarity {parts.between:.3f}, where {alike}articles "
        f"of different stories reach {parts.chance:.3f})"
    )
    return Finding("event", " ".join(i for part in others for i in part), reason, severe=False)


def _named(part: Sequence[str], sources: dict[str, Source]) -> str:
    shown = [f"{sid} \u201c{_short(sources[sid].title)}\u201d" for sid in part[:_SHOWN]]
    more = f" and {len(part) - _SHOWN} more" if len(part) > _SHOWN else ""
    return ", ".join(shown) + more


def _short(title: str, words: int = 8) -> str:
    split = title.split()
    return " ".join(split[:words]) + ("\u2026" if len(split) > words else "")
