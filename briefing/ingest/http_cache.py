"""The conditional-GET store: for each fetched URL, the validators its server gave (ETag,
Last-Modified) and the body they stand for, so the next fetch can ask "changed since?"
and an unchanged feed costs a 304 instead of its whole body.

One entry is two files named by a hash of the URL: `KEY.body` (the bytes) and
`KEY.json` (the validators, the Content-Type, the URL after redirects, and the body's
sha256). The body is written first and the record names its hash, so a record whose body
is missing, torn or from another write is a miss, never a wrong body. Writes are atomic;
a store that cannot be read or written only warns: the fetch goes on without it.
"""

from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING

from briefing.caches import touch
from briefing.errors import BriefingError
from briefing.output import write_atomically

if TYPE_CHECKING:
    from pathlib import Path

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Stored:
    """A 200 response worth revalidating: it came with an ETag or a Last-Modified."""

    etag: str | None
    last_modified: str | None
    content_type: str | None
    final_url: str
    body: bytes

    def validators(self) -> dict[str, str]:
        """The request headers that ask the server whether this body is still current."""
        headers = {}
        if self.etag:
            headers["If-None-Match"] = self.etag
        if self.last_modified:
            headers["If-Modified-Since"] = self.last_modified
        return headers


class HTTPCache:
    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def _paths(self, url: str) -> tuple[Path, Path]:
        key = hashlib.sha256(url.encode("utf-8")).hexdigest()
        folder = self.directory / key[:2]
        return folder / f"{key}.json", folder / f"{key}.body"

    def get(self, url: str) -> Stored | None:
        record_path, body_path = self._paths(url)
        try:
            record = json.loads(record_path.read_text(encoding="utf-8"))
            body = body_path.read_bytes()
            stored = Stored(
                etag=_text(record, "etag"),
                last_modified=_text(record, "last_modified"),
                content_type=_text(record, "content_type"),
                final_url=str(record["final_url"]),
                body=body,
            )
            intact = record.get("url") == url and record.get("sha256") == _digest(body)
        except FileNotFoundError:
            return None
        except (OSError, UnicodeDecodeError, ValueError, KeyError, TypeError) as err:
            log.warning(
                "ignoring corrupt HTTP cache entry %s (%s); it will be replaced", record_path, err
            )
            return None
        if not intact:
            log.warning(
                "ignoring HTTP cache entry %s: its body does not match; it will be replaced",
                record_path,
            )
            return None
        touch(record_path)  # used: pruning keeps it (briefing/caches.py)
        return stored

    def put(self, url: str, stored: Stored) -> None:
        record_path, body_path = self._paths(url)
        record = {k: v for k, v in asdict(stored).items() if k != "body"}
        record.update(url=url, sha256=_digest(stored.body))
        try:
            body_path.parent.mkdir(parents=True, exist_ok=True)
            write_atomically(body_path, stored.body)
            write_atomically(record_path, json.dumps(record, indent=1, sort_keys=True) + "\n")
        except (OSError, BriefingError) as err:
            log.warning(
                "could not write HTTP cache entry %s (%s); continuing without it", record_path, err
            )


def _digest(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()


def _text(record: dict[str, object], key: str) -> str | None:
    value = record.get(key)
    return value if isinstance(value, str) and value else None
