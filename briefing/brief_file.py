"""Reading a brief's JSON file, with errors that say how to fix it.

`render` needs every citation to resolve; `verify` lets unknown ones through so that it
can report them claim by claim instead of refusing the whole file. Either way a file
that is not a brief gets one line naming what is wrong: not a regular file (a FIFO is
never opened for reading), not UTF-8, not JSON, a key given twice in one object, NaN or
Infinity, a number too long to be one, text that is not valid Unicode, or a field the
schema refuses (see `briefing.models`), or fields that contradict each other (see
`briefing.consistency`). `-` reads the brief from standard input. A brief written before
briefs had stories is read as a brief of one story (`migrated`).
"""

from __future__ import annotations

import json
import os
import re
import stat
import sys
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from briefing.consistency import ContradictionError, consistent
from briefing.errors import InputError, validation_problems
from briefing.models import Brief, Source
from briefing.stories.grouping import one_story

if TYPE_CHECKING:
    from pathlib import Path

STDIN = "-"
# Longer than any count the schema allows, far shorter than Python's limit on turning
# digits into an int (4,300): the file is tampered with, and the message should say so.
_MAX_DIGITS = 400
_SURROGATE = re.compile(r"[\ud800-\udfff]")
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")


class _NotABriefError(ValueError):
    """What makes a JSON text unusable as a brief, worded for the user."""


def load_brief(path: Path, *, allow_unknown_citations: bool = False) -> Brief:
    name = "standard input" if str(path) == STDIN else str(path)
    raw = sys.stdin.buffer.read() if str(path) == STDIN else _read_regular(path)
    try:
        data = _parse(raw)
    except _NotABriefError as err:
        raise InputError(
            f"{name}: not a JSON brief ({err}); pass the file written by "
            "`briefing generate -o brief.json`"
        ) from err
    try:
        return brief_from_data(data, lenient=allow_unknown_citations)
    except ValidationError as err:
        problems = "; ".join(validation_problems(err, whole="")[:3])
        raise _not_valid(name, problems) from err
    except ContradictionError as err:
        raise _not_valid(name, str(err)) from err


def _not_valid(name: str, problems: str) -> InputError:
    return InputError(
        f"{name}: not a valid brief ({problems}); regenerate it with `briefing generate` "
        "or fix those fields"
    )


def brief_from_data(data: Any, *, lenient: bool = False) -> Brief:  # noqa: ANN401 - JSON
    """A brief's parsed JSON as a Brief: an older brief migrated, its fields validated and
    checked against each other. `lenient` (the verifier's hand-edited briefs) lets unknown
    citations and an outdated review through, for `verify` to report claim by claim.
    Raises ValidationError or ContradictionError."""
    return consistent(Brief.model_validate(migrated(data)), lenient=lenient)


def migrated(data: Any) -> Any:  # noqa: ANN401 - whatever JSON holds
    """A brief written before briefs had stories (its sections at the top level) as a
    brief of one story holding them, so older JSON still renders; any other as it is."""
    if not isinstance(data, dict) or "stories" in data:
        return data
    names = [s.name for s in Brief.sections if s.name in data]
    sources = data.get("sources")
    if not names or not isinstance(sources, list) or not sources:
        return data
    try:
        models = [Source.model_validate(s) for s in sources]
    except ValidationError:
        return data  # the brief's own validation says what is wrong with them
    group = one_story(models)
    story = {
        "id": group.id,
        "headline": data.get("title", ""),
        "source_ids": list(group.source_ids),
        "outlets": group.outlets,
        **{name: data[name] for name in names},
    }
    rest = {key: value for key, value in data.items() if key not in names}
    review = rest.get("review")
    if isinstance(review, dict) and isinstance(review.get("claims"), list):
        rest["review"] = {**review, "claims": [_story_ref(c) for c in review["claims"]]}
    return {**rest, "stories": [story]}


def _story_ref(check: Any) -> Any:  # noqa: ANN401 - a review check as JSON holds it
    """An older review's ref ('key_figures[0][2]') as it reads in a brief of one story."""
    if isinstance(check, dict) and "[" in str(check.get("ref", "")):
        return {**check, "ref": f"stories[0].{check['ref']}"}
    return check


def _read_regular(path: Path) -> bytes:
    """The file's bytes; a FIFO, device or folder is refused before anything is read
    (opened non-blocking, so a FIFO with no writer cannot hang the run)."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except OSError as err:
        raise InputError(f"{path}: cannot read it ({err.strerror}); check the path") from err
    with os.fdopen(fd, "rb") as handle:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            kind = "a folder" if stat.S_ISDIR(mode) else "not a regular file"
            raise InputError(
                f"{path}: {kind}; pass a brief.json file, or - to read the brief from "
                "standard input"
            )
        os.set_blocking(fd, True)
        try:
            return handle.read()
        except OSError as err:
            raise InputError(f"{path}: cannot read it ({err.strerror}); check the path") from err


def _parse(raw: bytes) -> Any:  # noqa: ANN401 - whatever JSON holds
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise _NotABriefError(f"not UTF-8 text: {err.reason} at byte {err.start}") from err
    try:
        data = json.loads(
            text,
            object_pairs_hook=_object,
            parse_constant=_constant,
            parse_int=_integer,
        )
    except _NotABriefError:
        raise
    except RecursionError as err:
        raise _NotABriefError("nested too deeply") from err
    except ValueError as err:  # json.JSONDecodeError among them
        raise _NotABriefError(str(err)) from err
    if _SURROGATE_ESCAPE.search(text):  # only escapes can make one: UTF-8 text cannot
        _check_unicode(data)
    return data


def _object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for key, value in pairs:
        if key in data:
            raise _NotABriefError(f"the key {key!r} appears twice in one object; keep one")
        data[key] = value
    return data


def _constant(name: str) -> float:
    raise _NotABriefError(f"{name} is not a JSON number; write a finite number")


def _integer(digits: str) -> int:
    if len(digits.lstrip("-")) > _MAX_DIGITS:
        raise _NotABriefError(f"a number with {len(digits)} digits; no field holds one that long")
    return int(digits)


def _check_unicode(data: Any) -> None:  # noqa: ANN401 - whatever JSON holds
    """Lone surrogates (`"\\ud800"`) are valid JSON escapes but not text: they could not
    be written out again."""
    stack: list[tuple[str, Any]] = [("", data)]
    while stack:
        where, value = stack.pop()
        if isinstance(value, dict):
            stack += [(f"{where}.{k}" if where else k, v) for k, v in value.items()]
            strings = list(value)
        elif isinstance(value, list):
            stack += [(f"{where}[{i}]", v) for i, v in enumerate(value)]
            continue
        else:
            strings = [value] if isinstance(value, str) else []
        for text in strings:
            if _SURROGATE.search(text):
                raise _NotABriefError(f"{where or 'a key'}: a lone UTF-16 surrogate is not text")
