"""A review for GitHub Actions: workflow commands (annotations), the job's step summary
and step outputs, as text. briefing/ci.py writes them where the runner reads them.

Everything here carries text from the inputs, so it is kept inert:

- a workflow command is one line; its message and properties are escaped as GitHub's
  own toolkit escapes them (`%`, CR and LF in both; `:` and `,` in properties too), after
  control characters are written out (`\\x1b`), so no text can end a command early,
  start another or colour the log;
- the step summary is markdown with every value through `escape_markdown`;
- outputs use the `name<<delimiter` form with a random delimiter the value cannot hold.
"""

from __future__ import annotations

import secrets
from typing import TYPE_CHECKING

from briefing.render.escape import code_span, escape_markdown, printable
from briefing.verify.gate import FLAGGED, passes, percent

if TYPE_CHECKING:
    from briefing.models import ClaimCheck, Review
    from briefing.render.locate import Located

# GitHub shows at most 10 error and 10 warning annotations per step; more are dropped
# without a word, so the rest get one line that says how many.
MAX_ANNOTATIONS = 10
# A step summary over 1 MiB is refused (and the job shows an error), so it is kept below.
SUMMARY_LIMIT = 1024 * 1024
LONGEST_TEXT = 300  # characters of a claim shown in an annotation or a summary row
# Contradicted claims come first: a passage says the opposite.
LEVELS = {"contradicted": "error", "unsupported": "error", "partly supported": "warning"}


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def command(name: str, message: str, **properties: str | int | None) -> str:
    """`::name key=value,...::message`, each part escaped and made printable."""
    given = ",".join(
        f"{key}={escape_property(printable(str(value)))}"
        for key, value in properties.items()
        if value is not None
    )
    return f"::{name}{' ' + given if given else ''}::{escape_data(printable(message))}"


def workflow_commands(review: Review, located: Located | None) -> list[str]:
    """An error for each contradicted or unsupported claim (contradicted first) and a
    warning for each partly supported one, at the claim's line in the brief file, at most
    MAX_ANNOTATIONS errors and as many warnings; then one notice for the rest."""
    lines: list[str] = []
    left: dict[str, int] = {}
    shown = dict.fromkeys(LEVELS.values(), 0)
    for status, level in LEVELS.items():
        flagged = [(i, c) for i, c in enumerate(review.claims) if c.status == status]
        room = MAX_ANNOTATIONS - shown[level]
        shown[level] += min(room, len(flagged))
        for i, check in flagged[:room]:
            line = located.lines[i] if located else None
            lines.append(
                command(
                    level,
                    _message(check),
                    file=located.path if located else None,
                    line=line,
                    title=f"{status} claim {check.ref} ({check.section})",
                )
            )
        if len(flagged) > room:
            left[status] = len(flagged) - room
    if left:
        counts = " and ".join(f"{n} more {status}" for status, n in left.items())
        lines.append(
            command(
                "notice",
                f"{counts} claim(s) not annotated (GitHub shows {MAX_ANNOTATIONS} of each kind "
                "per step): see the step summary or the review report",
                title="briefing: more claims need a look",
            )
        )
    return lines


def _message(check: ClaimCheck) -> str:
    return f"\u201c{_cut(check.text)}\u201d: {'; '.join(check.reasons)}"


def step_summary(
    review: Review,
    title: str,
    *,
    located: Located | None = None,
    fail_under: float | None = None,
    budget: int = SUMMARY_LIMIT,
) -> str:
    """The brief's headline, its review in numbers and, folded, the claims that need a
    look and every claim's status; at most `budget` bytes of UTF-8 (rows that do not fit
    are counted instead)."""
    pct = percent(review.fraction_supported)
    head = [
        f"### {escape_markdown(title) or 'Brief'}",
        "",
        f"**{review.supported} of {review.total} claims supported ({pct})**: "
        f"{review.partly_supported} partly supported, {review.unsupported} unsupported, "
        f"{review.contradicted} contradicted." + _gate(review, fail_under),
        "",
        "| Status | Claims |",
        "| --- | ---: |",
        f"| supported | {review.supported} |",
        f"| partly supported | {review.partly_supported} |",
        f"| unsupported | {review.unsupported} |",
        f"| contradicted | {review.contradicted} |",
        "",
    ]
    flagged = [
        (i, c) for status in FLAGGED for i, c in enumerate(review.claims) if c.status == status
    ]
    where = "| Where " if located else ""
    folds = [
        (
            f"{len(flagged)} claim(s) need a look",
            f"| Ref | Section | Status | Support {where}| Claim | Reasons |",
            [_flagged_row(i, c, located) for i, c in flagged],
        ),
        (
            f"All {review.total} claims",
            "| Ref | Section | Status | Support |",
            [_row(c) for c in review.claims],
        ),
    ]
    text = "\n".join(head) + "\n"
    for summary, header, rows in folds:
        if not rows:
            continue
        text += _fold(summary, header, rows, budget - len(text.encode()))
    return text


def _gate(review: Review, fail_under: float | None) -> str:
    if fail_under is None:
        return ""
    verdict = "passed" if passes(review, fail_under) else "**failed**"
    return f" Gate `--fail-under {fail_under:g}`: {verdict}."


def _flagged_row(index: int, check: ClaimCheck, located: Located | None) -> str:
    cells = [escape_markdown(check.ref), escape_markdown(check.section), check.status]
    cells.append(f"{check.support:.0%}")
    if located:
        line = located.lines[index]
        cells.append(code_span(f"{located.path}:{line}" if line else located.path))
    cells.append(escape_markdown(_cut(check.text)))
    cells.append(escape_markdown("; ".join(check.reasons)))
    return "| " + " | ".join(cells) + " |"


def _row(check: ClaimCheck) -> str:
    cells = [escape_markdown(check.ref), escape_markdown(check.section), check.status]
    return "| " + " | ".join([*cells, f"{check.support:.0%}"]) + " |"


def _fold(summary: str, header: str, rows: list[str], budget: int) -> str:
    """A <details> block with a table of as many `rows` as fit in `budget` bytes."""
    columns = header.count("|") - 1
    opening = f"<details><summary>{summary}</summary>\n\n{header}\n|{' --- |' * columns}\n"
    closing = "\n</details>\n\n"
    reserve = len((opening + closing).encode()) + 200  # and room for the "more" row
    if budget < reserve:
        return ""
    body: list[str] = []
    used = reserve
    for row in rows:
        size = len(row.encode()) + 1
        if used + size > budget:
            left = len(rows) - len(body)
            note = f"and {left} more not shown here (the summary's size limit): see the report"
            body.append(f"| {note} |" + " |" * (columns - 1))
            break
        body.append(row)
        used += size
    return opening + "\n".join(body) + closing


def output_lines(name: str, value: str) -> str:
    """One step output in the `name<<delimiter` form, which holds any value (several
    lines, `=`), with a delimiter the value does not contain."""
    delimiter = f"ghadelimiter_{secrets.token_hex(16)}"
    while delimiter in value:  # a value cannot guess it; this is the toolkit's rule too
        delimiter = f"ghadelimiter_{secrets.token_hex(16)}"
    return f"{name}<<{delimiter}\n{value}\n{delimiter}\n"


def _cut(text: str) -> str:
    return text if len(text) <= LONGEST_TEXT else text[: LONGEST_TEXT - 1].rstrip() + "\u2026"
