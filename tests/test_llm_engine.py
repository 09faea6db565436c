"""The LLM engine end to end with a fake chat backend and saved model answers."""

from __future__ import annotations

import asyncio
import json
import logging
import re
from dataclasses import replace
from typing import TYPE_CHECKING

import pytest
from fake_server import map_answer
from llm_fixtures import (
    FakeBackend,
    _source,
    as_brief,
    harrowgate_sources,
    points_merged,
    reply,
    saved,
    well_behaved_map,
)

import briefing
from briefing.engines.llm import MAP_REQUESTS, LLMEngine
from briefing.engines.llm.planning import plan_map
from briefing.errors import ContextLengthError, ModelCallError
from briefing.llm.prompts import Prompts
from briefing.llm.schemas import MapResult, ReduceResult
from briefing.llm.settings import LLMSettings
from briefing.llm.strict import response_format
from briefing.llm.tokens import TokenCounter

if TYPE_CHECKING:
    from pathlib import Path

    from briefing.llm.chat import ChatRequest
    from briefing.models import Source


def settings(**kw: object) -> LLMSettings:
    values: dict[str, object] = {"model": "gpt-4.1-mini", "api_key": None}
    values.update(kw)
    return LLMSettings(**values)  # type: ignore[arg-type]


def test_one_round_day_is_one_map_call_and_one_reduce_call():
    sources = harrowgate_sources()
    backend = FakeBackend()
    draft = asyncio.run(LLMEngine(settings(), backend).awrite(sources))
    assert [r.schema.__name__ for r in backend.requests] == ["MapResult", "ReduceResult"]
    brief = as_brief(draft, sources)
    assert brief.title.startswith("Thousands evacuated")
    assert draft.engine.name == "openai"
    assert draft.engine.model == "gpt-4.1-mini"
    # The second source's passage is never a citation of the first source's claim; nor is
    # it listed as corroboration, since it shares too few of the claim's words to report
    # the same thing (the verifier's rule, which the engine obeys).
    assert brief.stories[0].bottom_line[0].citations == ["S1.1"]
    assert brief.stories[0].bottom_line[0].corroborated_by == []
    # The offline draft's figure group comes first (the model's, of the same values, adds
    # nothing): the two values side by side.
    figures = brief.stories[0].key_figures[0]
    assert [f.value for f in figures.figures] == [4000, 5500]
    assert figures.disagreement is True
    assert [f.source_ids for f in figures.figures] == [["S2"], ["S1"]]
    assert len(brief.stories[0].key_figures) == 1
    assert brief.stories[0].unconfirmed[0].status == "disputed"
    assert brief.stories[0].quotes[0].speaker == "Tomas Reyn"
    assert brief.stories[0].what_to_watch[0].citations == ["S2.3"]
    assert draft.usage["dropped_citations"] == []


def test_usage_and_cost_are_summed_from_replies():
    backend = FakeBackend(
        maps=[reply(saved("map_S1_S2.json"), prompt_tokens=1200, completion_tokens=300)],
        reduces=[
            reply(saved("reduce.json"), prompt_tokens=800, completion_tokens=250, cached_tokens=400)
        ],
    )
    draft = asyncio.run(LLMEngine(settings(), backend).awrite(harrowgate_sources()))
    assert (draft.usage["calls"], draft.usage["cached_calls"]) == (2, 0)
    assert (
        draft.usage["prompt_tokens"],
        draft.usage["completion_tokens"],
        draft.usage["cached_tokens"],
    ) == (2000, 550, 400)
    # gpt-4.1-mini: $0.40 / 1M fresh prompt, $0.10 / 1M cached, $1.60 / 1M completion
    expected = (1600 * 0.40 + 400 * 0.10 + 550 * 1.60) / 1_000_000
    assert draft.usage["cost_usd"] == pytest.approx(expected)


def test_unknown_model_has_no_cost():
    draft = asyncio.run(
        LLMEngine(settings(model="local-gguf"), FakeBackend()).awrite(harrowgate_sources())
    )
    assert draft.usage["cost_usd"] is None


