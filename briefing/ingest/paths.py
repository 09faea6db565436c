"""Command-line paths, directories and globs to a sorted list of files."""

from __future__ import annotations

import glob
from pathlib import Path

from briefing.errors import InputError

# Suffixes read from a directory; a file named explicitly is read whatever its suffix.
KNOWN_SUFFIXES = frozenset(
    {".txt", ".md", ".markdown", ".html", ".htm", ".json", ".jsonl", ".rss", ".atom", ".xml"}
)


def expand(args: list[str]) -> list[Path]:
    files: list[Path] = []
    for arg in args:
        path = Path(arg)
        if path.is_dir():
            files.extend(_from_directory(path))
        elif path.is_file():
            files.append(path)
        elif glob.has_magic(arg):
            # glob.glob, not Path.glob: the pattern may be absolute or climb with '..'.
            matches = sorted(Path(m) for m in glob.glob(arg, recursive=True))  # noqa: PTH207
            files.extend(m for m in matches if m.is_file())
            if not matches:
                raise InputError(f"{arg}: the pattern matches no files; check the pattern")
        else:
            raise InputError(f"{arg}: no such file or directory; check the path")
    # The same file named twice (a dir and a glob inside it) is read once; order is by path.
    unique = {p.resolve(): p for p in files}
    return [unique[key] for key in sorted(unique)]


def _from_directory(directory: Path) -> list[Path]:
    return sorted(
        p
        for p in directory.rglob("*")
        if p.is_file()
        and p.suffix.lower() in KNOWN_SUFFIXES
        and not any(part.startswith(".") for part in p.relative_to(directory).parts)
    )
