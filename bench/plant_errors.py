"""How many planted errors does the verifier catch on real clusters?

    python bench/plant_errors.py [CLUSTERS_DIR] [--meaning | --held-out]

For every cluster, the offline engine writes a brief; then, one at a time, each claim-like
object gets one planted error and the brief is verified again:
  number   the first number in the text is replaced by a different one
  quote    one word inside a quote (or a Quote's text) is replaced
  passage  the citations are swapped for a passage of another source, chosen at random
           (one whose words differ: a syndicated copy of the sentence is no wrong source)
  speaker  a quote's speaker is swapped for a name (two or more capitalised words) that the
           sources give elsewhere, not in the quote's paragraph (three such names a quote)
  mixed    two figures of different groups that count different things (other counted
           words or units) and come from different sources are shown as one disagreement
  cross    on the clusters mixed into one day, a passage of another story's source is cited
           beside the object's own citations (its words still stand in its own passage,
           so only the story check can tell)
A planted error is caught when the object is no longer "supported"; a mixed disagreement
when neither of its two figures is.

Then the meaning edits (bench/meaning_edits.py), each planted by rule in every claim and
quote that the verifier supports unedited (the clusters and the seed article), one kind
at a time, all of a brief's objects at once (each is checked against its own citations):
  negation  a negation dropped, or "not" added after an auxiliary verb
  hedge     a hedge stated as fact ("is likely to" -> "will", "reportedly" dropped)
  qualifier a qualifier of a number or verb dropped ("nearly", "up to", "only"), or
            "nearly" put before a number
  opposite  a word replaced by its opposite (rose/fell, approved/rejected, won/lost)
  unit      another currency, scale or unit ($ -> €, million -> billion, days -> weeks)
  roles     two names the sentence does not group swapped
  ellipsis  a negation or contrast cut out of a quote with "..."
It prints, per kind, how many were planted and caught, and the unedited briefs' share of
supported objects (a check that flags correct claims would catch anything). `--held-out`
plants them in briefs of the pages and feeds of ../shared/evaldata instead, data the
checks were not developed on.
"""

from __future__ import annotations

import random
import re
import sys
from collections import Counter
from pathlib import Path

import meaning_edits

from briefing import pipeline
from briefing.brief_file import brief_from_data
from briefing.models import Brief, Claim, Figure, KeyFigure, Quote, StoryBase
from briefing.verify import verify_brief
from briefing.verify.words import counted_word

DEFAULT = Path(__file__).resolve().parents[1].parent / "shared" / "evaldata" / "clusters"
SEED = DEFAULT.parents[1] / "seed"
MEANING_KINDS = ("negation", "hedge", "qualifier", "opposite", "unit", "roles", "ellipsis")
NUMBER = re.compile(r"(?<![\w.])\d[\d,]*(?:\.\d+)?")
WORD = re.compile(r"\b[a-z]{4,}\b")
WORD_ANY = re.compile(r"[^\W\d_][\w'-]*")
NAME = re.compile(r"\b[A-Z][a-z]+(?: [A-Z][a-z]+)+\b")


def replace(brief: Brief, target: object, **changes: object) -> Brief:
    """The brief with `target` (a claim, figure or quote) changed, in every story."""
    return edited_brief(brief, {id(target): changes})


def edited_brief(brief: Brief, changes: dict[int, dict[str, object]]) -> Brief:
    """The brief with each object whose id() is in `changes` changed so, in every story."""

    def edit(obj: Claim | Figure | Quote) -> Claim | Figure | Quote:
        update = changes.get(id(obj))
        return obj if update is None else obj.model_copy(update=update)

    def edited(story: StoryBase) -> StoryBase:
        updates = {
            section.name: [
                item.model_copy(update={"figures": [edit(f) for f in item.figures]})
                if isinstance(item, KeyFigure)
                else edit(item)
                for item in story.items(section)
            ]
            for section in brief.sections
        }
        return story.model_copy(update=updates)

    return revalidated(brief.model_copy(update={"stories": [edited(s) for s in brief.stories]}))


def revalidated(brief: Brief) -> Brief:
    return brief_from_data(brief.model_dump(), lenient=True)


def inside_quotes(text: str) -> list[tuple[int, int]]:
    """(start, end) of the quoted stretches: a plain scan, independent of the verifier's."""
    spans: list[tuple[int, int]] = []
    start: int | None = None
    for i, ch in enumerate(text):
        opens = ch == "\u201c" or (ch == '"' and start is None)
        if opens and start is None:
            start = i + 1
        elif ch in {'"', "\u201d"} and start is not None:
            spans.append((start, i))
            start = None
        elif ch == "\u201d":  # closes a quote the claim never opened
            spans.append((0, i))
    if start is not None:
        spans.append((start, len(text)))
    return spans


