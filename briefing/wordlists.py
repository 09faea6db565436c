"""Tables of words drawn from wordfreq's lists, built once per wordfreq version and kept in
the user's cache folder.

Importing wordfreq (it walks the call stack as it loads) and reading its lists took about
half a second of every run, and its English "large" list alone holds 38 MB once loaded,
for lookups whose answers change only when wordfreq does. A table is built from the
installed wordfreq the first time it is needed and written to `tables/` under the cache
folder (briefing.config.cache_root) as an SQLite file, named by what it holds and by
wordfreq's version, so an upgrade builds it anew. Later runs look their words up in that
file without importing wordfreq or loading the table: a day asks about a few thousand
words of a table of hundreds of thousands. A table that cannot be read is built again;
one that cannot be written is kept in memory.
"""

from __future__ import annotations

import importlib.metadata
import logging
import sqlite3
import threading
import weakref
from typing import TYPE_CHECKING, Protocol

from briefing import config
from briefing.errors import BriefingError
from briefing.output import write_atomically

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

log = logging.getLogger(__name__)


class WordTable(Protocol):
    def get(self, word: str, /) -> float | None:
        """The word's number, None when the table lacks it."""


def table(name: str, build: Callable[[], dict[str, float]]) -> WordTable:
    """The table `name` (a word's number), looked up in the cache folder or made by `build`
    (which uses wordfreq) and stored there. `name` says everything the table depends on
    besides wordfreq's version."""
    path = _path(name)
    if path.exists():
        try:
            return _Stored(path)
        except sqlite3.Error as err:
            log.warning("rebuilding the word table %s (%s)", path, err)
    built = build()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomically(path, _serialized(built))
    except (OSError, BriefingError) as err:
        log.warning("could not keep the word table %s (%s); continuing without it", path, err)
    return built


class _Stored:
    """A table file, opened read-only and as immutable (a table is replaced whole, by a
    rename, never changed in place: SQLite need not lock the file for each lookup, which
    took 20 microseconds a word instead of 7). Lookups may come from several threads (the
    story grouping runs beside the engine)."""

    def __init__(self, path: Path) -> None:
        self._database = sqlite3.connect(
            f"{path.absolute().as_uri()}?mode=ro&immutable=1", uri=True, check_same_thread=False
        )
        weakref.finalize(self, self._database.close)  # a run may drop a table it read
        self._lock = threading.Lock()
        try:
            self._database.execute("SELECT word, number FROM words LIMIT 1").fetchall()
        except sqlite3.Error:
            self._database.close()
            raise

    def get(self, word: str, /) -> float | None:
        with self._lock:
            row = self._database.execute(
                "SELECT number FROM words WHERE word = ?", (word,)
            ).fetchone()
        return None if row is None else float(row[0])


def _path(name: str) -> Path:
    version = importlib.metadata.version("wordfreq")
    return config.cache_root() / "tables" / f"{name}.wordfreq-{version}.sqlite"


def _serialized(words: dict[str, float]) -> bytes:
    database = sqlite3.connect(":memory:")
    try:
        database.execute("CREATE TABLE words (word TEXT PRIMARY KEY, number REAL) WITHOUT ROWID")
        database.executemany("INSERT INTO words VALUES (?, ?)", words.items())
        database.commit()
        return database.serialize()
    finally:
        database.close()
