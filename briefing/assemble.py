"""An engine's drafts (one per story), the story groups, the sources and the run's numbers
as one validated Brief: claim ids numbered across the brief, stories ranked as grouped,
the overview, the title and the run stats.

On a day of several stories, a story that gives nothing to cite, or all of whose sources
are notices (briefing/reportage.py: a paywall or login page, a search alert's snippet cut
short), is set apart: it keeps no claims, follows the summarised stories, and is
neither in the overview nor in the title; every format lists it in one line with its
links (briefing/render/changes.py), so the reader sees what was left out and why."""

from __future__ import annotations

from datetime import UTC
from itertools import count
from typing import TYPE_CHECKING, Any

from briefing import config
from briefing.consistency import consistent
from briefing.models import Brief, Claim, RunReport, RunStats, StoryDates
from briefing.reportage import is_notice
from briefing.stories.dates import published_at

if TYPE_CHECKING:
    from collections.abc import Iterator, Sequence

    from briefing.engines import Draft
    from briefing.models import Item, SkippedInput, Source
    from briefing.stories.grouping import StoryGroup

# The overview lists at most this many stories; the rest follow it in the brief.
OVERVIEW_STORIES = 10
# Run stats the drafts add up (the rest are lists, or a cost that may be unknown).
_COUNTERS = ("calls", "cached_calls", "prompt_tokens", "completion_tokens", "cached_tokens")


def brief_from_drafts(  # noqa: PLR0913 - the run's facts, each named at the call site
    drafts: Sequence[Draft],
    groups: Sequence[StoryGroup],
    sources: list[Source],
    *,
    skipped: list[SkippedInput] | None = None,
    files: int | None = None,
    seconds: float = 0.0,
    title: str | None = None,
) -> Brief:
    """One story per (draft, group), in the groups' (ranked) order. Validation checks that
    every citation resolves to an embedded passage and every source is in one story. The
    run's time and model usage go with the brief as its `run`, not into its JSON."""
    skipped = [*(skipped or []), *(s for d in drafts for s in d.skipped)]
    usage = _usage(drafts)
    stats = RunStats(
        inputs=len(sources) if files is None else files,
        sources=len(sources),
        passages=sum(len(s.passages) for s in sources),
        skipped=len(skipped),
        dropped_citations=usage.pop("dropped_citations", []),
    )
    claim_ids = _ClaimIds()
    by_id = {s.id: s for s in sources}
    several = len(groups) > 1
    written: list[tuple[StoryGroup, Draft, dict[str, list[Item]]]] = []
    for draft, group in zip(drafts, groups, strict=True):
        sections = {s.name: list(draft.sections.get(s.name, [])) for s in Brief.sections}
        if several and all(is_notice(by_id[i]) for i in group.source_ids):
            sections = {name: [] for name in sections}
        written.append((group, draft, sections))
    # Stable: the summarised stories keep their rank, the set-apart ones theirs after.
    written.sort(key=lambda story: not any(story[2].values()))
    stories = [
        {
            "id": group.id,
            "headline": draft.title,
            "source_ids": list(group.source_ids),
            "outlets": group.outlets,
            "dates": story_dates([by_id[i] for i in group.source_ids]),
            # Claim ids in reading order.
            **{name: claim_ids.renumber(items) for name, items in sections.items()},
        }
        for group, draft, sections in written
    ]
    summarised = [
        story
        for story, (_, _, sections) in zip(stories, written, strict=True)
        if any(sections.values())
    ] or stories
    brief = Brief.model_validate(
        {
            "title": title or day_title([str(s["headline"]) for s in summarised], len(summarised)),
            "generated_at": config.now(),
            "engine": drafts[0].engine,
            "overview": [s["id"] for s in summarised[:OVERVIEW_STORIES]]
            if len(stories) > 1
            else [],
            "stories": stories,
            "sources": sources,
            "skipped_inputs": skipped,
            "stats": stats,
        }
    )
    return consistent(brief).with_run(RunReport(seconds=seconds, **usage))


class _ClaimIds:
    """Claim ids unique across the brief: B1, B2... for bottom lines, C1, C2... for the
    rest, numbered in reading order (each engine numbers its story from 1)."""

    def __init__(self) -> None:
        self.bottom: Iterator[int] = count(1)
        self.other: Iterator[int] = count(1)

    def renumber(self, items: Sequence[Item]) -> list[Item]:
        return [
            item.model_copy(update={"id": self._next(item.id)}) if isinstance(item, Claim) else item
            for item in items
        ]

    def _next(self, old: str) -> str:
        return f"B{next(self.bottom)}" if old.startswith("B") else f"C{next(self.other)}"


def story_dates(story: Sequence[Source]) -> StoryDates:
    """The days a story's sources were published (in UTC when they name a time zone; a
    source dated by its month alone, "2004-12", keeps that), and how many have none."""
    days = sorted(day for day in map(_day, story) if day)
    return StoryDates(
        first=days[0] if days else None,
        last=days[-1] if days else None,
        undated=len(story) - len(days),
    )


def _day(source: Source) -> str | None:
    moment = published_at(source)
    if moment is None:
        return None
    given = (source.published or "").strip()
    return given if len(given) == len("2004-12") else moment.astimezone(UTC).date().isoformat()


def day_title(headlines: Sequence[str], total: int) -> str:
    """A brief's title from the headlines of the stories it may lead with (ranked) among
    its `total` stories."""
    if not headlines:
        return f"Nothing new: {total} continuing stor{'y' if total == 1 else 'ies'}"
    if total == 1:
        return headlines[0]
    return f"{total} stories, led by: {headlines[0]}"


def _usage(drafts: Sequence[Draft]) -> dict[str, Any]:
    """The drafts' model usage added up; a cost only when every draft that used a model
    could price its calls."""
    usages = [d.usage for d in drafts if d.usage]
    if not usages:
        return {}
    total: dict[str, Any] = {k: sum(u.get(k, 0) for u in usages) for k in _COUNTERS}
    # A draft that priced nothing (a later story's, which only lists dropped citations)
    # leaves the cost known.
    costs = [u["cost_usd"] for u in usages if "cost_usd" in u]
    total["cost_usd"] = None if any(c is None for c in costs) else sum(costs)
    total["dropped_citations"] = [c for u in usages for c in u.get("dropped_citations", [])]
    return total
