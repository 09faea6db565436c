"""What the LLM engine and the judge share about talking to a model: opening the cached
backend the settings describe, and sending one request and reading what came back.

Each caller words the outcome for its own report; what a reply means (a refusal, the
provider's filter, a cut-off, a context overflow) is decided here only.
"""

from __future__ import annotations

import enum
import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING, cast

from briefing.errors import ConfigError, ContextLengthError
from briefing.llm.cache import ResponseCache
from briefing.llm.chat import CachingBackend, ChatBackend, ChatReply, ChatRequest, Usage, one_line

if TYPE_CHECKING:
    from briefing.llm.batch import BatchClient
    from briefing.llm.settings import LLMSettings

log = logging.getLogger(__name__)


def make_backend(settings: LLMSettings) -> ChatBackend:
    """The OpenAI-compatible backend the settings point at (tests replace this function)."""
    from briefing.llm.client import OpenAIBackend  # noqa: PLC0415 - importing openai is slow

    return OpenAIBackend(
        api_key=settings.api_key,
        base_url=settings.base_url,
        max_retries=settings.max_retries,
        timeout=settings.timeout,
    )


def load_client() -> None:
    """Import the client (and so `openai`, which takes a second) without making one."""
    import briefing.llm.client  # noqa: F401, PLC0415 - the point is to import it now


class LazyBackend:
    """The backend the settings describe, made on the first request: a run answered
    wholly from the cache never imports the client (importing openai takes a second)."""

    def __init__(self, settings: LLMSettings) -> None:
        self.settings = settings
        self._made: ChatBackend | None = None

    @property
    def backend(self) -> ChatBackend:
        if self._made is None:
            self._made = make_backend(self.settings)
        return self._made

    def ready(self) -> None:
        """Make the backend now (see CachingBackend.ready)."""
        made = self.backend
        getattr(made, "ready", lambda: None)()

    async def complete(self, request: ChatRequest) -> ChatReply:
        return await self.backend.complete(request)

    async def aclose(self) -> None:
        if self._made is not None:
            await self._made.aclose()


def missing_key_message(option: str, instead: str) -> str:
    """The one 'no key and no server' error; `option` names what asked for a model ('' for
    the engine), `instead` the way to do without one."""
    asked_by = f" for {option}" if option else ""
    return (
        f"no OPENAI_API_KEY{asked_by}: set it, or point OPENAI_BASE_URL/--base-url at an "
        f"OpenAI-compatible server, or {instead}"
    )


def open_backend(
    settings: LLMSettings,
    backend: ChatBackend | None = None,
    *,
    option: str = "",
    instead: str,
    background_writes: bool = False,
) -> CachingBackend:
    """`backend` (a test's) or the one the settings describe, behind the reply cache.

    Without a key or a server there is nothing to talk to: a ConfigError, before any work."""
    if backend is None:
        if settings.api_key is None and settings.base_url is None:
            raise ConfigError(missing_key_message(option, instead))
        backend = LazyBackend(settings)
        if settings.batch:
            from briefing.llm.batch import BatchBackend  # noqa: PLC0415 - only for --batch

            backend = BatchBackend(
                lambda: cast("BatchClient", make_backend(settings)),
                settings.response_cache_dir() / "batches",
                settings.base_url or "",
            )
    cache = (
        ResponseCache(settings.response_cache_dir(), background=background_writes)
        if settings.use_cache
        else None
    )
    return CachingBackend(backend, cache, settings.base_url or "")


class NoAnswer(enum.Enum):
    """Why a call gave no text to read."""

    REFUSED = "refused"  # the model declined; Outcome.refusal has its words
    FILTERED = "content_filter"  # the provider's content filter stopped the reply
    CUT_OFF = "length"  # the reply reached max_completion_tokens
    TOO_LONG = "context_length_exceeded"  # prompt and reply do not fit the context window


@dataclass(frozen=True)
class Outcome:
    """The reply's text (JSON when all went well), or why there is none (a reply cut off
    at the token limit keeps what it had written)."""

    content: str = ""
    failure: NoAnswer | None = None
    refusal: str = ""


async def send(backend: ChatBackend, request: ChatRequest, usage: Usage) -> Outcome:
    """Send one request, count it in `usage`, and say what the reply amounts to.

    A context overflow is an outcome (a smaller request may fit); any other ModelCallError
    (what is left after the SDK's retries) or ConfigError propagates."""
    try:
        reply = await backend.complete(request)
    except ContextLengthError:
        log.info("%s call does not fit the context window", request.schema.__name__)
        return Outcome(failure=NoAnswer.TOO_LONG)
    usage.add(reply)
    if reply.refusal:
        return Outcome(failure=NoAnswer.REFUSED, refusal=one_line(reply.refusal))
    if reply.finish_reason == "content_filter":
        return Outcome(failure=NoAnswer.FILTERED)
    if reply.finish_reason == "length":
        return Outcome(content=reply.content or "", failure=NoAnswer.CUT_OFF)  # what it had
    return Outcome(content=reply.content or "")
