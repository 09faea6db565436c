"""HTML main-text extraction against human gold text (../shared/evaldata/pages).

Prints token precision, recall and F1 of the text our HTML reader keeps, per page and
on average. Run: python bench/extraction.py [PATH_TO_SHARED]
"""

from __future__ import annotations

import re
import sys
from collections import Counter
from pathlib import Path

from briefing.ingest.html import read_html

WORD = re.compile(r"\w+")


def scores(extracted: str, gold: str) -> tuple[float, float, float]:
    ours, truth = Counter(WORD.findall(extracted.lower())), Counter(WORD.findall(gold.lower()))
    overlap = sum((ours & truth).values())
    precision = overlap / max(sum(ours.values()), 1)
    recall = overlap / max(sum(truth.values()), 1)
    f1 = 2 * precision * recall / (precision + recall) if overlap else 0.0
    return precision, recall, f1


def main() -> None:
    shared = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).parents[2] / "shared"
    pages = sorted((shared / "evaldata" / "pages").glob("*.html"))
    if not pages:
        sys.exit(f"no pages under {shared}/evaldata/pages")
    totals = [0.0, 0.0, 0.0]
    print(f"{'page':32} precision recall    f1")
    for page in pages:
        (article,) = read_html(page.read_text(encoding="utf-8", errors="replace"), page.name)
        gold = page.with_suffix(".gold.txt").read_text(encoding="utf-8")
        text = article.title + "\n" + "\n".join(article.paragraphs())
        p, r, f = scores(text, gold)
        totals = [totals[0] + p, totals[1] + r, totals[2] + f]
        print(f"{page.stem:32} {p:9.3f} {r:6.3f} {f:6.3f}")
    n = len(pages)
    print(f"{'mean':32} {totals[0] / n:9.3f} {totals[1] / n:6.3f} {totals[2] / n:6.3f}")


if __name__ == "__main__":
    main()
