"""Check each claim-like object of a brief against the passages it cites."""

from __future__ import annotations

import functools
import hashlib
from dataclasses import dataclass
from typing import TYPE_CHECKING

from briefing.models import CheckStatus, Claim, ClaimCheck, Figure, KeyFigure, Quote, Review
from briefing.verify import coherence, synthesis
from briefing.verify.entities import missing_entities
from briefing.verify.findings import Finding
from briefing.verify.meaning import meaning_findings
from briefing.verify.numbers import states_value, unsupported_quantities
from briefing.verify.quotes import misquotes
from briefing.verify.support import support_score, unsupported_words

if TYPE_CHECKING:
    from collections.abc import Collection, Iterable, Mapping, Sequence

    from briefing.models import Brief, Item, Located, Story
    from briefing.verify.synthesis import PassageIndex

# Below FULL_SUPPORT the claim is at best partly supported; below LOW_SUPPORT it is unsupported.
FULL_SUPPORT = 0.75
LOW_SUPPORT = 0.4

Cited = Claim | Figure | Quote


def claim_key(obj: Cited) -> str:
    """A stable key for a claim: the same text with the same citations gets the same key."""
    digest = hashlib.sha256("\x1f".join([obj.text, *obj.citations]).encode()).hexdigest()
    return digest[:16]


@dataclass(frozen=True)
class TextCheck:
    findings: list[Finding]
    support: float  # the share of the text's content words found in the passages

    @property
    def supported(self) -> bool:
        return not self.findings


def check_text(
    text: str, cited: Sequence[str], *, quote: bool = False, value: float | None = None
) -> TextCheck:
    """Check one claim-like text against the texts of the passages it cites: the words it
    quotes (all of it, when `quote`) stand there verbatim; its numbers, its names and a
    figure's `value` are stated there; it says what they say (meaning.py); and enough of
    its words are there. A word, number, name or meaning not borne out is severe: the
    claim is unsupported; only too few of its words found leaves it partly supported.

    The one check of a text: verify_brief and the LLM engine's validators both call it.
    """
    checked = _checked_text(text, tuple(cited), quote=quote, value=value)
    return TextCheck(list(checked.findings), checked.support)


# The engines check every candidate before keeping it and the review checks what they
# kept: the same text against the same passages, checked once.
@functools.lru_cache(maxsize=1 << 13)
def _checked_text(
    text: str, passages: tuple[str, ...], *, quote: bool, value: float | None
) -> TextCheck:
    findings: list[Finding] = []
    for words in misquotes(text, passages, whole=quote):
        reason = (
            f"the quoted words \u201c{words}\u201d do not appear verbatim in the cited passages"
        )
        findings.append(Finding("quote", words, reason, severe=True))
    for q in unsupported_quantities(text, passages):
        what = {"date": "date", "percent": "percentage", "number": "number"}[q.kind]
        reason = f"the {what} \u201c{q.text}\u201d is not in the cited passages"
        findings.append(Finding("number", q.text, reason, severe=True))
    if value is not None and not states_value(value, passages):
        stated = f"{value:,.10g}"
        reason = f"its value {stated} is not stated in the cited passages"
        findings.append(Finding("value", stated, reason, severe=True))
    for name in missing_entities(text, passages):
        reason = f"names \u201c{name}\u201d, which the cited passages do not mention"
        findings.append(Finding("name", name, reason, severe=True))
    findings += meaning_findings(text, passages, quote=quote, label=value is not None)
    score = support_score(text, passages)
    if score < FULL_SUPPORT:
        missing = ", ".join(unsupported_words(text, passages)[:6])
        reason = f"only {score:.0%} of its words appear in the cited passages (missing: {missing})"
        findings.append(Finding("support", missing, reason, severe=score < LOW_SUPPORT))
    return TextCheck(findings, score)


def check_cited(obj: Cited, texts: Mapping[str, str]) -> TextCheck:
    """Check a claim, figure or quote against the passages its `citations` name (of
    `texts`, passage id to text): what verify_brief checks it against. A claim's
    `corroborated_by` is never checked."""
    return check_text(
        obj.text,
        [texts[pid] for pid in obj.citations if pid in texts],
        quote=isinstance(obj, Quote),
        value=obj.value if isinstance(obj, Figure) else None,
    )


def check(  # noqa: PLR0913 - where the object sits and what surrounds it, each named
    obj: Cited,
    texts: Mapping[str, str],
    *,
    section: str,
    ref: str,
    story: Story | None = None,
    related: Sequence[Finding] = (),
) -> ClaimCheck:
    """`related`: what the brief puts together around `obj` (synthesis.findings). The
    review keeps each reason's check beside it (`rules`), severe reasons first."""
    own = story.source_ids if story is not None else None
    findings, score = _findings(obj, texts, own_sources=own, related=related)
    ordered = sorted(findings, key=lambda f: (not f.contradicts, not f.severe))
    return ClaimCheck(
        key=claim_key(obj),
        ref=ref,
        section=section,
        story=story.id if story is not None else None,
        text=obj.text,
        status=status_of(ordered),
        reasons=[f.reason for f in ordered],
        rules=[f.rule for f in ordered],
        support=round(score, 3),
    )


