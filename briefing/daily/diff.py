"""What changed between two briefs: the one home of the rule that `briefing daily` marks
its brief with (`mark`) and `briefing diff` reports for any two briefs (`compare`).

Stories are matched by id first. A story of the newer brief whose id the older one lacks
is matched to the older story it shares the most articles with (by canonical URL or
content hash, see articles.py), and keeps that story's id: ids stay the same when the
article that named a story falls out of the feeds. Then each story is

- **new**: no older story matches it;
- **updated**: it has articles not seen before, or a figure's value changed (old -> new,
  both cited);
- **continuing**: neither, so it is not news again;

and an older story no newer story matches is **dropped** (no longer reported).

"Not seen before" means not among the older brief's sources (`briefing diff`), or, for
`briefing daily`, not among those and not in the state folder's record of every article
seen before the day. A changed figure's old value is cited by the older brief, which
holds its passages (a dated brief is never rewritten): the day (or file) and the passage
ids there, with the passages' words copied so that the change reads on its own.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from pydantic import Field

from briefing.assemble import OVERVIEW_STORIES, day_title
from briefing.consistency import consistent
from briefing.daily.articles import Seen, article_keys
from briefing.llm.schemas import source_of
from briefing.models import (
    CitedValue,
    DroppedStory,
    EarlierFigure,
    Figure,
    FigureChange,
    KeyFigure,
    Strict,
)
from briefing.verify.synthesis import other_quantity
from briefing.verify.words import STOP_WORDS, counted_word, fold, tokens

if TYPE_CHECKING:
    from collections.abc import Mapping

    from briefing.models import Brief, Located, Passage, Source, Story


class StoryRef(Strict):
    id: str = Field(description="The story's id in the newer brief.")
    headline: str
    earlier_id: str | None = Field(
        default=None,
        description="Its id in the older brief, when it was matched by shared articles.",
    )
    since: str | None = Field(default=None, description="The day it was first reported.")


class ArticleRef(Strict):
    source_id: str = Field(description="The source's id in the newer brief.")
    title: str
    outlet: str | None = None
    url: str | None = None


class NewClaim(Strict):
    section: str = Field(description="The section of the newer brief that holds it.")
    text: str
    citations: list[str] = Field(description="Passage ids in the newer brief.")


class UpdatedStory(StoryRef):
    new_articles: list[ArticleRef] = Field(default_factory=list)
    new_claims: list[NewClaim] = Field(
        default_factory=list, description="What the story says on the strength of a new article."
    )
    changed_figures: list[FigureChange] = Field(default_factory=list)


class BriefDiff(Strict):
    older: str = Field(description="The older brief: its day or file name.")
    newer: str = Field(description="The newer brief: its day or file name.")
    new: list[StoryRef] = Field(default_factory=list)
    updated: list[UpdatedStory] = Field(default_factory=list)
    continuing: list[StoryRef] = Field(default_factory=list)
    dropped: list[DroppedStory] = Field(default_factory=list)


def compare(
    older: Brief | None,
    newer: Brief,
    *,
    older_name: str,
    newer_name: str,
    seen: Seen | None = None,
) -> BriefDiff:
    """How `newer` differs from `older` (None: there is no older brief, every story is
    new). `seen`: articles known before `newer` beyond the older brief's own."""
    earlier = older.stories if older is not None else []
    known = Seen.of(older.sources if older is not None else [])
    if seen is not None:
        known = Seen(known.keys | seen.keys)
    pairs = match_stories(older, newer)
    located = newer.located()
    sources = {s.id: s for s in newer.sources}
    index = older.passage_index() if older is not None else {}
    texts = {p.id: p.text for s in newer.sources for p in s.passages}
    diff = BriefDiff(older=older_name, newer=newer_name)
    for story in newer.stories:
        before = pairs.get(story.id)
        if before is None or older is None:
            diff.new.append(StoryRef(id=story.id, headline=story.headline))
            continue
        ref = StoryRef(
            id=story.id,
            headline=story.headline,
            earlier_id=before.id if before.id != story.id else None,
            since=before.since or older_name,
        )
        fresh = [sources[i] for i in story.source_ids if not known.knows(sources[i])]
        changes = figure_changes(index, before, story, older_name, texts)
        if not fresh and not changes:
            diff.continuing.append(ref)
            continue
        diff.updated.append(
            UpdatedStory(
                **ref.model_dump(),
                new_articles=[
                    ArticleRef(source_id=s.id, title=s.title, outlet=s.outlet, url=s.url)
                    for s in fresh
                ],
                new_claims=_claims_resting_on(
                    [at for at in located if at.story is story], {s.id for s in fresh}
                ),
                changed_figures=changes,
            )
        )
    matched = {s.id for s in pairs.values()}
    diff.dropped = [
        DroppedStory(id=s.id, headline=s.headline, since=s.since, last_reported=older_name)
        for s in earlier
        if s.id not in matched
    ]
    return diff


def match_stories(older: Brief | None, newer: Brief) -> dict[str, Story]:
    """The older story each story of `newer` continues, by its id in `newer`: the same id
    first, then the most shared articles (ties: the older brief's ranking)."""
    if older is None:
        return {}
    by_id = {s.id: s for s in older.stories}
    pairs = {s.id: by_id[s.id] for s in newer.stories if s.id in by_id}
    taken = {s.id for s in pairs.values()}
    then = {s.id: s for s in older.sources}
    keys = {s.id: _keys(then, s) for s in older.stories}
    now = {s.id: s for s in newer.sources}
    for story in newer.stories:
        if story.id in pairs:
            continue
        mine = _keys(now, story)
        shared = [
            (len(mine & keys[s.id]), -rank, s)
            for rank, s in enumerate(older.stories)
            if s.id not in taken and mine & keys[s.id]
        ]
        if shared:
            best = max(shared, key=lambda entry: entry[:2])[2]
            pairs[story.id] = best
            taken.add(best.id)
    return pairs


