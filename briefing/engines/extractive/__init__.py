"""The offline engine: a brief built from the sources' own sentences, no model involved.

Every claim is a cited sentence (or a contiguous part of one), so its citations are
right by construction; the work is in choosing and arranging them.
"""

from __future__ import annotations

import asyncio
import itertools
from dataclasses import dataclass
from itertools import count
from typing import TYPE_CHECKING

from briefing.engines import Draft
from briefing.engines.extractive import figures, quantities
from briefing.engines.extractive.cues import attribution, leans_on_another, sentence_hedge
from briefing.engines.extractive.headline import headline
from briefing.engines.extractive.quotes import find_quotes
from briefing.engines.extractive.scoring import Scored, best_match, score_sentences
from briefing.engines.extractive.similarity import cosine, tokens
from briefing.engines.supported import supported_only
from briefing.ingest.limits import InputLimits, cli_option
from briefing.models import Claim, EngineInfo, Figure, KeyFigure, Quote, SkippedInput, Source
from briefing.reportage import is_report, reports, tells_history
from briefing.stories.dates import published_at
from briefing.verify.synthesis import comparable_parts, corroboration_problem, credited_speaker

if TYPE_CHECKING:
    from collections.abc import Iterator, Sequence

NOTE = (
    "Made without a language model: every statement is a sentence, or part of one, "
    "copied from the source it cites."
)
REDUNDANT = 0.5  # cosine above which two sentences say the same thing
CORROBORATES = 0.3  # cosine above which another source reports the same thing
MAX_DEVELOPMENTS, MAX_UNCONFIRMED, MAX_QUOTES, MAX_FIGURES = 8, 6, 5, 8
MAX_VALUES = 4
MAX_ALSO = 3  # sources that corroborate a claim, for its weight and its "also reported by"
REPEATS = 0.8  # share of a text's words already shown that makes it a repeat
SHORTLIST = 40  # corroboration is computed for this many sentences, not all of them


class ExtractiveEngine:
    def __init__(self, limits: InputLimits | None = None) -> None:
        self.limits = limits or InputLimits()

    async def awrite(self, sources: list[Source]) -> Draft:
        # CPU-bound: a worker thread keeps a caller's event loop responsive meanwhile.
        return await asyncio.to_thread(self.write, sources)

    async def awrite_stories(
        self, sources: list[Source], stories: Sequence[Sequence[str]]
    ) -> list[Draft]:
        """One draft per story (given as its source ids), each written from that story's
        sources alone."""
        by_id = {s.id: s for s in sources}

        def write_all() -> list[Draft]:
            return [self.write([by_id[i] for i in ids]) for ids in stories]

        return await asyncio.to_thread(write_all)

    def write(self, sources: list[Source]) -> Draft:
        scored = score_sentences(sources)
        mentions, left_out = _mentions(scored, self.limits.max_figures_per_sentence)
        for item in scored:
            item.figures = frozenset(
                (m.value, m.thing_key) for m in mentions.get(item.passage.id, [])
            )
        candidates = [s for s in scored if s.candidate]
        hedged = [s for s in candidates if sentence_hedge(s.passage.text)]
        hedged_ids = {id(s) for s in hedged}
        plain = [
            s
            for s in candidates
            if id(s) not in hedged_ids and not s.passage.text.startswith(("“", '"'))
        ]
        if not scored:  # a story of no sentences: nothing to say
            return Draft(
                title="Brief", engine=EngineInfo(name="extractive", note=NOTE), sections={}
            )
        ids = (f"C{n}" for n in count(1))
        picked = _pick(plain, candidates, MAX_DEVELOPMENTS + 2)
        bottom = _bottom_line(plain, picked, _first_year(sources))
        writer = _Writer(scored)
        bottom_line = writer.claims(bottom, (f"B{n}" for n in count(1)), len(bottom))
        told = {pid for b in bottom for pid in _reported(b)}
        developments = writer.claims(
            [p for p in picked if not told & _reported(p)], ids, MAX_DEVELOPMENTS
        )
        unconfirmed = writer.claims(
            _pick(hedged, hedged, MAX_UNCONFIRMED + 2, floor=0.0), ids, MAX_UNCONFIRMED
        )
        top = picked[0].item if picked else max(scored, key=lambda s: s.score)
        reporting = [s for s in sources if is_report(s)] or sources
        # Built by the verifier's rules; checked by its function all the same, so that no
        # check added to the verifier can be missed here.
        sections, unsupported = supported_only(
            {
                "bottom_line": bottom_line,
                "key_developments": developments,
                "key_figures": _key_figures(
                    [m for ms in mentions.values() for m in ms if m.shown],
                    {s.passage.id: s.passage.text for s in scored},
                ),
                "unconfirmed": unconfirmed,
                "quotes": _quotes(sources, scored, [*bottom_line, *developments, *unconfirmed]),
            },
            sources,
        )
        return Draft(
            title=headline(
                reporting,
                [p.item.passage.text for p in bottom] or [top.passage.text],
                [bottom[0].item.source, *(c.source for c in bottom[0].corroborations)]
                if bottom
                else [],
            ),
            engine=EngineInfo(name="extractive", model=None, note=NOTE),
            sections=sections,
            usage={"dropped_citations": unsupported} if unsupported else {},
            skipped=left_out,
        )


