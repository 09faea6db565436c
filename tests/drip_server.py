"""A TCP server on 127.0.0.1 that answers every HTTP request too slowly, in one of the ways
per-read timeouts do not catch, for the wall-clock tests (tests/test_faults.py) and
bench/fetch_bounds.py:

- "headers": the status line and headers one byte at a time;
- "body": headers at once with a Content-Length, then the body one byte at a time;
- "body-unsized": the same with no Content-Length (the body ends when the connection does);
- "stall": the connection is accepted and the request read, then nothing is sent.

Each byte comes within any sensible read timeout; the whole answer takes `interval` times
its length (about a minute at the default). Each connection ends when the client hangs up,
after `lifetime` seconds or when the server stops, so no test leaves a thread behind.
`held` records how long each connection was held open: the client's wall clock, measured
where no start-up time of the client counts.
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from typing import TYPE_CHECKING, Self

if TYPE_CHECKING:
    from collections.abc import Iterator

MODES = ("headers", "body", "body-unsized", "stall")
# Our own writing: a small feed, long enough to drip for a while.
BODY = (
    b'<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel>'
    b"<title>Harbour Times</title><link>http://example.invalid/</link>"
    b"<item><title>Ferry crews strike for a third day</title>"
    b"<link>http://example.invalid/strike</link>"
    b"<description>Ferry crews in Port Elsin stayed off work on Tuesday for the third day "
    b"running. The walkout has stopped all sailings to the four outer islands.</description>"
    b"</item></channel></rss>\n"
)


class DripServer:
    def __init__(self, mode: str, interval: float = 0.2, lifetime: float = 60.0) -> None:
        if mode not in MODES:
            msg = f"unknown mode {mode!r}; use one of {MODES}"
            raise ValueError(msg)
        self.mode = mode
        self.interval = interval
        self.lifetime = lifetime
        self.connections = 0
        self.held: list[float] = []
        self._stop = threading.Event()
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._listener.settimeout(0.05)
        self._threads: list[threading.Thread] = []
        self._accepting = threading.Thread(target=self._accept, daemon=True)

    @property
    def url(self) -> str:
        host, port = self._listener.getsockname()[:2]
        return f"http://{host}:{port}"

    def __enter__(self) -> Self:
        self._accepting.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._accepting.join(5)
        for thread in self._threads:
            thread.join(5)
        self._listener.close()

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                connection, _ = self._listener.accept()
            except TimeoutError:
                continue
            self.connections += 1
            thread = threading.Thread(target=self._answer, args=(connection,), daemon=True)
            self._threads.append(thread)
            thread.start()

    def _answer(self, connection: socket.socket) -> None:
        accepted = time.monotonic()
        with connection, contextlib.suppress(OSError):
            self._serve(connection)
        self.held.append(time.monotonic() - accepted)

    def _serve(self, connection: socket.socket) -> None:
        connection.settimeout(self.lifetime)
        request = b""
        while b"\r\n\r\n" not in request:
            chunk = connection.recv(4096)
            if not chunk:
                return
            request += chunk
        connection.settimeout(self.interval)
        for piece in self._pieces():
            if self._stop.is_set() or self._hung_up(connection):
                return
            connection.sendall(piece)

    @staticmethod
    def _hung_up(connection: socket.socket) -> bool:
        """Whether the client closed its end (waits up to `interval` to see); the rest of a
        request's body is read on the way."""
        try:
            return connection.recv(65536) == b""
        except TimeoutError:
            return False

    def _pieces(self) -> Iterator[bytes]:
        """What is sent, a piece at a time (one byte: after a wait)."""
        sized = f"Content-Length: {len(BODY)}\r\n".encode() if self.mode != "body-unsized" else b""
        head = b"HTTP/1.1 200 OK\r\nContent-Type: application/rss+xml\r\n" + sized
        head += b"Connection: close\r\n\r\n"
        ends = time.monotonic() + self.lifetime
        if self.mode == "stall":
            while time.monotonic() < ends:
                yield b""  # nothing to send; each piece comes after `interval`
            return
        dripped = head + BODY if self.mode == "headers" else BODY
        if self.mode != "headers":
            yield head
        for byte in dripped:
            if time.monotonic() >= ends:
                return
            yield bytes([byte])
