"""A rerun with nothing changed is the brief kept whole (briefing/kept_briefs.py): no
request, no drafting, the same bytes; anything that decides the brief (an input, an
option, the reviewer's decisions, the code) is a miss, and a run that was not whole is not
kept. Against the local fake of an OpenAI-compatible server."""

from __future__ import annotations

import os
import shutil
from typing import TYPE_CHECKING, Any

import pytest
from fake_server import (
    STRIKE,
    Reply,
    always,
    completion,
    engine_options,
    serving,
    write_articles,
)

import briefing
from briefing import kept_briefs, pipeline
from briefing.engines.llm import LLMEngine
from briefing.ingest.article import Article

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    from fake_server import FakeServer

    from briefing.models import Brief

pytestmark = pytest.mark.block_network(allowed_hosts=["127.0.0.1"])

# Our own writing: a second story beside the strike, and one more report on the strike.
FIRE = {
    "d.txt": [
        "Fire closes the Harl Island library",
        "A fire in the roof of the Harl Island library closed it on Tuesday night.",
    ],
}
NEW_REPORT = {
    "e.txt": [
        "Port Elsin ferry crews vote on the offer",
        "The Port Elsin ferry crews will vote on the operator's offer on Friday.",
    ],
}


@pytest.fixture(autouse=True)
def pinned_time(monkeypatch: pytest.MonkeyPatch) -> None:
    """Briefs written at one time, so that two runs' bytes can be compared."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")


@pytest.fixture
def server() -> Iterator[FakeServer]:
    yield from serving()


@pytest.fixture
def inputs(tmp_path: Path) -> Path:
    return write_articles(tmp_path / "inputs", {**STRIKE, **FIRE})


@pytest.fixture
def drafted(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many times the LLM engine drafted a day, run by run."""
    real = LLMEngine.awrite_stories
    runs: list[int] = []

    async def counting(self: LLMEngine, *args: Any, **kwargs: Any) -> Any:
        runs.append(1)
        return await real(self, *args, **kwargs)

    monkeypatch.setattr(LLMEngine, "awrite_stories", counting)
    return runs


def generate(inputs: Path, server: FakeServer, cache: Path, **more: Any) -> Brief:
    return briefing.generate([inputs], engine="openai", **engine_options(server, cache, **more))


def both_formats(brief: Brief) -> tuple[str, str]:
    return briefing.render(brief, "md"), briefing.render(brief, "json")


