"""`briefing daily`'s settings: one table of keys, each a TOML key, a command-line option
and a BRIEFING_* environment variable, read with one parser each and one precedence:

    command line  >  environment (BRIEFING_WINDOW=48h)  >  config file  >  default

A value that cannot be used is one line naming where it came from, the key and the fix.
Paths in the config file are relative to the file's folder; on the command line and in
the environment, to the working folder.
"""

from __future__ import annotations

import datetime as dt
import math
import os
import re
import shlex
import tomllib
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeAlias
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from briefing.choices import ENGINES, JUDGES
from briefing.errors import ConfigError, OptionError

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

DEFAULT_CONFIG = "briefing.toml"
ENV_PREFIX = "BRIEFING_"
FORMATS = ("md", "json", "html")
_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(h|d|m)\s*$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class UnusableValueError(ValueError):
    """A value's problem and fix, without saying where it came from (the caller does)."""


# Each key's parser: (value, given as text) -> the setting, or UnusableValueError.
Parse: TypeAlias = "Callable[[object, bool], object]"


@dataclass(frozen=True)
class Key:
    name: str
    parse: Parse
    default: object
    help: str
    path: bool = False  # relative paths in the file are relative to the file's folder
    metavar: str = "TEXT"  # what --help shows the value as

    @property
    def option(self) -> str:
        return "--" + self.name.replace("_", "-")

    @property
    def variable(self) -> str:
        return ENV_PREFIX + self.name.upper()


# --- the parsers ---------------------------------------------------------------------


def _text(value: object, _: bool) -> str:
    if not isinstance(value, str) or not value.strip():
        raise UnusableValueError("give a non-empty string")
    return value


def _bool(value: object, as_text: bool) -> bool:
    if isinstance(value, bool):
        return value
    if as_text and isinstance(value, str):
        word = value.strip().lower()
        if word in {"1", "true", "yes", "on"}:
            return True
        if word in {"0", "false", "no", "off", ""}:
            return False
    raise UnusableValueError("give true or false" + (" (or 1 / 0)" if as_text else ""))


def _number(low: float, high: float, *, whole: bool, wanted: str) -> Parse:
    def parse(value: object, as_text: bool) -> float | int:
        if as_text and isinstance(value, str):
            try:
                value = float(value.strip())
            except ValueError:
                raise UnusableValueError(f"give {wanted}") from None
        if not isinstance(value, int | float) or isinstance(value, bool):
            raise UnusableValueError(f"give {wanted}")
        good = math.isfinite(value) and low <= value <= high
        if not good or (whole and not float(value).is_integer()):
            raise UnusableValueError(f"give {wanted}")
        return int(value) if whole else float(value)

    return parse


_ANY_NUMBER = _number(-math.inf, math.inf, whole=False, wanted="a number")


def _checked_by(check: Callable[[Any], object]) -> Parse:
    """A number the library checks itself (the input limits, the fetch options): one home
    for each range; its message already says what to give."""

    def parse(value: object, as_text: bool) -> object:
        number = float(_ANY_NUMBER(value, as_text))  # type: ignore[arg-type]
        given = int(number) if number.is_integer() else number
        try:
            check(given)
        except ConfigError as err:
            raise UnusableValueError(str(err).split("; ", 1)[-1]) from None
        return given

    return parse


def _choice(choices: tuple[str, ...]) -> Parse:
    def parse(value: object, _: bool) -> str:
        if value not in choices:
            raise UnusableValueError(f"give one of {', '.join(choices)}")
        return str(value)

    return parse


def _formats(value: object, as_text: bool) -> tuple[str, ...]:
    items = value.split(",") if as_text and isinstance(value, str) else value
    if not isinstance(items, list | tuple) or not items:
        raise UnusableValueError('give a list of formats, e.g. ["md", "json", "html"]')
    chosen = [str(i).strip() for i in items]
    unknown = [f for f in chosen if f not in FORMATS]
    if unknown:
        raise UnusableValueError(
            f"unknown format {unknown[0]!r}; give some of {', '.join(FORMATS)}"
        )
    return tuple(dict.fromkeys(chosen))


def _inputs(value: object, as_text: bool) -> tuple[str, ...]:
    if as_text and isinstance(value, str):
        try:
            value = shlex.split(value)  # BRIEFING_INPUTS="feeds/*.rss 'my notes.txt'"
        except ValueError as err:
            raise UnusableValueError(f"cannot split it ({err}); quote paths with spaces") from None
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list | tuple) or not all(isinstance(v, str) and v for v in value):
        raise UnusableValueError(
            'give a list of paths, globs and URLs, e.g. ["feeds/*.rss", "https://…"]'
        )
    return tuple(value)


