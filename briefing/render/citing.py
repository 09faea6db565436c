"""What every format shows alike: the numbers of the citation markers and a story's
outlets (render/__init__.py for markdown, render/html.py for the page)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from briefing.render import changes

if TYPE_CHECKING:
    from briefing.models import Brief, Story, StoryBase

_DAY = re.compile(r"\d{4}-\d{2}-\d{2}(?![0-9])")


def outlets_of(brief: Brief, story: Story) -> list[str]:
    """The outlets of a story's sources that name one or have a link (`Source.label`),
    each once, in source order; the story's other independent outlets (a file with no
    outlet and no link) counted as unnamed, so the list adds up to `story.outlets`."""
    sources = {s.id: s for s in brief.sources}
    named = [sources[i] for i in story.source_ids if sources[i].outlet or sources[i].url]
    labels = list(dict.fromkeys(s.label() for s in named))
    unnamed = story.outlets - len(labels)
    return [*labels, f"{unnamed} unnamed"] if labels and unnamed > 0 else labels


def story_date(brief: Brief, story: StoryBase) -> str | None:
    """The day (YYYY-MM-DD) a story is of: its own `date` when the brief gives one, else
    the latest publication day among its sources that give a date; None when none does."""
    own = getattr(story, "date", None)  # set by briefs that date their stories
    if isinstance(own, str) and _DAY.match(own):
        return own[:10]
    sources = {s.id: s for s in brief.sources}
    days = [
        published[:10]
        for i in story.source_ids
        if i in sources
        and (published := sources[i].published) is not None
        and _DAY.match(published)
    ]
    return max(days, default=None)


def citation_numbers(brief: Brief) -> dict[str, int]:
    """Passage id -> marker number, in order of first citation in the brief (a claim's
    own citations, then the passages that corroborate it; a story's changed figures after
    its sections). Every format numbers alike. Continuing stories are not shown in full,
    so their citations get no number (see render/changes.py)."""
    numbers: dict[str, int] = {}
    located = brief.located()
    for story in changes.shown(brief):
        cited = [at.obj for at in located if at.story is story]
        ids = [
            pid for obj in cited for pid in [*obj.citations, *getattr(obj, "corroborated_by", [])]
        ]
        ids += [pid for change in story.changed_figures for f in change.new for pid in f.citations]
        for pid in ids:
            numbers.setdefault(pid, len(numbers) + 1)
    return numbers