def _first_year(sources: Sequence[Source]) -> int | None:
    """The year of the story's earliest known publication date."""
    moments = [m for m in map(published_at, sources) if m is not None]
    return min(moments).year if moments else None


def _bottom_line(plain: list[Scored], picked: list[Pick], year: int | None = None) -> list[Pick]:
    """One or two picks that state the story's main event. News states it in its lede, so
    the first is a lede of the story's news reports (each one's first sentence that
    reports: see briefing/reportage.py), the one the other reports' ledes and headlines
    agree with most; the story's picks stand in when no source has one. The bottom line stands
    alone: no sentence whose subject is a "he" or "this", and none that tells history
    (dated years before the story's earliest publication `year`)."""

    def fits(text: str) -> bool:
        return not leans_on_another(text) and not (year and tells_history(text, year))

    ledes = [s for s in _ledes(plain) if fits(s.passage.text)]
    if not ledes:
        alone = [p for p in picked if fits(p.item.passage.text)]
        return alone[:1] + [p for p in alone[1:2] if p.weight >= 0.7 * alone[0].weight]

    # What the other reports open with: their lede, and their headline, which names the
    # event in the fewest words ("Kmart, Sears to merge in $11B deal").
    headlines = {id(o.source): set(tokens(o.source.title)) for o in ledes}

    def agreement(item: Scored) -> float:
        words = set(tokens(item.passage.text))
        return sum(
            cosine(item.vector, o.vector)
            + len(words & headlines[id(o.source)]) / max(len(headlines[id(o.source)]), 1)
            for o in ledes
            if o.source is not item.source
        )

    # What other sources report in the same words counts too, as it does for every pick.
    candidates = [_as_pick(s, plain) for s in ledes]
    first = max(
        candidates,
        key=lambda p: (agreement(p.item) * (1 + 0.25 * len(p.corroborations[:MAX_ALSO])), p.weight),
    )
    # A second sentence only when it adds to the lede: the story's next strongest pick
    # that is no other version of it.
    told = _reported(first)
    top = max((p.weight for p in picked), default=0.0)
    second = [
        p
        for p in picked
        if not told & _reported(p)
        and cosine(p.item.vector, first.item.vector) < REDUNDANT
        and fits(p.item.passage.text)
    ][:1]
    return [first, *(p for p in second if p.weight >= 0.7 * top)]


def _reported(pick: Pick) -> set[str]:
    """The passages that say what a pick says: its own and its corroborations'."""
    return {pick.item.passage.id, *(c.passage.id for c in pick.corroborations)}


def _ledes(plain: list[Scored]) -> list[Scored]:
    """The first reporting sentence of each news report among the statements `plain`."""
    # Once a source, not once a sentence: reading a source is linear in its length.
    sources = {id(s.source): s.source for s in plain}
    reporting = {key: is_report(source) for key, source in sources.items()}
    found: dict[str, Scored] = {}
    for item in plain:  # reading order
        first = reporting[id(item.source)] and item.source.id not in found
        if first and reports(item.passage.text):
            found[item.source.id] = item
    return list(found.values())


def _as_pick(item: Scored, pool: list[Scored]) -> Pick:
    corroborations = _corroborations(item, pool)
    weight = item.score * (1 + 0.25 * len(corroborations[:MAX_ALSO]))
    return Pick(item, corroborations, weight, _also_reported(item, corroborations))


@dataclass(eq=False)
class Pick:
    item: Scored
    corroborations: list[Scored]  # other sources' sentences reporting the same thing
    weight: float
    also: list[str]  # what the claim lists as also reported by (see _also_reported)


