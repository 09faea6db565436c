"""Where the built-in prompt and output templates live.

In a wheel they are inside the package (hatch force-include puts them there); an
editable install does not see them there, so fall back to the checkout's top level.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from briefing.errors import ResourceError

DataDir = Literal["prompts", "templates"]

_PACKAGE = Path(__file__).resolve().parent


def builtin_dir(name: DataDir) -> Path:
    for candidate in (_PACKAGE / name, _PACKAGE.parent / name):
        if candidate.is_dir():
            return candidate
    raise ResourceError(f"built-in {name}/ not found beside {_PACKAGE}; reinstall briefing")
