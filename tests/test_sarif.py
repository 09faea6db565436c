"""`briefing verify -o report.sarif`: SARIF 2.1.0 that the official schema accepts, one
result per claim not fully supported, rule ids per check, locations on the markdown
brief's lines."""

from __future__ import annotations

import hashlib
import json
import typing
from pathlib import Path

import jsonschema
import pytest
from click.testing import CliRunner
from planted import write_planted

from briefing.cli import cli
from briefing.models import Review
from briefing.render.escape import escape_markdown
from briefing.render.locate import Located, claim_lines
from briefing.render.sarif import GENERIC, RULES, render_sarif
from briefing.verify.findings import Rule

SCHEMA_FILE = Path(__file__).resolve().parent / "schemas" / "sarif-schema-2.1.0.json"
SCHEMA_SHA256 = "c3b4bb2d6093897483348925aaa73af03b3e3f4bd4ca38cef26dcb4212a2682e"


def run(*args: object, input: str | None = None):  # noqa: A002 - as CliRunner names it
    return CliRunner().invoke(cli, [str(a) for a in args], input=input, catch_exceptions=False)


def assert_valid_sarif(text: str) -> dict:
    log = json.loads(text)
    schema = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    validator = jsonschema.Draft4Validator(schema, format_checker=jsonschema.FormatChecker())
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(log)]
    assert errors == []
    return log


def test_the_bundled_schema_is_the_official_file() -> None:
    assert hashlib.sha256(SCHEMA_FILE.read_bytes()).hexdigest() == SCHEMA_SHA256
    schema = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    assert schema["id"].endswith("/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json")
    jsonschema.Draft4Validator.check_schema(schema)


def test_the_schema_check_rejects_a_broken_log() -> None:
    with pytest.raises(AssertionError):
        assert_valid_sarif(json.dumps({"version": "2.1.0", "runs": [{"results": []}]}))
    # A file name that is not a URI reference (the format checks are on).
    log = json.loads(render_sarif(_review(["name"]), "Day", Located("a.md", [1])))
    log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] = (
        "my briefs/a.md"
    )
    with pytest.raises(AssertionError):
        assert_valid_sarif(json.dumps(log))


