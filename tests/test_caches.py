"""Bounded caches: age and size limits, least recently used first, `briefing cache`."""

from __future__ import annotations

import os
import time
from typing import TYPE_CHECKING

import pytest
from click.testing import CliRunner

from briefing import caches, config
from briefing.cli import cli
from briefing.ingest.http_cache import HTTPCache, Stored
from briefing.llm.cache import ResponseCache, content_key

if TYPE_CHECKING:
    from pathlib import Path

DAY = caches.DAY


def aged(path: Path, days: float) -> None:
    moment = time.time() - days * DAY
    os.utime(path, (moment, moment))


def replies(folder: Path, count: int, size: int = 1000) -> list[str]:
    cache = ResponseCache(folder)
    keys = [content_key(n) for n in range(count)]
    for n, key in enumerate(keys):
        cache.put(key, '{"content": "' + "x" * size + '"}')
        aged(cache._path(key), count - n)  # key 0 is the oldest  # noqa: SLF001
    return keys


def test_entries_unused_for_too_long_go_and_a_hit_keeps_one(tmp_path: Path) -> None:
    cache = ResponseCache(tmp_path)
    keys = replies(tmp_path, 5)
    for key in keys[:3]:
        aged(cache._path(key), 100)  # noqa: SLF001
    assert cache.get(keys[0]) is not None  # a hit: used today, so kept
    done = caches.prune("responses", tmp_path)
    assert (done.removed, done.left) == (2, 3)
    assert [cache.get(k) is not None for k in keys] == [True, False, False, True, True]


def test_over_the_size_limit_the_least_recently_used_go_first(tmp_path: Path) -> None:
    cache = ResponseCache(tmp_path)
    keys = replies(tmp_path, 10, size=100_000)  # about 1 MB in all
    done = caches.prune("responses", tmp_path, max_mb=0.45)
    assert done.size <= 450_000
    assert done.left == 4
    assert [cache.get(k) is not None for k in keys] == [False] * 6 + [True] * 4


def test_a_fetched_urls_two_files_go_together(tmp_path: Path) -> None:
    cache = HTTPCache(tmp_path)
    stored = Stored('"v1"', None, "application/rss+xml", "http://example.invalid/feed", b"<rss/>")
    cache.put("http://example.invalid/feed", stored)
    for path in tmp_path.rglob("*.*"):
        aged(path, 40)
    (entry,) = caches.entries(tmp_path)
    assert sorted(p.suffix for p in entry.files) == [".body", ".json"]
    done = caches.prune("http", tmp_path)
    assert done.removed == 1
    assert [p for p in tmp_path.rglob("*") if p.is_file() and p.name != ".pruned"] == []


def test_a_temporary_left_by_a_killed_write_goes_after_a_day(tmp_path: Path) -> None:
    """A run killed between writing an entry's temporary file and renaming it leaves the
    temporary; one a day old is not being written by anyone (a live one is kept)."""
    cache = HTTPCache(tmp_path)
    stored = Stored('"v1"', None, "application/rss+xml", "http://example.invalid/feed", b"<rss/>")
    cache.put("http://example.invalid/feed", stored)
    (record,) = tmp_path.rglob("*.json")
    stale = record.with_name(f".{record.name}.0123abcd.tmp")
    live = record.with_name(f".{record.name}.89abcdef.tmp")
    for path in (stale, live):
        path.write_bytes(b'{"url": ')
    aged(stale, 1.1)
    done = caches.prune("http", tmp_path)
    assert (done.removed, done.left) == (0, 1)  # temporaries are not entries
    assert not stale.exists()
    assert live.exists()
    assert cache.get("http://example.invalid/feed") == stored


def test_a_run_prunes_its_cache_once_a_day(tmp_path: Path) -> None:
    keys = replies(tmp_path, 3)
    cache = ResponseCache(tmp_path)
    aged(cache._path(keys[0]), 200)  # noqa: SLF001
    caches.prune_if_due("responses", tmp_path)
    assert cache.get(keys[0]) is None
    aged(cache._path(keys[1]), 200)  # noqa: SLF001
    caches.prune_if_due("responses", tmp_path)  # pruned less than a day ago: not again
    assert (tmp_path / keys[1][:2] / f"{keys[1]}.json").exists()


def test_cache_info_and_prune_commands() -> None:
    folder = config.cache_root() / "responses"  # XDG_CACHE_HOME is the test's (conftest)
    replies(folder, 4, size=10)
    info = CliRunner().invoke(cli, ["cache", "info"])
    assert info.exit_code == 0
    assert f"responses: {folder}: 4 entries, 0.0 MB; used " in info.stdout
    assert "(limits: 500 MB, 90 days unused)" in info.stdout
    pruned = CliRunner().invoke(cli, ["cache", "prune", "--max-days", "2.5"])
    assert pruned.exit_code == 0
    assert "responses: removed 2 entries" in pruned.stderr
    assert "2 left" in pruned.stderr
    emptied = CliRunner().invoke(cli, ["cache", "prune", "--all", "-q"])
    assert (emptied.exit_code, emptied.stderr) == (0, "")
    assert (
        "responses: " + str(folder) + ": 0 entries"
        in CliRunner().invoke(cli, ["cache", "info"]).stdout
    )


def test_the_daily_state_keeps_a_bounded_number_of_run_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from briefing.daily import state  # noqa: PLC0415
    from briefing.models import RunReport  # noqa: PLC0415

    monkeypatch.setattr(state, "KEEP_RUNS", 3)
    kept = state.State(tmp_path)
    for day in range(1, 6):
        kept.record_run(f"2026-11-0{day}", RunReport(seconds=1.0))
    runs = sorted(p.stem for p in (tmp_path / ".state" / "runs").iterdir())
    assert runs == ["2026-11-03", "2026-11-04", "2026-11-05"]
