"""action.yml: its expressions name only what exists, no input reaches a script except
through the environment, and its steps' scripts run here as the runner runs them
(`bash --noprofile --norc -eo pipefail`, with fake GITHUB_OUTPUT and GITHUB_STEP_SUMMARY
files and the runner's variables), step outputs feeding the next step."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from test_github import parse_outputs

ROOT = Path(__file__).resolve().parent.parent
ACTION = yaml.safe_load((ROOT / "action.yml").read_text(encoding="utf-8"))
STEPS = ACTION["runs"]["steps"]
EXPRESSION = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")
DATE = "2026-11-23"


def test_the_action_is_composite_and_its_expressions_name_what_exists() -> None:
    assert ACTION["runs"]["using"] == "composite"
    ids = [step["id"] for step in STEPS]
    for step in STEPS:
        assert step["shell"] == "bash"
        assert "${{" not in step["run"]  # inputs reach scripts through env only
        for value in step.get("env", {}).values():
            for expression in EXPRESSION.findall(value):
                kind, name = _reference(expression)
                assert kind != "inputs" or name in ACTION["inputs"], expression
                assert kind != "steps" or name.split(".")[0] in ids, expression
    for output in ACTION["outputs"].values():
        (expression,) = EXPRESSION.findall(output["value"])
        assert _reference(expression)[0] == "steps"


def _reference(expression: str) -> tuple[str, str]:
    """`inputs.NAME` or `steps.ID.outputs.NAME`; anything else fails the test, since the
    runner emulated here evaluates only these."""
    match = re.fullmatch(r"inputs\.([\w-]+)|steps\.([\w-]+)\.outputs\.([\w-]+)", expression)
    assert match, f"unsupported expression {expression!r}"
    if match[1]:
        return "inputs", match[1]
    return "steps", f"{match[2]}.{match[3]}"


class Runner:
    """Runs the action's steps the way the Actions runner does, in a workspace."""

    def __init__(self, workspace: Path, inputs: dict[str, str]) -> None:
        self.workspace = workspace
        self.inputs = {name: spec.get("default", "") for name, spec in ACTION["inputs"].items()}
        self.inputs.update(inputs)
        self.outputs: dict[str, dict[str, str]] = {}
        self.temp = workspace.parent / "runner-temp"
        self.temp.mkdir(exist_ok=True)

    def evaluate(self, value: str) -> str:
        def one(match: re.Match[str]) -> str:
            kind, name = _reference(match[1])
            if kind == "inputs":
                return self.inputs[name]
            step, output = name.split(".")
            return self.outputs.get(step, {}).get(output, "")

        return EXPRESSION.sub(one, value)

    def run(self, step: dict[str, Any]) -> subprocess.CompletedProcess[str]:
        script = self.temp / f"{step['id']}.sh"
        script.write_text(step["run"], encoding="utf-8")
        files = {
            name: self.temp / f"{step['id']}.{name.lower()}"
            for name in ("GITHUB_OUTPUT", "GITHUB_STEP_SUMMARY")
        }
        for file in files.values():
            file.write_text("", encoding="utf-8")
        env = {
            **os.environ,
            "GITHUB_ACTIONS": "true",
            "GITHUB_ACTION_PATH": str(ROOT),
            "GITHUB_WORKSPACE": str(self.workspace),
            "RUNNER_TEMP": str(self.temp),
            **{name: str(path) for name, path in files.items()},
            **{name: self.evaluate(value) for name, value in step.get("env", {}).items()},
        }
        done = subprocess.run(  # noqa: S603 - our own script, as the runner runs it
            ["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script)],  # noqa: S607
            cwd=self.workspace,
            env=env,
            capture_output=True,
            text=True,
            check=False,
            timeout=300,
        )
        self.outputs[step["id"]] = parse_outputs(files["GITHUB_OUTPUT"].read_text("utf-8"))
        self.summary = files["GITHUB_STEP_SUMMARY"].read_text("utf-8")
        return done


def fake_python(folder: Path, *, version_ok: bool = True) -> Path:
    """Stands in for `python3` in the install step, which cannot reach PyPI here: the
    version check is answered as asked, and `-m venv DIR` makes DIR/bin with this test
    environment's briefing and a python that records the pip command it is given."""
    briefing = Path(sys.executable).parent / "briefing"
    fake = folder / "python3"
    fake.write_text(
        "#!/usr/bin/env bash\n"
        f'if [ "$1" = -c ]; then exit {0 if version_ok else 1}; fi\n'
        'if [ "$1 $2" = "-m venv" ]; then\n'
        '  mkdir -p "$3/bin"\n'
        f'  ln -s "{briefing}" "$3/bin/briefing"\n'
        '  printf \'#!/usr/bin/env bash\\necho "$*" >> "%s/pip-calls"\\n\' "$3" > "$3/bin/python"\n'
        '  chmod +x "$3/bin/python"\n'
        "  exit 0\n"
        "fi\n"
        "exit 99\n",
        encoding="utf-8",
    )
    fake.chmod(0o755)
    return fake


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    folder = tmp_path / "repo"
    shutil.copytree(ROOT / "examples", folder / "inputs", ignore=shutil.ignore_patterns("*.yml"))
    return folder


def test_the_steps_install_write_verify_and_set_the_outputs(
    workspace: Path, tmp_path: Path
) -> None:
    runner = Runner(
        workspace,
        {
            "paths": "inputs/\n",
            "fail-under": "0.95",
            "date": DATE,
            "python": str(fake_python(tmp_path)),
            "formats": "md html sarif",
        },
    )
    install, brief = STEPS
    done = runner.run(install)
    assert done.returncode == 0, done.stderr
    venv = runner.temp / "briefing-venv"
    assert runner.outputs["install"] == {"bin": f"{venv}/bin/briefing"}
    pip = (venv / "pip-calls").read_text(encoding="utf-8")
    assert pip == f"-m pip install --quiet --disable-pip-version-check {ROOT}\n"

    done = runner.run(brief)
    assert done.returncode == 0, done.stderr
    assert "::error" not in done.stderr
    assert "::warning" not in done.stderr
    folder = workspace / "briefs"
    assert sorted(p.name for p in folder.iterdir()) == [
        f"{DATE}.{suffix}" for suffix in ("html", "json", "md", "sarif")
    ]
    outputs = {name: runner.evaluate(spec["value"]) for name, spec in ACTION["outputs"].items()}
    assert outputs == {
        "brief": f"briefs/{DATE}.md",
        "json": f"briefs/{DATE}.json",
        "sarif": f"briefs/{DATE}.sarif",
        "fraction-supported": "1.0000",
        "gate": "passed",
        "directory": "briefs",
    }
    assert runner.summary.startswith("### 2 stories, led by: Velka dam breach")
    assert "Gate `--fail-under 0.95`: passed." in runner.summary


def test_without_md_the_annotations_point_at_the_json(workspace: Path) -> None:
    runner = Runner(workspace, {"paths": "inputs/", "formats": "json", "date": DATE})
    runner.outputs["install"] = {"bin": str(Path(sys.executable).parent / "briefing")}
    done = runner.run(STEPS[1])
    assert done.returncode == 0, done.stderr
    assert sorted(p.name for p in (workspace / "briefs").iterdir()) == [
        f"{DATE}.json",
        f"{DATE}.sarif",
    ]
    assert runner.outputs["brief"]["brief"] == f"briefs/{DATE}.json"
    assert runner.outputs["brief"]["gate"] == "off"


@pytest.mark.parametrize(
    ("inputs", "message"),
    [
        ({"paths": "inputs/", "date": "yesterday"}, "the date input must be YYYY-MM-DD"),
        ({"paths": " \n\n"}, "give the paths input"),
        ({"paths": "inputs/", "formats": "md pdf"}, "unknown format in the formats input"),
    ],
)
def test_bad_inputs_stop_the_step_with_one_error(
    workspace: Path, inputs: dict[str, str], message: str
) -> None:
    runner = Runner(workspace, inputs)
    runner.outputs["install"] = {"bin": str(Path(sys.executable).parent / "briefing")}
    done = runner.run(STEPS[1])
    assert done.returncode == 2
    assert done.stdout.startswith(f"::error title=briefing::{message}")
    assert not (workspace / "briefs").exists()


def test_an_old_python_is_refused_before_anything_is_installed(
    workspace: Path, tmp_path: Path
) -> None:
    runner = Runner(
        workspace, {"paths": "inputs/", "python": str(fake_python(tmp_path, version_ok=False))}
    )
    done = runner.run(STEPS[0])
    assert done.returncode == 1
    assert "the python input must name Python 3.11 or later" in done.stdout
    assert not (runner.temp / "briefing-venv").exists()


def test_a_path_that_looks_like_an_option_is_read_as_a_path(workspace: Path) -> None:
    (workspace / "--help.txt").write_text(
        "Ferry news\n\nThe ferry to Oster Mill carried 140 passengers on Wednesday.\n",
        encoding="utf-8",
    )
    runner = Runner(workspace, {"paths": "--help.txt", "date": DATE})
    runner.outputs["install"] = {"bin": str(Path(sys.executable).parent / "briefing")}
    done = runner.run(STEPS[1])
    assert done.returncode == 0, done.stderr
    assert "140 passengers" in (workspace / "briefs" / f"{DATE}.md").read_text(encoding="utf-8")


def test_with_a_config_the_steps_run_briefing_daily(
    workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (workspace / "desk.toml").write_text(
        'inputs = ["inputs/"]\noutput_dir = "site"\nformats = ["md", "json"]\n'
        'title = "Valley desk"\nwindow = "3d"\n',
        encoding="utf-8",
    )
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1795478400")  # 2026-11-24 00:00 UTC
    runner = Runner(workspace, {"config": "desk.toml", "fail-under": "0.95"})
    runner.outputs["install"] = {"bin": str(Path(sys.executable).parent / "briefing")}
    done = runner.run(STEPS[1])
    assert done.returncode == 0, done.stderr
    site = workspace / "site"
    assert {"2026-11-24.md", "2026-11-24.json", "index.md", "feed.xml"} <= {
        p.name for p in site.iterdir()
    }
    outputs = runner.outputs["brief"]
    assert outputs["brief"] == "site/2026-11-24.md"
    assert outputs["gate"] == "passed"
    assert outputs["fraction-supported"] == "1.0000"
    assert runner.summary.startswith("### Valley desk")
    assert "Gate `--fail-under 0.95`: passed." in runner.summary
