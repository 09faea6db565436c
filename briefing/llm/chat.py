"""The engine's view of a chat model: a request, a reply, a backend that answers, and a
cache in front of it. Nothing here imports `openai` (see client.py)."""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from briefing.errors import ContextLengthError
from briefing.llm.cache import ResponseCache, content_key

if TYPE_CHECKING:
    from briefing.llm.schemas import Out

log = logging.getLogger(__name__)

Message = dict[str, str]


@dataclass(frozen=True)
class ChatRequest:
    model: str
    messages: list[Message]
    schema: type[Out]
    max_completion_tokens: int
    temperature: float | None = None
    frequency_penalty: float | None = None

    def cache_key(self, server: str = "") -> str:
        return content_key(
            {
                "server": server,
                "model": self.model,
                "messages": self.messages,
                "schema": {self.schema.__name__: self.schema.model_json_schema()},
                "params": {
                    "max_completion_tokens": self.max_completion_tokens,
                    "temperature": self.temperature,
                    "frequency_penalty": self.frequency_penalty,
                },
            }
        )


class ChatReply(BaseModel):
    """What came back, whatever it was; the engine decides what it means."""

    model_config = ConfigDict(extra="forbid")

    content: str | None = Field(description="The message text (JSON when all went well).")
    refusal: str | None = Field(default=None, description="The model's refusal, if it refused.")
    finish_reason: str = Field(description="'stop', 'length', 'content_filter', ...")
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cached_tokens: int = 0
    from_cache: bool = False


class ChatBackend(Protocol):
    async def complete(self, request: ChatRequest) -> ChatReply: ...

    async def aclose(self) -> None:
        """Release connections; the backend may be used again afterwards."""


@dataclass
class Usage:
    calls: int = 0
    cached_calls: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cached_tokens: int = 0
    notes: list[str] = field(default_factory=list)

    def add(self, reply: ChatReply) -> None:
        if reply.from_cache:
            self.cached_calls += 1
            return
        self.calls += 1
        self.prompt_tokens += reply.prompt_tokens
        self.completion_tokens += reply.completion_tokens
        self.cached_tokens += reply.cached_tokens


class CachingBackend:
    """Answers from the cache when it can; stores every reply the backend gives."""

    def __init__(self, backend: ChatBackend, cache: ResponseCache | None, server: str = "") -> None:
        self.backend = backend
        self.cache = cache
        # The same model name on two servers (an alias on a local server) is two models.
        self.server = server

    async def aclose(self) -> None:
        await self.backend.aclose()

    async def complete(self, request: ChatRequest) -> ChatReply:
        if self.cache is None:
            return await self.backend.complete(request)
        key = request.cache_key(self.server)
        stored = self.cache.get(key)
        if stored is not None:
            overflow = _stored_overflow(stored)
            if overflow is not None:
                raise ContextLengthError(overflow)
            try:
                return ChatReply.model_validate_json(stored).model_copy(update={"from_cache": True})
            except ValidationError as err:
                log.warning("ignoring cache entry %s: not a reply (%s)", key, err.error_count())
        try:
            reply = await self.backend.complete(request)
        except ContextLengthError as err:
            # Too big for the context window is the server's answer to this exact request,
            # as a reply is; keeping it lets an identical rerun send nothing at all.
            self.cache.put(key, json.dumps({_OVERFLOW: str(err)}))
            raise
        self.cache.put(key, reply.model_dump_json())
        return reply


_OVERFLOW = "context_length_exceeded"


def _stored_overflow(stored: str) -> str | None:
    try:
        data = json.loads(stored)
    except json.JSONDecodeError:
        return None
    message = data.get(_OVERFLOW) if isinstance(data, dict) else None
    return message if isinstance(message, str) else None
