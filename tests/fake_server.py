"""A real OpenAI-compatible server on 127.0.0.1 (chat completions and embeddings), in a
thread, for the fault-injection matrix (tests/test_faults.py) and the embeddings tests
(tests/test_embeddings.py).

It also offers the Batch API's files and batches (/v1/files, /v1/batches): a batch
completes after `batch_polls` polls (None: never), each of its lines answered as a request
sent directly would be (faults included), its results written in reverse order, errors to
the error file.

It answers like a careful model (`well_answered`: every source's first two sentences as key
points, citing them word for word; a merge that lists them, sources taking turns, with the
summaries' figures grouped by what they count; "entailed" for every claim judged;
for /v1/embeddings, `fake_vector` of each input: its words hashed into DIMENSIONS counts,
so texts sharing words point the same way), unless its `fault` says otherwise for a
request. A fault is a function of the request and its number (1, 2, ...) that returns what
to do instead, or None to answer well. Every request's JSON body is kept in `requests`;
a POST to any other path, or a body of the wrong kind for its path, gets a 404.
"""

from __future__ import annotations

import hashlib
import json
import re
import socket
import struct
import sys
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from itertools import zip_longest
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator, Mapping, Sequence
    from pathlib import Path

Body = dict[str, Any]


@dataclass(frozen=True)
class Reply:
    """An HTTP answer: a status, a body (JSON if not bytes) and headers."""

    status: int = 200
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Reset:
    """Drop the connection without answering (a TCP reset)."""


@dataclass(frozen=True)
class Slow:
    """Answer well, but only after `seconds`."""

    seconds: float


@dataclass(frozen=True)
class Drip:
    """Start a good answer at once, then send it one byte every `seconds`."""

    seconds: float


Action = Reply | Reset | Slow | Drip

# The SDK honours this header: its retries do not sleep.
NO_WAIT = {"retry-after-ms": "1"}


def completion(content: str | None, finish_reason: str = "stop", **message: Any) -> Body:
    return {
        "id": "chatcmpl-fake",
        "object": "chat.completion",
        "created": 0,
        "model": "fake-model",
        "choices": [
            {
                "index": 0,
                "finish_reason": finish_reason,
                "message": {"role": "assistant", "content": content, **message},
            }
        ],
        "usage": {"prompt_tokens": 100, "completion_tokens": 20, "total_tokens": 120},
    }


# --- what a careful model answers ---------------------------------------------------------


# What `schema_name` calls an embeddings request (it has no messages and no schema).
EMBEDDINGS = "embeddings"
ROUTES = {"/v1/chat/completions": "chat", "/v1/embeddings": EMBEDDINGS}


def schema_name(body: Body) -> str:
    if "messages" not in body:
        return EMBEDDINGS
    return str(body["response_format"]["json_schema"]["name"])


def user_prompt(body: Body) -> str:
    """The first user message: the instructions and the data (a re-ask adds messages)."""
    messages = body.get("messages", [])
    return next((str(m["content"]) for m in messages if m["role"] == "user"), "")


def source_ids(body: Body) -> list[str]:
    return re.findall(r'<source id="(S\d+)"', user_prompt(body))


def map_answer(body: Body) -> Body:
    """Every source's first two sentences as key points, each citing itself."""
    lines: dict[str, list[tuple[str, str]]] = {}
    for pid, text in re.findall(r"^\[(S\d+\.\d+)\] (.*)$", user_prompt(body), flags=re.MULTILINE):
        lines.setdefault(pid.split(".")[0], []).append((pid, text))
    summaries = [
        {
            "source_id": sid,
            "key_points": [
                {"citations": [pid], "text": text, "attribution": None} for pid, text in found[:2]
            ],
            "figures": [],
            "quotes": [],
            "hedged": [],
        }
        for sid, found in lines.items()
    ]
    return {"summaries": summaries}


