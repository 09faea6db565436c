"""A review as SARIF 2.1.0, for GitHub code scanning (github/codeql-action/upload-sarif)
and any other SARIF viewer.

One result per claim that is not fully supported: an error when it is contradicted or
unsupported, a warning when partly supported. Its rule is the check behind the claim's first reason
(its most serious one), its location the claim's line in the brief file (see
locate.py), and its partial fingerprint the claim's key (a hash of its text and
citations), so an alert follows its claim from run to run. The message gives the claim's
ref, section, text and every reason.

RULES is the one table from a verifier check to a SARIF rule: a new check is one more
row. A check the table does not know (a newer verifier, a reason recorded without its
check) gets the generic rule, never an error.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from briefing.version import __version__

if TYPE_CHECKING:
    from briefing.models import ClaimCheck, Review
    from briefing.render.locate import Located

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
LEVELS = {"contradicted": "error", "unsupported": "error", "partly supported": "warning"}


@dataclass(frozen=True)
class Rule:
    id: str  # the verifier's name for the check (ClaimCheck.rules)
    name: str
    short: str  # GitHub shows it as the alert's title
    help: str  # what the check found, and how to fix the claim

    def descriptor(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "shortDescription": {"text": self.short},
            "fullDescription": {"text": self.help},
            "help": {"text": self.help},
            "defaultConfiguration": {"level": "warning"},
            "properties": {"tags": ["briefing", "citation-check"]},
        }


RULES: dict[str, Rule] = {
    rule.id: rule
    for rule in (
        Rule(
            "citation",
            "UnresolvedCitation",
            "A citation names no passage of the brief",
            "The claim cites (or lists as corroboration) a passage id that no source in the "
            "brief has; with no citation left, nothing supports it. Cite the sentence the "
            "claim rests on, or drop the claim.",
        ),
        Rule(
            "quote",
            "QuoteNotVerbatim",
            "Quoted words are not verbatim in the cited passages",
            "Words between quotation marks must stand word for word in a cited passage "
            "(typographic quotes, dashes, case and white space aside). Quote the passage "
            "exactly, or drop the quotation marks and paraphrase.",
        ),
        Rule(
            "number",
            "NumberNotInCitations",
            "A number, date or percentage is not in the cited passages",
            "Every number, amount, percentage and date of the claim must appear in a cited "
            "passage (10,000 = ten thousand = 10k). Correct the number or cite the passage "
            "that states it.",
        ),
        Rule(
            "value",
            "FigureValueNotInCitations",
            "A figure's value is not stated in the cited passages",
            "A key figure's value must be stated by the passages it cites. Correct the value "
            "or cite the passage that gives it.",
        ),
        Rule(
            "name",
            "NameNotInCitations",
            "A name is not mentioned in the cited passages",
            "The claim names a person, place or organization that its cited passages do not "
            "mention. Cite a passage that names it, or leave the name out.",
        ),
        Rule(
            "support",
            "LowLexicalSupport",
            "Too few of the claim's words are in the cited passages",
            "Under 75% of the claim's content words (compared by stem) appear in its "
            "citations; under 40% the claim is unsupported. Keep the claim to what the "
            "cited sentences say, or cite the ones that say the rest.",
        ),
        # The checks of what a brief puts together (figures side by side, a quote's speaker,
        # "also reported by", a story's sources), under the names the verifier gives them.
        Rule(
            "disagreement",
            "DisagreementOfUnlikeFigures",
            "Figures shown as disagreeing do not measure the same thing",
            "Values shown side by side must count the same thing about the same subject, "
            "from different sources or one source revising itself. Split the figures.",
        ),
        Rule(
            "speaker",
            "SpeakerNotInCitations",
            "A quote's speaker is not named in its passage or paragraph",
            "A quote is credited to someone its passage and paragraph do not name. Credit "
            "the speaker the source names, or no one.",
        ),
        Rule(
            "corroboration",
            "CorroborationSaysOtherwise",
            "An 'also reported by' passage does not report the same thing",
            "A passage listed as corroboration must say the same thing as the claim. Drop "
            "it from the claim's corroboration.",
        ),
        # The meaning checks (briefing/verify/meaning.py): the claim says otherwise than
        # the passage span it rests on.
        Rule(
            "polarity",
            "NegationChanged",
            "The claim adds or drops a negation of its passage",
            "The claim has a negation (not, no, never, un-) its passage lacks, or lacks one "
            "the passage has, so it says the opposite. Restore the passage's polarity.",
        ),
        Rule(
            "hedge",
            "HedgeStatedAsFact",
            "The claim states as fact what its passage hedges",
            "The passage says it is likely, may, could, reportedly or is expected to be so; "
            "the claim says it is. Keep the hedge, or move the claim to unconfirmed reports.",
        ),
        Rule(
            "qualifier",
            "QualifierChanged",
            "A qualifier on a number or verb is dropped, added or changed",
            "The passage qualifies a number or verb (almost, nearly, about, up to, at least, "
            "only) and the claim does not, or qualifies it otherwise. Keep the passage's.",
        ),
        Rule(
            "direction",
            "OppositeWord",
            "The claim has the opposite of its passage's word",
            "The claim says rise where the passage says fall (approve/reject, reverse/affirm, "
            "shorten/lengthen, win/lose). Use the passage's word.",
        ),
        Rule(
            "unit",
            "CurrencyScaleOrUnitChanged",
            "A number is given in another currency, scale or unit",
            "The passage gives the number in one currency, scale or unit (EUR, million, km) "
            "and the claim in another. Use the passage's.",
        ),
        Rule(
            "roles",
            "RolesSwapped",
            "The claim swaps who did what to whom",
            "Two names stand in each other's place compared with the passage (A sided with "
            "B, not B with A). Put them back in the passage's roles.",
        ),
        Rule(
            "ellipsis",
            "EllipsisCutsNegation",
            "An ellipsis in a quote cuts out a negation or contrast",
            "The words the quote's '...' leaves out hold a negation or a contrast ('rather "
            "than', 'not'), so the quote says otherwise than the speaker. Quote it whole.",
        ),
        Rule(
            "story",
            "CitationOutsideStory",
            "A story's claim cites a source of another story",
            "A claim of a story must cite that story's own sources. Move the claim to its "
            "story or cite the story's sources.",
        ),
        Rule(
            "event",
            "StoryMixesEvents",
            "A story's articles do not share one event",
            "Some of the story's articles are no closer to the rest than articles of "
            "different stories are: the grouping put two events under one headline. Read "
            "the story's claims with that in mind, or give the events their own stories.",
        ),
    )
}
GENERIC = Rule(
    "claim",
    "ClaimNotSupported",
    "A claim does not check out against its citations",
    "The verifier gave a reason this version's rule table does not name; the message "
    "says what did not check out.",
)


def rule_for(check: ClaimCheck) -> Rule:
    """The rule of the claim's first (most serious) reason."""
    return RULES.get(check.rules[0], GENERIC) if check.rules else GENERIC


