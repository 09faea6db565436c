"""The day's stories ranked by how many independent outlets *report* each one.

Counting every outlet lets what is not news lead the day: seven search-optimised pages
about a "market report", each from its own domain, outnumber two newsrooms covering the
main event. So an outlet counts for a story only when its article there is a news report
(briefing/reportage.py: it states something of someone, and speaks of third parties, not
to the reader); ties go to the most recent story, then to the grouping's own order.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from briefing.reportage import is_report
from briefing.stories.dates import published_at
from briefing.stories.grouping import independent_outlets

if TYPE_CHECKING:
    from collections.abc import Sequence

    from briefing.models import Source
    from briefing.stories.grouping import StoryGroup


def by_reporting_outlets(
    groups: Sequence[StoryGroup], sources: Sequence[Source]
) -> list[StoryGroup]:
    """`groups` ranked: most outlets reporting first, then the most recent (unknown dates
    last), then in the order given."""
    by_id = {s.id: s for s in sources}
    order = {g.id: k for k, g in enumerate(groups)}

    def key(group: StoryGroup) -> tuple[int, bool, float, int]:
        story = [by_id[i] for i in group.source_ids]
        reports = [s for s in story if is_report(s)]
        moments = [m.timestamp() for m in map(published_at, story) if m is not None]
        return (
            -independent_outlets(reports, group.copies) if reports else 0,
            not moments,
            -max(moments) if moments else 0.0,
            order[group.id],
        )

    return sorted(groups, key=key)
