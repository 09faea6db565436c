"""The --fail-under gate and the one-line summary of a review."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from briefing.errors import ConfigError, VerificationFailedError

if TYPE_CHECKING:
    from briefing.models import Review


# The order a review shows what needs a look in: what a passage contradicts first.
FLAGGED = ("contradicted", "unsupported", "partly supported")


def percent(fraction: float) -> str:
    """A share as a percentage floored to one decimal, so that a review with one claim in
    a thousand failing never reads 100%: 0.9995 -> "99.9%", 0.938 -> "93.8%", 1 -> "100%"."""
    tenths = math.floor(fraction * 1000 + 1e-9)
    return f"{tenths // 10}%" if tenths % 10 == 0 else f"{tenths / 10:.1f}%"


def summary_line(review: Review) -> str:
    return (
        f"{review.supported} of {review.total} claims supported "
        f"({percent(review.fraction_supported)}), {review.partly_supported} partly supported, "
        f"{review.unsupported} unsupported, {review.contradicted} contradicted"
    )


def passes(review: Review, fail_under: float) -> bool:
    """The --fail-under gate: at least that fraction of the claims is supported (partly
    supported, unsupported and contradicted claims all count against it)."""
    return review.fraction_supported >= fail_under


def enforce_threshold(review: Review, fail_under: float | None) -> None:
    if fail_under is None:
        return
    if not 0 <= fail_under <= 1:
        raise ConfigError(f"--fail-under {fail_under}: give a fraction between 0 and 1, e.g. 0.95")
    if not passes(review, fail_under):
        raise VerificationFailedError(
            f"{summary_line(review)}: the supported share is below --fail-under "
            f"{fail_under:g}; fix or drop the flagged claims (see the review report: "
            "contradicted ones first) or lower the threshold"
        )


def judge_summary(review: Review) -> str:
    """One line: how the judge's verdicts fall, for stderr."""
    verdicts = [c.judge.verdict if c.judge else None for c in review.claims]
    counts = [
        f"{verdicts.count('entailed')} entailed",
        f"{verdicts.count('partly')} partly",
        f"{verdicts.count('not_entailed')} not entailed",
        f"{verdicts.count(None)} no verdict",
    ]
    return f"{', '.join(counts)} (second opinion by {review.judged_by}; statuses unchanged)"
