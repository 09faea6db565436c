"""Output files: the umask, links, devices and FIFOs, outputs that are inputs, `-` for
standard input and output, unwritable places, --fail-under's range, and a run in which
no claim survived."""

from __future__ import annotations

import json
import os
import re
import stat
import subprocess
import sys
import threading
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from click.testing import CliRunner
from llm_fixtures import FakeBackend, reply

from briefing.cli import cli
from briefing.llm import calls
from tests.brief_data import brief_data
from tests.conftest import EXAMPLES

if TYPE_CHECKING:
    from collections.abc import Iterator

    from click.testing import Result

    from briefing.llm.chat import ChatReply, ChatRequest


def run(*args: str, stdin: str | None = None) -> Result:
    return CliRunner().invoke(cli, list(args), input=stdin)


@pytest.fixture
def brief_json(tmp_path: Path) -> Path:
    path = tmp_path / "brief.json"
    path.write_text(json.dumps(brief_data()), encoding="utf-8")
    return path


@pytest.fixture
def umask() -> Iterator[None]:
    old = os.umask(0o027)
    try:
        yield
    finally:
        os.umask(old)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_new_file_follows_the_umask(brief_json: Path, tmp_path: Path, umask: None) -> None:
    out = tmp_path / "brief.md"
    assert run("render", str(brief_json), "-o", str(out)).exit_code == 0
    assert mode(out) == 0o640  # 0666 less 027; tempfile made it 0600 whatever the umask


def test_an_existing_file_keeps_its_mode(brief_json: Path, tmp_path: Path, umask: None) -> None:
    out = tmp_path / "brief.md"
    out.write_text("old")
    out.chmod(0o664)
    assert run("render", str(brief_json), "-o", str(out)).exit_code == 0
    assert mode(out) == 0o664
    assert out.read_text().startswith("# title")


def test_a_symlink_output_writes_its_target_and_stays_a_link(
    brief_json: Path, tmp_path: Path
) -> None:
    (tmp_path / "real").mkdir()
    target = tmp_path / "real" / "brief.md"
    target.write_text("old")
    link = tmp_path / "latest.md"
    link.symlink_to(Path("real") / "brief.md")
    result = run("render", str(brief_json), "-o", str(link))
    assert result.exit_code == 0, result.output
    assert link.is_symlink()
    assert target.read_text().startswith("# title")
    assert sorted(p.name for p in (tmp_path / "real").iterdir()) == ["brief.md"]  # no temporary


def test_a_dangling_symlink_creates_its_target(brief_json: Path, tmp_path: Path) -> None:
    link = tmp_path / "latest.md"
    link.symlink_to("new.md")
    assert run("render", str(brief_json), "-o", str(link)).exit_code == 0
    assert link.is_symlink()
    assert (tmp_path / "new.md").read_text().startswith("# title")


def test_a_link_to_a_device_is_written_through_never_replaced(
    brief_json: Path, tmp_path: Path
) -> None:
    """As root, -o /dev/stdout used to replace the /dev/stdout link with a regular file;
    this is the same thing inside tmp_path (a link to /dev/null)."""
    link = tmp_path / "sink"
    link.symlink_to(os.devnull)
    result = run("render", str(brief_json), "-o", str(link))
    assert result.exit_code == 0, result.output
    assert link.is_symlink()
    assert stat.S_ISCHR(Path(os.devnull).stat().st_mode)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["brief.json", "sink"]


def test_dev_stdout_writes_to_standard_output(brief_json: Path, tmp_path: Path) -> None:
    """Through a link in tmp_path, so the test never touches the real /dev/stdout."""
    link = tmp_path / "out"
    link.symlink_to("/dev/stdout")
    result = subprocess.run(  # noqa: S603 - our own interpreter and module
        [sys.executable, "-m", "briefing", "render", str(brief_json), "-o", str(link)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("# title")
    assert link.is_symlink()


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this platform")
def test_a_fifo_is_written_directly(brief_json: Path, tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()))
    reader.start()
    result = run("render", str(brief_json), "-o", str(fifo))
    reader.join(timeout=30)
    assert result.exit_code == 0, result.output
    assert received[0].decode().startswith("# title")  # no suffix: markdown
    assert stat.S_ISFIFO(fifo.stat().st_mode)


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="no /dev/full")
def test_a_full_device_is_a_one_line_error(brief_json: Path) -> None:
    result = run("render", str(brief_json), "-o", "/dev/full")
    assert result.exit_code == 1
    assert result.stderr == (
        "error: /dev/full: cannot write it (No space left on device); choose a path you can "
        "write to, or - for standard output\n"
    )


def _unwritable_folder(tmp_path: Path) -> Path:
    if os.geteuid() != 0:
        folder = tmp_path / "read-only"
        folder.mkdir()
        folder.chmod(0o555)
        return folder
    if Path("/sys/kernel").is_dir():  # sysfs: no new files, even for root
        return Path("/sys/kernel")
    pytest.skip("running as root with no folder root cannot write to")
    raise AssertionError  # unreachable


def test_an_unwritable_folder_is_an_ordinary_error(brief_json: Path, tmp_path: Path) -> None:
    out = _unwritable_folder(tmp_path) / "brief.md"
    result = run("render", str(brief_json), "-o", str(out))
    assert result.exit_code == 1
    assert result.stderr == (
        f"error: {out}: cannot write it (Permission denied); choose a path you can write "
        "to, or - for standard output\n"
    )


