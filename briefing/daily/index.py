"""The output folder's index of briefs (index.md, index.html): one line per day, newest
first, read from the dated files there; each day's title and bottom line come from its
DATE.json when there is one."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from briefing.daily.writer import ALL_FORMATS, DATED
from briefing.output import write_atomically
from briefing.render import environment
from briefing.templating import render_template

if TYPE_CHECKING:
    from pathlib import Path

DEFAULT_TITLE = "Daily briefs"
# A brief's JSON embeds its sources; one far larger than this is not ours to summarize.
_MAX_JSON_BYTES = 200_000_000


@dataclass(frozen=True)
class Entry:
    """One day's brief as the index and the feed show it."""

    day: str
    formats: tuple[str, ...]
    title: str | None = None
    lead: str | None = None  # the headline of the story the day leads with
    generated_at: datetime | None = None
    bottom_line: tuple[str, ...] = ()
    sources: int | None = None

    def href(self, fmt: str) -> str:
        return f"{self.day}.{fmt}"

    @property
    def name(self) -> str | None:
        """What tells this day from the others: its lead story's headline, else the
        brief's title (the desk's, the same every day)."""
        return self.lead or self.title

    @property
    def page(self) -> str | None:
        """The format a reader opens: the page, else markdown, else JSON."""
        return next((f for f in ("html", "md", "json") if f in self.formats), None)


def entries(output_dir: Path) -> list[Entry]:
    """Every day with a brief in the folder, newest first."""
    found: dict[str, set[str]] = {}
    for path in output_dir.iterdir():
        match = DATED.match(path.name)
        if match and path.is_file():
            found.setdefault(match[1], set()).add(match[2])
    return [
        _entry(output_dir, day, tuple(f for f in ALL_FORMATS if f in formats))
        for day, formats in sorted(found.items(), reverse=True)
    ]


def _entry(output_dir: Path, day: str, formats: tuple[str, ...]) -> Entry:
    if "json" not in formats:
        return Entry(day, formats)
    path = output_dir / f"{day}.json"
    try:
        if path.stat().st_size > _MAX_JSON_BYTES:
            return Entry(day, formats)
        data: Any = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError, RecursionError):
        return Entry(day, formats)  # edited or broken by hand: listed without its details
    if not isinstance(data, dict):
        return Entry(day, formats)
    title = data.get("title")
    lead = _lead(data)
    claims = lead.get("bottom_line")
    headline = lead.get("headline") if lead is not data else None
    stats = data.get("stats")
    sources = stats.get("sources") if isinstance(stats, dict) else None
    return Entry(
        day,
        formats,
        title=title if isinstance(title, str) else None,
        lead=headline if isinstance(headline, str) and headline.strip() else None,
        generated_at=_moment(data.get("generated_at")),
        bottom_line=tuple(
            c["text"]
            for c in (claims if isinstance(claims, list) else [])
            if isinstance(c, dict) and isinstance(c.get("text"), str)
        ),
        sources=sources if isinstance(sources, int) and not isinstance(sources, bool) else None,
    )


def _lead(data: dict[str, Any]) -> dict[str, Any]:
    """The story the day leads with (the overview's first, else the first story); a brief
    written before briefs had stories is its own lead."""
    stories = data.get("stories")
    if not isinstance(stories, list):
        return data
    stories = [s for s in stories if isinstance(s, dict)]
    overview = data.get("overview")
    first = overview[0] if isinstance(overview, list) and overview else None
    return next((s for s in stories if s.get("id") == first), stories[0] if stories else {})


def _moment(value: object) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else None


def write_index(
    output_dir: Path, listed: list[Entry], *, title: str | None, templates: Path | None
) -> list[Path]:
    env = environment(templates)
    written = []
    for name in ("index.md", "index.html"):
        text = render_template(
            env, f"daily/{name}.j2", title=title or DEFAULT_TITLE, entries=listed
        )
        write_atomically(output_dir / name, text)
        written.append(output_dir / name)
    return written
