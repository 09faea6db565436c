"""The LLM engine on a real model, beside the offline engine, on the seed and dev clusters.

    python bench/llm_quality.py BASE_URL [--model NAME] [--inputs PATH ...] [--timeout S]

BASE_URL is a local OpenAI-compatible server (llama.cpp's llama-server, see the README's
recipe), e.g. http://127.0.0.1:8089/v1. For each input it prints: model calls and time;
the items the model proposed, kept, and dropped by reason; the share of claims the
verifier supports; ROUGE-1 (F) of the brief's statements against the reference summary
(clusters) and against the offline brief; and the checks that hold whatever the model
answers: every offline figure, disagreement and unconfirmed report is kept, no claim the
model wrote is a fragment or a subheading, and ROUGE-1 against the reference is at least
the offline brief's. Exits 1 when a check fails. Replies are cached as in any run
(--no-cache to ask again). Needs the bench extra (rouge-score). The inputs are third-party
text and stay in ../shared; nothing is copied from them.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from collections import Counter
from pathlib import Path

from rouge_score import rouge_scorer

from briefing import pipeline
from briefing.models import Brief, Claim, KeyFigure
from briefing.statements import claim_problem

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
CLUSTERS = SHARED / "evaldata" / "clusters"
# Multi-outlet dev clusters: a merger, an arrest, a charity single, a summit.
DEFAULT_INPUTS = [
    SHARED / "seed",
    *(
        next(CLUSTERS.glob(f"wikinewssum-en-{number}_*.json"), CLUSTERS / number)
        for number in ("024", "098", "028", "064")
    ),
]
# What a dropped item's line says, as the engine words it (schemas, draft, over_offline).
REASONS = [
    ("unknown id", r"not a passage id|cites no passage"),
    ("misquote", r"word for word|verbatim"),
    (
        "number",
        r"gives .* which the cited|the (?:number|date|percentage) ",
    ),
    ("value", r"its value|has value"),
    ("name", r"names “"),
    ("too few of the passage's words", r"of its words appear"),
    ("not one statement", r"statement|fragment|sentences;|heading|question"),
    ("hedged report stated as fact", r"which hedges it"),
    ("what someone said stated as fact", r"keep who said it"),
    ("subject is a pronoun", r"leans on another"),
    ("speaker not named there", r"no speaker"),
    ("unlike values as a disagreement", r"measure different things"),
    ("bottom line not the main event", r"no report leads with"),
    ("headline not in the sources", r"headline"),
]


def statements(brief: Brief) -> list[str]:
    """The brief's prose: bottom lines, developments, unconfirmed reports."""
    return [
        c.text for s in brief.stories for c in [*s.bottom_line, *s.key_developments, *s.unconfirmed]
    ]


def rouge1(scorer: rouge_scorer.RougeScorer, target: str, prediction: str) -> float:
    return float(scorer.score(target, prediction)["rouge1"].fmeasure)


def reason_of(line: str) -> str:
    why = line.split(" left out: ", 1)[-1]
    return next((name for name, pattern in REASONS if re.search(pattern, why)), "other")


def dropped_items(brief: Brief) -> Counter[str]:
    """One reason per item the model proposed that was left out (an item may be named in
    several lines, one per finding: the first names it)."""
    by_item: dict[str, str] = {}
    for line in brief.stats.dropped_citations:
        label = line.split("' ", 1)[0]
        by_item.setdefault(label, reason_of(line))
    return Counter(by_item.values())


def claims(brief: Brief) -> list[Claim]:
    return [
        item
        for story in brief.stories
        for section in brief.sections
        for item in story.items(section)
        if isinstance(item, Claim)
    ]


def model_items(llm: Brief, offline: Brief) -> list[Claim]:
    """The LLM brief's claims the offline brief does not have: the model's words."""
    theirs = {c.text for c in claims(offline)}
    return [c for c in claims(llm) if c.text not in theirs]


def kept_count(note: str) -> int:
    """How many items the engine note says the model wrote ("2 of 3 bottom line, ...")."""
    wrote = note.split("the model wrote ", 1)[-1].split("; the rest", 1)[0]
    return (
        sum(int(n) for n in re.findall(r"(\d+) of \d+", wrote)) if "the model wrote" in note else 0
    )


def figure_keys(brief: Brief) -> set[tuple[tuple[float, str | None], ...]]:
    return {
        tuple(sorted((f.value, f.unit) for f in group.figures))
        for s in brief.stories
        for group in s.key_figures
        if isinstance(group, KeyFigure)
    }


