"""Limits on what one input may hold. Hitting one never ends the run: the input (or the
part of it that is over the limit) is left out with a reason that names the limit and the
option that raises it."""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass
from typing import Any

from briefing.errors import ConfigError

MB = 1_000_000


@dataclass(frozen=True)
class InputLimits:
    """The limits, each an API option (`briefing.generate(..., max_input_mb=50)`) and a
    CLI option (`--max-input-mb 50`)."""

    # One input file, in MB (10^6 bytes): a day's articles, feeds and saved pages are far
    # smaller; a bigger file is a dump or junk, and would take minutes and gigabytes.
    max_input_mb: float = 20.0
    # A headline; a longer "title" is a paragraph that lost its line break. Cut, not skipped.
    max_title_chars: int = 300
    # Nesting of JSON inputs and of Markdown front matter: records need a handful of levels.
    max_json_depth: int = 64
    # Numbers in one sentence that the extractive engine reads as key figures; a sentence
    # with more is a table or a list, not a figure a reader can use.
    max_figures_per_sentence: int = 25

    @property
    def max_input_bytes(self) -> int:
        return int(self.max_input_mb * MB)

    @classmethod
    def from_options(cls, **options: Any) -> InputLimits:  # noqa: ANN401 - checked here
        """Limits from API options; None means "not given" (the default)."""
        given: dict[str, Any] = {}
        for name, value in options.items():
            if value is not None:
                _check(name, value)
                given[name] = int(value) if _RANGES[name][2] else float(value)
        return cls(**given)


LIMIT_OPTIONS = tuple(f.name for f in dataclasses.fields(InputLimits))

# name: (lowest, highest, whole numbers only, how to say it). The JSON and YAML parsers
# recurse, so nesting deeper than 500 would meet Python's own recursion limit.
_RANGES: dict[str, tuple[float, float, bool, str]] = {
    "max_input_mb": (1e-6, math.inf, False, "a size in MB greater than 0, e.g. 50"),
    "max_title_chars": (20, math.inf, True, "a whole number of characters, at least 20"),
    "max_json_depth": (2, 500, True, "a whole number from 2 to 500"),
    "max_figures_per_sentence": (1, math.inf, True, "a whole number, at least 1"),
}


def _check(name: str, value: object) -> None:
    low, high, whole, wanted = _RANGES[name]
    good = (
        isinstance(value, int | float)
        and not isinstance(value, bool)
        and math.isfinite(value)
        and low <= value <= high
        and (not whole or float(value).is_integer())
    )
    if not good:
        raise ConfigError(f"{name} (CLI {cli_option(name)}) is {value!r}; give {wanted}")


def cli_option(name: str) -> str:
    """How the command line spells a limit's option: max_input_mb -> --max-input-mb."""
    return "--" + name.replace("_", "-")
