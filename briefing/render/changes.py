"""What the templates need to show a daily brief's marks (`briefing daily`): which
stories are shown in full, links to other days' briefs, and the day's tally.

A continuing story is not news again: it is left out of the stories, the overview and the
citation numbers, and listed in one line under "Continuing" with a link to the day it was
new. Links to other days are relative (the dated briefs sit side by side in the output
folder) and made only for a value that is a real date, so a hand-edited brief cannot
turn one into another kind of link.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from briefing.render.escape import escape_markdown

if TYPE_CHECKING:
    from briefing.models import Brief, StoryBase


def shown(brief: Brief) -> list[StoryBase]:
    """The stories shown in full, in the brief's order: all but the continuing ones and
    those set apart."""
    apart = {s.id for s in set_apart(brief)}
    return [s for s in brief.stories if s.status != "continuing" and s.id not in apart]


def set_apart(brief: Brief) -> list[StoryBase]:
    """The stories of a day of several that give nothing to cite (briefing/assemble.py
    sets apart those that report no news): listed in one line each, not numbered, so a
    photo gallery, an app's promotion or a paywall notice does not read as a story."""
    if len(brief.stories) < 2:  # a brief of one story shows it whole
        return []
    return [
        s
        for s in brief.stories
        if s.status != "continuing" and not any(s.items(section) for section in brief.sections)
    ]


def continuing(brief: Brief) -> list[StoryBase]:
    return [s for s in brief.stories if s.status == "continuing"]


def tally(brief: Brief) -> str:
    """'2 new, 1 updated, 3 continuing, 1 no longer reported' (what there is of it)."""
    counts = [
        (sum(s.status == status for s in brief.stories), status)
        for status in ("new", "updated", "continuing")
    ]
    counts.append((len(brief.dropped_stories), "no longer reported"))
    return ", ".join(f"{n} {what}" for n, what in counts if n) or "no stories"


def day_href(day: str | None, fmt: str, story: str | None = None) -> str | None:
    """The relative link to a day's brief in `fmt` (and a story on it, in HTML), or None
    when `day` is not a date."""
    try:
        real = day is not None and dt.date.fromisoformat(day).isoformat() == day
    except ValueError:
        real = False
    if not real:
        return None
    anchor = f"#story-{story}" if story and fmt == "html" else ""
    return f"{day}.{fmt}{anchor}"


def day_link_md(day: str | None, story: str | None = None) -> str:
    """A day as a markdown link to its brief, or as plain text when it is not a date."""
    href = day_href(day, "md", story)
    if href is None:
        return escape_markdown(day or "an earlier brief")
    return f"[{day}]({href})"
