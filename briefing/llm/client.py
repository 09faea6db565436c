"""The only module that imports `openai`: sends one structured-output request, or one
batch of texts to embed.

Retries with backoff on 429, 5xx, timeouts and dropped connections are the SDK's own
(`max_retries`, `timeout`). A 200 reply that is not what was asked for (a body that is not
JSON, an error object, a chat completion with no choices or a choice without a message,
embeddings of the wrong number or shape) is retried here with backoff, from the same
`max_retries`: a request is sent at most 1 + max_retries times, whatever goes wrong. What
is left after the retries becomes a typed BriefingError with a one-line message. Chat and
embedding requests share all of this; they differ only in what they send and read.
"""

from __future__ import annotations

import asyncio
import json
import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol, TypeVar, cast

import openai

from briefing.errors import BriefingError, ConfigError, ContextLengthError, ModelCallError
from briefing.llm.batch import BatchStatus
from briefing.llm.chat import ChatReply, ChatRequest, one_line
from briefing.llm.embedding_wire import EmbeddingReply, EmbeddingRequest, as_vector
from briefing.llm.strict import response_format

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable

    from openai.types.chat import ChatCompletionMessageParam
    from openai.types.shared_params import ResponseFormatJSONSchema

log = logging.getLogger(__name__)

# Seconds before retrying a reply that is not a chat completion, doubled each time up to
# MAX_RETRY_DELAY (tests set it to 0).
RETRY_DELAY = 0.5
MAX_RETRY_DELAY = 8.0
# Token counts above this in a reply's usage are nonsense: counted as 0.
MAX_TOKENS = 10**9
# Characters of a body that is not JSON shown in a message.
SHOWN = 60


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
        return one_line(str(body["message"]))
    if isinstance(body, str) and body.strip():  # not JSON: a proxy's error page, say
        return one_line(body)
    return one_line(err.message)


def _is_context_overflow(err: openai.APIStatusError) -> bool:
    if err.status_code == 413:  # the request is too large, whoever says so: send less
        return True
    if err.status_code not in {400, 500}:
        return False
    text = f"{err.code} {err.type} {err.message}".lower()
    return any(marker in text for marker in _OVERFLOW_MARKERS)


def _tokens(usage: dict[str, Any], name: str) -> int:
    value = usage.get(name)
    if isinstance(value, int) and not isinstance(value, bool) and 0 < value <= MAX_TOKENS:
        return value
    return 0


def _json(body: bytes) -> object:
    """A 200 reply's body as JSON; raises _Unreadable saying what it is instead."""
    try:
        return json.loads(body)
    except (ValueError, RecursionError):
        shown = one_line(body[: SHOWN * 4].decode(errors="replace"), SHOWN)
        raise _Unreadable(f"a body that is not JSON: {shown!r}") from None


class _Unreadable(Exception):  # noqa: N818 - internal: its message is the reason
    """What a 200 reply's body is, when it is not what was asked for."""


def _error_object(error: object) -> str:
    said = error.get("message") if isinstance(error, dict) else error
    return f"an error: {one_line(said)}" if isinstance(said, str) else "an error object"


def read_completion(body: bytes) -> ChatReply | str:
    """The chat completion a 200 reply's body holds, or what is wrong with it."""
    try:
        data = _json(body)
    except _Unreadable as err:
        return str(err)
    choice = _first_choice(data)
    if isinstance(choice, str):
        return choice
    message = choice["message"]
    refusal, finish = message.get("refusal"), choice.get("finish_reason")
    usage = data.get("usage") if isinstance(data, dict) else None
    usage = usage if isinstance(usage, dict) else {}
    details = usage.get("prompt_tokens_details")
    return ChatReply(
        content=message.get("content"),
        refusal=refusal if isinstance(refusal, str) and refusal else None,
        finish_reason=finish if isinstance(finish, str) and finish else "stop",
        prompt_tokens=_tokens(usage, "prompt_tokens"),
        completion_tokens=_tokens(usage, "completion_tokens"),
        cached_tokens=_tokens(details, "cached_tokens") if isinstance(details, dict) else 0,
    )


