"""Inside GitHub Actions: the step summary, annotations (workflow commands) and step
outputs, with fake GITHUB_STEP_SUMMARY and GITHUB_OUTPUT files, read back the way the
runner reads them."""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING

import pytest
from brief_data import HOSTILE, brief_data
from click.testing import CliRunner
from markdown_it import MarkdownIt
from planted import EXAMPLES, write_planted

from briefing.cli import cli
from briefing.models import Review
from briefing.render.escape import printable
from briefing.render.github import (
    MAX_ANNOTATIONS,
    command,
    output_lines,
    step_summary,
    workflow_commands,
)
from briefing.render.locate import Located

if TYPE_CHECKING:
    from pathlib import Path


def run(*args: object):
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


# --- reading what we wrote, as the runner does -----------------------------------------


def parse_command(line: str) -> tuple[str, dict[str, str], str]:
    """A workflow command as the runner parses it: `::name k=v,k=v::data`, split at the
    first `::` after the name; values and data unescaped, `%25` last."""
    assert line.startswith("::")
    assert "\n" not in line
    assert "\r" not in line
    head, data = line[2:].split("::", 1)
    name, _, given = head.partition(" ")
    properties = {}
    for pair in filter(None, given.split(",")):
        key, value = pair.split("=", 1)
        properties[key] = _unescape(value, ":", ",")
    return name, properties, _unescape(data)


def _unescape(text: str, *more: str) -> str:
    for char in ("\r", "\n", *more):
        text = text.replace(f"%{ord(char):02X}", char)
    return text.replace("%25", "%")


def parse_outputs(text: str) -> dict[str, str]:
    """GITHUB_OUTPUT as the runner reads it: `name=value` or `name<<DELIM` ... `DELIM`."""
    values: dict[str, str] = {}
    lines = text.split("\n")
    i = 0
    while i < len(lines):
        line = lines[i]
        if "<<" in line and ("=" not in line or line.index("<<") < line.index("=")):
            name, delimiter = line.split("<<", 1)
            end = lines.index(delimiter, i + 1)
            values[name] = "\n".join(lines[i + 1 : end])
            i = end + 1
        elif line:
            name, value = line.split("=", 1)
            values[name] = value
            i += 1
        else:
            i += 1
    return values


# --- workflow commands -----------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "plain",
        "100% sure",
        "%0A%25 already escaped",
        "line one\nline two\r\nthree",
        "::error::forged",
        "title=x,file=/etc/passwd::also forged",
        "key: value, other",
        "escape \x1b[31mred",
        *HOSTILE,
    ],
)
def test_any_text_stays_inside_its_command(text: str) -> None:
    line = command("warning", text, file=text, line=3, title=text)
    name, properties, data = parse_command(line)
    assert name == "warning"
    assert properties == {"file": printable(text), "line": "3", "title": printable(text)}
    assert data == printable(text)


def _review(statuses: list[str], fill: str = "claim") -> Review:
    checks = [
        {
            "key": f"k{i}",
            "ref": f"C{i}",
            "section": "Key developments",
            "text": f"{fill} {i}",
            "status": status,
            "reasons": [f"reason {i}"],
            "rules": ["name"],
            "support": 0.5,
        }
        for i, status in enumerate(statuses)
    ]
    supported = statuses.count("supported")
    return Review.model_validate(
        {
            "claims": checks,
            "total": len(checks),
            "supported": supported,
            "partly_supported": statuses.count("partly supported"),
            "unsupported": statuses.count("unsupported"),
            "fraction_supported": supported / len(checks) if checks else 0.0,
        }
    )


