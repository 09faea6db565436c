"""`briefing daily`: settings from the command line, BRIEFING_* and briefing.toml (in that
order), the day and its window, the dated files, latest.*, the index and the Atom feed.
The feed comes from a real HTTP server on the loopback (pytest-httpserver).

SOURCE_DATE_EPOCH is 2026-11-18 11:06:40 UTC in every test (conftest.py): that is "now".
"""

from __future__ import annotations

import json
import tomllib
import xml.etree.ElementTree as ET
from datetime import timedelta
from typing import TYPE_CHECKING

import feedparser
import pytest
from click.testing import CliRunner
from werkzeug import Request, Response

from briefing.cli import cli
from briefing.daily.config import KEYS, resolve
from briefing.daily.index import entries
from briefing.errors import ConfigError
from tests.conftest import ROOT

if TYPE_CHECKING:
    from pathlib import Path

    import click
    from pytest_httpserver import HTTPServer

pytestmark = pytest.mark.block_network(allowed_hosts=["127.0.0.1"])

ATOM = "{http://www.w3.org/2005/Atom}"
RSS = "application/rss+xml; charset=utf-8"
# Our own writing. Item 1 is inside the 36-hour window, item 2 is a week old, item 3 has
# no date (kept).
FEED = b"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Harbour Times</title><link>http://example.invalid/</link>
<item><title>Ferry crews strike for a third day</title><link>http://example.invalid/strike</link>
<pubDate>Tue, 17 Nov 2026 08:00:00 GMT</pubDate>
<description>Ferry crews in Port Elsin stayed off work on Tuesday for the third day running.
The walkout has stopped all sailings to the four outer islands, the operator said.</description></item>
<item><title>Winter timetable for the island ferries</title><link>http://example.invalid/winter</link>
<pubDate>Tue, 10 Nov 2026 08:00:00 GMT</pubDate>
<description>The winter timetable for the island ferries starts on the first Monday of December
and cuts the evening sailings to Harl Island from three to two.</description></item>
<item><title>Island shops run short</title><link>http://example.invalid/shops</link>
<description>Shops on Harl Island reported empty shelves of bread and milk by Tuesday
morning, and one grocer said her last delivery had arrived on Saturday.</description></item>
</channel></rss>
"""
NOTE = """Students stranded on the mainland by the ferry strike

About 140 secondary students from the outer islands could not get home after school on Monday, the school said.

