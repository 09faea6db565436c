"""What the engine and the judge share: opening the backend, and reading a reply."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

import pytest
from llm_fixtures import reply
from pydantic import BaseModel, ValidationError, field_validator

from briefing.errors import (
    ConfigError,
    ContextLengthError,
    ModelCallError,
    describe_validation_error,
    validation_problems,
)
from briefing.llm import calls
from briefing.llm.calls import LazyBackend, NoAnswer, Outcome, open_backend, send
from briefing.llm.chat import ChatReply, ChatRequest, Usage
from briefing.llm.client import OpenAIBackend
from briefing.llm.schemas import JudgeResult
from briefing.llm.settings import LLMSettings

if TYPE_CHECKING:
    from pathlib import Path

REQUEST = ChatRequest(
    model="m",
    messages=[{"role": "user", "content": "hi"}],
    schema=JudgeResult,
    max_completion_tokens=100,
)


class OneAnswer:
    """A backend that gives one reply, or raises one error."""

    def __init__(self, answer: ChatReply | Exception) -> None:
        self.answer = answer

    async def complete(self, request: ChatRequest) -> ChatReply:  # noqa: ARG002
        if isinstance(self.answer, Exception):
            raise self.answer
        return self.answer

    async def aclose(self) -> None:
        pass


def sent(answer: ChatReply | Exception, usage: Usage | None = None) -> Outcome:
    return asyncio.run(send(OneAnswer(answer), REQUEST, usage or Usage()))


@pytest.mark.parametrize(
    ("option", "instead", "message"),
    [
        (
            "",
            "use --engine extractive",
            (
                "no OPENAI_API_KEY: set it, or point OPENAI_BASE_URL/--base-url at an "
                "OpenAI-compatible server, or use --engine extractive"
            ),
        ),
        (
            "--judge openai",
            "drop --judge",
            (
                "no OPENAI_API_KEY for --judge openai: set it, or point OPENAI_BASE_URL/"
                "--base-url at an OpenAI-compatible server, or drop --judge"
            ),
        ),
    ],
)
def test_no_key_and_no_server_is_one_config_error(option, instead, message):
    with pytest.raises(ConfigError) as caught:
        open_backend(LLMSettings(), option=option, instead=instead)
    assert str(caught.value) == message


def test_a_server_without_a_key_opens_the_openai_backend_behind_the_cache(tmp_path: Path):
    settings = LLMSettings(base_url="http://llm.test/v1", cache_dir=tmp_path)
    opened = open_backend(settings, instead="x")
    assert isinstance(opened.backend, LazyBackend)  # made on the first request
    assert isinstance(opened.backend.backend, OpenAIBackend)
    assert opened.backend.backend.base_url == "http://llm.test/v1"
    assert opened.cache is not None
    assert opened.cache.directory == tmp_path
    assert opened.server == "http://llm.test/v1"
    uncached = open_backend(LLMSettings(api_key="sk-test-not-real", use_cache=False), instead="x")
    assert uncached.cache is None
    assert uncached.server == ""


def test_a_given_backend_needs_no_key_and_is_not_replaced(monkeypatch):
    def refuse(settings: LLMSettings) -> None:
        raise AssertionError("make_backend was called although a backend was given")

    monkeypatch.setattr(calls, "make_backend", refuse)
    given = OneAnswer(reply("{}"))
    assert open_backend(LLMSettings(), given, instead="x").backend is given


def test_a_good_reply_gives_its_content_and_is_counted():
    usage = Usage()
    assert sent(reply('{"verdicts": []}'), usage) == Outcome(content='{"verdicts": []}')
    assert (usage.calls, usage.prompt_tokens, usage.completion_tokens) == (1, 1000, 200)
    assert sent(reply(None)) == Outcome(content="")


@pytest.mark.parametrize(
    ("answer", "outcome"),
    [
        (reply(None, refusal="I can't."), Outcome(failure=NoAnswer.REFUSED, refusal="I can't.")),
        # A refusal says more than the finish reason that came with it.
        (
            reply(None, refusal="No.", finish_reason="content_filter"),
            Outcome(failure=NoAnswer.REFUSED, refusal="No."),
        ),
        (reply("", finish_reason="content_filter"), Outcome(failure=NoAnswer.FILTERED)),
        # A cut-off reply keeps what it had written: its complete items may be salvaged.
        (
            reply('{"verdicts": [', finish_reason="length"),
            Outcome(content='{"verdicts": [', failure=NoAnswer.CUT_OFF),
        ),
    ],
)
def test_replies_without_usable_text_say_why_and_are_counted(answer, outcome):
    usage = Usage()
    assert sent(answer, usage) == outcome
    assert usage.calls == 1


def test_a_context_overflow_is_an_outcome_and_other_failures_propagate():
    usage = Usage()
    assert sent(ContextLengthError("too long"), usage) == Outcome(failure=NoAnswer.TOO_LONG)
    assert usage.calls == 0
    with pytest.raises(ModelCallError, match="boom"):
        sent(ModelCallError("boom"))


class _Shape(BaseModel):
    count: int

    @field_validator("count")
    @classmethod
    def _positive(cls, value: int) -> int:
        if value < 1:
            raise ValueError("must be at least 1")
        return value


def test_validation_problems_name_the_field_and_drop_pydantics_prefix():
    with pytest.raises(ValidationError) as caught:
        _Shape.model_validate({"count": 0})
    assert validation_problems(caught.value) == ["count: must be at least 1"]
    with pytest.raises(ValidationError) as whole:
        _Shape.model_validate_json("[]")
    assert validation_problems(whole.value, whole="reply") == ["reply: Input should be an object"]
    assert describe_validation_error(whole.value) == "top level: Input should be an object"