def render_sarif(review: Review, title: str, located: Located | None = None) -> str:
    rules = [*RULES.values(), GENERIC]
    index = {rule.id: i for i, rule in enumerate(rules)}
    results = [
        _result(check, located.lines[i] if located else None, located, index)
        for i, check in enumerate(review.claims)
        if check.status in LEVELS
    ]
    log = {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "briefing",
                        "version": __version__,
                        "semanticVersion": __version__,
                        "rules": [rule.descriptor() for rule in rules],
                    }
                },
                "results": results,
                "properties": {
                    "brief": title,
                    "total": review.total,
                    "supported": review.supported,
                    "partlySupported": review.partly_supported,
                    "unsupported": review.unsupported,
                    "contradicted": review.contradicted,
                    "fractionSupported": review.fraction_supported,
                },
            }
        ],
    }
    return json.dumps(log, indent=2, ensure_ascii=False) + "\n"


def _result(
    check: ClaimCheck, line: int | None, located: Located | None, index: dict[str, int]
) -> dict[str, Any]:
    rule = rule_for(check)
    where = "" if line or not located else f" (its text was not found in {located.path})"
    result: dict[str, Any] = {
        "ruleId": rule.id,
        "ruleIndex": index[rule.id],
        "level": LEVELS[check.status],
        "message": {
            "text": f"{check.ref} ({check.section}) is {check.status}{where}: "
            f"\u201c{check.text}\u201d. Reasons: {'; '.join(check.reasons)}."
        },
        "partialFingerprints": {"briefingClaimKey/v1": check.key},
        "properties": {
            "ref": check.ref,
            "section": check.section,
            "status": check.status,
            "support": check.support,
            "checks": check.rules,
        },
    }
    if located:
        # GitHub needs a line; a claim not found in the file is shown at its top.
        physical = {
            "artifactLocation": {"uri": _uri(located.path)},
            "region": {"startLine": line or 1},
        }
        result["locations"] = [{"physicalLocation": physical}]
    return result


def _uri(path: str) -> str:
    """A file name as a URI reference: relative ones stay relative to the repository's
    root; anything that could end or change the URI is percent-encoded."""
    encoded = quote(path, safe="/")
    return f"file://{encoded}" if path.startswith("/") else encoded