def _pick(pool: list[Scored], peers: list[Scored], limit: int, floor: float = 0.15) -> list[Pick]:
    """Greedy maximal marginal relevance over the most central sentences: what several
    sources report counts for more; a sentence that repeats a chosen one (or is another
    source's version of it) is left out; no source crowds out the rest; and sentences far
    less central than the best (an off-topic item in a feed) are not picked at all."""
    shortlist = sorted(pool, key=lambda s: s.score, reverse=True)[:SHORTLIST]
    remaining = [
        Pick(s, c, s.score * (1 + 0.25 * len(c[:MAX_ALSO])), _also_reported(s, c))
        for s in shortlist
        for c in [_corroborations(s, peers)]
    ]
    chosen: list[Pick] = []
    covered: set[str] = set()
    per_source: dict[str, int] = {}
    top = max((p.weight for p in remaining), default=0.0)
    while remaining and len(chosen) < limit:
        best = max(remaining, key=lambda p: p.weight * 0.8 ** per_source.get(p.item.source.id, 0))
        remaining.remove(best)
        if best.weight < floor * top:
            break
        if best.item.passage.id in covered or any(
            cosine(best.item.vector, c.item.vector) >= REDUNDANT for c in chosen
        ):
            continue
        chosen.append(best)
        covered.update(c.passage.id for c in best.corroborations)
        per_source[best.item.source.id] = per_source.get(best.item.source.id, 0) + 1
    return chosen


class _Writer:
    """Turns picks into claims, each sentence at most once in the brief. A sentence that
    opens with "He", "They" or "This" brings the sentence before it, which names its
    subject, as its first citation; without one that can, it is left out."""

    def __init__(self, scored: list[Scored]) -> None:
        self.before: dict[str, Scored] = {}
        for earlier, item in itertools.pairwise(scored):
            if earlier.source is item.source:
                self.before[item.passage.id] = earlier
        self.used: set[str] = set()

    def claims(self, picks: list[Pick], ids: Iterator[str], limit: int) -> list[Claim]:
        made: list[Claim] = []
        for pick in picks:
            claim = self._claim(pick, ids)
            if claim is not None:
                made.append(claim)
            if len(made) == limit:
                break
        return made

    def _claim(self, pick: Pick, ids: Iterator[str]) -> Claim | None:
        item = pick.item
        cited = [item.passage]
        if leans_on_another(item.passage.text):
            earlier = self.before.get(item.passage.id)
            if earlier is None or not _names_its_subject(earlier):
                return None
            cited.insert(0, earlier.passage)
        if any(p.id in self.used for p in cited):
            return None  # already in the brief, alone or as another claim's subject
        self.used.update(p.id for p in cited)
        status = sentence_hedge(item.passage.text)
        return Claim(
            id=next(ids),
            text=" ".join(p.text for p in cited),
            citations=[p.id for p in cited],
            corroborated_by=pick.also,
            attribution=attribution(item.passage.text) or attribution(cited[0].text),
            status=status[0] if status else "reported",  # type: ignore[arg-type]
            status_reason=status[1] if status else None,
        )


def _names_its_subject(item: Scored) -> bool:
    """Whether a sentence can stand before one that leans on it: a statement of its own
    that starts as a sentence does (not a list item's "inaccurate representations of")."""
    text = item.passage.text.lstrip("“\"‘'( ")
    return item.candidate and text[:1].isupper() and not leans_on_another(text)


def _corroborations(item: Scored, pool: list[Scored]) -> list[Scored]:
    """Each other source's sentence that reports the same thing, best first."""
    by_source: dict[str, list[Scored]] = {}
    for other in pool:
        if other.source.id != item.source.id:
            by_source.setdefault(other.source.id, []).append(other)
    matches = [best_match(item, members) for members in by_source.values()]
    good = sorted(
        (m for m in matches if m and (m[1] >= CORROBORATES or _same_figure(item, m[0], m[1]))),
        key=lambda m: -m[1],
    )
    # What the verifier would not call the same report is no corroboration.
    good = [m for m in good if corroboration_problem(item.passage.text, m[0].passage.text) is None]
    return [match for match, _ in good]


def _also_reported(item: Scored, corroborations: list[Scored]) -> list[str]:
    """The passages a claim lists as also reported by: one per outlet (two pages of one
    site are one voice), none from the claim's own outlet, the best three."""
    seen = {item.source.label()}
    listed: list[str] = []
    for other in corroborations:
        outlet = other.source.label()
        if outlet not in seen:
            seen.add(outlet)
            listed.append(other.passage.id)
    return listed[:MAX_ALSO]


def _same_figure(item: Scored, other: Scored, similarity: float) -> bool:
    """Two sources giving the same number for the same thing report the same fact, even
    in words too different for the similarity threshold."""
    return similarity >= CORROBORATES / 2 and bool(item.figures & other.figures)


