"""The publication window: a day's brief reads what was published within it. An article
is left out only when its date surely falls outside (a bare date or a month counts as
the whole day or month); one with no date, or a date we cannot read, is kept."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import MAXYEAR, MINYEAR, UTC, date, datetime, time, timedelta, tzinfo
from typing import TYPE_CHECKING

from briefing.errors import ConfigError

if TYPE_CHECKING:
    from briefing.ingest.article import Article

Problems = list[tuple[str, str]]


@dataclass(frozen=True)
class PublishedWindow:
    """Articles published from `after` up to (not including) `before`; both aware."""

    after: datetime
    before: datetime

    @classmethod
    def from_options(
        cls, published_after: datetime | None = None, published_before: datetime | None = None
    ) -> PublishedWindow | None:
        """The API options published_after and published_before (aware datetimes; either
        may be None, meaning open on that side); None when neither is given."""
        if published_after is None and published_before is None:
            return None
        for name, value in (
            ("published_after", published_after),
            ("published_before", published_before),
        ):
            if value is not None and (not isinstance(value, datetime) or value.tzinfo is None):
                raise ConfigError(
                    f"{name} is {value!r}; give a datetime with a time zone, e.g. "
                    "datetime(2026, 11, 18, tzinfo=UTC)"
                )
        after = published_after or datetime.min.replace(tzinfo=UTC)
        before = published_before or datetime.max.replace(tzinfo=UTC)
        if after >= before:
            raise ConfigError(
                f"published_after ({after.isoformat()}) is not before published_before "
                f"({before.isoformat()}); swap them or widen the window"
            )
        return cls(after, before)

    def admits(self, published: str | None) -> bool:
        span = _span(published, self.after.tzinfo or UTC)
        if span is None:
            return True
        start, end = span  # a day or month ends at `end`; an instant is its own end
        return (start >= self.after or end > self.after) and start < self.before

    def split(self, articles: list[Article], label: str) -> tuple[list[Article], Problems]:
        """The articles of one input inside the window, and one note naming how many were
        left out (so a feed of 40 old items is one line in the brief, not 40)."""
        kept = [a for a in articles if self.admits(a.published)]
        outside = len(articles) - len(kept)
        if not outside:
            return kept, []
        items = "item" if outside == 1 else "items"
        reason = (
            f"published outside the window ({_when(self.after)} to {_when(self.before)}), so "
            "left out of this brief; widen the window to include them"
        )
        return kept, [(f"{label} ({outside} {items} outside the window)", reason)]


def _span(published: str | None, zone: tzinfo) -> tuple[datetime, datetime] | None:
    """The instants `published` may mean: a time is one instant, a date its whole day, a
    month its whole month (read in `zone` when the text has no offset)."""
    if not published:
        return None
    try:
        if len(published) == 7:  # "2026-11", as iso_date writes a month
            year, month = int(published[:4]), int(published[5:])
            first = datetime(year, month, 1, tzinfo=zone)
            days = calendar.monthrange(year, month)[1]
            return first, first + timedelta(days=days)
        if len(published) == 10:
            day = datetime.combine(date.fromisoformat(published), time(), tzinfo=zone)
            return day, day + timedelta(days=1)
        moment = datetime.fromisoformat(published)
    except (ValueError, OverflowError):
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=zone)
    return moment, moment


def _when(moment: datetime) -> str:
    if moment.year in {MINYEAR, MAXYEAR}:
        return "any time"
    return moment.strftime("%Y-%m-%d %H:%M %Z").strip()
