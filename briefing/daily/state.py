"""The state folder, OUTPUT_DIR/.state: what `briefing daily` remembers between days.

- `briefs/DATE.json`: each day's brief as it was written (its JSON, whatever `formats`
  says). A day is compared with the newest one before it; the newest KEEP_BRIEFS are kept.
- `articles.json`: every article seen, by canonical URL and content hash, with the day it
  was first seen, the day it was last seen and the story it was last in. An article first
  seen before the day is not new; one not seen for FORGET_AFTER_DAYS days is forgotten.
- `runs/DATE.json`: what the day's last run spent (seconds, model calls, tokens, cost),
  which the brief itself does not hold, so that the same inputs give the same bytes; the
  newest KEEP_RUNS days are kept.

So the folder is bounded: 31 briefs, a year of run files of a few hundred bytes, and the
articles of the last 90 days.

A day is recorded only after its files were written (`record`), so a run that fails
leaves the state as it was and the next run compares with the same earlier brief. A rerun
of a day compares with the day before it, never with its own first run. Delete the folder
to start over: the next brief is compared with nothing and every story in it is new.

A run killed while it wrote a file leaves at most a temporary file beside it (the file
itself is whole, old or new), which the next run removes (`tidy`). A run stopped between
writing its files and recording the day (killed, a power cut) is not forgotten: the brief
it was about to write is kept in `pending/DATE.json` first, and the next run records that
day (`recover`) when one of its dated files was written after it, so the next day is
compared with what was published. Every file here is written atomically; one that is
broken or hand-edited out of shape is set aside beside itself (`NAME.broken-TIME`) with a
warning, never silently reset and never a crash.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import logging
import shutil
from typing import TYPE_CHECKING, Any

from briefing.brief_file import load_brief
from briefing.daily.articles import Seen, article_keys
from briefing.daily.diff import Earlier
from briefing.errors import BriefingError
from briefing.output import remove_stale_temporaries, write_atomically

if TYPE_CHECKING:
    from pathlib import Path

    from briefing.models import Brief, RunReport

log = logging.getLogger(__name__)

FOLDER = ".state"
FORMAT = "briefing-state/1"
# A day is compared with the newest brief before it; a month covers a missed week and a
# rewritten (--force) day of last month.
KEEP_BRIEFS = 31
# What the last year of runs spent (one small file a day): enough to see a year's costs.
KEEP_RUNS = 366
# An article a feed has not carried for this long will not come back as the same story.
FORGET_AFTER_DAYS = 90


class State:
    def __init__(self, output_dir: Path) -> None:
        self.output_dir = output_dir
        self.folder = output_dir / FOLDER
        self._entries: list[dict[str, Any]] | None = None  # articles.json, read once

    @property
    def briefs(self) -> Path:
        return self.folder / "briefs"

    @property
    def pending_folder(self) -> Path:
        return self.folder / "pending"

    def brief_of(self, day: str) -> Brief | None:
        """The brief recorded for `day`, if there is one that loads."""
        path = self.briefs / f"{day}.json"
        if not path.is_file():
            return None
        try:
            return load_brief(path)
        except BriefingError as err:
            set_aside(path, str(err), "the day is compared as if it had no brief")
            return None

    def pending(self, day: str, brief_json: str) -> None:
        """Before the day's files are written: the brief they hold (see `recover`)."""
        self.pending_folder.mkdir(parents=True, exist_ok=True)
        write_atomically(self.pending_folder / f"{day}.json", brief_json)

    def tidy(self) -> list[Path]:
        """Remove the temporary files a killed run left half-written in the output folder
        and here (the caller holds the folder's lock: no other run is writing them)."""
        folders = (self.output_dir, self.folder, self.briefs, self.pending_folder)
        removed = [p for f in (*folders, self.folder / "runs") for p in remove_stale_temporaries(f)]
        for path in removed:
            log.info("removed %s, left half-written by a run that was stopped", path)
        return removed

    def recover(self) -> list[str]:
        """Record each day a stopped run wrote files for but did not record; forget a
        pending day none of whose files was written after it. The days recorded."""
        if not self.pending_folder.is_dir():
            return []
        recorded = []
        for path in sorted(self.pending_folder.glob("*.json")):
            day = path.stem
            if not _is_day(day) or not self._published_after(day, path):
                path.unlink(missing_ok=True)
                continue
            try:
                brief = load_brief(path)
            except BriefingError as err:
                set_aside(path, str(err), f"{day} stays unrecorded")
                continue
            log.warning("recording %s: a run wrote its brief but stopped before recording it", day)
            self.record(day, brief, path.read_text(encoding="utf-8"))
            recorded.append(day)
        return recorded

    def _published_after(self, day: str, pending: Path) -> bool:
        since = pending.stat().st_mtime_ns
        for fmt in ("md", "json", "html"):
            dated = self.output_dir / f"{day}.{fmt}"
            if dated.is_file() and dated.stat().st_mtime_ns >= since:
                return True
        return False

    def earlier(self, day: str) -> Earlier | None:
        """The newest recorded brief before `day` and the articles seen before `day`."""
        for before in sorted(self._days(), reverse=True):
            if before < day and (brief := self.brief_of(before)) is not None:
                return Earlier(brief, before, self.seen_before(day))
        return None

    def seen_before(self, day: str) -> Seen:
        keys: set[str] = set()
        for entry in self._articles():
            if entry["first_seen"] < day:
                keys.update(k for k in (entry.get("url"), entry["content"]) if k)
        return Seen(frozenset(keys))

    def record(self, day: str, brief: Brief, brief_json: str) -> None:
        """Remember the day's brief (as written) and its articles."""
        self.briefs.mkdir(parents=True, exist_ok=True)
        write_atomically(self.briefs / f"{day}.json", brief_json)
        self._record_articles(day, brief)
        for old in sorted(self._days(), reverse=True)[KEEP_BRIEFS:]:
            (self.briefs / f"{old}.json").unlink(missing_ok=True)
        (self.pending_folder / f"{day}.json").unlink(missing_ok=True)
        with contextlib.suppress(OSError):  # not empty, or not there: nothing to tidy
            self.pending_folder.rmdir()

    def record_run(self, day: str, run: RunReport | None) -> None:
        if run is None:
            return
        folder = self.folder / "runs"
        folder.mkdir(parents=True, exist_ok=True)
        write_atomically(folder / f"{day}.json", run.model_dump_json(indent=2) + "\n")
        runs = sorted((p for p in folder.glob("*.json") if _is_day(p.stem)), reverse=True)
        for old in runs[KEEP_RUNS:]:
            old.unlink(missing_ok=True)

    # --- the articles ---------------------------------------------------------------

    def _articles(self) -> list[dict[str, Any]]:
        if self._entries is None:
            self._entries = self._read_articles()
        return self._entries

    def _read_articles(self) -> list[dict[str, Any]]:
        path = self.folder / "articles.json"
        new = "articles seen before count as new"
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return []
        except PermissionError as err:
            raise BriefingError(
                f"{path}: cannot read it ({err.strerror}); make the state folder readable"
            ) from None
        except (OSError, UnicodeDecodeError, ValueError) as err:
            set_aside(path, f"not JSON: {err}", new)
            return []
        entries = data.get("articles") if isinstance(data, dict) else None
        if not isinstance(entries, list) or data.get("format") != FORMAT:
            set_aside(path, f"not a {FORMAT} file", new)
            return []
        kept = [e for e in entries if _well_formed(e)]
        if len(kept) < len(entries):
            why = f"{len(entries) - len(kept)} of its {len(entries)} articles are not well formed"
            set_aside(path, why, "those count as new", keep=True)
        return kept

    def _record_articles(self, day: str, brief: Brief) -> None:
        entries = list(self._articles())
        by_key = {k: e for e in entries for k in (e.get("url"), e["content"]) if k}
        story_of = {i: story.id for story in brief.stories for i in story.source_ids}
        for source in brief.sources:
            keys = article_keys(source)
            entry = by_key.get(keys.url or "") or by_key.get(keys.content)
            if entry is None:
                entry = {"url": keys.url, "content": keys.content, "first_seen": day}
                entries.append(entry)
            entry["first_seen"] = min(entry["first_seen"], day)
            entry["last_seen"] = max(entry.get("last_seen", day), day)
            entry["story"] = story_of.get(source.id)
            entry["url"] = entry.get("url") or keys.url
            by_key.update(dict.fromkeys(keys.all(), entry))
        horizon = (dt.date.fromisoformat(day) - dt.timedelta(days=FORGET_AFTER_DAYS)).isoformat()
        kept = sorted(
            (e for e in entries if e.get("last_seen", e["first_seen"]) >= horizon),
            key=lambda e: (e["first_seen"], e["content"]),
        )
        text = json.dumps({"format": FORMAT, "articles": kept}, indent=1, ensure_ascii=False)
        write_atomically(self.folder / "articles.json", text + "\n")
        self._entries = kept

    def _days(self) -> list[str]:
        if not self.briefs.is_dir():
            return []
        return [p.stem for p in self.briefs.glob("*.json") if _is_day(p.stem)]


