"""The publication window: what is surely outside is left out, with one note per input;
undated and unreadable dates are kept; a bare date or month counts as a span."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from typing import TYPE_CHECKING

import pytest

import briefing
from briefing.errors import ConfigError
from briefing.ingest.article import Article
from briefing.ingest.window import PublishedWindow

if TYPE_CHECKING:
    from pathlib import Path

AFTER = datetime(2026, 11, 17, 12, tzinfo=UTC)
BEFORE = datetime(2026, 11, 19, tzinfo=UTC)
WINDOW = PublishedWindow(AFTER, BEFORE)


@pytest.mark.parametrize(
    ("published", "admitted"),
    [
        (None, True),
        ("", True),
        ("not a date", True),
        ("2026-11-18T07:00:00+00:00", True),
        ("2026-11-17T12:00:00+00:00", True),  # the first instant is inside
        ("2026-11-17T11:59:59+00:00", False),
        ("2026-11-19T00:00:00+00:00", False),  # `before` is not
        ("2026-11-17T13:00:00+02:00", False),  # 11:00 UTC
        ("2026-11-17T11:00:00", False),  # no offset: read in the window's zone
        ("2026-11-17", True),  # the day reaches into the window
        ("2026-11-16", False),
        ("2026-11", True),
        ("2026-10", False),
        ("2026-12", False),
    ],
)
def test_what_the_window_admits(published: str | None, admitted: bool) -> None:
    assert WINDOW.admits(published) is admitted


def test_a_naive_time_is_read_in_the_windows_zone() -> None:
    east = timezone(timedelta(hours=5))
    window = PublishedWindow(
        datetime(2026, 11, 17, 12, tzinfo=east), datetime(2026, 11, 19, tzinfo=east)
    )
    assert window.admits("2026-11-17T12:30:00")  # 07:30 UTC
    assert not window.admits("2026-11-17T11:30:00")  # 06:30 UTC; inside were it read as UTC
    assert not window.admits("2026-11-17T06:30:00+00:00")
    assert window.admits("2026-11-17T07:30:00+00:00")


def test_one_note_per_input_counts_what_was_left_out() -> None:
    articles = [
        Article("a", "text", published="2026-11-18T07:00:00+00:00"),
        Article("b", "text", published="2026-11-10"),
        Article("c", "text", published="2026-11-11T07:00:00+00:00"),
        Article("d", "text"),
    ]
    kept, notes = WINDOW.split(articles, "feeds/harbour.rss")
    assert [a.title for a in kept] == ["a", "d"]
    assert notes == [
        (
            "feeds/harbour.rss (2 items outside the window)",
            (
                "published outside the window (2026-11-17 12:00 UTC to 2026-11-19 00:00 UTC), "
                "so left out of this brief; widen the window to include them"
            ),
        )
    ]
    assert WINDOW.split(articles[:1], "x") == (articles[:1], [])


def test_the_api_options_are_checked() -> None:
    assert PublishedWindow.from_options() is None
    with pytest.raises(ConfigError, match=r"published_after is datetime\.datetime"):
        PublishedWindow.from_options(published_after=datetime(2026, 11, 17))  # noqa: DTZ001 - the point
    with pytest.raises(ConfigError, match="is not before"):
        PublishedWindow.from_options(published_after=BEFORE, published_before=AFTER)
    open_ended = PublishedWindow.from_options(published_after=AFTER)
    assert open_ended is not None
    assert open_ended.admits("2999-01-01T00:00:00+00:00")
    assert not open_ended.admits("2026-01-01")


def test_generate_leaves_out_old_articles_and_says_so(tmp_path: Path) -> None:
    fresh = briefing.Article(
        "Ferry crews strike for a third day",
        "Ferry crews in Port Elsin stayed off work on Tuesday for the third day running.",
        published="2026-11-18T07:00:00Z",
    )
    old = briefing.Article(
        "Ferry timetable changes for winter",
        "The winter timetable for the island ferries starts on the first of November.",
        published="2026-10-20",
    )
    brief = briefing.generate(
        [fresh, old], engine="extractive", published_after=AFTER, published_before=BEFORE
    )
    assert [s.title for s in brief.sources] == [fresh.title]
    assert [s.path for s in brief.skipped_inputs] == ["articles given (1 item outside the window)"]
    with pytest.raises(briefing.NoUsableInputError, match="outside the window"):
        briefing.generate([old], engine="extractive", published_after=AFTER)
