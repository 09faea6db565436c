"""The day's stories ranked by how many independent outlets *report* each one.

Counting every outlet lets what is not news lead the day: seven search-optimised pages
about a "market report", each from its own domain, outnumber two newsrooms covering the
main event. So an outlet counts for a story only when its article there is a news report
(briefing/reportage.py: it states something of someone, and speaks of third parties, not
to the reader); ties go to the most recent story, then to the grouping's own order.

Before all that, the day's news comes first: a story whose latest article is older than
the day's newest by more than a story spans (`DAYS_APART`, the grouping's own window) is
older news, ranked after every current story (a folder of feeds fetched years apart must
not lead with a 2019 stock alert over the 2024 stories).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from briefing.reportage import is_report
from briefing.stories.clustering import DAYS_APART
from briefing.stories.dates import published_at
from briefing.stories.grouping import independent_outlets

if TYPE_CHECKING:
    from collections.abc import Sequence

    from briefing.models import Source
    from briefing.stories.grouping import StoryGroup


def by_reporting_outlets(
    groups: Sequence[StoryGroup], sources: Sequence[Source]
) -> list[StoryGroup]:
    """`groups` ranked: current before older news, then most outlets reporting first,
    then the most recent (unknown dates last), then in the order given."""
    by_id = {s.id: s for s in sources}
    order = {g.id: k for k, g in enumerate(groups)}
    known = [m.timestamp() for m in map(published_at, sources) if m is not None]
    current_since = max(known, default=0.0) - DAYS_APART * 86_400

    def key(group: StoryGroup) -> tuple[bool, int, bool, float, int]:
        story = [by_id[i] for i in group.source_ids]
        reports = [s for s in story if is_report(s)]
        moments = [m.timestamp() for m in map(published_at, story) if m is not None]
        return (
            bool(moments) and max(moments) < current_since,
            -independent_outlets(reports, group.copies) if reports else 0,
            not moments,
            -max(moments) if moments else 0.0,
            order[group.id],
        )

    return sorted(groups, key=key)
