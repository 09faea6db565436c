"""One day of `briefing daily`: generate, mark what changed since the earlier day, render,
write the folder, then record the day in the state folder; all of it holding the output
folder's lock (lock.py), so that two runs on one folder take turns."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from briefing.daily.day import Day
from briefing.daily.diff import mark
from briefing.daily.feed import write_feed
from briefing.daily.index import entries, write_index
from briefing.daily.lock import folder_lock
from briefing.daily.state import State
from briefing.daily.writer import Written, prepare, refuse_inputs_inside, write_day

if TYPE_CHECKING:
    from pathlib import Path

    from briefing.daily.config import DailyConfig
    from briefing.models import Brief


@dataclass(frozen=True)
class DayResult:
    day: Day
    brief: Brief
    written: Written
    listings: list[Path]  # index.md, index.html, feed.xml


def run_day(config: DailyConfig, *, force: bool = False) -> DayResult:
    """Write the brief of the configured day (default today in the configured time zone)
    and bring latest.*, the index and the feed up to date. `force` lets a past day's
    brief be replaced."""
    from briefing import pipeline  # noqa: PLC0415 - the engines load with it

    day = Day.named(config.date, config["timezone"])
    output_dir: Path = config["output_dir"]
    prepare(output_dir, day, force=force)
    refuse_inputs_inside(output_dir, pipeline.input_files(list(config["inputs"])))
    state = State(output_dir)
    with folder_lock(state.folder, output_dir, config["lock_wait"]):
        state.tidy()  # what a killed run left half-written
        state.recover()  # a day an earlier run wrote but was stopped before recording
        return _run_day(config, day, state)


def _run_day(config: DailyConfig, day: Day, state: State) -> DayResult:
    from briefing import pipeline  # noqa: PLC0415 - the engines load with it

    output_dir: Path = config["output_dir"]
    earlier = state.earlier(day.name)
    after, before = day.window(config["window"])
    made = pipeline.generate(
        list(config["inputs"]),
        engine=config["engine"],
        title=config["title"],
        judge=config["judge"],
        published_after=after,
        published_before=before,
        **config.generate_options(),
    )
    marked = mark(made, earlier, day=day.name, title=config["title"])
    brief = as_before(marked, state.brief_of(day.name))
    rendered = {
        fmt: pipeline.render(brief, fmt, templates=config["templates"]) for fmt in config["formats"]
    }
    brief_json = rendered.get("json") or pipeline.render(brief, "json")
    state.pending(day.name, brief_json)  # so that a run stopped after writing is not forgotten
    written = write_day(output_dir, day, rendered)
    listed = entries(output_dir)
    listings = write_index(output_dir, listed, title=config["title"], templates=config["templates"])
    listings.append(
        write_feed(output_dir, listed, title=config["title"], site_url=config["site_url"])
    )
    # Only now, with the day's files written, is the day the one the next is compared with.
    state.record(day.name, brief, brief_json)
    state.record_run(day.name, brief.run)
    return DayResult(day, brief, written, listings)


def as_before(brief: Brief, before: Brief | None) -> Brief:
    """A rerun of the day that changes nothing keeps the first run's `generated_at`, so
    its files stay byte for byte the same (a folder kept in git shows no change)."""
    if before is None:
        return brief
    again = brief.model_copy(update={"generated_at": before.generated_at})
    return again if again.model_dump(mode="json") == before.model_dump(mode="json") else brief
