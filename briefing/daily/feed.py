"""feed.xml: an Atom feed (RFC 4287) of the folder's briefs, so a reader can subscribe.

Ids are stable: the feed's id is made once (derived from `site_url` when there is one,
else random) and kept in feed.xml, and each entry's id is derived from the feed's id and
the day, so rewriting the feed, a new title or a moved folder never makes a day new again
in a reader.
"""

from __future__ import annotations

import re
import uuid
import xml.etree.ElementTree as ET
from datetime import UTC, datetime, time
from typing import TYPE_CHECKING

from briefing.daily.index import DEFAULT_TITLE
from briefing.output import write_atomically
from briefing.version import __version__

if TYPE_CHECKING:
    from pathlib import Path

    from briefing.daily.index import Entry

ATOM = "http://www.w3.org/2005/Atom"
# A reader polls the feed for what is new; a month of days is plenty to catch up.
MAX_ENTRIES = 31
# Characters XML 1.0 cannot hold at all, escaped or not (a brief's JSON edited by hand
# may carry them): one would make the whole feed unreadable.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_MEDIA_TYPES = {"html": "text/html", "md": "text/markdown", "json": "application/json"}


def write_feed(
    output_dir: Path, listed: list[Entry], *, title: str | None, site_url: str | None
) -> Path:
    path = output_dir / "feed.xml"
    feed_id = existing_id(path) or _new_id(site_url)
    base = site_url or ""
    ET.register_namespace("", ATOM)
    feed = ET.Element(f"{{{ATOM}}}feed")
    _add(feed, "id", feed_id)
    _add(feed, "title", title or DEFAULT_TITLE)
    shown = listed[:MAX_ENTRIES]
    updated = max((_updated(e) for e in shown), default=datetime(1970, 1, 1, tzinfo=UTC))
    _add(feed, "updated", _rfc3339(updated))
    author = _add(feed, "author")
    _add(author, "name", "briefing")
    _add(feed, "generator", "briefing", version=__version__)
    if site_url:
        _add(feed, "link", rel="self", type="application/atom+xml", href=f"{base}feed.xml")
    _add(feed, "link", rel="alternate", type="text/html", href=f"{base}index.html")
    namespace = uuid.uuid5(uuid.NAMESPACE_URL, feed_id)
    for entry in shown:
        item = _add(feed, "entry")
        _add(item, "id", f"urn:uuid:{uuid.uuid5(namespace, entry.day)}")
        _add(item, "title", f"{entry.day}: {entry.name}" if entry.name else entry.day)
        _add(item, "updated", _rfc3339(_updated(entry)))
        for fmt in sorted(entry.formats, key=lambda f: f != entry.page):
            _add(item, "link", rel="alternate", type=_MEDIA_TYPES[fmt], href=base + entry.href(fmt))
        summary = " ".join(entry.bottom_line) or f"The brief of {entry.day}."
        _add(item, "summary", summary, type="text")
    ET.indent(feed)
    write_atomically(path, ET.tostring(feed, encoding="utf-8", xml_declaration=True) + b"\n")
    return path


def existing_id(path: Path) -> str | None:
    """The id of the feed already written there, if it can be read."""
    try:
        found = ET.parse(path).getroot().findtext(f"{{{ATOM}}}id")  # noqa: S314 - our own file
    except (OSError, ET.ParseError):
        return None
    return found.strip() if found and found.strip() else None


def _new_id(site_url: str | None) -> str:
    if site_url:
        return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, site_url + 'feed.xml')}"
    return f"urn:uuid:{uuid.uuid4()}"


def _updated(entry: Entry) -> datetime:
    if entry.generated_at is not None:
        return entry.generated_at
    return datetime.combine(datetime.fromisoformat(entry.day).date(), time(), tzinfo=UTC)


def _rfc3339(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _add(parent: ET.Element, tag: str, text: str | None = None, **attributes: str) -> ET.Element:
    child = ET.SubElement(parent, f"{{{ATOM}}}{tag}", attributes)
    child.text = None if text is None else _NOT_XML.sub("\ufffd", text)
    return child
