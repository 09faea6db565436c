"""The fault suite, continued (tests/test_faults.py has the model and network faults): what
`briefing daily` leaves behind when it is stopped at any point, when two runs share one
output folder or one cache, and when its state folder is broken.

- A run killed (SIGKILL) at each of its writes and then run again gives the same files as
  a run that was never stopped; not run again, it is not forgotten by the next day.
- A broken state file is set aside with a warning, never a crash or a silent reset; an
  unreadable one stops the run with the fix.
- The output folder's lock: a second run waits, or stops with a message naming the holder;
  the lock of a killed run is free at once; two runs at once lose no article.
- The reply and HTTP caches under concurrent writers: never a torn entry.

Our own writing throughout.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import signal
import subprocess
import sys
import threading
from dataclasses import dataclass
from pathlib import Path
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

    from click.testing import Result
    from fake_server import FakeServer
    from pytest_httpserver import HTTPServer

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


# --- killed at each write -------------------------------------------------------------------
#
# A day of `briefing daily` with each kind of write: a feed fetched over HTTP (the HTTP
# cache), the dated brief, latest.*, the index and feed, and the state folder (the reply
# cache is written by the same write_atomically; its concurrent writers are tested below).
# It is killed with SIGKILL at each of its writes, at the worst moment: the temporary file
# written and synced, not yet renamed over the file. Killing before a write is killing
# after the one before it, so these points cover every stage.

FEED_PATH = "/harbour.xml"
# Our own writing: one item, dated on day 1.
FEED = f"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Harbour Times</title><link>{SITE}</link>
<item><title>Harbour pilots warn of storm delays</title><link>{SITE}pilots</link>
<pubDate>Wed, 18 Nov 2026 07:00:00 GMT</pubDate>
<description>The harbour pilots said on Wednesday that ships would wait outside Port Elsin
until the storm had passed. Two cargo ships were already at anchor in the bay.</description>
</item></channel></rss>
""".encode()


@pytest.fixture
def feed(httpserver: HTTPServer) -> str:
    httpserver.expect_request(FEED_PATH).respond_with_data(
        FEED, content_type="application/rss+xml", headers={"ETag": '"harbour-1"'}
    )
    return httpserver.url_for(FEED_PATH)


def run_in(cache: Path, args: list[str], monkeypatch: pytest.MonkeyPatch, day: str) -> None:
    """One run, in this process, with `cache` as its cache folder."""
    with monkeypatch.context() as patched:
        patched.setenv("XDG_CACHE_HOME", str(cache))
        patched.setenv("SOURCE_DATE_EPOCH", EPOCHS[day])
        result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output


def cached(cache: Path) -> dict[str, bytes]:
    """The cache's entries (what a run reads back), without a temporary left mid-write
    (a cache has no lock to tell a stale one from a live one: pruning removes it after a
    day) or the pruning mark. The word tables are left out too: drawn from the installed
    wordfreq, not from any run, they are written by whichever process first needs them
    (briefing/wordlists.py), so a run in a process that had read them writes none."""
    return {
        name: content
        for name, content in snapshot(cache).items()
        if not name.rpartition("/")[2].startswith(".") and not name.startswith("briefing/tables/")
    }


@dataclass
class Reference:
    """A folder and its cache after day 1 and after day 2, never stopped; and what a day-1
    run writes, in order."""

    folder: dict[str, dict[str, bytes]]
    cache: dict[str, bytes]
    writes: list[str]