@pytest.fixture(scope="module")
def planted(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    return write_planted(tmp_path_factory.mktemp("planted"))


def test_a_planted_brief_gives_one_valid_result_per_flagged_claim(
    planted: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    brief_json, brief_md = planted
    monkeypatch.chdir(brief_json.parent)
    report = tmp_path / "report.sarif"
    result = run("verify", brief_json, "-o", report)
    assert result.exit_code == 0, result.output
    log = assert_valid_sarif(report.read_text(encoding="utf-8"))
    review = json.loads(run("verify", brief_json, "--format", "json").stdout)
    flagged = [c for c in review["claims"] if c["status"] != "supported"]
    results = log["runs"][0]["results"]
    assert len(results) == len(flagged) == 28
    markdown = brief_md.read_text(encoding="utf-8").split("\n")
    rules = log["runs"][0]["tool"]["driver"]["rules"]
    for check, found in zip(flagged, results, strict=True):
        assert (
            found["level"]
            == {"unsupported": "error", "partly supported": "warning"}[check["status"]]
        )
        assert found["ruleId"] == check["rules"][0]
        assert rules[found["ruleIndex"]]["id"] == found["ruleId"]
        assert found["partialFingerprints"] == {"briefingClaimKey/v1": check["key"]}
        assert check["ref"] in found["message"]["text"]
        assert all(reason in found["message"]["text"] for reason in check["reasons"])
        (location,) = found["locations"]
        assert location["physicalLocation"]["artifactLocation"]["uri"] == "brief.md"
        line = location["physicalLocation"]["region"]["startLine"]
        assert escape_markdown(check["text"]) in markdown[line - 1]
    by_rule = {r["ruleId"] for r in results}
    assert by_rule == {"quote", "number", "name"}


def test_locations_are_the_lines_the_claims_stand_on_whatever_the_layout() -> None:
    # The same claims in another order, repeated in a review list and inside each other.
    texts = ["The 10.5 km stretch of road is shut.", "10.5 km stretch", "Schools stay shut."]
    layout = (
        "# Day",
        "## Story two",
        "- Schools stay shut. [[3]]",
        "## Story one",
        "- The 10.5 km stretch of road is shut. [[1]]",
        "- **Distance:** 10.5 km stretch [[2]]",
        "## Review",
        "- The 10.5 km stretch of road is shut.",
    )
    document = "\n".join(layout)
    assert claim_lines(document, texts, "md") == [5, 6, 3]
    assert claim_lines(document, ["Not in the brief."], "md") == [None]
    escaped = "A *starred* [link] | cell"
    assert claim_lines(f"x\n- {escape_markdown(escaped)}\n", [escaped], "md") == [2]


def test_without_a_markdown_brief_the_json_lines_are_used(
    planted: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    brief_json, _ = planted
    alone = tmp_path / "alone.json"
    alone.write_text(brief_json.read_text(encoding="utf-8"), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = run("verify", "alone.json", "--format", "sarif")
    log = assert_valid_sarif(result.stdout)
    lines = alone.read_text(encoding="utf-8").split("\n")
    for found in log["runs"][0]["results"]:
        where = found["locations"][0]["physicalLocation"]
        assert where["artifactLocation"]["uri"] == "alone.json"
        claim = found["message"]["text"].split("\u201c", 1)[1].rsplit("\u201d. Reasons", 1)[0]
        assert (
            json.dumps(claim, ensure_ascii=False)[1:-1] in lines[where["region"]["startLine"] - 1]
        )


def test_a_brief_on_standard_input_has_results_without_locations(
    planted: tuple[Path, Path],
) -> None:
    brief_json, brief_md = planted
    piped = run("verify", "-", "--format", "sarif", input=brief_json.read_text(encoding="utf-8"))
    results = assert_valid_sarif(piped.stdout)["runs"][0]["results"]
    assert len(results) == 28
    assert all("locations" not in r for r in results)
    named = run(
        "verify",
        "-",
        "--format",
        "sarif",
        "--markdown",
        brief_md,
        input=brief_json.read_text(encoding="utf-8"),
    )
    assert all(r["locations"] for r in assert_valid_sarif(named.stdout)["runs"][0]["results"])


def test_every_check_the_verifier_reports_has_its_rule() -> None:
    assert set(typing.get_args(Rule)) <= set(RULES)
    assert GENERIC.id not in RULES


def _review(rules: list[str], path_text: str = "x") -> Review:
    check = {
        "key": "k",
        "ref": "C1",
        "section": "Key developments",
        "text": path_text,
        "status": "partly supported",
        "reasons": ["something new"],
        "rules": rules,
        "support": 0.5,
    }
    return Review.model_validate(
        {
            "claims": [check],
            "total": 1,
            "supported": 0,
            "partly_supported": 1,
            "unsupported": 0,
            "fraction_supported": 0.0,
        }
    )


@pytest.mark.parametrize("rules", [["a-check-added-later"], []], ids=["unknown", "none"])
def test_an_unknown_check_gets_the_generic_rule(rules: list[str]) -> None:
    log = assert_valid_sarif(render_sarif(_review(rules), "Day"))
    (found,) = log["runs"][0]["results"]
    assert found["ruleId"] == GENERIC.id
    driver = log["runs"][0]["tool"]["driver"]
    assert driver["rules"][found["ruleIndex"]]["id"] == GENERIC.id


@pytest.mark.parametrize(
    ("path", "uri"),
    [
        ("briefs/2026-11-23.md", "briefs/2026-11-23.md"),
        ("my briefs/#1?.md", "my%20briefs/%231%3F.md"),
        ("/srv/out/brief.md", "file:///srv/out/brief.md"),
        ("evil\n:%.md", "evil%0A%3A%25.md"),
    ],
)
def test_file_names_become_uri_references(path: str, uri: str) -> None:
    log = assert_valid_sarif(render_sarif(_review(["name"]), "Day", Located(path, [None])))
    (found,) = log["runs"][0]["results"]
    where = found["locations"][0]["physicalLocation"]
    assert where["artifactLocation"]["uri"] == uri
    assert where["region"]["startLine"] == 1  # not found: the file's top
    assert "was not found in" in found["message"]["text"]