def _first_choice(data: object) -> dict[str, Any] | str:
    """A completion's first choice, with a message whose content is text or null; else
    what is wrong."""
    if not isinstance(data, dict):
        return "JSON that is not a chat completion"
    choices = data.get("choices")
    if not choices and "error" in data:
        return _error_object(data["error"])
    choice = choices[0] if isinstance(choices, list) and choices else None
    if not isinstance(choice, dict):
        return "a completion with no choices"
    message = choice.get("message")
    if not isinstance(message, dict):
        return "a choice with no message"
    if not isinstance(message.get("content"), str | None):
        return "a message whose content is not text"
    return choice


def read_batch_output(data: bytes) -> dict[str, ChatReply | str]:
    """Lines of a batch's output or error file, by custom_id: the chat completion a line
    holds, or what is wrong with it."""
    found: dict[str, ChatReply | str] = {}
    for text in data.decode("utf-8", errors="replace").splitlines():
        try:
            line = json.loads(text) if text.strip() else None
        except ValueError:
            continue
        if not isinstance(line, dict) or not isinstance(line.get("custom_id"), str):
            continue
        response = line.get("response")
        status = response.get("status_code") if isinstance(response, dict) else None
        if line.get("error") or status != 200 or not isinstance(response, dict):
            found[line["custom_id"]] = _error_object(line.get("error") or f"HTTP {status}")
            continue
        found[line["custom_id"]] = read_completion(json.dumps(response.get("body")).encode())
    return found


def read_embeddings(body: bytes, count: int) -> EmbeddingReply | str:
    """The `count` vectors a 200 reply's body holds, in input order, or what is wrong."""
    try:
        data = _json(body)
    except _Unreadable as err:
        return str(err)
    if not isinstance(data, dict):
        return "JSON that is not an embeddings reply"
    items = data.get("data")
    if not items and "error" in data:
        return _error_object(data["error"])
    vectors = _vectors(items, count)
    if isinstance(vectors, str):
        return vectors
    usage = data.get("usage")
    tokens = _tokens(usage, "prompt_tokens") if isinstance(usage, dict) else 0
    return EmbeddingReply(vectors=vectors, prompt_tokens=tokens)


def _vectors(items: object, count: int) -> tuple[tuple[float, ...], ...] | str:
    """`count` vectors of one length, placed by each item's `index` (replies may come in
    any order), or what is wrong with them."""
    if not isinstance(items, list) or len(items) != count:
        return f"{len(items) if isinstance(items, list) else 'no'} embeddings for {count} inputs"
    placed: dict[int, tuple[float, ...]] = {}
    for position, item in enumerate(items):
        index = item.get("index", position) if isinstance(item, dict) else None
        if not isinstance(index, int) or index in placed or not 0 <= index < count:
            return "embeddings whose indexes are missing, repeated or out of range"
        vector = as_vector(item.get("embedding"))
        if vector is None:
            return "an embedding that is not a list of finite numbers"
        placed[index] = vector
    if len({len(v) for v in placed.values()}) > 1:
        return "embeddings of different lengths"
    return tuple(placed[i] for i in range(count))


NOT_IN_TIME = "{where} did not answer in time after the retries; raise --timeout"

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
    (openai.APITimeoutError, ModelCallError, NOT_IN_TIME),
    (
        openai.APIConnectionError,
        ModelCallError,
        "cannot reach {where} ({err}); check OPENAI_BASE_URL or --base-url",
    ),
)


@dataclass(frozen=True)
class _Kind:
    """What a request asks for, as the messages name it."""

    reply: str  # what a 200 reply should be
    refused: str  # what to check when the server answers with an error status
    overflow: str  # what a context overflow means, with the fix ({model} is filled in)


