"""The on-disk reply cache: content-addressed, atomic, never fatal."""

from __future__ import annotations

import asyncio
import threading
from typing import TYPE_CHECKING

import pytest
from llm_fixtures import (
    FakeBackend,
    harrowgate_sources,
    points_merged,
    reply,
    well_behaved_map,
)

from briefing import config
from briefing.engines.llm import LLMEngine
from briefing.errors import ContextLengthError
from briefing.llm import cache as cache_module
from briefing.llm.cache import ResponseCache, content_key
from briefing.llm.chat import CachingBackend, ChatReply, ChatRequest
from briefing.llm.schemas import JudgeResult
from briefing.llm.settings import LLMSettings

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


# --- what the caching backend stores: whole answers only ------------------------------


class Answers:
    """A backend that gives its replies (or raises its errors) in turn and counts requests."""

    def __init__(self, *answers: ChatReply | Exception) -> None:
        self.answers = list(answers)
        self.requests = 0

    async def complete(self, request: ChatRequest) -> ChatReply:  # noqa: ARG002
        self.requests += 1
        answer = self.answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer

    async def aclose(self) -> None:
        pass


REQUEST = ChatRequest(
    model="m",
    messages=[{"role": "user", "content": "judge this"}],
    schema=JudgeResult,
    max_completion_tokens=100,
)
GOOD = reply('{"verdicts": []}')
FAILURES = {
    "refused": reply(None, refusal="I can't."),
    "cut off": reply('{"verdicts": [', finish_reason="length"),
    "content filter": reply('{"verdicts": []}', finish_reason="content_filter"),
    "invalid JSON": reply('{"verdicts": [}'),
    "empty": reply(""),
    "no content": reply(None),
    "wrong shape": reply('{"answers": []}'),
    "wrong types": reply('{"verdicts": [{"key": 1}]}'),
}


def complete(backend: CachingBackend) -> ChatReply:
    return asyncio.run(backend.complete(REQUEST))


@pytest.mark.parametrize("failure", FAILURES.values(), ids=FAILURES)
def test_a_failed_reply_is_not_cached_and_the_next_run_asks_again(tmp_path: Path, failure):
    cache = ResponseCache(tmp_path)
    first = Answers(failure)
    assert complete(CachingBackend(first, cache)) == failure
    assert list(tmp_path.rglob("*.json")) == []
    healthy = Answers(GOOD)
    assert complete(CachingBackend(healthy, cache)) == GOOD
    assert healthy.requests == 1
    again = Answers()
    assert complete(CachingBackend(again, cache)).from_cache
    assert again.requests == 0


@pytest.mark.parametrize("failure", FAILURES.values(), ids=FAILURES)
def test_a_failure_an_earlier_version_cached_is_dropped_and_asked_again(tmp_path: Path, failure):
    cache = ResponseCache(tmp_path)
    key = REQUEST.cache_key()
    cache.put(key, failure.model_dump_json())
    healthy = Answers(GOOD)
    assert complete(CachingBackend(healthy, cache)) == GOOD
    assert healthy.requests == 1
    assert ChatReply.model_validate_json(cache.get(key) or "") == GOOD


def test_an_overflow_is_not_cached_and_an_earlier_versions_entry_is_dropped(tmp_path: Path):
    cache = ResponseCache(tmp_path)
    cache.put(REQUEST.cache_key(), '{"context_length_exceeded": "too long"}')
    small = Answers(ContextLengthError("too long"))
    with pytest.raises(ContextLengthError):
        complete(CachingBackend(small, cache))
    assert list(tmp_path.rglob("*.json")) == []
    bigger = Answers(GOOD)  # the same server restarted with a longer context
    assert complete(CachingBackend(bigger, cache)) == GOOD
    assert bigger.requests == 1


def test_a_kept_failure_is_replayed(tmp_path: Path):
    cache = ResponseCache(tmp_path)
    cut = FAILURES["cut off"]
    backend = CachingBackend(Answers(cut), cache)
    assert complete(backend) == cut
    backend.keep(REQUEST)  # the engine got around it (its smaller retries all succeeded)
    again = Answers()
    replayed = complete(CachingBackend(again, cache))
    assert (replayed.content, replayed.finish_reason, replayed.from_cache) == (
        cut.content,
        "length",
        True,
    )
    assert again.requests == 0
    overflow = CachingBackend(Answers(ContextLengthError("does not fit")), cache, "other")
    with pytest.raises(ContextLengthError):
        complete(overflow)
    overflow.keep(REQUEST)
    with pytest.raises(ContextLengthError, match="does not fit"):
        complete(CachingBackend(Answers(), cache, "other"))


def test_keep_stores_nothing_for_a_good_reply_or_without_a_cache(tmp_path: Path):
    cache = ResponseCache(tmp_path)
    backend = CachingBackend(Answers(GOOD), cache)
    complete(backend)
    backend.keep(REQUEST)
    (entry,) = tmp_path.rglob("*.json")
    assert not ChatReply.model_validate_json(entry.read_text(encoding="utf-8")).recovered
    uncached = CachingBackend(Answers(FAILURES["refused"]), None)
    complete(uncached)
    uncached.keep(REQUEST)


# --- writing in the background (the LLM engine's caches) ----------------------------------


def test_a_background_write_is_read_from_memory_until_it_is_on_disk(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    gate = threading.Event()
    real = cache_module.write_atomically

    def held(path: Path, text: str | bytes) -> None:
        gate.wait(timeout=10)
        real(path, text)

    monkeypatch.setattr(cache_module, "write_atomically", held)
    cache = ResponseCache(tmp_path, background=True)
    key, gone = content_key("x"), content_key("y")
    cache.put(key, '{"content": "first"}')
    cache.put(key, '{"content": "second"}')  # in the order asked: the later one stays
    cache.put(gone, "{}")
    cache.discard(gone)
    assert not list(tmp_path.rglob("*.json"))  # nothing written yet: put did not wait
    assert cache.get(key) == '{"content": "second"}'
    assert cache.get(gone) is None
    gate.set()
    cache.flush()
    fresh = ResponseCache(tmp_path)
    assert fresh.get(key) == '{"content": "second"}'
    assert fresh.get(gone) is None
    assert not list(tmp_path.rglob("*.tmp"))


def test_the_engine_writes_its_caches_off_the_event_loop_and_all_of_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    writers: list[str] = []
    real = cache_module.write_atomically

    def recorded(path: Path, text: str | bytes) -> None:
        writers.append(threading.current_thread().name)
        real(path, text)

    monkeypatch.setattr(cache_module, "write_atomically", recorded)
    sources = harrowgate_sources()
    settings = LLMSettings(base_url="http://x/v1", cache_dir=tmp_path)
    backend = FakeBackend(maps=well_behaved_map, reduces=points_merged)
    engine = LLMEngine(settings, backend)
    loop_thread: list[str] = []

    async def run() -> None:
        loop_thread.append(threading.current_thread().name)
        await engine.awrite_stories(sources, [[s.id for s in sources]])

    asyncio.run(run())
    # The replies and the kept summaries and merge, none by the loop's thread.
    assert len(writers) == len(backend.requests) + len(sources) + 1
    assert loop_thread[0] not in writers
    # All on disk when the run returns: a rerun sends nothing.
    again = FakeBackend(maps=well_behaved_map, reduces=points_merged)
    asyncio.run(LLMEngine(settings, again).awrite_stories(sources, [[s.id for s in sources]]))
    assert again.requests == []
