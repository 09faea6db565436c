"""What a new article costs with the LLM engine: a rerun sends nothing, and a day that adds
one article sends its map request and its story's merge only, even when the new article
renumbers every source after it (briefing/engines/llm/reuse.py)."""

from __future__ import annotations

import asyncio
import re
from typing import TYPE_CHECKING

import pytest
from llm_fixtures import FakeBackend, _source, points_merged, reply, well_behaved_map

from briefing.assemble import brief_from_drafts
from briefing.engines.llm import LLMEngine
from briefing.engines.llm.reuse import renamed, renamed_text
from briefing.errors import ModelCallError
from briefing.llm.schemas import SourceSummary
from briefing.llm.settings import LLMSettings
from briefing.render import render
from briefing.stories.grouping import StoryGroup

if TYPE_CHECKING:
    from pathlib import Path

    from briefing.engines import Draft
    from briefing.llm.chat import ChatRequest
    from briefing.models import Brief, Source

# Our own writing: two stories of two articles each, and one more article on the first.
ARTICLES = {
    "ferry-1": ("Ferry crews strike", ["Ferry crews in Port Elsin stopped work on Monday."]),
    "ferry-2": ("Sailings cancelled", ["The operator cancelled 40 sailings to the islands."]),
    "fire-1": ("Library fire on Harl", ["A fire closed the Harl Island library on Sunday."]),
    "fire-2": ("Fire was electrical", ["An electrician found a faulty cable in the library."]),
    "ferry-3": ("Talks to resume", ["Talks between the union and the operator resume today."]),
}


def day_of(names: list[str]) -> list[Source]:
    """The articles as sources numbered in the order given, as the pipeline numbers them."""
    return [
        _source(f"S{n}", ARTICLES[name][0], "Elsin Courier", [ARTICLES[name][1]])
        for n, name in enumerate(names, start=1)
    ]


def stories_of(sources: list[Source]) -> list[list[str]]:
    ferry = [s.id for s in sources if "Fire" not in s.title and "fire" not in s.title]
    return [ferry, [s.id for s in sources if s.id not in ferry]]


def write(sources: list[Source], cache: Path) -> tuple[FakeBackend, list[Draft]]:
    backend = FakeBackend(maps=well_behaved_map, reduces=points_merged)
    engine = LLMEngine(LLMSettings(base_url="http://x/v1", cache_dir=cache), backend)
    return backend, asyncio.run(engine.awrite_stories(sources, stories_of(sources)))


def sent_sources(request: ChatRequest) -> list[str]:
    return re.findall(r'<source id="(S\d+)"', request.messages[1]["content"])


def reduce_sources(request: ChatRequest) -> list[str]:
    return sorted(set(re.findall(r'"source_id":\s*"(S\d+)"', request.messages[1]["content"])))


def test_a_rerun_sends_nothing_and_writes_the_same_brief(tmp_path: Path) -> None:
    sources = day_of(["ferry-1", "ferry-2", "fire-1", "fire-2"])
    first, drafts = write(sources, tmp_path)
    assert [r.schema.__name__ for r in first.requests] == [
        "MapResult",
        "ReduceResult",
        "ReduceResult",
    ]
    again, rerun = write(sources, tmp_path)
    assert again.requests == []
    assert (rerun[0].usage["calls"], rerun[0].usage["cached_calls"]) == (0, 0)
    assert render(brief_of(rerun, sources), "json") == render(brief_of(drafts, sources), "json")


def test_a_new_article_costs_its_map_request_and_its_storys_merge(tmp_path: Path) -> None:
    write(day_of(["ferry-1", "ferry-2", "fire-1", "fire-2"]), tmp_path)
    # The new article comes first (the top of a feed): every other source is renumbered.
    sources = day_of(["ferry-3", "ferry-1", "ferry-2", "fire-1", "fire-2"])
    backend, drafts = write(sources, tmp_path)
    maps, merges = backend.sent("MapResult"), backend.sent("ReduceResult")
    assert [sent_sources(r) for r in maps] == [["S1"]]  # the new article alone
    assert [reduce_sources(r) for r in merges] == [["S1", "S2", "S3"]]  # its story only
    # The fire story's merge was kept from the day before, under yesterday's ids S3, S4:
    # renamed to today's S4, S5, its citations are the same sentences.
    brief = brief_of(drafts, sources)
    fire = brief.stories[1]
    index = brief.passage_index()
    cited = {index[c][1].text for obj in fire.bottom_line for c in obj.citations}
    assert cited <= {ARTICLES["fire-1"][1][0], ARTICLES["fire-2"][1][0]}
    shown = [*fire.bottom_line, *fire.key_developments]  # each sentence once, in either
    assert {c.split(".")[0] for obj in shown for c in obj.citations} == {"S4", "S5"}


def test_a_dropped_citation_is_kept_with_its_source_and_renamed() -> None:
    """What repair mode dropped from a kept summary comes back with it, under the new id."""
    summary = SourceSummary(source_id="S3", key_points=[], figures=[], quotes=[], hedged=[])
    assert renamed(summary, {"S3": "S5"}).source_id == "S5"
    note = "'The fire' cites S3.9, which is not a passage id given (cited: S3.1, S13.2)"
    assert renamed_text(note, {"S3": "S5", "S13": "S1"}) == (
        "'The fire' cites S5.9, which is not a passage id given (cited: S5.1, S1.2)"
    )


def test_a_source_not_wholly_summarized_is_asked_for_again(tmp_path: Path) -> None:
    sources = day_of(["ferry-1", "ferry-2"])
    refusing = FakeBackend(
        maps=lambda _: reply(None, refusal="no", finish_reason="stop"), reduces=points_merged
    )
    settings = LLMSettings(base_url="http://x/v1", cache_dir=tmp_path)
    with pytest.raises(ModelCallError, match="no source could be summarized"):
        asyncio.run(LLMEngine(settings, refusing).awrite(sources))
    backend, _ = write(sources, tmp_path)
    assert backend.sent("MapResult"), "a refused source was kept"


def brief_of(drafts: list[Draft], sources: list[Source]) -> Brief:
    groups = [
        StoryGroup(f"st-{n:08x}", tuple(ids), len(ids))
        for n, ids in enumerate(stories_of(sources), start=1)
    ]
    return brief_from_drafts(drafts, groups, sources)
