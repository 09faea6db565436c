"""Start-up cost of the CLI: `briefing --version` against `python -c "import click"`.

Prints the median of several runs of each and their ratio (target: under 3x); the CLI
must not import the engines, ingest readers, pydantic or openai just to start.
"""

from __future__ import annotations

import shutil
import statistics
import subprocess
import sys
import time

RUNS = 15


def median_seconds(command: list[str]) -> float:
    times = []
    for _ in range(RUNS):
        started = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True)  # noqa: S603 - our commands
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> None:
    executable = shutil.which("briefing")
    if executable is None:
        sys.exit("briefing is not installed in this environment: pip install -e .")
    click = median_seconds([sys.executable, "-c", "import click"])
    version = median_seconds([executable, "--version"])
    print(f"python -c 'import click': {click * 1000:.0f} ms (median of {RUNS})")
    print(f"briefing --version:       {version * 1000:.0f} ms")
    print(f"ratio: {version / click:.2f}x (target: under 3x)")


if __name__ == "__main__":
    main()
