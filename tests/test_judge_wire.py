"""The judge over the wire: one batched call to a real OpenAI-compatible server, replayed
from tests/cassettes/test_judge_wire/ (`recorded_with.json` there names the server and
model; the README's re-record recipe applies, with this file as the target).

The recording comes from Qwen2.5-Coder-1.5B-Instruct, a small model whose verdicts are
only partly right (it calls the claim with a wrong number "partly" entailed): the test
shows the strict schema holding over the wire, every claim getting a verdict, and the
verifier's statuses left exactly as they were, whatever the judge said.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from llm_fixtures import RECORDING_ENV, harrowgate_sources, wire_info

from briefing.brief_file import brief_from_data
from briefing.llm.judge import Judge
from briefing.llm.settings import LLMSettings
from briefing.models import Brief, Claim, RunStats
from briefing.verify import verify_brief

RECORDED_WITH = Path(__file__).parent / "cassettes" / "test_judge_wire" / "recorded_with.json"


@pytest.fixture(scope="module")
def wire(record_mode: str) -> dict[str, Any]:
    return wire_info(record_mode, RECORDED_WITH)


def small_brief() -> Brief:
    """Three hand-made claims on the Harrowgate story: one the passage states, one with a
    wrong number, one the passage does not state at all."""
    sources = harrowgate_sources()[1:]
    claims = [
        Claim(id="C1", text="The main bridge is closed to all traffic.", citations=["S2.2"]),
        Claim(
            id="C2",
            text="About 9,000 residents left their homes overnight.",
            citations=["S2.1"],
        ),
        Claim(id="C3", text="The dam was rebuilt last year.", citations=["S2.3"]),
    ]
    # Written as a brief of one story was before stories (read as one story on loading).
    return brief_from_data(
        {
            "title": "Harrowgate evacuates",
            "generated_at": datetime(2026, 11, 24, tzinfo=UTC),
            "engine": {"name": "extractive", "note": "hand-made for the judge's wire test"},
            "bottom_line": claims[:1],
            "key_developments": claims[1:],
            "key_figures": [],
            "unconfirmed": [],
            "quotes": [],
            "sources": sources,
            "stats": RunStats(inputs=1, sources=1, passages=3, skipped=0, seconds=0.0),
        }
    )


@pytest.mark.vcr
def test_the_judge_over_the_wire_never_changes_the_verifier(wire, tmp_path):
    settings = LLMSettings(
        model=wire["model"],
        base_url=wire["base_url"],
        api_key=RECORDING_ENV["OPENAI_API_KEY"],
        temperature=wire["temperature"],
        frequency_penalty=wire["frequency_penalty"],
        max_retries=0,
        timeout=300,
        cache_dir=tmp_path / "cache",
    )
    brief = small_brief()
    review = verify_brief(brief)
    judge = Judge(settings)
    judged = asyncio.run(judge.areview(brief, review))
    assert judge.usage.calls == 1  # three claims, one call
    assert judge.usage.prompt_tokens > 0
    assert judged.judged_by == wire["model"]
    assert all(c.judge is not None for c in judged.claims)
    # The recorded model's verdicts, claim by claim: right on the stated claim and on the
    # one the passage does not state; "partly" on the wrong number (9,000 for 4,000).
    assert [c.judge.verdict for c in judged.claims if c.judge] == [
        "entailed",
        "partly",
        "not_entailed",
    ]
    # The verifier's own verdicts stand, whatever the judge said.
    assert [c.model_dump(exclude={"judge"}) for c in judged.claims] == [
        c.model_dump(exclude={"judge"}) for c in review.claims
    ]
    # A wrong number is unsupported (issue 16), like a claim the passage does not state.
    assert [c.status for c in judged.claims] == ["supported", "unsupported", "unsupported"]
    assert judged.fraction_supported == review.fraction_supported
    # A second run is answered from the cache: the cassette allows no repeats.
    again = Judge(settings)
    assert asyncio.run(again.areview(brief, review)) == judged
    assert (again.usage.calls, again.usage.cached_calls) == (0, 1)
