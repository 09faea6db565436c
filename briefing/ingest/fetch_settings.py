"""How URLs are fetched (the API options and `briefing daily` keys), apart from the HTTP
client that fetches them (briefing/ingest/fetch.py), which only a run with URLs imports."""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from briefing import config
from briefing.errors import ConfigError

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path


@dataclass(frozen=True)
class FetchSettings:
    """How URLs are fetched; each field but the waits is an API option (fetch_timeout,
    fetch_retries, http_cache_dir, use_http_cache) and a key of `briefing daily`."""

    # Seconds for one try, from connecting to the last byte: a feed is small, and a
    # server that drips its answer must not hold the day.
    timeout: float = 30.0
    # Tries after the first, on a timeout, a dropped connection, 429 or 5xx.
    retries: int = 2
    # The wait before the first retry (doubling after), unless the server's Retry-After
    # says otherwise; no wait is longer than `max_wait`, whatever the server asks.
    backoff: float = 1.0
    max_wait: float = 30.0
    cache_dir: Path | None = None
    use_cache: bool = True
    sleep: Callable[[float], None] = field(default=time.sleep, repr=False, compare=False)

    @classmethod
    def from_options(
        cls,
        *,
        fetch_timeout: float | None = None,
        fetch_retries: int | None = None,
        http_cache_dir: Path | None = None,
        use_http_cache: bool | None = None,
    ) -> FetchSettings:
        """Settings from API options; None means "not given" (the default)."""
        given: dict[str, Any] = {}
        if fetch_timeout is not None:
            if not _number(fetch_timeout) or not 0 < fetch_timeout <= 3600:
                raise ConfigError(
                    f"fetch_timeout is {fetch_timeout!r}; give seconds from 0 to 3600, e.g. 30"
                )
            given["timeout"] = float(fetch_timeout)
        if fetch_retries is not None:
            if not _number(fetch_retries) or fetch_retries not in range(11):
                raise ConfigError(
                    f"fetch_retries is {fetch_retries!r}; give a whole number from 0 to 10"
                )
            given["retries"] = int(fetch_retries)
        if http_cache_dir is not None:
            given["cache_dir"] = http_cache_dir
        if use_http_cache is not None:
            given["use_cache"] = bool(use_http_cache)
        return cls(**given)

    def cache_directory(self) -> Path:
        return self.cache_dir or config.cache_root() / "http"


FETCH_OPTIONS = ("fetch_timeout", "fetch_retries", "http_cache_dir", "use_http_cache")


def _number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)
