"""What an engine keeps: only what the verifier supports. Both engines end a story's draft
here, so that whatever checks the verifier runs, a brief fresh from `generate` passes them:
each claim, figure and quote is checked by the verifier's own function
(`verify.checks.story_findings`), and what it flags is mended the way the verifier allows,
or left out with the reason:

- a quote credited to someone its passage does not name as speaking gets the speaker the
  verifier credits it to (`synthesis.credited_speaker`), or is left out when there is none;
- a passage listed as also reporting a claim that does not report the same thing is no
  longer listed;
- a key figure whose values do not all measure one quantity is split into the parts that do
  (`synthesis.comparable_parts`), each a figure of its own;
- anything else flagged is left out.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from briefing.models import Claim, KeyFigure, Quote
from briefing.verify.checks import story_findings
from briefing.verify.synthesis import comparable_parts, credited_speaker

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from briefing.models import Figure, Item, Source
    from briefing.verify.findings import Finding
    from briefing.verify.synthesis import PassageIndex

    Found = Mapping[int, list[Finding]]

# Each round mends or leaves out something flagged; a mend is never undone, so a few rounds
# settle any story (what is still flagged after them is left out).
_ROUNDS = 4


def supported_only(
    sections: Mapping[str, Sequence[Item]], sources: Sequence[Source]
) -> tuple[dict[str, list[Item]], list[str]]:
    """`sections` (one story's, from `sources`) with only what the verifier supports, and
    a line for each thing left out, saying why."""
    index: PassageIndex = {p.id: (s, p) for s in sources for p in s.passages}
    own = [s.id for s in sources]
    kept = {name: list(items) for name, items in sections.items()}
    left_out: list[str] = []
    for last in [False] * (_ROUNDS - 1) + [True]:
        found = story_findings(
            [i for items in kept.values() for i in items], index, own_sources=own
        )
        if not any(found.values()):
            break
        mend = _Mender(found, index, left_out, mend=not last)
        kept = {name: [m for i in items for m in mend.item(i)] for name, items in kept.items()}
    return kept, left_out


class _Mender:
    def __init__(
        self, found: Found, index: PassageIndex, left_out: list[str], *, mend: bool
    ) -> None:
        self.found = found
        self.index = index
        self.texts = {pid: passage.text for pid, (_, passage) in index.items()}
        self.left_out = left_out
        self.mend = mend

    def item(self, item: Item) -> list[Item]:
        """`item` as the verifier supports it: itself, mended, split, or nothing."""
        if isinstance(item, KeyFigure):
            return self.key_figure(item)
        findings = self.found.get(id(item), [])
        if not findings:
            return [item]
        rules = {f.rule for f in findings}
        if self.mend and isinstance(item, Quote) and rules == {"speaker"}:
            speaker = credited_speaker(item, self.index)
            if speaker is not None and speaker != item.speaker:
                return [item.model_copy(update={"speaker": speaker})]
        if self.mend and isinstance(item, Claim) and rules == {"corroboration"}:
            wrong = {f.subject for f in findings}
            listed = [pid for pid in item.corroborated_by if pid not in wrong]
            return [item.model_copy(update={"corroborated_by": listed})]
        self.leave_out(item, findings)
        return []

    def key_figure(self, group: KeyFigure) -> list[Item]:
        figures: list[Figure] = []
        apart = False  # a value set against another that is not the same quantity
        for figure in group.figures:
            findings = self.found.get(id(figure), [])
            if self.mend and findings and {f.rule for f in findings} == {"disagreement"}:
                apart = True
                figures.append(figure)
            elif findings:
                self.leave_out(figure, findings)
            else:
                figures.append(figure)
        if not apart and len(figures) == len(group.figures):
            return [group]
        parts = comparable_parts(figures, self.texts) if apart else [figures]
        return [
            group.model_copy(
                update={"figures": part, "disagreement": len({(f.value, f.unit) for f in part}) > 1}
            )
            for part in parts
            if part
        ]

    def leave_out(self, obj: Claim | Figure | Quote, findings: Sequence[Finding]) -> None:
        why = "; ".join(f.reason for f in findings)
        cited = ", ".join(obj.citations)
        self.left_out.append(f"{obj.text[:60]!r} left out: {why} (cited: {cited})")
