"""Command-line paths, directories and globs to a sorted list of inputs, with what a
folder held that cannot be read (named, never passed over in silence)."""

from __future__ import annotations

import glob
import os
from dataclasses import dataclass
from pathlib import Path

from briefing.errors import InputError
from briefing.ingest.files import os_reason, printable

# Suffixes read from a directory; a file named explicitly is read whatever its suffix.
KNOWN_SUFFIXES = frozenset(
    {".txt", ".md", ".markdown", ".html", ".htm", ".json", ".jsonl", ".rss", ".atom", ".xml"}
)


@dataclass(frozen=True)
class Entry:
    """One input to read, or (with `problem`) one that cannot be: a folder that cannot be
    listed, a link to a folder inside a folder. Files that are not regular (FIFOs,
    devices, broken or looping links) are entries too: the reader names them."""

    path: Path
    problem: str | None = None


def expand(args: list[str]) -> list[Entry]:
    entries: list[Entry] = []
    for arg in args:
        path = Path(arg)
        if _is_dir(path):
            entries.extend(_from_directory(path))
        elif os.path.lexists(path):
            entries.append(Entry(path))  # a file, a FIFO, a device, a broken link: read_file says
        elif glob.has_magic(arg):
            # glob.glob, not Path.glob: the pattern may be absolute or climb with '..'.
            matches = sorted(Path(m) for m in glob.glob(arg, recursive=True))  # noqa: PTH207
            entries.extend(Entry(m) for m in matches if not _is_dir(m))
            if not matches:
                message = f"{printable(arg)}: the pattern matches no files; check the pattern"
                raise InputError(message)
        else:
            raise InputError(f"{printable(arg)}: no such file or directory; check the path")
    # The same file named twice (a dir and a glob inside it) is read once; order is by path.
    unique = {_key(e): e for e in entries}
    return [unique[key] for key in sorted(unique)]


def _is_dir(path: Path) -> bool:
    try:
        return path.is_dir()
    except OSError:  # e.g. inside a folder we may not enter: read_file reports it
        return False


def _key(entry: Entry) -> Path:
    # A file reached through a link is the file; a broken or looping link, or a link to a
    # folder that is not followed, is itself.
    path = entry.path
    if entry.problem is None and os.path.exists(path):  # noqa: PTH110 - False for broken and looping links, no raise
        return Path(os.path.realpath(path))
    return Path(os.path.abspath(path))  # noqa: PTH100 - lexical: never resolves a loop


def _from_directory(directory: Path) -> list[Entry]:
    """Every file with a known suffix under `directory`, hidden files and folders aside.
    Links to folders inside it are not followed (they can loop); they are named instead,
    and so is every folder that cannot be listed."""
    entries: list[Entry] = []

    def unlisted(err: OSError) -> None:
        where = Path(err.filename) if err.filename else directory
        entries.append(Entry(where, os_reason(err, folder=True)))

    for top, folders, names in os.walk(directory, onerror=unlisted):
        here = Path(top)
        followed: list[str] = []
        for name in folders:
            if name.startswith("."):
                continue
            if (here / name).is_symlink():
                reason = (
                    "a link to a folder, not followed inside a folder (links can loop); "
                    "name it on the command line to read it"
                )
                entries.append(Entry(here / name, reason))
            else:
                followed.append(name)
        folders[:] = followed
        entries.extend(
            Entry(here / name)
            for name in names
            if not name.startswith(".") and Path(name).suffix.lower() in KNOWN_SUFFIXES
        )
    return entries
