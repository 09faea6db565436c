"""What a brief calls a source in running text ("Also reported by ..."): its outlet, else
the site its link points to, else its title, shortened; never the file it was read from,
which says nothing about who published it."""

from __future__ import annotations

from urllib.parse import urlsplit

_TITLE_WORDS = 6  # a title cut to this many words still tells two sources apart


def domain_of(url: str | None) -> str | None:
    """The site a link points to, as a fallback outlet name."""
    if not url:
        return None
    try:
        host = urlsplit(url).hostname or ""
    except ValueError:  # a malformed link ("http://[::1") names no site
        return None
    return host.removeprefix("www.") or None


def source_label(outlet: str | None, url: str | None, title: str) -> str | None:
    """The outlet, the link's site, or the title in quotation marks (cut after a few
    words); None when the source has none of them."""
    if outlet:
        return outlet
    site = domain_of(url)
    if site:
        return site
    words = title.split()
    if not words:
        return None
    cut = " ".join(words[:_TITLE_WORDS]) + ("…" if len(words) > _TITLE_WORDS else "")
    return f"“{cut}”"
