"""What either engine keeps, the verifier supports; what the verifier supports, the engine
does not throw away.

On the shared dev clusters and the seed, both engines write a brief (the LLM engine against
a local server answering as a careless model would: tests/careless_model.py) and every
claim, figure and quote in it must pass every check `verify` runs. And on saved answers (a
fake backend), the cases where the engine's checks and the verifier's used to disagree:
quotes split by an ellipsis, guillemets and single curly quotes, numbers in words, a
paraphrase, and a claim resting on a second source's passage that the brief lists as
corroboration only."""

from __future__ import annotations

import asyncio
import json
from typing import TYPE_CHECKING, Any

import pytest
from careless_model import CarelessModel
from conftest import SHARED
from fake_server import FakeServer, serving
from llm_fixtures import FakeBackend, reply

import briefing
from briefing.engines.extractive import ExtractiveEngine
from briefing.engines.llm import LLMEngine, draft
from briefing.engines.llm.over_offline import Filled
from briefing.llm import schemas
from briefing.llm.settings import LLMSettings
from briefing.models import Passage, Source
from briefing.pipeline import brief_from_draft
from briefing.verify import verify_brief

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator
    from pathlib import Path

    from briefing.models import Brief

CLUSTERS = SHARED / "evaldata" / "clusters"
DEV_INPUTS = [*sorted(CLUSTERS.glob("*.json")), SHARED / "seed"] if CLUSTERS.is_dir() else []
ENGINES = ["extractive", "openai"]

# The suite blocks the network; the careless model's server is on the loopback.
pytestmark = pytest.mark.block_network(allowed_hosts=["127.0.0.1"])


@pytest.fixture(scope="module")
def careless() -> Iterator[tuple[FakeServer, CarelessModel]]:
    for server in serving():
        model = CarelessModel()
        server.fault = model
        yield server, model


def by_the_model(path: Path, server: FakeServer) -> Brief:
    model = {"base_url": server.url, "model": "fake-model", "use_cache": False}
    return briefing.generate([path], engine="openai", **model)


def not_supported(brief: Brief) -> list[tuple[str, str, list[str]]]:
    """What the real verifier (`briefing.verify`, every check it runs) does not support."""
    review = briefing.verify(brief)
    return [(c.ref, c.text, c.reasons) for c in review.claims if c.status != "supported"]


@pytest.mark.skipif(not DEV_INPUTS, reason=f"{CLUSTERS} is absent")
@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("path", DEV_INPUTS, ids=[p.stem[:30] for p in DEV_INPUTS])
def test_everything_either_engine_keeps_passes_every_check(
    path: Path,
    engine: str,
    careless: tuple[FakeServer, CarelessModel],
    offline_brief_of: Callable[[Path], Brief],
) -> None:
    server, model = careless
    mistakes = model.mistakes()
    wrong_figures, wrong_speakers = len(model.wrong_figures), len(model.wrong_speakers)
    wrong_citations = len(model.wrong_citations)
    brief = offline_brief_of(path) if engine == "extractive" else by_the_model(path, server)
    assert brief.review is not None
    assert brief.review.total > 0
    assert not_supported(brief) == []
    if engine == "openai":
        # The model was sent this input and made its mistakes; none of them is kept.
        assert model.mistakes() > mistakes
        figures = model.wrong_figures[wrong_figures:]
        speakers = model.wrong_speakers[wrong_speakers:]
        citations = model.wrong_citations[wrong_citations:]
        kept = {
            f"{f.text} = {f.value}" for s in brief.stories for g in s.key_figures for f in g.figures
        }
        assert kept.isdisjoint(figures)
        credited = {(q.text, q.speaker) for s in brief.stories for q in s.quotes}
        assert credited.isdisjoint(speakers)
        cited = {(c.text, pid) for c in brief.cited_objects() for pid in c.citations}
        assert cited.isdisjoint(citations)


@pytest.mark.skipif(not DEV_INPUTS, reason=f"{CLUSTERS} is absent")
def test_the_careless_models_mistakes_would_fail_verify(
    careless: tuple[FakeServer, CarelessModel], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The test above can fail: with the engine's check switched off, what the careless
    model proposes for the seed's story fails the verifier (a wrong speaker, a wrong value,
    unlike quantities shown as a disagreement)."""
    server, _ = careless
    # Every layer of the engine's checks off: the verifier's findings in the replies'
    # validation, supported_only, and the offline engine's rules and fill (over_offline).
    monkeypatch.setattr(schemas.Cited, "text_problems", lambda _self, _cited: [])
    monkeypatch.setattr(draft, "supported_only", lambda sections, _sources: (sections, []))

    def as_written(title, written, offline, _sources, sections):
        chosen = {s.name: list(written.get(s.name, [])) for s in sections}
        return Filled(title or offline.title, chosen, ["everything"])

    monkeypatch.setattr(draft, "over_offline", as_written)
    found = not_supported(by_the_model(SHARED / "seed", server))
    reasons = " ".join(r for _, _, rs in found for r in rs)
    assert "credited to" in reasons
    assert "is not stated in the cited passages" in reasons
    assert "as a disagreement" in reasons


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
