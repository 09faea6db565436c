"""The offline engine's briefs of the shared evaluation clusters verify; planted errors do not.

Reads ../shared/evaldata/clusters beside the checkout; skips only when it is absent.
"""

import re
from pathlib import Path

import pytest

from briefing.verify import verify_brief
from tests.brief_data import replaced

CLUSTERS = Path(__file__).resolve().parents[2] / "shared" / "evaldata" / "clusters"
FILES = sorted(CLUSTERS.glob("*.json")) if CLUSTERS.is_dir() else []
NUMBER = re.compile(r"(?<![\w.])\d[\d,]*(?:\.\d+)?")

pytestmark = pytest.mark.skipif(not FILES, reason=f"{CLUSTERS} is absent")


@pytest.mark.parametrize("path", FILES, ids=[f.stem[:40] for f in FILES])
def test_cluster_verifies_and_a_planted_wrong_number_is_flagged(path, offline_brief_of):
    brief = offline_brief_of(path)
    assert brief.review is not None
    assert brief.review.total > 0
    assert brief.review.fraction_supported >= 0.95, [
        (c.ref, c.reasons) for c in brief.review.claims if c.status != "supported"
    ]
    numbered = [(ref, obj) for _, ref, obj in brief.labelled_objects() if NUMBER.search(obj.text)]
    if not numbered:
        pytest.skip("no claim with a number to plant an error in")
    ref, obj = numbered[0]
    match = NUMBER.search(obj.text)
    wrong = str(int(float(match.group().replace(",", ""))) * 10 + 3)
    edited = obj.model_copy(
        update={"text": obj.text[: match.start()] + wrong + obj.text[match.end() :]}
    )
    swapped = replaced(brief, obj, edited)
    check = next(c for c in verify_brief(swapped).claims if c.ref == ref)
    assert check.status != "supported"
    assert any(wrong in reason for reason in check.reasons)
