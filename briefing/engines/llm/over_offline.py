"""The model's story over the offline engine's: never worse than the offline brief.

The offline (extractive) engine drafts every story first, without a model. What the
model wrote has passed the verifier's checks, synthesis included (engines/supported.py:
a quote's speaker, "also reported by", values side by side only when they measure one
quantity); it is then held to the offline engine's own candidate rules: a claim is one
statement in one sentence that names its subject (statements.py), and a claim outside
the unconfirmed reports does not rest on a sentence that hedges it (cues.hedge), nor
state as fact what its sentence has someone say ("X told me that ...") without saying
who. What fails is left out, with the reason, for the run report.

Then the brief is filled from the offline draft, section by section, with no model call:
the model's headline when it gave a good one, else the offline draft's; the model's
bottom line first, then the offline bottom line's other facts (a bottom line states the
story's main event, so the model's must rest on a report's lede or on the offline bottom
line's sentences: a side detail goes to the developments, and the headline the model
wrote for it goes too);
the model's developments and quotes first, then the offline draft's that cite sentences
not yet used (the model's items on other sentences only while there is room, so the
offline brief's content is the floor); and every offline figure group and unconfirmed
report, then the model's that add something. So whatever the model answers, the brief
keeps the offline brief's figures, disagreements and unconfirmed reports; the engine note
says what the model wrote. A model's claim cites only the sentences it rests on (small
models cite a whole paragraph for one of its sentences), and a sentence copied from a
source, or resting on one the offline draft lists as also reporting its claim, is shown
as that offline claim, with its corroboration.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from briefing.engines.extractive import repeats
from briefing.engines.extractive.cues import hedge, leans_on_another
from briefing.engines.extractive.headline import MIN_WORDS
from briefing.engines.extractive.similarity import tokens
from briefing.models import Claim, KeyFigure
from briefing.reportage import ledes
from briefing.sections import SECTIONS
from briefing.statements import claim_problem
from briefing.verify.attribution import SPEECH, masked
from briefing.verify.checks import check_text
from briefing.verify.numbers import unsupported_quantities
from briefing.verify.support import support_score

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from briefing.engines import Draft
    from briefing.models import Item, Source
    from briefing.sections import Section

# A headline longer than this many words is a sentence, not a headline.
HEADLINE_WORDS = 20


@dataclass
class Filled:
    """The story's sections, the model's share of them, and what was left out and why."""

    title: str
    sections: dict[str, list[Item]]
    wrote: list[str]  # the parts the model wrote, in words ("the headline", "2 of 5 ...")
    left_out: list[str] = field(default_factory=list)


class _Rules:
    """The offline engine's candidate rules, applied to the claims the model wrote (the
    verifier's own checks, synthesis included, ran before: engines/supported.py)."""

    def __init__(self, sources: Sequence[Source]) -> None:
        self.texts = {p.id: p.text for s in sources for p in s.passages}
        self.left_out: list[str] = []

    def refuse(self, text: str, why: str) -> None:
        self.left_out.append(f"{text[:60]!r} left out: {why}")

    def claim(self, claim: Claim, section: Section) -> bool:
        problem = claim_problem(claim.text)
        if problem is None and leans_on_another(claim.text):
            problem = "leans on another sentence for its subject; name it"
        if problem is None and not section.hedged:
            hedged = next((c for c in claim.citations if hedge(self.texts[c])), None)
            if hedged is not None:
                problem = f"rests on {hedged}, which hedges it, outside the unconfirmed reports"
        if problem is None and not section.hedged:  # an unconfirmed report is someone's
            credited = next(
                (c for c in claim.citations if _unsaid(claim.text, self.texts[c])), None
            )
            if credited is not None:
                problem = f"states as fact what {credited} credits to someone; keep who said it"
        if problem is not None:
            self.refuse(claim.text, problem)
        return problem is None

    def section(self, items: Sequence[Item], section: Section) -> list[Item]:
        """The items of one section of the model's that hold, each claim citing only
        what it rests on."""
        return [
            self.rests_on(i) if isinstance(i, Claim) else i
            for i in items
            if not isinstance(i, Claim) or self.claim(i, section)
        ]

    def rests_on(self, claim: Claim) -> Claim:
        """The claim citing only the passages it rests on: a citation whose passage the
        claim's checks do not need (as many findings and as much support without it) goes,
        the one that bears the least of the claim alone first."""
        kept = list(claim.citations)
        full = check_text(claim.text, [self.texts[c] for c in kept])
        for pid in sorted(kept, key=lambda c: support_score(claim.text, self.texts[c])):
            rest = [c for c in kept if c != pid]
            if not rest:
                break
            trial = check_text(claim.text, [self.texts[c] for c in rest])
            if len(trial.findings) <= len(full.findings) and trial.support >= full.support:
                kept = rest
        if kept == claim.citations:
            return claim
        return claim.model_copy(update={"citations": kept})

    def main_event(self, claim: Claim, leads: set[str]) -> bool:
        """Whether the model's bottom line states the main event: the passage it rests on
        most is one of `leads` (the reports' ledes, the offline bottom line's sentences)."""
        main = max(claim.citations, key=lambda c: support_score(claim.text, self.texts[c]))
        if main in leads:
            return True
        self.refuse(
            claim.text, f"as the bottom line: it rests on {main}, which no report leads with"
        )
        return False

    def headline(self, title: str) -> str | None:
        words = title.split()
        if not MIN_WORDS <= len(words) <= HEADLINE_WORDS:  # a name or a sentence, not a headline
            return None
        if check_text(title, list(self.texts.values())).findings:
            self.refuse(title, "the headline says what the sources do not")
            return None
        return title


