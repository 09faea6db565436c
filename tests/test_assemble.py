"""briefing.assemble: a day's drafts, one per story, as one brief."""

from __future__ import annotations

from briefing.assemble import brief_from_drafts
from briefing.engines import Draft
from briefing.ingest.article import Article
from briefing.models import Claim, EngineInfo
from briefing.passages import build_sources
from briefing.stories.grouping import StoryGroup

ENGINE = EngineInfo(name="openai", model="gpt-4.1-mini", note="test")


def _draft(n: int, source: str, usage: dict[str, object]) -> Draft:
    claim = Claim(id="B1", text=f"The ferry ran {n} times.", citations=[f"{source}.1"])
    return Draft(title=f"Story {n}", engine=ENGINE, sections={"bottom_line": [claim]}, usage=usage)


def test_two_stories_number_claims_across_the_brief_and_add_up_usage() -> None:
    sources, _ = build_sources(
        [
            Article("Ferry one", "The ferry ran 1 times."),
            Article("Ferry two", "The ferry ran 2 times."),
        ]
    )
    groups = [StoryGroup("st-00000001", ("S1",), 1), StoryGroup("st-00000002", ("S2",), 1)]
    usage = {"calls": 3, "prompt_tokens": 100, "cost_usd": 0.01, "dropped_citations": ["x"]}
    drafts = [_draft(1, "S1", usage), _draft(2, "S2", {"dropped_citations": ["y"]})]
    brief = brief_from_drafts(drafts, groups, sources)
    assert [s.bottom_line[0].id for s in brief.stories] == ["B1", "B2"]
    assert brief.overview == ["st-00000001", "st-00000002"]
    assert brief.title == "2 stories, led by: Story 1"
    # The second draft priced nothing; the run's cost is still known. What the run spent
    # goes with the brief, not into it.
    assert brief.run is not None
    assert brief.run.cost_usd == 0.01
    assert brief.run.calls == 3
    assert brief.stats.calls is None
    assert brief.stats.dropped_citations == ["x", "y"]
