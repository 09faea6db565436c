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
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from typing import TYPE_CHECKING, Any

from briefing.brief_file import load_brief
from briefing.daily.articles import Seen, article_keys
from briefing.daily.diff import Earlier
from briefing.errors import BriefingError
from briefing.output import write_atomically

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
        self.folder = output_dir / FOLDER

    @property
    def briefs(self) -> Path:
        return self.folder / "briefs"

    def brief_of(self, day: str) -> Brief | None:
        """The brief recorded for `day`, if there is one that loads."""
        path = self.briefs / f"{day}.json"
        if not path.is_file():
            return None
        try:
            return load_brief(path)
        except BriefingError as err:
            log.warning("ignoring %s (%s); delete it to silence this", path, err)
            return None

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
        path = self.folder / "articles.json"
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return []
        except (OSError, UnicodeDecodeError, ValueError) as err:
            log.warning("ignoring %s (%s): articles seen before count as new", path, err)
            return []
        entries = data.get("articles") if isinstance(data, dict) else None
        if not isinstance(entries, list) or data.get("format") != FORMAT:
            log.warning("ignoring %s: not a %s file", path, FORMAT)
            return []
        return [e for e in entries if _well_formed(e)]

    def _record_articles(self, day: str, brief: Brief) -> None:
        entries = self._articles()
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

    def _days(self) -> list[str]:
        if not self.briefs.is_dir():
            return []
        return [p.stem for p in self.briefs.glob("*.json") if _is_day(p.stem)]


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
    )
