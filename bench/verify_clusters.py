"""Generate a brief for every evaluation cluster with the offline engine and verify it.

    python bench/verify_clusters.py [CLUSTERS_DIR] [--min 0.95]

Prints one line per cluster (claims, supported, partly, unsupported, fraction) and every
claim that is not fully supported with its reasons; exits 1 when a cluster is below --min.
The clusters are third-party text and stay in ../shared; nothing is copied from them.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from briefing import pipeline

DEFAULT = Path(__file__).resolve().parents[1].parent / "shared" / "evaldata" / "clusters"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("clusters", nargs="?", type=Path, default=DEFAULT)
    parser.add_argument("--min", type=float, default=0.95, dest="minimum")
    args = parser.parse_args()
    files = sorted(args.clusters.glob("*.json"))
    if not files:
        print(f"no clusters in {args.clusters}", file=sys.stderr)
        return 2
    below = 0
    totals = [0, 0]
    for path in files:
        brief = pipeline.generate([str(path)], engine="extractive")
        review = brief.review
        assert review is not None
        totals[0] += review.total
        totals[1] += review.supported
        mark = "ok " if review.fraction_supported >= args.minimum else "LOW"
        below += mark == "LOW"
        print(
            f"{mark} {path.stem[:48]:48} claims={review.total:3} supported={review.supported:3} "
            f"partly={review.partly_supported:2} unsupported={review.unsupported:2} "
            f"fraction={review.fraction_supported:.3f}"
        )
        for check in review.claims:
            if check.status != "supported":
                print(f"      {check.status}: {check.ref}: {check.text[:70]!r}")
                for reason in check.reasons:
                    print(f"        - {reason}")
    overall = totals[1] / totals[0] if totals[0] else 0.0
    print(
        f"{len(files)} clusters, {totals[1]} of {totals[0]} claims supported ({overall:.3f}); "
        f"{below} below {args.minimum}"
    )
    return 1 if below else 0


if __name__ == "__main__":
    sys.exit(main())
