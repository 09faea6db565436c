"""Load a brief for checking: citations to unknown passages are let through, to be reported."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from pydantic import ValidationError

from briefing.errors import InputError
from briefing.models import Brief

if TYPE_CHECKING:
    from pathlib import Path


def load_brief(path: Path) -> Brief:
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
        return Brief.model_validate(data, context={"unknown_citations": "allow"})
    except ValidationError as err:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc']) or 'top level'}: {e['msg']}"
            for e in err.errors()[:3]
        )
        raise InputError(
            f"{path}: not a valid brief ({problems}); regenerate it with `briefing generate` "
            "or fix those fields"
        ) from err
