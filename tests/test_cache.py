"""The on-disk reply cache: content-addressed, atomic, never fatal."""

from __future__ import annotations

from typing import TYPE_CHECKING

from briefing import config
from briefing.llm.cache import ResponseCache, content_key

if TYPE_CHECKING:
    from pathlib import Path


def test_keys_depend_on_content_not_key_order():
    assert content_key({"a": 1, "b": [1, 2]}) == content_key({"b": [1, 2], "a": 1})
    assert content_key({"a": 1}) != content_key({"a": 2})


def test_round_trip_and_miss(tmp_path: Path):
    cache = ResponseCache(tmp_path)
    key = content_key("x")
    assert cache.get(key) is None
    cache.put(key, '{"content": "hi"}')
    assert cache.get(key) == '{"content": "hi"}'
    assert (tmp_path / key[:2] / f"{key}.json").is_file()
    assert not list(tmp_path.rglob("*.tmp"))


def test_unwritable_cache_is_a_warning_not_an_error(tmp_path: Path, caplog):
    blocker = tmp_path / "file"
    blocker.write_text("not a directory", encoding="utf-8")
    cache = ResponseCache(blocker)
    cache.put(content_key("x"), "{}")
    assert cache.get(content_key("x")) is None
    assert "could not write cache entry" in caplog.text


def test_cache_root_honours_xdg_cache_home(tmp_path: Path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert config.cache_root() == tmp_path / "briefing"
    monkeypatch.delenv("XDG_CACHE_HOME")
    assert config.cache_root().name == "briefing"


def test_a_failed_write_leaves_no_temporary_file_and_only_warns(tmp_path: Path, caplog):
    cache = ResponseCache(tmp_path)
    key = content_key("x")
    entry = tmp_path / key[:2] / f"{key}.json"
    entry.mkdir(parents=True)  # a folder where the entry goes: the final rename fails
    cache.put(key, '{"content": "hi"}')
    assert "could not write cache entry" in caplog.text
    assert list(entry.parent.iterdir()) == [entry]  # the written temporary file is gone
    assert cache.get(key) is None
