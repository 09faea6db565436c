import json
from pathlib import Path

import pytest

from briefing.errors import ConfigError, InputError, VerificationFailedError
from briefing.models import Brief
from briefing.pipeline import reviewed
from briefing.render import render_report, report_format_for
from briefing.review import Decision, Decisions, load_decisions
from briefing.verify import claim_key, verify_brief
from briefing.verify.gate import enforce_threshold

FIXTURE = Path(__file__).parent / "data" / "brief-harrowgate.json"


@pytest.fixture
def brief():
    return Brief.model_validate_json(FIXTURE.read_text(encoding="utf-8"))


def with_wrong_number(brief):
    claim = brief.stories[0].bottom_line[1]
    wrong = claim.model_copy(update={"text": claim.text.replace("4,000", "14,000")})
    story = brief.stories[0]
    edited = story.model_copy(update={"bottom_line": [story.bottom_line[0], wrong]})
    return brief.model_copy(update={"stories": [edited]})


def test_fail_under_gate(brief):
    enforce_threshold(verify_brief(brief), 1.0)
    flawed = verify_brief(with_wrong_number(brief))
    with pytest.raises(VerificationFailedError, match="12 of 13 claims supported") as err:
        enforce_threshold(flawed, 1.0)
    assert err.value.exit_code != 0
    enforce_threshold(flawed, 0.9)
    with pytest.raises(ConfigError, match="between 0 and 1"):
        enforce_threshold(flawed, 95)


def test_reports_in_markdown_and_json(brief, tmp_path):
    review = verify_brief(with_wrong_number(brief))
    markdown = render_report(review, brief.title, report_format_for(Path("r.md")))
    assert "**12 of 13 claims supported (92.3%)**" in markdown
    assert "- **unsupported**: C2 (Bottom line" in markdown
    assert "  - the number “14,000” is not in the cited passages" in markdown
    data = json.loads(render_report(review, brief.title, report_format_for(Path("r.json"))))
    assert data["supported"] == 12
    assert data["claims"][1]["reasons"] == ["the number “14,000” is not in the cited passages"]
    with pytest.raises(ConfigError, match=r"name it \.md, \.json or \.sarif, or pass --format"):
        report_format_for(tmp_path / "r.txt")


def test_decisions_drop_rejected_and_mark_accepted(brief, tmp_path):
    rejected_figure = brief.stories[0].key_figures[1].figures[0]
    decisions = Decisions(
        decisions=[
            Decision(key=claim_key(brief.stories[0].bottom_line[0]), decision="accepted"),
            Decision(key=claim_key(brief.stories[0].quotes[1]), decision="rejected"),
            Decision(key=claim_key(rejected_figure), decision="rejected"),
            Decision(key="0000000000000000", decision="rejected"),  # a claim of another run
        ]
    )
    path = tmp_path / "decisions.json"
    path.write_text(decisions.model_dump_json(), encoding="utf-8")
    out = reviewed(brief, path)
    assert [q.text for q in out.stories[0].quotes] == [brief.stories[0].quotes[0].text]
    assert [g.subject for g in out.stories[0].key_figures] == [
        "people evacuated"
    ]  # emptied group dropped
    assert out.review is not None
    assert out.review.rejected == [rejected_figure.text, brief.stories[0].quotes[1].text]
    assert [c.ref for c in out.review.claims if c.reviewed] == ["C1"]
    assert out.review.total == 11
    assert out.review.decisions_file == str(path)
    assert out.review.unmatched_decisions == ["0000000000000000"]
    Brief.model_validate_json(out.model_dump_json())  # still a valid brief


def test_bad_decisions_file_gets_a_message(tmp_path):
    path = tmp_path / "d.json"
    path.write_text('{"decisions": [{"key": "k", "decision": "maybe"}]}', encoding="utf-8")
    with pytest.raises(InputError, match=r"not a decisions file \(decisions\.0\.decision"):
        load_decisions(path)
    path.write_text("[", encoding="utf-8")
    with pytest.raises(InputError, match="not JSON"):
        load_decisions(path)


def test_a_review_of_no_claims_does_not_say_they_checked_out():
    from briefing.models import Review  # noqa: PLC0415

    empty = Review(
        claims=[], total=0, supported=0, partly_supported=0, unsupported=0, fraction_supported=0
    )
    report = render_report(empty, "T")
    assert "The brief has no claims to check." in report
    assert "Every claim checked out." not in report
