"""URLs as inputs, against a real HTTP server on the loopback (pytest-httpserver): status
codes, conditional GET, retries, timeouts, size limits, redirects, and formats told apart
by Content-Type and bytes. No mocks: every case goes through httpx2 and a socket."""

from __future__ import annotations

import json
import socket
import threading
import time
from typing import TYPE_CHECKING

import pytest
from click.testing import CliRunner
from werkzeug import Request, Response

from briefing.cli import cli
from briefing.errors import ConfigError
from briefing.ingest import FetchSettings, InputLimits, ingest
from briefing.ingest.fetch import USER_AGENT, Fetcher
from briefing.ingest.http_cache import HTTPCache
from tests.conftest import EXAMPLES

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    from pytest_httpserver import HTTPServer

    from briefing.ingest import Ingested

pytestmark = pytest.mark.block_network(allowed_hosts=["127.0.0.1"])

# Our own writing: a two-item feed and an article page.
FEED = b"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Harbour Times</title><link>http://example.invalid/</link>
<item><title>Ferry crews strike for a third day</title>
<link>http://example.invalid/strike</link><pubDate>Tue, 17 Nov 2026 08:00:00 GMT</pubDate>
<description>Ferry crews in Port Elsin stayed off work on Tuesday for the third day running.
The walkout has stopped all sailings to the four outer islands.</description></item>
<item><title>Island shops run short</title>
<link>http://example.invalid/shops</link><pubDate>Tue, 17 Nov 2026 09:30:00 GMT</pubDate>
<description>Shops on Harl Island reported empty shelves of bread and milk by Tuesday
morning, and one grocer said her last delivery arrived on Saturday.</description></item>
</channel></rss>
"""
PAGE = b"""<!doctype html><html><head><title>Operator offers talks to end ferry walkout</title>
</head><body><nav><a href="/">Home</a> <a href="/news">News</a></nav><article>
<h1>Operator offers talks to end ferry walkout</h1>
<p>The ferry operator, Elsin Sound Lines, said on Wednesday that it was ready to meet the
crews' union on Thursday to end the strike.</p>
<p>Its chief executive called the union's demand for an 8 percent pay rise unaffordable but
said a new rota could be agreed within the week.</p>
<p>The company carried about 2,300 passengers a day before the strike began on Sunday.</p>
</article><footer>Copyright Harbour Times</footer></body></html>
"""
RSS = "application/rss+xml; charset=utf-8"


@pytest.fixture
def waits() -> list[float]:
    return []


@pytest.fixture
def settings(tmp_path: Path, waits: list[float]) -> FetchSettings:
    """Short timeouts and recorded (not slept) waits, so the matrix runs in seconds."""
    return FetchSettings(
        timeout=2.0, backoff=0.25, max_wait=5.0, cache_dir=tmp_path / "http", sleep=waits.append
    )


def read(url: str, settings: FetchSettings, limits: InputLimits | None = None) -> Ingested:
    return ingest([url], limits, fetch=settings)


def only_reason(result: Ingested) -> str:
    assert not result.articles
    assert len(result.skipped) == 1
    return result.skipped[0].reason


def test_a_feed_is_read_with_the_url_as_its_origin(
    httpserver: HTTPServer, settings: FetchSettings
) -> None:
    httpserver.expect_request("/feed").respond_with_data(FEED, content_type=RSS)
    url = httpserver.url_for("/feed")
    result = read(url, settings)
    assert [a.title for a in result.articles] == [
        "Ferry crews strike for a third day",
        "Island shops run short",
    ]
    assert [a.origin for a in result.articles] == [f"{url}#item1", f"{url}#item2"]
    assert result.articles[0].url == "http://example.invalid/strike"
    assert result.articles[0].outlet == "Harbour Times"
    assert result.files == 1
    assert not result.skipped
    request = httpserver.log[0][0]
    assert request.headers["User-Agent"] == USER_AGENT
    assert USER_AGENT.startswith("briefing/0.")


def test_an_html_page_gets_its_address_and_site(
    httpserver: HTTPServer, settings: FetchSettings
) -> None:
    httpserver.expect_request("/news/talks").respond_with_data(
        PAGE, content_type="text/html; charset=utf-8"
    )
    url = httpserver.url_for("/news/talks")
    [article] = read(url, settings).articles
    assert article.title == "Operator offers talks to end ferry walkout"
    assert article.origin == url
    assert article.url == url
    assert article.outlet == "127.0.0.1"
    assert "2,300 passengers" in article.text
    assert "Copyright" not in article.text


@pytest.mark.parametrize(
    ("content_type", "path"),
    [
        ("text/html", "/feed"),  # a feed served as a page is still a feed
        ("application/xml", "/feed"),
        ("text/xml", "/feed"),
        ("", "/feed.rss"),
        ("application/octet-stream", "/feed"),
    ],
)
def test_a_feed_is_told_by_its_bytes_whatever_it_is_served_as(
    httpserver: HTTPServer, settings: FetchSettings, content_type: str, path: str
) -> None:
    response = Response(FEED, headers={"Content-Type": content_type} if content_type else {})
    if not content_type:
        response.headers.remove("Content-Type")
    httpserver.expect_request(path).respond_with_response(response)
    assert len(read(httpserver.url_for(path), settings).articles) == 2


def test_what_is_not_a_feed_or_a_page_is_skipped(
    httpserver: HTTPServer, settings: FetchSettings
) -> None:
    httpserver.expect_request("/logo").respond_with_data(
        b"\x89PNG\r\n\x1a\n" + bytes(200), content_type="image/png"
    )
    reason = only_reason(read(httpserver.url_for("/logo"), settings))
    assert reason.startswith("not a feed or a page (Content-Type image/png)")


def test_an_unchanged_feed_costs_a_304_and_its_stored_body_is_read(
    httpserver: HTTPServer, settings: FetchSettings
) -> None:
    validators = {"ETag": '"v1"', "Last-Modified": "Tue, 17 Nov 2026 10:00:00 GMT"}
    asked = {"If-None-Match": '"v1"', "If-Modified-Since": validators["Last-Modified"]}
    httpserver.expect_ordered_request("/feed").respond_with_data(
        FEED, content_type=RSS, headers=validators
    )
    for _ in range(2):
        httpserver.expect_ordered_request("/feed", headers=asked).respond_with_data(b"", status=304)
    url = httpserver.url_for("/feed")
    first = read(url, settings)
    assert read(url, settings).articles == first.articles
    with Fetcher(10**6, settings) as fetcher:
        again = fetcher.fetch(url)
    assert again.not_modified
    assert again.body == FEED
    assert again.content_type == RSS
    httpserver.check_assertions()
    assert [resp.status_code for _, resp in httpserver.log] == [200, 304, 304]
    assert [len(resp.get_data()) for _, resp in httpserver.log] == [len(FEED), 0, 0]


def test_last_modified_alone_is_revalidated_and_a_changed_feed_replaces_the_stored_one(
    httpserver: HTTPServer, settings: FetchSettings
) -> None:
    monday = "Mon, 16 Nov 2026 10:00:00 GMT"
    changed = FEED.replace(b"third day", b"fourth day")
    httpserver.expect_ordered_request("/feed").respond_with_data(
        FEED, content_type=RSS, headers={"Last-Modified": monday}
    )
    httpserver.expect_ordered_request(
        "/feed", headers={"If-Modified-Since": monday}
    ).respond_with_data(
        changed, content_type=RSS, headers={"Last-Modified": "Tue, 17 Nov 2026 10:00:00 GMT"}
    )
    httpserver.expect_ordered_request(
        "/feed", headers={"If-Modified-Since": "Tue, 17 Nov 2026 10:00:00 GMT"}
    ).respond_with_data(b"", status=304)
    url = httpserver.url_for("/feed")
    titles = [read(url, settings).articles[0].title for _ in range(3)]
    assert titles == [
        "Ferry crews strike for a third day",
        "Ferry crews strike for a fourth day",
        "Ferry crews strike for a fourth day",
    ]
    assert "If-None-Match" not in httpserver.log[1][0].headers
    httpserver.check_assertions()


def test_without_validators_nothing_is_stored(
    httpserver: HTTPServer, settings: FetchSettings
) -> None:
    httpserver.expect_request("/feed").respond_with_data(FEED, content_type=RSS)
    url = httpserver.url_for("/feed")
    read(url, settings)
    read(url, settings)
    assert [r.headers.get("If-None-Match") for r, _ in httpserver.log] == [None, None]
    assert settings.cache_dir is not None
    assert not settings.cache_dir.exists()


def test_a_corrupt_stored_body_is_fetched_again_in_full(
    httpserver: HTTPServer, settings: FetchSettings, caplog: pytest.LogCaptureFixture
) -> None:
    httpserver.expect_request("/feed").respond_with_data(
        FEED, content_type=RSS, headers={"ETag": '"v1"'}
    )
    url = httpserver.url_for("/feed")
    read(url, settings)
    assert settings.cache_dir is not None
    [body] = settings.cache_dir.glob("*/*.body")
    body.write_bytes(b"<?xml version='1.0'?><rss><channel></channel></rss>")
    assert HTTPCache(settings.cache_dir).get(url) is None
    assert "does not match" in caplog.text
    assert len(read(url, settings).articles) == 2
    assert httpserver.log[-1][0].headers.get("If-None-Match") is None


def test_the_cache_can_be_turned_off(httpserver: HTTPServer, tmp_path: Path) -> None:
    httpserver.expect_request("/feed").respond_with_data(
        FEED, content_type=RSS, headers={"ETag": '"v1"'}
    )
    off = FetchSettings(cache_dir=tmp_path / "http", use_cache=False)
    read(httpserver.url_for("/feed"), off)
    read(httpserver.url_for("/feed"), off)
    assert [r.headers.get("If-None-Match") for r, _ in httpserver.log] == [None, None]
    assert not (tmp_path / "http").exists()


def test_a_server_error_is_retried_with_backoff(
    httpserver: HTTPServer, settings: FetchSettings, waits: list[float]
) -> None:
    httpserver.expect_ordered_request("/feed").respond_with_data("busy", status=500)
    httpserver.expect_ordered_request("/feed").respond_with_data("busy", status=502)
    httpserver.expect_ordered_request("/feed").respond_with_data(FEED, content_type=RSS)
    result = read(httpserver.url_for("/feed"), settings)
    assert len(result.articles) == 2
    assert not result.skipped
    assert waits == [0.25, 0.5]
    httpserver.check_assertions()


def test_retry_after_is_respected_and_capped(
    httpserver: HTTPServer, settings: FetchSettings, waits: list[float]
) -> None:
    httpserver.expect_ordered_request("/feed").respond_with_data(
        "slow down", status=429, headers={"Retry-After": "3"}
    )
    httpserver.expect_ordered_request("/feed").respond_with_data(
        "down", status=503, headers={"Retry-After": "86400"}
    )
    httpserver.expect_ordered_request("/feed").respond_with_data(FEED, content_type=RSS)
    assert len(read(httpserver.url_for("/feed"), settings).articles) == 2
    assert waits == [3.0, settings.max_wait]


def test_a_server_that_keeps_failing_is_skipped_after_the_retries(
    httpserver: HTTPServer, settings: FetchSettings, waits: list[float]
) -> None:
    httpserver.expect_request("/feed").respond_with_data("down", status=503)
    reason = only_reason(read(httpserver.url_for("/feed"), settings))
    assert reason == (
        "the server answered HTTP 503 Service Unavailable (3 tries); check the URL, or try again later"
    )
    assert len(httpserver.log) == 3
    assert len(waits) == 2


def test_a_client_error_is_not_retried(
    httpserver: HTTPServer, settings: FetchSettings, waits: list[float]
) -> None:
    httpserver.expect_request("/gone").respond_with_data("no", status=404)
    reason = only_reason(read(httpserver.url_for("/gone"), settings))
    assert reason == "the server answered HTTP 404 Not Found; check the URL"
    assert len(httpserver.log) == 1
    assert waits == []


def test_a_server_that_does_not_answer_in_time_is_skipped(
    httpserver: HTTPServer, tmp_path: Path
) -> None:
    done = threading.Event()

    def late(request: Request) -> Response:
        time.sleep(1.0)
        done.set()
        return Response(FEED, content_type=RSS)

    httpserver.expect_request("/feed").respond_with_handler(late)
    quick = FetchSettings(timeout=0.3, retries=0, cache_dir=tmp_path)
    started = time.monotonic()
    reason = only_reason(read(httpserver.url_for("/feed"), quick))
    assert time.monotonic() - started < 0.9
    assert reason == "no complete answer within 0.3 s (once); check the URL, or try again later"
    assert done.wait(5)  # the server (one thread) is free for the next test


def test_a_server_that_drips_its_answer_is_cut_off(httpserver: HTTPServer, tmp_path: Path) -> None:
    """Each chunk comes within the read timeout; the whole answer does not."""

    done = threading.Event()

    def drip() -> Iterator[bytes]:
        for number in range(8):
            time.sleep(0.1)
            yield FEED[number * 200 : (number + 1) * 200]
        done.set()

    httpserver.expect_request("/feed").respond_with_response(Response(drip(), content_type=RSS))
    quick = FetchSettings(timeout=0.5, retries=0, cache_dir=tmp_path)
    started = time.monotonic()
    reason = only_reason(read(httpserver.url_for("/feed"), quick))
    assert time.monotonic() - started < 1.0
    assert reason.startswith("no complete answer within 0.5 s")
    assert done.wait(5)


@pytest.mark.parametrize("declared", [True, False])
def test_a_body_over_the_size_limit_is_skipped(
    httpserver: HTTPServer, settings: FetchSettings, declared: bool
) -> None:
    big = FEED + b"<!-- " + b"x" * 5000 + b" -->"
    body = big if declared else iter([big[:1000], big[1000:]])  # an iterator: no Content-Length
    httpserver.expect_request("/feed").respond_with_response(Response(body, content_type=RSS))
    reason = only_reason(
        read(httpserver.url_for("/feed"), settings, InputLimits(max_input_mb=0.002))
    )
    told = "0.00" if declared else "more than 0.002 MB"
    assert reason.startswith(told), reason
    assert "over the 0.002 MB limit for one input" in reason
    assert reason.endswith("(--max-input-mb)")
    assert len(httpserver.log) == 1  # not retried


def test_a_redirect_is_followed_and_the_given_url_stays_the_origin(
    httpserver: HTTPServer, settings: FetchSettings
) -> None:
    httpserver.expect_request("/old").respond_with_data(
        "", status=301, headers={"Location": "/news/talks"}
    )
    httpserver.expect_request("/news/talks").respond_with_data(PAGE, content_type="text/html")
    url = httpserver.url_for("/old")
    [article] = read(url, settings).articles
    assert article.origin == url
    assert article.url == httpserver.url_for("/news/talks")


def test_a_redirect_loop_is_skipped(httpserver: HTTPServer, settings: FetchSettings) -> None:
    httpserver.expect_request("/loop").respond_with_data(
        "", status=302, headers={"Location": "/loop"}
    )
    reason = only_reason(read(httpserver.url_for("/loop"), settings))
    assert reason == "more than 5 redirects; give the URL they end at"
    assert len(httpserver.log) == 6


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_a_refused_connection_is_retried_then_skipped(
    settings: FetchSettings, waits: list[float]
) -> None:
    reason = only_reason(read(f"http://127.0.0.1:{closed_port()}/feed", settings))
    assert reason.startswith("could not reach the server (")
    assert reason.endswith("(3 tries); check the URL, or try again later")
    assert waits == [0.25, 0.5]


def test_only_http_urls_are_fetched(settings: FetchSettings) -> None:
    reason = only_reason(read("ftp://127.0.0.1/feed.rss", settings))
    assert (
        reason == "a ftp: URL; only http and https URLs are fetched: download it and pass the file"
    )


def test_a_password_in_a_url_stays_out_of_the_brief(
    httpserver: HTTPServer, settings: FetchSettings
) -> None:
    httpserver.expect_request("/feed").respond_with_data(FEED, content_type=RSS)
    url = httpserver.url_for("/feed").replace("http://", "http://reader:s3cret@")
    result = read(url, settings)
    assert result.articles[0].origin == httpserver.url_for("/feed") + "#item1"
    assert httpserver.log[0][0].authorization is not None  # the credentials were sent


def test_a_url_given_twice_is_fetched_once(httpserver: HTTPServer, settings: FetchSettings) -> None:
    httpserver.expect_request("/feed").respond_with_data(FEED, content_type=RSS)
    url = httpserver.url_for("/feed")
    result = ingest([url, url], fetch=settings)
    assert len(result.articles) == 2
    assert len(httpserver.log) == 1


def test_fetch_options_are_checked() -> None:
    with pytest.raises(ConfigError, match="fetch_timeout is -1"):
        FetchSettings.from_options(fetch_timeout=-1)
    with pytest.raises(ConfigError, match=r"fetch_retries is 1\.5"):
        FetchSettings.from_options(fetch_retries=1.5)  # type: ignore[arg-type]


def test_a_failing_url_beside_a_good_file_skips_only_the_url(
    httpserver: HTTPServer, tmp_path: Path
) -> None:
    """Through the command line: the run goes on, warns, and lists the URL in the brief."""
    httpserver.expect_request("/broken").respond_with_data("gone", status=410)
    httpserver.expect_request("/feed").respond_with_data(FEED, content_type=RSS)
    broken, feed = httpserver.url_for("/broken"), httpserver.url_for("/feed")
    out = tmp_path / "brief.json"
    result = CliRunner().invoke(cli, ["generate", str(EXAMPLES), broken, feed, "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert (
        f"warning: skipped {broken}: the server answered HTTP 410 Gone; check the URL"
        in result.stderr
    )
    brief = json.loads(out.read_text())
    assert brief["skipped_inputs"] == [
        {"path": broken, "reason": "the server answered HTTP 410 Gone; check the URL"}
    ]
    origins = [s["origin"] for s in brief["sources"]]
    assert origins[-2:] == [f"{feed}#item1", f"{feed}#item2"]  # URLs after the files
    assert len(origins) == 5 + 2  # the examples' four files hold five articles
    assert brief["stats"]["inputs"] == 4 + 2


# --- name resolution, within the try's time --------------------------------------------------
#
# The system resolver is replaced (socket.getaddrinfo) for names under .test only: the
# network is never asked.


@pytest.fixture
def resolver(monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, list[str]]]:
    """`names.test` resolves to the loopback; `stalled.test` does not answer until the test
    ends (then fails). What was asked and what was answered, by name."""
    real = socket.getaddrinfo
    release = threading.Event()
    seen: dict[str, list[str]] = {"asked": [], "answered": []}

    def fake(host: str, port: object, *args: object, **options: object) -> object:
        if not host.endswith(".test"):
            return real(host, port, *args, **options)  # type: ignore[arg-type]
        seen["asked"].append(host)
        if host == "stalled.test":
            release.wait(30)
            seen["answered"].append(host)
            raise socket.gaierror(socket.EAI_AGAIN, "Temporary failure in name resolution")
        seen["answered"].append(host)
        return real("127.0.0.1", port, *args, **options)  # type: ignore[arg-type]

    monkeypatch.setattr(socket, "getaddrinfo", fake)
    yield seen
    release.set()


def test_a_name_is_resolved_and_the_request_still_names_the_host(
    httpserver: HTTPServer, settings: FetchSettings, resolver: dict[str, list[str]]
) -> None:
    httpserver.expect_request("/feed").respond_with_data(FEED, content_type=RSS)
    url = f"http://names.test:{httpserver.port}/feed"
    result = read(url, settings)
    assert [a.origin for a in result.articles] == [f"{url}#item1", f"{url}#item2"]
    assert resolver["answered"] == ["names.test"]
    assert httpserver.log[0][0].headers["Host"] == f"names.test:{httpserver.port}"


def test_a_resolver_that_does_not_answer_costs_at_most_the_tries(
    tmp_path: Path, waits: list[float], resolver: dict[str, list[str]]
) -> None:
    """Without a bound, each try would wait for the resolver (30 s here) and then fail to
    reach the server; with it, each try gives up at fetch_timeout while the resolver has
    still not answered."""
    quick = FetchSettings(timeout=0.3, retries=1, cache_dir=tmp_path, sleep=waits.append)
    reason = only_reason(read("http://stalled.test/feed", quick))
    assert resolver["answered"] == []  # both tries ended before any answer came
    assert resolver["asked"] == ["stalled.test", "stalled.test"]
    assert reason == "no complete answer within 0.3 s (2 tries); check the URL, or try again later"
    assert waits == [1.0]
