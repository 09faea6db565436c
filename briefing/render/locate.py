"""Where each claim stands in a rendered brief: the line numbers that GitHub annotations
and SARIF results point at.

Lines are found by searching the file's text for the claim's text as that format writes
it (escaped for markdown, as a JSON string for JSON), never by assuming a layout, so a
template that moves, groups or repeats sections still gets the right lines. A claim's
text can also stand elsewhere (its passage in Sources, its entry in the Review, inside a
longer claim), so claims are looked for in reading order, each after the one before,
which is the order every format renders them in; a claim not found after its predecessor
is looked for from the top.
"""

from __future__ import annotations

import bisect
import json
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from briefing import config
from briefing.errors import BriefingError
from briefing.output import is_special
from briefing.render.escape import escape_markdown

if TYPE_CHECKING:
    from collections.abc import Sequence

    from briefing.models import Review

Searchable = Literal["md", "json"]
# Lines as GitHub and SARIF viewers count them: only a line feed ends one.
_NEWLINE = re.compile("\n")


@dataclass(frozen=True)
class Located:
    """A file that annotations point at, and the 1-based line of each claim in it (None:
    not found, as in a markdown file from another run)."""

    path: str
    lines: list[int | None]


def repository_path(path: Path, root: Path) -> str:
    """`path` as GitHub wants a file named in an annotation or a SARIF result: relative
    to the repository's root (the workspace) when it lies inside it, with / between
    parts; else absolute."""
    absolute = Path(os.path.abspath(path))  # noqa: PTH100 - no symlinks resolved: the name given
    try:
        return absolute.relative_to(os.path.abspath(root)).as_posix()  # noqa: PTH100
    except ValueError:
        return absolute.as_posix()


def as_written(text: str, fmt: Searchable) -> str:
    """`text` as a brief of format `fmt` writes it."""
    if fmt == "md":
        return escape_markdown(text)
    return json.dumps(text, ensure_ascii=False)[1:-1]


def claim_lines(document: str, texts: Sequence[str], fmt: Searchable) -> list[int | None]:
    """The line of `document` on which each of `texts` (in reading order) stands."""
    starts = [0, *(m.end() for m in _NEWLINE.finditer(document))]
    cursor = 0
    lines: list[int | None] = []
    for text in texts:
        needle = as_written(text, fmt)
        if not needle:
            lines.append(None)
            continue
        at = document.find(needle, cursor)
        if at >= 0:
            cursor = at + len(needle)
        else:
            at = document.find(needle)  # out of reading order: the first place it stands
        lines.append(bisect.bisect_right(starts, at) if at >= 0 else None)
    return lines


def in_output(review: Review, text: str, fmt: str, output: Path | None) -> Located | None:
    """Where the review's claims stand in the brief a command just wrote as `text` to
    `output`; None when it went to standard output or a device, or is HTML."""
    if output is None or str(output) == "-" or fmt not in SEARCHABLE or is_special(output):
        return None
    return _located(review, text, SEARCHABLE[fmt], output)


def in_brief_files(review: Review, brief_json: Path, markdown: Path | None) -> Located | None:
    """Where the review's claims stand for `verify`: in `markdown` when given; else in
    the markdown brief beside BRIEF.json (same name, .md) when there is one; else in
    BRIEF.json itself. None for a brief read from standard input with no markdown."""
    if markdown is not None:
        return _located(review, _read(markdown), "md", markdown)
    if str(brief_json) == "-":
        return None
    beside = brief_json.with_suffix(".md")
    if beside != brief_json and beside.is_file():
        try:
            return _located(review, _read(beside), "md", beside)
        except BriefingError:
            pass  # not ours to read: the JSON itself will do
    return _located(review, _read(brief_json), "json", brief_json)


def in_written(review: Review, paths: Sequence[Path]) -> Located | None:
    """Where the review's claims stand in the files a run wrote: its markdown brief, else
    its JSON; None when it wrote neither."""
    for suffix in (".md", ".json"):
        for path in paths:
            if path.suffix == suffix:
                return _located(review, _read(path), SEARCHABLE[suffix[1:]], path)
    return None


SEARCHABLE: dict[str, Searchable] = {"md": "md", "json": "json"}


def _located(review: Review, text: str, fmt: Searchable, path: Path) -> Located:
    lines = claim_lines(text, [check.text for check in review.claims], fmt)
    return Located(repository_path(path, config.workspace()), lines)


def _read(path: Path) -> str:
    """A brief file's text; a FIFO or device is never opened (it could block)."""
    try:
        if not path.is_file():
            raise BriefingError(f"{path}: not a regular file; name the markdown brief to point at")
        return path.read_text(encoding="utf-8", errors="replace")
    except OSError as err:
        raise BriefingError(f"{path}: cannot read it ({err.strerror or err})") from err
