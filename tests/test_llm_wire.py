"""The wire path: the OpenAI SDK against a real OpenAI-compatible server, replayed from
cassettes (tests/cassettes/test_llm_wire/). `recorded_with.json` there names the server,
model and sampling that recorded them; the README gives the re-record recipe.

The recordings come from a 270M-parameter base model, whose citations are mostly wrong:
these tests show that the validators catch them and that nothing miscited is rendered.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest
from llm_fixtures import RECORDING_ENV, as_brief, harrowgate_sources, wire_info
from pydantic import ValidationError

from briefing.engines.llm import LLMEngine
from briefing.engines.llm.planning import plan_map
from briefing.errors import ModelCallError, validation_problems
from briefing.llm.chat import ChatReply, ChatRequest
from briefing.llm.client import OpenAIBackend
from briefing.llm.prompts import Prompts
from briefing.llm.schemas import CitationContext, MapResult
from briefing.llm.settings import LLMSettings
from briefing.llm.tokens import TokenCounter

RECORDED_WITH = Path(__file__).parent / "cassettes" / "test_llm_wire" / "recorded_with.json"


@pytest.fixture(scope="module")
def wire(record_mode: str) -> dict[str, Any]:
    return wire_info(record_mode, RECORDED_WITH)


def wire_settings(wire: dict[str, Any], tmp_path: Path, **kw: object) -> LLMSettings:
    values: dict[str, object] = {
        "model": wire["model"],
        "base_url": wire["base_url"],
        "api_key": RECORDING_ENV["OPENAI_API_KEY"],
        "temperature": wire["temperature"],
        "frequency_penalty": wire["frequency_penalty"],
        "max_retries": 0,
        "cache_dir": tmp_path / "cache",
    }
    values.update(kw)
    return LLMSettings(**values)  # type: ignore[arg-type]


@pytest.mark.vcr
def test_the_small_models_wrong_citations_are_caught(wire, tmp_path):
    settings = wire_settings(wire, tmp_path)
    source = harrowgate_sources()[1]
    backend = OpenAIBackend(api_key=settings.api_key, base_url=settings.base_url, max_retries=0)
    (pack,) = plan_map([source], TokenCounter(settings.model), settings.map_budget_tokens)
    request = ChatRequest(
        model=settings.model,
        messages=Prompts().map_messages(pack),
        schema=MapResult,
        max_completion_tokens=settings.max_completion_tokens,
        temperature=settings.temperature,
        frequency_penalty=settings.frequency_penalty,
    )

    async def send_once() -> ChatReply:
        try:
            return await backend.complete(request)
        finally:
            await backend.aclose()

    reply = asyncio.run(send_once())
    assert reply.finish_reason == "stop"
    assert reply.content is not None
    assert reply.prompt_tokens > 0
    # The strict schema held: the reply parses without our citation checks...
    raw = MapResult.model_validate_json(reply.content)
    given = {p.id for p in source.passages}
    invented = {c for s in raw.summaries for item in s.key_points for c in item.citations} - given
    # ...and with them, every invented id is reported.
    context = CitationContext({p.id: p.text for p in source.passages}, {source.id})
    with pytest.raises(ValidationError) as caught:
        MapResult.model_validate_json(reply.content, context=context)
    errors = "\n".join(validation_problems(caught.value, whole="reply"))
    assert errors
    for passage_id in invented:
        assert f"cites {passage_id}, which is not a passage id given" in errors


# Repeats are allowed for the second run below, which sends the failed requests again;
# vcrpy then plays them from the cassette (when recording too, so nothing is recorded twice).
@pytest.mark.vcr(allow_playback_repeats=True)
def test_engine_over_the_wire_renders_only_checked_citations(wire, tmp_path, vcr):
    settings = wire_settings(wire, tmp_path)
    sources = harrowgate_sources()[1:]
    draft = asyncio.run(LLMEngine(settings).awrite(sources))
    brief = as_brief(draft, sources)  # raises if any citation does not resolve
    known = brief.passage_index()
    assert all(c in known for obj in brief.cited_objects() for c in obj.citations)
    assert draft.usage["calls"] >= 2, draft.engine.note
    assert draft.usage["prompt_tokens"] > 0
    assert draft.usage["completion_tokens"] > 0
    assert draft.usage["dropped_citations"], (
        "the small model's miscitations should have been dropped"
    )
    if vcr.record_mode == "none":  # every recorded interaction played once, none twice
        assert vcr.play_count == len(vcr.data) == draft.usage["calls"], draft.engine.note
    # A story of one source is not merged (its summary is listed as it is), so there is no
    # reduce call. An identical second run is answered from the cache, except what failed:
    # S2's whole reply and its second paragraph's were cut off, and failures are never
    # cached, so those two requests are sent again (S2's first paragraph is not).
    assert "S2 not summarized (the reply was cut off" in draft.engine.note
    again = asyncio.run(LLMEngine(settings).awrite(sources))
    assert (again.usage["calls"], again.usage["cached_calls"]) == (2, draft.usage["calls"] - 2)
    assert (again.title, again.engine.note) == (draft.title, draft.engine.note)


@pytest.mark.vcr
def test_truncated_replies_over_the_wire_are_retried_smaller_then_marked(wire, tmp_path):
    settings = wire_settings(wire, tmp_path, max_completion_tokens=48)
    engine = LLMEngine(settings)
    with pytest.raises(ModelCallError, match=r"S2 not summarized \(the reply was cut off"):
        asyncio.run(engine.awrite(harrowgate_sources()[1:]))
    # S2 whole, then each of its two paragraphs alone.
    assert engine.usage.calls == 3