CHAT = _Kind(
    "a chat completion",
    "check --model and that the server supports json_schema response formats",
    "prompt and reply do not fit {model}'s context window; lower the token budgets or use "
    "a model with a longer context",
)
EMBEDDINGS = _Kind(
    "an embeddings reply",
    "check --embeddings and that the server has an embeddings endpoint for that model",
    "a text to embed does not fit {model}'s context window; use an embedding model with a "
    "longer context",
)


BATCH = _Kind(
    "a batch",
    "check that the server offers OpenAI's Batch API (/v1/files and /v1/batches), or run "
    "without --batch",
    "a request of the batch does not fit {model}'s context window",
)


def chat_body(request: ChatRequest) -> dict[str, Any]:
    """The JSON body of a chat request: what `complete` sends, and a batch line's body."""
    body: dict[str, Any] = {
        "model": request.model,
        "messages": request.messages,
        "response_format": response_format(request.schema),
        "max_completion_tokens": request.max_completion_tokens,
    }
    if request.temperature is not None:
        body["temperature"] = request.temperature
    if request.frequency_penalty is not None:
        body["frequency_penalty"] = request.frequency_penalty
    return body


class _RawReply(Protocol):
    """What the SDK's `with_raw_response` calls return."""

    @property
    def content(self) -> bytes: ...

    @property
    def retries_taken(self) -> int: ...


