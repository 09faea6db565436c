"""Writing results so that a failed run never leaves a half-written file behind."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from briefing.errors import BriefingError


def write_atomically(path: Path, text: str) -> None:
    directory = path.parent if str(path.parent) else Path()
    if not directory.is_dir():
        raise BriefingError(f"{path}: the folder {directory} does not exist; create it first")
    fd, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=directory)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
        Path(temporary).replace(path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
