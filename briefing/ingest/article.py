"""What every input format is read into, before sentences and ids are assigned."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit


@dataclass(frozen=True)
class Article:
    title: str
    paragraphs: list[str]
    origin: str
    outlet: str | None = None
    url: str | None = None
    published: str | None = None


class UnusableInputError(Exception):
    """Raised by a reader: the message is the reason, including how to fix it."""


def domain_of(url: str | None) -> str | None:
    """The site a link points to, as a fallback outlet name."""
    if not url:
        return None
    host = urlsplit(url).hostname or ""
    return host.removeprefix("www.") or None
