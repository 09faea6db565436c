"""The one place that reads the environment."""

from __future__ import annotations

import os
from datetime import UTC, datetime


def now() -> datetime:
    """The run's timestamp; SOURCE_DATE_EPOCH pins it for reproducible output and golden tests."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return datetime.fromtimestamp(int(epoch), tz=UTC)
    return datetime.now(tz=UTC).replace(microsecond=0)


def openai_api_key() -> str | None:
    return os.environ.get("OPENAI_API_KEY") or None
