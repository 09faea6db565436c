"""A small brief as JSON data, in our own words, with every string field settable: the base
of the hostile-output tests and the tampered-brief corpus.

`brief_data(fill)` puts `fill(field)` into every string field that comes from an input or a
brief file (titles, URLs, outlets, origins, claims, ids, notes, review fields), keeping the
brief valid: ids stay unique, passage ids start with their source's id, and the review
checks exactly the brief's claims (keys computed the way the verifier computes them).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from briefing.models import Brief
from briefing.verify import claim_key

if TYPE_CHECKING:
    from collections.abc import Callable

# Our own hostile strings: markdown blocks, inline markup, HTML, entities, link and image
# syntax, line breaks of every kind, control characters and terminal escapes.
HOSTILE = [
    "# Heading from input",
    "## Sources",
    "- list item",
    "+ list item",
    "* list item",
    "1. ordered item",
    "2) ordered item",
    "> block quote",
    "<div>block html</div>",
    "<img src=x onerror=alert(1)>",
    "<script>alert(1)</script>",
    "```js\nalert(1)\n```",
    "~~~\nfenced\n~~~",
    "    indented code",
    "\tindented code",
    "---",
    "===",
    "***",
    "| a | b |\n| --- | --- |",
    "[link](javascript:alert(1))",
    "![image](https://evil.example/i.png)",
    "[ref]: https://evil.example/",
    "<https://evil.example/>",
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "&#106;avascript:alert(1)",
    "*emphasis* _emphasis_ **strong** ~~struck~~ `code` $math$",
    "line one\n# heading on line two\n<div>html on line three</div>",
    "carriage\r- return",
    "separator\u2028# heading",
    "paragraph\u2029> quote",
    "form\x0c# feed",
    "escape \x1b[31mred\x1b[0m",
    "trailing backslash \\",
    "hard break  \nnext",
    "bidi \u202eevil\u202c",
    "closing hashes ##",
]

HOSTILE_URLS = [
    "https://ok.example/) <img src=x onerror=alert(1)>",
    "https://ok.example/a b\"c'd<e>f`g\\h",
    "https://ok.example/\n# heading",
    "javascript:alert(1)",
    " JavaScript:alert(1)",
    "java\nscript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "vbscript:msgbox(1)",
    "http://[::1",
    "https://ok.example/&quot;onmouseover=&quot;alert(1)",
]

PASSAGES = {
    "S1": [
        ("The ferry to Oster Mill carried 140 passengers on Wednesday.", 1),
        ("The harbour master said the crossing took 40 minutes.", 1),
        ("Repairs to the pier may have been delayed, residents said.", 2),
    ],
    "S2": [
        ("The ferry carried 140 passengers, the council said.", 1),
        ('"We are glad the boat is back," said Mira Olsen.', 2),
    ],
}


def plain(field: str) -> str:
    return field


def brief_data(fill: Callable[[str], str] = plain, *, url: str | None = None) -> dict[str, Any]:
    """A valid brief (with a review) whose input-derived strings are `fill(field name)`."""
    s1, s2 = fill("S") + "1", fill("S") + "2"
    p = {sid: [f"{real}.{n}" for n in range(1, len(PASSAGES[sid]) + 1)] for sid, real in
         (("S1", s1), ("S2", s2))}  # fmt: skip

    def claim(n: int, citations: list[str], **extra: Any) -> dict[str, Any]:
        return {
            "id": fill("C") + str(n),
            "text": fill(f"claim {n}"),
            "citations": citations,
        } | extra

    data: dict[str, Any] = {
        "title": fill("title"),
        "generated_at": "2026-11-25T08:00:00Z",
        "engine": {"name": "openai", "model": fill("model"), "note": fill("note")},
        "overview": [],
        "stories": [
            {
                "id": fill("story id"),
                "headline": fill("headline"),
                "source_ids": [s1, s2],
                "outlets": 2,
                "bottom_line": [claim(1, [p["S1"][0]], corroborated_by=[p["S2"][0]])],
                "key_developments": [claim(2, [p["S1"][1]], attribution=fill("attribution"))],
                "key_figures": [
                    {
                        "subject": fill("subject"),
                        "figures": [
                            {
                                "text": fill("figure"),
                                "citations": [p["S1"][0], p["S2"][0]],
                                "value": 140,
                                "unit": fill("unit"),
                                "counts": fill("counts"),
                                "source_ids": [s1, s2],
                                "attribution": fill("figure attribution"),
                            }
                        ],
                        "disagreement": False,
                    }
                ],
                "unconfirmed": [
                    claim(
                        3, [p["S1"][2]], status="unconfirmed", status_reason=fill("status reason")
                    )
                ],
                "quotes": [
                    {"text": fill("quote"), "citations": [p["S2"][1]], "speaker": fill("speaker")}
                ],
                "what_to_watch": [claim(4, [p["S1"][1]])],
            }
        ],
        "sources": [
            {
                "id": real,
                "title": fill(f"title of {sid}"),
                "outlet": fill(f"outlet of {sid}"),
                "url": url if url is not None else f"https://news.example/{sid.lower()}",
                "published": fill("published"),
                "origin": fill(f"origin of {sid}") + ".txt",
                "passages": [
                    {"id": pid, "text": fill(text), "paragraph": paragraph}
                    for pid, (text, paragraph) in zip(p[sid], PASSAGES[sid], strict=True)
                ],
            }
            for sid, real in (("S1", s1), ("S2", s2))
        ],
        "skipped_inputs": [{"path": fill("skipped path"), "reason": fill("skipped reason")}],
        "stats": {
            "inputs": 3,
            "sources": 2,
            "passages": 5,
            "skipped": 1,
            "seconds": 0.25,
            "calls": 2,
            "prompt_tokens": 1000,
            "completion_tokens": 200,
            "cost_usd": 0.0012,
            "dropped_citations": [fill("dropped citation")],
        },
    }
    data["review"] = review_of(data, fill)
    return data


def review_of(data: dict[str, Any], fill: Callable[[str], str] = plain) -> dict[str, Any]:
    """A review of the brief's claims as they stand, every one partly supported (so every
    one is listed, whatever the fill), with a second opinion and reviewer decisions."""
    brief = Brief.model_validate({**data, "review": None})
    checks = [
        {
            "key": claim_key(obj),
            "ref": ref,
            "section": section.label,
            "text": obj.text,
            "status": "partly supported",
            "reasons": [fill("reason")],
            "support": 0.5,
            "reviewed": True,
            "judge": {"verdict": "partly", "reason": fill("judge reason")},
        }
        for section, ref, obj in brief.labelled_objects()
    ]
    return {
        "claims": checks,
        "total": len(checks),
        "supported": 0,
        "partly_supported": len(checks),
        "unsupported": 0,
        "fraction_supported": 0.0,
        "decisions_file": fill("decisions file") + ".json",
        "rejected": [fill("rejected claim")],
        "unmatched_decisions": [fill("unmatched")],
        "judged_by": fill("judge model"),
    }


def replaced(brief: Brief, target: object, new: object) -> Brief:
    """The brief with one claim, figure or quote (`target`, by identity) replaced by `new`,
    wherever it stands; nothing is validated again."""

    def edit(item: Any) -> Any:
        if item is target:
            return new
        figures = getattr(item, "figures", None)
        if figures is not None:
            return item.model_copy(update={"figures": [new if f is target else f for f in figures]})
        return item

    stories = [
        story.model_copy(update={s.name: [edit(i) for i in story.items(s)] for s in brief.sections})
        for story in brief.stories
    ]
    return brief.model_copy(update={"stories": stories})
