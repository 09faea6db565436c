"""From validated model output to the project's Draft: claim ids, corroboration across
sources, figure groups with computed disagreement. Items without surviving citations are
left out here, so an uncited claim is never rendered as cited."""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING, Any

from briefing.engines import Draft
from briefing.llm.schemas import (
    FigureGroup,
    HedgedPoint,
    KeyPoint,
    QuoteOut,
    ReduceResult,
    SourceSummary,
    without_dropped,
)
from briefing.models import Claim, EngineInfo, Figure, KeyFigure, Quote
from briefing.sections import MAX_POINTS

if TYPE_CHECKING:
    from collections.abc import Sequence

    from briefing.llm.schemas import Out, ReduceBase
    from briefing.models import Item, Source
    from briefing.sections import Fallback, Section


class _Builder:
    def __init__(self, sources: Sequence[Source]) -> None:
        self.source_of = {p.id: s.id for s in sources for p in s.passages}
        self.next_id = 0

    def ids(self, citations: Sequence[str]) -> list[str]:
        return [c for c in dict.fromkeys(citations) if c in self.source_of]

    def claim(self, point: KeyPoint | HedgedPoint) -> Claim | None:
        ids = self.ids(point.citations)
        if not ids:
            return None
        first = self.source_of[ids[0]]
        self.next_id += 1
        status: HedgedPoint | None = point if isinstance(point, HedgedPoint) else None
        return Claim(
            id=f"C{self.next_id}",
            text=point.text,
            citations=[c for c in ids if self.source_of[c] == first],
            corroborated_by=[c for c in ids if self.source_of[c] != first],
            attribution=point.attribution,
            status=status.status if status else "reported",
            status_reason=status.status_reason if status else None,
        )

    def claims(self, points: Sequence[KeyPoint | HedgedPoint]) -> list[Claim]:
        return [c for c in map(self.claim, points) if c is not None]

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
                        source_ids=list(dict.fromkeys(self.source_of[c] for c in ids)),
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
        return [
            Quote(text=q.text, citations=ids, speaker=q.speaker)
            for q in asked
            if isinstance(q, QuoteOut) and (ids := build.ids(q.citations))
        ]
    return list(build.claims([p for p in asked if isinstance(p, KeyPoint | HedgedPoint)]))


def to_draft(
    result: ReduceBase,
    sources: Sequence[Source],
    model: str,
    usage: dict[str, Any],
    notes: Sequence[str],
) -> Draft:
    """`usage` holds the run's model usage as RunStats fields."""
    result = without_dropped(result)
    build = _Builder(sources)
    note = f"Written by {model} from per-source summaries; every citation was checked."
    if notes:
        counted = Counter(notes)  # parts of one source can fail alike
        listed = [n if k == 1 else f"{n} (x{k})" for n, k in counted.items()]
        note += " Not everything made it: " + "; ".join(listed) + "."
    return Draft(
        title=result.title,
        engine=EngineInfo(name="openai", model=model, note=note),
        sections={s.name: _section_items(build, s, result.items(s)) for s in result.sections},
        usage=usage,
    )


def fallback_reduce(summaries: Sequence[SourceSummary], sources: Sequence[Source]) -> ReduceBase:
    """The summaries side by side, unmerged, when every merge call fails; each section
    within its limit, so the result is as valid as a model's."""
    summaries = [without_dropped(s) for s in summaries]
    groups: dict[str, FigureGroup] = {}
    for summary in summaries:
        for fig in summary.figures:
            key = " ".join(fig.counts.lower().split())
            group = groups.setdefault(key, FigureGroup(subject=fig.counts, figures=[]))
            if len(group.figures) < MAX_POINTS:
                group.figures.append(fig)
    parts: dict[Fallback, list[Any]] = {
        "leads": [s.key_points[0] for s in summaries if s.key_points],
        "points": [p for s in summaries for p in s.key_points],
        "figures": list(groups.values()),
        "hedged": [h for s in summaries for h in s.hedged],
        "quotes": [q for s in summaries for q in s.quotes],
    }
    return ReduceResult(
        title=sources[0].title if sources else "Brief",
        **{
            s.name: parts[s.fallback][: s.max_items] if s.fallback else []
            for s in ReduceResult.sections
        },
    )