def set_aside(path: Path, why: str, outcome: str, *, keep: bool = False) -> Path:
    """Move a broken state file out of the way (`keep`: copy it), beside itself as
    NAME.broken-TIME, with a warning that says where it went."""
    # The real clock, not config.now(): SOURCE_DATE_EPOCH pins the brief, not this name.
    stamp = dt.datetime.now(tz=dt.UTC).strftime("%Y%m%dT%H%M%S%fZ")
    aside = path.with_name(f"{path.name}.broken-{stamp}")
    try:
        if keep:
            shutil.copy2(path, aside)
        else:
            path.replace(aside)
    except OSError as err:
        raise BriefingError(
            f"{path} is broken ({why}) and cannot be set aside ({err.strerror}); move or delete it"
        ) from None
    log.warning("%s is broken (%s): %s; the file was kept as %s", path, why, outcome, aside.name)
    return aside


def _is_day(text: str) -> bool:
    try:
        return dt.date.fromisoformat(text).isoformat() == text
    except ValueError:
        return False


def _well_formed(entry: object) -> bool:
    return (
        isinstance(entry, dict)
        and isinstance(entry.get("content"), str)
        and isinstance(entry.get("first_seen"), str)
        and _is_day(entry["first_seen"])
        and isinstance(entry.get("url"), str | None)
        and isinstance(entry.get("last_seen", entry["first_seen"]), str)
        and _is_day(str(entry.get("last_seen", entry["first_seen"])))
        and isinstance(entry.get("story"), str | None)
    )
