"""The fault-injection matrix: the real LLM engine (OpenAI SDK, HTTP, reply cache) against a
real local server (tests/fake_server.py) that fails in one way per case.

Every case asserts the documented outcome (a brief, exit 0; or a ModelCallError, exit 1,
when no source could be summarized), a one-line message that never says "unexpected", that
no source that could be summarized is missing, that the brief round-trips (JSON -> load ->
verify), and that nothing bad was cached: against a healthy server the next run recovers
in full, and an identical run after that sends no request at all.
"""

from __future__ import annotations

import json
import logging
import socket
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pytest
from click.testing import CliRunner
from drip_server import MODES, DripServer
from fake_server import (
    NO_WAIT,
    Drip,
    Reply,
    Reset,
    Slow,
    always,
    completion,
    first,
    for_packs_of_several,
    for_source,
    schema_name,
    serving,
    well_answered,
    write_articles,
)

import briefing
from briefing.cli import cli
from briefing.errors import BriefingError, ModelCallError
from briefing.ingest import FetchSettings, ingest
from briefing.llm import client
from briefing.render import render

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator
    from pathlib import Path

    from click.testing import Result
    from fake_server import Action, Body, FakeServer

    from briefing.models import Brief

# The suite blocks the network; these tests talk to their own server on the loopback only.
pytestmark = pytest.mark.block_network(allowed_hosts=["127.0.0.1"])

# Our own writing: five short reports of one fictional day.
ARTICLES = {
    "a.txt": [
        "Ferry crews in Port Elsin strike for a third day",
        "Ferry crews in Port Elsin stayed off work on Tuesday for the third day running. The walkout has stopped all sailings to the four outer islands.",
        "The crews' union said its members want a new rota and an 8 percent pay rise.",
    ],
    "b.txt": [
        "Island shops run short as ferries stay in port",
        "Shops on Harl Island reported empty shelves of bread and milk by Tuesday morning. One grocer said her last delivery arrived on Saturday.",
        "The island council has asked the regional government for an emergency supply boat.",
    ],
    "c.txt": [
        "Operator offers talks to end ferry walkout",
        "The ferry operator, Elsin Sound Lines, said it was ready to meet the union on Thursday. Its chief executive called the pay demand unaffordable.",
        "The company carried about 2,300 passengers a day before the strike.",
    ],
    "d.txt": [
        "Students stranded on the mainland by the ferry strike",
        "About 140 secondary students from the outer islands could not get home after school on Monday. Families in Port Elsin offered them rooms for the week.",
        "The school said lessons would continue online.",
    ],
    "e.txt": [
        "Fishermen carry islanders while the ferries are idle",
        "Several fishing crews began carrying passengers between Port Elsin and Harl Island on Wednesday. The harbour master warned that the boats were not licensed for it.",
        "No one was reported hurt.",
    ],
}
EVERY_SOURCE = {"S1", "S2", "S3", "S4", "S5"}
# Generous for a well-behaved run (a map call, a merge, a judge call) and a few retries;
# the slow cases set their own.
TIMEOUT = 10.0
FIVE_MB = 5 * 1024 * 1024
# Seconds a busy shared machine may add to a bounded wait, and what the drip server may
# take to see a client hang up.
MARGIN = 4.0
HANG_UP = 1.0
# A model in the price table, so that every run computes a cost from the usage it is sent.
MODEL = "gpt-4.1-mini"


@pytest.fixture(autouse=True)
def instant_retries(monkeypatch: pytest.MonkeyPatch) -> None:
    """Our retries of malformed replies do not sleep (the SDK's obey NO_WAIT)."""
    monkeypatch.setattr(client, "RETRY_DELAY", 0.0)


@pytest.fixture
def server() -> Iterator[FakeServer]:
    yield from serving()


@pytest.fixture
def inputs(tmp_path: Path) -> Path:
    return write_articles(tmp_path / "inputs", ARTICLES)


