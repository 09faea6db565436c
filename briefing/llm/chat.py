"""The engine's view of a chat model: a request, a reply, a backend that answers, and a
cache in front of it that keeps only whole answers. Nothing here imports `openai` (see
client.py)."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from briefing.errors import ContextLengthError
from briefing.llm import pricing
from briefing.llm.cache import ResponseCache, content_key
from briefing.llm.strict import json_schema

if TYPE_CHECKING:
    from briefing.llm.pricing import Price
    from briefing.llm.schemas import Out

log = logging.getLogger(__name__)

Message = dict[str, str]


def one_line(text: str, limit: int = 160) -> str:
    """A server's or a model's words as one short line: control characters and line breaks
    become spaces, runs of white space one space, and the rest is cut with an ellipsis."""
    flat = " ".join("".join(c if c.isprintable() else " " for c in text[: limit * 4]).split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


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
                "schema": {self.schema.__name__: json_schema(self.schema)},
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
    recovered: bool = Field(
        default=False,
        description="A failure kept in the cache because the run got around it completely.",
    )
    batch: bool = Field(default=False, description="Answered by the Batch API (half price).")


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
    # The part of the tokens above answered by the Batch API, at half the price.
    batch_prompt_tokens: int = 0
    batch_completion_tokens: int = 0
    batch_cached_tokens: int = 0

    def add(self, reply: ChatReply) -> None:
        if reply.from_cache:
            self.cached_calls += 1
            return
        self.calls += 1
        self.prompt_tokens += reply.prompt_tokens
        self.completion_tokens += reply.completion_tokens
        self.cached_tokens += reply.cached_tokens
        if reply.batch:
            self.batch_prompt_tokens += reply.prompt_tokens
            self.batch_completion_tokens += reply.completion_tokens
            self.batch_cached_tokens += reply.cached_tokens

    def cost(self, price: Price | None) -> float | None:
        """What the calls cost at `price`, batch calls at the Batch API's discount."""
        total = pricing.cost(price, self.prompt_tokens, self.completion_tokens, self.cached_tokens)
        batched = pricing.cost(
            price, self.batch_prompt_tokens, self.batch_completion_tokens, self.batch_cached_tokens
        )
        if total is None or batched is None:
            return total
        return total - batched * (1 - pricing.BATCH_DISCOUNT)


def is_answer(reply: ChatReply, schema: type[Out]) -> bool:
    """Whether `reply` is a whole answer of the asked shape: not refused, not stopped by the
    token limit or a content filter, and JSON the schema accepts (citations aside)."""
    if reply.refusal or reply.finish_reason in {"length", "content_filter"} or not reply.content:
        return False
    try:
        schema.model_validate_json(reply.content)
    except ValidationError:
        return False
    return True


# The finish reason of a kept context overflow (the request did not fit the window).
OVERFLOW = "context_length_exceeded"


class CachingBackend:
    """Answers from the cache when it can, and stores every whole answer the backend gives
    (see `is_answer`). A failure (refused, cut off, filtered, not JSON of the asked shape,
    too long for the context window) is not stored: the next run asks again. The engine
    may `keep` one only when it got around it completely (a re-ask or smaller retries all
    succeeded), so that an identical rerun replays the same successful run."""

    def __init__(self, backend: ChatBackend, cache: ResponseCache | None, server: str = "") -> None:
        self.backend = backend
        self.cache = cache
        # The same model name on two servers (an alias on a local server) is two models.
        self.server = server
        # This run's failures by cache key, until they are kept or the run ends.
        self._failed: dict[str, ChatReply] = {}

    async def aclose(self) -> None:
        """Close the connection, once the replies being written are (see ResponseCache)."""
        self._failed.clear()
        if self.cache is not None:
            await asyncio.to_thread(self.cache.flush)
        await self.backend.aclose()

    async def complete(self, request: ChatRequest) -> ChatReply:
        if self.cache is None:
            return await self.backend.complete(request)
        key = request.cache_key(self.server)
        stored = self.cache.get(key)
        if stored is not None:
            replayed = self._replay(self.cache, key, stored, request)
            if replayed is not None:
                return replayed
        try:
            reply = await self.backend.complete(request)
        except ContextLengthError as err:
            self._failed[key] = ChatReply(content=str(err), finish_reason=OVERFLOW)
            raise
        if is_answer(reply, request.schema):
            self.cache.put(key, reply.model_dump_json())
        else:
            self._failed[key] = reply
        return reply

    def ready(self) -> None:
        """Get the backend ready to send (import the client, open the connection pool)
        now, while nothing else runs: done later, beside the story grouping's thread, its
        thousands of small file reads would each wait for that thread to give up the
        interpreter."""
        getattr(self.backend, "ready", lambda: None)()

    def answered(self, request: ChatRequest) -> bool:
        """Whether the cache holds a reply to `request` (it costs nothing)."""
        return self.cache is not None and self.cache.get(request.cache_key(self.server)) is not None

    def keep(self, request: ChatRequest) -> None:
        """Store this run's failed reply to `request` after all: the run got around it."""
        failed = self._failed.pop(request.cache_key(self.server), None)
        if self.cache is not None and failed is not None:
            kept = failed.model_copy(update={"recovered": True})
            self.cache.put(request.cache_key(self.server), kept.model_dump_json())

    @staticmethod
    def _replay(
        cache: ResponseCache, key: str, stored: str, request: ChatRequest
    ) -> ChatReply | None:
        """The stored reply, None if it is not one to replay (then it is removed), or the
        stored overflow raised again."""
        try:
            reply = ChatReply.model_validate_json(stored)
        except ValidationError as err:
            log.warning("ignoring cache entry %s: not a reply (%s)", key, err.error_count())
            cache.discard(key)
            return None
        if reply.recovered and reply.finish_reason == OVERFLOW:
            raise ContextLengthError(reply.content or "does not fit the context window")
        if not reply.recovered and not is_answer(reply, request.schema):
            # A failure stored by an earlier version: ask again.
            log.info("dropping cache entry %s: a failed reply", key)
            cache.discard(key)
            return None
        return reply.model_copy(update={"from_cache": True})