def test_a_rerun_with_nothing_changed_is_the_kept_brief(
    inputs: Path,
    server: FakeServer,
    tmp_path: Path,
    drafted: list[int],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    first = generate(inputs, server, tmp_path / "cache")
    assert server.sent()
    assert drafted == [1]
    assert first.run is not None
    assert first.run.calls > 0
    server.requests.clear()
    again = generate(inputs, server, tmp_path / "cache")
    assert server.sent() == []
    assert drafted == [1]  # nothing drafted, combined or verified again
    assert both_formats(again) == both_formats(first)
    assert again.run is not None
    assert (again.run.calls, again.run.cached_calls, again.run.cost_usd) == (0, 0, 0.0)
    # `-v` says where the brief came from.
    assert again.run.kept
    assert not first.run.kept
    assert "earlier run wrote from the same inputs" in again.run.line()
    # Dated by the run that renders it, as a brief written now.
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1800000000")
    later = generate(inputs, server, tmp_path / "cache")
    assert later.generated_at.timestamp() == 1800000000
    assert both_formats(later.model_copy(update={"generated_at": first.generated_at})) == (
        both_formats(first)
    )


@pytest.mark.parametrize(
    ("change", "requests"),
    [
        ("an input edited", True),
        ("a title given", False),
        ("a setting changed", False),
        ("the code changed", False),
    ],
)
def test_anything_that_decides_the_brief_is_a_miss(  # noqa: PLR0913, PLR0917 - fixtures
    change: str,
    requests: bool,
    inputs: Path,
    server: FakeServer,
    tmp_path: Path,
    drafted: list[int],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    cache = tmp_path / "cache"
    generate(inputs, server, cache)
    more: dict[str, Any] = {}
    if change == "an input edited":
        write_articles(inputs, {"d.txt": [FIRE["d.txt"][0], "The fire began on Monday night."]})
    elif change == "a title given":
        more["title"] = "Port Elsin and Harl Island"
    elif change == "a setting changed":
        more["max_concurrency"] = 2  # changes nothing in the brief: only costs a miss
    else:
        monkeypatch.setattr(kept_briefs, "code_version", lambda: "another version")
    server.requests.clear()
    changed = generate(inputs, server, cache, **more)
    assert drafted == [1, 1]
    # The replies and kept summaries still answer what did not change.
    assert bool(server.sent()) is requests
    fresh = generate(inputs, server, tmp_path / "fresh", **more)
    assert both_formats(changed) == both_formats(fresh)


def test_a_day_with_one_new_article_asks_only_for_it_and_is_right(
    inputs: Path, server: FakeServer, tmp_path: Path
) -> None:
    generate(inputs, server, tmp_path / "cache")
    write_articles(inputs, NEW_REPORT)
    server.requests.clear()
    today = generate(inputs, server, tmp_path / "cache")
    sent = server.sent()
    # The new report's map request, and the merge of its story only.
    assert [s["response_format"]["json_schema"]["name"] for s in sent] == [
        "MapResult",
        "ReduceResult",
    ]
    fresh = generate(inputs, server, tmp_path / "fresh")
    assert both_formats(today) == both_formats(fresh)


def test_a_run_that_fell_back_is_not_kept(
    inputs: Path, server: FakeServer, tmp_path: Path, drafted: list[int]
) -> None:
    server.fault = always(Reply(body=completion(None, refusal="I cannot help with that.")))
    first = generate(inputs, server, tmp_path / "cache")
    assert first.engine.fallback
    server.fault = None
    server.requests.clear()
    again = generate(inputs, server, tmp_path / "cache")
    assert server.sent()
    assert drafted == [1, 1]
    assert not again.engine.fallback


def test_no_cache_keeps_nothing(inputs: Path, server: FakeServer, tmp_path: Path) -> None:
    generate(inputs, server, tmp_path / "cache", use_cache=False)
    assert not (tmp_path / "cache").exists()


def test_the_code_version_changes_with_any_file_of_the_package(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    package = tmp_path / "briefing"
    shutil.copytree(kept_briefs._PACKAGE, package)  # noqa: SLF001 - the folder it hashes
    monkeypatch.setattr(kept_briefs, "_PACKAGE", package)
    kept_briefs.code_version.cache_clear()
    try:
        before = kept_briefs.code_version()
        kept_briefs.code_version.cache_clear()
        assert kept_briefs.code_version() == before
        template = next(package.rglob("*.py"))
        template.write_text(template.read_text(encoding="utf-8") + " ", encoding="utf-8")
        kept_briefs.code_version.cache_clear()
        assert kept_briefs.code_version() != before
    finally:
        kept_briefs.code_version.cache_clear()


def test_a_rerun_of_the_same_files_reads_nothing_and_makes_no_engine(
    inputs: Path, server: FakeServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    steps: list[str] = []
    for name in ("choose_engine", "load_sources"):
        real = getattr(pipeline, name)

        def counting(*args: Any, _real: Any = real, _name: str = name, **kwargs: Any) -> Any:
            steps.append(_name)
            return _real(*args, **kwargs)

        monkeypatch.setattr(pipeline, name, counting)
    monkeypatch.setattr(LLMEngine, "prepare", lambda _: steps.append("prepare"))
    generate(inputs, server, tmp_path / "cache")
    assert sorted(steps) == ["choose_engine", "load_sources", "prepare"]
    steps.clear()
    # A file touched, its bytes the same: the same brief, its files only hashed.
    touched = inputs / "a.txt"
    os.utime(touched, ns=(touched.stat().st_atime_ns, touched.stat().st_mtime_ns + 10**9))
    generate(inputs, server, tmp_path / "cache")
    assert steps == []
    write_articles(inputs, NEW_REPORT)
    generate(inputs, server, tmp_path / "cache")
    assert sorted(steps) == ["choose_engine", "load_sources", "prepare"]


def test_articles_given_in_memory_are_keyed_by_what_was_read(
    server: FakeServer, tmp_path: Path, drafted: list[int]
) -> None:
    day = [
        Article(lines[0], "\n\n".join(lines[1:]), outlet="Elsin Courier")
        for lines in STRIKE.values()
    ]
    options = engine_options(server, tmp_path / "cache")
    first = briefing.generate(day, engine="openai", **options)
    server.requests.clear()
    again = briefing.generate(day, engine="openai", **options)
    assert server.sent() == []
    assert drafted == [1]
    assert briefing.render(again, "json") == briefing.render(first, "json")
    briefing.generate(day[:2], engine="openai", **options)
    assert drafted == [1, 1]
