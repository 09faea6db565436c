import json
from pathlib import Path

from click.testing import CliRunner

from briefing.cli import cli

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = ROOT / "tests" / "data" / "brief-harrowgate.json"
EXAMPLES = ROOT / "examples"


def run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


def test_generated_brief_verifies_and_a_planted_wrong_figure_fails_the_gate(tmp_path):
    out = tmp_path / "brief.json"
    result = run("generate", "--engine", "extractive", EXAMPLES, "-o", out)
    assert result.exit_code == 0, result.output
    assert "review: " in result.stderr
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["review"]["total"] > 0
    assert run("verify", out, "--fail-under", "1.0").exit_code == 0

    figure = data["stories"][0]["key_figures"][0]["figures"][0]
    wrong = f"{figure['value'] * 3 + 7:,.0f}"
    figure["text"] = f"{wrong} (planted)"
    figure["value"] = figure["value"] * 3 + 7
    out.write_text(json.dumps(data), encoding="utf-8")
    result = run("verify", out, "--fail-under", "1.0")
    assert result.exit_code == 4
    assert f"the number “{wrong}” is not in the cited passages" in result.stdout
    assert "below --fail-under 1" in result.stderr


def test_unknown_id_gets_a_report_not_a_traceback(tmp_path):
    data = json.loads(FIXTURE.read_text(encoding="utf-8"))
    data["stories"][0]["what_to_watch"][0]["citations"] = ["S7.3"]
    brief = tmp_path / "edited.json"
    brief.write_text(json.dumps(data), encoding="utf-8")
    report = tmp_path / "report.json"
    result = run("verify", brief, "-o", report)
    assert result.exit_code == 0
    assert "12 of 13 claims supported" in result.stderr
    checks = json.loads(report.read_text(encoding="utf-8"))["claims"]
    assert checks[-1]["status"] == "unsupported"
    assert "cites S7.3, which is not a passage of any source in the brief" in checks[-1]["reasons"]
    assert run("verify", brief, "--fail-under", "0.95").exit_code == 4
    bad = run("verify", tmp_path / "missing.json")
    assert bad.exit_code == 1
    assert bad.stderr.startswith("error: ")


def test_generate_review_applies_decisions_and_html_output(tmp_path):
    first = tmp_path / "first.json"
    assert run("generate", EXAMPLES, "-o", first).exit_code == 0
    review = json.loads(first.read_text(encoding="utf-8"))["review"]["claims"]
    accepted, rejected = review[0], review[1]
    decisions = tmp_path / "decisions.json"
    decisions.write_text(
        json.dumps(
            {
                "format": "briefing-review-decisions",
                "version": 1,
                "decisions": [
                    {"key": accepted["key"], "decision": "accepted"},
                    {"key": rejected["key"], "decision": "rejected"},
                ],
            }
        ),
        encoding="utf-8",
    )
    second = tmp_path / "second.json"
    assert run("generate", EXAMPLES, "--review", decisions, "-o", second).exit_code == 0
    again = json.loads(second.read_text(encoding="utf-8"))["review"]
    assert again["rejected"] == [rejected["text"]]
    assert [c["key"] for c in again["claims"] if c["reviewed"]] == [accepted["key"]]
    assert rejected["key"] not in {c["key"] for c in again["claims"]}

    page = tmp_path / "brief.html"
    assert run("generate", EXAMPLES, "--review", decisions, "-o", page).exit_code == 0
    html = page.read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>")
    assert "Reviewed and accepted" in html
    report = tmp_path / "report.json"
    assert run("verify", second, "-o", report).exit_code == 0
    kept = json.loads(report.read_text(encoding="utf-8"))
    assert [c["key"] for c in kept["claims"] if c["reviewed"]] == [accepted["key"]]
    assert kept["rejected"] == [rejected["text"]]
    markdown = run("render", second).stdout
    assert "## Review" in markdown
    assert "### Left out by the reviewer" in markdown


def test_generate_fail_under(tmp_path):
    out = tmp_path / "brief.md"
    assert run("generate", EXAMPLES, "-o", out, "--fail-under", "1.0").exit_code == 0
    out.unlink()
    bad = run("generate", EXAMPLES, "-o", out, "--fail-under", "2")
    assert bad.exit_code == 2  # refused before any work is done
    assert "0<=x<=1" in bad.stderr
    assert not out.exists()


def test_review_decisions_for_claims_no_longer_there_are_warned_about(tmp_path):
    decisions = tmp_path / "decisions.json"
    decisions.write_text(
        json.dumps({"decisions": [{"key": "0000000000000000", "decision": "rejected"}]}),
        encoding="utf-8",
    )
    result = run("generate", EXAMPLES, "--review", decisions, "-o", tmp_path / "b.json")
    assert result.exit_code == 0
    assert "warning: 1 decision(s) in" in result.stderr
    assert "match no claim of this run" in result.stderr
