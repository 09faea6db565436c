"""Partial acceptance: what is kept of a reply that is not all good
(briefing/llm/salvage.py, LLMEngine.ask)."""

from __future__ import annotations

import asyncio
import json

from llm_fixtures import FakeBackend, harrowgate_sources, reply, saved

from briefing.engines.llm import LLMEngine
from briefing.llm.salvage import merged, salvaged
from briefing.llm.schemas import CitationContext, MapResult, without_dropped
from briefing.llm.settings import LLMSettings

SOURCES = harrowgate_sources()
PASSAGES = {p.id: p.text for s in SOURCES for p in s.passages}
GOOD = json.loads(saved("map_S1_S2.json"))


def context() -> CitationContext:
    return CitationContext(PASSAGES, {"S1", "S2"})


def settings() -> LLMSettings:
    return LLMSettings(model="m", api_key=None, use_cache=False)


def test_a_cut_off_reply_keeps_its_complete_items():
    whole = json.dumps(GOOD)
    cut = whole[: whole.index('"The breach followed')]  # inside S1's second key point
    kept = salvaged(MapResult, cut, context(), cut_off=True)
    assert kept is not None
    (summary,) = without_dropped(kept[0]).summaries
    assert [p.citations for p in summary.key_points] == [["S1.1"]]
    # Unfinished JSON in a reply that was not cut off is no reply at all.
    assert salvaged(MapResult, cut, context()) is None


def test_an_item_of_the_wrong_shape_or_over_a_limit_is_left_out_alone():
    answer = json.loads(json.dumps(GOOD))
    points = answer["summaries"][0]["key_points"]
    points.insert(0, {"citations": ["S1.1"], "text": 5})  # not a string, no attribution
    points.extend([points[-1]] * 9)  # past the limit of 8
    kept = salvaged(MapResult, json.dumps(answer), context())
    assert kept is not None
    first = kept[0].summaries[0]
    # The list is cut to its limit of 8 first (pydantic checks the length before the
    # items), then the item of the wrong shape is left out.
    assert len(first.key_points) == 7
    assert first.key_points[0].citations == ["S1.1"]
    assert kept[0].summaries[1].source_id == "S2"


def test_merged_adds_what_the_second_reply_has_and_the_first_lacks():
    first = MapResult.model_validate({"summaries": [GOOD["summaries"][0]]})
    second = MapResult.model_validate(GOOD)
    both = merged(first, second)
    assert [s.source_id for s in both.summaries] == ["S1", "S2"]
    assert len(both.summaries[0].key_points) == len(GOOD["summaries"][0]["key_points"])


def test_the_reask_need_only_fix_what_was_wrong():
    bad = json.loads(json.dumps(GOOD))
    bad["summaries"][1]["key_points"][0]["citations"] = ["S2.9"]  # no such passage
    fixed = {
        "summaries": [
            {
                **GOOD["summaries"][1],
                "figures": [],
                "key_points": GOOD["summaries"][1]["key_points"][:1],
            }
        ]
    }
    backend = FakeBackend(maps=[reply(json.dumps(bad)), reply(json.dumps(fixed))])
    engine = LLMEngine(settings(), backend)
    draft = asyncio.run(engine.awrite(SOURCES))
    _, again = backend.sent("MapResult")
    assert "cites S2.9, which is not a passage id given" in again.messages[-1]["content"]
    assert "every other item was kept" in again.messages[-1]["content"]
    # S1's summary came from the first reply, S2's corrected point from the re-ask: the
    # merge saw both.
    merge = backend.sent("ReduceResult")[0].messages[1]["content"]
    assert '"S1.2"' in merge
    assert '"S2.1"' in merge
    assert draft.usage["dropped_citations"] == []


def test_a_cut_off_map_reply_is_used_and_the_note_says_in_part():
    whole = json.dumps(GOOD)
    cut = whole[: whole.index('"The breach followed')]
    backend = FakeBackend(
        maps=[
            reply(cut, finish_reason="length"),
            reply(json.dumps({"summaries": [GOOD["summaries"][1]]})),
        ]
    )
    draft = asyncio.run(LLMEngine(settings(), backend).awrite(SOURCES))
    # S1's complete point was kept; S2, which the cut-off reply did not reach, was asked
    # for alone.
    assert len(backend.sent("MapResult")) == 2
    assert "S1 summarized in part" in draft.engine.note
    assert "S2" not in backend.sent("MapResult")[1].messages[1]["content"].split("<documents>")[0]
