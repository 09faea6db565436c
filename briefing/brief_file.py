"""Reading a brief's JSON file, with errors that say how to fix it.

`render` needs every citation to resolve; `verify` lets unknown ones through so that it
can report them claim by claim instead of refusing the whole file."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from pydantic import ValidationError

from briefing.errors import InputError, describe_validation_error
from briefing.models import Brief

if TYPE_CHECKING:
    from pathlib import Path


def load_brief(path: Path, *, allow_unknown_citations: bool = False) -> Brief:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as err:
        raise InputError(f"{path}: cannot read it ({err.strerror}); check the path") from err
    except (json.JSONDecodeError, UnicodeDecodeError) as err:
        raise InputError(
            f"{path}: not a JSON brief ({err}); pass the file written by "
            "`briefing generate -o brief.json`"
        ) from err
    try:
        context = {"unknown_citations": "allow"} if allow_unknown_citations else None
        return Brief.model_validate(data, context=context)
    except ValidationError as err:
        problems = describe_validation_error(err)
        raise InputError(
            f"{path}: not a valid brief ({problems}); regenerate it with `briefing generate` "
            "or fix those fields"
        ) from err
