"""The Batch API (`--batch`): the engine's map and merge requests go to OpenAI's Batch API
at half the price, answered within 24 hours instead of seconds.

`BatchBackend` is a chat backend like any other, so the engine and the reply cache in
front of it are unchanged: requests that arrive together (none new for QUIET seconds) are
written as one JSONL file, each line's `custom_id` the start of its cache key, uploaded
(/v1/files) and started as one batch (/v1/batches, endpoint /v1/chat/completions, window
24h). The batch is polled with backoff (POLL_FIRST seconds, doubling up to POLL_MAX),
showing how many of its requests are done; its results come back in any order and are
matched by `custom_id`. A request the batch did not answer (an error line, a batch that
failed, expired or was cancelled) is sent directly instead.

Every batch started is recorded in `batches.json` in the state folder (beside the reply
cache) as soon as it is created, with the ids of its requests. A run that was stopped (an
interrupt, a closed laptop) and run again makes the same requests, finds them in a
recorded batch, and polls that batch instead of starting another: nothing is sent twice.
Records older than the 30 days a batch's files are kept are dropped.

Only briefing/llm/client.py talks to the API; nothing here imports `openai`.
"""

from __future__ import annotations

import asyncio
import json
import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Protocol

from briefing.errors import BriefingError
from briefing.output import write_atomically
from briefing.progress import stage

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from briefing.llm.chat import ChatReply, ChatRequest

log = logging.getLogger(__name__)

QUIET = 0.2  # seconds with no new request before the gathered ones go as one batch
POLL_FIRST = 5.0  # seconds before the first poll, doubled after each up to POLL_MAX
POLL_MAX = 60.0
CUSTOM_ID = 40  # characters of the cache key that name a request in a batch
KEPT_FOR = timedelta(days=30)  # how long the API keeps a batch's files
FINISHED = frozenset({"completed", "expired", "cancelled", "failed"})


@dataclass(frozen=True)
class BatchStatus:
    status: str  # validating, in_progress, finalizing, completed, expired, cancelled, failed
    done: int
    total: int
    output_file_id: str | None = None
    error_file_id: str | None = None


class BatchClient(Protocol):
    """What the Batch API offers (briefing/llm/client.py), and direct calls."""

    async def complete(self, request: ChatRequest) -> ChatReply: ...

    async def submit_batch(self, lines: bytes) -> str: ...

    async def batch_status(self, batch_id: str) -> BatchStatus: ...

    async def batch_replies(self, file_id: str) -> dict[str, ChatReply | str]: ...

    def request_body(self, request: ChatRequest) -> dict[str, object]: ...

    async def aclose(self) -> None: ...


def batch_line(custom_id: str, body: dict[str, object]) -> bytes:
    line = {"custom_id": custom_id, "method": "POST", "url": "/v1/chat/completions", "body": body}
    return (json.dumps(line, ensure_ascii=False) + "\n").encode("utf-8")


class BatchRecords:
    """`batches.json`: each batch started, with its requests' ids."""

    def __init__(self, folder: Path) -> None:
        self.path = folder / "batches.json"

    def load(self) -> dict[str, dict[str, object]]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}
        except (OSError, ValueError) as err:
            log.warning("ignoring %s (%s): batches it named may be started again", self.path, err)
            return {}
        return data if isinstance(data, dict) else {}

    def batch_of(self, custom_id: str) -> str | None:
        """The newest recorded batch holding `custom_id`."""
        found = [
            (str(entry.get("started", "")), batch_id)
            for batch_id, entry in self.load().items()
            if isinstance(entry, dict)
            and isinstance(ids := entry.get("ids"), list)
            and custom_id in ids
        ]
        return max(found)[1] if found else None

    def add(self, batch_id: str, ids: list[str]) -> None:
        now = datetime.now(UTC)
        records = {
            key: entry
            for key, entry in self.load().items()
            if isinstance(entry, dict) and _since(entry.get("started"), now) < KEPT_FOR
        }
        records[batch_id] = {"started": now.isoformat(timespec="seconds"), "ids": ids}
        self.path.parent.mkdir(parents=True, exist_ok=True)
        write_atomically(self.path, json.dumps(records, indent=1, sort_keys=True))


def _since(started: object, now: datetime) -> timedelta:
    try:
        return now - datetime.fromisoformat(str(started))
    except ValueError:
        return KEPT_FOR


Waiting = dict[str, tuple["ChatRequest", list["asyncio.Future[ChatReply]"]]]


