"""The schema: the contract between ingest, engines, the verifier and the templates.

Every claim-like object has `text` and `citations` (passage ids). A Brief embeds its
sources and their passages, so one JSON file can be checked and re-rendered on its own.

A brief is also a file people can edit, so the schema refuses what would make one
inconsistent: numbers that are not finite or not exact in JSON readers, repeated ids, a
passage id that is not its source's, a figure whose sources are not its citations', run
counts or a review that do not match what the brief holds (see `BriefBase._consistent`).
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Any, ClassVar, Literal, TypeVar

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    SerializerFunctionWrapHandler,
    ValidationInfo,
    create_model,
    model_serializer,
    model_validator,
)

from briefing.sections import SECTIONS, Kind, Section
from briefing.sites import source_label

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence


# The largest integer every JSON reader keeps exact (JavaScript's Number.MAX_SAFE_INTEGER):
# a count or paragraph number above it is a tampered file, and its digits could exceed
# Python's limit on converting integers to text.
MAX_COUNT = 2**53 - 1
Count = Annotated[int, Field(ge=0, le=MAX_COUNT)]


class Strict(BaseModel):
    # No NaN or infinity anywhere: JSON has no way to write them (pydantic would write
    # null, which the schema then refuses), so a brief holding one could not be read back.
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)


class Passage(Strict):
    id: str = Field(description="Stable sentence id: the source id, a dot, the sentence number.")
    text: str = Field(description="One sentence of the source, exactly as it stands there.")
    paragraph: int = Field(
        ge=1, le=MAX_COUNT, description="The paragraph (1-based) the sentence belongs to."
    )


class Source(Strict):
    id: str = Field(description="Stable source id such as 'S3', ordered by input path.")
    title: str = Field(description="Headline of the article.")
    outlet: str | None = Field(default=None, description="Publisher or site name, if known.")
    url: str | None = Field(default=None, description="Link to the original article, if known.")
    published: str | None = Field(
        default=None, description="Publication date or time in ISO 8601, if known."
    )
    origin: str = Field(description="Input file (and record or item) this source came from.")
    passages: list[Passage] = Field(description="The article's sentences, in reading order.")

    def label(self) -> str:
        """How a brief names the source in running text: its outlet, else its link's site,
        else its title, shortened (see briefing.sites); never its file name."""
        return source_label(self.outlet, self.url, self.title) or self.id


class Claim(Strict):
    id: str = Field(description="Claim id within the brief, such as 'C4'.")
    text: str = Field(description="The claim, in words taken from or grounded in the citations.")
    citations: list[str] = Field(
        min_length=1, description="Ids of the passages the claim rests on."
    )
    corroborated_by: list[str] = Field(
        default_factory=list,
        description="Passages from other sources that report the same thing.",
    )
    attribution: str | None = Field(
        default=None, description="Who the source attributes the claim to, if anyone."
    )
    status: Literal["reported", "unconfirmed", "disputed"] = Field(
        default="reported",
        description="'unconfirmed' or 'disputed' when the source itself hedges or contests it.",
    )
    status_reason: str | None = Field(
        default=None, description="The words in the source that make it unconfirmed or disputed."
    )


class Figure(Strict):
    text: str = Field(description="The figure as worded in the source: 'about 4,000 residents'.")
    citations: list[str] = Field(min_length=1, description="Passages that state the figure.")
    value: float = Field(description="The number with scale words applied: 10.5 million = 1.05e7.")
    unit: str | None = Field(default=None, description="Currency, percent or measure, if any.")
    counts: str = Field(description="What the number counts, e.g. 'residents evacuated'.")
    source_ids: list[str] = Field(description="Sources whose passages state the figure.")
    attribution: str | None = Field(default=None, description="Who the source credits with it.")
    status: Literal["reported", "unconfirmed", "disputed"] = Field(
        default="reported",
        description="'unconfirmed' or 'disputed' when every sentence stating it hedges or "
        "contests it.",
    )


class KeyFigure(Strict):
    subject: str = Field(description="What the figures measure.")
    figures: list[Figure] = Field(min_length=1, description="One entry per distinct value.")
    disagreement: bool = Field(description="True when sources give different values.")


class Quote(Strict):
    text: str = Field(description="The quoted words, verbatim from the source.")
    citations: list[str] = Field(min_length=1, description="Passages the quote stands in.")
    speaker: str | None = Field(default=None, description="Who said it, if the source says.")


class SkippedInput(Strict):
    path: str = Field(description="The input that was left out.")
    reason: str = Field(description="Why it was left out and how to fix it.")


class EngineInfo(Strict):
    name: Literal["extractive", "openai"] = Field(description="Which engine wrote the brief.")
    model: str | None = Field(default=None, description="Language model used, if any.")
    note: str = Field(description="One sentence a reader should know about how it was made.")


class RunStats(Strict):
    inputs: Annotated[Count, Field(description="Input files read.")]
    sources: Annotated[Count, Field(description="Articles used as sources.")]
    passages: Annotated[Count, Field(description="Sentences across all sources.")]
    skipped: Annotated[Count, Field(description="Inputs or records left out.")]
    seconds: float = Field(ge=0, description="Wall-clock time of the run.")
    calls: Annotated[Count, Field(description="Model API calls sent.")] = 0
    cached_calls: Annotated[Count, Field(description="Model calls answered from the cache.")] = 0
    prompt_tokens: Count = 0
    completion_tokens: Count = 0
    cached_tokens: Annotated[Count, Field(description="Prompt tokens the provider cached.")] = 0
    cost_usd: float | None = Field(default=None, ge=0, description="Estimated cost, if priced.")
    dropped_citations: list[str] = Field(
        default_factory=list, description="Citations removed because they did not check out."
    )


CheckStatus = Literal["supported", "partly supported", "unsupported"]
JudgeLabel = Literal["entailed", "partly", "not_entailed"]


class JudgeVerdict(Strict):
    """A language model's second opinion on one claim; it never changes the status."""

    verdict: JudgeLabel | None = Field(
        description="Whether the cited passages entail the claim; null when the judge gave none."
    )
    reason: str = Field(description="The judge's one-sentence reason, or why there is no verdict.")


