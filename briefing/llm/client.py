"""The only module that imports `openai`: sends one structured-output request.

Retries with backoff on 429, 5xx, timeouts and dropped connections are the SDK's own
(`max_retries`, `timeout`); what is left after them becomes a typed BriefingError.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

import openai

from briefing.errors import BriefingError, ConfigError, ContextLengthError, ModelCallError
from briefing.llm.chat import ChatReply, ChatRequest
from briefing.llm.strict import response_format

if TYPE_CHECKING:
    from openai.types.chat import ChatCompletionMessageParam
    from openai.types.shared_params import ResponseFormatJSONSchema


# OpenAI says code "context_length_exceeded"; llama.cpp's server, type
# "exceed_context_size_error" or "Context size has been exceeded"; vLLM, "maximum context
# length".
_OVERFLOW_MARKERS = (
    "context_length_exceeded",
    "exceed_context_size",
    "context size",
    "context length",
)


def _server_message(err: openai.APIStatusError) -> str:
    """The server's own words, without the SDK's 'Error code: NNN - ' wrapping."""
    body = err.body
    if isinstance(body, dict) and isinstance(body.get("message"), str):
        return str(body["message"])
    return err.message


def _is_context_overflow(err: openai.APIStatusError) -> bool:
    if err.status_code not in {400, 413, 500}:
        return False
    text = f"{err.code} {err.type} {err.message}".lower()
    return any(marker in text for marker in _OVERFLOW_MARKERS)


# Failures the SDK has already retried, each with what to do about it.
_AFTER_RETRIES: tuple[tuple[type[openai.APIError], type[BriefingError], str], ...] = (
    (
        openai.AuthenticationError,
        ConfigError,
        "{where} rejected the API key ({err.status_code}); check OPENAI_API_KEY",
    ),
    (
        openai.RateLimitError,
        ModelCallError,
        (
            "{where} is still rate-limiting after the retries; wait, lower --max-concurrency "
            "or raise --max-retries"
        ),
    ),
    (
        openai.APITimeoutError,
        ModelCallError,
        "{where} did not answer in time after the retries; raise --timeout",
    ),
    (
        openai.APIConnectionError,
        ModelCallError,
        "cannot reach {where} ({err}); check OPENAI_BASE_URL or --base-url",
    ),
)


class OpenAIBackend:
    def __init__(
        self,
        *,
        api_key: str | None,
        base_url: str | None,
        max_retries: int = 2,
        timeout: float = 120.0,
        http_client: Any = None,  # noqa: ANN401 - an httpx client for the SDK (tests, proxies)
    ) -> None:
        self.base_url = base_url or "https://api.openai.com/v1"
        # Local servers usually need no key, but the SDK insists on one.
        self._options: dict[str, Any] = {
            "api_key": api_key or "no-key",
            "base_url": base_url,
            "max_retries": max_retries,
            "timeout": timeout,
            "http_client": http_client,
        }
        self._client: openai.AsyncOpenAI | None = None

    def _connection(self) -> openai.AsyncOpenAI:
        """One client per event loop run: made on first use, closed by aclose()."""
        if self._client is None:
            self._client = openai.AsyncOpenAI(**self._options)
        return self._client

    async def aclose(self) -> None:
        if self._client is not None:
            await self._client.close()
            self._client = None

    def _failure(self, err: openai.APIError, model: str) -> BriefingError:
        """What is left of a failure after the SDK's retries, as one line with the fix."""
        for kind, error, message in _AFTER_RETRIES:
            if isinstance(err, kind):
                return error(message.format(where=self.base_url, err=err))
        if isinstance(err, openai.APIStatusError):
            if _is_context_overflow(err):
                return ContextLengthError(
                    f"{self.base_url}: prompt and reply do not fit {model}'s context window; "
                    "lower the token budgets or use a model with a longer context"
                )
            answer = f"HTTP {err.status_code}: {_server_message(err)}"
        else:
            answer = f"an error: {err.message}"
        return ModelCallError(
            f"{self.base_url} answered {answer}; check --model and that the server supports "
            "json_schema response formats"
        )

    async def complete(self, request: ChatRequest) -> ChatReply:
        temperature = openai.omit if request.temperature is None else request.temperature
        penalty = openai.omit if request.frequency_penalty is None else request.frequency_penalty
        try:
            completion = await self._connection().chat.completions.create(
                model=request.model,
                messages=cast("list[ChatCompletionMessageParam]", request.messages),
                response_format=cast("ResponseFormatJSONSchema", response_format(request.schema)),
                max_completion_tokens=request.max_completion_tokens,
                temperature=temperature,
                frequency_penalty=penalty,
            )
        except openai.APIError as err:
            raise self._failure(err, request.model) from err
        if not completion.choices:
            raise ModelCallError(f"{self.base_url} sent a reply with no choices; check the server")
        choice = completion.choices[0]
        usage = completion.usage
        details = usage.prompt_tokens_details if usage else None
        return ChatReply(
            content=choice.message.content,
            refusal=getattr(choice.message, "refusal", None),
            finish_reason=choice.finish_reason or "stop",
            prompt_tokens=usage.prompt_tokens if usage else 0,
            completion_tokens=usage.completion_tokens if usage else 0,
            cached_tokens=(details.cached_tokens or 0) if details else 0,
        )