def disagreements(brief: Brief) -> set[tuple[tuple[float, str | None], ...]]:
    return {
        tuple(sorted((f.value, f.unit) for f in group.figures))
        for s in brief.stories
        for group in s.key_figures
        if group.disagreement
    }


def unconfirmed(brief: Brief) -> set[tuple[str, ...]]:
    return {tuple(c.citations) for s in brief.stories for c in s.unconfirmed}


def reference_of(path: Path) -> str | None:
    if path.suffix != ".json":
        return None
    data = json.loads(path.read_text(encoding="utf-8"))
    reference = data.get("reference_summary") if isinstance(data, dict) else None
    return reference if isinstance(reference, str) else None


def seed_checks(brief: Brief) -> list[str]:
    """What the seed's brief must show, whatever the model answers."""
    failed = []
    side_by_side = any(
        {10000.0, 12000.0} <= {f.value for f in g.figures} and g.disagreement
        for s in brief.stories
        for g in s.key_figures
    )
    if not side_by_side:
        failed.append("10,000 vs 12,000 not side by side")
    if not any("40" in c.text and "killed" in c.text for s in brief.stories for c in s.unconfirmed):
        failed.append("the unconfirmed 40 killed is missing")
    return failed


def served(cached: int, calls: int) -> str:
    """Where replies not sent came from: the reply cache, or the summaries and merges an
    earlier run kept (engines/llm/reuse.py: nothing is asked, so nothing counts). A call
    that failed is not counted either: the note says so."""
    if cached or calls:
        return f"(+{cached} cached)"
    return "(none answered now: kept from an earlier run, or failed: see the note)"


def run(path: Path, args: argparse.Namespace, scorer: rouge_scorer.RougeScorer) -> bool:
    offline = pipeline.generate([str(path)], engine="extractive")
    started = time.perf_counter()
    llm = pipeline.generate(
        [str(path)],
        engine="openai",
        base_url=args.base_url,
        model=args.model,
        timeout=args.timeout,
        max_concurrency=1,
        temperature=0.0,
        use_cache=not args.no_cache,
    )
    seconds = time.perf_counter() - started
    assert llm.review is not None
    calls = llm.run.calls if llm.run else 0
    cached = llm.run.cached_calls if llm.run else 0
    mine = model_items(llm, offline)
    dropped = dropped_items(llm)
    failed = []
    if not figure_keys(offline) <= figure_keys(llm):
        failed.append("an offline figure is missing")
    if not disagreements(offline) <= disagreements(llm):
        failed.append("an offline disagreement is missing")
    if not unconfirmed(offline) <= unconfirmed(llm):
        failed.append("an offline unconfirmed report is missing")
    if any(claim_problem(c.text) for c in mine):
        failed.append("a claim the model wrote is not one statement")
    prose = " ".join(statements(llm))
    offline_prose = " ".join(statements(offline))
    reference = reference_of(path)
    line = (
        f"{path.stem[:40]:40} calls={calls} {served(cached, calls)} {seconds:6.0f} s  "
        f"model items kept={kept_count(llm.engine.note)} dropped={sum(dropped.values())}  "
        f"supported={llm.review.fraction_supported:.2f}  "
        f"R1 vs offline={rouge1(scorer, offline_prose, prose):.3f}"
    )
    if reference is not None:
        ours, theirs = rouge1(scorer, reference, prose), rouge1(scorer, reference, offline_prose)
        line += f"  R1 vs reference: llm={ours:.3f} offline={theirs:.3f}"
        if ours < theirs:
            failed.append("ROUGE-1 against the reference is below the offline brief's")
    else:
        failed += seed_checks(llm)
    print(line)
    if dropped:
        print("    dropped: " + ", ".join(f"{why} {n}" for why, n in dropped.most_common()))
    print(f"    note: {llm.engine.note}")
    for problem in failed:
        print(f"    FAILED: {problem}")
    return not failed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("base_url")
    parser.add_argument("--model", default="qwen2.5-coder-1.5b-instruct-q4_k_m")
    parser.add_argument("--inputs", nargs="*", type=Path, default=DEFAULT_INPUTS)
    parser.add_argument("--timeout", type=float, default=1800.0, help="seconds a call")
    parser.add_argument("--no-cache", action="store_true")
    args = parser.parse_args()
    missing = [p for p in args.inputs if not p.exists()]
    if missing:
        print(f"missing inputs: {', '.join(map(str, missing))} (../shared beside the checkout)")
        return 2
    scorer = rouge_scorer.RougeScorer(["rouge1"], use_stemmer=True)
    results = [run(path, args, scorer) for path in args.inputs]
    print(f"{sum(results)} of {len(results)} inputs pass every check")
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
