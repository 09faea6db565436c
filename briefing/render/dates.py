"""A story's dates as a reader reads them: "8 August 2024", "7\u20138 August 2024",
"21 June \u2013 10 July 2019", "undated", "8 August 2024; 2 of 5 sources undated"."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from briefing.models import StoryDates


def dates_label(dates: StoryDates | None, sources: int) -> str:
    """The story's publication days, and how many of its `sources` have none; "" for a
    brief written before stories had dates."""
    if dates is None:
        return ""
    days = _span(dates.first, dates.last)
    if not days:
        return "undated"
    if dates.undated:
        return f"{days}; {dates.undated} of {sources} sources undated"
    return days


def _span(first: str | None, last: str | None) -> str:
    if first is None or last is None:
        return ""
    if len(first) < len("2004-12-01") or len(last) < len("2004-12-01"):  # a month
        return " \u2013 ".join(dict.fromkeys((_month(first), _month(last))))
    start, end = date.fromisoformat(first), date.fromisoformat(last)
    if start == end:
        return _day(end)
    if (start.year, start.month) == (end.year, end.month):
        return f"{start.day}\u2013{_day(end)}"
    if start.year == end.year:
        return f"{start.day} {start:%B} \u2013 {_day(end)}"
    return f"{_day(start)} \u2013 {_day(end)}"


def _month(text: str) -> str:
    return f"{date.fromisoformat(text[:7] + '-01'):%B %Y}"


def _day(day: date) -> str:
    return f"{day.day} {day:%B %Y}"