def figure_changes(
    index: dict[str, tuple[Source, Passage]],
    before: Story,
    after: Story,
    older_name: str,
    texts: Mapping[str, str],
) -> list[FigureChange]:
    """Figures of the same quantity with a value the earlier brief did not give: its
    values (old) -> the new ones. Figures are paired by what they count and their unit,
    then held to the verifier's rule for one quantity (synthesis.other_quantity), each read
    in its own brief's passages (`index`: the earlier brief's; `texts`: this one's), so
    "EUR 12m damage" never becomes "EUR 20m repair cost"."""
    then = _figures(before)
    old_texts = {pid: passage.text for pid, (_, passage) in index.items()}
    changes = []
    for key, now in _figures(after).items():
        # New values only: one the earlier brief gave too is no change (both may be
        # reported side by side, when sources disagree).
        new = [f for f in now if all(f.value != o.value for o in then.get(key, []))]
        old = [
            o
            for o in then.get(key, [])
            if any(other_quantity(f, texts, o, old_texts) is None for f in new)
        ]
        new = [f for f in new if any(other_quantity(f, texts, o, old_texts) is None for o in old)]
        if not old or not new:
            continue
        changes.append(
            FigureChange(
                counts=new[0].counts,
                unit=new[0].unit,
                old=[_earlier_figure(f, index, older_name) for f in old],
                new=[CitedValue(text=f.text, value=f.value, citations=f.citations) for f in new],
            )
        )
    return changes


def _earlier_figure(
    figure: Figure, index: dict[str, tuple[Source, Passage]], brief: str
) -> EarlierFigure:
    first = index.get(figure.citations[0])
    return EarlierFigure(
        brief=brief,
        text=figure.text,
        value=figure.value,
        citations=figure.citations,
        passages=[index[c][1].text for c in figure.citations if c in index],
        source=first[0].label() if first else source_of(figure.citations[0]),
    )


@dataclass(frozen=True)
class Earlier:
    """What a day is compared with: the brief of an earlier day, and the articles seen
    before the day (the state folder's record)."""

    brief: Brief
    day: str
    seen: Seen = field(default_factory=Seen)


def mark(brief: Brief, earlier: Earlier | None, *, day: str, title: str | None = None) -> Brief:
    """The day's brief with each story marked new, updated or continuing against the
    earlier brief, ids kept from it, the stories no longer reported listed, and the
    overview and (unless `title` was given) the title made of the stories that are news."""
    diff = compare(
        earlier.brief if earlier else None,
        brief,
        older_name=earlier.day if earlier else "",
        newer_name=day,
        seen=earlier.seen if earlier else None,
    )
    kept: dict[str, str] = {}
    updates: dict[str, dict[str, object]] = {}
    for ref in diff.new:
        updates[ref.id] = {"status": "new", "since": day}
    for ref in diff.continuing:
        updates[ref.id] = {"status": "continuing", "since": ref.since}
    for upd in diff.updated:
        updates[upd.id] = {
            "status": "updated",
            "since": upd.since,
            "new_sources": [a.source_id for a in upd.new_articles],
            "changed_figures": upd.changed_figures,
        }
    for ref in [*diff.continuing, *diff.updated]:
        kept[ref.id] = ref.earlier_id or ref.id
    stories = [
        s.model_copy(update={**updates[s.id], "id": kept.get(s.id, s.id)}) for s in brief.stories
    ]
    news = [s for s in stories if s.status != "continuing"]
    review = brief.review
    if review is not None:
        review = review.model_copy(
            update={
                "claims": [
                    c.model_copy(update={"story": kept.get(c.story, c.story)}) if c.story else c
                    for c in review.claims
                ]
            }
        )
    marked = brief.model_copy(
        update={
            "title": title or day_title([s.headline for s in news], len(stories)),
            "compared_with": earlier.day if earlier else None,
            "overview": [s.id for s in news[:OVERVIEW_STORIES]] if len(stories) > 1 else [],
            "stories": stories,
            "dropped_stories": diff.dropped,
            "review": review,
        }
    )
    # Validated again: the new ids, the marks and the review must still hold together.
    return consistent(type(brief).model_validate(marked.model_dump())).with_run(brief.run)


def _keys(sources: dict[str, Source], story: Story) -> set[str]:
    return {key for i in story.source_ids if i in sources for key in article_keys(sources[i]).all()}


def _claims_resting_on(located: list[Located], source_ids: set[str]) -> list[NewClaim]:
    """The claims, figures and quotes of `located` (one story's) citing one of the
    sources."""
    return [
        NewClaim(section=at.section.name, text=at.obj.text, citations=list(at.obj.citations))
        for at in located
        if any(source_of(c) in source_ids for c in at.obj.citations)
    ]


def _figures(story: Story) -> dict[tuple[tuple[str, ...], str], list[Figure]]:
    """The story's figures by what they count (content words, synonyms merged) and unit,
    each value once."""
    found: dict[tuple[tuple[str, ...], str], list[Figure]] = {}
    for section in story.sections:
        for group in story.items(section):
            if not isinstance(group, KeyFigure):
                continue
            for figure in group.figures:
                key = (_counted(figure.counts), fold(figure.unit or ""))
                same = found.setdefault(key, [])
                if all(f.value != figure.value for f in same):
                    same.append(figure)
    return found


def _counted(counts: str) -> tuple[str, ...]:
    words = (w for w in tokens(counts) if fold(w) not in STOP_WORDS)
    return tuple(sorted({counted_word(w) for w in words}))