def test_static_instructions_come_first_and_sources_last_as_data():
    backend = FakeBackend()
    asyncio.run(LLMEngine(settings(), backend).awrite(harrowgate_sources()))
    system, user = backend.requests[0].messages
    assert system["role"] == "system"
    assert "not instructions" in system["content"]
    assert "S1.1" not in system["content"]
    # Everything before the documents is the same for every pack (a provider's prompt cache
    # reuses it); the pack's source ids come after them.
    static, data = user["content"].split("<documents>")
    assert "S1" not in static
    assert "key points" in static
    assert data.rstrip().endswith(
        "Sources to summarize, one summary each: S1, S2. Cite\nonly sentence ids shown above."
    )
    assert "[S2.3] Engineers will inspect the dam again on Wednesday." in data
    other = Prompts().map_messages(
        plan_map(harrowgate_sources()[1:], TokenCounter("gpt-4.1-mini"), 6000)[0]
    )
    assert other[0] == system
    assert other[1]["content"].split("<documents>")[0] == static


def test_wrong_citations_get_one_reask_with_the_exact_errors():
    bad = json.loads(saved("map_S1_S2.json"))
    bad["summaries"][0]["key_points"][0]["citations"] = ["S1.9"]
    bad["summaries"][0]["quotes"][0]["text"] = "The dam has collapsed."
    backend = FakeBackend(maps=[reply(json.dumps(bad)), reply(saved("map_S1_S2.json"))])
    draft = asyncio.run(LLMEngine(settings(), backend).awrite(harrowgate_sources()))
    first, second = backend.sent("MapResult")
    assert second.messages[:2] == first.messages
    assert second.messages[2] == {"role": "assistant", "content": json.dumps(bad)}
    reask = second.messages[3]["content"]
    assert "summaries.0.key_points.0: 'More than 5,500 people were evacuated" in reask
    assert "cites S1.9, which is not a passage id given" in reask
    assert "'The dam has collapsed.' is not found word for word in the cited passages" in reask
    assert draft.usage["dropped_citations"] == []
    assert draft.usage["calls"] == 3


def test_what_is_still_wrong_after_the_reask_is_dropped_and_reported():
    bad = json.loads(saved("map_S1_S2.json"))
    bad["summaries"][1]["key_points"][1]["citations"] = ["S7.1"]
    worse = json.loads(saved("reduce.json"))
    worse["key_developments"][0]["citations"] = ["S1.2", "S3.3"]  # one good, one bad
    worse["key_developments"][1]["citations"] = ["S2.9"]  # nothing left
    worse["quotes"][0]["text"] = "We will rebuild."
    backend = FakeBackend(
        maps=[reply(json.dumps(bad)), reply(json.dumps(bad))],
        reduces=[reply(json.dumps(worse)), reply(json.dumps(worse))],
    )
    sources = harrowgate_sources()
    draft = asyncio.run(LLMEngine(settings(), backend).awrite(sources))
    dropped = "\n".join(draft.usage["dropped_citations"])
    assert "cites S7.1" in dropped
    assert "cites S3.3" in dropped
    assert "cites S2.9" in dropped
    assert "'We will rebuild.' is not found word for word" in dropped
    # The dropped map item never reaches the reduce prompt.
    assert "S7.1" not in backend.sent("ReduceResult")[0].messages[1]["content"]
    brief = as_brief(draft, sources)
    # The model's one good development first, then the offline draft's that cite
    # sentences not yet in the brief; no quote of the model's (it was misquoted).
    developments = [c.citations for c in brief.stories[0].key_developments]
    assert developments[0] == ["S1.2"]
    assert all(
        c.text == brief.passage_index()[c.citations[0]][1].text
        for c in brief.stories[0].key_developments[1:]
    )
    assert "We will rebuild." not in {q.text for q in brief.stories[0].quotes}
    cited = {c for obj in brief.cited_objects() for c in obj.citations}
    assert cited <= set(brief.passage_index())


