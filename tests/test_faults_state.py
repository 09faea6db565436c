"""The fault suite, continued (tests/test_faults.py has the model and network faults): what
`briefing daily` leaves behind when it is stopped at any point, when two runs share one
output folder or one cache, and when its state folder is broken.

- A run stopped at each of its writes (in process, at every write; with a real SIGKILL in
  a subprocess at the points that matter most) and then run again gives the same files as
  a run that was never stopped; a run stopped after publishing its day but before recording
  it is not forgotten by the next day.
- The output folder's lock: a second run waits, or stops with a message naming the holder;
  the lock of a killed run is free at once; two runs at once lose no article.
- Broken state files are set aside with a warning, never a crash or a silent reset.
- The reply and HTTP caches under concurrent writers: never a torn entry.

Our own writing throughout.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import threading
from typing import TYPE_CHECKING

import pytest
from click.testing import CliRunner
from fake_server import serving, write_articles

import briefing
from briefing import output
from briefing.cli import cli
from briefing.daily.lock import folder_lock
from briefing.ingest.http_cache import HTTPCache, Stored
from briefing.llm.cache import ResponseCache
from tests.conftest import FIXED_EPOCH, ROOT

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    from click.testing import Result
    from fake_server import FakeServer

pytestmark = pytest.mark.block_network(allowed_hosts=["127.0.0.1"])

DAY1, DAY2 = "2026-11-18", "2026-11-19"
EPOCHS = {DAY1: FIXED_EPOCH, DAY2: str(int(FIXED_EPOCH) + 86_400)}
SITE = "https://example.org/briefs/"
DAY1_ARTICLES = {
    "strike.txt": [
        "Ferry crews in Port Elsin strike for a third day",
        (
            "Ferry crews in Port Elsin stayed off work on Tuesday for the third day running. "
            "The walkout has stopped all 40 daily sailings to the four outer islands."
        ),
        "The crews' union said 300 members had joined the strike over pay.",
    ],
    "library.txt": [
        "Fire closes the Harl Island library",
        (
            "A fire closed the library on Harl Island early on Tuesday, the island council "
            "said. Firefighters put out the blaze in the reading room within an hour."
        ),
        "The council said the library would stay shut until the wiring had been checked.",
    ],
}
DAY2_ARTICLES = {
    "schools.txt": [
        "Cold snap closes schools across the mainland",
        (
            "Heavy frost closed 12 primary schools across the mainland district on Wednesday, "
            "the education office said. Buses could not reach the hill villages."
        ),
        "The office expects the schools to open again on Friday.",
    ],
}
# What differs between two runs by design: what the run spent, and the lock's pid.
NOT_COMPARED = (".state/runs/", ".state/lock")


@pytest.fixture
def days(tmp_path: Path) -> dict[str, Path]:
    """Each day's input folder: day 2 has day 1's articles and a new story."""
    first = write_articles(tmp_path / "day1", DAY1_ARTICLES)
    second = write_articles(tmp_path / "day2", {**DAY1_ARTICLES, **DAY2_ARTICLES})
    return {DAY1: first, DAY2: second}


def daily_args(inputs: Path, folder: Path, day: str, *more: str) -> list[str]:
    return [
        "daily",
        str(inputs),
        "--output-dir",
        str(folder),
        "--engine",
        "extractive",
        "--site-url",
        SITE,
        "--date",
        day,
        *more,
    ]


def run_daily(
    monkeypatch: pytest.MonkeyPatch, days: dict[str, Path], folder: Path, day: str, *more: str
) -> Result:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCHS[day])
    result = CliRunner().invoke(cli, daily_args(days[day], folder, day, *more))
    assert result.exit_code == 0, result.output
    return result


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file the folder holds, by relative path, but what differs by design."""
    files = {}
    for path in sorted(folder.rglob("*")):
        name = path.relative_to(folder).as_posix()
        if path.is_file() and not name.startswith(NOT_COMPARED):
            files[name] = path.read_bytes()
    return files


