"""Opening a URL's connection within the time its try has left, name resolution included.

httpcore's own backend connects with `socket.create_connection`, which first resolves the
host name (getaddrinfo, a blocking call nothing can interrupt) and then gives each address
the whole connect timeout. A slow or broken resolver could so hold a try far past
`fetch_timeout`, and before the try has a socket its clock (fetch.TryClock) could shut.
Here the name is resolved in a thread of its own that the try waits for only as long as it
has left (a resolver that answers later is left to finish alone), and each address is
given only what is left after that. The try's deadline reaches the backend through the
thread that makes the request (`deadline`): a sync client connects in the caller's thread.
"""

from __future__ import annotations

import contextlib
import ipaddress
import queue
import socket
import threading
import time
from contextlib import contextmanager
from typing import TYPE_CHECKING

import httpcore2 as httpcore
import httpx2 as httpx

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator

    from httpcore2 import SOCKET_OPTION, NetworkStream

_this_try = threading.local()


@contextmanager
def deadline(at: float) -> Iterator[None]:
    """Connections this thread opens in the block are open by `at` (time.monotonic())."""
    _this_try.at = at
    try:
        yield
    finally:
        _this_try.at = None


def _left(timeout: float | None) -> float | None:
    """Seconds left for this thread's try (at most `timeout`); None: no bound."""
    at: float | None = getattr(_this_try, "at", None)
    if at is None:
        return timeout
    left = max(0.0, at - time.monotonic())
    return left if timeout is None else min(timeout, left)


class BoundedBackend(httpcore.SyncBackend):
    """httpcore's sync backend, resolving and connecting within the try's time."""

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[SOCKET_OPTION] | None = None,
    ) -> NetworkStream:
        failure: Exception | None = None
        for address in resolve(host, port, _left(timeout)):
            left = _left(timeout)
            if left == 0:
                break
            try:
                return super().connect_tcp(address, port, left, local_address, socket_options)
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as err:
                failure = err  # the next address may answer, as create_connection does
        if failure is not None:
            raise failure
        raise httpcore.ConnectTimeout(f"could not connect to {host} in time")


def bounded_transport(limits: httpx.Limits) -> httpx.HTTPTransport:
    """httpx's transport over a pool that connects through BoundedBackend (httpx takes no
    network backend; httpcore's pool does)."""
    transport = httpx.HTTPTransport(limits=limits)
    transport._pool = httpcore.ConnectionPool(  # noqa: SLF001 - the pool httpx would build
        ssl_context=httpx.create_ssl_context(),
        max_connections=limits.max_connections,
        max_keepalive_connections=limits.max_keepalive_connections,
        keepalive_expiry=limits.keepalive_expiry,
        network_backend=BoundedBackend(),
    )
    return transport


def resolve(host: str, port: int, seconds: float | None) -> list[str]:
    """The addresses `host` has (an address given as such, at once), in the resolver's order;
    ConnectTimeout when the resolver has not answered within `seconds`."""
    with contextlib.suppress(ValueError):
        return [str(ipaddress.ip_address(host))]
    answers: queue.SimpleQueue[list[str] | OSError] = queue.SimpleQueue()

    def ask() -> None:
        try:
            found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except OSError as err:
            answers.put(err)
        else:
            answers.put(list(dict.fromkeys(str(info[4][0]) for info in found)))

    # A daemon: a resolver that never answers must not keep the process from ending.
    threading.Thread(target=ask, name=f"resolve {host}", daemon=True).start()
    try:
        answer = answers.get(timeout=seconds)
    except queue.Empty:
        raise httpcore.ConnectTimeout(f"resolving {host} took more than {seconds:g} s") from None
    if isinstance(answer, OSError):
        raise httpcore.ConnectError(str(answer)) from answer
    return answer
