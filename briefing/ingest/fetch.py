"""Fetching http(s) inputs: timeouts, retries with backoff, a size limit, redirects, and
conditional GET against the on-disk store (http_cache.py).

A URL that cannot be fetched raises FetchError, whose message is the reason and the fix;
the caller skips that input and goes on with the rest.
"""

from __future__ import annotations

import contextlib
import logging
import math
import socket
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from http import HTTPStatus
from typing import TYPE_CHECKING, Any, Self

import httpx2 as httpx

from briefing.ingest.article import UnusableInputError
from briefing.ingest.connect import bounded_transport, deadline
from briefing.ingest.files import require_size
from briefing.ingest.http_cache import HTTPCache, Stored
from briefing.version import __version__

if TYPE_CHECKING:
    from briefing.ingest.fetch_settings import FetchSettings

log = logging.getLogger(__name__)

USER_AGENT = f"briefing/{__version__} (cited daily briefs)"
# Feeds first, then pages; anything else is still read if its bytes say what it is.
ACCEPT = (
    "application/rss+xml, application/atom+xml, application/xml;q=0.9, text/xml;q=0.9, "
    "text/html;q=0.8, application/json;q=0.7, */*;q=0.5"
)
# Answers that say "try again": a timeout, too many requests, a server or gateway failing.
RETRY_STATUSES = frozenset({408, 425, 429, 500, 502, 503, 504})
# Failures on the way that another try may not meet (a dropped or refused connection,
# a timeout); a URL that is not http(s) or redirects in circles will not change.
_RETRIED_ERRORS = (httpx.TimeoutException, httpx.NetworkError, httpx.RemoteProtocolError)
_CHUNK = 64 * 1024
# A feed that moved is one or two hops away; more is a loop or a chain of trackers.
MAX_REDIRECTS = 5


class FetchError(UnusableInputError):
    """A URL that gave no usable body; the message says why and what to do."""


@dataclass(frozen=True)
class Fetched:
    final_url: str  # after redirects
    body: bytes
    content_type: str | None
    not_modified: bool  # a 304: `body` is the stored one


def fetch_all(urls: list[str], limit: int, settings: FetchSettings) -> list[Fetched | Exception]:
    """Each URL's body or the error it gave, in the order given; fetched a few at a time."""
    if not urls:
        return []
    with Fetcher(limit, settings) as fetcher, ThreadPoolExecutor(min(4, len(urls))) as pool:
        return list(pool.map(fetcher.fetch_or_error, urls))


class Fetcher:
    """One HTTP client for a run's URLs (connections are reused)."""

    def __init__(self, limit: int, settings: FetchSettings) -> None:
        self.limit = limit
        self.settings = settings
        self.cache = HTTPCache(settings.cache_directory()) if settings.use_cache else None
        self.client = httpx.Client(
            headers={"User-Agent": USER_AGENT, "Accept": ACCEPT},
            timeout=settings.timeout,
            follow_redirects=True,
            max_redirects=MAX_REDIRECTS,
            # Each request on a connection of its own, so a try's clock (TryClock) knows
            # every socket the try reads from; a day's URLs are mostly on different hosts.
            # Names are resolved within the try's time too (connect.py).
            transport=bounded_transport(httpx.Limits(max_keepalive_connections=0)),
        )

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *_: object) -> None:
        self.client.close()

    def fetch_or_error(self, url: str) -> Fetched | Exception:
        try:
            return self.fetch(url)
        except Exception as err:  # noqa: BLE001 - one URL's failure must not cost the others
            return err

    def fetch(self, url: str) -> Fetched:
        stored = self.cache.get(url) if self.cache is not None else None
        headers = stored.validators() if stored is not None else {}
        tries = 1 + self.settings.retries
        for attempt in range(tries):
            wait = self.settings.backoff * 2**attempt
            try:
                response, body = self._get(url, headers)
            except _RETRIED_ERRORS as err:
                failure = _transport_reason(err, self.settings.timeout)
            else:
                if response.status_code == 304 and stored is not None:
                    return self._not_modified(url, stored, response)
                if response.is_success:
                    return self._fresh(url, response, body)
                failure = _status_reason(response)
                if response.status_code not in RETRY_STATUSES:
                    raise FetchError(f"{failure}; check the URL")
                asked = _retry_after(response)
                wait = wait if asked is None else asked
            if attempt + 1 < tries:
                log.info("%s: %s; trying again in %.1f s", url, failure, wait)
                self.settings.sleep(min(wait, self.settings.max_wait))
        raise FetchError(f"{failure} ({_times(tries)}); check the URL, or try again later")

    def _get(self, url: str, headers: dict[str, str]) -> tuple[httpx.Response, bytes]:
        """One try: the response and its body (decoded), at most `limit` bytes of it, within
        the timeout from connecting to the last byte received, headers included."""
        with TryClock(self.settings.timeout) as clock, deadline(clock.ends):
            try:
                response, body = self._read(url, headers, clock)
            except httpx.TransportError as err:
                if clock.passed:
                    raise httpx.ReadTimeout(TOO_LONG) from err
                raise
        if clock.passed:  # cut off: a body without a length ends where it was cut
            raise httpx.ReadTimeout(TOO_LONG)
        return response, body

    def _read(
        self, url: str, headers: dict[str, str], clock: TryClock
    ) -> tuple[httpx.Response, bytes]:
        extensions = {"trace": clock.trace}
        try:
            with self.client.stream("GET", url, headers=headers, extensions=extensions) as response:
                if not response.is_success:
                    return response, b""
                declared = response.headers.get("Content-Length", "")
                if declared.isdigit():
                    require_size(int(declared), self.limit)
                chunks: list[bytes] = []
                size = 0
                for chunk in response.iter_bytes(_CHUNK):
                    chunks.append(chunk)
                    size += len(chunk)
                    require_size(size, self.limit, at_least=True)
                return response, b"".join(chunks)
        except httpx.TooManyRedirects as err:
            raise FetchError(
                f"more than {MAX_REDIRECTS} redirects; give the URL they end at"
            ) from err
        except httpx.UnsupportedProtocol as err:
            raise FetchError(
                f"redirected to a URL that is not http or https ({err}); give an http(s) URL"
            ) from err
        except httpx.InvalidURL as err:
            raise FetchError(f"not a valid URL ({err}); check it") from err

    def _fresh(self, url: str, response: httpx.Response, body: bytes) -> Fetched:
        fetched = Fetched(
            str(response.url), body, response.headers.get("Content-Type"), not_modified=False
        )
        etag = response.headers.get("ETag")
        last_modified = response.headers.get("Last-Modified")
        if self.cache is not None and (etag or last_modified):
            self.cache.put(
                url, Stored(etag, last_modified, fetched.content_type, fetched.final_url, body)
            )
        return fetched

    def _not_modified(self, url: str, stored: Stored, response: httpx.Response) -> Fetched:
        """A 304: the stored body is current. New validators it carries replace the old."""
        log.info("%s: not modified since the last fetch; using the stored copy", url)
        etag = response.headers.get("ETag") or stored.etag
        last_modified = response.headers.get("Last-Modified") or stored.last_modified
        if self.cache is not None and (etag, last_modified) != (stored.etag, stored.last_modified):
            self.cache.put(
                url, Stored(etag, last_modified, stored.content_type, stored.final_url, stored.body)
            )
        return Fetched(stored.final_url, stored.body, stored.content_type, not_modified=True)


