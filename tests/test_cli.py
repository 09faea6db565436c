from __future__ import annotations

import json
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from briefing import __version__
from briefing.cli import cli
from tests.conftest import EXAMPLES, INPUTS


def run(*args: str) -> click.testing.Result:
    return CliRunner().invoke(cli, list(args))


def all_commands() -> list[str]:
    return sorted(cli.commands)


@pytest.mark.parametrize("command", all_commands())
def test_every_command_has_help(command: str) -> None:
    result = run(command, "--help")
    assert result.exit_code == 0
    assert cli.commands[command].help
    assert "Usage:" in result.output


def test_version() -> None:
    result = run("--version")
    assert result.exit_code == 0
    assert __version__ in result.output


def test_generate_writes_markdown_to_a_file(tmp_path: Path) -> None:
    out = tmp_path / "brief.md"
    result = run("generate", str(EXAMPLES), "-o", str(out))
    assert result.exit_code == 0, result.output
    assert out.read_text().startswith("# ")
    assert [p.name for p in tmp_path.iterdir()] == ["brief.md"]  # no temporary left behind


def test_generate_then_render_json_round_trip(tmp_path: Path) -> None:
    as_json = tmp_path / "brief.json"
    assert run("generate", str(EXAMPLES), "-o", str(as_json)).exit_code == 0
    direct = run("generate", str(EXAMPLES)).stdout
    rendered = run("render", str(as_json)).stdout
    strip = lambda text: text.rsplit("## Run", 1)[0]  # noqa: E731 - run times differ
    assert strip(rendered) == strip(direct)
    assert json.loads(as_json.read_text())["engine"]["name"] == "extractive"


def test_skipped_inputs_warn_and_are_listed_in_the_brief() -> None:
    result = run("generate", str(EXAMPLES), str(INPUTS / "empty.txt"))
    assert result.exit_code == 0
    assert "warning: skipped" in result.stderr
    assert "empty.txt" in result.stderr
    assert "## Skipped inputs" in result.stdout


def test_nothing_usable_exits_3_with_one_line() -> None:
    result = run("generate", str(INPUTS / "empty.txt"), str(INPUTS / "binary.txt"))
    assert result.exit_code == 3
    assert result.stderr.startswith("error: nothing usable in the inputs")
    assert result.stderr.count("\n") == 1
    assert "Traceback" not in result.output


def test_missing_input_is_one_line_error(tmp_path: Path) -> None:
    result = run("generate", str(tmp_path / "nope.txt"))
    assert result.exit_code == 1
    assert (
        result.stderr
        == f"error: {tmp_path / 'nope.txt'}: no such file or directory; check the path\n"
    )


def test_unknown_output_suffix_writes_nothing(tmp_path: Path) -> None:
    result = run("generate", str(EXAMPLES), "-o", str(tmp_path / "brief.docx"))
    assert result.exit_code == 1
    assert "pass --format" in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_missing_output_folder_is_explained(tmp_path: Path) -> None:
    result = run("generate", str(EXAMPLES), "-o", str(tmp_path / "no" / "brief.md"))
    assert result.exit_code == 1
    assert "does not exist; create it first" in result.stderr


def test_render_rejects_a_file_that_is_not_a_brief(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"title": "x"}')
    result = run("render", str(bad))
    assert result.exit_code == 1
    assert "not a valid brief" in result.stderr
    assert "regenerate it with `briefing generate`" in result.stderr


def test_debug_shows_the_traceback(tmp_path: Path) -> None:
    result = run("--debug", "generate", str(tmp_path / "nope.txt"))
    assert "Traceback" in result.stderr


def test_empty_folder_exits_3_and_says_what_to_pass(tmp_path: Path) -> None:
    result = run("generate", str(tmp_path))
    assert result.exit_code == 3
    assert "no input files" in result.stderr
    assert "pass article files, folders or feeds" in result.stderr
