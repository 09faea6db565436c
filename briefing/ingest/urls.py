"""URL inputs: which arguments are URLs, how a URL is named in the brief, and its fetched
bytes through the same readers as a file's (the format from Content-Type and bytes)."""

from __future__ import annotations

import dataclasses
import re
from posixpath import splitext
from typing import TYPE_CHECKING
from urllib.parse import urlsplit, urlunsplit

from briefing.ingest.article import Article, UnusableInputError, domain_of
from briefing.ingest.files import printable
from briefing.ingest.readers import Problems, kind_of_response, read_kind

if TYPE_CHECKING:
    from briefing.ingest.fetch import Fetched
    from briefing.ingest.fetch_settings import FetchSettings
    from briefing.ingest.limits import InputLimits

_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")
FETCHED_SCHEMES = ("http", "https")

# A URL's articles and what was left out of them, or the error that skips it.
Outcome = tuple[list[Article], Problems] | Exception


def is_url(arg: str) -> bool:
    """Whether an input argument is a URL (`scheme://...`) rather than a path."""
    return bool(_SCHEME.match(arg))


def url_label(url: str) -> str:
    """How the brief names a URL input: as given, less any user name and password (a
    brief is shared; `https://user:secret@host/feed` must not put the secret in it)."""
    parts = urlsplit(url)
    host = parts.netloc.rpartition("@")[2]
    return printable(urlunsplit(parts._replace(netloc=host)))


def read_urls(
    urls: list[str], limits: InputLimits, settings: FetchSettings
) -> list[tuple[str, Outcome]]:
    """Each URL's articles and problems, or the error that skips it, in the order given
    (a URL given twice is read once)."""
    unique = list(dict.fromkeys(urls))
    wanted = [u for u in unique if urlsplit(u).scheme.lower() in FETCHED_SCHEMES]
    fetched: dict[str, Fetched | Exception] = {}
    if wanted:
        # The HTTP client (httpx, httpcore) loads only for a run that fetches.
        from briefing.ingest.fetch import fetch_all  # noqa: PLC0415

        fetched = dict(
            zip(wanted, fetch_all(wanted, limits.max_input_bytes, settings), strict=True)
        )
    results: list[tuple[str, Outcome]] = []
    for url in unique:
        label = url_label(url)
        outcome = fetched.get(url)
        if outcome is None:
            scheme = urlsplit(url).scheme
            refusal = UnusableInputError(
                f"a {scheme}: URL; only http and https URLs are fetched: download it and "
                "pass the file"
            )
            results.append((label, refusal))
            continue
        if isinstance(outcome, Exception):
            results.append((label, outcome))
            continue
        try:
            kind = kind_of_response(
                outcome.content_type, splitext(urlsplit(outcome.final_url).path)[1], outcome.body
            )
            articles, problems = read_kind(outcome.body, label, kind, limits)
        except Exception as err:  # noqa: BLE001 - one input's failure must not end the run
            results.append((label, err))
            continue
        if kind == "html":  # a page's own address, when the page does not name one
            articles = [_with_address(a, outcome.final_url) for a in articles]
        results.append((label, (articles, problems)))
    return results


def _with_address(article: Article, url: str) -> Article:
    return dataclasses.replace(
        article, url=article.url or url, outlet=article.outlet or domain_of(url)
    )
