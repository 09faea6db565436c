"""The schema: the contract between ingest, engines, the verifier and the templates.

Every claim-like object has `text` and `citations` (passage ids). A Brief embeds its
sources and their passages, so one JSON file can be checked and re-rendered on its own.

A brief is also a file people can edit, so the schema refuses values no brief can hold
(numbers that are not finite or not exact in JSON readers). What must hold together across
fields (ids given once, citations that resolve, counts and a review that match) is checked
where a brief is read or assembled (`briefing.consistency`, called by `briefing.brief_file`),
and so is an older brief's migration: the schema is the ground floor and imports nothing
above it.
"""

from __future__ import annotations

import functools
from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Any, ClassVar, Literal, NamedTuple, Self, TypeVar

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    SerializerFunctionWrapHandler,
    create_model,
    model_serializer,
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
    routine: bool = Field(
        default=False,
        description="Expected on every run of a daily job (items outside the window, a "
        "duplicate), so `-q` does not print it. Left out of the JSON when false.",
    )

    @model_serializer(mode="wrap")
    def _without_unset_routine(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        return _without_defaults(handler(self), type(self), ("routine",))


class EngineInfo(Strict):
    name: Literal["extractive", "openai"] = Field(description="Which engine wrote the brief.")
    model: str | None = Field(default=None, description="Language model used, if any.")
    note: str = Field(description="One sentence a reader should know about how it was made.")
    fallback: str | None = Field(
        default=None,
        description="Why the offline engine wrote this brief instead of the language model "
        "asked for (the model could not be reached or kept failing); absent otherwise.",
    )

    @model_serializer(mode="wrap")
    def _without_unset_fallback(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        return _without_defaults(handler(self), type(self), ("fallback",))


class RunStats(Strict):
    """What the brief is made of. What a run spent (time, model calls, tokens, cost) is
    not here: it differs between a first run and a rerun answered from the cache, and the
    same inputs must give the same bytes. It is the brief's `run` (RunReport) instead, shown
    on stderr and kept in the daily state folder. Briefs written before hold those fields
    below, and still load and render them."""

    inputs: Annotated[Count, Field(description="Input files read.")]
    sources: Annotated[Count, Field(description="Articles used as sources.")]
    passages: Annotated[Count, Field(description="Sentences across all sources.")]
    skipped: Annotated[Count, Field(description="Inputs or records left out.")]
    dropped_citations: list[str] = Field(
        default_factory=list, description="Citations removed because they did not check out."
    )
    # Older briefs only (see above); left out of the JSON when absent.
    seconds: float | None = Field(default=None, ge=0, description="Wall-clock time of the run.")
    calls: Annotated[Count | None, Field(description="Model API calls sent.")] = None
    cached_calls: Annotated[
        Count | None, Field(description="Model calls answered from the cache.")
    ] = None
    prompt_tokens: Count | None = None
    completion_tokens: Count | None = None
    cached_tokens: Annotated[
        Count | None, Field(description="Prompt tokens the provider cached.")
    ] = None
    cost_usd: float | None = Field(default=None, ge=0, description="Estimated cost, if priced.")

    @model_serializer(mode="wrap")
    def _without_run_fields(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        data: dict[str, Any] = handler(self)
        return {k: v for k, v in data.items() if v is not None or k not in RUN_FIELDS}


class RunReport(Strict):
    """What one run spent: never part of a brief's JSON (see RunStats)."""

    seconds: float = Field(ge=0, description="Wall-clock time of the run.")
    calls: Annotated[Count, Field(description="Model API calls sent.")] = 0
    cached_calls: Annotated[Count, Field(description="Model calls answered from the cache.")] = 0
    prompt_tokens: Count = 0
    completion_tokens: Count = 0
    cached_tokens: Annotated[Count, Field(description="Prompt tokens the provider cached.")] = 0
    cost_usd: float | None = Field(default=None, ge=0, description="Estimated cost, if priced.")
    kept: bool = Field(
        default=False,
        description="The brief was kept from an earlier run of the same inputs, options and code.",
    )

    def line(self) -> str:
        """The report as one line for stderr."""
        text = f"{self.seconds:.2f} s in all"
        if self.kept:
            text += "; the brief an earlier run wrote from the same inputs, options and code"
        if self.calls or self.cached_calls:
            text += (
                f"; {self.calls} model calls ({self.cached_calls} from cache), "
                f"{self.prompt_tokens} prompt and {self.completion_tokens} completion tokens"
            )
            if self.cost_usd is not None:
                text += f", about ${self.cost_usd:.4f}"
        return text


RUN_FIELDS = tuple(RunReport.model_fields)


# supported: every check passed. partly supported: only some of its wording is not in the
# cited passages. unsupported: a number, date, name, quote, speaker or meaning is not borne
# out. contradicted: a cited passage says the opposite (a negation, an opposite word, roles
# swapped, an ellipsis that cuts out a "not").
CheckStatus = Literal["supported", "partly supported", "unsupported", "contradicted"]
JudgeLabel = Literal["entailed", "partly", "not_entailed"]


class JudgeVerdict(Strict):
    """A language model's second opinion on one claim; it never changes the status."""

    verdict: JudgeLabel | None = Field(
        description="Whether the cited passages entail the claim; null when the judge gave none."
    )
    reason: str = Field(description="The judge's one-sentence reason, or why there is no verdict.")


class ClaimCheck(Strict):
    key: str = Field(description="Stable key of the claim: a hash of its text and citations.")
    ref: str = Field(
        description="Where the claim sits: 'C4', 'stories[0].quotes[1]', "
        "'stories[1].key_figures[0][2]'."
    )
    section: str = Field(description="The brief section the claim belongs to.")
    story: str | None = Field(default=None, description="Id of the story the claim belongs to.")
    text: str = Field(description="The claim as checked.")
    status: CheckStatus = Field(description="The deterministic verifier's verdict.")
    reasons: list[str] = Field(
        default_factory=list, description="What did not check out, one sentence each."
    )
    rules: list[str] = Field(
        default_factory=list,
        description="The check behind each reason, in the same order: 'citation', 'quote', "
        "'number', 'value', 'name', 'support', ... (empty in briefs verified by earlier versions).",
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
    contradicted: Count = Field(
        default=0, description="Claims a cited passage contradicts (0 in earlier briefs)."
    )
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


def labelled(section: Section, items: Sequence[Item], prefix: str = "") -> list[tuple[str, Cited]]:
    """(ref, object) for every claim-like object of a section, in reading order: a claim
    by its id, a figure as 'key_figures[0][2]', a quote as 'quotes[1]' (after `prefix`,
    e.g. 'stories[0].')."""
    out: list[tuple[str, Cited]] = []
    for i, item in enumerate(items):
        if isinstance(item, KeyFigure):
            out += [(f"{prefix}{section.name}[{i}][{j}]", f) for j, f in enumerate(item.figures)]
        elif isinstance(item, Quote):
            out.append((f"{prefix}{section.name}[{i}]", item))
        else:
            out.append((item.id, item))
    return out


StoryStatus = Literal["new", "updated", "continuing"]


class StoryDates(Strict):
    """When a story's articles were published: the days of the first and the last, and
    how many carry no date (a reader must not take an undated item for today's)."""

    first: str | None = Field(
        default=None, description="The earliest publication day (YYYY-MM-DD), if any is known."
    )
    last: str | None = Field(
        default=None, description="The latest publication day (YYYY-MM-DD), if any is known."
    )
    undated: Count = Field(default=0, description="The story's sources with no publication date.")


class CitedValue(Strict):
    """A figure's value as this brief states it, with the passages it cites here."""

    text: str = Field(description="The figure as worded in the source.")
    value: float
    citations: list[str] = Field(min_length=1, description="Passages of this brief.")


class EarlierFigure(Strict):
    """A figure as an earlier brief gave it. Its citations are passage ids of that brief
    (`brief`: the day of a dated brief, which is never rewritten, or the file `briefing
    diff` read), and the passages' words come along, so the change reads on its own."""

    brief: str = Field(description="The earlier brief: its day (YYYY-MM-DD) or file name.")
    text: str = Field(description="The figure as worded there.")
    value: float
    citations: list[str] = Field(min_length=1, description="Passage ids in that brief.")
    passages: list[str] = Field(description="The cited passages' text, as that brief holds it.")
    source: str = Field(description="The first cited passage's outlet or file name.")


class FigureChange(Strict):
    """One figure whose value changed since the earlier brief."""

    counts: str = Field(description="What the figure counts.")
    unit: str | None = None
    old: list[EarlierFigure] = Field(min_length=1, description="The values the earlier brief gave.")
    new: list[CitedValue] = Field(min_length=1, description="The values this brief gives.")


class DroppedStory(Strict):
    """A story of the earlier brief that no source reports any more."""

    id: str
    headline: str
    since: str | None = Field(default=None, description="The day it was first reported as new.")
    last_reported: str = Field(description="The earlier brief (its day) that last had it.")


STORY_CHANGE_FIELDS = ("status", "since", "new_sources", "changed_figures")
BRIEF_CHANGE_FIELDS = ("compared_with", "dropped_stories")


def _without_defaults(
    data: dict[str, Any], model: type[BaseModel], names: tuple[str, ...]
) -> dict[str, Any]:
    """`data` less the named fields that hold their default (None or an empty list)."""
    return {
        key: value
        for key, value in data.items()
        if key not in names or value != _default(model, key)
    }


@functools.cache
def _default(model: type[BaseModel], name: str) -> Any:  # noqa: ANN401 - any field's
    """A field's default, found once: pydantic inspects the factory's signature each time
    it is asked (a thousand stories took half a second to write as JSON). Only compared
    with, never handed out, so one shared empty list is safe."""
    return model.model_fields[name].get_default(call_default_factory=True)


class StoryBase(Strict):
    """One story of the day: its sources and its own sections (`story_model` adds one list
    field per section)."""

    sections: ClassVar[tuple[Section, ...]] = ()

    id: str = Field(
        description="Stable story id ('st-' and 8 hex digits): the same story keeps it across "
        "runs and days."
    )
    headline: str = Field(description="The story's headline.")
    source_ids: list[str] = Field(min_length=1, description="The story's sources.")
    outlets: Annotated[
        Count,
        Field(description="Independent outlets: syndicated copies of one wire text count once."),
    ]
    dates: StoryDates | None = Field(
        default=None,
        description="When its articles were published (null in briefs written before dates).",
    )
    # What changed since an earlier brief (`briefing daily`; see briefing/daily/diff.py).
    # Left out of the JSON when not set, so a brief made by `generate` is as before.
    status: StoryStatus | None = Field(
        default=None,
        description="'new', 'updated' (new articles or changed figures) or 'continuing' "
        "(nothing new), compared with the brief named by the brief's `compared_with`.",
    )
    since: str | None = Field(
        default=None, description="The day (YYYY-MM-DD) the story was first reported as new."
    )
    new_sources: list[str] = Field(
        default_factory=list, description="The story's sources no earlier brief had seen."
    )
    changed_figures: list[FigureChange] = Field(
        default_factory=list, description="Figures whose value changed: old -> new, both cited."
    )

    def items(self, section: Section) -> list[Item]:
        return list(getattr(self, section.name))

    @model_serializer(mode="wrap")
    def _without_unset_status(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        return _without_defaults(handler(self), type(self), STORY_CHANGE_FIELDS)


class Located(NamedTuple):
    """A claim-like object and where it sits in a brief."""

    story: StoryBase
    section: Section
    ref: str
    obj: Cited


class BriefBase(Strict):
    """A brief: the day's overview and its stories (`brief_model` sets the story type)."""

    sections: ClassVar[tuple[Section, ...]] = ()
    story_type: ClassVar[type[StoryBase]] = StoryBase

    title: str = Field(description="Headline of the brief.")
    generated_at: datetime = Field(description="When the brief was generated (UTC).")
    engine: EngineInfo
    overview: list[str] = Field(
        default_factory=list,
        description="Ids of the day's top stories, ranked by independent coverage and "
        "recency; shown above the stories with their headlines and bottom lines (empty when "
        "the brief holds one story).",
    )
    stories: list[StoryBase] = Field(description="The day's stories, ranked as the overview.")
    sources: list[Source] = Field(description="Every source, with all its passages.")
    skipped_inputs: list[SkippedInput] = Field(default_factory=list)
    stats: RunStats
    review: Review | None = Field(
        default=None, description="The verifier's per-claim checks, when the brief was verified."
    )
    # Set by `briefing daily` (left out of the JSON when not set).
    compared_with: str | None = Field(
        default=None,
        description="The earlier brief (its day) the stories' statuses compare with; null "
        "when there was none.",
    )
    dropped_stories: list[DroppedStory] = Field(
        default_factory=list, description="Stories of the earlier brief no longer reported."
    )

    # What the run that made the brief spent: not part of the brief (see RunStats).
    _run: RunReport | None = PrivateAttr(default=None)

    @property
    def run(self) -> RunReport | None:
        """The time, model calls, tokens and cost of the run that made this brief; None
        for a brief loaded from a file."""
        return self._run

    def with_run(self, run: RunReport | None) -> Self:
        """A copy of the brief that reports `run`."""
        copy = self.model_copy()
        copy._run = run  # noqa: SLF001 - its own class
        return copy

    def located(self) -> list[Located]:
        """Every claim-like object with its story, section and ref, in reading order."""
        found: list[Located] = []
        for k, story in enumerate(self.stories):
            for section in self.sections:
                found += [
                    Located(story, section, ref, obj)
                    for ref, obj in labelled(section, story.items(section), f"stories[{k}].")
                ]
        return found

    def labelled_objects(self) -> list[tuple[Section, str, Cited]]:
        """(section, ref, object) for every claim-like object, in reading order."""
        return [(at.section, at.ref, at.obj) for at in self.located()]

    def cited_objects(self) -> list[Cited]:
        return [at.obj for at in self.located()]

    def passage_index(self) -> dict[str, tuple[Source, Passage]]:
        return {p.id: (s, p) for s in self.sources for p in s.passages}

    @model_serializer(mode="wrap")
    def _reading_order(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        # The stories come right after the engine, before the (long) sources.
        data = _without_defaults(handler(self), type(self), BRIEF_CHANGE_FIELDS)
        head = (
            "title", "generated_at", "engine", "compared_with", "overview", "stories",
            "dropped_stories",
        )  # fmt: skip
        return {key: data[key] for key in head if key in data} | {
            key: value for key, value in data.items() if key not in head
        }


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
    its sections (a story's, the model's reduce reply)."""
    fields: dict[str, Any] = {s.name: field(s) for s in sections}
    model = create_model(name, __base__=base, __module__=base.__module__, **fields)
    model.sections = tuple(sections)  # type: ignore[attr-defined]
    return model


def story_model(sections: Sequence[Section], name: str = "Story") -> type[StoryBase]:
    """A story's schema with one list field per section, in the order given."""

    def field(section: Section) -> tuple[Any, Any]:
        kind = ITEM_TYPES[section.kind]
        return list_of(kind), Field(default_factory=list, description=section.description)

    return with_sections(StoryBase, sections, field, name)


def brief_model(sections: Sequence[Section], name: str = "Brief") -> type[BriefBase]:
    """The brief schema whose stories have one list field per section, in the order given."""
    story = story_model(sections, f"{name}Story" if name != "Brief" else "Story")
    model = create_model(
        name,
        __base__=BriefBase,
        __module__=BriefBase.__module__,
        stories=(
            list_of(story),
            Field(description="The day's stories, ranked as the overview."),
        ),
    )
    model.sections = tuple(sections)
    model.story_type = story
    return model


if TYPE_CHECKING:
    Brief = BriefBase
    Story = StoryBase
else:
    Brief = brief_model(SECTIONS)
    Story = Brief.story_type