def _unsaid(claim: str, passage: str) -> bool:
    """Whether the claim restates what the passage has someone say, without saying who:
    nearly all its words come after the passage's verb of saying ("Duhalde ... told me in
    an interview this week that the 10 biggest countries will sign ...": a forecast one
    man made, not a fact) and it has no such verb itself. A closing "..., the council
    said" dropped from a report is not read as this (a summary commonly leaves it to the
    citation). The offline engine shows whole sentences, so its claims keep who said what."""
    if SPEECH.search(masked(claim)):
        return False
    words = set(tokens(claim))
    cue = SPEECH.search(masked(passage))
    if cue is None or not words:
        return False
    before, after = set(tokens(passage[: cue.start()])), set(tokens(passage[cue.end() :]))
    return repeats(words, after) and not repeats(words, before)


def _cited(item: Item) -> set[str]:
    """The passages an item shows (a claim's own, not those that only corroborate it:
    one sentence may corroborate two claims, as in the offline brief)."""
    if isinstance(item, KeyFigure):
        return {c for f in item.figures for c in f.citations}
    return set(item.citations)


def _offline_form(
    item: Item, offline: Mapping[str, Sequence[Item]], texts: Mapping[str, str]
) -> Item:
    """The offline draft's claim in place of the model's when the model's rests on
    sentences that claim shows, and either copies one of them or rests on one it lists as
    also reporting it: the same report, shown once, with what corroborates it, in the
    section the model chose. (The model's rewording of the claim's own sentence stays the
    model's.)"""
    if not isinstance(item, Claim):
        return item
    cited = set(item.citations)
    copied = any(texts.get(c) == item.text for c in cited)
    words = set(tokens(item.text))
    for other in (o for items in offline.values() for o in items if isinstance(o, Claim)):
        if cited <= {*other.citations, *other.corroborated_by} and (
            copied or not cited <= set(other.citations)
        ):
            return other
        # Another sentence that says what the claim says (a page that repeats its lede
        # under a dateline, a wire copy): the same report, as the offline engine shows it.
        if not cited & set(other.citations) and _same_report(item.text, words, other.text):
            return other
    return item


def _same_report(text: str, words: set[str], other: str) -> bool:
    """Whether two texts say the same: nearly all the words of each are in the other,
    and so are its numbers (10,000 troops and 12,000 troops are two reports)."""
    others = set(tokens(other))
    return (
        repeats(words, others)
        and repeats(others, words)
        and not unsupported_quantities(text, [other])
        and not unsupported_quantities(other, [text])
    )


def _values(item: Item) -> set[tuple[float, str | None]]:
    return {(f.value, f.unit) for f in item.figures} if isinstance(item, KeyFigure) else set()


