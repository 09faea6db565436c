"""Check each claim-like object of a brief against the passages it cites."""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING

from briefing.models import CheckStatus, Claim, ClaimCheck, Figure, Quote, Review
from briefing.verify.entities import missing_entities
from briefing.verify.numbers import Quantity, quantities, unsupported_quantities
from briefing.verify.quotes import misquotes
from briefing.verify.support import support_score, unsupported_words

if TYPE_CHECKING:
    from briefing.models import Brief, Passage

# Below FULL_SUPPORT the claim is at best partly supported; below LOW_SUPPORT it is unsupported.
FULL_SUPPORT = 0.75
LOW_SUPPORT = 0.4

Cited = Claim | Figure | Quote


def claim_key(obj: Cited) -> str:
    """A stable key for a claim: the same text with the same citations gets the same key."""
    digest = hashlib.sha256("\x1f".join([obj.text, *obj.citations]).encode()).hexdigest()
    return digest[:16]


def check(obj: Cited, index: dict[str, Passage], *, section: str, ref: str) -> ClaimCheck:
    severe: list[str] = []
    minor = [
        f"cites {pid}, which is not a passage of any source in the brief"
        for pid in obj.citations
        if pid not in index
    ]
    if isinstance(obj, Claim):
        minor += [
            f"lists {pid} as corroboration, which is not a passage of any source in the brief"
            for pid in obj.corroborated_by
            if pid not in index
        ]
    cited = [index[pid].text for pid in obj.citations if pid in index]
    score = 0.0
    if cited:
        score = _content_problems(obj, " ".join(cited), severe, minor)
    else:
        severe.append("none of its citations resolves to a passage, so nothing supports it")
    status: CheckStatus = "unsupported" if severe else "partly supported" if minor else "supported"
    return ClaimCheck(
        key=claim_key(obj),
        ref=ref,
        section=section,
        text=obj.text,
        status=status,
        reasons=[*severe, *minor],
        support=round(score, 3),
    )


def _content_problems(obj: Cited, passages: str, severe: list[str], minor: list[str]) -> float:
    """Append what does not check out to `severe` and `minor`; return the support score."""
    severe.extend(
        f"the quoted words \u201c{quote}\u201d do not appear verbatim in the cited passages"
        for quote in misquotes(obj.text, passages, whole=isinstance(obj, Quote))
    )
    for q in unsupported_quantities(obj.text, passages):
        what = {"date": "date", "percent": "percentage", "number": "number"}[q.kind]
        minor.append(f"the {what} \u201c{q.text}\u201d is not in the cited passages")
    if isinstance(obj, Figure) and not _states_value(obj.value, passages):
        minor.append(f"its value {obj.value:,.10g} is not stated in the cited passages")
    minor.extend(
        f"names \u201c{name}\u201d, which the cited passages do not mention"
        for name in missing_entities(obj.text, passages)
    )
    score = support_score(obj.text, passages)
    if score < FULL_SUPPORT:
        missing = ", ".join(unsupported_words(obj.text, passages)[:6])
        sentence = (
            f"only {score:.0%} of its words appear in the cited passages (missing: {missing})"
        )
        (severe if score < LOW_SUPPORT else minor).append(sentence)
    return score


def verify_brief(brief: Brief) -> Review:
    index = {pid: passage for pid, (_, passage) in brief.passage_index().items()}
    checks = [
        check(obj, index, section=section.label, ref=ref)
        for section, ref, obj in brief.labelled_objects()
    ]
    return summarise(checks)


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
            "fraction_supported": supported / total if total else 0.0,
            **extra,
        }
    )


def _states_value(value: float, passages: str) -> bool:
    wanted = Quantity("number", float(value), "")
    return any(
        wanted.matches(Quantity("number", q.value, q.text))
        for q in quantities(passages)
        if q.kind != "date"
    )
