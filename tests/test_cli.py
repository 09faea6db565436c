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


def dry_run_model(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, *args: str) -> str:
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(
        cli, ["generate", str(EXAMPLES), "--engine", "openai", "--dry-run", *args]
    )
    assert result.exit_code == 0, result.output
    return result.stdout.splitlines()[0]


def test_generate_settings_come_from_cli_then_environment_then_file_then_default(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from briefing.choices import DEFAULT_MODEL  # noqa: PLC0415

    assert (
        dry_run_model(tmp_path, monkeypatch)
        == f"Dry run for model {DEFAULT_MODEL}: no request is sent."
    )
    monkeypatch.setenv("OPENAI_MODEL", "from-openai-model")
    assert "model from-openai-model:" in dry_run_model(tmp_path, monkeypatch)
    (tmp_path / "briefing.toml").write_text('model = "from-file"\n')
    assert "model from-file:" in dry_run_model(tmp_path, monkeypatch)
    monkeypatch.setenv("BRIEFING_MODEL", "from-briefing-model")
    assert "model from-briefing-model:" in dry_run_model(tmp_path, monkeypatch)
    assert "model from-cli:" in dry_run_model(tmp_path, monkeypatch, "--model", "from-cli")


def test_a_bad_setting_from_the_environment_names_it_for_every_command(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("BRIEFING_MAX_CONCURRENCY", "0")
    result = CliRunner().invoke(cli, ["generate", str(EXAMPLES), "-o", "b.md"])
    assert result.exit_code == 1
    assert result.stderr == ("error: BRIEFING_MAX_CONCURRENCY=0: give a whole number, at least 1\n")
    monkeypatch.delenv("BRIEFING_MAX_CONCURRENCY")
    (tmp_path / "briefing.toml").write_text('templates = "nowhere"\n')
    brief = Path(__file__).parent / "data" / "brief-harrowgate.json"
    result = CliRunner().invoke(cli, ["render", str(brief), "-o", "b.md"])
    assert result.exit_code == 1
    assert "nowhere" in result.stderr


def test_a_model_without_a_key_is_said_or_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    auto = CliRunner().invoke(cli, ["generate", str(EXAMPLES), "--model", "m", "-q", "-o", "b.md"])
    assert auto.exit_code == 0
    assert auto.stderr.startswith(
        "warning: --model given but no OPENAI_API_KEY, so --engine auto writes with the "
        "offline extractive engine"
    )
    refused = CliRunner().invoke(
        cli, ["generate", str(EXAMPLES), "--engine", "extractive", "--base-url", "http://x"]
    )
    assert refused.exit_code == 2
    assert "--base-url: --engine extractive uses no language model" in refused.stderr
    openai = CliRunner().invoke(
        cli, ["generate", str(EXAMPLES), "--engine", "openai", "-o", "c.md"]
    )
    assert openai.exit_code == 1
    assert openai.stderr.startswith("error: no OPENAI_API_KEY")
    assert not (tmp_path / "c.md").exists()


def test_every_command_has_whole_typed_help() -> None:
    runner = CliRunner()
    listing = runner.invoke(cli, ["--help"]).stdout
    assert "..." not in listing.split("Commands:", 1)[1]  # no summary cut mid-sentence
    for name, command in cli.commands.items():
        result = runner.invoke(cli, [name, "--help"])
        assert result.exit_code == 0
        assert command.short_help
        assert command.short_help.endswith(".")
        ctx = click.Context(command)
        for param in command.params:
            if isinstance(param, click.Option) and param.name != "help":
                assert param.help, f"{name} {param.opts[0]} has no help"
                if not param.is_flag and param.opts[0] != "--title":
                    assert param.make_metavar(ctx) != "TEXT", f"{name} {param.opts[0]}"
    assert "--engine" not in runner.invoke(cli, ["verify", "--help"]).stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["-o", "missing/brief.md"], "missing/brief.md: the folder missing does not exist; "),
        (["-o", "b.html", "--templates", "broken"], "template broken/brief.html.j2:1: "),
    ],
)
def test_cheap_checks_come_before_any_model_call(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: list[str], message: str
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "broken").mkdir()
    (tmp_path / "broken" / "brief.html.j2").write_text("{% if %}")
    # Nothing listens there: a model call would end in a connection error, not this one.
    monkeypatch.setenv("OPENAI_BASE_URL", "http://127.0.0.1:9/v1")
    result = CliRunner().invoke(
        cli, ["generate", str(EXAMPLES), "--engine", "openai", "--no-cache", *args]
    )
    assert result.exit_code == 1
    assert result.stderr.startswith(f"error: {message}")
    assert result.stderr.count("\n") == 1


def test_shell_completion_is_documented_and_completes_commands() -> None:
    readme = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    assert 'eval "$(_BRIEFING_COMPLETE=bash_source briefing)"' in readme
    result = CliRunner().invoke(
        cli,
        [],
        prog_name="briefing",
        env={
            "_BRIEFING_COMPLETE": "bash_complete",
            "COMP_WORDS": "briefing gen",
            "COMP_CWORD": "1",
        },
    )
    assert result.stdout == "plain,generate\n"
