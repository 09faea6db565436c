"""Hand-built sources for the LLM engine tests, in our own words (the Harrowgate story of
examples/), so these tests do not depend on ingest."""

from __future__ import annotations

import asyncio
import json
import os
import re
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from briefing.llm.chat import ChatReply, ChatRequest
from briefing.models import Brief, Passage, Source
from briefing.pipeline import brief_from_draft

if TYPE_CHECKING:
    from briefing.engines import Draft


def _source(sid: str, title: str, outlet: str, paragraphs: list[list[str]]) -> Source:
    passages = []
    for number, sentences in enumerate(paragraphs, start=1):
        for sentence in sentences:
            passages.append(
                Passage(id=f"{sid}.{len(passages) + 1}", text=sentence, paragraph=number)
            )
    return Source(id=sid, title=title, outlet=outlet, origin=f"tests/{sid}.txt", passages=passages)


def harrowgate_sources() -> list[Source]:
    return [
        _source(
            "S1",
            "More than 5,500 evacuated as Velka dam partly fails",
            "Eastmark Wire",
            [
                [
                    (
                        "More than 5,500 people have been evacuated from Harrowgate after part of "
                        "the Kessel dam breached early on Monday, the civil protection agency said."
                    ),
                    "The breach followed three days of heavy rain.",
                ],
                [
                    (
                        'Agency chief Tomas Reyn said: "The dam wall has not failed completely, '
                        'but we cannot rule it out."'
                    ),
                ],
                [
                    (
                        "Some residents said the spillway may have been blocked by debris, a "
                        "claim the operator denied."
                    ),
                ],
            ],
        ),
        _source(
            "S2",
            "Harrowgate evacuates 4,000 as dam gives way",
            "Harrowgate Herald",
            [
                [
                    "About 4,000 residents left their homes overnight, the town council said.",
                    "The main bridge is closed to all traffic.",
                ],
                ["Engineers will inspect the dam again on Wednesday."],
            ],
        ),
    ]


# Captured at import (collection) time, before the autouse fixture clears them: only
# the cassette tests use these, and only when recording.
RECORDING_ENV = {
    name: os.environ.get(name)
    for name in ("OPENAI_BASE_URL", "OPENAI_API_KEY", "BRIEFING_TEST_MODEL", "BRIEFING_TEST_SERVER")
}

FIXTURES = Path(__file__).parent / "fixtures" / "llm"


def saved(name: str) -> str:
    """A saved model answer (our own writing, shaped like a good model's reply)."""
    return (FIXTURES / name).read_text(encoding="utf-8")


def reply(content: str | None, **fields: object) -> ChatReply:
    values: dict[str, object] = {
        "content": content,
        "finish_reason": "stop",
        "prompt_tokens": 1000,
        "completion_tokens": 200,
        "cached_tokens": 0,
    }
    values.update(fields)
    return ChatReply.model_validate(values)


Responder = Callable[[ChatRequest], ChatReply]


class FakeBackend:
    """Answers from per-schema queues (or a function) and records every request."""

    def __init__(
        self,
        maps: list[ChatReply] | Responder | None = None,
        reduces: list[ChatReply] | Responder | None = None,
        delay: float = 0.0,
        judges: list[ChatReply] | Responder | None = None,
    ) -> None:
        self.answers: dict[str, list[ChatReply] | Responder] = {
            "MapResult": maps if maps is not None else [reply(saved("map_S1_S2.json"))],
            "ReduceResult": reduces if reduces is not None else [reply(saved("reduce.json"))],
            "JudgeResult": judges if judges is not None else [],
        }
        self.requests: list[ChatRequest] = []
        self.delay = delay
        self.in_flight = 0
        self.max_in_flight = 0
        self.closed = 0

    async def complete(self, request: ChatRequest) -> ChatReply:
        self.requests.append(request)
        self.in_flight += 1
        self.max_in_flight = max(self.max_in_flight, self.in_flight)
        try:
            await asyncio.sleep(self.delay)
            answer = self.answers[request.schema.__name__]
            if callable(answer):
                return answer(request)
            if not answer:
                raise AssertionError(f"unexpected extra {request.schema.__name__} request")
            return answer.pop(0)
        finally:
            self.in_flight -= 1

    async def aclose(self) -> None:
        self.closed += 1

    def sent(self, schema: str) -> list[ChatRequest]:
        return [r for r in self.requests if r.schema.__name__ == schema]


def well_behaved_map(request: ChatRequest) -> ChatReply:
    """A well-behaved model: one key point per source, its first sentence, citing it."""
    user = request.messages[1]["content"]
    firsts: dict[str, tuple[str, str]] = {}
    for pid, text in re.findall(r"^\[(S\d+\.\d+)\] (.*)$", user, flags=re.MULTILINE):
        firsts.setdefault(pid.split(".")[0], (pid, text))
    summaries = [
        {
            "source_id": sid,
            "key_points": [{"citations": [pid], "text": text, "attribution": None}],
            "figures": [],
            "quotes": [],
            "hedged": [],
        }
        for sid, (pid, text) in firsts.items()
    ]
    return reply(json.dumps({"summaries": summaries}))


def points_merged(request: ChatRequest) -> ChatReply:
    """Every summary's key points as developments, the first also as the bottom line."""
    summaries = re.findall(r"<summary>\n(.*?)\n</summary>", request.messages[1]["content"])
    points = [p for s in summaries for p in json.loads(s)["key_points"]]
    return reply(
        json.dumps(
            {
                "title": "Harrowgate dam breach on the Velka",
                "bottom_line": points[:1],
                "key_developments": points,
                "key_figures": [],
                "unconfirmed": [],
                "quotes": [],
                "what_to_watch": [],
            }
        )
    )


def as_brief(draft: Draft, sources: list[Source]) -> Brief:
    """What the pipeline does with a draft: Brief validation checks every citation."""
    return brief_from_draft(draft, sources)


def wire_info(record_mode: str, recorded_with: Path) -> dict[str, Any]:
    """Replaying: the recorded server and model (from `recorded_with`). Recording: the ones
    in the environment, written down in `recorded_with` beside the cassettes."""
    if record_mode == "none":
        info: dict[str, Any] = json.loads(recorded_with.read_text(encoding="utf-8"))
        return info
    base_url, model = RECORDING_ENV["OPENAI_BASE_URL"], RECORDING_ENV["BRIEFING_TEST_MODEL"]
    if not base_url or not model:
        pytest.fail("to record, set OPENAI_BASE_URL and BRIEFING_TEST_MODEL (see README)")
    info = {
        "base_url": base_url,
        "model": model,
        "server": RECORDING_ENV["BRIEFING_TEST_SERVER"] or "unspecified",
        "temperature": 0.0,
        # No penalty: an instruction-tuned model copies the sources' words, which a
        # frequency penalty would push it away from.
        "frequency_penalty": 0.0,
        "recorded": datetime.now(tz=UTC).date().isoformat(),
    }
    recorded_with.parent.mkdir(parents=True, exist_ok=True)
    recorded_with.write_text(json.dumps(info, indent=2) + "\n", encoding="utf-8")
    return info