def _quotes(sources: list[Source], scored: list[Scored], claims: list[Claim]) -> list[Quote]:
    score = {s.passage.id: s.score for s in scored}
    index = {p.id: (source, p) for source in sources for p in source.passages}
    # A quote nobody is named for tells a reader little: who said it is the point. The
    # speaker is the one the verifier finds named where the quote stands.
    found = [q for source in sources for q in find_quotes(source.passages) if q.speaker]
    found.sort(key=lambda q: -score[q.passage_ids[0]])
    # A quote a claim already shows (its sentence, or the same words from another
    # source) is not shown twice.
    shown = [set(tokens(c.text)) for c in claims]
    cited = {pid for c in claims for pid in c.citations}
    quotes: list[Quote] = []
    per_speaker: dict[str, int] = {}
    for q in found:
        quote = Quote(text=q.text, citations=q.passage_ids, speaker=q.speaker)
        speaker = credited_speaker(quote, index)
        words = set(tokens(q.text))
        if speaker is None or cited.intersection(q.passage_ids):
            continue
        if any(repeats(words, seen) for seen in shown):
            continue
        if per_speaker.get(speaker, 0) >= 2:
            continue
        per_speaker[speaker] = per_speaker.get(speaker, 0) + 1
        shown.append(words)
        quotes.append(quote.model_copy(update={"speaker": speaker}))
        if len(quotes) == MAX_QUOTES:
            break
    return quotes


def repeats(words: set[str], shown: set[str]) -> bool:
    """Whether nearly all of a text's words (a quote's, a model's claim's) are in
    something already shown."""
    return bool(words) and len(words & shown) >= REPEATS * len(words)


def _mentions(
    scored: list[Scored], limit: int
) -> tuple[dict[str, list[figures.Mention]], list[SkippedInput]]:
    """The figures of each sentence, by passage id, and the sentences whose numbers were
    left out for being more than `limit` (a table or a list, not a figure)."""
    found: dict[str, list[figures.Mention]] = {}
    left_out: list[SkippedInput] = []
    for s in scored:
        if len(s.passage.text.split()) < 5:
            continue
        # A number in a caption, a list or page furniture counts for less than in prose.
        score = s.score if s.candidate else s.score / 2
        try:
            ms = figures.mentions(s.passage.text, s.passage.id, s.source.id, score, limit=limit)
        except figures.TooManyNumbersError as err:
            left_out.append(_too_many_numbers(s, err.count, limit))
            continue
        if ms:
            found[s.passage.id] = ms
    return found, left_out


def _too_many_numbers(item: Scored, count: int, limit: int) -> SkippedInput:
    return SkippedInput(
        path=f"{item.source.origin} (the numbers of {item.passage.id})",
        reason=(
            f"a sentence with {count:,} numbers, over the limit of {limit} per sentence: a "
            "table or a list, so none of them is a key figure (the sentence itself is kept); "
            f"raise the limit ({cli_option('max_figures_per_sentence')}) to read them"
        ),
    )


def _key_figures(mentions: list[figures.Mention], texts: dict[str, str]) -> list[KeyFigure]:
    ranked: list[tuple[float, KeyFigure]] = []
    for group in quantities.group(mentions, texts):
        values = sorted({(m.value, m.unit) for m in group})
        if len(values) > MAX_VALUES:
            continue  # many values of one thing are a series (prices by day), not a dispute
        every = [_figure([m for m in group if (m.value, m.unit) == v]) for v in values]
        # Values the verifier would not set side by side stand apart (see comparable_parts).
        for entries in comparable_parts(every, texts):
            shown = {(f.value, f.unit) for f in entries}
            members = [m for m in group if (m.value, m.unit) in shown]
            sources = {m.source_id for m in members}
            disagreement = len(entries) > 1
            weight = max(m.score for m in members) + 0.5 * (len(sources) - 1) + disagreement
            if entries[-1].value < 10 and entries[-1].unit is None and not members[0].event:
                continue  # "three generals", "two sides": context; "two people killed" is not
            subject = quantities.subject(members)
            ranked.append(
                (weight, KeyFigure(subject=subject, figures=entries, disagreement=disagreement))
            )
    ranked.sort(key=lambda pair: -pair[0])
    return [figure for _, figure in ranked[:MAX_FIGURES]]


def _figure(same_value: list[figures.Mention]) -> Figure:
    first = max(same_value, key=lambda m: (m.status == "reported", m.score))
    cited = [first.passage_id, *dict.fromkeys(m.passage_id for m in same_value if m is not first)]
    # One plain statement of the value is enough to report it; else the sources' doubt.
    statuses = {m.status for m in same_value}
    status = (
        "reported"
        if "reported" in statuses
        else "disputed"
        if "disputed" in statuses
        else "unconfirmed"
    )
    return Figure(
        text=first.text,
        citations=list(dict.fromkeys(cited)),
        value=first.value,
        unit=first.unit,
        counts=first.counts,
        source_ids=sorted({m.source_id for m in same_value}, key=lambda s: int(s[1:])),
        attribution="; ".join(dict.fromkeys(m.attribution for m in same_value if m.attribution))
        or None,
        status=status,  # type: ignore[arg-type]
    )