@pytest.mark.parametrize("command", ["render", "verify"])
def test_the_output_cannot_be_the_input(brief_json: Path, tmp_path: Path, command: str) -> None:
    before = brief_json.read_bytes()
    link = tmp_path / "alias.json"
    link.symlink_to(brief_json)
    relative = os.path.relpath(brief_json)
    for output in [str(brief_json), str(link), relative]:
        out_args = ["-o", output] if command == "verify" else ["-o", output, "--format", "json"]
        result = run(command, str(brief_json), *out_args)
        assert result.exit_code == 1
        assert result.stderr == (
            f"error: {output}: is also an input ({brief_json}); write the output to another file\n"
        )
    assert brief_json.read_bytes() == before


def test_generate_never_overwrites_an_input(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    article = folder / "ferry.md"
    article.write_text("# Ferry\n\nThe ferry to Oster Mill carried 140 passengers.\n")
    decisions = tmp_path / "decisions.json"
    decisions.write_text('{"decisions": []}')
    for output, given in [(article, article), (decisions, decisions)]:
        before = given.read_bytes()
        args = ["generate", str(folder), "--review", str(decisions), "-o", str(output)]
        result = run(*args, "--format", "md")
        assert result.exit_code == 1, result.output
        assert "is also an input" in result.stderr
        assert given.read_bytes() == before


def test_dash_reads_the_brief_from_standard_input(brief_json: Path) -> None:
    text = brief_json.read_text()
    rendered = run("render", "-", stdin=text)
    assert rendered.exit_code == 0, rendered.output
    assert rendered.stdout.startswith("# title")
    verified = run("verify", "-", "-o", "-", stdin=text)
    assert verified.exit_code == 0, verified.output
    assert verified.stdout.startswith("# Review of")
    bad = run("render", "-", stdin="{}")
    assert bad.exit_code == 1
    assert bad.stderr.startswith("error: standard input: not a valid brief (")


def test_dash_output_is_standard_output(brief_json: Path, tmp_path: Path) -> None:
    result = run("render", str(brief_json), "-o", "-", "--format", "json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["title"] == "title"
    assert not (tmp_path / "-").exists()
    assert not Path("-").exists()


def test_generate_writes_a_brief_of_standard_input_to_standard_output() -> None:
    result = run(
        "generate", "-", "-o", "-", stdin="Title\n\nThe ferry ran on Monday with 40 people.\n"
    )
    assert result.exit_code == 0, result.stderr
    assert "The ferry ran on Monday with 40 people." in result.stdout


@pytest.mark.parametrize("value", ["nan", "NaN", "inf", "-inf", "-0.1", "1.5", "half"])
@pytest.mark.parametrize("command", ["generate", "verify"])
def test_fail_under_must_be_a_fraction(brief_json: Path, command: str, value: str) -> None:
    target = str(EXAMPLES) if command == "generate" else str(brief_json)
    result = run(command, target, "--fail-under", value)
    assert result.exit_code == 2, result.output
    assert "Invalid value for '--fail-under'" in result.stderr


def test_fail_under_accepts_its_bounds(brief_json: Path) -> None:
    assert run("verify", str(brief_json), "--fail-under", "0").exit_code == 0
    assert run("verify", str(brief_json), "--fail-under", "1").exit_code == 4


# --- a run in which no claim survived -------------------------------------------------


def _cites_nothing_real(request: ChatRequest) -> ChatReply:
    """A model that cites passages that do not exist, every time it is asked."""
    point = {"citations": ["S9.1"], "text": "The dam gave way.", "attribution": None}
    if request.schema.__name__ == "MapResult":
        prompt = request.messages[1]["content"]
        sids = sorted(set(re.findall(r"^\[(S\d+)\.\d+\]", prompt, re.MULTILINE)))
        summaries = [
            {"source_id": s, "key_points": [point], "figures": [], "quotes": [], "hedged": []}
            for s in sids
        ]
        return reply(json.dumps({"summaries": summaries}))
    sections = ("key_developments", "key_figures", "unconfirmed", "quotes", "what_to_watch")
    return reply(json.dumps({"title": "Dam", "bottom_line": [point]} | {s: [] for s in sections}))


def test_no_claim_surviving_warns_exits_3_and_still_writes_the_brief(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # An engine that finds nothing to cite: the offline one on inputs with no statement.
    # (The LLM engine fills its brief from the offline draft, so a model that cites only
    # passages that do not exist no longer leaves it empty: see the next test.)
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "menu.txt").write_text("Menu\n\nHome\n\nNews\n", encoding="utf-8")
    out = tmp_path / "brief.md"
    result = run("generate", str(tmp_path / "in"), "-o", str(out), "--fail-under", "0.9")
    assert result.exit_code == 3, result.output
    warnings = [line for line in result.stderr.splitlines() if line.startswith("warning: ")]
    assert warnings[-1].startswith("warning: no claim survived: ")
    assert "error" not in result.stderr
    assert out.exists()


def test_a_model_citing_nothing_real_gives_the_offline_brief_and_says_what_it_dropped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    backend = FakeBackend(maps=_cites_nothing_real, reduces=_cites_nothing_real)
    monkeypatch.setattr(calls, "make_backend", lambda _settings: backend)
    out = tmp_path / "brief.md"
    args = ["generate", str(EXAMPLES), "--engine", "openai", "--base-url", "http://x/v1"]
    result = run(*args, "-o", str(out), "--fail-under", "0.9")
    assert result.exit_code == 0, result.output
    markdown = out.read_text(encoding="utf-8")
    assert "Left out because they did not check out against the cited passages:" in markdown
    assert "S9.1" in markdown
    assert "Nothing gpt-4.1-mini wrote for this story was kept" in markdown


def test_a_brief_with_claims_exits_0() -> None:
    result = run("generate", str(EXAMPLES))
    assert result.exit_code == 0
    assert "no claim survived" not in result.stderr
