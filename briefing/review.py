"""Reviewer decisions: the JSON sidecar the HTML brief exports, applied by `generate --review`.

A decision names a claim by its key (a hash of its text and citations, see
`briefing.verify.claim_key`), so it applies to the same claim in the next run and to
nothing else. Rejected claims are left out of the brief; accepted ones are marked reviewed.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Final, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from briefing.errors import InputError, describe_validation_error
from briefing.models import Claim, Quote
from briefing.verify import claim_key, verify_brief

if TYPE_CHECKING:
    from pathlib import Path

    from briefing.models import Brief, KeyFigure

FORMAT: Final = "briefing-review-decisions"
_Item = TypeVar("_Item", Claim, Quote)


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
    """The brief without its rejected claims, and the texts of the claims left out."""
    rejected = decisions.keys("rejected")
    dropped: list[str] = []

    def keep(items: list[_Item]) -> list[_Item]:
        dropped.extend(i.text for i in items if claim_key(i) in rejected)
        return [i for i in items if claim_key(i) not in rejected]

    def keep_figures(groups: list[KeyFigure]) -> list[KeyFigure]:
        kept: list[KeyFigure] = []
        for group in groups:
            dropped.extend(f.text for f in group.figures if claim_key(f) in rejected)
            figures = [f for f in group.figures if claim_key(f) not in rejected]
            if figures:
                kept.append(group.model_copy(update={"figures": figures}))
        return kept

    # In brief order, so that `dropped` lists the claims as a reader met them.
    bottom_line = keep(brief.bottom_line)
    key_developments = keep(brief.key_developments)
    key_figures = keep_figures(brief.key_figures)
    unconfirmed = keep(brief.unconfirmed)
    quotes = keep(brief.quotes)
    what_to_watch = keep(brief.what_to_watch)
    kept = brief.model_copy(
        update={
            "bottom_line": bottom_line,
            "key_developments": key_developments,
            "key_figures": key_figures,
            "unconfirmed": unconfirmed,
            "quotes": quotes,
            "what_to_watch": what_to_watch,
        }
    )
    return kept, dropped


def reviewed_brief(
    brief: Brief, decisions: Decisions | None = None, decisions_file: str | None = None
) -> Brief:
    """Apply reviewer decisions (if any), verify every claim, and attach the review."""
    dropped: list[str] = []
    unmatched: list[str] = []
    if decisions is not None:
        present = {claim_key(obj) for obj in brief.cited_objects()}
        unmatched = [d.key for d in decisions.decisions if d.key not in present]
        brief, dropped = apply_decisions(brief, decisions)
    review = verify_brief(brief)
    if decisions is not None:
        accepted = decisions.keys("accepted")
        review = review.model_copy(
            update={
                "claims": [
                    c.model_copy(update={"reviewed": c.key in accepted}) for c in review.claims
                ],
                "decisions_file": decisions_file,
                "rejected": dropped,
                "unmatched_decisions": unmatched,
            }
        )
    return brief.model_copy(update={"review": review})
