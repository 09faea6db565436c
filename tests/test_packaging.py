"""The wheel carries the templates (hatch force-include), so a non-editable install renders."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

from tests.conftest import ROOT


def test_wheel_contains_templates(tmp_path: Path) -> None:
    subprocess.run(  # noqa: S603 - our own interpreter and fixed arguments
        [sys.executable, "-m", "hatchling", "build", "-t", "wheel", "-d", str(tmp_path)],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    (wheel,) = tmp_path.glob("briefing-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    shipped = {Path(n).name for n in names if n.startswith("briefing/templates/")}
    expected = {p.name for p in (ROOT / "templates").iterdir() if p.suffix == ".j2"}
    assert expected
    assert expected <= shipped