def generate(inputs: Path, server: FakeServer, **options: object) -> Brief:
    values: dict[str, object] = {"max_retries": 1, "timeout": TIMEOUT}
    values.update(options)
    return briefing.generate([inputs], engine="openai", base_url=server.url, model=MODEL, **values)


def attempt(inputs: Path, server: FakeServer, **options: object) -> Brief | BriefingError:
    """The brief, or the error a user would be shown (anything else fails the test); the
    offline fallback is off, so that the model's own failure shows."""
    try:
        return generate(inputs, server, fallback=False, **options)
    except BriefingError as err:
        return err


def cited_sources(brief: Brief) -> set[str]:
    return {c.split(".")[0] for obj in brief.cited_objects() for c in obj.citations}


def assert_round_trips(brief: Brief, folder: Path) -> None:
    """What generate wrote, render and verify accept, with the same verdicts."""
    assert brief.review is not None
    path = folder / "brief.json"
    path.write_text(briefing.render(brief, "json"), encoding="utf-8")
    loaded = briefing.load(path)
    review = briefing.verify(loaded)
    counts = ("total", "supported", "partly_supported", "unsupported")
    assert [getattr(review, n) for n in counts] == [getattr(brief.review, n) for n in counts]
    assert review.supported == review.total > 0
    assert briefing.render(loaded, "md").startswith("# ")


def assert_one_line(message: str) -> None:
    assert message
    assert "\n" not in message
    assert "\r" not in message
    assert "unexpected" not in message.lower()
    assert "Traceback" not in message


NOT_JSON = Reply(body=b"<html>\n<h1>502 Bad Gateway</h1>\n</html>")


def reply_with(content: str | None, finish_reason: str = "stop", **message: object) -> Reply:
    return Reply(body=completion(content, finish_reason, **message))


MAP = "MapResult"


@dataclass(frozen=True)
class Case:
    name: str
    fault: Callable[[Body, int], Action | None]
    # None: a brief is written; else the run fails with a ModelCallError saying this.
    error: str | None = None
    # Sources the model cannot summarize: the note names them, and the brief has them
    # from the offline draft, which fills in what the model left out.
    lost: frozenset[str] = frozenset()
    timeout: float = TIMEOUT
    retries: int = 1
    max_requests: int | None = None


def bad_status(status: int) -> Reply:
    return Reply(status, {"error": {"message": f"upstream said {status}\nretry"}}, NO_WAIT)


# llama-server's and OpenAI's ways of saying it.
TOO_LONG_LLAMA_SERVER = Reply(
    400,
    {"error": {"message": "Context size has been exceeded.", "type": "exceed_context_size_error"}},
)
TOO_LONG_OPENAI = Reply(
    400,
    {"error": {"message": "maximum context length is 8 tokens", "code": "context_length_exceeded"}},
)


def absurd_usage(body: Body, _: int) -> Reply:
    """A good answer whose usage no cost can be computed from."""
    usage = {"prompt_tokens": 10**400, "completion_tokens": -1, "total_tokens": "x"}
    return Reply(body={**well_answered(body).body, "usage": usage})


def infinite_figure(body: Body, _: int) -> Reply | None:
    """A good map answer, plus a figure whose value (1e400) no float can hold."""
    if schema_name(body) != MAP:
        return None
    answer = json.loads(well_answered(body).body["choices"][0]["message"]["content"])
    figure = {"citations": ["S3.3"], "text": "about 2,300", "value": 1.5e300, "unit": None}
    figure |= {"counts": "passengers a day", "attribution": None}
    for summary in answer["summaries"]:
        summary["figures"] = [figure] if summary["source_id"] == "S3" else []
    return reply_with(json.dumps(answer).replace("1.5e+300", "1e400"))


