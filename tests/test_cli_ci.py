"""What scripts, cron and CI see: -q prints nothing on success, -v adds timings and what
each input gave, the exit codes, Ctrl-C and SIGTERM end a long run at once with 130 and
143 and leave no file behind, and the progress bar only ever shows on a terminal."""

from __future__ import annotations

import io
import os
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from click.testing import CliRunner
from planted import EXAMPLES, write_planted

from briefing import output
from briefing.cli import cli
from briefing.errors import BriefingError
from briefing.progress import counted, reporting, stage
from briefing.terminal import Terminal

if TYPE_CHECKING:
    from collections.abc import Iterator


def run(*args: object):
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


def briefing(*args: object, **kwargs: object) -> subprocess.CompletedProcess[str]:
    """The real command, in its own process (its signal handlers, its imports)."""
    return subprocess.run(  # noqa: S603 - our own command
        [sys.executable, "-m", "briefing", *(str(a) for a in args)],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
        **kwargs,  # type: ignore[arg-type]
    )


def test_quiet_runs_print_nothing(tmp_path: Path) -> None:
    done = briefing("generate", EXAMPLES, "-o", tmp_path / "x.md", "-q")
    assert (done.returncode, done.stdout, done.stderr) == (0, "", "")
    assert (tmp_path / "x.md").read_text(encoding="utf-8").startswith("# ")
    assert run("generate", EXAMPLES, "-o", tmp_path / "x.json", "-q").output == ""
    for args in (
        ("verify", tmp_path / "x.json", "-o", tmp_path / "r.sarif"),
        ("render", tmp_path / "x.json", "-o", tmp_path / "x.html"),
    ):
        done = run(*args, "-q", "--fail-under", "0.95") if args[0] == "verify" else run(*args, "-q")
        assert (done.exit_code, done.stdout, done.stderr) == (0, "", "")


def test_quiet_still_says_what_needs_a_look(tmp_path: Path) -> None:
    brief_json, _ = write_planted(tmp_path)
    failed = run("verify", brief_json, "-o", tmp_path / "r.md", "-q", "--fail-under", "0.9")
    assert failed.exit_code == 4
    assert failed.stderr.startswith("error: 0 of 28 claims supported (0%)")
    assert failed.stderr.count("\n") == 1
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "empty.txt").write_text("", encoding="utf-8")
    (tmp_path / "in" / "ferry.txt").write_text(
        "Ferry back\n\nThe ferry to Oster Mill carried 140 passengers on Wednesday.\n",
        encoding="utf-8",
    )
    skipped = run("generate", tmp_path / "in", "-o", tmp_path / "b.md", "-q")
    assert skipped.exit_code == 0
    assert skipped.stderr.startswith("warning: skipped ")
    assert skipped.stderr.count("\n") == 1


def test_verbose_adds_timings_and_what_each_input_gave(tmp_path: Path) -> None:
    done = run("generate", EXAMPLES, "-o", tmp_path / "x.md", "-v")
    lines = done.stderr.splitlines()
    stages = [line.split(":")[0] for line in lines if line.endswith(" s")]
    assert stages == [
        "reading inputs (4 of 4)",
        "splitting sentences (5 of 5)",
        "grouping stories",
        "drafting the brief",
        "checking claims",
        "rendering",
        "writing the output",
    ]
    assert any(line.endswith("eastmark-wire.md: 11 sentences") for line in lines)
    # What the run spent, which the brief does not hold (the same inputs, the same bytes).
    assert any(re.fullmatch(r"run: \d+\.\d\d s in all", line) for line in lines)
    assert lines[-2:] == [f"wrote {tmp_path / 'x.md'}", lines[-1]]
    assert lines[-1].startswith("review: 28 of 28 claims supported")


@pytest.mark.parametrize(
    ("args", "code"),
    [
        (("generate", EXAMPLES, "-q", "-v"), 2),  # usage
        (("verify", "missing.json"), 1),  # fixable
        (("generate", EXAMPLES, "-o", "brief.pdf"), 1),
        (("verify", "brief.json", "--format", "pdf"), 2),
    ],
)
def test_exit_codes(args: tuple[object, ...], code: int, tmp_path: Path) -> None:
    done = briefing(*args, cwd=tmp_path)
    assert done.returncode == code, done.stderr
    assert "Traceback" not in done.stderr


def test_nothing_usable_is_3(tmp_path: Path) -> None:
    (tmp_path / "empty.txt").write_text("", encoding="utf-8")
    assert briefing("generate", tmp_path / "empty.txt", "-q").returncode == 3