def _reduce_answer(body: Body) -> Body:
    per_input, groups = [], {}
    for text in re.findall(r"<summary>\n(.*?)\n</summary>", user_prompt(body), flags=re.DOTALL):
        data = json.loads(text)
        per_input.append(data.get("key_points") or data.get("key_developments") or [])
        for figure in data.get("figures", []):
            group = groups.setdefault(figure["counts"], {"subject": figure["counts"]})
            group.setdefault("figures", []).append(figure)
        for group in data.get("key_figures", []):
            groups.setdefault(group["subject"], group)
    points = [p for row in zip_longest(*per_input) for p in row if p is not None]
    fields = body["response_format"]["json_schema"]["schema"]["properties"]
    answer: Body = {name: [] for name in fields}
    answer.update(title="Port Elsin ferry strike", bottom_line=points[:3])
    answer["key_developments"] = points[:8]
    answer["key_figures"] = list(groups.values())[:8]
    return answer


def _judge_answer(body: Body) -> Body:
    keys = re.findall(r'<claim key="([0-9a-f]+)">', user_prompt(body))
    return {"verdicts": [{"key": k, "verdict": "entailed", "reason": "Stated."} for k in keys]}


ANSWERS = {"MapResult": map_answer, "ReduceResult": _reduce_answer, "JudgeResult": _judge_answer}

DIMENSIONS = 64


def fake_vector(text: str) -> list[float]:
    """The text's words (lower-cased) hashed into DIMENSIONS counts: deterministic, and
    texts that share words are alike, as with a real embedding model."""
    vector = [0.0] * DIMENSIONS
    for word in re.findall(r"\w+", text.lower()):
        vector[int(hashlib.sha256(word.encode()).hexdigest(), 16) % DIMENSIONS] += 1.0
    return vector


def embedded(inputs: list[str]) -> Body:
    """An embeddings reply for `inputs`; its usage counts their words as tokens."""
    return {
        "object": "list",
        "data": [
            {"object": "embedding", "index": n, "embedding": fake_vector(text)}
            for n, text in enumerate(inputs)
        ],
        "model": "fake-embedder",
        "usage": {"prompt_tokens": word_tokens(inputs), "total_tokens": word_tokens(inputs)},
    }


def word_tokens(inputs: list[str]) -> int:
    return sum(len(text.split()) for text in inputs)


def well_answered(body: Body) -> Reply:
    if schema_name(body) == EMBEDDINGS:
        inputs = body["input"]
        return Reply(body=embedded([inputs] if isinstance(inputs, str) else inputs))
    return Reply(body=completion(json.dumps(ANSWERS[schema_name(body)](body))))


def schema_minimum(body: Body, _: int = 0) -> Reply:
    """The least a reply may be and still fit the asked schema: every list empty, every
    string empty (a model that answers nothing, validly)."""

    def least(schema: Body) -> Any:
        kind = schema.get("type")
        kinds = kind if isinstance(kind, list) else [kind]
        if "anyOf" in schema:
            return least(schema["anyOf"][0])
        if "null" in kinds:
            return None
        if "object" in kinds:
            properties = schema.get("properties", {})
            return {name: least(properties[name]) for name in schema.get("required", [])}
        if "array" in kinds:
            return []
        if "enum" in schema:
            return schema["enum"][0]
        return {"string": "", "number": 0, "integer": 0, "boolean": False}.get(kinds[0], "")

    if schema_name(body) == EMBEDDINGS:
        return well_answered(body)
    return Reply(
        body=completion(json.dumps(least(body["response_format"]["json_schema"]["schema"])))
    )


# --- the server ----------------------------------------------------------------------------