T = TypeVar("T")


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
        self.max_retries = max_retries
        self.timeout = timeout
        # Local servers usually need no key, but the SDK insists on one.
        self._options: dict[str, Any] = {
            "api_key": api_key or "no-key",
            "base_url": base_url,
            "max_retries": max_retries,
            "timeout": timeout,
            "http_client": http_client,
        }
        self._client: openai.AsyncOpenAI | None = None

    def ready(self) -> None:
        self._connection()

    def _connection(self) -> openai.AsyncOpenAI:
        """One client per event loop run: made on first use, closed by aclose()."""
        if self._client is None:
            self._client = openai.AsyncOpenAI(**self._options)
        return self._client

    async def aclose(self) -> None:
        if self._client is not None:
            await self._client.close()
            self._client = None

    def _failure(self, err: openai.APIError, model: str, kind: _Kind) -> BriefingError:
        """What is left of a failure after the SDK's retries, as one line with the fix."""
        for failed, error, message in _AFTER_RETRIES:
            if isinstance(err, failed):
                return error(message.format(where=self.base_url, err=err))
        if isinstance(err, openai.APIStatusError):
            if _is_context_overflow(err):
                return ContextLengthError(f"{self.base_url}: {kind.overflow.format(model=model)}")
            answer = f"HTTP {err.status_code}: {_server_message(err)}"
        else:
            answer = f"an error: {one_line(err.message)}"
        return ModelCallError(f"{self.base_url} answered {answer}; {kind.refused}")

    async def complete(self, request: ChatRequest) -> ChatReply:
        def send(client: openai.AsyncOpenAI) -> Awaitable[_RawReply]:
            body = chat_body(request)
            return client.chat.completions.with_raw_response.create(
                model=request.model,
                messages=cast("list[ChatCompletionMessageParam]", body["messages"]),
                response_format=cast("ResponseFormatJSONSchema", body["response_format"]),
                max_completion_tokens=request.max_completion_tokens,
                temperature=body.get("temperature", openai.omit),
                frequency_penalty=body.get("frequency_penalty", openai.omit),
            )

        return await self._retrying(send, read_completion, request.model, CHAT)

    # --- the Batch API (briefing/llm/batch.py decides what goes in a batch) -----------

    def request_body(self, request: ChatRequest) -> dict[str, object]:
        return chat_body(request)

    async def submit_batch(self, lines: bytes) -> str:
        """Upload a JSONL file of chat requests and start a batch of it; its id."""
        client = self._connection()
        try:
            uploaded = await client.files.create(
                file=("briefing-batch.jsonl", lines, "application/jsonl"), purpose="batch"
            )
            batch = await client.batches.create(
                input_file_id=uploaded.id,
                endpoint="/v1/chat/completions",
                completion_window="24h",
            )
        except openai.APIError as err:
            raise self._failure(err, "the Batch API", BATCH) from err
        return batch.id

    async def batch_status(self, batch_id: str) -> BatchStatus:
        try:
            batch = await self._connection().batches.retrieve(batch_id)
        except openai.APIError as err:
            raise self._failure(err, "the Batch API", BATCH) from err
        counts = batch.request_counts
        return BatchStatus(
            status=batch.status,
            done=(counts.completed + counts.failed) if counts else 0,
            total=counts.total if counts else 0,
            output_file_id=batch.output_file_id,
            error_file_id=batch.error_file_id,
        )

    async def batch_replies(self, file_id: str) -> dict[str, ChatReply | str]:
        """A batch's output (or error) file: each request's reply by its custom_id, or
        what went wrong with it."""
        try:
            raw = await self._connection().files.with_raw_response.content(file_id)
        except openai.APIError as err:
            raise self._failure(err, "the Batch API", BATCH) from err
        return read_batch_output(raw.content)

    async def embed(self, request: EmbeddingRequest) -> EmbeddingReply:
        """One vector per input, in order. Floats are asked for explicitly: the SDK would
        ask for base64, which not every OpenAI-compatible server speaks."""

        def send(client: openai.AsyncOpenAI) -> Awaitable[_RawReply]:
            return client.embeddings.with_raw_response.create(
                model=request.model, input=list(request.inputs), encoding_format="float"
            )

        def read(body: bytes) -> EmbeddingReply | str:
            return read_embeddings(body, len(request.inputs))

        return await self._retrying(send, read, request.model, EMBEDDINGS)

    async def _retrying(
        self,
        send: Callable[[openai.AsyncOpenAI], Awaitable[_RawReply]],
        read: Callable[[bytes], T | str],
        model: str,
        kind: _Kind,
    ) -> T:
        """What `read` makes of a 200 reply; a reply it cannot read (it says why) is asked
        again with backoff, from what is left of the SDK's retries."""
        retries, attempt = self.max_retries, 0
        while True:
            body, retried = await self._post(send, retries, model, kind)
            reply = read(body)
            if not isinstance(reply, str):
                return reply
            retries -= retried + 1
            if retries < 0:
                raise ModelCallError(
                    f"{self.base_url} sent a reply that is not {kind.reply} ({reply}), "
                    "also after the retries; check that --base-url is an OpenAI-compatible "
                    "API (it usually ends in /v1), or raise --max-retries"
                )
            log.info("retrying a reply that is not %s (%s)", kind.reply, reply)
            await asyncio.sleep(min(RETRY_DELAY * 2**attempt, MAX_RETRY_DELAY))
            attempt += 1

    async def _post(
        self,
        send: Callable[[openai.AsyncOpenAI], Awaitable[_RawReply]],
        retries: int,
        model: str,
        kind: _Kind,
    ) -> tuple[bytes, int]:
        """The body of a 200 reply and how many retries the SDK took to get it; the SDK
        retries at most `retries` times. `timeout` bounds each read of the SDK's; the whole
        is bounded too, so a server that drips its reply cannot hold a call for ever."""
        client = self._connection()
        if retries != self.max_retries:
            client = client.with_options(max_retries=retries)
        deadline = (retries + 1) * self.timeout + retries * MAX_RETRY_DELAY
        try:
            async with asyncio.timeout(deadline):
                raw = await send(client)
        except TimeoutError as err:
            raise ModelCallError(NOT_IN_TIME.format(where=self.base_url)) from err
        except openai.APIError as err:
            raise self._failure(err, model, kind) from err
        return raw.content, raw.retries_taken