class ClaimCheck(Strict):
    key: str = Field(description="Stable key of the claim: a hash of its text and citations.")
    ref: str = Field(description="Where the claim sits: 'C4', 'quotes[1]', 'key_figures[0][2]'.")
    section: str = Field(description="The brief section the claim belongs to.")
    text: str = Field(description="The claim as checked.")
    status: CheckStatus = Field(description="The deterministic verifier's verdict.")
    reasons: list[str] = Field(
        default_factory=list, description="What did not check out, one sentence each."
    )
    support: float = Field(ge=0, le=1, description="Share of the claim's words in its citations.")
    reviewed: bool = Field(default=False, description="A reviewer accepted it on an earlier pass.")
    judge: JudgeVerdict | None = Field(
        default=None, description="The LLM judge's second opinion (--judge), if one was asked."
    )


class Review(Strict):
    claims: list[ClaimCheck] = Field(description="One check per claim-like object, brief order.")
    total: Count
    supported: Count
    partly_supported: Count
    unsupported: Count
    fraction_supported: float = Field(ge=0, le=1, description="supported / total (0 if none).")
    decisions_file: str | None = Field(
        default=None, description="Reviewer decisions applied before checking, if any."
    )
    rejected: list[str] = Field(
        default_factory=list, description="Claims a reviewer rejected and the run left out."
    )
    unmatched_decisions: list[str] = Field(
        default_factory=list,
        description="Keys of reviewer decisions that match no claim of this run (not applied).",
    )
    judged_by: str | None = Field(
        default=None,
        description="The model that gave the second opinions (--judge); they never change "
        "the statuses or counts above.",
    )


Item = Claim | KeyFigure | Quote  # what a section holds
Cited = Claim | Figure | Quote  # what carries citations and gets checked
ITEM_TYPES: dict[Kind, type[Item]] = {"claims": Claim, "figures": KeyFigure, "quotes": Quote}