def test_at_most_ten_of_each_then_one_line_for_the_rest() -> None:
    review = _review(["unsupported"] * 14 + ["partly supported"] * 11 + ["supported"] * 3)
    located = Located("briefs/day.md", list(range(10, 10 + review.total)))
    lines = workflow_commands(review, located)
    parsed = [parse_command(line) for line in lines]
    kinds = [name for name, _, _ in parsed]
    assert kinds == ["error"] * MAX_ANNOTATIONS + ["warning"] * MAX_ANNOTATIONS + ["notice"]
    first = parsed[0][1]
    assert first == {
        "file": "briefs/day.md",
        "line": "10",
        "title": "unsupported claim C0 (Key developments)",
    }
    assert parsed[MAX_ANNOTATIONS][1]["line"] == str(10 + 14)  # the first partly supported
    assert "4 more unsupported and 1 more partly supported" in parsed[-1][2]
    few = workflow_commands(_review(["unsupported", "supported"]), None)
    assert [parse_command(line)[0] for line in few] == ["error"]
    assert parse_command(few[0])[1] == {"title": "unsupported claim C0 (Key developments)"}


# --- the step summary ------------------------------------------------------------------

MD = MarkdownIt("commonmark").enable(["table"])
OUR_HTML = re.compile(r"<details><summary>[^<>]*</summary>|</details>")


def assert_inert_summary(markdown: str) -> None:
    for token in MD.parse(markdown):
        for t in [token, *(token.children or [])]:
            assert t.type not in {"image", "link_open", "heading_open"} or t.tag == "h3", t
            if t.type in {"html_block", "html_inline"}:
                assert OUR_HTML.fullmatch(t.content.strip()), t.content


@pytest.mark.parametrize("payload", HOSTILE)
def test_the_step_summary_stays_text(payload: str) -> None:
    review = Review.model_validate(brief_data(lambda _field: payload)["review"])
    summary = step_summary(review, payload, located=Located(payload, [1] * review.total))
    assert_inert_summary(summary)
    plain = step_summary(
        Review.model_validate(brief_data()["review"]), "plain", located=Located("p", [1] * 6)
    )
    shape = [(t.type, t.tag) for t in MD.parse(plain)]
    assert [(t.type, t.tag) for t in MD.parse(summary)] == shape
    assert summary.count("<details>") == summary.count("</details>") == 2


def test_a_long_review_is_cut_to_the_budget_and_its_details_still_close() -> None:
    review = _review(["unsupported"] * 3000, fill="a long claim " * 40)
    budget = 200_000
    summary = step_summary(review, "Day", budget=budget)
    assert len(summary.encode()) <= budget
    assert summary.count("<details>") == summary.count("</details>")
    assert "more not shown here" in summary
    assert "**0 of 3000 claims supported (0%)**" in summary


# --- the command line under GITHUB_ACTIONS=true -------------------------------------------


@pytest.fixture
def actions(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path]:
    summary, outputs = tmp_path / "step_summary.md", tmp_path / "github_output"
    summary.write_text("earlier steps' summary\n", encoding="utf-8")
    outputs.write_text("earlier=value\n", encoding="utf-8")
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    monkeypatch.setenv("GITHUB_OUTPUT", str(outputs))
    monkeypatch.setenv("GITHUB_WORKSPACE", str(tmp_path))
    monkeypatch.chdir(tmp_path)
    return summary, outputs


