"""`briefing daily` across days: the state folder, what changed since the day before, byte
for byte reruns, and what a rerun and a new article cost with the LLM engine.

The feed comes from a real HTTP server on the loopback (pytest-httpserver) that honours
If-None-Match; the stories are grouped by the real grouping. Our own writing throughout.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import pytest
from click.testing import CliRunner
from llm_fixtures import FakeBackend, points_merged, well_behaved_map
from werkzeug import Request, Response

from briefing.cli import cli
from briefing.daily import run as daily_run
from briefing.errors import BriefingError
from briefing.llm import calls
from tests.conftest import FIXED_EPOCH

if TYPE_CHECKING:
    from pathlib import Path

    import click
    from pytest_httpserver import HTTPServer

pytestmark = pytest.mark.block_network(allowed_hosts=["127.0.0.1"])

DAY1, DAY2 = "2026-11-18", "2026-11-19"
NEXT_DAY = str(int(FIXED_EPOCH) + 86_400)
RSS = "application/rss+xml; charset=utf-8"

STRIKE = """<item><title>Ferry crews in Port Elsin strike for a third day</title>
<link>http://example.invalid/strike</link><pubDate>Wed, 18 Nov 2026 06:00:00 GMT</pubDate>
<description>Ferry crews in Port Elsin stayed off work on Wednesday for the third day of their
strike over pay. The walkout has stopped all 40 daily sailings to the four outer islands, the
ferry operator said. The crews' union said 300 members had joined the strike.</description></item>
"""
LIBRARY = """<item><title>Fire closes the Harl Island library</title>
<link>http://example.invalid/library</link><pubDate>Wed, 18 Nov 2026 07:00:00 GMT</pubDate>
<description>A fire closed the library on Harl Island early on Wednesday, the island council
said. Firefighters put out the blaze in the reading room within an hour and nobody was hurt.
The council said the library would stay shut until the wiring had been checked.</description></item>
"""
# Day 2: a new story, and a new article on the strike.
SCHOOLS = """<item><title>Cold snap closes schools across the mainland</title>
<link>http://example.invalid/schools</link><pubDate>Thu, 19 Nov 2026 06:30:00 GMT</pubDate>
<description>Heavy frost closed 12 primary schools across the mainland district on Thursday,
the education office said. Buses could not reach the hill villages before nine in the
morning. The office expects the schools to open again on Friday.</description></item>
"""
STRIKE_SPREADS = """<item><title>Port Elsin ferry strike spreads as more crews walk out</title>
<link>http://example.invalid/strike-day-four</link><pubDate>Thu, 19 Nov 2026 06:00:00 GMT</pubDate>
<description>More ferry crews in Port Elsin joined the strike over pay on Thursday, its fourth
day. The union said 450 members were now on strike, and the ferry operator said all sailings
to the outer islands stayed cancelled. Talks between the union and the operator are due on
Friday.</description></item>
"""


def feed(*items: str) -> bytes:
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel>'
        "<title>Harbour Times</title><link>http://example.invalid/</link>\n"
        + "".join(items)
        + "</channel></rss>\n"
    ).encode()


class Feed:
    """The feed as a server that honours If-None-Match serves it; `publish` changes it."""

    def __init__(self) -> None:
        self.body, self.etag = feed(STRIKE, LIBRARY), '"v1"'

    def publish(self, body: bytes, etag: str) -> None:
        self.body, self.etag = body, etag

    def __call__(self, request: Request) -> Response:
        if request.headers.get("If-None-Match") == self.etag:
            return Response(status=304, headers={"ETag": self.etag})
        return Response(self.body, content_type=RSS, headers={"ETag": self.etag})


@pytest.fixture
def server_feed(httpserver: HTTPServer) -> Feed:
    served = Feed()
    httpserver.expect_request("/feed").respond_with_handler(served)
    return served


@pytest.fixture
def desk(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, httpserver: HTTPServer, server_feed: Feed
) -> Path:
    (tmp_path / "briefing.toml").write_text(
        f'inputs = ["{httpserver.url_for("/feed")}"]\nengine = "extractive"\n'
    )
    monkeypatch.chdir(tmp_path)
    return tmp_path


def run(*args: str) -> click.testing.Result:
    result = CliRunner().invoke(cli, ["daily", *args])
    assert result.exit_code == 0, result.output
    return result


def files(folder: Path, day: str) -> dict[str, bytes]:
    return {fmt: (folder / f"{day}.{fmt}").read_bytes() for fmt in ("md", "json", "html")}


def stories(folder: Path, day: str) -> list[tuple[str, str | None, str]]:
    brief = json.loads((folder / f"{day}.json").read_text())
    return [(s["headline"], s.get("status"), s["id"]) for s in brief["stories"]]


def test_done_when(
    desk: Path, httpserver: HTTPServer, server_feed: Feed, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Day 1, a rerun of day 1 (304, the same bytes), day 2 (a new story, a new article on
    an old one, marked new and updated with the same id) and `briefing diff`."""
    briefs = desk / "briefs"
    run()
    first = files(briefs, DAY1)
    day1 = stories(briefs, DAY1)
    assert [(headline, status) for headline, status, _ in day1] == [
        ("Fire closes the Harl Island library", "new"),
        ("Ferry crews in Port Elsin strike for a third day", "new"),
    ]
    run()
    assert [resp.status_code for _, resp in httpserver.log] == [200, 304]
    assert files(briefs, DAY1) == first

    server_feed.publish(feed(SCHOOLS, STRIKE_SPREADS, STRIKE, LIBRARY), '"v2"')
    monkeypatch.setenv("SOURCE_DATE_EPOCH", NEXT_DAY)
    run()
    assert [resp.status_code for _, resp in httpserver.log] == [200, 304, 200]
    day2 = stories(briefs, DAY2)
    strike_id = next(i for h, _, i in day1 if h.startswith("Ferry crews"))
    library_id = next(i for h, _, i in day1 if h.startswith("Fire"))
    assert sorted((status, i) for _, status, i in day2) == sorted(
        [("new", day2[0][2]), ("updated", strike_id), ("continuing", library_id)]
    )
    assert day2[0][0] == "Cold snap closes schools across the mainland"
    brief = json.loads((briefs / f"{DAY2}.json").read_text())
    strike = next(s for s in brief["stories"] if s["id"] == strike_id)
    new_article = next(s for s in brief["sources"] if s["id"] == strike["new_sources"][0])
    assert new_article["url"] == "http://example.invalid/strike-day-four"
    assert strike["since"] == DAY1
    # 450 members now, 300 before: old -> new, the old value cited by day 1's brief.
    (change,) = strike["changed_figures"]
    assert [(f["value"], f["brief"]) for f in change["old"]] == [(300, DAY1)]
    assert [f["value"] for f in change["new"]] == [450]
    assert change["old"][0]["passages"] == [
        "The crews' union said 300 members had joined the strike."
    ]
    assert brief["compared_with"] == DAY1
    markdown = (briefs / f"{DAY2}.md").read_text()
    assert f"_Since the brief of [{DAY1}]({DAY1}.md): 1 new, 1 updated, 1 continuing._" in markdown
    assert (
        "- **Fire closes the Harl Island library**: nothing new since it was first reported "
        f"on [{DAY1}]({DAY1}.md) (1 source)." in markdown
    )
    assert files(briefs, DAY1) == first  # a later day never rewrites an earlier one
    # The index shows each day's lead, the first story of the overview.
    index = (briefs / "index.html").read_text()
    assert "Heavy frost closed 12 primary schools" in index

    result = CliRunner().invoke(
        cli, ["diff", f"briefs/{DAY1}.json", f"briefs/{DAY2}.json", "-o", "diff.json"]
    )
    assert result.exit_code == 0, result.output
    diff = json.loads((desk / "diff.json").read_text())
    assert [s["id"] for s in diff["new"]] == [day2[0][2]]
    assert [s["id"] for s in diff["updated"]] == [strike_id]
    assert [s["id"] for s in diff["continuing"]] == [library_id]
    assert diff["dropped"] == []
    assert [a["source_id"] for a in diff["updated"][0]["new_articles"]] == strike["new_sources"]