def labelled(section: Section, items: Sequence[Item]) -> list[tuple[str, Cited]]:
    """(ref, object) for every claim-like object of a section, in reading order: a claim
    by its id, a figure as 'key_figures[0][2]', a quote as 'quotes[1]'."""
    out: list[tuple[str, Cited]] = []
    for i, item in enumerate(items):
        if isinstance(item, KeyFigure):
            out += [(f"{section.name}[{i}][{j}]", f) for j, f in enumerate(item.figures)]
        elif isinstance(item, Quote):
            out.append((f"{section.name}[{i}]", item))
        else:
            out.append((item.id, item))
    return out


class BriefBase(Strict):
    """A brief without its sections; `brief_model` adds one list field per section."""

    sections: ClassVar[tuple[Section, ...]] = ()

    title: str = Field(description="Headline of the brief.")
    generated_at: datetime = Field(description="When the brief was generated (UTC).")
    engine: EngineInfo
    sources: list[Source] = Field(description="Every source, with all its passages.")
    skipped_inputs: list[SkippedInput] = Field(default_factory=list)
    stats: RunStats
    review: Review | None = Field(
        default=None, description="The verifier's per-claim checks, when the brief was verified."
    )

    def items(self, section: Section) -> list[Item]:
        return list(getattr(self, section.name))

    def labelled_objects(self) -> list[tuple[Section, str, Cited]]:
        """(section, ref, object) for every claim-like object, in reading order."""
        return [
            (section, ref, obj)
            for section in self.sections
            for ref, obj in labelled(section, self.items(section))
        ]

    def cited_objects(self) -> list[Cited]:
        return [obj for _, _, obj in self.labelled_objects()]

    def passage_index(self) -> dict[str, tuple[Source, Passage]]:
        return {p.id: (s, p) for s in self.sources for p in s.passages}

    @model_serializer(mode="wrap")
    def _reading_order(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        # The sections come right after the engine, before the (long) sources.
        data: dict[str, Any] = handler(self)
        head = ("title", "generated_at", "engine", *(s.name for s in self.sections))
        return {key: data[key] for key in head if key in data} | {
            key: value for key, value in data.items() if key not in head
        }

    @model_validator(mode="after")
    def _consistent(self, info: ValidationInfo) -> BriefBase:
        # The verifier loads hand-edited briefs with context={"unknown_citations": "allow"}
        # so that it can report bad ids claim by claim instead of refusing the file; it
        # recomputes the review, so an outdated one is no contradiction there either.
        lenient = (
            isinstance(info.context, dict) and info.context.get("unknown_citations") == "allow"
        )
        from briefing.consistency import contradictions  # noqa: PLC0415 - it imports this module

        problems = contradictions(self, lenient=lenient)
        if problems:
            more = f" (and {len(problems) - 3} more)" if len(problems) > 3 else ""
            raise ValueError("; ".join(problems[:3]) + more)
        return self


def list_of(item: type[Any]) -> Any:  # noqa: ANN401 - a type made at run time
    """`list[item]` for an item type chosen at run time (a section's schema)."""
    return list[item]  # type: ignore[valid-type]


Sectioned = TypeVar("Sectioned", bound=BaseModel)


def with_sections(
    base: type[Sectioned],
    sections: Sequence[Section],
    field: Callable[[Section], tuple[Any, Any]],
    name: str,
) -> type[Sectioned]:
    """`base` plus one field per section, in the order given: the one way a schema gets
    its sections (the brief's, the model's reduce reply)."""
    fields: dict[str, Any] = {s.name: field(s) for s in sections}
    model = create_model(name, __base__=base, __module__=base.__module__, **fields)
    model.sections = tuple(sections)  # type: ignore[attr-defined]
    return model


def brief_model(sections: Sequence[Section], name: str = "Brief") -> type[BriefBase]:
    """The brief schema with one list field per section, in the order given."""

    def field(section: Section) -> tuple[Any, Any]:
        kind = ITEM_TYPES[section.kind]
        return list_of(kind), Field(default_factory=list, description=section.description)

    return with_sections(BriefBase, sections, field, name)


if TYPE_CHECKING:
    Brief = BriefBase
else:
    Brief = brief_model(SECTIONS)