@pytest.fixture
def uninterrupted(
    days: dict[str, Path],
    feed: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> Reference:
    folder, cache = tmp_path / "reference", tmp_path / "reference-cache"
    writes: list[str] = []
    real = output._write_temporary  # noqa: SLF001 - every file is written through it

    def counted(temporary: Path, path: Path, *args: object) -> None:
        writes.append(path.relative_to(tmp_path).as_posix())
        real(temporary, path, *args)  # type: ignore[arg-type]

    with monkeypatch.context() as patched:
        patched.setattr(output, "_write_temporary", counted)
        run_in(cache, daily_args(days[DAY1], folder, DAY1, feed), patched, DAY1)
    after_day1 = snapshot(folder)
    day1_cache = cached(cache)
    run_in(cache, daily_args(days[DAY2], folder, DAY2, feed), monkeypatch, DAY2)
    return Reference({DAY1: after_day1, DAY2: snapshot(folder)}, day1_cache, writes)


# Runs `briefing daily` once per line of its input ([write, cache folder, *arguments]),
# each in a fork of this one process (briefing is imported once, not once a run), killed
# with SIGKILL once its write number `write` has synced its temporary file, before the
# rename (output._write_temporary is the only caller of os.fsync); prints how each ended.
KILLER = """
import json, os, signal, sys
from briefing.cli import cli

def run(write, args):
    done = [0]
    real = os.fsync
    def fsync(fd):
        real(fd)
        if done[0] == write:
            os.kill(os.getpid(), signal.SIGKILL)
        done[0] += 1
    os.fsync = fsync
    try:
        cli.main(args, prog_name="briefing")
    except SystemExit as end:
        os._exit(end.code if isinstance(end.code, int) else 1)
    os._exit(0)

for line in sys.stdin:
    write, cache, *args = json.loads(line)
    child = os.fork()
    if child == 0:
        os.environ["XDG_CACHE_HOME"] = cache
        run(write, args)
    print(os.waitstatus_to_exitcode(os.waitpid(child, 0)[1]), flush=True)
"""


def killed_runs(runs: list[tuple[int, Path, list[str]]], epoch: str) -> list[int]:
    """Each run's exit code (-9: killed), run by KILLER."""
    lines = "".join(json.dumps([write, str(cache), *args]) + "\n" for write, cache, args in runs)
    env = {**os.environ, "SOURCE_DATE_EPOCH": epoch}
    done = subprocess.run(  # noqa: S603 - our own interpreter and script
        [sys.executable, "-c", KILLER],
        input=lines,
        text=True,
        env=env,
        cwd=ROOT,
        capture_output=True,
        check=True,
    )
    return [int(code) for code in done.stdout.split()]


def test_a_run_killed_at_any_write_and_run_again_gives_the_same_files(  # noqa: PLR0913, PLR0917 - fixtures
    days: dict[str, Path],
    feed: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    uninterrupted: Reference,
    caplog: pytest.LogCaptureFixture,
):
    writes = uninterrupted.writes
    folders = {name.partition("/")[0] for name in writes}
    assert folders == {"reference", "reference-cache"}
    expected = {f"{DAY1}.md", f"{DAY1}.html", "latest.md", "index.html", "feed.xml"}
    assert expected <= {name.removeprefix("reference/") for name in writes}
    assert {f"reference/.state/{n}/{DAY1}.json" for n in ("pending", "briefs", "runs")} <= set(
        writes
    )
    assert "reference/.state/articles.json" in writes
    assert any(name.startswith("reference-cache/briefing/http/") for name in writes)
    points = range(len(writes))
    folder = {n: tmp_path / f"killed-{n}" for n in points}
    cache = {n: tmp_path / f"cache-{n}" for n in points}
    runs = [(n, cache[n], daily_args(days[DAY1], folder[n], DAY1, feed)) for n in points]
    assert killed_runs(runs, EPOCHS[DAY1]) == [-signal.SIGKILL] * len(writes)
    for n in points:
        at = writes[n]
        left = [*folder[n].rglob(".*.tmp"), *cache[n].rglob(".*.tmp")]
        assert len(left) == 1, (at, left)  # the write it was killed in
        published = (folder[n] / f"{DAY1}.md").exists()
        unrecorded = published and (folder[n] / ".state" / "pending" / f"{DAY1}.json").exists()
        # Not run again that day: the next day compares with what was published.
        next_day, next_cache = tmp_path / f"next-day-{n}", tmp_path / f"next-cache-{n}"
        shutil.copytree(folder[n], next_day)
        shutil.copytree(cache[n], next_cache)
        caplog.clear()
        run_in(next_cache, daily_args(days[DAY2], next_day, DAY2, feed), monkeypatch, DAY2)
        brief = json.loads((next_day / f"{DAY2}.json").read_text(encoding="utf-8"))
        assert brief.get("compared_with") == (DAY1 if published else None), at
        recorded = f"recording {DAY1}: a run wrote its brief but stopped before recording it"
        assert (recorded in caplog.text) == unrecorded, at
        if published:
            reference = uninterrupted.folder[DAY2]
            for name in (f"{DAY2}.json", f"{DAY2}.md", ".state/articles.json"):
                assert snapshot(next_day)[name] == reference[name], (at, name)
        # Run again the same day: the files of a run never stopped, and the cache's entries.
        run_in(cache[n], daily_args(days[DAY1], folder[n], DAY1, feed), monkeypatch, DAY1)
        assert snapshot(folder[n]) == uninterrupted.folder[DAY1], at
        assert cached(cache[n]) == uninterrupted.cache, at


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

    class ReleaseOnWaiting(logging.Handler):
        # The first run lets go once the second says it waits, however long the second
        # takes to get there on a loaded machine (a timer raced it).
        def emit(self, record: logging.LogRecord) -> None:
            if record.getMessage().startswith("waiting for another briefing daily"):
                release.set()

    lock_log = logging.getLogger("briefing.daily.lock")
    on_waiting = ReleaseOnWaiting()
    lock_log.addHandler(on_waiting)
    try:
        run_daily(monkeypatch, days, folder, DAY1, "--lock-wait", "30")
    finally:
        lock_log.removeHandler(on_waiting)
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


# Each way of breaking articles.json after day 1, and how many of day 1's articles are
# still known as first seen on day 1 after day 2 (the rest count as new on day 2).
BROKEN_ARTICLES = {
    "truncated": (lambda text: text[: len(text) // 2], 0),
    "empty": (lambda _: "", 0),
    "not a state file": (lambda _: '{"articles": "none"}', 0),
    "an entry edited by hand": (
        lambda text: text.replace(f'"first_seen": "{DAY1}"', '"x": 1', 1),
        len(DAY1_ARTICLES) - 1,  # the good entries are kept
    ),
}


@pytest.mark.parametrize(("breaking", "kept"), BROKEN_ARTICLES.values(), ids=BROKEN_ARTICLES)
def test_a_broken_articles_file_is_set_aside_with_a_warning(  # noqa: PLR0913, PLR0917 - fixtures
    breaking,
    kept: int,
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
    assert [e["first_seen"] for e in recorded].count(DAY1) == kept


def test_an_unreadable_articles_file_stops_the_run_with_the_fix(
    days: dict[str, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    """Permissions are a setting to fix, not a broken file: nothing is set aside or reset.
    (As root, chmod does not stop a read: the read itself is refused here.)"""
    folder = tmp_path / "briefs"
    run_daily(monkeypatch, days, folder, DAY1)
    path = folder / ".state" / "articles.json"
    before = path.read_bytes()
    real = Path.read_text

    def refused(self: Path, *args: object, **options: object) -> str:
        if self == path:
            raise PermissionError(13, "Permission denied")
        return real(self, *args, **options)  # type: ignore[arg-type]

    monkeypatch.setattr(Path, "read_text", refused)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCHS[DAY2])
    result = CliRunner().invoke(cli, daily_args(days[DAY2], folder, DAY2))
    assert result.exit_code == 1
    assert result.stderr.splitlines()[-1] == (
        f"error: {path}: cannot read it (Permission denied); make the state folder readable"
    )
    assert path.read_bytes() == before
    assert list(path.parent.glob("*.broken-*")) == []


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