def story_findings(
    items: Sequence[Item], index: PassageIndex, *, own_sources: Collection[str] | None = None
) -> dict[int, list[Finding]]:
    """Every finding `verify_brief` makes on each claim, figure and quote of one story's
    section `items` (by id(): pydantic models are not hashable), whose sources are
    `own_sources`: an object is supported exactly when its list is empty. The engines keep
    only what this finds nothing on, so they obey every check the verifier runs."""
    texts = {pid: passage.text for pid, (_, passage) in index.items()}
    related = synthesis.findings(items, index)
    return {
        id(obj): _findings(obj, texts, own_sources=own_sources, related=related.get(id(obj), []))[0]
        for obj in cited_in(items)
    }


def _findings(
    obj: Cited,
    texts: Mapping[str, str],
    *,
    own_sources: Collection[str] | None,
    related: Sequence[Finding],
) -> tuple[list[Finding], float]:
    """What the verifier finds wrong with `obj`, and the share of its words the passages
    hold: the one home of an object's checks, for the review and the engines alike."""
    findings = [
        Finding("citation", pid, wording.format(pid), severe=False)
        for wording, ids in _listed(obj)
        for pid in ids
        if pid not in texts
    ]
    if any(pid in texts for pid in obj.citations):
        if own_sources is not None:
            findings += outside_story(obj, own_sources, texts)
        checked = check_cited(obj, texts)
        findings += checked.findings
        score = checked.support
    else:
        reason = "none of its citations resolves to a passage, so nothing supports it"
        findings.append(Finding("citation", "", reason, severe=True))
        score = 0.0
    return [*findings, *related], score


def cited_in(items: Iterable[Item]) -> list[Cited]:
    """The claims, figures and quotes of section items, a key figure's figures in order."""
    return [f for i in items for f in (i.figures if isinstance(i, KeyFigure) else [i])]


def status_of(findings: Sequence[Finding]) -> CheckStatus:
    """Contradicted when a cited passage says the opposite; unsupported when a severe
    finding stands; partly supported when only wording is missing; else supported."""
    if any(f.contradicts for f in findings):
        return "contradicted"
    if any(f.severe for f in findings):
        return "unsupported"
    return "partly supported" if findings else "supported"


def _listed(obj: Cited) -> list[tuple[str, Sequence[str]]]:
    """The passage ids an object names, each list with the reason for an id that does not
    resolve."""
    unresolved = "which is not a passage of any source in the brief"
    listed: list[tuple[str, Sequence[str]]] = [(f"cites {{}}, {unresolved}", obj.citations)]
    if isinstance(obj, Claim):
        listed.append((f"lists {{}} as corroboration, {unresolved}", obj.corroborated_by))
    return listed


def outside_story(
    obj: Cited, own_sources: Collection[str], known: Mapping[str, str]
) -> list[Finding]:
    """Findings for the passages `obj` cites (severe), or lists as corroboration (minor),
    from sources that are not the story's (`own_sources`): a claim in one story resting on
    another story's article mixes two events. Passages not in `known` are reported as
    unresolved instead."""
    own = set(own_sources)

    def foreign(pids: Sequence[str]) -> list[str]:
        return [pid for pid in pids if pid in known and pid.split(".", 1)[0] not in own]

    cited = [
        Finding(
            "story",
            pid,
            f"cites {pid}, a passage of another story's source, not of this story's",
            severe=True,
        )
        for pid in foreign(obj.citations)
    ]
    listed = [
        Finding(
            "story",
            pid,
            f"lists {pid} as also reported, but it is a passage of another story's source",
            severe=False,
        )
        for pid in foreign(obj.corroborated_by if isinstance(obj, Claim) else [])
    ]
    return cited + listed


def verify_brief(brief: Brief) -> Review:
    index = brief.passage_index()
    texts = {pid: passage.text for pid, (_, passage) in index.items()}
    items = [i for story in brief.stories for s in brief.sections for i in story.items(s)]
    related = synthesis.findings(items, index)
    mixed = coherence.findings(brief)  # stories whose articles do not share one event
    checks = [
        check(
            at.obj,
            texts,
            section=at.section.label,
            ref=at.ref,
            story=at.story,
            related=[*related.get(id(at.obj), []), *_mixed(mixed, at)],
        )
        for at in brief.located()
    ]
    return summarise(checks)


def _mixed(mixed: Mapping[str, coherence.Mixed], at: Located) -> list[Finding]:
    story = mixed.get(at.story.id)
    if story is None or not story.applies(at.section.name, at.obj.citations):
        return []
    return [story.finding]


def summarise(checks: list[ClaimCheck], **extra: object) -> Review:
    total = len(checks)
    supported = sum(c.status == "supported" for c in checks)
    return Review.model_validate(
        {
            "claims": checks,
            "total": total,
            "supported": supported,
            "partly_supported": sum(c.status == "partly supported" for c in checks),
            "unsupported": sum(c.status == "unsupported" for c in checks),
            "contradicted": sum(c.status == "contradicted" for c in checks),
            "fraction_supported": supported / total if total else 0.0,
            **extra,
        }
    )
