"""What a brief calls a source in running text ("Also reported by ..."): its outlet, else
the site its link points to, else its title, shortened; never the file it was read from,
which says nothing about who published it."""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

if TYPE_CHECKING:
    import tldextract

_TITLE_WORDS = 6  # a title cut to this many words still tells two sources apart


def site_owner(url: str | None) -> str | None:
    """Who a link's site belongs to: its registered domain less the public suffix, so
    www.japantimes.co.jp and japantimes.com are one ('japantimes'), and foo.github.io and
    bar.github.io two (the list's private domains count). A host under no public suffix
    (localhost, an address, example.invalid) is its own owner."""
    host = domain_of(url)
    if host is None:
        return None
    parts = _extract()(host)
    return parts.domain if parts.suffix and parts.domain else host


@cache
def _extract() -> tldextract.TLDExtract:
    import tldextract  # noqa: PLC0415 - loaded when outlets are counted

    # The snapshot of the Public Suffix List shipped in the package: no download at run
    # time (suffix_list_urls=()) and nothing written to a cache folder (cache_dir=None).
    return tldextract.TLDExtract(
        suffix_list_urls=(), cache_dir=None, include_psl_private_domains=True
    )


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
