"""Publication dates to ISO 8601, whatever shape the input gives them in."""

from __future__ import annotations

import time
from datetime import UTC, datetime

from dateutil import parser as dateparser

# dateutil fills what the text leaves out from `default`: two defaults tell whether it had a time.
_NOON = datetime(2000, 1, 15, 12, 34, 56)  # noqa: DTZ001 - a filler, never a real time
_MIDNIGHT = datetime(2000, 1, 1)  # noqa: DTZ001


def iso_date(value: object) -> str | None:  # noqa: PLR0911 - one return per input shape
    """ISO 8601 for a date-like value; None when there is none or it cannot be read."""
    if value is None or value == "":
        return None
    if isinstance(value, time.struct_time):
        return datetime(*value[:6], tzinfo=UTC).isoformat()
    if isinstance(value, datetime):
        return value.isoformat()
    text = str(value).strip()
    try:
        parsed = dateparser.parse(text, default=_NOON)
        probe = dateparser.parse(text, default=_MIDNIGHT)
    except (ValueError, OverflowError):
        return None
    # A bare date stays a date: inventing a time would claim a precision we do not have.
    if parsed.day != probe.day:
        return parsed.strftime("%Y-%m")  # "December 2004": a month, not its first day
    if parsed.time() != probe.time():
        return parsed.date().isoformat()
    return parsed.isoformat()