@pytest.fixture
def uninterrupted(
    days: dict[str, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> dict[str, dict[str, bytes]]:
    """The folder after day 1 and after day 2, never stopped."""
    folder = tmp_path / "reference"
    run_daily(monkeypatch, days, folder, DAY1)
    after_day1 = snapshot(folder)
    run_daily(monkeypatch, days, folder, DAY2)
    return {DAY1: after_day1, DAY2: snapshot(folder)}


# --- stopped at each write ------------------------------------------------------------------


class Stopped(BaseException):
    """A stand-in for kill -9 inside the process: nothing catches it."""


def writes_of_a_day(days: dict[str, Path], tmp_path: Path, monkeypatch) -> list[str]:
    """The files a run of day 1 writes, in order."""
    written: list[str] = []
    real = output._write_temporary  # noqa: SLF001 - every file is written through it

    def counted(temporary: Path, path: Path, *args: object) -> None:
        written.append(path.name)
        real(temporary, path, *args)

    with monkeypatch.context() as patched:
        patched.setattr(output, "_write_temporary", counted)
        run_daily(patched, days, tmp_path / "counting", DAY1)
    return written


def stop_after(monkeypatch: pytest.MonkeyPatch, count: int) -> None:
    """The next run stops as its write number `count` + 1 begins."""
    real = output._write_temporary  # noqa: SLF001 - every file is written through it
    done = [0]

    def stopping(*args: object) -> None:
        if done[0] == count:
            raise Stopped
        real(*args)  # type: ignore[arg-type]
        done[0] += 1

    monkeypatch.setattr(output, "_write_temporary", stopping)


def test_a_run_stopped_at_any_write_and_run_again_gives_the_same_files(
    days: dict[str, Path],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    uninterrupted: dict[str, dict[str, bytes]],
):
    writes = writes_of_a_day(days, tmp_path, monkeypatch)
    assert writes[0] == f"{DAY1}.json"  # the pending record, before any file is published
    assert {f"{DAY1}.md", "articles.json", "feed.xml"} <= set(writes)
    for count in range(len(writes)):
        folder = tmp_path / f"stopped-{count}"
        with monkeypatch.context() as stopped:
            stop_after(stopped, count)
            stopped.setenv("SOURCE_DATE_EPOCH", EPOCHS[DAY1])
            with pytest.raises(Stopped):
                CliRunner().invoke(cli, daily_args(days[DAY1], folder, DAY1))
        published = any((folder / f"{DAY1}.{fmt}").exists() for fmt in ("md", "json", "html"))
        # Not rerun that day: the next day still compares with what was published.
        next_day = tmp_path / f"next-day-{count}"
        shutil.copytree(folder, next_day)
        run_daily(monkeypatch, days, next_day, DAY2)
        brief = json.loads((next_day / f"{DAY2}.json").read_text(encoding="utf-8"))
        assert brief.get("compared_with") == (DAY1 if published else None), writes[count]
        if published:
            reference = uninterrupted[DAY2]
            for name in (f"{DAY2}.json", f"{DAY2}.md", ".state/articles.json"):
                assert snapshot(next_day)[name] == reference[name], (writes[count], name)
        # Run again the same day, then the next: as if it had never been stopped.
        run_daily(monkeypatch, days, folder, DAY1)
        assert snapshot(folder) == uninterrupted[DAY1], writes[count]
        run_daily(monkeypatch, days, folder, DAY2)
        assert snapshot(folder) == uninterrupted[DAY2], writes[count]


KILLER = """
import os, signal, sys
from briefing import output
limit = int(os.environ["KILL_AFTER_WRITES"])
done = [0]
real = output._write_temporary
def killing(*args):
    if done[0] == limit:
        os.kill(os.getpid(), signal.SIGKILL)
    real(*args)
    done[0] += 1
output._write_temporary = killing
from briefing.cli import cli
cli(sys.argv[1:])
"""


def killed_daily(args: list[str], after_writes: int, epoch: str) -> int:
    env = {**os.environ, "KILL_AFTER_WRITES": str(after_writes), "SOURCE_DATE_EPOCH": epoch}
    done = subprocess.run(  # noqa: S603 - our own interpreter and script
        [sys.executable, "-c", KILLER, *args], env=env, cwd=ROOT, capture_output=True, check=False
    )
    return done.returncode


@pytest.mark.parametrize("before", ["articles.json", f"{DAY1}.json@state"])
def test_a_run_killed_after_publishing_is_recorded_by_the_next(  # noqa: PLR0913, PLR0917 - fixtures
    before: str,
    days: dict[str, Path],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    uninterrupted: dict[str, dict[str, bytes]],
    caplog: pytest.LogCaptureFixture,
):
    """kill -9 once the day's files are out but before the state has the day (the second
    write of DATE.json is the state's copy), then the next day's run, not the same day's."""
    writes = writes_of_a_day(days, tmp_path, monkeypatch)
    name, _, which = before.partition("@")
    at = [n for n, w in enumerate(writes) if w == name][1 if which else 0]
    folder = tmp_path / "killed"
    code = killed_daily(daily_args(days[DAY1], folder, DAY1), at, EPOCHS[DAY1])
    assert code == -signal.SIGKILL
    assert (folder / f"{DAY1}.md").exists()
    run_daily(monkeypatch, days, folder, DAY2)
    assert f"recording {DAY1}: a run wrote its brief but stopped before recording it" in (
        caplog.text
    )
    after = snapshot(folder)
    for name in (f"{DAY2}.json", f"{DAY2}.md", f"{DAY2}.html", ".state/articles.json"):
        assert after[name] == uninterrupted[DAY2][name], name


# --- the output folder's lock ---------------------------------------------------------------


def test_a_second_run_stops_with_a_message_naming_the_holder(
    days: dict[str, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    folder = tmp_path / "briefs"
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCHS[DAY1])
    with folder_lock(folder / ".state", folder, 0):
        busy = CliRunner().invoke(cli, daily_args(days[DAY1], folder, DAY1, "--lock-wait", "0.3"))
    assert busy.exit_code == 1
    assert busy.stderr.splitlines()[-1] == (
        f"error: {folder}: another briefing daily (pid {os.getpid()}) is writing this folder "
        "and was still at it after 0.3 s; run again when it has finished, or raise lock_wait"
    )
    assert not (folder / f"{DAY1}.md").exists()


def test_a_second_run_waits_for_the_first(
    days: dict[str, Path],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
):
    folder = tmp_path / "briefs"
    held, release = threading.Event(), threading.Event()

    def first_run() -> None:
        with folder_lock(folder / ".state", folder, 0):
            held.set()
            release.wait(10)

    holder = threading.Thread(target=first_run)
    holder.start()
    assert held.wait(10)
    threading.Timer(0.5, release.set).start()
    run_daily(monkeypatch, days, folder, DAY1, "--lock-wait", "30")
    holder.join()
    waiting = f"waiting for another briefing daily (pid {os.getpid()}) to finish with {folder}"
    assert waiting in caplog.text
    assert (folder / f"{DAY1}.md").exists()


HOLDER = """
import sys
from pathlib import Path
from briefing.daily.lock import folder_lock
folder = Path(sys.argv[1])
with folder_lock(folder / ".state", folder, 0):
    print("held", flush=True)
    sys.stdin.read()
"""


def test_the_lock_of_a_killed_run_is_free_at_once(
    days: dict[str, Path],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
):
    folder = tmp_path / "briefs"
    with subprocess.Popen(  # noqa: S603 - our own interpreter and script
        [sys.executable, "-c", HOLDER, str(folder)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        cwd=ROOT,
    ) as holder:
        assert holder.stdout is not None
        assert holder.stdout.readline() == b"held\n"
        holder.kill()
        assert holder.wait(10) == -signal.SIGKILL
    # The file is still there, holding the dead run's pid; the lock is not.
    assert (folder / ".state" / "lock").read_text() == f"{holder.pid}\n"
    run_daily(monkeypatch, days, folder, DAY1, "--lock-wait", "0")
    assert "waiting" not in caplog.text
    assert (folder / ".state" / "lock").read_text() == f"{os.getpid()}\n"


def test_two_runs_at_once_on_one_folder_lose_no_article(days: dict[str, Path], tmp_path: Path):
    """A cron run overlapping a manual one, each with its own inputs for the same day."""
    folder = tmp_path / "briefs"
    other = write_articles(tmp_path / "other", DAY2_ARTICLES)
    env = {**os.environ, "SOURCE_DATE_EPOCH": EPOCHS[DAY1]}
    command = [sys.executable, "-m", "briefing"]
    runs = [
        subprocess.Popen(  # noqa: S603 - our own interpreter
            [*command, *daily_args(inputs, folder, DAY1, "--lock-wait", "600")],
            env=env,
            cwd=ROOT,
            stderr=subprocess.PIPE,
        )
        for inputs in (days[DAY1], other)
    ]
    for run in runs:
        _, errors = run.communicate(timeout=600)
        assert run.returncode == 0, errors.decode()
    seen = json.loads((folder / ".state" / "articles.json").read_text(encoding="utf-8"))
    assert len(seen["articles"]) == len(DAY1_ARTICLES) + len(DAY2_ARTICLES)


# --- broken state files ---------------------------------------------------------------------


BROKEN_ARTICLES = {
    "truncated": lambda text: text[: len(text) // 2],
    "empty": lambda _: "",
    "not a state file": lambda _: '{"articles": "none"}',
    "an entry edited by hand": lambda text: text.replace(f'"first_seen": "{DAY1}"', '"x": 1', 1),
}


@pytest.mark.parametrize("breaking", BROKEN_ARTICLES.values(), ids=BROKEN_ARTICLES)
def test_a_broken_articles_file_is_set_aside_with_a_warning(
    breaking,
    days: dict[str, Path],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
):
    folder = tmp_path / "briefs"
    run_daily(monkeypatch, days, folder, DAY1)
    path = folder / ".state" / "articles.json"
    broken = breaking(path.read_text(encoding="utf-8"))
    path.write_text(broken, encoding="utf-8")
    run_daily(monkeypatch, days, folder, DAY2)
    assert f"{path} is broken (" in caplog.text
    (aside,) = path.parent.glob("articles.json.broken-*")
    assert aside.read_text(encoding="utf-8") == broken  # kept as it was
    recorded = json.loads(path.read_text(encoding="utf-8"))["articles"]
    assert len(recorded) == len(DAY1_ARTICLES) + len(DAY2_ARTICLES)  # written anew, whole


# --- the caches under concurrent runs -------------------------------------------------------


def hammer(work: list[threading.Thread]) -> None:
    for thread in work:
        thread.start()
    for thread in work:
        thread.join(60)


def test_http_cache_entries_are_never_torn_by_concurrent_writers(tmp_path: Path):
    cache = HTTPCache(tmp_path / "http")
    url = "https://example.org/feed.xml"
    bodies = {f"body {n}".encode() * (1000 + n): f'"v{n}"' for n in range(4)}
    seen: list[Stored | None] = []

    def write(body: bytes, etag: str) -> None:
        for _ in range(30):
            cache.put(url, Stored(etag, None, "application/rss+xml", url, body))

    def read() -> None:
        seen.extend(cache.get(url) for _ in range(100))

    writers = [threading.Thread(target=write, args=item) for item in bodies.items()]
    hammer([*writers, *(threading.Thread(target=read) for _ in range(2))])
    for stored in seen:
        # A miss (a record and a body from two writes) is allowed; a mixed entry is not.
        assert stored is None or bodies[stored.body] == stored.etag
    final = cache.get(url)
    assert final is None or bodies[final.body] == final.etag


def test_reply_cache_entries_are_never_torn_by_concurrent_writers(tmp_path: Path):
    cache = ResponseCache(tmp_path / "responses")
    replies = [json.dumps({"answer": n, "padding": "x" * 100_000}) for n in range(4)]
    seen: list[str | None] = []

    def write(text: str) -> None:
        for _ in range(20):
            cache.put("ab" * 32, text)

    def read() -> None:
        seen.extend(cache.get("ab" * 32) for _ in range(100))

    hammer(
        [
            *(threading.Thread(target=write, args=(text,)) for text in replies),
            *(threading.Thread(target=read) for _ in range(2)),
        ]
    )
    assert all(text is None or text in replies for text in seen)
    assert cache.get("ab" * 32) in replies


@pytest.fixture
def server() -> Iterator[FakeServer]:
    yield from serving()


def test_two_generate_runs_share_one_reply_cache(server: FakeServer, days, tmp_path: Path):
    """Two runs at once (threads: each its own event loop, client and cache handle) over one
    reply cache, then a third."""
    options = {"engine": "openai", "base_url": server.url, "cache_dir": tmp_path / "shared"}
    briefs: list[str] = []

    def run() -> None:
        briefs.append(briefing.render(briefing.generate([days[DAY2]], **options), "json"))

    hammer([threading.Thread(target=run) for _ in range(2)])
    assert len(briefs) == 2
    assert briefs[0] == briefs[1]
    assert json.loads(briefs[0])["engine"]["name"] == "openai"
    # Whatever the two wrote into the cache is whole: a third run sends no request.
    sent = len(server.requests)
    third = briefing.generate([days[DAY2]], **options)
    assert len(server.requests) == sent
    assert third.run is not None
    assert third.run.calls == 0
    assert briefing.render(third, "json") == briefs[0]
