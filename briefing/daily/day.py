"""The day a brief is for: its date in the configured time zone, and the publication
window its items must fall in."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from briefing import config
from briefing.errors import ConfigError


@dataclass(frozen=True)
class Day:
    date: dt.date
    zone: ZoneInfo
    today: dt.date  # today in `zone`, by config.now() (SOURCE_DATE_EPOCH pins it)

    @classmethod
    def named(cls, text: str | None, timezone: str) -> Day:
        """The day `--date` names (YYYY-MM-DD, checked by the caller), else today in the
        time zone. A day after today is refused: a brief dated tomorrow would stand in
        tomorrow's place, and a dated brief is not rewritten later."""
        zone = ZoneInfo(timezone)
        today = config.now().astimezone(zone).date()
        day = dt.date.fromisoformat(text) if text else today
        if day > today:
            raise ConfigError(
                f"--date {day.isoformat()} is after today ({today.isoformat()} in {timezone}); "
                "give today or an earlier day"
            )
        return cls(day, zone, today)

    @property
    def name(self) -> str:
        return self.date.isoformat()

    @property
    def is_past(self) -> bool:
        return self.date < self.today

    def window(self, length: timedelta) -> tuple[datetime, datetime]:
        """(published_after, published_before): `length` back from now, or from the end of
        the day for a past day, up to the end of the day. So today's brief at 07:00 reads
        the last 36 hours, and a missed day's brief, made later, reads that day's news."""
        end = datetime.combine(self.date + timedelta(days=1), time(), tzinfo=self.zone)
        anchor = min(config.now().astimezone(self.zone), end)
        return anchor - length, end