def test_invalid_json_is_reasked_then_given_up():
    backend = FakeBackend(maps=lambda _: reply('{"summaries": [ {"source_id": "S1"'))
    with pytest.raises(ModelCallError) as caught:
        asyncio.run(LLMEngine(settings(), backend).awrite(harrowgate_sources()))
    assert "Invalid JSON" in backend.sent("MapResult")[1].messages[3]["content"]
    # The pack of two is asked again source by source (so that one source cannot cost the
    # other), each with its re-ask: six requests, then each source is given up.
    users = [r.messages[1]["content"] for r in backend.sent("MapResult")]
    assert len(users) == 6
    assert sum('<source id="S2">' not in u for u in users) == 2
    for source in ("S1", "S2"):
        assert f"{source} not summarized (invalid reply after a re-ask" in str(caught.value)


def test_a_refusal_marks_its_sources_not_summarized_and_the_rest_go_on():
    sources = harrowgate_sources()
    only_s2 = json.loads(saved("map_S1_S2.json"))
    only_s2["summaries"] = only_s2["summaries"][1:]

    def answer(request):  # one source per call here
        if '<source id="S1">' in request.messages[1]["content"]:
            return reply(None, refusal="I can't help with that.")
        return reply(json.dumps(only_s2))

    reduced = json.loads(saved("reduce.json"))
    backend = FakeBackend(maps=answer, reduces=[reply(json.dumps(reduced))])
    draft = asyncio.run(LLMEngine(settings(map_budget_tokens=110), backend).awrite(sources))
    assert len(backend.sent("MapResult")) == 2
    assert "S1 not summarized (refused: I can't help with that.)" in draft.engine.note
    assert "S1" not in backend.sent("ReduceResult")[0].messages[1]["content"].split("S2")[0]


def test_truncated_reply_is_retried_with_a_smaller_pack_then_marked():
    single = {}
    for summary in json.loads(saved("map_S1_S2.json"))["summaries"]:
        single[summary["source_id"]] = json.dumps({"summaries": [summary]})

    def answer(request):
        user = request.messages[1]["content"]
        if '<source id="S1">' in user and '<source id="S2">' in user:
            return reply('{"summaries": [', finish_reason="length")
        if "[S2.3]" in user and "[S2.1]" in user:
            return reply('{"summaries": [', finish_reason="length")
        if '<source id="S2">' in user:
            return reply(
                single["S2"] if "[S2.1]" in user else '{"summa',
                finish_reason="stop" if "[S2.1]" in user else "length",
            )
        return reply(single["S1"])

    backend = FakeBackend(maps=answer)
    draft = asyncio.run(LLMEngine(settings(), backend).awrite(harrowgate_sources()))
    users = [r.messages[1]["content"] for r in backend.sent("MapResult")]
    # S1+S2 together, then S1 and S2 alone, then S2 split on its paragraph boundary.
    assert len(users) == 5
    assert sum("[S2.3]" in u and "[S2.1]" not in u for u in users) == 1
    assert "S2 not summarized (the reply was cut off" in draft.engine.note
    assert draft.title


def test_map_calls_run_concurrently_within_the_bound():
    def answer(request):
        ids = [s for s in ("S1", "S2") if f'<source id="{s}"' in request.messages[1]["content"]]
        full = json.loads(saved("map_S1_S2.json"))["summaries"]
        return reply(json.dumps({"summaries": [s for s in full if s["source_id"] in ids]}))

    small = {"map_budget_tokens": 40}
    wide = FakeBackend(maps=answer, delay=0.05)
    asyncio.run(
        LLMEngine(settings(max_concurrency=4, use_cache=False, **small), wide).awrite(
            harrowgate_sources()
        )
    )
    assert len(wide.sent("MapResult")) >= 3
    assert wide.max_in_flight >= 2
    narrow = FakeBackend(maps=answer, delay=0.01)
    asyncio.run(
        LLMEngine(settings(max_concurrency=1, use_cache=False, **small), narrow).awrite(
            harrowgate_sources()
        )
    )
    assert narrow.max_in_flight == 1