def duration(value: object, as_text: bool) -> timedelta:
    """'36h', '2d', '90m', or a number of hours (in TOML, or as text on the command line
    and in the environment)."""
    hours: float | None = None
    if isinstance(value, int | float) and not isinstance(value, bool):
        hours = float(value)
    elif isinstance(value, str) and (match := _DURATION.match(value)):
        hours = float(match[1]) * {"h": 1.0, "d": 24.0, "m": 1 / 60}[match[2]]
    elif isinstance(value, str) and as_text:
        try:
            hours = float(value)
        except ValueError:
            hours = None
    if hours is not None and math.isfinite(hours) and 0 < hours <= 24 * 366:
        return timedelta(hours=hours)
    raise UnusableValueError('give a duration of up to a year such as "36h", "2d" or "90m"')


def _timezone(value: object, _: bool) -> str:
    if isinstance(value, str) and value.strip():
        try:
            ZoneInfo(value.strip())
        except (ZoneInfoNotFoundError, ValueError):
            pass
        else:
            return value.strip()
    raise UnusableValueError('give an IANA time zone name such as "UTC" or "Europe/Berlin"')


def _site_url(value: object, _: bool) -> str:
    parts = urlsplit(value) if isinstance(value, str) else None
    if parts is not None and parts.scheme in {"http", "https"} and parts.hostname:
        text = str(value)
        return text if text.endswith("/") else text + "/"
    raise UnusableValueError(
        "give the http(s) address the output folder is served at, e.g. "
        '"https://example.org/briefs/"'
    )


def _path(value: object, as_text: bool) -> Path:
    return Path(os.path.expanduser(_text(value, as_text)))  # noqa: PTH111


def _limit(name: str) -> Parse:
    def check(value: object) -> object:
        from briefing.ingest.limits import InputLimits  # noqa: PLC0415 - see _fetch

        return InputLimits.from_options(**{name: value})

    return _checked_by(check)


def _fetch(name: str) -> Parse:
    def check(value: object) -> object:
        # Loaded when a value is checked: the CLI builds its options from KEYS at start-up,
        # and the ingest package brings pydantic and the HTTP client with it.
        from briefing.ingest.fetch_settings import FetchSettings  # noqa: PLC0415

        options: dict[str, Any] = {name: value}
        return FetchSettings.from_options(**options)

    return _checked_by(check)


_FRACTION = _number(0, 1, whole=False, wanted="a fraction from 0 to 1, e.g. 0.95")
_AT_LEAST_1 = _number(1, math.inf, whole=True, wanted="a whole number, at least 1")
_AT_LEAST_0 = _number(0, math.inf, whole=True, wanted="a whole number, at least 0")
_SECONDS = _number(1, math.inf, whole=False, wanted="seconds, at least 1")
_TEMPERATURE = _number(0, 2, whole=False, wanted="a number from 0 to 2")
_PENALTY = _number(-2, 2, whole=False, wanted="a number from -2 to 2")
_DOLLARS = _number(0, math.inf, whole=False, wanted="US dollars, 0 or more, e.g. 0.50")

