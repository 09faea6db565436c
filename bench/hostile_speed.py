"""Hostile sizes, at 1x, 2x and 4x: time should grow in proportion (ratios near 2 and 4).

1. `generate` on one article whose one sentence holds 15,000 / 30,000 / 60,000 numbers,
   with the figures limit raised so that every number is read (target: 60,000 in under
   5 s), and with the default limit (the sentence's numbers are skipped with a reason).
2. `verify` of a brief one of whose passages is grown to 25 / 50 / 100 MB, cited by
   several claims (each passage is read once, however many claims cite it).

    python bench/hostile_speed.py            # sizes as above (the 100 MB step needs ~3 GB)
    python bench/hostile_speed.py --mb 5     # verify at 5 / 10 / 20 MB instead

The text is the bundled examples' own sentences (fictional, written for this project).
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from pathlib import Path

import briefing
from briefing.verify import verify_brief

ROOT = Path(__file__).resolve().parent.parent


def timed(label: str, work: object) -> float:
    started = time.perf_counter()
    work()  # type: ignore[operator]
    seconds = time.perf_counter() - started
    print(f"  {label}: {seconds:.2f} s", flush=True)
    return seconds


def ratios(times: list[float]) -> str:
    return f"ratio 2x {times[1] / times[0]:.2f}, 4x {times[2] / times[0]:.2f}"


def figures(folder: Path) -> None:
    print("generate: one sentence of many numbers")
    rng = random.Random(7)  # noqa: S311 - test data, not secrets
    for limit, what in ((10**9, "every number read"), (None, "default limit")):
        times = []
        for count in (15_000, 30_000, 60_000):
            numbers = ", ".join(
                f"{rng.randint(1, 99_999):,} {rng.choice(UNITS)}" for _ in range(count)
            )
            path = folder / f"numbers-{count}.txt"
            path.write_text(
                "Survey of the valley\nThe survey counted " + numbers + ", the council said.\n"
                "The council of Harrowgate published the survey on Monday after a year of work.\n",
                encoding="utf-8",
            )
            options = {} if limit is None else {"max_figures_per_sentence": limit}
            times.append(
                timed(
                    f"{count:,} numbers ({what})",
                    lambda p=path, o=options: briefing.generate([p], engine="extractive", **o),
                )
            )
        print(f"  {ratios(times)}")


UNITS = ("residents", "homes", "km", "tonnes", "cattle", "people")


def verify(base_mb: float) -> None:
    print("verify: one passage grown to many MB")
    brief = briefing.generate([ROOT / "examples"], engine="extractive")
    sentences = [p.text for s in brief.sources for p in s.passages]
    cited: dict[str, int] = {}
    for obj in brief.cited_objects():
        for pid in obj.citations:
            cited[pid] = cited.get(pid, 0) + 1
    target = max(cited, key=lambda pid: cited[pid])
    filler = " ".join(sentences)
    times = []
    for factor in (1, 2, 4):
        size = base_mb * factor * 1_000_000
        grown = brief.model_copy(deep=True)
        passage = grown.passage_index()[target][1]
        passage.text = passage.text + " " + " ".join([filler] * int(size / (len(filler) + 1)))
        label = f"{len(passage.text) / 1e6:,.0f} MB passage cited by {cited[target]} objects"
        times.append(timed(label, lambda b=grown: verify_brief(b)))
        del grown, passage
    print(f"  {ratios(times)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--mb", type=float, default=25.0, help="the verify passage at 1x, in MB")
    args = parser.parse_args()
    briefing.generate([ROOT / "examples"], engine="extractive")  # imports and caches warm
    with tempfile.TemporaryDirectory() as folder:
        figures(Path(folder))
    verify(args.mb)


if __name__ == "__main__":
    main()