def over_offline(
    title: str,
    written: Mapping[str, Sequence[Item]],
    offline: Draft,
    sources: Sequence[Source],
    sections: Sequence[Section] = SECTIONS,
) -> Filled:
    """The story's `sections`: what the model `written` that holds, filled from `offline`."""
    rules = _Rules(sources)
    base = {s.name: list(offline.sections.get(s.name, [])) for s in sections}
    own, side = _models_own(rules, written, base, sources, sections)
    # Each sentence is shown once. The offline draft's unconfirmed reports are kept
    # whatever the model wrote, so their sentences are not the model's claims; then what
    # the model chose comes before the offline draft's. (A figure's sentence may be a
    # claim's too, as in the offline brief.)
    used = _all_cited(base.get("unconfirmed", []))
    mine: dict[str, list[Item]] = {}
    for section in sections:
        mine[section.name] = _unused(
            own[section.name], set() if section.kind == "figures" else used
        )
        if section.kind != "figures":
            used |= _all_cited(mine[section.name])
    # What the offline draft shows anywhere: the model may move it to another section.
    drafted = {c for s in sections if s.kind != "figures" for c in _all_cited(base[s.name])}
    chosen: dict[str, list[Item]] = {}
    for section in sections:
        # What of the offline bottom line does not fit beside the model's is a development.
        spare = base.get("bottom_line", []) if mine.get("bottom_line") else []
        items = _filled(
            section, mine[section.name], base[section.name], spare, used, drafted=drafted
        )
        if not items and section.name == "bottom_line":
            items = _unused(base.get("key_developments", []), used)[:1]
        chosen[section.name] = items[: section.max_items]
        if section.kind != "figures":
            used |= _all_cited(chosen[section.name])
    headline = rules.headline(title) if not (side and not own["bottom_line"]) else None
    wrote = ["the headline"] if headline is not None else []
    for section in sections:
        count = sum(1 for i in chosen[section.name] if any(i is m for m in mine[section.name]))
        if count:
            wrote.append(f"{count} of {len(chosen[section.name])} {section.label.lower()}")
    return Filled(headline or offline.title, chosen, wrote, rules.left_out)


def _models_own(
    rules: _Rules,
    written: Mapping[str, Sequence[Item]],
    base: Mapping[str, Sequence[Item]],
    sources: Sequence[Source],
    sections: Sequence[Section],
) -> tuple[dict[str, list[Item]], list[Item]]:
    """The model's items that hold, by section, each copied sentence in the offline
    draft's form; and the bottom line it proposed that states no main event (`side`)."""
    own = {s.name: rules.section(written.get(s.name, []), s) for s in sections}
    # A side detail the model put first becomes one of its developments (and the headline
    # it wrote for it goes too: see over_offline).
    leads = {pid for s in sources for pid in ledes(s)}
    leads |= _all_cited(base.get("bottom_line", []))
    proposed = own.get("bottom_line", [])
    own["bottom_line"] = [
        i for i in proposed if not isinstance(i, Claim) or rules.main_event(i, leads)
    ]
    side = [i for i in proposed if not any(i is k for k in own["bottom_line"])]
    if side and "key_developments" in own:
        own["key_developments"] = [*own["key_developments"], *side]
    for section in sections:
        own[section.name] = [_offline_form(i, base, rules.texts) for i in own[section.name]]
    if not own.get("bottom_line"):
        # With no bottom line of the model's, the offline draft's stands: its claims are
        # not the model's to move to another section.
        lead = base.get("bottom_line", [])
        for name, items in own.items():
            if name != "bottom_line":
                own[name] = [i for i in items if not any(i is b for b in lead)]
    return own, side


def _filled(  # noqa: PLR0913 - the section, its two drafts, and what the brief shows
    section: Section,
    model: list[Item],
    offline: list[Item],
    spare: list[Item],
    used: set[str],
    *,
    drafted: set[str],
) -> list[Item]:
    """One section: the model's items and the offline draft's, as the module says."""
    if section.kind == "figures":
        values = {v for i in offline for v in _values(i)}
        return offline + [i for i in model if not _values(i) <= values]
    if section.hedged:
        return offline + model
    if section.name == "bottom_line":
        # The model's lead first; the offline bottom line's other facts stay beside it.
        return [*model, *_unused(offline, used)]
    # The offline draft's items are the floor: the model's items on the sentences the
    # offline draft shows (here, or in a section the model moved them from: `drafted`;
    # its choice and wording of them) come first, then the offline items it did not
    # cover, and its items on other sentences only while there is room: the model never
    # pushes what the offline brief shows out of the section.
    floor = [*spare, *offline] if section.name == "key_developments" else offline
    rest = _unused(floor, used)
    shown = _all_cited(floor) | drafted
    room = section.max_items - len(rest) - sum(1 for m in model if _cited(m) & shown)
    added = [m for m in model if not _cited(m) & shown][: max(room, 0)]
    return [m for m in model if _cited(m) & shown or any(m is a for a in added)] + rest


def _all_cited(items: Sequence[Item]) -> set[str]:
    return {c for i in items for c in _cited(i)}


def _unused(items: Sequence[Item], used: set[str]) -> list[Item]:
    """The items that show no passage `used` shows, nor one an earlier item of theirs
    shows: each sentence is in the brief once."""
    taken = set(used)
    kept: list[Item] = []
    for item in items:
        cited = _cited(item)
        if cited & taken:
            continue
        taken |= cited
        kept.append(item)
    return kept