class FakeServer:
    def __init__(self) -> None:
        self.fault: Callable[[Body, int], Action | None] | None = None
        self.requests: list[Body] = []
        self.errors: list[BaseException] = []  # the server's own (a bug in a test's fault)
        self.files: dict[str, bytes] = {}
        self.batches: dict[str, Body] = {}
        self.batch_polls: int | None = 1  # polls a batch is in progress for; None: for ever
        self._polls: dict[str, int] = {}
        self._lock = threading.Lock()
        self._http = _HTTPServer(("127.0.0.1", 0), _Handler)
        self._http.fake = self
        self._thread = threading.Thread(
            target=self._http.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True
        )

    @property
    def url(self) -> str:
        host, port = self._http.server_address[:2]
        return f"http://{host}:{port}/v1"

    def sent(self, schema: str | None = None) -> list[Body]:
        """The requests sent (of `schema`, or EMBEDDINGS, if given)."""
        with self._lock:
            return [b for b in self.requests if schema is None or schema_name(b) == schema]

    def action(self, body: Body) -> Action:
        with self._lock:
            self.requests.append(body)
            number = len(self.requests)
            fault = self.fault
        chosen = fault(body, number) if fault else None
        return chosen or well_answered(body)

    # --- the Batch API ------------------------------------------------------------------

    def upload(self, content: bytes, filename: str) -> Body:
        with self._lock:
            file_id = f"file-{len(self.files) + 1}"
            self.files[file_id] = content
        return {
            "id": file_id,
            "object": "file",
            "bytes": len(content),
            "created_at": 0,
            "filename": filename,
            "purpose": "batch",
            "status": "processed",
        }

    def start_batch(self, body: Body) -> Body:
        lines = self.files[body["input_file_id"]].decode().splitlines()
        with self._lock:
            batch_id = f"batch-{len(self.batches) + 1}"
            self.batches[batch_id] = {
                "id": batch_id,
                "object": "batch",
                "endpoint": body["endpoint"],
                "input_file_id": body["input_file_id"],
                "completion_window": body["completion_window"],
                "created_at": 0,
                "status": "in_progress",
                "request_counts": {"completed": 0, "failed": 0, "total": len(lines)},
            }
            self._polls[batch_id] = 0
        return self.batches[batch_id]

    def poll(self, batch_id: str) -> Body:
        with self._lock:
            batch = self.batches[batch_id]
            self._polls[batch_id] += 1
            due = self.batch_polls is not None and self._polls[batch_id] > self.batch_polls
        if due and batch["status"] == "in_progress":
            self._finish(batch)
        return batch

    def _finish(self, batch: Body) -> None:
        done, failed = [], []
        for text in self.files[batch["input_file_id"]].decode().splitlines():
            line = json.loads(text)
            action = self.action(line["body"])
            reply = action if isinstance(action, Reply) else well_answered(line["body"])
            response = {"status_code": reply.status, "request_id": "req-fake", "body": reply.body}
            if reply.status == 200:
                done.append({"custom_id": line["custom_id"], "response": response, "error": None})
            else:
                error = {"code": "server_error", "message": f"HTTP {reply.status}"}
                failed.append(
                    {"custom_id": line["custom_id"], "response": response, "error": error}
                )
        # Results come in any order: here, the reverse of the input's.
        output = "".join(json.dumps(r) + "\n" for r in reversed(done)).encode()
        errors = "".join(json.dumps(r) + "\n" for r in failed).encode()
        batch["output_file_id"] = self.upload(output, "output.jsonl")["id"]
        batch["error_file_id"] = self.upload(errors, "errors.jsonl")["id"] if failed else None
        batch["request_counts"] = {
            "completed": len(done),
            "failed": len(failed),
            "total": len(done) + len(failed),
        }
        batch["status"] = "completed"

    def start(self) -> FakeServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._http.shutdown()
        self._http.server_close()


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    fake: FakeServer

    def handle_error(self, request: Any, client_address: Any) -> None:  # noqa: ARG002
        """A client that gave up (a timeout) closed the socket: nothing to report; any
        other error is kept, and fails the test (see `serving`)."""
        error = sys.exc_info()[1]
        if error is not None and not isinstance(error, ConnectionError):
            self.fake.errors.append(error)


