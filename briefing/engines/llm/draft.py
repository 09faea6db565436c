"""From validated model output to the project's Draft: claim ids, corroboration across
sources, figure groups with computed disagreement. Items without surviving citations are
left out here, so an uncited claim is never rendered as cited; so is every item the
verifier would not support, checked by the verifier's own function (engines/supported.py)."""

from __future__ import annotations

from collections import Counter
from itertools import zip_longest
from typing import TYPE_CHECKING, Any, TypeVar

from briefing.engines import Draft
from briefing.engines.llm.over_offline import over_offline
from briefing.engines.supported import supported_only
from briefing.llm.chat import one_line
from briefing.llm.schemas import (
    FigureGroup,
    HedgedPoint,
    KeyPoint,
    QuoteOut,
    ReduceResult,
    SourceSummary,
    source_of,
    split_by_source,
    without_dropped,
)
from briefing.models import Claim, EngineInfo, Figure, KeyFigure, Quote
from briefing.sections import MAX_POINTS

if TYPE_CHECKING:
    from collections.abc import Sequence

    from briefing.llm.schemas import Out, ReduceBase
    from briefing.models import Item, Source
    from briefing.sections import Fallback, Section

Asked = TypeVar("Asked", bound="Out")


# The model's headline, as one line of at most this many characters.
TITLE_CHARS = 200


class _Builder:
    def __init__(self, sources: Sequence[Source]) -> None:
        self.texts = {p.id: p.text for s in sources for p in s.passages}
        self.next_id = 0

    def ids(self, citations: Sequence[str]) -> list[str]:
        return [c for c in dict.fromkeys(citations) if c in self.texts]

    def claim(self, point: KeyPoint | HedgedPoint) -> Claim | None:
        ids = self.ids(point.citations)
        if not ids:
            return None
        citations, corroborated_by = split_by_source(ids)
        status: HedgedPoint | None = point if isinstance(point, HedgedPoint) else None
        claim = Claim(
            id=f"C{self.next_id + 1}",
            text=point.text,
            citations=citations,
            corroborated_by=corroborated_by,
            attribution=point.attribution,
            status=status.status if status else "reported",
            status_reason=status.status_reason if status else None,
        )
        self.next_id += 1
        return claim

    def claims(self, points: Sequence[KeyPoint | HedgedPoint]) -> list[Claim]:
        return [c for c in map(self.claim, points) if c is not None]

    def quote(self, out: QuoteOut) -> Quote | None:
        ids = self.ids(out.citations)
        if not ids:
            return None
        return Quote(text=out.text, citations=ids, speaker=out.speaker)

    def key_figure(self, group: FigureGroup) -> KeyFigure | None:
        figures = []
        for fig in group.figures:
            ids = self.ids(fig.citations)
            if ids:
                figures.append(
                    Figure(
                        text=fig.text,
                        citations=ids,
                        value=fig.value,
                        unit=fig.unit,
                        counts=fig.counts,
                        source_ids=list(dict.fromkeys(source_of(c) for c in ids)),
                        attribution=fig.attribution,
                    )
                )
        if not figures:
            return None
        disagree = len({f.value for f in figures}) > 1
        return KeyFigure(subject=group.subject, figures=figures, disagreement=disagree)


def _section_items(build: _Builder, section: Section, asked: Sequence[Out]) -> list[Item]:
    if section.kind == "figures":
        groups = (build.key_figure(g) for g in asked if isinstance(g, FigureGroup))
        return [g for g in groups if g is not None]
    if section.kind == "quotes":
        quotes = (build.quote(q) for q in asked if isinstance(q, QuoteOut))
        return [q for q in quotes if q is not None]
    return list(build.claims([p for p in asked if isinstance(p, KeyPoint | HedgedPoint)]))


def to_draft(  # noqa: PLR0913 - the story's reply, sources, offline draft and run, named
    result: ReduceBase,
    sources: Sequence[Source],
    offline: Draft,
    *,
    model: str,
    usage: dict[str, Any],
    notes: Sequence[str],
) -> Draft:
    """The story's draft: what the model wrote that checks out, over the offline engine's
    draft of the same story (over_offline.py). `usage` holds the run's model usage as
    RunStats fields."""
    result = without_dropped(result)
    build = _Builder(sources)
    drafted = {s.name: _section_items(build, s, result.items(s)) for s in result.sections}
    written, unsupported = supported_only(drafted, sources)
    filled = over_offline(
        one_line(result.title, TITLE_CHARS), written, offline, sources, result.sections
    )
    if filled.wrote:
        note = (
            f"Written by {model} over the offline draft, every citation checked: the model "
            f"wrote {_listing(filled.wrote)}; the rest is the offline draft's, sentences "
            "copied from the sources."
        )
    else:
        note = (
            f"Nothing {model} wrote for this story was kept (it did not check out, or the "
            "offline draft already says it), so it is the offline draft: "
            "every statement is a sentence, or part of one, copied from the source it cites."
        )
    if notes:
        counted = Counter(notes)  # parts of one source can fail alike
        listed = [n if k == 1 else f"{n} (x{k})" for n, k in counted.items()]
        note += " Not everything made it: " + "; ".join(listed) + "."
    return Draft(
        title=filled.title,
        engine=EngineInfo(name="openai", model=model, note=note),
        sections=filled.sections,
        usage={
            **usage,
            "dropped_citations": [
                *usage.get("dropped_citations", []),
                *unsupported,
                *filled.left_out,
            ],
        },
        skipped=offline.skipped,
    )


def _listing(parts: Sequence[str]) -> str:
    """'a', 'a and b', 'a, b and c'."""
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


def fallback_reduce(summaries: Sequence[SourceSummary]) -> tuple[ReduceBase, int]:
    """The summaries side by side, unmerged, when every merge call fails, and how many of
    their items the sections' limits left out. Sources take turns (each one's first item,
    then each one's second, ...), so every source is in the brief while there is room; each
    section stays within its limit, so the result is as valid as a model's."""
    summaries = [without_dropped(s) for s in summaries]
    groups: dict[str, FigureGroup] = {}
    left_out = 0
    for fig in _taking_turns([s.figures for s in summaries]):
        key = " ".join(fig.counts.lower().split())
        group = groups.setdefault(key, FigureGroup(subject=fig.counts, figures=[]))
        if len(group.figures) < MAX_POINTS:
            group.figures.append(fig)
        else:
            left_out += 1
    parts: dict[Fallback, list[Any]] = {
        "leads": [s.key_points[0] for s in summaries if s.key_points],
        "points": _taking_turns([s.key_points for s in summaries]),
        "figures": list(groups.values()),
        "hedged": _taking_turns([s.hedged for s in summaries]),
        "quotes": _taking_turns([s.quotes for s in summaries]),
    }
    listed: dict[str, list[Any]] = {}
    shown: set[int] = set()  # a lead in the bottom line is not listed again as a point
    for section in ReduceResult.sections:
        found = parts[section.fallback] if section.fallback else []
        found = [item for item in found if id(item) not in shown]
        listed[section.name] = found[: section.max_items]
        shown.update(id(item) for item in listed[section.name])
        if section.fallback != "leads":  # the leads not shown are among the points
            left_out += len(found) - len(listed[section.name])
    # No headline: the model wrote none for these summaries, so the offline draft's stands.
    return ReduceResult(title="", **listed), left_out


def _taking_turns(lists: Sequence[Sequence[Asked]]) -> list[Asked]:
    """Every list's first item, then every list's second, and so on."""
    return [item for row in zip_longest(*lists) for item in row if item is not None]
