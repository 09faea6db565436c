"""Tables of words drawn from wordfreq's lists, built once per wordfreq version and kept in
the user's cache folder.

Importing wordfreq (it walks the call stack as it loads) and reading its lists took about
half a second of every run, and its English "large" list alone holds 40 MB once loaded,
for a few lookups whose answers change only when wordfreq does. A table is built from the
installed wordfreq the first time it is needed and written to `tables/` under the cache
folder (briefing.config.cache_root), named by what it holds and by wordfreq's version, so
an upgrade builds it anew; later runs read it in a few hundredths of a second without
importing wordfreq. A table that cannot be read is built again; one that cannot be
written is still used, from memory.
"""

from __future__ import annotations

import importlib.metadata
import json
import logging
from typing import TYPE_CHECKING

from briefing import config
from briefing.errors import BriefingError
from briefing.output import write_atomically

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

log = logging.getLogger(__name__)


def table(name: str, build: Callable[[], dict[str, float]]) -> dict[str, float]:
    """The table `name` (a word's number), read from the cache folder or made by `build`
    (which uses wordfreq) and stored there. `name` says everything the table depends on
    besides wordfreq's version."""
    path = _path(name)
    try:
        return _decoded(json.loads(path.read_text(encoding="utf-8")))
    except FileNotFoundError:
        pass
    except (OSError, UnicodeDecodeError, ValueError) as err:
        log.warning("rebuilding the word table %s (%s)", path, err)
    built = build()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomically(path, _encoded(built))
    except (OSError, BriefingError) as err:
        log.warning("could not keep the word table %s (%s); continuing without it", path, err)
    return built


def _path(name: str) -> Path:
    version = importlib.metadata.version("wordfreq")
    return config.cache_root() / "tables" / f"{name}.wordfreq-{version}.json"


def _encoded(words: dict[str, float]) -> str:
    # wordfreq's numbers come in a few hundred steps: the words of each number stored
    # together read several times faster than one pair per word.
    grouped: dict[float, list[str]] = {}
    for word, number in words.items():
        grouped.setdefault(number, []).append(word)
    return json.dumps(list(grouped.items()), ensure_ascii=False, separators=(",", ":"))


def _decoded(stored: object) -> dict[str, float]:
    if not isinstance(stored, list):
        raise ValueError("not a list of numbers and their words")  # noqa: TRY004 - a bad file, not a bad call
    words: dict[str, float] = {}
    for entry in stored:
        match entry:
            case [float() | int() as number, list() as group] if all(
                isinstance(w, str) for w in group
            ):
                words.update(dict.fromkeys(group, float(number)))
            case _:
                raise ValueError(f"not a number and its words: {str(entry)[:60]}")
    return words
