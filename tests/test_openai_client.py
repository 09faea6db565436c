"""The OpenAI backend against a mock transport: what is sent, and how failures surface
after the SDK's own retries."""

from __future__ import annotations

import asyncio
import json
import time
from typing import Any

import httpx2
import pytest

from briefing.errors import ConfigError, ContextLengthError, ModelCallError
from briefing.llm import client
from briefing.llm.chat import ChatReply, ChatRequest
from briefing.llm.client import OpenAIBackend
from briefing.llm.schemas import MapResult

FAST_RETRY = {"retry-after-ms": "1"}  # the SDK honours it, so retries do not sleep


def completion(content: str | None = '{"summaries": []}', **message: Any) -> dict[str, Any]:
    return {
        "id": "chatcmpl-1",
        "object": "chat.completion",
        "created": 0,
        "model": "m",
        "choices": [
            {
                "index": 0,
                "finish_reason": message.pop("finish_reason", "stop"),
                "message": {"role": "assistant", "content": content, **message},
            }
        ],
        "usage": {
            "prompt_tokens": 120,
            "completion_tokens": 30,
            "total_tokens": 150,
            "prompt_tokens_details": {"cached_tokens": 64},
        },
    }


class Server:
    def __init__(self, *responses: httpx2.Response | Exception) -> None:
        self.responses = list(responses)
        self.requests: list[httpx2.Request] = []

    def __call__(self, request: httpx2.Request) -> httpx2.Response:
        self.requests.append(request)
        answer = self.responses.pop(0) if len(self.responses) > 1 else self.responses[0]
        if isinstance(answer, Exception):
            raise answer
        return answer


def send(server: Server, max_retries: int = 2, **request: Any) -> ChatReply:
    backend = OpenAIBackend(
        api_key="sk-test-not-real",
        base_url="http://llm.test/v1",
        max_retries=max_retries,
        timeout=5,
        http_client=httpx2.AsyncClient(transport=httpx2.MockTransport(server)),
    )
    values: dict[str, Any] = {
        "model": "m",
        "messages": [{"role": "user", "content": "hi"}],
        "schema": MapResult,
        "max_completion_tokens": 100,
    }
    values.update(request)

    async def once() -> ChatReply:
        try:
            return await backend.complete(ChatRequest(**values))
        finally:
            await backend.aclose()

    return asyncio.run(once())


def test_sends_a_strict_json_schema_and_reads_usage():
    server = Server(httpx2.Response(200, json=completion()))
    reply = send(server)
    body = json.loads(server.requests[0].content)
    assert body["response_format"]["type"] == "json_schema"
    assert body["response_format"]["json_schema"]["strict"] is True
    assert body["response_format"]["json_schema"]["name"] == "MapResult"
    assert body["max_completion_tokens"] == 100
    assert "temperature" not in body  # None means: leave the server's default
    assert (reply.prompt_tokens, reply.completion_tokens, reply.cached_tokens) == (120, 30, 64)
    assert reply.content == '{"summaries": []}'


def test_sampling_parameters_are_sent_when_given():
    server = Server(httpx2.Response(200, json=completion()))
    send(server, temperature=0.0, frequency_penalty=1.0)
    body = json.loads(server.requests[0].content)
    assert (body["temperature"], body["frequency_penalty"]) == (0.0, 1.0)


def test_refusal_and_truncation_come_back_as_data():
    refused = send(Server(httpx2.Response(200, json=completion(None, refusal="I can't."))))
    assert refused.refusal == "I can't."
    cut = send(Server(httpx2.Response(200, json=completion('{"summ', finish_reason="length"))))
    assert cut.finish_reason == "length"


def test_rate_limits_are_retried_by_the_sdk():
    limited = httpx2.Response(429, json={"error": {"message": "slow down"}}, headers=FAST_RETRY)
    server = Server(limited, limited, httpx2.Response(200, json=completion()))
    assert send(server, max_retries=2).finish_reason == "stop"
    assert len(server.requests) == 3


