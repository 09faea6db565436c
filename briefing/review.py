"""Reviewer decisions: the JSON sidecar the HTML brief exports, applied by `generate --review`.

A decision names a claim by its key (a hash of its text and citations, see
`briefing.verify.claim_key`), so it applies to the same claim in the next run and to
nothing else. Rejected claims are left out of the brief; accepted ones are marked reviewed.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Final, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from briefing.errors import InputError, describe_validation_error
from briefing.models import KeyFigure
from briefing.verify import claim_key

if TYPE_CHECKING:
    from collections.abc import Sequence
    from pathlib import Path

    from briefing.models import Brief, Item, Review

FORMAT: Final = "briefing-review-decisions"


class Decision(BaseModel):
    model_config = ConfigDict(extra="forbid")

    key: str = Field(description="The claim's key, as in the brief's review.")
    decision: Literal["accepted", "rejected"]
    ref: str | None = Field(default=None, description="Where the claim sat, for people.")
    text: str | None = Field(default=None, description="The claim's text, for people.")


class Decisions(BaseModel):
    model_config = ConfigDict(extra="forbid")

    format: Literal["briefing-review-decisions"] = FORMAT
    version: Literal[1] = 1
    brief: str | None = Field(default=None, description="Title of the reviewed brief.")
    decisions: list[Decision]

    def keys(self, decision: Literal["accepted", "rejected"]) -> set[str]:
        return {d.key for d in self.decisions if d.decision == decision}


def load_decisions(path: Path) -> Decisions:
    try:
        return Decisions.model_validate(json.loads(path.read_text(encoding="utf-8")))
    except OSError as err:
        raise InputError(
            f"{path}: cannot read it ({err.strerror}); check the --review path"
        ) from err
    except (json.JSONDecodeError, UnicodeDecodeError) as err:
        raise InputError(
            f"{path}: not JSON ({err}); pass the decisions file exported from the HTML brief"
        ) from err
    except ValidationError as err:
        problem = describe_validation_error(err, 1)
        raise InputError(
            f"{path}: not a decisions file ({problem}); export it again from "
            "the HTML brief's Export decisions button"
        ) from err


def apply_decisions(brief: Brief, decisions: Decisions) -> tuple[Brief, list[str]]:
    """The brief without its rejected claims, and the texts of the claims left out (in
    reading order); a figure group loses only its rejected figures."""
    rejected = decisions.keys("rejected")
    dropped: list[str] = []

    def keep(item: Item) -> Item | None:
        if isinstance(item, KeyFigure):
            dropped.extend(f.text for f in item.figures if claim_key(f) in rejected)
            figures = [f for f in item.figures if claim_key(f) not in rejected]
            return item.model_copy(update={"figures": figures}) if figures else None
        if claim_key(item) in rejected:
            dropped.append(item.text)
            return None
        return item

    def kept(items: Sequence[Item]) -> list[Item]:
        return [k for item in items if (k := keep(item)) is not None]

    stories = [
        story.model_copy(update={s.name: kept(story.items(s)) for s in brief.sections})
        for story in brief.stories
    ]
    return brief.model_copy(update={"stories": stories}), dropped


def with_decisions(
    review: Review,
    accepted: set[str],
    *,
    decisions_file: str | None,
    rejected: list[str],
    unmatched: list[str] | None = None,
) -> Review:
    """The review with accepted claims marked reviewed and the decisions recorded."""
    return review.model_copy(
        update={
            "claims": [c.model_copy(update={"reviewed": c.key in accepted}) for c in review.claims],
            "decisions_file": decisions_file,
            "rejected": rejected,
            "unmatched_decisions": unmatched or [],
        }
    )