def test_an_unreadable_output_folder_is_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A folder we may not look into (EACCES on stat, which pathlib does not treat as
    missing): root cannot be refused a folder, so stat is refused here."""
    locked = tmp_path / "locked"
    real_stat = Path.stat

    def stat(self: Path, *args: object, **kwargs: object) -> os.stat_result:
        if self == locked or locked in self.parents:
            raise PermissionError(13, "Permission denied", str(self))
        return real_stat(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(Path, "stat", stat)
    for target in (locked / "brief.md", locked / "sub" / "brief.md"):
        done = run("generate", EXAMPLES, "-o", target, "-q")
        assert done.exit_code == 1
        assert done.stderr == (
            f"error: {target}: cannot write it (Permission denied); choose a path you can "
            "write to, or - for standard output\n"
        )
    with pytest.raises(BriefingError, match="cannot write it"):
        output.write_atomically(locked / "brief.md", "text")


# --- Ctrl-C and SIGTERM ---------------------------------------------------------------


def many_articles(folder: Path, count: int) -> Path:
    """`count` short articles of our own, different enough to all be kept."""
    folder.mkdir()
    places = "Harrowgate Oster Kessel Velmar Brinholt Dunmere Ashby Corran".split()
    things = "bridge school road dam station clinic market library".split()
    for i in range(count):
        sentences = [
            f"The {things[(i + j) % 8]} in {places[(i * j) % 8]} was inspected on day "
            f"{j + 1} after {i * 7 + j} residents wrote to the council about item {i}-{j}."
            for j in range(12)
        ]
        body = "\n\n".join(" ".join(sentences[k : k + 3]) for k in range(0, 12, 3))
        (folder / f"a{i:05d}.txt").write_text(f"Report {i}\n\n{body}\n", encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def long_run_inputs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return many_articles(tmp_path_factory.mktemp("long") / "in", 1500)


@pytest.mark.parametrize(
    ("signum", "code", "word"),
    [(signal.SIGINT, 130, "interrupted"), (signal.SIGTERM, 143, "terminated")],
)
def test_a_signal_ends_a_long_run_at_once_with_no_file_left(
    long_run_inputs: Path, tmp_path: Path, signum: int, code: int, word: str
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    with subprocess.Popen(  # noqa: S603 - our own command
        [
            sys.executable,
            "-m",
            "briefing",
            "generate",
            str(long_run_inputs),
            "-v",
            "-o",
            str(out / "brief.md"),
        ],
        stderr=subprocess.PIPE,
        text=True,
    ) as process:
        assert process.stderr is not None
        seen = []
        for line in process.stderr:  # -v: a stage's line when it ends
            seen.append(line)
            if line.startswith("grouping stories"):
                break  # the engine is drafting the brief now, in a worker thread
        time.sleep(0.3)
        assert process.poll() is None, "".join(seen)
        sent = time.monotonic()
        process.send_signal(signum)
        rest = process.stderr.read()
        assert process.wait(timeout=30) == code
    assert time.monotonic() - sent < 5  # not after the engine's thread is done
    assert rest == f"error: {word}\n"
    assert list(out.iterdir()) == []


def test_a_keyboard_interrupt_inside_the_command_is_130_and_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from briefing import pipeline  # noqa: PLC0415

    def interrupted(*_args: object, **_kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(pipeline, "generate", interrupted)
    done = run("generate", EXAMPLES, "-o", tmp_path / "x.md")
    assert (done.exit_code, done.stderr) == (130, "error: interrupted\n")
    assert list(tmp_path.iterdir()) == []


def test_an_interrupted_write_leaves_neither_file_nor_temporary(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "brief.md"

    def interrupted(_fd: int) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "fsync", interrupted)
    with pytest.raises(KeyboardInterrupt):
        output.write_atomically(target, "x" * 100_000)
    assert list(tmp_path.iterdir()) == []


def test_the_signal_handler_removes_a_temporary_being_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What the handler does when a signal comes while another thread writes a file:
    the temporary goes; the writer then fails to rename it, so no file appears."""
    target = tmp_path / "cache-entry.json"
    syncing, release = threading.Event(), threading.Event()

    def slow_fsync(_fd: int) -> None:
        syncing.set()
        release.wait(10)

    monkeypatch.setattr(os, "fsync", slow_fsync)
    failures: list[BaseException] = []

    def write() -> None:
        try:
            output.write_atomically(target, "{}")
        except BriefingError as err:
            failures.append(err)

    writer = threading.Thread(target=write)
    writer.start()
    assert syncing.wait(10)
    assert len(list(tmp_path.iterdir())) == 1  # the temporary
    output.remove_temporaries()
    release.set()
    writer.join(10)
    assert list(tmp_path.iterdir()) == []
    assert len(failures) == 1


# --- the progress bar -------------------------------------------------------------------


class FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def _stages(terminal: Terminal) -> None:
    with reporting(terminal):
        for _ in counted("reading inputs", ["a", "b", "c"]):
            time.sleep(0.15)
        with stage("drafting the brief"):
            time.sleep(0.3)


def test_a_long_run_on_a_terminal_shows_a_bar_then_erases_it() -> None:
    screen = FakeTerminal()
    with Terminal(screen, bar=True, delay=0.05) as terminal:
        _stages(terminal)
    shown = screen.getvalue()
    assert "reading inputs" in shown
    assert "/3" in shown
    assert "drafting the brief" in shown
    assert "\x1b[?25h" in shown  # the cursor is back


def test_a_short_run_shows_no_bar() -> None:
    screen = FakeTerminal()
    with Terminal(screen, bar=True, delay=5.0) as terminal:
        _stages(terminal)
    assert screen.getvalue() == ""


def test_rich_is_imported_only_for_a_bar(tmp_path: Path) -> None:
    code = (
        "import sys\n"
        "from briefing.cli import main\n"
        f"sys.argv = ['briefing', 'generate', {str(EXAMPLES)!r}, '-o', "
        f"{str(tmp_path / 'x.md')!r}, '-v']\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "print('rich' in sys.modules, 'openai' in sys.modules)\n"
    )
    done = subprocess.run(  # noqa: S603 - our own code
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    assert done.stdout == "False False\n"
    assert "drafting the brief" in done.stderr


@pytest.fixture
def no_reporter() -> Iterator[None]:
    with reporting(None):
        yield


def test_the_library_reports_nothing_unless_asked(no_reporter: None) -> None:
    seen = list(counted("reading inputs", [1, 2]))
    assert seen == [1, 2]
