"""The wheel carries templates, prompts, the tiktoken encodings and the price list (hatch
force-include for the first two), so a non-editable install renders, prompts, counts
tokens offline and estimates costs."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from typing import TYPE_CHECKING

from briefing.llm.pricing import SHIPPED_PRICES
from briefing.llm.tokens import VENDORED_DIR
from tests.conftest import ROOT

if TYPE_CHECKING:
    from pathlib import Path


def test_wheel_contains_templates_prompts_encodings_and_prices(tmp_path: Path) -> None:
    subprocess.run(  # noqa: S603 - our own interpreter and fixed arguments
        [sys.executable, "-m", "hatchling", "build", "-t", "wheel", "-d", str(tmp_path)],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    (wheel,) = tmp_path.glob("briefing-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    templates = {p.name for p in (ROOT / "templates").iterdir() if p.suffix == ".j2"}
    assert "brief.md.j2" in templates
    assert {f"briefing/templates/{name}" for name in templates} <= names
    prompts = {p.name for p in (ROOT / "prompts").iterdir() if p.suffix == ".j2"}
    assert {"map.system.j2", "map.user.j2", "reduce.system.j2", "reduce.user.j2"} <= prompts
    assert {f"briefing/prompts/{name}" for name in prompts} <= names
    encodings = [p.name for p in VENDORED_DIR.iterdir() if len(p.name) == 40]
    assert len(encodings) == 2
    assert {f"briefing/data/tiktoken/{name}" for name in encodings} <= names
    assert SHIPPED_PRICES.relative_to(ROOT).as_posix() == "briefing/data/prices.json"
    assert "briefing/data/prices.json" in names


def readme_command(number: int) -> str:
    result = subprocess.run(  # noqa: S603 - our own script and interpreter
        [sys.executable, str(ROOT / ".ci" / "readme-command"), str(number)],
        check=True,
        capture_output=True,
        text=True,
    )
    return result.stdout.strip()


def test_the_quick_start_commands_make_and_use_a_virtualenv() -> None:
    """Debian's own Python refuses `pip install` outside a virtualenv (PEP 668): each README
    command makes one and calls its programs by path, and CI runs both exactly as printed."""
    for number in (1, 2):
        command = readme_command(number)
        assert command.startswith("python3 -m venv .venv && .venv/bin/pip install -e ")
        steps = command.split(" && ")
        assert all(s.startswith((".venv/bin/", "python3 -m venv")) for s in steps)
    assert readme_command(1).endswith(".venv/bin/briefing generate examples/ -o brief.md")
    assert readme_command(2).endswith(".venv/bin/pytest")
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "bash .ci/quickstart" in ci
    assert '"$(python3 .ci/readme-command 2)"' in ci
    assert 'readme-command" 1' in (ROOT / ".ci" / "quickstart").read_text(encoding="utf-8")
