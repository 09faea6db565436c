"""How much of each cluster's human reference summary the offline brief covers.

For every cluster in ../shared/evaldata/clusters, compares the brief's claims (bottom line,
developments, unconfirmed) with the reference summary by ROUGE-1 and ROUGE-2 recall, as
the standard `rouge-score` package counts them (Porter stems; pip install rouge-score), so
the ruler stays the same whatever the engine's own tokens are. The baseline is a lead
summary of the same number of words: the first sentences of each article in turn. Prints
both and the ratio brief / baseline: above 1 means choosing sentences beats the leads.
Run: python bench/coverage.py [PATH_TO_SHARED]
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from rouge_score import rouge_scorer

from briefing.pipeline import generate

SCORER = rouge_scorer.RougeScorer(["rouge1", "rouge2"], use_stemmer=True)


def recall(candidate: str, reference: str, n: int) -> float:
    return SCORER.score(reference, candidate)[f"rouge{n}"].recall


def lead_baseline(brief_words: int, sources: list[list[str]]) -> str:
    """Round-robin over the articles' sentences in order, up to the brief's length."""
    picked: list[str] = []
    count = 0
    for position in range(max(len(s) for s in sources)):
        for sentences in sources:
            if position < len(sentences) and count < brief_words:
                picked.append(sentences[position])
                count += len(sentences[position].split())
    return " ".join(picked)


def main() -> None:
    shared = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).parents[2] / "shared"
    clusters = sorted((shared / "evaldata" / "clusters").glob("*.json"))
    if not clusters:
        sys.exit(f"no clusters under {shared}/evaldata/clusters")
    print(f"{'cluster':44} {'R1 brief':>8} {'R1 lead':>8} {'R2 brief':>8} {'R2 lead':>8}")
    sums = [0.0, 0.0, 0.0, 0.0]
    for path in clusters:
        reference = json.loads(path.read_text(encoding="utf-8"))["reference_summary"]
        brief = generate([str(path)], engine="extractive")
        claims = [
            *brief.stories[0].bottom_line,
            *brief.stories[0].key_developments,
            *brief.stories[0].unconfirmed,
        ]
        text = " ".join(c.text for c in claims)
        lead = lead_baseline(
            len(text.split()), [[p.text for p in s.passages] for s in brief.sources]
        )
        row = [recall(text, reference, 1), recall(lead, reference, 1),
               recall(text, reference, 2), recall(lead, reference, 2)]  # fmt: skip
        sums = [a + b for a, b in zip(sums, row, strict=True)]
        print(f"{path.stem[:44]:44} " + " ".join(f"{v:8.3f}" for v in row))
    n = len(clusters)
    mean = [v / n for v in sums]
    print(f"{'mean':44} " + " ".join(f"{v:8.3f}" for v in mean))
    print(f"ratio brief/lead: R1 {mean[0] / mean[1]:.2f}, R2 {mean[2] / mean[3]:.2f}")


if __name__ == "__main__":
    main()