def caught(brief: Brief, ref: str) -> bool:
    return next(c for c in verify_brief(brief).claims if c.ref == ref).status != "supported"


def plant(brief: Brief, rng: random.Random, tally: Counter[str]) -> None:
    passages = brief.passage_index()
    for _, ref, obj in brief.labelled_objects():
        match = NUMBER.search(obj.text)
        if match:
            wrong = str(int(float(match.group().replace(",", ""))) * 10 + 3)
            text = obj.text[: match.start()] + wrong + obj.text[match.end() :]
            changes: dict[str, object] = {"text": text}
            if isinstance(obj, Figure):
                changes["value"] = float(wrong)
            tally["number planted"] += 1
            tally["number caught"] += caught(replace(brief, obj, **changes), ref)
        spans = [(0, len(obj.text))] if isinstance(obj, Quote) else inside_quotes(obj.text)
        words = [m for start, end in spans for m in WORD.finditer(obj.text, start, end)]
        if words:
            word = rng.choice(words)
            text = obj.text[: word.start()] + "zorblax" + obj.text[word.end() :]
            tally["quote planted"] += 1
            tally["quote caught"] += caught(replace(brief, obj, text=text), ref)
        own = {passages[p][0].id for p in obj.citations if p in passages}
        said = {passages[p][1].text for p in obj.citations if p in passages}
        others = [
            pid
            for pid, (source, passage) in passages.items()
            if source.id not in own and passage.text not in said
        ]
        if others and isinstance(obj, Claim | Figure | Quote):
            planted = rng.choice(others)
            wrong: dict[str, object] = {"citations": [planted]}
            if isinstance(obj, Figure):  # the file stays consistent: only the citation is wrong
                wrong["source_ids"] = [passages[planted][0].id]
            tally["passage planted"] += 1
            tally["passage caught"] += caught(replace(brief, obj, **wrong), ref)


def plant_speakers(brief: Brief, rng: random.Random, tally: Counter[str]) -> None:
    passages = brief.passage_index()
    for _, ref, obj in brief.labelled_objects():
        if not isinstance(obj, Quote) or not obj.speaker:
            continue
        where = {(passages[p][0].id, passages[p][1].paragraph) for p in obj.citations}
        here = " ".join(
            p.text for s in brief.sources for p in s.passages if (s.id, p.paragraph) in where
        )
        speaker = set(obj.speaker.split())
        names = {
            name
            for pid, (source, passage) in passages.items()
            if (source.id, passage.paragraph) not in where
            for name in NAME.findall(passage.text)
            if name not in here and not speaker & set(name.split())
        }
        for wrong in rng.sample(sorted(names), min(len(names), 3)):
            tally["speaker planted"] += 1
            tally["speaker caught"] += caught(replace(brief, obj, speaker=wrong), ref)


def plant_mixed(brief: Brief, rng: random.Random, tally: Counter[str]) -> None:
    """Two figures of one story counting different things, from different sources, shown
    as one disagreement."""
    for k, story in enumerate(brief.stories):
        shown = [f for group in story.key_figures for f in group.figures]
        pairs = [
            (a, b)
            for i, a in enumerate(shown)
            for b in shown[i + 1 :]
            if not set(a.source_ids) & set(b.source_ids) and counted(a) != counted(b)
        ]
        for a, b in rng.sample(pairs, min(len(pairs), 10)):
            mixed = KeyFigure(subject=a.counts, figures=[a, b], disagreement=True)
            grown = story.model_copy(update={"key_figures": [*story.key_figures, mixed]})
            stories = [grown if s is story else s for s in brief.stories]
            planted = revalidated(brief.model_copy(update={"stories": stories}))
            at = f"stories[{k}].key_figures[{len(story.key_figures)}]"
            tally["mixed planted"] += 1
            tally["mixed caught"] += caught(planted, f"{at}[0]") and caught(planted, f"{at}[1]")


def plant_cross(brief: Brief, rng: random.Random, tally: Counter[str]) -> None:
    passages = brief.passage_index()
    for at in brief.located():
        own = set(at.story.source_ids)
        others = [pid for pid, (source, _) in passages.items() if source.id not in own]
        if not others:
            continue
        planted = rng.choice(others)
        wrong: dict[str, object] = {"citations": [*at.obj.citations, planted]}
        if isinstance(at.obj, Figure):  # the file stays consistent: only the story is wrong
            wrong["source_ids"] = sorted({*at.obj.source_ids, passages[planted][0].id})
        tally["cross planted"] += 1
        tally["cross caught"] += caught(replace(brief, at.obj, **wrong), at.ref)


