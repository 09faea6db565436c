"""An on-disk, content-addressed cache of model replies.

The key is a sha256 over everything that shapes a reply (model, messages, schema,
parameters); the entry is the reply as JSON. Which replies are stored is decided by
chat.CachingBackend (whole answers only). Writes are atomic; an unreadable or corrupt
entry is logged and treated as a miss, never as an error.
"""

from __future__ import annotations

import hashlib
import json
import logging
from typing import TYPE_CHECKING, Any

from briefing.caches import touch
from briefing.errors import BriefingError
from briefing.output import write_atomically

if TYPE_CHECKING:
    from pathlib import Path

log = logging.getLogger(__name__)


def content_key(material: Any) -> str:  # noqa: ANN401 - any JSON-serializable value
    blob = json.dumps(material, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


class ResponseCache:
    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def _path(self, key: str) -> Path:
        return self.directory / key[:2] / f"{key}.json"

    def get(self, key: str) -> str | None:
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
        path = self._path(key)
        try:
            path.unlink(missing_ok=True)
        except OSError as err:
            log.warning("could not remove cache entry %s (%s)", path, err)

    def put(self, key: str, text: str) -> None:
        path = self._path(key)
        try:
            # Entries are spread over folders by key; the writer only writes into a folder.
            path.parent.mkdir(parents=True, exist_ok=True)
            write_atomically(path, text)
        except (OSError, BriefingError) as err:
            log.warning("could not write cache entry %s (%s); continuing without it", path, err)
