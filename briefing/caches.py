"""How big the on-disk caches may grow, and pruning them (`briefing cache info|prune`).

Two caches live under the user's cache folder (briefing.config.cache_root): `responses/`,
the model replies (llm/cache.py), and `http/`, the bodies and validators of fetched URLs
(ingest/http_cache.py). Both are content-addressed folders of small files, so an entry
can go at any time: the next run asks again (a model call, a full fetch) instead.

An entry is a file's stem: a model reply is one `KEY.json`; a fetched URL is `KEY.json`
and `KEY.body`, removed together. An entry's age is the time since it was last written
or used (a cache hit touches it), so what a daily job uses stays and what it stopped
using goes. Limits: an entry unused for longer than its cache's `max_days` is removed,
then the least recently used ones until the cache is under `max_mb`; a temporary file
that a run killed mid-write left behind, after a day. A run that used a
cache prunes it at most once a day (the `.pruned` file's time), so a daily cron job's
caches stay bounded without a step of their own.
"""

from __future__ import annotations

import contextlib
import logging
import os
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

from briefing import config
from briefing.output import remove_stale_temporaries

if TYPE_CHECKING:
    from pathlib import Path

log = logging.getLogger(__name__)

DAY = 86_400.0
# Defaults a daily cron job can live with for years: a day's replies are a few hundred
# kB, a feed's body well under a MB; anything unused for a quarter (replies) or a month
# (URLs: a feed not fetched for a month has left the config) is not coming back.
LIMITS_MB = {"responses": 500.0, "http": 200.0}
LIMITS_DAYS = {"responses": 90.0, "http": 30.0}
_PRUNED = ".pruned"
_PRUNE_EVERY = DAY


@dataclass(frozen=True)
class Entry:
    stem: Path  # the entry's files without their suffix
    files: tuple[Path, ...]
    size: int
    used: float  # the latest modification time of its files


@dataclass(frozen=True)
class Usage:
    name: str
    folder: Path
    entries: int
    size: int
    oldest: float | None
    newest: float | None


@dataclass(frozen=True)
class Pruned:
    name: str
    removed: int
    freed: int
    left: int
    size: int


def folders() -> dict[str, Path]:
    root = config.cache_root()
    return {name: root / name for name in LIMITS_MB}


def touch(path: Path) -> None:
    """Mark a cache entry used now (a hit): pruning removes the least recently used."""
    with contextlib.suppress(OSError):
        os.utime(path)


def entries(folder: Path) -> list[Entry]:
    grouped: dict[Path, list[tuple[Path, os.stat_result]]] = {}
    if not folder.is_dir():
        return []
    for root, _, names in os.walk(folder):
        for name in names:
            if name.startswith("."):  # .pruned, and temporaries being written
                continue
            path = folder.joinpath(root, name)
            try:
                info = path.stat()
            except OSError:
                continue  # removed meanwhile
            grouped.setdefault(path.with_suffix(""), []).append((path, info))
    return [
        Entry(
            stem,
            tuple(p for p, _ in files),
            sum(i.st_size for _, i in files),
            max(i.st_mtime for _, i in files),
        )
        for stem, files in grouped.items()
    ]


def usage(name: str, folder: Path) -> Usage:
    found = entries(folder)
    times = [e.used for e in found]
    return Usage(
        name,
        folder,
        len(found),
        sum(e.size for e in found),
        min(times, default=None),
        max(times, default=None),
    )


def prune(
    name: str,
    folder: Path,
    *,
    max_mb: float | None = None,
    max_days: float | None = None,
    now: float | None = None,
) -> Pruned:
    """Remove the entries unused for over `max_days`, then the least recently used until
    the folder holds at most `max_mb` (each defaulting to the cache's limit)."""
    limit_bytes = (LIMITS_MB[name] if max_mb is None else max_mb) * 1_000_000
    horizon = (time.time() if now is None else now) - DAY * (
        LIMITS_DAYS[name] if max_days is None else max_days
    )
    # A temporary a killed run left mid-write: no write takes a day, so one that old is.
    for root, _, _ in os.walk(folder):
        remove_stale_temporaries(folder.joinpath(root), older_than=DAY)
    found = sorted(entries(folder), key=lambda e: e.used)
    size = sum(e.size for e in found)
    removed = freed = 0
    for entry in found:
        if entry.used >= horizon and size <= limit_bytes:
            break  # the rest are newer and the folder is small enough
        for path in entry.files:
            with contextlib.suppress(FileNotFoundError):
                path.unlink()
        size -= entry.size
        freed += entry.size
        removed += 1
    _mark_pruned(folder)
    return Pruned(name, removed, freed, len(found) - removed, size)


def prune_if_due(name: str, folder: Path) -> None:
    """After a run that used the cache: prune it by its default limits, once a day at
    most; a failure only warns (a cache is never worth a failed run)."""
    try:
        last = (folder / _PRUNED).stat().st_mtime
    except FileNotFoundError:
        last = 0.0
    except OSError:
        return
    if time.time() - last < _PRUNE_EVERY:
        return
    try:
        prune(name, folder)
    except OSError as err:
        log.warning("could not prune the %s cache in %s (%s)", name, folder, err)


def _mark_pruned(folder: Path) -> None:
    if folder.is_dir():
        (folder / _PRUNED).touch()