def test_verify_on_a_planted_brief_annotates_summarises_and_fails_the_gate(
    actions: tuple[Path, Path], tmp_path: Path
) -> None:
    summary, outputs = actions
    brief_json, brief_md = write_planted(tmp_path)
    result = run("verify", brief_json, "--fail-under", "1.0", "-o", "report.sarif")
    assert result.exit_code == 4
    lines = result.stderr.splitlines()
    errors = [line for line in lines if line.startswith("::error")]
    warnings = [line for line in lines if line.startswith("::warning")]
    notices = [line for line in lines if line.startswith("::notice")]
    assert len(errors) == MAX_ANNOTATIONS  # 24 unsupported
    assert not warnings  # a wrong number or name is an error, not a warning
    assert len(notices) == 1
    assert "14 more unsupported" in notices[0]
    markdown = brief_md.read_text(encoding="utf-8").split("\n")
    for line in errors + warnings:
        _, properties, data = parse_command(line)
        assert properties["file"] == "brief.md"
        claim = data.split("\u201c", 1)[1].split("\u201d: ", 1)[0]
        assert claim.rstrip("…")[:60] in markdown[int(properties["line"]) - 1].replace("\\", "")
    assert lines[-1].startswith("error: 0 of 24 claims supported (0%)")
    assert "below --fail-under 1" in lines[-1]

    written = summary.read_text(encoding="utf-8")
    assert written.startswith("earlier steps' summary\n### Velka dam breach")
    assert "**0 of 24 claims supported (0%)**" in written
    assert "Gate `--fail-under 1`: **failed**" in written
    assert "<details><summary>24 claim(s) need a look</summary>" in written
    values = parse_outputs(outputs.read_text(encoding="utf-8"))
    assert values == {
        "earlier": "value",
        "brief": "brief.md",
        "fraction-supported": "0.0000",
        "supported": "0",
        "partly-supported": "0",
        "unsupported": "24",
        "contradicted": "0",
        "total": "24",
        "gate": "failed",
        "output": "report.sarif",
    }


def test_ci_none_and_no_actions_write_nothing_for_github(
    actions: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    summary, outputs = actions
    brief_json, _ = write_planted(tmp_path)
    before = summary.read_text(encoding="utf-8"), outputs.read_text(encoding="utf-8")
    quiet = run("verify", brief_json, "--ci", "none", "-o", "r.md")
    assert "::" not in quiet.stderr
    monkeypatch.delenv("GITHUB_ACTIONS")
    assert "::" not in run("verify", brief_json, "-o", "r.md").stderr
    assert (summary.read_text(encoding="utf-8"), outputs.read_text(encoding="utf-8")) == before
    forced = run("verify", brief_json, "--ci", "github", "-o", "r.md")
    assert forced.stderr.count("::error") == MAX_ANNOTATIONS


def test_generate_in_actions_writes_the_summary_and_outputs_quietly(
    actions: tuple[Path, Path],
) -> None:
    summary, outputs = actions
    (summary.parent / "out").mkdir()
    result = run("generate", EXAMPLES, "-o", "out/brief.md", "-q", "--fail-under", "0.95")
    assert result.exit_code == 0, result.output
    assert result.stdout == result.stderr == ""  # every claim supported: nothing to annotate
    assert "Gate `--fail-under 0.95`: passed." in summary.read_text(encoding="utf-8")
    values = parse_outputs(outputs.read_text(encoding="utf-8"))
    assert values["brief"] == values["output"] == "out/brief.md"
    assert values["fraction-supported"] == "1.0000"
    assert values["gate"] == "passed"


def test_outputs_that_cannot_be_written_are_an_error(
    actions: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GITHUB_OUTPUT", str(tmp_path))  # a folder, not a file
    result = run("generate", EXAMPLES, "-o", "brief.json")
    assert result.exit_code == 1
    assert result.stderr.splitlines()[-1].startswith(f"error: {tmp_path}: cannot write the step")


def test_a_full_summary_is_left_alone_with_a_warning(
    actions: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    summary, outputs = actions
    summary.write_text("x" * (1024 * 1024 - 100), encoding="utf-8")
    result = run("generate", EXAMPLES, "-o", "brief.json")
    assert result.exit_code == 0
    assert "warning: " in result.stderr
    assert "the step summary is nearly full" in result.stderr
    assert summary.stat().st_size == 1024 * 1024 - 100
    assert parse_outputs(outputs.read_text(encoding="utf-8"))["brief"] == "brief.json"
    brief = json.loads((summary.parent / "brief.json").read_text(encoding="utf-8"))
    assert brief["review"]["total"] == 24


def test_output_lines_hold_any_value() -> None:
    value = "line one\nname<<EOF\nEOF\n=x"
    assert parse_outputs(output_lines("brief", value)) == {"brief": value}