def test_summaries_too_big_for_one_call_are_reduced_in_a_tree():
    def answer(request):
        ids = [s for s in ("S1", "S2") if f'<source id="{s}"' in request.messages[1]["content"]]
        full = json.loads(saved("map_S1_S2.json"))["summaries"]
        return reply(json.dumps({"summaries": [s for s in full if s["source_id"] in ids]}))

    backend = FakeBackend(maps=answer, reduces=lambda _: reply(saved("reduce.json")))
    sources = harrowgate_sources()
    draft = asyncio.run(
        LLMEngine(settings(map_budget_tokens=40, reduce_budget_tokens=150), backend).awrite(sources)
    )
    reduces = backend.sent("ReduceResult")
    assert len(reduces) >= 3  # at least two partial merges and the final one
    final = reduces[-1].messages[1]["content"]
    assert '"bottom_line"' in final  # the last round merges partial briefs
    as_brief(draft, sources)


def test_failed_merge_falls_back_to_unmerged_summaries():
    backend = FakeBackend(reduces=[reply(None, refusal="No.")])
    draft = asyncio.run(LLMEngine(settings(), backend).awrite(harrowgate_sources()))
    assert (
        "a merge call failed (refused: No.); so the summaries are listed unmerged"
        in draft.engine.note
    )
    # Each source's lead is in the bottom line, first, beside what else the offline bottom
    # line holds, and not again among the developments.
    leads = {c.text for c in draft.sections["bottom_line"]}
    developments = {c.text for c in draft.sections["key_developments"]}
    assert [c.citations for c in draft.sections["bottom_line"]][:2] == [["S1.1"], ["S2.1"]]
    assert len(leads) <= 3
    assert len(developments) >= 2  # the summaries' two other points, then the offline draft's
    assert not leads & developments
    assert draft.sections["key_figures"][0].disagreement is True


def test_second_identical_run_is_answered_from_the_cache(tmp_path: Path):
    cached = settings(cache_dir=tmp_path / "cache")
    first = FakeBackend()
    asyncio.run(LLMEngine(cached, first).awrite(harrowgate_sources()))
    second = FakeBackend(maps=[], reduces=[])
    draft = asyncio.run(LLMEngine(cached, second).awrite(harrowgate_sources()))
    assert second.requests == []
    # Each source's summaries and the story's merge are kept by content (reuse.py), so not
    # even the reply cache is asked.
    assert (draft.usage["calls"], draft.usage["cached_calls"], draft.usage["prompt_tokens"]) == (
        0,
        0,
        0,
    )
    assert draft.usage["cost_usd"] == 0


def test_no_cache_sends_again(tmp_path: Path):
    first = FakeBackend()
    asyncio.run(LLMEngine(settings(cache_dir=tmp_path), first).awrite(harrowgate_sources()))
    again = FakeBackend()
    asyncio.run(
        LLMEngine(settings(cache_dir=tmp_path, use_cache=False), again).awrite(harrowgate_sources())
    )
    assert len(again.requests) == 2


def test_a_changed_source_misses_the_cache(tmp_path: Path):
    first = FakeBackend(maps=well_behaved_map, reduces=points_merged)
    asyncio.run(LLMEngine(settings(cache_dir=tmp_path), first).awrite(harrowgate_sources()))
    assert sent_sources(first.sent("MapResult")[0]) == ["S1", "S2"]  # one pack
    changed = harrowgate_sources()
    changed[1] = changed[1].model_copy(update={"title": "A new headline"})
    backend = FakeBackend(maps=well_behaved_map, reduces=points_merged)
    asyncio.run(LLMEngine(settings(cache_dir=tmp_path), backend).awrite(changed))
    # Only the changed source is summarized again; its summary did not change, so the
    # merge request is the one sent before and the reply cache answers it.
    assert [r.schema.__name__ for r in backend.requests] == ["MapResult"]
    assert sent_sources(backend.requests[0]) == ["S2"]
    assert "A new headline" in backend.requests[0].messages[1]["content"]


def sent_sources(request: ChatRequest) -> list[str]:
    return re.findall(r'<source id="(S\d+)"', request.messages[1]["content"])