CASES = [
    # Retried by the SDK, then answered.
    Case("429 then ok", first(1, Reply(429, {"error": {"message": "slow down"}}, NO_WAIT))),
    Case("500 then ok", first(1, bad_status(500))),
    Case("502 html then ok", first(1, Reply(502, b"<html>\nBad gateway\n</html>", NO_WAIT))),
    Case("503 then ok", first(1, bad_status(503))),
    Case("connection reset then ok", first(1, Reset())),
    Case("slow then ok", first(1, Slow(1.5)), timeout=0.5),
    # Retried here (the SDK takes any 200), then answered.
    Case("non-JSON 200 then ok", first(1, NOT_JSON)),
    Case("error object 200 then ok", first(1, Reply(body={"error": {"message": "busy"}}))),
    Case("empty choices then ok", first(1, Reply(body={"id": "x", "choices": []}))),
    Case("no message then ok", first(1, Reply(body={"choices": [{"index": 0}]}))),
    Case("5 MB reply then ok", first(1, reply_with('{"summaries": [' + " " * FIVE_MB))),
    Case("absurd usage counts", absurd_usage),
    Case("a figure no float can hold", infinite_figure),
    # Failing for some sources or some calls only: the rest of the day goes on.
    Case(
        "refusal for one source",
        for_source("S3", reply_with(None, refusal="No.\nNot this.")),
        lost=frozenset({"S3"}),
    ),
    Case(
        "content filter for one source",
        for_source("S2", reply_with("", finish_reason="content_filter")),
        lost=frozenset({"S2"}),
    ),
    Case(
        "context overflow for packs of several",
        for_packs_of_several(TOO_LONG_LLAMA_SERVER),
    ),
    Case(
        "a proxy's 413 for packs of several",
        for_packs_of_several(Reply(413, b"<html>413 Request Entity Too Large</html>")),
    ),
    Case("every merge fails", always(bad_status(500), "ReduceResult")),
    Case("every merge is cut off", always(reply_with("{", finish_reason="length"), "ReduceResult")),
    # Failing for every request: no source can be summarized, exit 1, one line.
    Case(
        "429 always",
        always(Reply(429, {"error": {"message": "slow down"}}, NO_WAIT)),
        error="still rate-limiting after the retries",
    ),
    Case("500 always", always(bad_status(500)), error="answered HTTP 500: upstream said 500 retry"),
    Case("connection reset always", always(Reset()), error="cannot reach"),
    Case("slow always", always(Slow(1.5)), error="did not answer in time", timeout=0.5),
    # Each byte in time, the whole not: --timeout bounds the call, not only each read.
    Case(
        "dripped reply", always(Drip(0.05)), error="did not answer in time", timeout=0.5, retries=0
    ),
    Case(
        "non-JSON 200 always",
        always(NOT_JSON),
        error="not a chat completion (a body that is not JSON",
    ),
    Case(
        "error object 200 always",
        always(Reply(body={"error": {"message": "model\nbusy"}})),
        error="not a chat completion (an error: model busy)",
    ),
    Case("empty choices always", always(Reply(body={"choices": []})), error="no choices"),
    Case(
        "cut off always",
        always(reply_with('{"summaries": [', finish_reason="length")),
        error="cut off at the token limit",
        max_requests=4 * 5,
    ),
    Case("refusal always", always(reply_with(None, refusal="I can't.")), error="refused: I can't."),
    Case(
        "content filter always",
        always(reply_with("", finish_reason="content_filter")),
        error="refused: the provider's content filter",
    ),
    Case(
        "invalid JSON always",
        always(reply_with('{"summaries": [{"source_id": ')),
        error="invalid reply after a re-ask (reply: Invalid JSON",
    ),
    Case(
        "wrong shape always",
        always(reply_with('{"answers": [1, 2]}')),
        error="invalid reply after a re-ask (summaries: Field required",
    ),
    Case("empty content always", always(reply_with("")), error="invalid reply after a re-ask"),
    Case(
        "5 MB reply always",
        always(reply_with('{"summaries": [' + " " * FIVE_MB), MAP),
        error="invalid reply after a re-ask",
        max_requests=4 * 5,
    ),
    Case(
        "context overflow always", always(TOO_LONG_OPENAI), error="did not fit the context window"
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_a_fault_costs_only_what_it_must_and_poisons_nothing(
    case: Case, server: FakeServer, inputs: Path, tmp_path: Path
):
    server.fault = case.fault
    outcome = attempt(inputs, server, timeout=case.timeout, max_retries=case.retries)
    if case.error is not None:
        assert isinstance(outcome, ModelCallError), f"the run should have failed: {outcome!r}"
        assert outcome.exit_code == 1
        assert_one_line(str(outcome))
        assert str(outcome).startswith("no source could be summarized: ")
        assert case.error in str(outcome)
    else:
        assert not isinstance(outcome, BriefingError), f"{type(outcome).__name__}: {outcome}"
        assert cited_sources(outcome) == EVERY_SOURCE
        for source in case.lost:
            assert f"{source} not summarized" in (outcome.engine.note or "")
        assert_one_line(outcome.engine.note or "")
        assert outcome.run is not None
        assert outcome.run.cost_usd is not None
        assert_round_trips(outcome, tmp_path)
    if case.max_requests is not None:
        assert len(server.requests) <= case.max_requests
    # Nothing bad was cached: a healthy server gets the whole day...
    server.fault = None
    healthy = generate(inputs, server)
    assert cited_sources(healthy) == EVERY_SOURCE
    assert "Not everything made it" not in (healthy.engine.note or "")
    assert_round_trips(healthy, tmp_path)
    # ...and an identical run after that is answered from the cache alone.
    sent = len(server.requests)
    again = generate(inputs, server)
    assert len(server.requests) == sent
    assert again.run is not None
    assert again.run.calls == 0
    assert render(again, "json") == render(healthy, "json")  # byte for byte
    assert again.stories[0].key_developments == healthy.stories[0].key_developments


def test_a_merge_that_always_fails_keeps_every_source_within_the_limits(
    server: FakeServer, inputs: Path
):
    server.fault = always(bad_status(500), "ReduceResult")
    brief = generate(inputs, server)
    # Ten key points (two per source): three leads in the bottom line, the other seven
    # among the developments, and every source among those; then the offline draft's.
    story = brief.stories[0]
    assert (len(story.bottom_line), len(story.key_developments)) == (3, 8)
    assert {c.citations[0].split(".")[0] for c in story.key_developments} == EVERY_SOURCE
    assert "so the summaries are listed unmerged" in (brief.engine.note or "")


def test_a_5_mb_reply_with_debug_logging_on(
    server: FakeServer, inputs: Path, caplog: pytest.LogCaptureFixture
):
    # The re-ask holds the 5 MB reply: counting its tokens for the debug log used to crash
    # tiktoken (a million spaces), and the crash was cached.
    caplog.set_level(logging.DEBUG, logger="briefing")
    server.fault = first(1, reply_with('{"summaries": [' + " " * FIVE_MB))
    brief = generate(inputs, server)
    assert cited_sources(brief) == EVERY_SOURCE
    assert len(server.sent(MAP)) == 2
    assert "sending MapResult call" in caplog.text


def test_cut_off_replies_get_a_bounded_number_of_requests(server: FakeServer, inputs: Path):
    server.fault = always(reply_with('{"summaries": [', finish_reason="length"))
    with pytest.raises(ModelCallError):
        generate(inputs, server, fallback=False)
    # One pack of five, then halves of halves; each source in at most four requests.
    per_source = dict.fromkeys(EVERY_SOURCE, 0)
    for body in server.sent(MAP):
        for source in EVERY_SOURCE:
            per_source[source] += f'<source id="{source}"' in body["messages"][1]["content"]
    assert max(per_source.values()) <= 4
    assert len(server.sent()) == 9


# --- the judge ------------------------------------------------------------------------------


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


JUDGE_FAULTS = {
    "500": always(bad_status(500), "JudgeResult"),
    "non-JSON 200": always(Reply(body=b"<html>oops</html>"), "JudgeResult"),
    "garbage verdicts": always(reply_with('{"verdicts": "all fine"}'), "JudgeResult"),
    "refusal": always(reply_with(None, refusal="No."), "JudgeResult"),
}


@pytest.mark.parametrize("fault", JUDGE_FAULTS.values(), ids=JUDGE_FAULTS)
def test_a_failing_judge_keeps_the_brief(fault, server: FakeServer, inputs: Path, tmp_path):
    server.fault = fault
    brief = generate(inputs, server, judge="openai")
    assert cited_sources(brief) == EVERY_SOURCE
    assert brief.review is not None
    assert brief.review.judged_by == MODEL
    reasons = {c.judge.reason for c in brief.review.claims if c.judge and c.judge.verdict is None}
    assert len(reasons) == 1
    assert_one_line(reasons.pop())
    assert_round_trips(brief, tmp_path)
    # The judge's failure was not cached either.
    server.fault = None
    judged = generate(inputs, server, judge="openai")
    assert judged.review is not None
    assert {c.judge.verdict for c in judged.review.claims if c.judge} == {"entailed"}


def test_a_judge_server_that_is_down_keeps_the_brief(inputs: Path, tmp_path: Path):
    out = tmp_path / "brief.json"
    args = [
        "generate",
        str(inputs),
        "--engine",
        "extractive",
        "--judge",
        "openai",
        "--base-url",
        f"http://127.0.0.1:{closed_port()}/v1",
        "--max-retries",
        "0",
        "-o",
        str(out),
    ]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    assert "judge: 0 entailed, 0 partly, 0 not entailed" in result.stderr
    assert "unexpected" not in result.output
    brief = briefing.load(out)
    assert brief.review is not None
    assert brief.review.claims
    for check in brief.review.claims:
        assert check.judge is not None
        assert check.judge.verdict is None
        assert check.judge.reason.startswith("the judge could not be asked: cannot reach")


# --- the command line: exit codes and one-line messages -----------------------------------


CLI_CASES = {
    "ok after a 503": (first(1, bad_status(503)), 0, set()),
    "one source refused": (for_source("S4", reply_with(None, refusal="No.")), 0, {"S4"}),
    # The model gives nothing usable: the offline engine's brief, exit 5 (briefing/fallback.py).
    "cut off always": (always(reply_with("{", finish_reason="length")), 5, set()),
    "non-JSON 200 always": (always(NOT_JSON), 5, set()),
}


@pytest.mark.parametrize("case", CLI_CASES.values(), ids=CLI_CASES)
def test_the_command_line_exit_code_and_message(
    case: tuple[Callable[[Body, int], Action | None], int, set[str]],
    server: FakeServer,
    inputs: Path,
    tmp_path: Path,
):
    server.fault, code, lost = case
    out = tmp_path / "brief.json"
    args = [
        "generate",
        str(inputs),
        "--engine",
        "openai",
        "--base-url",
        server.url,
        "--max-retries",
        "1",
        "-o",
        str(out),
    ]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == code, result.output
    assert "unexpected" not in result.output
    assert "Traceback" not in result.output
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    if code:
        assert len(errors) == 1
        assert result.stderr.splitlines()[-1] == errors[0]
        assert errors[0].startswith("error: the model failed (no source could be summarized")
        assert "pass --allow-fallback to exit 0" in errors[0]
        assert briefing.load(out).engine.fallback is not None
    else:
        assert errors == []
        brief = json.loads(out.read_text(encoding="utf-8"))
        cited = {
            c.split(".")[0]
            for item in brief["stories"][0]["key_developments"]
            for c in item["citations"]
        }
        assert cited == EVERY_SOURCE  # the offline draft fills in what the model lost
        assert all(f"{s} not summarized" in brief["engine"]["note"] for s in lost)
        assert_round_trips(briefing.load(out), tmp_path)


# --- a model outage: the offline engine's brief, marked, and the model's next time -------


OUTAGES = {
    "500 always": (always(bad_status(500)), "answered HTTP 500", TIMEOUT),
    "503 always": (always(bad_status(503)), "answered HTTP 503", TIMEOUT),
    "connection reset always": (always(Reset()), "cannot reach", TIMEOUT),
    "timeout always": (always(Slow(1.5)), "did not answer in time", 0.5),
}
BANNER = "Written without the language model"


@pytest.mark.parametrize("outage", OUTAGES.values(), ids=OUTAGES)
def test_a_model_outage_writes_the_offline_brief_and_the_next_run_the_models(
    outage: tuple[Callable[[Body, int], Action | None], str, float],
    server: FakeServer,
    inputs: Path,
    tmp_path: Path,
):
    server.fault, said, timeout = outage
    brief = generate(inputs, server, timeout=timeout)
    assert server.requests, "the model was asked first"
    assert brief.engine.name == "extractive"
    assert brief.engine.fallback is not None
    assert said in brief.engine.fallback
    assert_one_line(brief.engine.fallback)
    assert "the offline extractive engine wrote this brief" in brief.engine.note
    assert cited_sources(brief) == EVERY_SOURCE
    assert_round_trips(brief, tmp_path)
    markdown = render(brief, "md")
    assert f"> **{BANNER}**" in markdown
    assert said in markdown.split(BANNER, 1)[1].splitlines()[0]
    assert f'<p id="fallback" class="fallback" role="alert"><strong>{BANNER}' in render(
        brief, "html"
    )
    assert json.loads(render(brief, "json"))["engine"]["fallback"] == brief.engine.fallback
    # Nothing of the outage was kept as a model answer: the next healthy run is the model's.
    server.fault = None
    sent = len(server.requests)
    healthy = generate(inputs, server)
    assert len(server.requests) > sent
    assert healthy.engine.name == "openai"
    assert healthy.engine.fallback is None
    assert BANNER not in render(healthy, "md")
    assert "fallback" not in json.loads(render(healthy, "json"))["engine"]


def test_without_the_fallback_an_outage_is_the_model_error(server: FakeServer, inputs: Path):
    server.fault = always(bad_status(503))
    with pytest.raises(ModelCallError, match="no source could be summarized"):
        generate(inputs, server, fallback=False)


def test_a_rejected_key_is_no_outage_and_stays_an_error(server: FakeServer, inputs: Path):
    server.fault = always(Reply(401, {"error": {"message": "bad key"}}))
    with pytest.raises(BriefingError, match="rejected the API key"):
        generate(inputs, server)


def cli_generate(inputs: Path, server: FakeServer, out: Path, *more: str) -> Result:
    args = ["generate", str(inputs), "--engine", "openai", "--base-url", server.url]
    return CliRunner().invoke(cli, [*args, "--max-retries", "1", "-o", str(out), *more])


def test_generate_exits_5_on_a_fallback_unless_allowed(
    server: FakeServer, inputs: Path, tmp_path: Path
):
    server.fault = always(bad_status(500))
    out = tmp_path / "brief.md"
    refused = cli_generate(inputs, server, out, "--fail-under", "1")
    assert refused.exit_code == 5, refused.output
    assert refused.stderr.count("error:") == 1
    last = refused.stderr.splitlines()[-1]
    assert last.startswith("error: the model failed (no source could be summarized: ")
    assert last.endswith("; exit 5: pass --allow-fallback to exit 0 on a fallback")
    assert BANNER in out.read_text(encoding="utf-8")  # written all the same
    out.unlink()
    allowed = cli_generate(inputs, server, out, "--allow-fallback", "-q")
    assert allowed.exit_code == 0, allowed.output
    (warning,) = allowed.stderr.splitlines()  # -q: the warning alone
    assert warning.startswith("warning: the model failed (")
    assert warning.endswith("the offline engine's brief was written instead")
    assert BANNER in out.read_text(encoding="utf-8")


def test_daily_publishes_the_offline_brief_in_an_outage_and_the_models_next(
    server: FakeServer, inputs: Path, tmp_path: Path
):
    folder = tmp_path / "briefs"
    args = ["daily", str(inputs), "--output-dir", str(folder), "--engine", "openai"]
    args += ["--base-url", server.url, "--max-retries", "0", "--date", "2026-11-18"]
    server.fault = always(Reset())
    down = CliRunner().invoke(cli, args)
    assert down.exit_code == 0, down.output
    assert "warning: the model failed (" in down.stderr
    for name in ("2026-11-18.md", "latest.md", "2026-11-18.html"):
        assert BANNER in (folder / name).read_text(encoding="utf-8")
    assert briefing.load(folder / "2026-11-18.json").engine.fallback is not None
    strict = CliRunner().invoke(cli, [*args, "--no-allow-fallback"])
    assert strict.exit_code == 5, strict.output
    # The model is back: the same day's rerun writes the model's brief everywhere.
    server.fault = None
    back = CliRunner().invoke(cli, args)
    assert back.exit_code == 0, back.output
    assert "warning" not in back.stderr
    for name in ("2026-11-18.md", "latest.md", "2026-11-18.html", "index.html"):
        assert BANNER not in (folder / name).read_text(encoding="utf-8")
    written = briefing.load(folder / "2026-11-18.json")
    assert (written.engine.name, written.engine.fallback) == ("openai", None)
    recorded = briefing.load(folder / ".state" / "briefs" / "2026-11-18.json")
    assert recorded.engine.name == "openai"


# --- every network wait is bounded by a wall clock -----------------------------------------
#
# The servers below send each byte well within any read timeout; only a clock on the whole
# try cuts them off. The bounds asserted are the documented ones plus a margin for a busy
# machine, far below what the drip would take (about a minute).


@pytest.mark.parametrize("mode", MODES)
def test_a_url_that_drips_costs_at_most_its_tries(mode: str, tmp_path: Path):
    waits: list[float] = []
    settings = FetchSettings(
        timeout=0.5, retries=1, backoff=0.25, cache_dir=tmp_path / "http", sleep=waits.append
    )
    with DripServer(mode, interval=0.05) as server:
        started = time.monotonic()
        read = ingest([server.url + "/feed.xml"], fetch=settings)
        took = time.monotonic() - started
    assert server.connections == 2  # the first try and one retry
    assert not read.articles
    (skipped,) = read.skipped
    assert skipped.reason == (
        "no complete answer within 0.5 s (2 tries); check the URL, or try again later"
    )
    assert waits == [0.25]  # the backoff (recorded, not slept)
    # Each try held the server for its 0.5 s, and the URL cost two tries (and the backoff).
    assert max(server.held) < 0.5 + HANG_UP
    assert took < 2 * 0.5 + MARGIN


@pytest.mark.parametrize("mode", MODES)
def test_a_model_server_that_drips_is_cut_off_and_the_brief_written(
    mode: str, inputs: Path, tmp_path: Path
):
    with DripServer(mode, interval=0.05) as server:
        brief = briefing.generate(
            [inputs],
            engine="openai",
            base_url=server.url + "/v1",
            model=MODEL,
            timeout=0.5,
            max_retries=0,
        )
    # One map call of the five sources, cut off at --timeout; the offline engine after.
    assert server.connections == 1
    assert server.held[0] < 0.5 + HANG_UP
    assert brief.engine.fallback is not None
    assert "did not answer in time" in brief.engine.fallback
    assert cited_sources(brief) == EVERY_SOURCE