TOO_LONG = "the whole answer took too long"
# httpcore's trace events that hand over a connection's stream (plain, then TLS).
_CONNECTED = ("connection.connect_tcp.complete", "connection.start_tls.complete")


class TryClock:
    """One try's wall clock. Per-read timeouts alone let a server that drips its headers or
    its body a byte at a time (each read in time, the whole not) hold a URL for ever: at
    `seconds` after the try began, every socket it opened (seen through httpcore's trace
    extension) is shut down, which ends a blocked read at once, and `passed` tells the try
    that what it read is not the whole answer. Resolving a name and connecting, before
    there is a socket to shut, end at `ends` (connect.py)."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.ends = math.inf
        self.passed = False
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()
        self._timer = threading.Timer(seconds, self._cut)
        self._timer.daemon = True

    def __enter__(self) -> Self:
        self.ends = time.monotonic() + self.seconds
        self._timer.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._timer.cancel()

    def trace(self, event: str, info: dict[str, Any]) -> None:
        if event not in _CONNECTED:
            return
        stream = info.get("return_value")
        opened = stream.get_extra_info("socket") if stream is not None else None
        if not isinstance(opened, socket.socket):
            return
        with self._lock:
            self._sockets.append(opened)
            if self.passed:
                _shut(opened)

    def _cut(self) -> None:
        with self._lock:
            self.passed = True
            for opened in self._sockets:
                _shut(opened)


def _shut(opened: socket.socket) -> None:
    with contextlib.suppress(OSError):  # already closed by its owner
        opened.shutdown(socket.SHUT_RDWR)


def _status_reason(response: httpx.Response) -> str:
    # The standard phrase, not the server's: that one may be anything, of any length.
    try:
        phrase = f" {HTTPStatus(response.status_code).phrase}"
    except ValueError:
        phrase = ""
    return f"the server answered HTTP {response.status_code}{phrase}"


def _transport_reason(err: Exception, timeout: float) -> str:
    if isinstance(err, httpx.TimeoutException):
        return f"no complete answer within {timeout:g} s"
    detail = str(err).splitlines()[0][:200] if str(err) else type(err).__name__
    return f"could not reach the server ({detail})"


def _retry_after(response: httpx.Response) -> float | None:
    """Seconds the server asks us to wait (Retry-After: seconds or an HTTP date)."""
    value = response.headers.get("Retry-After", "").strip()
    if not value:
        return None
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        return None
    # The real clock, not config.now(): SOURCE_DATE_EPOCH pins the brief, not the server.
    return max(0.0, (when - datetime.now(tz=UTC)).total_seconds())


def _times(tries: int) -> str:
    return "once" if tries == 1 else f"{tries} tries"