def test_rate_limits_after_the_retries_say_what_to_do():
    limited = httpx2.Response(429, json={"error": {"message": "slow down"}}, headers=FAST_RETRY)
    server = Server(limited)
    with pytest.raises(ModelCallError, match="still rate-limiting after the retries"):
        send(server, max_retries=1)
    assert len(server.requests) == 2


def test_server_errors_after_the_retries():
    server = Server(httpx2.Response(500, json={"error": {"message": "boom"}}, headers=FAST_RETRY))
    with pytest.raises(ModelCallError, match="answered HTTP 500"):
        send(server, max_retries=2)
    assert len(server.requests) == 3


def test_timeouts_after_the_retries():
    server = Server(httpx2.ReadTimeout("too slow"))
    with pytest.raises(ModelCallError, match="did not answer in time after the retries"):
        send(server, max_retries=0)


def test_a_rejected_key_is_a_config_error_and_not_retried():
    server = Server(httpx2.Response(401, json={"error": {"message": "bad key"}}))
    with pytest.raises(ConfigError, match="rejected the API key"):
        send(server)
    assert len(server.requests) == 1


@pytest.mark.parametrize(
    ("status", "error"),
    [
        (
            400,
            {
                "message": "This model's maximum context length is 128000 tokens.",
                "code": "context_length_exceeded",
                "type": "invalid_request_error",
            },
        ),
        (500, {"message": "Context size has been exceeded.", "type": "server_error"}),
        (
            400,
            {
                "message": "the request exceeds the available context size",
                "type": "exceed_context_size_error",
            },
        ),
    ],
)
def test_context_overflow_is_its_own_error(status, error):
    server = Server(httpx2.Response(status, json={"error": error}, headers=FAST_RETRY))
    with pytest.raises(ContextLengthError, match="do not fit m's context window"):
        send(server, max_retries=0)


def test_other_bad_requests_are_not_context_errors():
    server = Server(httpx2.Response(400, json={"error": {"message": "bad schema"}}))
    with pytest.raises(ModelCallError, match="answered HTTP 400: bad schema") as caught:
        send(server, max_retries=0)
    assert not isinstance(caught.value, ContextLengthError)


# --- replies that are not chat completions ---------------------------------------------


@pytest.fixture
def no_backoff(monkeypatch):
    monkeypatch.setattr(client, "RETRY_DELAY", 0.0)


NOT_COMPLETIONS = [
    (
        httpx2.Response(200, text="<html>\n<body>Gateway\nerror</body></html>"),
        "a body that is not JSON: '<html> <body>Gateway error</body></html>'",
    ),
    (
        httpx2.Response(200, json={"error": {"message": "model\noverloaded", "type": "server"}}),
        "an error: model overloaded",
    ),
    (httpx2.Response(200, json={"error": "busy"}), "an error: busy"),
    (httpx2.Response(200, json={"id": "x", "choices": []}), "a completion with no choices"),
    (httpx2.Response(200, json={"choices": [{"index": 0}]}), "a choice with no message"),
    (
        httpx2.Response(200, json={"choices": [{"message": {"content": [1, 2]}}]}),
        "a message whose content is not text",
    ),
    (httpx2.Response(200, json=["not", "an", "object"]), "JSON that is not a chat completion"),
    (httpx2.Response(200, text="[" * 100_000), "a body that is not JSON: '[[[[[["),
    (
        httpx2.Response(200, text='{"usage": ' + "9" * 5000 + "}"),
        'a body that is not JSON: \'{"usage": 9999',
    ),
]


@pytest.mark.parametrize(("answer", "said"), NOT_COMPLETIONS)
def test_a_200_that_is_not_a_completion_is_retried_then_one_typed_line(no_backoff, answer, said):
    server = Server(answer)
    with pytest.raises(ModelCallError) as caught:
        send(server, max_retries=2)
    assert len(server.requests) == 3
    message = str(caught.value)
    assert f"http://llm.test/v1 sent a reply that is not a chat completion ({said}" in message
    assert "also after the retries" in message
    assert "\n" not in message


