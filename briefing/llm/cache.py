"""An on-disk, content-addressed cache of model replies.

The key is a sha256 over everything that shapes a reply (model, messages, schema,
parameters); the entry is the reply as JSON. Which replies are stored is decided by
chat.CachingBackend (whole answers only). Writes are atomic; an unreadable or corrupt
entry is logged and treated as a miss, never as an error.

A cache opened with `background=True` (the LLM engine's) writes in a thread of its own, in
the order asked, so that the event loop does not wait on each entry's fsync while requests
wait to go; an entry being written is read from memory meanwhile, and `flush` (at the end
of a run) waits for every write. Each is still one atomic rename: a killed run leaves
whole entries and, at worst, a temporary that pruning removes (briefing/caches.py).
"""

from __future__ import annotations

import hashlib
import json
import logging
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Any

from briefing.caches import touch
from briefing.errors import BriefingError
from briefing.output import write_atomically

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

log = logging.getLogger(__name__)


def content_key(material: Any) -> str:  # noqa: ANN401 - any JSON-serializable value
    blob = json.dumps(material, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


class ResponseCache:
    def __init__(self, directory: Path, *, background: bool = False) -> None:
        self.directory = directory
        self.background = background
        # What is being written in the background, by key (None: being removed).
        self._pending: dict[str, str | None] = {}
        self._lock = threading.Lock()
        self._writer: ThreadPoolExecutor | None = None

    def _path(self, key: str) -> Path:
        return self.directory / key[:2] / f"{key}.json"

    def get(self, key: str) -> str | None:
        with self._lock:
            if key in self._pending:
                return self._pending[key]
        path = self._path(key)
        try:
            text = path.read_text(encoding="utf-8")
            json.loads(text)
        except FileNotFoundError:
            return None
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as err:
            log.warning("ignoring corrupt cache entry %s (%s); it will be replaced", path, err)
            return None
        touch(path)  # used: pruning keeps it (briefing/caches.py)
        return text

    def discard(self, key: str) -> None:
        """Remove an entry, if it is there; a failure only warns."""
        self._in_order(key, None, self._remove)

    def put(self, key: str, text: str) -> None:
        self._in_order(key, text, self._write)

    def flush(self) -> None:
        """Wait for the writes asked for so far (a background cache's)."""
        with self._lock:
            writer, self._writer = self._writer, None
        if writer is not None:
            writer.shutdown(wait=True)

    def _in_order(self, key: str, text: str | None, do: Callable[[str, str], None]) -> None:
        if not self.background:
            do(key, text or "")
            return
        with self._lock:
            self._pending[key] = text
            if self._writer is None:
                self._writer = ThreadPoolExecutor(1, thread_name_prefix="cache-writer")
            self._writer.submit(self._done_after, key, text, do)

    def _done_after(self, key: str, text: str | None, do: Callable[[str, str], None]) -> None:
        try:
            do(key, text or "")
        finally:
            with self._lock:
                if key in self._pending and self._pending[key] is text:
                    del self._pending[key]  # no later write of the key is waiting

    def _remove(self, key: str, _: str) -> None:
        path = self._path(key)
        try:
            path.unlink(missing_ok=True)
        except OSError as err:
            log.warning("could not remove cache entry %s (%s)", path, err)

    def _write(self, key: str, text: str) -> None:
        path = self._path(key)
        try:
            # Entries are spread over folders by key; the writer only writes into a folder.
            path.parent.mkdir(parents=True, exist_ok=True)
            write_atomically(path, text)
        except (OSError, BriefingError) as err:
            log.warning("could not write cache entry %s (%s); continuing without it", path, err)