def test_the_state_folder_records_a_day_only_once_it_is_written(
    desk: Path, server_feed: Feed, monkeypatch: pytest.MonkeyPatch
) -> None:
    run()
    state = desk / "briefs" / ".state"
    assert sorted(p.name for p in state.iterdir()) == ["articles.json", "briefs", "runs"]
    assert [p.name for p in (state / "briefs").iterdir()] == [f"{DAY1}.json"]
    seen = json.loads((state / "articles.json").read_text())["articles"]
    assert {(a["url"], a["first_seen"]) for a in seen} == {
        ("https://example.invalid/strike", DAY1),
        ("https://example.invalid/library", DAY1),
    }
    assert "seconds" in json.loads((state / "runs" / f"{DAY1}.json").read_text())

    # Day 2 fails while writing its files: the state still points at day 1.
    server_feed.publish(feed(SCHOOLS, STRIKE_SPREADS, STRIKE, LIBRARY), '"v2"')
    monkeypatch.setenv("SOURCE_DATE_EPOCH", NEXT_DAY)

    def full_disk(*_: object, **__: object) -> None:
        raise BriefingError("briefs/2026-11-19.md: no space left on device")

    monkeypatch.setattr(daily_run, "write_day", full_disk)
    failed = CliRunner().invoke(cli, ["daily"])
    assert failed.exit_code == 1
    assert [p.name for p in (state / "briefs").iterdir()] == [f"{DAY1}.json"]
    assert len(json.loads((state / "articles.json").read_text())["articles"]) == 2
    monkeypatch.undo()
    monkeypatch.chdir(desk)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", NEXT_DAY)
    run()
    assert json.loads((desk / "briefs" / f"{DAY2}.json").read_text())["compared_with"] == DAY1