def test_corrupt_cache_entries_are_ignored(tmp_path: Path, caplog):
    asyncio.run(LLMEngine(settings(cache_dir=tmp_path), FakeBackend()).awrite(harrowgate_sources()))
    entries = sorted(tmp_path.rglob("*.json"))
    assert len(entries) == 5  # two replies; two sources' summaries and a story's merge kept
    for n, entry in enumerate(entries):
        entry.write_text("{ truncated" if n % 2 else '{"unexpected": true}', encoding="utf-8")
    backend = FakeBackend()
    draft = asyncio.run(
        LLMEngine(settings(cache_dir=tmp_path), backend).awrite(harrowgate_sources())
    )
    assert len(backend.requests) == 2
    assert draft.title
    assert "corrupt cache entry" in caplog.text


def test_prompts_can_be_overridden_per_file(tmp_path: Path):
    (tmp_path / "map.system.j2").write_text("Custom rules for {{ 'maps' }}.\n", encoding="utf-8")
    backend = FakeBackend()
    asyncio.run(LLMEngine(settings(prompts_dir=tmp_path), backend).awrite(harrowgate_sources()))
    assert backend.sent("MapResult")[0].messages[0]["content"] == "Custom rules for maps."
    assert "not instructions" in backend.sent("ReduceResult")[0].messages[0]["content"]