KEYS: tuple[Key, ...] = (
    Key(
        "inputs",
        _inputs,
        (),
        "Paths, folders, globs, feed and page URLs.",
        path=True,
        metavar="PATH...",
    ),
    Key(
        "output_dir",
        _path,
        Path("briefs"),
        "Folder of the briefs. [default: briefs]",
        path=True,
        metavar="DIR",
    ),
    Key(
        "formats",
        _formats,
        FORMATS,
        "Formats to write. [default: md,json,html]",
        metavar="md,json,html",
    ),
    Key(
        "title", _text, None, "Headline of each brief; title of the index and feed.", metavar="TEXT"
    ),
    Key(
        "timezone",
        _timezone,
        "UTC",
        "IANA time zone that names the day. [default: UTC]",
        metavar="ZONE",
    ),
    Key(
        "window",
        duration,
        timedelta(hours=36),
        "How old an item may be. [default: 36h]",
        metavar="DURATION",
    ),
    Key("site_url", _site_url, None, "Address the output folder is served at.", metavar="URL"),
    Key(
        "engine",
        _choice(ENGINES),
        "auto",
        "auto, extractive or openai. [default: auto]",
        metavar="auto|extractive|openai",
    ),
    Key(
        "fail_under",
        _FRACTION,
        None,
        "Exit 4 when fewer claims are supported (0-1).",
        metavar="FRACTION",
    ),
    Key(
        "judge",
        _choice(JUDGES),
        None,
        "A language model's second opinion on claims.",
        metavar="openai",
    ),
    Key(
        "templates",
        _path,
        None,
        "Folder of templates overriding the built-in ones.",
        path=True,
        metavar="DIR",
    ),
    Key("model", _text, None, "Model for the openai engine and judge.", metavar="NAME"),
    Key("base_url", _text, None, "OpenAI-compatible API base URL.", metavar="URL"),
    Key(
        "prompts",
        _path,
        None,
        "Folder of prompts overriding the built-in ones.",
        path=True,
        metavar="DIR",
    ),
    Key("no_cache", _bool, default=False, help="Neither read nor write the model reply cache."),
    Key("max_concurrency", _AT_LEAST_1, None, "Model calls in flight. [default: 4]", metavar="N"),
    Key("max_retries", _AT_LEAST_0, None, "Retries of a model call. [default: 2]", metavar="N"),
    Key("timeout", _SECONDS, None, "Seconds per model call. [default: 120]", metavar="SECONDS"),
    Key("temperature", _TEMPERATURE, None, "Sampling temperature.", metavar="T"),
    Key("frequency_penalty", _PENALTY, None, "Penalty on repeated tokens.", metavar="P"),
    Key(
        "prices",
        _path,
        None,
        "JSON price table overriding the built-in one.",
        path=True,
        metavar="FILE",
    ),
    Key(
        "embeddings",
        _text,
        None,
        "Embedding model that groups the stories (engine openai).",
        metavar="MODEL",
    ),
    Key(
        "max_cost",
        _DOLLARS,
        None,
        "Most a day's model calls may cost, in US dollars.",
        metavar="USD",
    ),
    Key("batch", _bool, default=False, help="Send model calls through OpenAI's Batch API."),
    Key(
        "max_input_mb",
        _limit("max_input_mb"),
        None,
        "Largest input in MB. [default: 20]",
        metavar="MB",
    ),
    Key(
        "max_title_chars",
        _limit("max_title_chars"),
        None,
        "Cut longer titles. [default: 300]",
        metavar="N",
    ),
    Key(
        "max_json_depth",
        _limit("max_json_depth"),
        None,
        "Deepest JSON read. [default: 64]",
        metavar="N",
    ),
    Key(
        "max_figures_per_sentence",
        _limit("max_figures_per_sentence"),
        None,
        "Numbers a sentence may hold and give key figures. [default: 25]",
        metavar="N",
    ),
    Key(
        "fetch_timeout",
        _fetch("fetch_timeout"),
        None,
        "Seconds for one try at a URL. [default: 30]",
        metavar="SECONDS",
    ),
    Key(
        "fetch_retries",
        _fetch("fetch_retries"),
        None,
        "Retries of a URL. [default: 2]",
        metavar="N",
    ),
    Key(
        "lock_wait",
        _number(0, 86_400, whole=False, wanted="seconds from 0 to 86400"),
        60.0,
        "Seconds to wait for another run writing the same output folder. [default: 60]",
        metavar="SECONDS",
    ),
    Key(
        "allow_fallback",
        _bool,
        default=True,
        help="Exit 0 when the model could not be used and the offline engine's brief was "
        "written instead; --no-allow-fallback exits 5. [default: allowed]",
    ),
)
KNOWN = {key.name: key for key in KEYS}


@dataclass(frozen=True)
class DailyConfig:
    """The resolved settings (every key) and where the config file was."""

    values: dict[str, Any] = field(default_factory=dict)
    config_file: Path | None = None
    date: str | None = None  # --date or BRIEFING_DATE; None: today

    def __getitem__(self, name: str) -> Any:  # noqa: ANN401 - each key has its own type
        return self.values[name]

    def generate_options(self) -> dict[str, Any]:
        """The keys that are `briefing.generate` options, under the API's names."""
        renamed = {"prompts": "prompts_dir", "prices": "prices_file"}
        generate_keys = (
            "model", "base_url", "prompts", "max_concurrency", "max_retries", "timeout",
            "temperature", "frequency_penalty", "prices", "embeddings", "max_cost", "max_input_mb",
            "max_title_chars", "max_json_depth", "max_figures_per_sentence", "fetch_timeout",
            "fetch_retries",
        )  # fmt: skip
        options = {renamed.get(k, k): self.values[k] for k in generate_keys}
        options["use_cache"] = False if self.values["no_cache"] else None
        options["batch"] = self.values["batch"] or None
        return options


def resolve(
    given: Mapping[str, object],
    *,
    config: str | None = None,
    date: str | None = None,
    environ: Mapping[str, str] | None = None,
) -> DailyConfig:
    """Every key from the command line (`given`, as text; None: not given), then the
    environment (BRIEFING_*), then the config file (`config`, else BRIEFING_CONFIG, else
    ./briefing.toml, which may be absent), then its default. `date`: --date, else
    BRIEFING_DATE, else None (today)."""
    if environ is None:
        from briefing.config import briefing_variables  # noqa: PLC0415 - see _fetch

        environ = briefing_variables()
    path, table = _load(config, environ)
    folder = path.parent if path is not None else Path()
    values: dict[str, Any] = {}
    for key in KEYS:
        if given.get(key.name) is not None:
            values[key.name] = _parsed(key, given[key.name], as_text=True, where=key.option)
        else:  # a default path (output_dir) is beside the config file too
            found, value = _layer(key, environ, path, table)
            values[key.name] = value if found else _in_folder(key, key.default, folder)
    if not values["inputs"]:
        where = f"{path} has no inputs" if path is not None else f"no {DEFAULT_CONFIG} here"
        raise ConfigError(
            f"{where}: give the inputs as `inputs = [...]` in the config file, as arguments or "
            f"in {KNOWN['inputs'].variable}"
        )
    day = date or environ.get(ENV_PREFIX + "DATE") or None
    if day is not None:
        parse_date(day, "--date" if date else ENV_PREFIX + "DATE")
    return DailyConfig(values, path, day)