def test_a_rerun_of_today_is_compared_with_yesterday_not_with_itself(
    desk: Path, server_feed: Feed, monkeypatch: pytest.MonkeyPatch
) -> None:
    run()
    server_feed.publish(feed(SCHOOLS, STRIKE_SPREADS, STRIKE, LIBRARY), '"v2"')
    monkeypatch.setenv("SOURCE_DATE_EPOCH", NEXT_DAY)
    run()
    second = files(desk / "briefs", DAY2)
    run()  # later the same day: the same inputs
    assert files(desk / "briefs", DAY2) == second
    assert [s for _, s, _ in stories(desk / "briefs", DAY2)].count("new") == 1


def test_a_rerun_later_the_same_day_keeps_the_bytes(
    desk: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without SOURCE_DATE_EPOCH the clock moves on; a rerun that changes nothing keeps
    the first run's time, so a folder kept in git shows no change."""
    run()
    first = files(desk / "briefs", DAY1)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(int(FIXED_EPOCH) + 3600))
    run()
    assert files(desk / "briefs", DAY1) == first


def test_deleting_the_state_folder_starts_over(
    desk: Path, server_feed: Feed, monkeypatch: pytest.MonkeyPatch
) -> None:
    run()
    server_feed.publish(feed(SCHOOLS, STRIKE_SPREADS, STRIKE, LIBRARY), '"v2"')
    monkeypatch.setenv("SOURCE_DATE_EPOCH", NEXT_DAY)
    for path in sorted((desk / "briefs" / ".state").rglob("*"), reverse=True):
        path.rmdir() if path.is_dir() else path.unlink()
    (desk / "briefs" / ".state").rmdir()
    run()
    brief = json.loads((desk / "briefs" / f"{DAY2}.json").read_text())
    assert "compared_with" not in brief
    assert {s["status"] for s in brief["stories"]} == {"new"}


def test_with_the_llm_engine_a_rerun_sends_nothing_and_a_new_day_only_what_is_new(
    desk: Path, server_feed: Feed, monkeypatch: pytest.MonkeyPatch
) -> None:
    backends: list[FakeBackend] = []

    def make(_settings: object) -> FakeBackend:
        backends.append(FakeBackend(maps=well_behaved_map, reduces=points_merged))
        return backends[-1]

    monkeypatch.setattr(calls, "make_backend", make)
    (desk / "briefing.toml").write_text(
        (desk / "briefing.toml").read_text().replace("extractive", "openai")
        + 'base_url = "http://127.0.0.1:9/v1"\n'
    )
    run()
    first = files(desk / "briefs", DAY1)
    assert [r.schema.__name__ for r in backends[0].requests] == ["MapResult"]  # one each
    run()
    assert len(backends) == 1  # no backend was even made for the rerun: nothing to send
    assert files(desk / "briefs", DAY1) == first
    server_feed.publish(feed(SCHOOLS, STRIKE_SPREADS, STRIKE, LIBRARY), '"v2"')
    monkeypatch.setenv("SOURCE_DATE_EPOCH", NEXT_DAY)
    run()
    maps, merges = backends[1].sent("MapResult"), backends[1].sent("ReduceResult")
    # The two new articles (the schools story and the strike's fourth day) in one pack,
    # and the strike story's merge: the library and the first strike article cost nothing.
    (pack,) = maps
    content = pack.messages[1]["content"]
    assert "Cold snap" in content
    assert "fourth" in content
    assert "library" not in content
    assert "third day" not in content
    (merge,) = merges
    assert "More ferry crews" in merge.messages[1]["content"]
    run_report = json.loads((desk / "briefs" / ".state" / "runs" / f"{DAY2}.json").read_text())
    assert run_report["calls"] == 2


def test_a_broken_state_folder_warns_and_the_day_goes_on(
    desk: Path, server_feed: Feed, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    run()
    state = desk / "briefs" / ".state"
    (state / "articles.json").write_text("{ not json")
    (state / "briefs" / f"{DAY1}.json").write_text('{"title": "edited by hand"}')
    server_feed.publish(feed(SCHOOLS, STRIKE_SPREADS, STRIKE, LIBRARY), '"v2"')
    monkeypatch.setenv("SOURCE_DATE_EPOCH", NEXT_DAY)
    run()
    assert "articles seen before count as new" in caplog.text
    assert f"ignoring briefs/.state/briefs/{DAY1}.json" in caplog.text
    brief = json.loads((desk / "briefs" / f"{DAY2}.json").read_text())
    assert "compared_with" not in brief  # nothing usable to compare with: all new
    assert len(json.loads((state / "articles.json").read_text())["articles"]) == 4