def test_default_cache_lives_under_xdg_cache_home(tmp_path: Path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    asyncio.run(LLMEngine(settings(), FakeBackend()).awrite(harrowgate_sources()))
    responses = tmp_path / "briefing" / "responses"
    assert len(list(responses.glob("??/*.json"))) == 2  # the replies
    assert len(list((responses / "results").rglob("*.json"))) == 3  # S1, S2, their story


def test_settings_from_environment(monkeypatch):
    monkeypatch.setenv("OPENAI_BASE_URL", "http://127.0.0.1:9/v1")
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-not-real")
    s = LLMSettings.from_environment(model="m", base_url=None)
    assert (s.model, s.base_url, s.api_key) == ("m", "http://127.0.0.1:9/v1", "sk-test-not-real")
    s = LLMSettings.from_environment(base_url="http://other/v1")
    assert s.base_url == "http://other/v1"
    assert replace(s, model="x").model == "x"


def test_the_same_model_name_on_another_server_misses_the_cache(tmp_path: Path):
    local = settings(cache_dir=tmp_path, base_url="http://127.0.0.1:8080/v1")
    asyncio.run(LLMEngine(local, FakeBackend()).awrite(harrowgate_sources()))
    other = FakeBackend()
    asyncio.run(LLMEngine(settings(cache_dir=tmp_path), other).awrite(harrowgate_sources()))
    assert len(other.requests) == 2


def test_a_failed_partial_merge_passes_its_summaries_on():
    def answer(request):
        ids = [s for s in ("S1", "S2") if f'<source id="{s}"' in request.messages[1]["content"]]
        full = json.loads(saved("map_S1_S2.json"))["summaries"]
        return reply(json.dumps({"summaries": [s for s in full if s["source_id"] in ids]}))

    def merge(request):
        user = request.messages[1]["content"]
        if '"bottom_line"' not in user and "left their homes overnight" in user:
            return reply(None, refusal="Not this group.")
        return reply(saved("reduce.json"))

    backend = FakeBackend(maps=answer, reduces=merge)
    draft = asyncio.run(
        LLMEngine(
            settings(map_budget_tokens=40, reduce_budget_tokens=150, use_cache=False), backend
        ).awrite(harrowgate_sources())
    )
    reduces = backend.sent("ReduceResult")
    assert len(reduces) >= 3
    final = reduces[-1].messages[1]["content"]
    assert '"bottom_line"' in final  # a partial merge made it
    assert (
        "left their homes overnight" in final
    )  # and the refused group's summaries were carried, not lost
    assert "a merge call failed (refused: Not this group.)" in draft.engine.note
    assert "listed unmerged" not in draft.engine.note


def _per_source(request):
    ids = [s for s in ("S1", "S2") if f'<source id="{s}"' in request.messages[1]["content"]]
    full = json.loads(saved("map_S1_S2.json"))["summaries"]
    return ids, reply(json.dumps({"summaries": [s for s in full if s["source_id"] in ids]}))


def test_a_pack_too_big_for_the_context_is_retried_smaller():
    def answer(request):
        ids, good = _per_source(request)
        if len(ids) > 1:
            raise ContextLengthError("does not fit")
        return good

    backend = FakeBackend(maps=answer)
    draft = asyncio.run(LLMEngine(settings(use_cache=False), backend).awrite(harrowgate_sources()))
    assert len(backend.sent("MapResult")) == 3
    assert "not summarized" not in draft.engine.note


def test_an_overflow_the_smaller_packs_got_around_is_kept_so_a_rerun_sends_nothing(tmp_path: Path):
    def answer(request):
        ids, good = _per_source(request)
        if len(ids) > 1:
            raise ContextLengthError("does not fit")
        return good

    cached = settings(cache_dir=tmp_path)
    first = FakeBackend(maps=answer)
    asyncio.run(LLMEngine(cached, first).awrite(harrowgate_sources()))
    assert len(first.sent("MapResult")) == 3
    second = FakeBackend(maps=[], reduces=[])
    draft = asyncio.run(LLMEngine(cached, second).awrite(harrowgate_sources()))
    assert second.requests == []
    assert "not summarized" not in draft.engine.note


def test_a_failed_call_loses_only_its_own_sources():
    def answer(request):
        ids, good = _per_source(request)
        if ids == ["S1"]:
            raise ModelCallError("server answered HTTP 503")
        return good

    backend = FakeBackend(maps=answer)
    draft = asyncio.run(
        LLMEngine(settings(map_budget_tokens=110, use_cache=False), backend).awrite(
            harrowgate_sources()
        )
    )
    assert "S1 not summarized (server answered HTTP 503)" in draft.engine.note
    assert draft.title


def test_when_every_call_fails_the_run_fails_with_the_reasons():
    def answer(request):
        raise ModelCallError("cannot reach http://127.0.0.1:9/v1")

    with pytest.raises(ModelCallError, match=r"no source could be summarized: S1, S2 not summ"):
        asyncio.run(LLMEngine(settings(), FakeBackend(maps=answer)).awrite(harrowgate_sources()))


def test_sources_the_model_skipped_are_asked_for_again():
    def answer(request):
        _, good = _per_source(request)
        summaries = json.loads(good.content or "")["summaries"]
        return reply(json.dumps({"summaries": summaries[:1]}))  # only ever the first

    backend = FakeBackend(maps=answer)
    draft = asyncio.run(LLMEngine(settings(use_cache=False), backend).awrite(harrowgate_sources()))
    users = [r.messages[1]["content"] for r in backend.sent("MapResult")]
    assert len(users) == 2
    assert '<source id="S1"' not in users[1]
    assert '<source id="S2"' in users[1]
    assert "not summarized" not in draft.engine.note


def test_prompt_tokens_are_counted_for_the_debug_log_only_when_it_is_shown(monkeypatch, caplog):
    engine = LLMEngine(settings(use_cache=False), FakeBackend())
    counted: list[int] = []

    def count(messages):
        counted.append(len(messages))
        return 42

    monkeypatch.setattr(engine.counter, "count_messages", count)
    asyncio.run(engine.awrite(harrowgate_sources()))
    assert counted == []
    caplog.set_level(logging.DEBUG, logger="briefing.engines.llm")
    engine.backend.backend = FakeBackend()
    asyncio.run(engine.awrite(harrowgate_sources()))
    assert counted == [2, 2]
    assert "sending MapResult call, 42 prompt tokens" in caplog.text


def test_an_overflow_never_got_around_is_not_cached_and_a_bigger_context_recovers(
    tmp_path: Path,
):
    def overflow(request):
        raise ContextLengthError("does not fit")

    cached = settings(cache_dir=tmp_path)
    small = FakeBackend(maps=overflow)
    with pytest.raises(ModelCallError, match="did not fit the context window, even for one"):
        asyncio.run(LLMEngine(cached, small).awrite(harrowgate_sources()))
    assert list(tmp_path.rglob("*.json")) == []
    bigger = FakeBackend()  # the same server, restarted with a longer context
    draft = asyncio.run(LLMEngine(cached, bigger).awrite(harrowgate_sources()))
    assert len(bigger.requests) == 2
    assert "not summarized" not in draft.engine.note
    again = FakeBackend(maps=[], reduces=[])
    asyncio.run(LLMEngine(cached, again).awrite(harrowgate_sources()))
    assert again.requests == []


def test_a_reply_the_reask_repaired_is_kept_so_a_rerun_sends_nothing(tmp_path: Path):
    cached = settings(cache_dir=tmp_path)
    first = FakeBackend(
        maps=[reply('{"summaries": ['), reply(saved("map_S1_S2.json"))],
        reduces=[reply('{"title": 3}'), reply(saved("reduce.json"))],
    )
    draft = asyncio.run(LLMEngine(cached, first).awrite(harrowgate_sources()))
    assert len(first.requests) == 4
    again = FakeBackend(maps=[], reduces=[])
    rerun = asyncio.run(LLMEngine(cached, again).awrite(harrowgate_sources()))
    assert again.requests == []
    assert (rerun.usage["calls"], rerun.usage["cached_calls"]) == (0, 0)
    assert rerun.sections == draft.sections


def _story(number: int) -> Source:
    """A short source of our own: three paragraphs about a fictional ferry strike."""
    sid = f"S{number}"
    paragraphs = [
        [f"Ferry crews in Port Elsin stopped work for the {number}th day on Tuesday."],
        [f"The union said {number * 100} sailings had been cancelled since the strike began."],
        [f"Talks with the operator are due to resume on day {number + 7}, a spokesman said."],
    ]
    return _source(sid, f"Ferry strike, day {number}", "Elsin Courier", paragraphs)


def test_requests_per_source_are_bounded_when_every_reply_is_cut_off():
    sources = [_story(n) for n in range(1, 6)]
    backend = FakeBackend(maps=lambda _: reply('{"summaries": [', finish_reason="length"))
    engine = LLMEngine(settings(use_cache=False), backend)
    with pytest.raises(ModelCallError, match="no source could be summarized") as caught:
        asyncio.run(engine.awrite(sources))
    users = [r.messages[1]["content"] for r in backend.sent("MapResult")]
    for source in sources:
        assert sum(f'<source id="{source.id}"' in u for u in users) <= MAP_REQUESTS
        assert f"{source.id} not summarized (the reply was cut off" in str(caught.value)
    # One pack of five, then halves of halves: 1 + 2 + 4 + 2, and no paragraph splits,
    # which would take each source past its MAP_REQUESTS (it was 67 requests before).
    assert len(users) == 9
    assert "no requests left for smaller retries: at most 4 per source" in str(caught.value)
    assert "\n" not in str(caught.value)


def test_a_refused_pack_is_asked_again_source_by_source():
    def answer(request):
        ids, good = _per_source(request)
        return reply(None, refusal="Not\nthis one.") if "S1" in ids else good

    backend = FakeBackend(maps=answer)
    draft = asyncio.run(LLMEngine(settings(use_cache=False), backend).awrite(harrowgate_sources()))
    users = [r.messages[1]["content"] for r in backend.sent("MapResult")]
    assert len(users) == 3  # S1 and S2 together, then each alone
    assert "S1 not summarized (refused: Not this one.)" in draft.engine.note
    assert "S2 not summarized" not in draft.engine.note
    assert '"source_id":"S2"' in backend.sent("ReduceResult")[0].messages[1]["content"]


def _two_points_each(request):
    """Every source's first two sentences as key points, each citing itself."""
    return reply(json.dumps(map_answer({"messages": request.messages})))


def test_when_every_merge_fails_the_summaries_fill_the_brief_within_its_limits():
    sources = [_story(n) for n in range(1, 6)]

    def merge(request):
        raise ModelCallError("http://llm.test/v1 answered HTTP 500: boom")

    backend = FakeBackend(maps=_two_points_each, reduces=merge)
    draft = asyncio.run(LLMEngine(settings(use_cache=False), backend).awrite(sources))
    # Ten key points from five sources: three sources' leads make the bottom line, the
    # other seven points the developments (no point twice), the sources taking turns so
    # that each is there, and the brief validates (it used to end in a pydantic dump).
    assert len(draft.sections["bottom_line"]) == 3
    assert len(draft.sections["key_developments"]) == 8  # the seven, then the offline draft's
    assert "so the summaries are listed unmerged" in draft.engine.note
    assert "beyond the sections' limits" not in draft.engine.note
    brief = as_brief(draft, sources)
    leads = [c.citations[0] for c in brief.stories[0].bottom_line]
    firsts = [c.citations[0] for c in brief.stories[0].key_developments]
    assert leads == ["S1.1", "S2.1", "S3.1"]
    assert firsts[:7] == ["S4.1", "S5.1", "S1.2", "S2.2", "S3.2", "S4.2", "S5.2"]


def test_a_figure_value_no_brief_can_hold_is_reasked_then_dropped(tmp_path: Path):
    def infinite(name: str, groups: str) -> str:
        data = json.loads(saved(name))
        for figure in (f for g in data[groups] for f in g["figures"]):
            figure["value"] = 1e300
        return json.dumps(data).replace("1e+300", "1e400")  # beyond a float: inf

    sources = harrowgate_sources()
    backend = FakeBackend(
        maps=lambda _: reply(infinite("map_S1_S2.json", "summaries")),
        reduces=lambda _: reply(infinite("reduce.json", "key_figures")),
    )
    draft = asyncio.run(LLMEngine(settings(use_cache=False), backend).awrite(sources))
    assert (
        "has value inf; give the number itself"
        in backend.sent("MapResult")[1].messages[-1]["content"]
    )
    # The model's figures are gone; the offline draft's (finite) group stays.
    shown = [f.value for g in draft.sections["key_figures"] for f in g.figures]
    assert shown == [4000, 5500]
    assert (
        "'About 4,000 residents' has value inf; give the number itself"
        in draft.usage["dropped_citations"]
    )
    path = tmp_path / "brief.json"
    path.write_text(briefing.render(as_brief(draft, sources), "json"), encoding="utf-8")
    assert briefing.load(path).stories[0].key_developments


def test_the_models_headline_is_one_line_of_at_most_200_characters():
    reduced = json.loads(saved("reduce.json"))
    reduced["title"] = "Dam breach\n# Harrowgate evacuated\n" + "Harrowgate " * 14 + "x" * 60
    backend = FakeBackend(reduces=[reply(json.dumps(reduced))])
    draft = asyncio.run(LLMEngine(settings(use_cache=False), backend).awrite(harrowgate_sources()))
    assert draft.title.startswith("Dam breach # Harrowgate evacuated Harrowgate")
    assert len(draft.title) == 200
    assert "\n" not in draft.title


def test_the_prefix_every_map_and_merge_call_shares_is_over_1024_tokens_with_the_schema():
    """A provider caches identical prompt prefixes of 1,024 tokens or more; a structured
    output's schema comes before the messages (OpenAI), so it counts."""
    counter, prompts = TokenCounter("gpt-4.1-mini"), Prompts()
    one, two = (plan_map([s], counter, 6000)[0] for s in harrowgate_sources())
    calls = [
        (MapResult, prompts.map_messages(one), prompts.map_messages(two)),
        (ReduceResult, prompts.reduce_messages(["{}"]), prompts.reduce_messages(["[]"])),
    ]
    for schema, first, second in calls:
        texts = ["\n".join(m["content"] for m in messages) for messages in (first, second)]
        same = [a == b for a, b in zip(*texts, strict=False)]
        shared = texts[0][: same.index(False) if False in same else len(same)]
        # They differ from the first piece of data on: everything before it is shared.
        assert shared.rstrip().endswith(('<source id="S', "<summary>"))
        schema_tokens = counter.count(json.dumps(response_format(schema)))
        assert counter.count(shared) + schema_tokens >= 1024
        assert counter.count(shared) >= 700  # the instructions themselves, before any data
