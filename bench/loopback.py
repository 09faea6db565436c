"""A loopback OpenAI-compatible server for bench/llm_path.py: every reply takes LATENCY
seconds and at most CONCURRENCY are worked on at a time, as with a real provider's rate of
service, and each is competent (built from the request's own passages, by the answers of
tests/fake_server.py for structured requests; the first sentences of the text for a plain
one, as LangChain's map-reduce sends).

It counts what a provider would bill: prompt tokens (the messages, by o200k_base), the
response format's schema apart, completion tokens, and cached prompt tokens as OpenAI's
prompt caching gives them (a prefix of 1,024 tokens or more seen before, in steps of 128).
Each reply is marked with its round, 1 + the highest round among the replies it was
made from, so the longest chain of calls can be read off. GET /stats returns the counts
(arrival times included); POST /reset clears them.

Run: python bench/loopback.py PORT [LATENCY] [CONCURRENCY]
"""

from __future__ import annotations

import hashlib
import json
import re
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from fake_server import ANSWERS, completion, schema_name, user_prompt

from briefing.llm.tokens import TokenCounter

COUNTER = TokenCounter("gpt-4.1-mini")
# OpenAI caches a prompt's prefix from 1,024 tokens on, in steps of 128.
CACHE_MIN, CACHE_STEP = 1024, 128
_ROUND = re.compile(r"\(round (\d+)\)")
_SENTENCE = re.compile(r"(?<=[.!?])\s+")


def round_of(text: str, merge: bool) -> int:
    """The round a reply is made in: 1 + the highest round marked in what it is made from
    (a structured merge's unmarked inputs are map replies, of round 1)."""
    marked = max((int(m) for m in _ROUND.findall(text)), default=0)
    return marked + 1 if marked or not merge else 2


def plain_answer(prompt: str) -> str:
    """A concise plain-text summary: the first two sentences of each text it was given
    (each at most 40 words), at most 120 words in all, so summaries of summaries shrink."""
    body = prompt.split("\n\n", 1)[-1]
    sentences: list[str] = []
    for block in body.split("\n\n"):
        sentences += [" ".join(s.split()[:40]) for s in _SENTENCE.split(block.strip())[:2] if s]
    return " ".join(" ".join(sentences).split()[:120])


class Books:
    """What was asked and billed, under one lock."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.reset()

    def reset(self) -> None:
        self.arrivals: list[float] = []
        self.rounds: list[int] = []
        self.kinds: list[str] = []
        self.prompt_tokens = self.schema_tokens = self.completion_tokens = 0
        self.cached_tokens = 0
        self.prefixes: set[str] = set()

    def cached(self, tokens: list[int]) -> int:
        """Tokens of the longest cached prefix; every prefix of this prompt is kept."""
        hit, steps = 0, range(CACHE_MIN, len(tokens) + 1, CACHE_STEP)
        hashes = [hashlib.sha1(repr(tokens[:n]).encode()).hexdigest() for n in steps]  # noqa: S324
        for length, digest in zip(steps, hashes, strict=True):
            if digest in self.prefixes:
                hit = length
        self.prefixes.update(hashes)
        return hit


BOOKS = Books()
LATENCY = 0.5
SLOTS = threading.Semaphore(4)


def answer(body: dict[str, Any]) -> dict[str, Any]:
    """The reply to a chat request, with its usage and round."""
    messages = body["messages"]
    asked = "".join(str(m["content"]) for m in messages if m["role"] != "assistant")
    kind = schema_name(body) if "response_format" in body else "plain"
    # A re-ask waits for the reply it repeats: one round more.
    reasks = sum(m["role"] == "assistant" for m in messages)
    round_ = round_of(asked, merge=kind == "ReduceResult") + reasks
    if kind != "plain":
        content = ANSWERS[kind](body)
        if kind == "ReduceResult":
            content["title"] = f"Merged story (round {round_})"
        reply = json.dumps(content)
        schema = COUNTER.count(json.dumps(body["response_format"]))
    else:
        reply = f"(round {round_}) {plain_answer(user_prompt(body))}"
        schema = 0
    encoding = _encoding()
    tokens = [
        t for m in messages for t in encoding.encode(str(m["content"]), disallowed_special=())
    ]
    prompt = COUNTER.count_messages(messages)
    done = completion(reply)
    with BOOKS.lock:
        cached = BOOKS.cached(tokens)
        BOOKS.rounds.append(round_)
        BOOKS.kinds.append(kind)
        BOOKS.prompt_tokens += prompt
        BOOKS.schema_tokens += schema
        BOOKS.cached_tokens += cached
        completion_tokens = COUNTER.count(reply)
        BOOKS.completion_tokens += completion_tokens
    done["usage"] = {
        "prompt_tokens": prompt + schema,
        "completion_tokens": completion_tokens,
        "total_tokens": prompt + schema + completion_tokens,
        "prompt_tokens_details": {"cached_tokens": cached},
    }
    return done


def _encoding() -> Any:  # noqa: ANN401 - tiktoken's Encoding
    from briefing.llm.tokens import _load  # noqa: PLC0415 - the vendored encoding

    return _load(COUNTER.encoding_name)


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the base's name
        pass

    def _send(self, payload: object) -> None:
        data = json.dumps(payload).encode()
        self.send_response(200)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self) -> None:
        with BOOKS.lock:
            stats = {
                "requests": len(BOOKS.arrivals),
                "first": min(BOOKS.arrivals, default=None),
                "arrivals": BOOKS.arrivals,
                "rounds": BOOKS.rounds,
                "kinds": BOOKS.kinds,
                "prompt_tokens": BOOKS.prompt_tokens,
                "schema_tokens": BOOKS.schema_tokens,
                "completion_tokens": BOOKS.completion_tokens,
                "cached_tokens": BOOKS.cached_tokens,
            }
        self._send(stats)

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers.get("content-length", "0"))))
        if self.path == "/reset":
            with BOOKS.lock:
                BOOKS.reset()
            self._send({})
            return
        with BOOKS.lock:
            BOOKS.arrivals.append(time.time())
        with SLOTS:
            started = time.perf_counter()
            reply = answer(body)
            time.sleep(max(0.0, LATENCY - (time.perf_counter() - started)))
        self._send(reply)


class Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 2048  # a client may open hundreds of connections at once


def main() -> None:
    global LATENCY, SLOTS  # noqa: PLW0603 - set once, before serving
    port = int(sys.argv[1])
    LATENCY = float(sys.argv[2]) if len(sys.argv) > 2 else LATENCY
    SLOTS = threading.Semaphore(int(sys.argv[3]) if len(sys.argv) > 3 else 4)
    _encoding()
    server = Server(("127.0.0.1", port), Handler)
    print("ready", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