def meaning_edit(kind: str, obj: Claim | Figure | Quote) -> str | None:
    if kind == "ellipsis":
        spans = [(0, len(obj.text))] if isinstance(obj, Quote) else inside_quotes(obj.text)
        return meaning_edits.ellipsis(obj.text, spans)
    edited: str | None = getattr(meaning_edits, kind)(obj.text)
    return edited


def plant_meaning(brief: Brief, tally: Counter[str]) -> None:
    """Each meaning kind in every supported claim and quote of the brief at once."""
    review = verify_brief(brief)
    status = {c.ref: c.status for c in review.claims}
    tally["unedited total"] += review.total
    tally["unedited supported"] += review.supported
    targets = [
        (ref, obj)
        for _, ref, obj in brief.labelled_objects()
        if isinstance(obj, Claim | Quote) and status.get(ref) == "supported"
    ]
    for kind in MEANING_KINDS:
        edits = {ref: (obj, text) for ref, obj in targets if (text := meaning_edit(kind, obj))}
        if not edits:
            continue
        planted = edited_brief(brief, {id(obj): {"text": text} for obj, text in edits.values()})
        after = {c.ref: c.status for c in verify_brief(planted).claims}
        tally[f"{kind} planted"] += len(edits)
        tally[f"{kind} caught"] += sum(after[ref] != "supported" for ref in edits)


def counted(figure: Figure) -> tuple[str | None, str]:
    """What a figure counts, roughly: its unit and the last word of its counted words."""
    words = [w for w in WORD_ANY.findall(figure.counts.lower()) if w not in {"of", "the"}]
    return figure.unit, counted_word(words[-1]) if words else ""


def print_meaning(meaning: Counter[str]) -> None:
    for kind in MEANING_KINDS:
        planted, found = meaning[f"{kind} planted"], meaning[f"{kind} caught"]
        print(f"{kind:9} planted={planted:4} caught={found:4} ({found / max(planted, 1):.1%})")
    total, supported = meaning["unedited total"], meaning["unedited supported"]
    print(f"unedited: {supported} of {total} supported ({supported / max(total, 1):.1%})")


def held_out(evaldata: Path) -> int:
    """The meaning edits on data the checks were not developed on: each page and each
    news feed of ../shared/evaldata, one brief each."""
    inputs = sorted(evaldata.glob("pages/*.html")) + sorted(
        p for p in evaldata.glob("feeds/*") if p.suffix in {".rss", ".atom"}
    )
    meaning: Counter[str] = Counter()
    for path in inputs:
        plant_meaning(pipeline.generate([str(path)], engine="extractive"), meaning)
    print(f"held out: {len(inputs)} pages and feeds of {evaldata}")
    print_meaning(meaning)
    return 0


def main() -> int:
    given = [a for a in sys.argv[1:] if not a.startswith("--")]
    clusters = Path(given[0]) if given else DEFAULT
    if "--held-out" in sys.argv:
        return held_out(clusters.parent)
    only_meaning = "--meaning" in sys.argv
    rng = random.Random(4)  # noqa: S311 - a reproducible sample, not a secret
    tally: Counter[str] = Counter()
    meaning: Counter[str] = Counter()
    for path in sorted(clusters.glob("*.json")):
        brief = pipeline.generate([str(path)], engine="extractive")
        plant_meaning(brief, meaning)
        if only_meaning:
            continue
        plant(brief, rng, tally)
        plant_speakers(brief, rng, tally)
        plant_mixed(brief, rng, tally)
    if SEED.is_dir() and clusters == DEFAULT:
        plant_meaning(pipeline.generate([str(SEED)], engine="extractive"), meaning)
    print_meaning(meaning)
    if only_meaning:
        return 0
    day = pipeline.generate([str(clusters)], engine="extractive")
    plant_cross(day, rng, tally)
    files = len(list(clusters.glob("*.json")))
    print(f"the {files} clusters as one day: {len(day.stories)} stories")
    for kind in ("number", "quote", "passage", "speaker", "mixed", "cross"):
        planted, found = tally[f"{kind} planted"], tally[f"{kind} caught"]
        print(f"{kind:8} planted={planted:4} caught={found:4} ({found / max(planted, 1):.1%})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
