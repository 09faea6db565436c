"""Speed and memory of a whole offline run, and how they scale with input size.

First the real inputs: every feed and cluster in ../shared (about 300 articles), parsed
from their own files. Then the same articles as JSON Lines at 1x, 2x and 4x (each copy
made distinct, or the duplicate filter would drop it), printing CPU seconds (the
process's, all threads: what a machine shared with other jobs stretches least), sentences
per CPU second, peak memory (traced in a second run of the same inputs, as tracing slows
the run it watches) and the time ratio to 1x: linear scaling shows as ratios near 2 and 4.
Every run starts with briefing's caches of words and sentences emptied, as a new process
would (imports aside), so a run does not reuse what the one before it read.
Run: python bench/speed.py [PATH_TO_SHARED]
"""

from __future__ import annotations

import functools
import gc
import json
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

from briefing.ingest import ingest
from briefing.pipeline import generate
from briefing.render import render
from briefing.stories.sameday import once_per_day


def run(inputs: list[str]) -> tuple[float, int, int, int]:
    """CPU seconds, sources, sentences and peak traced bytes of a brief of `inputs`."""
    forget()
    started = time.process_time()
    brief = generate(inputs, engine="extractive")
    render(brief, "md")
    seconds = time.process_time() - started
    forget()
    tracemalloc.start()
    render(generate(inputs, engine="extractive"), "md")
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return seconds, brief.stats.sources, brief.stats.passages, peak


def forget() -> None:
    """Empty briefing's caches (functools caches of its modules, the day's readings)."""
    for thing in gc.get_objects():
        cached = isinstance(thing, functools._lru_cache_wrapper | once_per_day)  # noqa: SLF001
        if cached and (getattr(thing, "__module__", "") or "").startswith("briefing"):
            thing.cache_clear()
    gc.collect()


def main() -> None:
    shared = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).parents[2] / "shared"
    originals = [
        *sorted((shared / "evaldata" / "feeds").glob("*.rss")),
        *sorted((shared / "evaldata" / "feeds").glob("*.atom")),
        *sorted((shared / "evaldata" / "clusters").glob("*.json")),
    ]
    if not originals:
        sys.exit(f"no inputs under {shared}/evaldata")
    run([str(originals[0])])  # warm up imports
    header = f"{'input':>12} {'sources':>8} {'sentences':>10} {'CPU s':>8} {'sent/s':>8}"
    print(f"{header} {'peak MB':>8} {'time ratio':>10}")
    seconds, sources, passages, peak = run([str(p) for p in originals])
    print(f"{'real files':>12} {sources:>8} {passages:>10} {seconds:>8.2f} "
          f"{passages / seconds:>8.0f} {peak / 1e6:>8.1f} {'':>10}")  # fmt: skip
    articles = ingest([str(p) for p in originals]).articles
    base = 0.0
    for scale in (1, 2, 4):
        with tempfile.TemporaryDirectory() as tmp:
            target = Path(tmp) / "articles.jsonl"
            with target.open("w", encoding="utf-8") as out:
                for copy in range(scale):
                    for a in articles:
                        text = "\n".join([f"Edition {copy} of this report.", *a.paragraphs()])
                        out.write(json.dumps({"title": a.title, "text": text}) + "\n")
            seconds, sources, passages, peak = run([str(target)])
        base = base or seconds
        print(f"{f'{scale}x jsonl':>12} {sources:>8} {passages:>10} {seconds:>8.2f} "
              f"{passages / seconds:>8.0f} {peak / 1e6:>8.1f} {seconds / base:>10.2f}")  # fmt: skip


if __name__ == "__main__":
    main()
