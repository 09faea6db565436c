"""What a URL that drips its answer costs: fetching it (briefing.ingest, real sleeps between
tries) from a local server that sends its headers, or its body (with and without
Content-Length), one byte at a time, or accepts the connection and never answers
(tests/drip_server.py).

The promise (README, "Fetching URLs"): at most fetch_timeout x (fetch_retries + 1) plus the
backoff between tries (1 s, 2 s, ...) per URL. Prints, per case, the wall time, that bound,
their ratio, the tries and the longest the server was held by one try.

    python bench/fetch_bounds.py [FETCH_TIMEOUT [FETCH_RETRIES]]   # default 2 and 2
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from drip_server import MODES, DripServer

from briefing.ingest import FetchSettings, ingest


def main() -> None:
    timeout = float(sys.argv[1]) if len(sys.argv) > 1 else 2.0
    retries = int(sys.argv[2]) if len(sys.argv) > 2 else 2
    with tempfile.TemporaryDirectory() as folder:
        settings = FetchSettings(timeout=timeout, retries=retries, cache_dir=Path(folder))
        backoff = sum(
            min(settings.backoff * 2**attempt, settings.max_wait) for attempt in range(retries)
        )
        bound = timeout * (retries + 1) + backoff
        print(f"fetch_timeout {timeout:g} s, fetch_retries {retries}: bound {bound:.1f} s a URL")
        for mode in MODES:
            with DripServer(mode, interval=0.2, lifetime=3 * bound + 30) as drip:
                started = time.perf_counter()
                read = ingest([drip.url + "/feed.xml"], fetch=settings)
                took = time.perf_counter() - started
            reason = read.skipped[0].reason if read.skipped else "read"
            print(
                f"{mode:>13}: {took:6.2f} s, ratio to the bound {took / bound:.3f}; "
                f"{drip.connections} tries, longest held {max(drip.held):.2f} s ({reason})"
            )


if __name__ == "__main__":
    main()
