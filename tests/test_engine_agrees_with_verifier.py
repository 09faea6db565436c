"""What the LLM engine keeps, the verifier supports; what the verifier supports, the engine
does not throw away. The engine runs on saved answers (a fake backend) that hold the cases
where the engine's checks and the verifier's used to disagree: quotes split by an ellipsis,
guillemets and single curly quotes, numbers in words, a paraphrase, and a claim resting on
a second source's passage that the brief lists as corroboration only."""

from __future__ import annotations

import asyncio
import json
from typing import Any

from llm_fixtures import FakeBackend, reply

from briefing.engines.extractive import ExtractiveEngine
from briefing.engines.llm import LLMEngine
from briefing.llm.settings import LLMSettings
from briefing.models import Passage, Source
from briefing.pipeline import brief_from_draft
from briefing.verify import verify_brief


def source(sid: str, title: str, sentences: list[str]) -> Source:
    passages = [
        Passage(id=f"{sid}.{n}", text=text, paragraph=n) for n, text in enumerate(sentences, 1)
    ]
    return Source(id=sid, title=title, origin=f"tests/{sid}.txt", passages=passages)


SOURCES = [
    source(
        "S1",
        "Harrowgate empties as the Velka floods",
        [
            "Some four thousand residents left the lower town of Harrowgate overnight.",
            "Residents said the river burst its banks near the old mill before midnight.",
            (
                '"The water in the old mill rose faster than any of us had seen," '
                "Mayor Ilse Varga said."
            ),
        ],
    ),
    source(
        "S2",
        "Bridge shut as the lower town is cleared",
        [
            "About 4,000 people left their homes in the lower town overnight.",
            "The main bridge over the Velka is closed to all traffic.",
        ],
    ),
]

# Each case: the section it goes in, the item as the model answers it, and whether the
# engine must keep it (the verifier supports it) or drop it (the verifier would not).
KEPT, DROPPED = True, False


def point(text: str, *citations: str) -> dict[str, Any]:
    return {"citations": list(citations), "text": text, "attribution": None}


def figure(text: str, value: float, *citations: str) -> dict[str, Any]:
    return {
        "citations": list(citations),
        "text": text,
        "value": value,
        "unit": None,
        "counts": "residents who left",
        "attribution": None,
    }


def quote(text: str, *citations: str) -> dict[str, Any]:
    return {"citations": list(citations), "text": text, "speaker": "Mayor Ilse Varga"}


CASES: list[tuple[str, dict[str, Any], bool]] = [
    # Corroborated by S2.1: checked against S1.1, the passage it ends up citing.
    ("bottom_line", point("Some four thousand residents left Harrowgate overnight.", "S1.1", "S2.1"), KEPT),
    # An ellipsis splits a quote: each part stands in the passage, in order.
    ("key_developments", point('Mayor Ilse Varga said "the water ... rose" faster than any of them had seen.', "S1.3"), KEPT),
    ("key_developments", point("Residents said «the river burst» its banks near the old mill.", "S1.2"), KEPT),
    ("key_developments", point("Residents said ‘the river burst’ its banks near the old mill.", "S1.2"), KEPT),
    ("key_developments", point("Residents said «the river exploded» near the old mill.", "S1.2"), DROPPED),
    ("key_developments", point("Residents said ‘the river exploded’ near the old mill.", "S1.2"), DROPPED),
    # A paraphrase: few of its words stand in the passage it cites.
    ("key_developments", point("Floodwater swamped the historic quarter as families fled in panic.", "S1.2"), DROPPED),
    # The bridge is in S2.2, which the brief would list as corroboration, not as a citation.
    ("key_developments", point("Four thousand residents left overnight and the main bridge over the Velka is closed.", "S1.1", "S2.2"), DROPPED),
    ("key_figures", figure("Some four thousand residents", 4000, "S1.1"), KEPT),
    ("key_figures", figure("4,000 residents", 4000, "S1.1"), KEPT),  # the passage says it in words
    ("key_figures", figure("About 4,000 people", 4000, "S2.1"), KEPT),
    ("key_figures", figure("five thousand residents", 5000, "S1.1"), DROPPED),
    ("quotes", quote("The water in the old mill rose faster than any of us had seen", "S1.3"), KEPT),
    ("quotes", quote("The water ... rose faster than any of us had seen", "S1.3"), KEPT),
    ("quotes", quote("«The water rose slowly»", "S1.3"), DROPPED),
]  # fmt: skip


def reduce_answer() -> str:
    answer: dict[str, Any] = {
        "title": "Harrowgate empties as the Velka floods",
        "bottom_line": [],
        "key_developments": [],
        "key_figures": [{"subject": "residents who left", "figures": []}],
        "unconfirmed": [],
        "quotes": [],
        "what_to_watch": [],
    }
    for section, item, _ in CASES:
        if section == "key_figures":
            answer["key_figures"][0]["figures"].append(item)
        else:
            answer[section].append(item)
    return json.dumps(answer, ensure_ascii=False)


def map_answer() -> str:
    summaries = [
        {
            "source_id": s.id,
            "key_points": [point(s.passages[0].text, s.passages[0].id)],
            "figures": [],
            "quotes": [],
            "hedged": [],
        }
        for s in SOURCES
    ]
    return json.dumps({"summaries": summaries})


def test_everything_the_engine_keeps_the_verifier_supports():
    backend = FakeBackend(
        maps=lambda _: reply(map_answer()), reduces=lambda _: reply(reduce_answer())
    )
    settings = LLMSettings(model="gpt-4.1-mini", api_key=None, use_cache=False)
    draft = asyncio.run(LLMEngine(settings, backend).awrite(SOURCES))
    brief = brief_from_draft(draft, SOURCES)

    review = verify_brief(brief)
    not_supported = [(c.text, c.reasons) for c in review.claims if c.status != "supported"]
    assert not_supported == []

    # What the brief shows is the model's supported items, then the offline draft's (each
    # sentence once: a second item on a sentence already shown is not shown again).
    kept = {obj.text for obj in brief.cited_objects()}
    offline = {
        obj.text
        for obj in brief_from_draft(ExtractiveEngine().write(SOURCES), SOURCES).cited_objects()
    }
    supported = {item["text"] for _, item, keep in CASES if keep}
    assert kept <= supported | offline
    shown = {c for obj in brief.cited_objects() for c in obj.citations}
    dropped = "\n".join(draft.usage["dropped_citations"])
    for _, item, keep in CASES:
        if keep:
            assert repr(item["text"][:60]) not in dropped
            assert item["text"] in kept or shown & set(item["citations"])
        else:
            assert repr(item["text"][:60]) in dropped
            assert item["text"] not in kept
    # The corroborated claim cites its own source's passage; the other is corroboration.
    (corroborated,) = brief.stories[0].bottom_line
    assert (corroborated.citations, corroborated.corroborated_by) == (["S1.1"], ["S2.1"])