Families in Port Elsin offered them rooms for the week while lessons continue online.
"""


def run(*args: str) -> click.testing.Result:
    return CliRunner().invoke(cli, ["daily", *args])


def conditional(request: Request) -> Response:
    """The feed as a server that honours If-None-Match does it."""
    if request.headers.get("If-None-Match") == '"v1"':
        return Response(status=304, headers={"ETag": '"v1"'})
    return Response(FEED, content_type=RSS, headers={"ETag": '"v1"'})


@pytest.fixture
def desk(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, httpserver: HTTPServer) -> Path:
    """A newsroom folder: briefing.toml naming a local feed and a note, run from there."""
    httpserver.expect_request("/feed").respond_with_handler(conditional)
    (tmp_path / "notes").mkdir()
    (tmp_path / "notes" / "students.txt").write_text(NOTE)
    (tmp_path / "briefing.toml").write_text(
        f'inputs = ["notes/*.txt", "{httpserver.url_for("/feed")}"]\n'
        'engine = "extractive"\n'
        'title = "Harbour desk"\n'
    )
    monkeypatch.chdir(tmp_path)
    return tmp_path


def names(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def test_a_day_writes_its_brief_latest_index_and_feed(desk: Path, httpserver: HTTPServer) -> None:
    result = run()
    assert result.exit_code == 0, result.output
    briefs = desk / "briefs"
    assert names(briefs) == [
        ".state", "2026-11-18.html", "2026-11-18.json", "2026-11-18.md", "feed.xml",
        "index.html", "index.md", "latest.html", "latest.json", "latest.md",
    ]  # fmt: skip
    for fmt in ("md", "json", "html"):
        assert (briefs / f"latest.{fmt}").read_bytes() == (
            briefs / f"2026-11-18.{fmt}"
        ).read_bytes()
        assert not (briefs / f"latest.{fmt}").is_symlink()
    brief = json.loads((briefs / "2026-11-18.json").read_text())
    feed = httpserver.url_for("/feed")
    assert [s["origin"] for s in brief["sources"]] == [
        "notes/students.txt", f"{feed}#item1", f"{feed}#item3",
    ]  # fmt: skip
    assert brief["skipped_inputs"][0]["path"] == f"{feed} (1 item outside the window)"
    assert brief["title"] == "Harbour desk"
    assert "wrote briefs/2026-11-18.md" in result.stderr
    assert "review: " in result.stderr
    index = (briefs / "index.md").read_text()
    # Each day is named by the story it leads with, not by the desk's title (the same daily).
    assert "- **2026-11-18** — Ferry crews strike for a third day (3 sources): [md]" in index
    assert " — Ferry crews strike for a third day" in (briefs / "index.html").read_text()
    entry = feedparser.parse((briefs / "feed.xml").read_bytes()).entries[0]
    assert entry.title == "2026-11-18: Ferry crews strike for a third day"
    assert '<a href="2026-11-18.html">2026-11-18</a>' in (briefs / "index.html").read_text()


def test_a_rerun_of_today_revalidates_the_feed_and_rewrites_the_day(
    desk: Path, httpserver: HTTPServer
) -> None:
    assert run().exit_code == 0
    first = (desk / "briefs" / "2026-11-18.md").read_text()
    feed_ids = entry_ids(desk / "briefs" / "feed.xml")
    result = run()
    assert result.exit_code == 0, result.output
    assert [r.headers.get("If-None-Match") for r, _ in httpserver.log] == [None, '"v1"']
    assert [resp.status_code for _, resp in httpserver.log] == [200, 304]
    assert (desk / "briefs" / "2026-11-18.md").read_text() == first  # no run time in it
    assert entry_ids(desk / "briefs" / "feed.xml") == feed_ids


def test_a_past_day_is_not_rewritten_without_force_and_latest_stays_newest(desk: Path) -> None:
    briefs = desk / "briefs"
    assert run().exit_code == 0
    assert run("--date", "2026-11-16").exit_code == 0  # a missed day, written later
    assert (briefs / "latest.md").read_text() == (briefs / "2026-11-18.md").read_text()
    before = (briefs / "2026-11-16.md").read_text()
    refused = run("--date", "2026-11-16")
    assert refused.exit_code == 1
    assert refused.stderr == (
        "error: briefs/2026-11-16.md already exists and 2026-11-16 is before today "
        "(2026-11-18): a dated brief is not rewritten by a later day; pass --force to replace it\n"
    )
    assert (briefs / "2026-11-16.md").read_text() == before
    assert run("--date", "2026-11-16", "--force").exit_code == 0
    assert (briefs / "latest.md").read_text() == (briefs / "2026-11-18.md").read_text()
    index = (briefs / "index.md").read_text()
    assert index.index("2026-11-18") < index.index("2026-11-16")  # newest first


def test_a_past_days_window_ends_with_that_day(desk: Path) -> None:
    assert run("--date", "2026-11-16").exit_code == 0
    brief = json.loads((desk / "briefs" / "2026-11-16.json").read_text())
    # 36 hours back from the end of the 16th: the 17th's item is after the day, the 10th's
    # before the window; the undated item and the note are kept.
    assert [s["title"] for s in brief["sources"]] == [
        "Students stranded on the mainland by the ferry strike", "Island shops run short",
    ]  # fmt: skip
    assert "(2026-11-15 12:00 UTC to 2026-11-17 00:00 UTC)" in brief["skipped_inputs"][0]["reason"]


def test_a_day_after_today_is_refused(desk: Path) -> None:
    result = run("--date", "2026-11-19")
    assert result.exit_code == 1
    assert result.stderr == (
        "error: --date 2026-11-19 is after today (2026-11-18 in UTC); give today or an earlier day\n"
    )
    assert not (desk / "briefs").exists()


def test_the_timezone_names_the_day(desk: Path) -> None:
    assert run("--timezone", "Pacific/Auckland").exit_code == 0  # 00:06 on the 19th there
    assert (desk / "briefs" / "2026-11-19.md").exists()


@pytest.mark.parametrize("date", ["2026-02-30", "18-11-2026", "20261118", "today"])
def test_a_bad_date_is_one_line(desk: Path, date: str) -> None:
    result = run("--date", date)
    assert result.exit_code == 2  # a usage error, as for every command
    assert result.stderr == f"error: --date {date!r}: give a day as YYYY-MM-DD, e.g. 2026-11-18\n"


def entry_ids(feed: Path) -> list[str]:
    root = ET.parse(feed).getroot()  # noqa: S314 - our own output
    return [e.findtext(f"{ATOM}id") or "" for e in root.iter(f"{ATOM}entry")]


def test_the_atom_feed_is_valid_and_its_ids_are_stable(desk: Path) -> None:
    (desk / "briefing.toml").write_text(
        (desk / "briefing.toml").read_text() + 'site_url = "https://news.example.org/desk"\n'
    )
    assert run("--date", "2026-11-17").exit_code == 0
    assert run().exit_code == 0
    path = desk / "briefs" / "feed.xml"
    root = ET.parse(path).getroot()  # noqa: S314 - our own output
    assert root.tag == f"{ATOM}feed"
    # RFC 4287: a feed has id, title, updated and an author (or every entry has one);
    # each entry id, title, updated, and content or an alternate link.
    for tag in ("id", "title", "updated"):
        assert root.findtext(f"{ATOM}{tag}")
    assert root.findtext(f"{ATOM}author/{ATOM}name") == "briefing"
    entries = root.findall(f"{ATOM}entry")
    titles = [e.findtext(f"{ATOM}title") or "" for e in entries]
    assert [t.split(": ", 1)[0] for t in titles] == ["2026-11-18", "2026-11-17"]
    assert "Harbour desk" not in " ".join(titles)  # the feed's title; entries name their lead
    assert root.findtext(f"{ATOM}title") == "Harbour desk"
    for entry in entries:
        for tag in ("id", "title", "updated", "summary"):
            assert entry.findtext(f"{ATOM}{tag}")
        links = entry.findall(f"{ATOM}link")
        assert links[0].get("href", "").startswith("https://news.example.org/desk/2026-11-1")
        assert links[0].get("type") == "text/html"
    self_link = root.find(f"{ATOM}link[@rel='self']")
    assert self_link is not None
    assert self_link.get("href") == "https://news.example.org/desk/feed.xml"
    parsed = feedparser.parse(path.read_bytes())
    assert not parsed.bozo
    assert parsed.version == "atom10"
    assert [e.link for e in parsed.entries] == [
        "https://news.example.org/desk/2026-11-18.html", "https://news.example.org/desk/2026-11-17.html",
    ]  # fmt: skip
    ids = entry_ids(path)
    assert len(set(ids)) == 2
    assert all(i.startswith("urn:uuid:") for i in ids)
    feed_id = root.findtext(f"{ATOM}id")
    path.unlink()  # made again from site_url: the same ids
    assert run().exit_code == 0
    assert entry_ids(path) == ids
    assert ET.parse(path).getroot().findtext(f"{ATOM}id") == feed_id  # noqa: S314


def test_without_a_site_url_the_feed_keeps_the_id_it_was_given(desk: Path) -> None:
    assert run().exit_code == 0
    path = desk / "briefs" / "feed.xml"
    ids = entry_ids(path)
    (desk / "briefing.toml").write_text(
        (desk / "briefing.toml").read_text().replace("Harbour desk", "Island desk")
    )
    assert run().exit_code == 0
    assert entry_ids(path) == ids
    assert ET.parse(path).getroot().findtext(f"{ATOM}title") == "Island desk"  # noqa: S314


def test_only_the_configured_formats_are_written(desk: Path) -> None:
    assert run("--formats", "md").exit_code == 0
    assert names(desk / "briefs") == [
        ".state",
        "2026-11-18.md",
        "feed.xml",
        "index.html",
        "index.md",
        "latest.md",
    ]
    assert "[md](2026-11-18.md)" in (desk / "briefs" / "index.md").read_text()


# --- settings ------------------------------------------------------------------------


def test_precedence_is_cli_then_environment_then_file_then_default(tmp_path: Path) -> None:
    config = tmp_path / "desk.toml"
    config.write_text(
        'inputs = ["a.txt"]\nwindow = "2d"\ntimezone = "Europe/Berlin"\ntitle = "File"\n'
    )
    environ = {"BRIEFING_WINDOW": "12h", "BRIEFING_TITLE": "Environment"}
    settings = resolve({"title": "Command line"}, config=str(config), environ=environ)
    assert settings["title"] == "Command line"
    assert settings["window"] == timedelta(hours=12)
    assert settings["timezone"] == "Europe/Berlin"
    assert settings["formats"] == ("md", "json", "html")
    assert settings["engine"] == "auto"
    # Paths in the file are relative to its folder; URLs stay as they are.
    assert settings["inputs"] == (str(tmp_path / "a.txt"),)
    assert settings["output_dir"] == tmp_path / "briefs"  # the default, beside the file


def test_paths_in_the_file_are_relative_to_its_folder(tmp_path: Path) -> None:
    config = tmp_path / "desk" / "briefing.toml"
    config.parent.mkdir()
    config.write_text(
        'inputs = ["notes/*.txt", "https://example.org/feed", "/abs/x.rss"]\noutput_dir = "out"\n'
    )
    settings = resolve({}, config=str(config), environ={})
    assert settings["inputs"] == (
        str(tmp_path / "desk" / "notes/*.txt"),
        "https://example.org/feed",
        "/abs/x.rss",
    )
    assert settings["output_dir"] == tmp_path / "desk" / "out"
    from_cli = resolve({"output_dir": "elsewhere"}, config=str(config), environ={})
    assert str(from_cli["output_dir"]) == "elsewhere"  # the command line's is the working folder's


def test_the_environment_gives_inputs_and_the_config_file() -> None:
    environ = {"BRIEFING_INPUTS": "feeds/*.rss 'my notes.txt' https://example.org/feed"}
    settings = resolve({}, environ=environ)
    assert settings["inputs"] == ("feeds/*.rss", "my notes.txt", "https://example.org/feed")
    assert settings.config_file is None  # no briefing.toml here, and none needed


def test_every_key_is_an_option_and_an_environment_variable() -> None:
    result = CliRunner().invoke(cli, ["daily", "--help"])
    assert result.exit_code == 0
    for key in KEYS[1:]:
        assert key.option in result.output
    environ = {key.variable: "" for key in KEYS}
    assert resolve({"inputs": ("x",)}, environ=environ)["window"] == timedelta(hours=36)


@pytest.mark.parametrize(
    ("toml", "message"),
    [
        (
            'inputs = ["a"]\nwindw = "2h"\n',
            "unknown key 'windw'; the known keys are inputs, output_dir, formats, ",
        ),
        (
            'inputs = ["a"]\nwindow = "3 days"\n',
            'desk.toml: window = "3 days": give a duration of up to a year such as "36h", "2d" or "90m"',
        ),
        (
            'inputs = ["a"]\nformats = ["md", "pdf"]\n',
            "desk.toml: formats = ['md', 'pdf']: unknown format 'pdf'; give some of md, json, html",
        ),
        (
            'inputs = ["a"]\ntimezone = "Mars/Olympus"\n',
            'desk.toml: timezone = "Mars/Olympus": give an IANA time zone name such as "UTC" or "Europe/Berlin"',
        ),
        (
            'inputs = ["a"]\nfail_under = 2\n',
            "desk.toml: fail_under = 2: give a fraction from 0 to 1, e.g. 0.95",
        ),
        (
            'inputs = ["a"]\nmax_input_mb = -1\n',
            "desk.toml: max_input_mb = -1: give a size in MB greater than 0, e.g. 50",
        ),
        (
            'inputs = ["a"]\nfetch_retries = 20\n',
            "desk.toml: fetch_retries = 20: give a whole number from 0 to 10",
        ),
        ('inputs = ["a"]\nno_cache = "yes"\n', 'desk.toml: no_cache = "yes": give true or false'),
        (
            'inputs = ["a"]\nengine = "gpt"\n',
            'desk.toml: engine = "gpt": give one of auto, extractive, openai',
        ),
        (
            'inputs = "a"\nsite_url = "ftp://x"\n',
            'desk.toml: site_url = "ftp://x": give the http(s) address',
        ),
        (
            "inputs = []\n",
            "desk.toml has no inputs: give the inputs as `inputs = [...]` in the config file",
        ),
        ('inputs = ["a"\n', "desk.toml: not valid TOML (Unclosed array"),
    ],
)
def test_bad_config_is_one_line_naming_the_key_and_the_fix(
    tmp_path: Path, toml: str, message: str
) -> None:
    config = tmp_path / "desk.toml"
    config.write_text(toml)
    result = CliRunner().invoke(cli, ["daily", "--config", str(config)])
    assert result.exit_code == 1
    assert result.stderr.count("\n") == 1
    assert result.stderr.startswith("error: ")
    assert message in result.stderr


@pytest.mark.parametrize(
    ("environ", "args", "message"),
    [
        (
            {"BRIEFING_WINDOW": "soon"},
            [],
            'BRIEFING_WINDOW=soon: give a duration of up to a year such as "36h"',
        ),
        (
            {"BRIEFING_NO_CACHE": "maybe"},
            [],
            "BRIEFING_NO_CACHE=maybe: give true or false (or 1 / 0)",
        ),
        ({"BRIEFING_DATE": "tomorrow"}, [], "BRIEFING_DATE 'tomorrow': give a day as YYYY-MM-DD"),
        ({}, ["--max-concurrency", "0"], "--max-concurrency 0: give a whole number, at least 1"),
        ({}, ["--config", "missing.toml"], "missing.toml: no such config file; check the path"),
        ({"BRIEFING_CONFIG": "gone.toml"}, [], "gone.toml: no such config file"),
    ],
)
def test_bad_settings_from_the_environment_or_the_command_line(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    environ: dict[str, str],
    args: list[str],
    message: str,
) -> None:
    monkeypatch.chdir(tmp_path)
    for name, value in environ.items():
        monkeypatch.setenv(name, value)
    result = CliRunner().invoke(cli, ["daily", "x.txt", *args])
    # A bad option value is a usage error (2); the environment's and files', 1.
    assert result.exit_code == (2 if args and args[0] != "--config" else 1)
    assert result.stderr.count("\n") == 1
    assert message in result.stderr


def test_no_config_and_no_inputs_says_what_to_do(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = run()
    assert result.exit_code == 1
    assert result.stderr == (
        "error: no briefing.toml here: give the inputs as `inputs = [...]` in the config file, "
        "as arguments or in BRIEFING_INPUTS\n"
    )


def test_a_config_error_raises_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="BRIEFING_FORMATS=md,pdf: unknown format 'pdf'"):
        resolve({"inputs": ("a",)}, environ={"BRIEFING_FORMATS": "md,pdf"})


def test_the_output_folder_is_not_read_as_an_input(desk: Path) -> None:
    assert run().exit_code == 0
    result = run(".")
    assert result.exit_code == 1
    assert result.stderr.startswith(
        "error: briefs/2026-11-18.html: an input inside the output folder briefs;"
    )


def test_text_xml_cannot_hold_stays_out_of_the_feed(desk: Path) -> None:
    assert run("--formats", "json").exit_code == 0
    path = desk / "briefs" / "2026-11-18.json"
    brief = json.loads(path.read_text())
    brief["stories"][0]["headline"] = "Harbour\x01 desk \U0001f6a2"
    path.write_text(json.dumps(brief))
    assert run("--formats", "json").exit_code == 0  # today: written again, from the feed
    path.write_text(json.dumps(brief))
    (desk / "briefs" / "feed.xml").unlink()
    assert run("--formats", "json", "--date", "2026-11-17").exit_code == 0
    titles = [
        e.title for e in feedparser.parse((desk / "briefs" / "feed.xml").read_bytes()).entries
    ]
    assert titles[0] == "2026-11-18: Harbour\ufffd desk \U0001f6a2"


def test_a_day_is_named_by_its_lead_story_else_its_title(tmp_path: Path) -> None:
    lead = {"id": "st-2", "headline": "Ferries run again", "bottom_line": [{"text": "Yes."}]}
    other = {"id": "st-1", "headline": "Shops restocked"}
    days = {
        "2026-11-18": {"title": "Desk", "stories": [other, lead], "overview": ["st-2"]},
        "2026-11-17": {"title": "Desk", "stories": [other]},
        "2026-11-16": {"title": "Desk"},  # a brief from before stories: its title
    }
    for day, data in days.items():
        (tmp_path / f"{day}.json").write_text(json.dumps(data))
    listed = entries(tmp_path)
    assert [e.name for e in listed] == ["Ferries run again", "Shops restocked", "Desk"]
    assert listed[0].bottom_line == ("Yes.",)


def test_the_readme_config_is_complete_and_valid(tmp_path: Path) -> None:
    readme = (ROOT / "README.md").read_text()
    section = readme.split("## Daily briefs", 1)[1]
    toml = section.split("```toml\n", 1)[1].split("```", 1)[0]
    config = tmp_path / "briefing.toml"
    config.write_text(toml)
    settings = resolve({}, config=str(config), environ={})
    assert settings["timezone"] == "Europe/Berlin"
    assert settings["inputs"][2] == "https://www.example.org/news/rss.xml"
    commented = {
        line.split()[1] for line in toml.splitlines() if line.startswith("# ") and "=" in line
    }
    assert set(tomllib.loads(toml)) | commented | {"prompts", "prices"} == {
        key.name for key in KEYS
    }


def test_quiet_prints_nothing_routine(desk: Path) -> None:
    (desk / "notes" / "copy.txt").write_text(NOTE)  # a duplicate on every run
    loud = run()
    assert "outside the window" in loud.stderr
    assert "left out as a duplicate" in loud.stderr
    quiet = run("-q")
    assert quiet.exit_code == 0
    assert quiet.stderr == ""
    (desk / "notes" / "empty.txt").write_text("")  # this one needs a person
    assert run("-q").stderr.startswith("warning: skipped notes/empty.txt: ")


def test_a_bad_option_value_is_a_usage_error_as_in_generate(desk: Path) -> None:
    daily = run("--fail-under", "2")
    generate = CliRunner().invoke(cli, ["generate", "notes", "--fail-under", "2"])
    assert daily.exit_code == generate.exit_code == 2
    assert daily.stderr == "error: --fail-under 2: give a fraction from 0 to 1, e.g. 0.95\n"