@pytest.mark.parametrize(("answer", "said"), NOT_COMPLETIONS[:5])
def test_a_200_that_is_not_a_completion_then_a_good_one_is_a_reply(no_backoff, answer, said):
    server = Server(answer, httpx2.Response(200, json=completion()))
    assert send(server, max_retries=1).content == '{"summaries": []}'
    assert len(server.requests) == 2


def test_all_retries_share_one_count_whatever_goes_wrong(no_backoff):
    error = httpx2.Response(500, json={"error": {"message": "boom"}}, headers=FAST_RETRY)
    garbage = httpx2.Response(200, text="not json")
    server = Server(error, garbage, error, httpx2.Response(200, json=completion()))
    with pytest.raises(ModelCallError, match="answered HTTP 500: boom"):
        send(server, max_retries=2)
    assert len(server.requests) == 3  # 1 + max_retries, not (1 + max_retries) squared
    server = Server(error, garbage, error, httpx2.Response(200, json=completion()))
    assert send(server, max_retries=3).finish_reason == "stop"
    assert len(server.requests) == 4


def test_missing_fields_of_a_completion_have_defaults():
    body = {"choices": [{"message": {"content": "{}", "refusal": ""}}], "usage": {"x": 1}}
    reply = send(Server(httpx2.Response(200, json=body)))
    assert (reply.content, reply.refusal, reply.finish_reason) == ("{}", None, "stop")
    assert (reply.prompt_tokens, reply.completion_tokens, reply.cached_tokens) == (0, 0, 0)


def test_a_server_error_page_becomes_one_short_line():
    page = "<html>\n<head><title>502 Bad Gateway</title></head>\n" + "x" * 5000 + "\n</html>"
    server = Server(httpx2.Response(502, text=page, headers=FAST_RETRY))
    with pytest.raises(ModelCallError) as caught:
        send(server, max_retries=0)
    message = str(caught.value)
    assert "answered HTTP 502: " in message
    assert "<head><title>502 Bad Gateway</title></head>" in message
    assert "\n" not in message
    assert len(message) < 400


def test_absurd_usage_counts_are_read_as_zero():
    usage = {"prompt_tokens": 10**400, "completion_tokens": -5, "total_tokens": "many"}
    body = {"choices": [{"message": {"content": "{}"}}], "usage": usage}
    reply = send(Server(httpx2.Response(200, json=body)))
    assert (reply.prompt_tokens, reply.completion_tokens) == (0, 0)


def test_a_reply_dripped_slower_than_the_timeout_allows_is_cut_off():
    async def drip():
        for _ in range(200):  # ten seconds, each byte well within the read timeout
            await asyncio.sleep(0.05)
            yield b" "

    def server(request: httpx2.Request) -> httpx2.Response:
        return httpx2.Response(200, headers={"content-type": "application/json"}, content=drip())

    backend = OpenAIBackend(
        api_key="sk-test-not-real",
        base_url="http://llm.test/v1",
        max_retries=0,
        timeout=0.3,
        http_client=httpx2.AsyncClient(transport=httpx2.MockTransport(server)),
    )
    request = ChatRequest(
        model="m", messages=[{"role": "user", "content": "hi"}], schema=MapResult,
        max_completion_tokens=100,
    )  # fmt: skip

    async def once() -> ChatReply:
        try:
            return await backend.complete(request)
        finally:
            await backend.aclose()

    started = time.monotonic()
    with pytest.raises(ModelCallError, match="did not answer in time after the retries"):
        asyncio.run(once())
    assert time.monotonic() - started < 5


def test_a_request_too_large_for_the_server_is_a_context_overflow():
    # A proxy's 413 names no context window, but the answer is the same: send less.
    page = "<html><body>413 Request Entity Too Large</body></html>"
    server = Server(httpx2.Response(413, text=page))
    with pytest.raises(ContextLengthError):
        send(server, max_retries=0)
