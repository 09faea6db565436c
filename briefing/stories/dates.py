"""A source's publication time as a comparable instant, for founding articles and recency."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from briefing.models import Source

_MONTH = re.compile(r"\d{4}-\d{2}")  # what the readers keep of "December 2004"


def published_at(source: Source) -> datetime | None:
    """When the source was published (UTC when it names no zone), or None if unknown."""
    text = (source.published or "").strip()
    if _MONTH.fullmatch(text):
        text += "-01"
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
