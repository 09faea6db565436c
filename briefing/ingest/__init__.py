"""Inputs to articles: expand paths, fetch URLs, pick a reader per input, collect what was
skipped.

Every input is isolated: whatever goes wrong while reading or fetching one (a reader's
refusal, an OS or network error, a parser's recursion or memory limit, a bug) skips that
input with a reason and the run goes on with the rest."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from briefing.ingest.article import Article
from briefing.ingest.fetch_settings import FetchSettings
from briefing.ingest.files import display, failure_reason, read_stdin
from briefing.ingest.limits import InputLimits
from briefing.ingest.paths import expand
from briefing.ingest.readers import Problems, read_data, read_file
from briefing.ingest.urls import is_url, read_urls
from briefing.ingest.window import PublishedWindow
from briefing.models import SkippedInput
from briefing.progress import counted

if TYPE_CHECKING:
    from collections.abc import Callable

__all__ = [
    "Article",
    "FetchSettings",
    "Ingested",
    "InputLimits",
    "PublishedWindow",
    "ingest",
    "is_url",
    "read_file",
]


@dataclass
class Ingested:
    articles: list[Article] = field(default_factory=list)
    skipped: list[SkippedInput] = field(default_factory=list)
    files: int = 0

    def add(self, label: str, read: tuple[list[Article], Problems] | Exception) -> None:
        """One input's articles and what was left out of them, or why it was skipped."""
        if isinstance(read, Exception):
            self.skipped.append(SkippedInput(path=label, reason=failure_reason(read)))
            return
        articles, problems = read
        self.articles.extend(articles)
        self.skipped.extend(SkippedInput(path=p, reason=r) for p, r in problems)


STDIN = "-"  # an input argument that means: one article (or feed, or records) on stdin


def ingest(
    args: list[str],
    limits: InputLimits | None = None,
    *,
    fetch: FetchSettings | None = None,
    window: PublishedWindow | None = None,
) -> Ingested:
    """Articles from `args` (paths, folders, globs, http(s) URLs, "-" for stdin): stdin
    first, then files sorted by path, then URLs in the order given. With `window`, articles
    published outside it are left out (one note per input)."""
    limits = limits or InputLimits()
    result = Ingested()
    reads: list[tuple[str, tuple[list[Article], Problems] | Exception]] = []
    if STDIN in args:
        result.files += 1
        reads.append(("stdin", _attempt(lambda: read_data(
            read_stdin(limits.max_input_bytes), "stdin", "", limits
        ))))  # fmt: skip
    paths = expand([a for a in args if a != STDIN and not is_url(a)])
    for entry in counted("reading inputs", paths):
        label = display(entry.path)
        if entry.problem is not None:
            result.skipped.append(SkippedInput(path=label, reason=entry.problem))
            continue
        result.files += 1
        reads.append((label, _attempt(lambda: read_file(entry.path, label, limits))))  # noqa: B023 - called at once
    fetched = read_urls([a for a in args if is_url(a)], limits, fetch or FetchSettings())
    result.files += len(fetched)
    reads.extend(fetched)
    for label, read in reads:
        if window is not None and not isinstance(read, Exception):
            kept, outside = window.split(read[0], label)
            read = (kept, read[1])  # noqa: PLW2901 - the same input, filtered
            result.add(label, read)
            result.skipped.extend(SkippedInput(path=p, reason=r, routine=True) for p, r in outside)
            continue
        result.add(label, read)
    return result


def _attempt(
    reader: Callable[[], tuple[list[Article], Problems]],
) -> tuple[list[Article], Problems] | Exception:
    try:
        return reader()
    except Exception as err:  # noqa: BLE001 - one input's failure must not end the run
        return err