def layered(
    given: Mapping[str, object],
    *,
    config: str | None = None,
    environ: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """The settings of the other commands (generate, verify, render, diff) by the same
    precedence: each key in `given` from the command line (typed by click already; None:
    not given), else its BRIEFING_* variable, else briefing.toml (BRIEFING_CONFIG names
    another), else None, which leaves the library's default (and OPENAI_* where the SDK
    reads them: briefing.config)."""
    if environ is None:
        from briefing.config import briefing_variables  # noqa: PLC0415 - see _fetch

        environ = briefing_variables()
    path, table = _load(config, environ)
    values: dict[str, Any] = {}
    for name, value in given.items():
        if value is not None:
            values[name] = value
            continue
        found, layer = _layer(KNOWN[name], environ, path, table)
        values[name] = layer if found else None
    return values


def _layer(
    key: Key, environ: Mapping[str, str], path: Path | None, table: dict[str, Any]
) -> tuple[bool, object]:
    """(True, value) from the key's BRIEFING_* variable, else from the config file; (False,
    None) when neither gives it."""
    variable = environ.get(key.variable)
    if variable is not None and variable.strip():
        return True, _parsed(key, variable, as_text=True, where=key.variable)
    if key.name in table:
        where = f"{path}: {key.name}"
        folder = path.parent if path is not None else Path()
        return True, _in_folder(
            key, _parsed(key, table[key.name], as_text=False, where=where), folder
        )
    return False, None


def parse_date(text: str, where: str = "--date") -> str:
    """YYYY-MM-DD, and a real day."""
    try:
        real = bool(_DATE.match(text)) and bool(dt.date.fromisoformat(text))
    except ValueError:
        real = False
    if not real:
        error = OptionError if where.startswith("--") else ConfigError
        raise error(f"{where} {text!r}: give a day as YYYY-MM-DD, e.g. 2026-11-18")
    return text


def _load(config: str | None, environ: Mapping[str, str]) -> tuple[Path | None, dict[str, Any]]:
    named = config or environ.get(ENV_PREFIX + "CONFIG") or None
    path = Path(named) if named else Path(DEFAULT_CONFIG)
    try:
        with path.open("rb") as handle:
            table = tomllib.load(handle)
    except FileNotFoundError:
        if named is None:
            return None, {}
        raise ConfigError(
            f"{path}: no such config file; check the path, or write one (see the README's "
            "Daily briefs)"
        ) from None
    except IsADirectoryError:
        raise ConfigError(f"{path}: is a folder; name the TOML config file") from None
    except OSError as err:
        raise ConfigError(
            f"{path}: cannot read it ({err.strerror}); check its permissions"
        ) from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as err:
        raise ConfigError(f"{path}: not valid TOML ({err}); fix the syntax") from None
    unknown = sorted(set(table) - set(KNOWN))
    if unknown:
        raise ConfigError(
            f"{path}: unknown key {unknown[0]!r}; the known keys are {', '.join(KNOWN)}"
        )
    return path, table


def _parsed(key: Key, value: object, *, as_text: bool, where: str) -> object:
    try:
        return key.parse(value, as_text)
    except UnusableValueError as err:
        shown = value if as_text else _toml(value)
        option = where.startswith("--")
        joiner = " " if option else " = " if not as_text else "="
        error = OptionError if option else ConfigError
        raise error(f"{where}{joiner}{shown!s}: {err}") from None


def _toml(value: object) -> str:
    if isinstance(value, str):
        return f'"{value}"'
    if isinstance(value, bool):
        return str(value).lower()
    return str(value)


def _in_folder(key: Key, value: object, folder: Path) -> object:
    """A path from the config file, relative to the file's folder (URLs stay as given)."""
    from briefing.ingest.urls import is_url  # noqa: PLC0415 - see _fetch

    if not key.path or value is None:
        return value
    if isinstance(value, tuple):
        return tuple(v if is_url(v) or Path(v).is_absolute() else str(folder / v) for v in value)
    assert isinstance(value, Path)  # noqa: S101 - the other path keys are single paths
    return value if value.is_absolute() else folder / value