class _Handler(BaseHTTPRequestHandler):
    server: _HTTPServer

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base's name
        pass

    def do_GET(self) -> None:
        fake = self.server.fake
        parts = self.path.strip("/").split("/")
        if parts[:2] == ["v1", "batches"] and len(parts) == 3 and parts[2] in fake.batches:
            self._answer(Reply(body=fake.poll(parts[2])))
        elif parts[:2] == ["v1", "files"] and parts[3:] == ["content"] and parts[2] in fake.files:
            self._answer(Reply(body=fake.files[parts[2]]))
        else:
            self._answer(Reply(404, {"error": {"message": f"no route for {self.path}"}}))

    def _upload(self, data: bytes) -> Reply:
        """A multipart upload's `file` part, kept as a file."""
        boundary = self.headers.get_content_type() and self.headers.get_param("boundary")
        for part in data.split(b"--" + str(boundary).encode()):
            head, _, content = part.partition(b"\r\n\r\n")
            if b'name="file"' in head:
                return Reply(
                    body=self.server.fake.upload(content.removesuffix(b"\r\n"), "in.jsonl")
                )
        return Reply(400, {"error": {"message": "no file in the upload"}})

    def do_POST(self) -> None:
        length = int(self.headers.get("content-length", "0"))
        data = self.rfile.read(length)
        if self.path == "/v1/files":
            self._answer(self._upload(data))
            return
        body = json.loads(data)
        route = ROUTES.get(self.path)
        if self.path == "/v1/batches":
            action: Action = Reply(body=self.server.fake.start_batch(body))
        elif route is None or (route == EMBEDDINGS) != (schema_name(body) == EMBEDDINGS):
            action = Reply(404, {"error": {"message": f"no route for {self.path}"}})
        else:
            action = self.server.fake.action(body)
        if isinstance(action, Reset):
            # Linger 0: closing sends a TCP reset instead of an orderly shutdown.
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.close_connection = True
            return
        if isinstance(action, Slow):
            time.sleep(action.seconds)
            action = well_answered(body)
        if isinstance(action, Drip):
            self._drip(json.dumps(well_answered(body).body).encode(), action.seconds)
            return
        self._answer(action)

    def _answer(self, action: Reply) -> None:
        payload = (
            action.body if isinstance(action.body, bytes) else json.dumps(action.body).encode()
        )
        self.send_response(action.status)
        content_type = "application/json" if not isinstance(action.body, bytes) else "text/html"
        self.send_header("content-type", content_type)
        self.send_header("content-length", str(len(payload)))
        for name, value in action.headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(payload)

    def _drip(self, payload: bytes, seconds: float) -> None:
        self.send_response(200)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(payload)))
        self.end_headers()
        for byte in payload:
            self.wfile.write(bytes([byte]))
            self.wfile.flush()
            time.sleep(seconds)


def write_articles(folder: Path, articles: Mapping[str, Sequence[str]]) -> Path:
    """Text inputs in `folder` (made if need be): file name -> [title, paragraph, ...]."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, lines in articles.items():
        (folder / name).write_text("\n\n".join(lines) + "\n", encoding="utf-8")
    return folder


# Our own writing: a ferry strike in three short reports.
STRIKE = {
    "a.txt": [
        "Ferry crews in Port Elsin strike",
        "Ferry crews in Port Elsin stayed off work on Tuesday.",
    ],
    "b.txt": [
        "Port Elsin ferries stay in port",
        "No Port Elsin ferry sailed to the islands on Tuesday.",
    ],
    "c.txt": [
        "Port Elsin ferry talks on Thursday",
        "The Port Elsin ferry operator will meet the crews on Thursday.",
    ],
}


def engine_options(server: FakeServer, cache: Path, **more: object) -> dict[str, object]:
    """`briefing.generate`'s options for the LLM engine against `server`."""
    return {
        "model": "gpt-4.1-mini",
        "base_url": server.url,
        "api_key": "sk-test-not-real",
        "cache_dir": cache,
        **more,
    }


def serving() -> Iterator[FakeServer]:
    """A started server, stopped afterwards (for a pytest fixture)."""
    server = FakeServer().start()
    try:
        yield server
    finally:
        server.stop()
    assert server.errors == [], f"the fake server failed: {server.errors!r}"


# --- faults --------------------------------------------------------------------------------


def always(action: Action, schema: str | None = None) -> Callable[[Body, int], Action | None]:
    """`action` for every request (of `schema`, if given)."""
    return lambda body, _: action if schema in {None, schema_name(body)} else None


def first(count: int, action: Action) -> Callable[[Body, int], Action | None]:
    """`action` for the first `count` requests, then good answers."""
    return lambda _, number: action if number <= count else None


def for_source(source: str, action: Action) -> Callable[[Body, int], Action | None]:
    """`action` for every map request whose pack holds `source`."""
    return lambda body, _: action if source in source_ids(body) else None


def for_packs_of_several(action: Action) -> Callable[[Body, int], Action | None]:
    """`action` for every map request with more than one source."""
    return lambda body, _: action if len(source_ids(body)) > 1 else None
