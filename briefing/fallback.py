"""When the model cannot be used: the offline engine's brief instead of none.

A scheduled run must publish. When the language-model engine gives up after its retry
budget (the server cannot be reached, answers 5xx, resets or times out on every request,
or no source could be summarized), the pipeline drafts the day with the extractive
engine, which needs no model, and the brief says so: `engine.fallback` holds the reason,
the engine note and a banner in the markdown and HTML say it, the CLI warns and exits
with EXIT_CODE unless the fallback is allowed (`--allow-fallback`; `briefing daily`
allows it by default).

Nothing of a fallback is kept as a model answer: the reply cache holds whole answers only
and the offline engine caches nothing, so the next run that reaches the model writes the
model's brief. A rejected API key or a missing one is a setting to fix, not an outage:
it stays an error.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from briefing.engines import Draft
    from briefing.models import EngineInfo

# The exit code of a run whose brief the offline engine wrote because the model failed.
EXIT_CODE = 5
ALLOW = "--allow-fallback"


def fallen_back(drafts: list[Draft], reason: str) -> list[Draft]:
    """The offline engine's drafts, marked as written instead of the model's."""
    return [dataclasses.replace(draft, engine=_marked(draft.engine, reason)) for draft in drafts]


def _marked(engine: EngineInfo, reason: str) -> EngineInfo:
    note = (
        "The language model could not be used, so the offline extractive engine wrote this "
        "brief; the next run that reaches the model replaces it. " + engine.note
    )
    return engine.model_copy(update={"note": note, "fallback": reason})


def warning(reason: str) -> str:
    """The line the CLI prints, on standard error, about a fallback brief."""
    return f"the model failed ({reason}); the offline engine's brief was written instead"


def refusal(reason: str) -> str:
    """The error of a fallback that was not allowed (the brief is written all the same)."""
    return f"{warning(reason)}; exit {EXIT_CODE}: pass {ALLOW} to exit 0 on a fallback"
