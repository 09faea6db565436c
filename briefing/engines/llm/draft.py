"""From validated model output to the project's Draft: claim ids, corroboration across
sources, figure groups with computed disagreement. Items without surviving citations are
left out here, so an uncited claim is never rendered as cited."""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING

from briefing.engines import Draft
from briefing.llm.schemas import (
    FigureGroup,
    HedgedPoint,
    KeyPoint,
    ReduceResult,
    SourceSummary,
    without_dropped,
)
from briefing.models import Claim, EngineInfo, Figure, KeyFigure, Quote

if TYPE_CHECKING:
    from collections.abc import Sequence

    from briefing.llm.chat import Usage
    from briefing.models import Source


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


def to_draft(  # noqa: PLR0913, PLR0917 - the parts of a draft, each needed
    result: ReduceResult,
    sources: Sequence[Source],
    model: str,
    usage: Usage,
    dropped: Sequence[str],
    cost_usd: float | None,
) -> Draft:
    result = without_dropped(result)
    build = _Builder(sources)
    quotes = [
        Quote(text=q.text, citations=ids, speaker=q.speaker)
        for q in result.quotes
        if (ids := build.ids(q.citations))
    ]
    note = f"Written by {model} from per-source summaries; every citation was checked."
    if usage.notes:
        counted = Counter(usage.notes)  # parts of one source can fail alike
        notes = [n if k == 1 else f"{n} (x{k})" for n, k in counted.items()]
        note += " Not everything made it: " + "; ".join(notes) + "."
    return Draft(
        title=result.title,
        engine=EngineInfo(name="openai", model=model, note=note),
        bottom_line=build.claims(result.bottom_line),
        key_developments=build.claims(result.key_developments),
        key_figures=[k for k in map(build.key_figure, result.key_figures) if k is not None],
        unconfirmed=build.claims(result.unconfirmed),
        quotes=quotes,
        what_to_watch=build.claims(result.what_to_watch),
        calls=usage.calls,
        cached_calls=usage.cached_calls,
        prompt_tokens=usage.prompt_tokens,
        completion_tokens=usage.completion_tokens,
        cached_tokens=usage.cached_tokens,
        cost_usd=cost_usd,
        dropped_citations=list(dropped),
    )


def fallback_reduce(summaries: Sequence[SourceSummary], sources: Sequence[Source]) -> ReduceResult:
    """The summaries side by side, unmerged, when the merge call fails."""
    summaries = [without_dropped(s) for s in summaries]
    groups: dict[str, FigureGroup] = {}
    for summary in summaries:
        for fig in summary.figures:
            key = " ".join(fig.counts.lower().split())
            groups.setdefault(key, FigureGroup(subject=fig.counts, figures=[])).figures.append(fig)
    points = [p for s in summaries for p in s.key_points]
    return ReduceResult(
        title=sources[0].title if sources else "Brief",
        bottom_line=[s.key_points[0] for s in summaries if s.key_points][:3],
        key_developments=points,
        key_figures=list(groups.values()),
        unconfirmed=[h for s in summaries for h in s.hedged],
        quotes=[q for s in summaries for q in s.quotes],
        what_to_watch=[],
    )
