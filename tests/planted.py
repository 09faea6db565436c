"""A real brief of the example articles with errors planted in it, in our own words, for
the CI tests: every claim unsupported (a quotation, a number or a name no source gives),
more than twenty of them, so that GitHub's annotations and the gate are tried in bulk."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import briefing

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
INVENTED_QUOTE = " Officials called it “a night of quiet heroism at the mill gate”."
INVENTED_NAME = ", with help from Zubrovka."


def example_brief() -> dict[str, Any]:
    brief = briefing.generate([EXAMPLES], engine="extractive")
    data: dict[str, Any] = json.loads(brief.model_dump_json())
    data["review"] = None
    return data


def planted(data: dict[str, Any]) -> dict[str, Any]:
    """In every story, every claim unsupported: each development and quote by a quotation,
    each figure by its value, each bottom line and unconfirmed report by a name."""
    for story in data["stories"]:
        for claim in story["key_developments"]:
            claim["text"] += INVENTED_QUOTE
        for quote in story["quotes"]:
            quote["text"] = quote["text"].replace("the", "a", 1) + " indeed"
        for group in story["key_figures"]:
            for figure in group["figures"]:
                figure["value"] = figure["value"] * 3 + 7
                figure["text"] = f"{figure['value']:,.0f} ({figure['text']})"
        for claim in [*story["bottom_line"], *story["unconfirmed"]]:
            claim["text"] = claim["text"].rstrip(".") + INVENTED_NAME
    return data


def write_planted(folder: Path) -> tuple[Path, Path]:
    """brief.json with the planted errors, and brief.md rendered from it."""
    data = planted(example_brief())
    brief_json = folder / "brief.json"
    brief_json.write_text(json.dumps(data, indent=2, ensure_ascii=False), encoding="utf-8")
    brief_md = folder / "brief.md"
    brief_md.write_text(briefing.render(briefing.load(brief_json), "md"), encoding="utf-8")
    return brief_json, brief_md