class BatchBackend:
    def __init__(
        self,
        make: Callable[[], BatchClient],
        folder: Path,
        server: str = "",
    ) -> None:
        self._make = make  # the client, made on the first batch
        self._client: BatchClient | None = None
        self.records = BatchRecords(folder)
        self.server = server
        self._waiting: Waiting = {}
        self._timer: asyncio.TimerHandle | None = None
        self._running: set[asyncio.Task[None]] = set()

    @property
    def client(self) -> BatchClient:
        if self._client is None:
            self._client = self._make()
        return self._client

    def ready(self) -> None:
        getattr(self.client, "ready", lambda: None)()

    async def complete(self, request: ChatRequest) -> ChatReply:
        custom_id = request.cache_key(self.server)[:CUSTOM_ID]
        loop = asyncio.get_running_loop()
        answer: asyncio.Future[ChatReply] = loop.create_future()
        self._waiting.setdefault(custom_id, (request, []))[1].append(answer)
        if self._timer is not None:
            self._timer.cancel()
        self._timer = loop.call_later(QUIET, self._send_gathered)
        return await answer

    async def aclose(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
        for task in self._running:
            task.cancel()
        await asyncio.gather(*self._running, return_exceptions=True)
        self._running.clear()
        if self._client is not None:
            await self._client.aclose()
            self._client = None

    def _send_gathered(self) -> None:
        waiting, self._waiting = self._waiting, {}
        task = asyncio.get_running_loop().create_task(self._run(waiting))
        self._running.add(task)
        task.add_done_callback(self._running.discard)

    async def _run(self, waiting: Waiting) -> None:
        try:
            by_batch = await self._batches_for(waiting)
            await asyncio.gather(*(self._collect(b, ids, waiting) for b, ids in by_batch.items()))
        except BriefingError as err:  # each request waiting on the batch fails with it
            _settle(waiting, err)
        except asyncio.CancelledError:
            _settle(waiting, None)
            raise

    async def _batches_for(self, waiting: Waiting) -> dict[str, list[str]]:
        """The requests by the batch that answers them: a recorded one for those an earlier
        run sent, a new one (started here, and recorded at once) for the rest."""
        by_batch: dict[str, list[str]] = {}
        fresh = []
        for custom_id in waiting:
            known = self.records.batch_of(custom_id)
            if known is None:
                fresh.append(custom_id)
            else:
                by_batch.setdefault(known, []).append(custom_id)
        if by_batch:
            log.info("resuming %d recorded batch(es): nothing is sent again", len(by_batch))
        if fresh:
            body = self.client.request_body
            lines = b"".join(batch_line(i, body(waiting[i][0])) for i in fresh)
            batch_id = await self.client.submit_batch(lines)
            self.records.add(batch_id, fresh)
            log.info("started batch %s of %d requests", batch_id, len(fresh))
            by_batch[batch_id] = fresh
        return by_batch

    async def _collect(self, batch_id: str, ids: list[str], waiting: Waiting) -> None:
        """Answer the batch's requests once it is finished; what it did not answer is
        sent directly."""
        status = await self._finished(batch_id, len(ids))
        replies: dict[str, ChatReply | str] = {}
        for file_id in (status.output_file_id, status.error_file_id):
            if file_id:
                replies.update(await self.client.batch_replies(file_id))
        direct = []
        for custom_id in ids:
            reply = replies.get(custom_id, f"the batch {status.status} without answering it")
            if isinstance(reply, str):
                direct.append((custom_id, reply))
                continue
            for answer in waiting[custom_id][1]:
                if not answer.done():
                    answer.set_result(reply.model_copy(update={"batch": True}))
        if direct:
            log.info(
                "%d request(s) of batch %s sent directly (%s)", len(direct), batch_id, direct[0][1]
            )
        await asyncio.gather(*(self._directly(waiting[i]) for i, _ in direct))

    async def _finished(self, batch_id: str, count: int) -> BatchStatus:
        """Poll the batch, with backoff, until it is finished; progress shows how many of
        its `count` requests are done."""
        delay = POLL_FIRST
        shown = 0
        with stage(f"waiting for batch {batch_id}", count) as advance:
            while True:
                status = await self.client.batch_status(batch_id)
                for _ in range(min(status.done, count) - shown):
                    advance()
                shown = max(shown, min(status.done, count))
                if status.status in FINISHED:
                    return status
                log.info("batch %s: %s, %d of %d done", batch_id, status.status, status.done, count)
                await asyncio.sleep(delay)
                delay = min(delay * 2, POLL_MAX)

    async def _directly(self, waiting: tuple[ChatRequest, list[asyncio.Future[ChatReply]]]) -> None:
        request, answers = waiting
        try:
            reply = await self.client.complete(request)
        except BriefingError as err:
            for answer in answers:
                if not answer.done():
                    answer.set_exception(err)
            return
        for answer in answers:
            if not answer.done():
                answer.set_result(reply)


def _settle(waiting: Waiting, error: BriefingError | None) -> None:
    """Every request still waiting fails with `error`, or is cancelled (None)."""
    for _, answers in waiting.values():
        for answer in answers:
            if answer.done():
                continue
            if error is None:
                answer.cancel()
            else:
                answer.set_exception(error)
