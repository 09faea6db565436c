"""What the model must answer: strict structured-output models for the map and reduce steps.

Every field is required and every object forbids extra keys, so the SDK can send these as
strict JSON schemas. Citations are checked against the real passages through pydantic's
validation context (`model_validate_json(..., context=CitationContext(...))`), by the
verifier's own check (`briefing.verify.checks.check_text`), against the passages the
verifier will check the drafted item against:

- without a context (the SDK, a plain parse) nothing is checked;
- with `repair=False` any unknown passage id, or quoted words or numbers missing from the
  cited passages, is a validation error whose message is the re-ask text;
- with `repair=True` bad ids are removed, items left without support are marked dropped,
  and every removal is recorded in `context.dropped` for the run report.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Annotated, Any, ClassVar, Literal, Self, TypeVar

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    StringConstraints,
    ValidationInfo,
    model_validator,
)

from briefing.models import JudgeLabel, list_of, with_sections
from briefing.sections import MAX_ITEMS, MAX_POINTS, SECTIONS, Section
from briefing.statements import claim_problem
from briefing.verify.checks import check_text

if TYPE_CHECKING:
    from collections.abc import Sequence

    from briefing.verify.findings import Finding, Rule


# Upper bound on citations per item (strict mode allows maxItems), like the sections' own
# limits in briefing.sections: a looping model cannot run into the token limit.
MAX_CITATIONS = 6
# A re-ask names every finding the verifier would raise on an item, each in its words:
# quoted words and numbers not in the cited passages (said as before), a figure's value, a
# name the passages do not mention, too few of the passages' words; a claim that is not one
# statement (statements.py). The draft applies the same rules again, with those that need
# the whole story (a quote's speaker, a disagreement, a hedged sentence stated as fact,
# "also reported by" a passage that does not report it: over_offline.py).
SAID: frozenset[Rule] = frozenset({"quote", "number"})


def source_of(passage_id: str) -> str:
    """The source of a passage: 'S2' for 'S2.14' (an id is its source's id, a dot, a number)."""
    return passage_id.rpartition(".")[0]


def split_by_source(ids: Sequence[str]) -> tuple[list[str], list[str]]:
    """A claim's citations as drafted: the passages of the first source it cites, which it
    rests on and the verifier checks it against, and the other sources' passages, which
    only corroborate it."""
    first = source_of(ids[0]) if ids else ""
    return [c for c in ids if source_of(c) == first], [c for c in ids if source_of(c) != first]


@dataclass
class CitationContext:
    """The passages a reply may cite, and what repair mode removed (`by_summary`: the
    same, by the source id of the summary it was removed from)."""

    passages: dict[str, str]
    source_ids: set[str]
    repair: bool = False
    dropped: list[str] = field(default_factory=list)
    by_summary: dict[str, list[str]] = field(default_factory=dict)
    claimed: int = field(default=0, init=False)

    def claim_dropped(self, source_id: str) -> None:
        """What was removed since the last claim was the summary's of `source_id`: its
        items are validated before it."""
        self.by_summary.setdefault(source_id, []).extend(self.dropped[self.claimed :])
        self.claimed = len(self.dropped)


class Out(BaseModel):
    model_config = ConfigDict(extra="forbid")


M = TypeVar("M", bound=Out)


PassageId = Annotated[str, StringConstraints(pattern=r"^S[0-9]+\.[0-9]+$")]


class Cited(Out):
    citations: list[PassageId] = Field(
        max_length=MAX_CITATIONS,
        description="Ids of the passages this rests on, exactly as given, e.g. 'S2.4'.",
    )
    text: str

    _dropped: bool = PrivateAttr(default=False)
    # The whole text is quoted words (QuoteOut), not a statement that may quote some.
    _is_quotation: ClassVar[bool] = False

    @property
    def dropped(self) -> bool:
        return self._dropped

    def checked_citations(self, good: list[str]) -> list[str]:
        """Of its known citations, those the verifier will check the drafted item against."""
        return good

    def text_problems(self, cited: Sequence[str]) -> list[str]:
        """What a re-ask should say about `text` against the cited passage texts: every
        finding of the verifier's text check, quoted words and numbers in the re-ask's own
        words, the others in the verifier's."""
        findings = check_text(
            self.text, cited, quote=self._is_quotation, value=self._value()
        ).findings
        said = [why for rule in ("quote", "number") if (why := self._say(rule, findings))]
        return said + [f.reason for f in findings if f.rule not in SAID]

    def _value(self) -> float | None:
        """The number a figure gives, checked as the verifier checks it; None for others."""
        return None

    def _say(self, rule: Rule, findings: Sequence[Finding]) -> str | None:
        subjects = [f.subject for f in findings if f.rule == rule]
        if not subjects:
            return None
        if rule == "number":
            return f"gives {', '.join(subjects)}, which the cited passages do not contain"
        if self._is_quotation:
            return "is not found word for word in the cited passages"
        shown = ", ".join(f"“{q}”" for q in subjects[:3])
        return f"quotes {shown}, which the cited passages do not contain word for word"

    def problems(self, ctx: CitationContext) -> tuple[list[str], set[str]]:
        label = f"{self.text[:60]!r}"
        if not self.citations:
            return [f"{label} cites no passage; cite the passage ids it rests on"], set()
        bad = {c for c in self.citations if c not in ctx.passages}
        found = [f"{label} cites {c}, which is not a passage id given" for c in sorted(bad)]
        good = [c for c in self.citations if c in ctx.passages]
        if good:
            checked = self.checked_citations(good)
            cited = ", ".join(checked)
            if len(checked) < len(good):
                others = ", ".join(c for c in good if c not in checked)
                cited += f"; {others} from other sources only corroborate it"
            found.extend(
                f"{label} {why} (cited: {cited})"
                for why in self.text_problems([ctx.passages[c] for c in checked])
            )
        elif not bad:
            found.append(f"{label} cites no passage")
        return found, bad

    @model_validator(mode="after")
    def _check_citations(self, info: ValidationInfo) -> Self:
        ctx = info.context
        if not isinstance(ctx, CitationContext):
            return self
        found, bad = self.problems(ctx)
        if not found:
            return self
        if not ctx.repair:
            raise ValueError("; ".join(found))
        ctx.dropped.extend(found)
        self.citations = [c for c in self.citations if c not in bad]
        if self.problems(ctx)[0]:
            self._dropped = True
        return self


class ClaimOut(Cited):
    """An item drafted as a Claim: it rests on its first cited source's passages; the
    other sources' passages become its corroboration (engines/llm/draft.py). It is one
    statement; else a re-ask says so, and repair mode drops it. (A passage listed as
    corroboration that does not report the same thing costs no re-ask: the draft leaves
    that passage out, see over_offline.py.)"""

    def checked_citations(self, good: list[str]) -> list[str]:
        return split_by_source(good)[0]

    def problems(self, ctx: CitationContext) -> tuple[list[str], set[str]]:
        found, bad = super().problems(ctx)
        label = f"{self.text[:60]!r}"
        statement = claim_problem(self.text)
        if statement is not None:
            found.append(f"{label} {statement}")
        return found, bad


class KeyPoint(ClaimOut):
    text: str = Field(description="One fact the passages state, in plain words.")
    attribution: str | None = Field(
        description="Who the source credits with it ('the agency said'), or null."
    )


class HedgedPoint(ClaimOut):
    text: str = Field(description="A report the source itself hedges, contests or denies.")
    status: Literal["unconfirmed", "disputed"] = Field(
        description="'unconfirmed' if hedged (may, reportedly); 'disputed' if someone denies it."
    )
    status_reason: str = Field(description="The source's words that hedge or contest it.")
    attribution: str | None = Field(description="Who makes the claim, or null.")


class FigureOut(Cited):
    text: str = Field(description="The figure worded as in the passage, e.g. 'about 4,000'.")
    value: float = Field(description="The number with scale words applied: 2.5 million = 2500000.")
    unit: str | None = Field(description="Currency, percent or measure, or null.")
    counts: str = Field(description="What the number counts, e.g. 'people evacuated'.")
    attribution: str | None = Field(description="Who the source credits with it, or null.")

    def _value(self) -> float | None:
        return self.value if math.isfinite(self.value) else None

    def problems(self, ctx: CitationContext) -> tuple[list[str], set[str]]:
        found, bad = super().problems(ctx)
        if not math.isfinite(self.value):  # 1e400 in JSON: a brief cannot hold it
            found.append(f"{self.text[:60]!r} has value {self.value}; give the number itself")
        return found, bad


class QuoteOut(Cited):
    text: str = Field(description="The quoted words, copied verbatim from the passage.")
    speaker: str | None = Field(description="Who said it, or null if the source does not say.")

    _is_quotation: ClassVar[bool] = True


class SourceSummary(Out):
    source_id: str = Field(description="The source id, e.g. 'S2'.")
    key_points: list[KeyPoint] = Field(
        max_length=MAX_POINTS, description="The source's main facts, most central first."
    )
    figures: list[FigureOut] = Field(
        max_length=MAX_POINTS, description="Every number the source reports."
    )
    quotes: list[QuoteOut] = Field(max_length=MAX_ITEMS, description="Notable direct quotes.")
    hedged: list[HedgedPoint] = Field(
        max_length=MAX_ITEMS, description="Claims the source hedges or contests."
    )

    @model_validator(mode="after")
    def _known_source(self, info: ValidationInfo) -> Self:
        ctx = info.context
        if isinstance(ctx, CitationContext) and ctx.repair:
            ctx.claim_dropped(self.source_id)
        if (
            isinstance(ctx, CitationContext)
            and not ctx.repair
            and self.source_id not in ctx.source_ids
        ):
            known = ", ".join(sorted(ctx.source_ids))
            raise ValueError(f"source_id {self.source_id!r} is not one of {known}")
        return self


class MapResult(Out):
    summaries: list[SourceSummary] = Field(description="One summary per source given.")


class FigureGroup(Out):
    subject: str = Field(description="What the figures measure, e.g. 'people evacuated'.")
    figures: list[FigureOut] = Field(
        max_length=MAX_POINTS,
        description="One entry per distinct value; disagreeing sources side by side.",
    )


class ReduceBase(Out):
    """The merged brief the model writes; `reduce_model` adds one field per section."""

    sections: ClassVar[tuple[Section, ...]] = ()

    title: str = Field(description="A short factual headline for this story.")

    def items(self, section: Section) -> list[Out]:
        return list(getattr(self, section.name))


def asked_item(section: Section) -> type[Out]:
    """What the model writes for one entry of a section."""
    if section.kind == "figures":
        return FigureGroup
    if section.kind == "quotes":
        return QuoteOut
    return HedgedPoint if section.hedged else KeyPoint


def reduce_model(sections: Sequence[Section], name: str = "ReduceResult") -> type[ReduceBase]:
    """The reduce step's strict schema: one list per section, in the order given."""

    def field(section: Section) -> tuple[Any, Any]:
        asked = Field(max_length=section.max_items, description=section.ask)
        return list_of(asked_item(section)), asked

    return with_sections(ReduceBase, sections, field, name)


if TYPE_CHECKING:
    ReduceResult = ReduceBase
else:
    ReduceResult = reduce_model(SECTIONS)


def without_dropped(model: M) -> M:
    """A copy with every item that repair mode marked dropped left out, at any depth."""
    updates: dict[str, object] = {}
    for name in type(model).model_fields:
        value = getattr(model, name)
        if isinstance(value, list):
            updates[name] = [
                without_dropped(item) if isinstance(item, Out) else item
                for item in value
                if not (isinstance(item, Cited) and item.dropped)
            ]
    return model.model_copy(update=updates)


# --- the judge's second opinion (briefing.llm.judge) ----------------------------------


class ClaimVerdict(Out):
    key: str = Field(description="The claim's key, exactly as given, e.g. '3f9a0c1b2d4e5f60'.")
    verdict: JudgeLabel = Field(
        description="'entailed' if the cited passages state the whole claim; 'partly' if they "
        "state only some of it; 'not_entailed' if they do not state it or contradict it."
    )
    reason: str = Field(description="One short sentence: what the passages do or do not say.")


class JudgeResult(Out):
    verdicts: list[ClaimVerdict] = Field(description="One verdict per claim given.")
