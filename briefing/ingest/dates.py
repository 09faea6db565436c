"""Publication dates to ISO 8601, whatever shape the input gives them in."""

from __future__ import annotations

import time
from datetime import UTC, datetime

from dateutil import parser as dateparser


def iso_date(value: object) -> str | None:
    """ISO 8601 for a date-like value; None when there is none or it cannot be read."""
    if value is None or value == "":
        return None
    if isinstance(value, time.struct_time):
        return datetime(*value[:6], tzinfo=UTC).isoformat()
    if isinstance(value, datetime):
        return value.isoformat()
    text = str(value).strip()
    try:
        parsed = dateparser.parse(text)
    except (ValueError, OverflowError):
        parsed = None
    if parsed is None:
        return None
    # A bare date stays a date: inventing midnight would claim a precision we do not have.
    if len(text) <= 10 and parsed.hour == parsed.minute == parsed.second == 0:
        return parsed.date().isoformat()
    return parsed.isoformat()
