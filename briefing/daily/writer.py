"""Writing a day's brief into the output folder: OUTPUT_DIR/DATE.{md,json,html}, each
atomically, and latest.* as copies of the newest day's.

latest.* are copies, not symbolic links: an output folder is usually published (a static
web host, object storage, a git repository, a shared drive), and many of those do not
follow links, refuse them or upload them as a text file holding the target's name; on
Windows a link needs special rights. A copy is a brief like any other, written
atomically, so a reader never sees half of one.

A dated brief is never rewritten by a later day: when DATE is before today and a brief of
that day is there, the run stops unless --force. Today's brief may be written again (a
rerun picks up late news).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from briefing.errors import BriefingError
from briefing.output import write_atomically

if TYPE_CHECKING:
    from collections.abc import Mapping
    from pathlib import Path

    from briefing.daily.day import Day

DATED = re.compile(r"^(\d{4}-\d{2}-\d{2})\.(md|json|html)$")
ALL_FORMATS = ("md", "json", "html")


@dataclass(frozen=True)
class Written:
    dated: list[Path]
    latest: list[Path]


def prepare(output_dir: Path, day: Day, *, force: bool) -> None:
    """Before anything runs: the folder can be made, and the day may be written."""
    try:
        output_dir.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise BriefingError(
            f"{output_dir}: cannot create the output folder ({err.strerror}); set output_dir "
            "to a folder you can write"
        ) from None
    existing = [output_dir / f"{day.name}.{fmt}" for fmt in ALL_FORMATS]
    present = [path for path in existing if path.exists()]
    if present and day.is_past and not force:
        raise BriefingError(
            f"{present[0]} already exists and {day.name} is before today "
            f"({day.today.isoformat()}): a dated brief is not rewritten by a later day; pass "
            "--force to replace it"
        )


def refuse_inputs_inside(output_dir: Path, files: list[Path]) -> None:
    """An input folder that holds the output folder would read yesterday's briefs as
    today's articles: refused before anything runs."""
    folder = output_dir.resolve()
    for path in files:
        if path.resolve().is_relative_to(folder):
            raise BriefingError(
                f"{path}: an input inside the output folder {output_dir}; keep output_dir out "
                "of the input folders and globs"
            )


def write_day(output_dir: Path, day: Day, rendered: Mapping[str, str]) -> Written:
    """Each rendered format as DATE.FORMAT, then latest.FORMAT when DATE is the newest
    day in the folder (a missed day written later leaves latest alone)."""
    dated = []
    for fmt, text in rendered.items():
        path = output_dir / f"{day.name}.{fmt}"
        write_atomically(path, text)
        dated.append(path)
    latest = []
    for fmt, text in rendered.items():
        if day.name >= max(dated_days(output_dir, fmt)):
            path = output_dir / f"latest.{fmt}"
            write_atomically(path, text)
            latest.append(path)
    return Written(dated, latest)


def dated_days(output_dir: Path, fmt: str | None = None) -> list[str]:
    """The days (YYYY-MM-DD) with a brief in the folder, in any format or in `fmt`."""
    days = set()
    for path in output_dir.iterdir():
        match = DATED.match(path.name)
        if match and (fmt is None or match[2] == fmt) and path.is_file():
            days.add(match[1])
    return sorted(days)
