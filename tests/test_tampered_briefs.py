"""The tampered-brief corpus: briefs we break on purpose, each through `render` and `verify`.

Every case is written here from a valid brief of our own (tests/brief_data.py): unknown
ids, repeated ids, contradictions, missing fields, wrong types, NaN, Infinity and huge
numbers, 10,000 claims, hostile strings in every field, review blocks that lie, and files
that are not JSON at all. Each command must either work (exit 0) or refuse the file with
one line that names the problem (exit 1); never a traceback, never "unexpected".
"""

from __future__ import annotations

import copy
import json
import math
import os
import subprocess
import sys
from typing import TYPE_CHECKING, Any

import pytest
from click.testing import CliRunner
from pydantic import ValidationError

from briefing.cli import cli
from briefing.models import Brief, Figure, RunStats
from tests.brief_data import HOSTILE, brief_data, review_of
from tests.test_hostile_outputs import assert_inert

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

Data = dict[str, Any]
OK, REFUSED = 0, 1


def _hostile(field: str) -> str:
    """A different hostile string for each field."""
    return HOSTILE[sum(map(ord, field)) % len(HOSTILE)] + f" ({field})"


def _many_claims(data: Data) -> None:
    base = data["stories"][0]["key_developments"][0]
    data["stories"][0]["key_developments"] = [
        {**base, "id": f"K{n}", "text": f"The crossing took 40 minutes on day {n}."}
        for n in range(10_000)
    ]
    data["review"] = review_of(data)


def _no_claims(data: Data) -> None:
    for section in ("bottom_line", "key_developments", "key_figures", "unconfirmed", "quotes"):
        data["stories"][0][section] = []
    data["stories"][0]["what_to_watch"] = []
    data["review"] = None


def _stale_review(data: Data) -> None:
    data["stories"][0]["key_developments"][0]["text"] = "Edited after the review."


def _consistent_lie(data: Data) -> None:
    """Every claim 'supported', counts to match, though no claim's words are in its source."""
    for section in ("bottom_line", "key_developments", "unconfirmed", "what_to_watch"):
        for claim in data["stories"][0][section]:
            claim["text"] = "Aliens landed at the harbour at midnight."
    data["review"] = review_of(data)
    for check in data["review"]["claims"]:
        check.update(status="supported", reasons=[], support=1.0, judge=None)
    total = len(data["review"]["claims"])
    data["review"].update(supported=total, partly_supported=0, fraction_supported=1.0)


def _one_check_less(data: Data) -> None:
    review = data["review"]
    review["claims"].pop()
    review["total"] = review["partly_supported"] = len(review["claims"])


def _set(path: str, value: Any) -> Callable[[Data], None]:
    """Set the field at a dotted path ("sources.0.passages.1.id")."""

    def change(data: Data) -> None:
        *parents, last = path.split(".")
        target: Any = data
        for part in parents:
            target = target[int(part)] if isinstance(target, list) else target[part]
        if isinstance(target, list):
            target[int(last)] = value
        else:
            target[last] = value

    return change


def _delete(path: str) -> Callable[[Data], None]:
    def change(data: Data) -> None:
        *parents, last = path.split(".")
        target: Any = data
        for part in parents:
            target = target[int(part)] if isinstance(target, list) else target[part]
        del target[last]

    return change


def _raw(text: str | bytes) -> Callable[[Data], str | bytes]:
    return lambda _data: text


def _number(literal: str, path: str) -> Callable[[Data], str]:
    """The brief's JSON with a number literal Python's json.dumps would never write."""

    def change(data: Data) -> str:
        _set(path, "__NUMBER__")(data)
        return json.dumps(data).replace('"__NUMBER__"', literal)

    return change


def _duplicate_key(data: Data) -> str:
    return json.dumps(data).replace('"title": ', '"title": "first", "title": ', 1)


def _lone_surrogate(data: Data) -> str:
    return json.dumps(data).replace('"title": "title"', '"title": "\\ud800"')


def _with_bom(data: Data) -> bytes:
    return b"\xef\xbb\xbf" + json.dumps(data).encode()


def _nested(_data: Data) -> str:
    return '{"title": ' + "[" * 100_000 + "]" * 100_000 + "}"


# (id, change, render's exit, verify's exit, words the refusal must contain)
CASES: list[tuple[str, Callable[[Data], Any], int, int, str]] = [
    ("valid", lambda _d: None, OK, OK, ""),
    ("hostile strings in every field", lambda _d: None, OK, OK, ""),
    ("10,000 claims", _many_claims, OK, OK, ""),
    ("no claims at all", _no_claims, OK, OK, ""),
    ("finite huge value", _set("stories.0.key_figures.0.figures.0.value", 1.7e308), OK, OK, ""),
    ("far-future date", _set("generated_at", "9999-12-31T23:59:59-23:59"), OK, OK, ""),
    ("a 1 MB title", _set("title", "Ferry " * 200_000), OK, OK, ""),
    ("UTF-8 byte order mark", _with_bom, OK, OK, ""),
    ("review that lies consistently", _consistent_lie, OK, OK, ""),
    # Unknown ids: render refuses, verify reports them claim by claim.
    (
        "unknown citation",
        _set("stories.0.key_developments.0.citations", ["S9.9"]),
        REFUSED,
        OK,
        "citations to unknown passages: C2 cites S9.9",
    ),
    (
        "unknown corroboration",
        _set("stories.0.bottom_line.0.corroborated_by", ["S7.1"]),
        REFUSED,
        OK,
        "C1 cites S7.1",
    ),
    ("review of an edited brief", _stale_review, REFUSED, OK, "review.claims[1]"),
    ("review missing a check", _one_check_less, REFUSED, OK, "review.claims: 5 checks"),
    # Repeated ids and contradictions.
    (
        "duplicate passage id",
        _set("sources.0.passages.1.id", "S1.1"),
        REFUSED,
        REFUSED,
        "sources[0].passages[1].id: S1.1 is also the id of sources[0].passages[0]",
    ),
    (
        "duplicate source id",
        _set("sources.1.id", "S1"),
        REFUSED,
        REFUSED,
        "sources[1].id: S1 is also the id of sources[0]",
    ),
    (
        "passage id of another source",
        _set("sources.0.passages.2.id", "S2.9"),
        REFUSED,
        REFUSED,
        "sources[0].passages[2].id: S2.9 is not a passage id of source S1",
    ),
    (
        "passage id with no number",
        _set("sources.0.passages.2.id", "S1.x"),
        REFUSED,
        REFUSED,
        "is not a passage id of source S1",
    ),
    (
        "duplicate claim id",
        _set("stories.0.what_to_watch.0.id", "C1"),
        REFUSED,
        REFUSED,
        "stories[0].what_to_watch[0].id: C1 is also the id of stories[0].bottom_line[0]",
    ),
    (
        "figure sources not its citations",
        _set("stories.0.key_figures.0.figures.0.source_ids", ["S1"]),
        REFUSED,
        REFUSED,
        "stories[0].key_figures[0].figures[0].source_ids",
    ),
    (
        "figure source listed twice",
        _set("stories.0.key_figures.0.figures.0.source_ids", ["S1", "S2", "S2"]),
        REFUSED,
        REFUSED,
        "list each source of its citations once",
    ),
    ("negative count", _set("stats.sources", -1), REFUSED, REFUSED, "stats.sources"),
    (
        "count not what the brief holds",
        _set("stats.passages", 9),
        REFUSED,
        REFUSED,
        "stats.passages: 9, but the brief holds 5 passages; set it to 5",
    ),
    ("review total lies", _set("review.total", 99), REFUSED, REFUSED, "review.total: 99"),
    ("review counts lie", _set("review.supported", 3), REFUSED, REFUSED, "review.supported"),
    (
        "review fraction lies",
        _set("review.fraction_supported", 0.9),
        REFUSED,
        REFUSED,
        "review.fraction_supported",
    ),
    (
        "review support out of range",
        _set("review.claims.0.support", 2),
        REFUSED,
        REFUSED,
        "review.claims.0.support",
    ),
    (
        "review verdict unknown",
        _set("review.claims.0.judge.verdict", "maybe"),
        REFUSED,
        REFUSED,
        "review.claims.0.judge.verdict",
    ),
    # Missing fields and wrong types.
    ("no title", _delete("title"), REFUSED, REFUSED, "title: Field required"),
    ("no sources", _delete("sources"), REFUSED, REFUSED, "sources: Field required"),
    ("no engine note", _delete("engine.note"), REFUSED, REFUSED, "engine.note"),
    ("no stats", _delete("stats"), REFUSED, REFUSED, "stats: Field required"),
    ("title is a number", _set("title", 5), REFUSED, REFUSED, "title: Input should be"),
    (
        "passages is a string",
        _set("sources.0.passages", "x"),
        REFUSED,
        REFUSED,
        "sources.0.passages",
    ),
    (
        "citations is a string",
        _set("stories.0.bottom_line.0.citations", "S1.1"),
        REFUSED,
        REFUSED,
        "stories.0.bottom_line.0.citations",
    ),
    (
        "no citations",
        _set("stories.0.bottom_line.0.citations", []),
        REFUSED,
        REFUSED,
        "stories.0.bottom_line.0.citations",
    ),
    (
        "paragraph is a word",
        _set("sources.0.passages.0.paragraph", "one"),
        REFUSED,
        REFUSED,
        "sources.0.passages.0.paragraph",
    ),
    ("date is not a date", _set("generated_at", "yesterday"), REFUSED, REFUSED, "generated_at"),
    ("unknown engine", _set("engine.name", "gpt"), REFUSED, REFUSED, "engine.name"),
    (
        "unknown claim status",
        _set("stories.0.unconfirmed.0.status", "rumour"),
        REFUSED,
        REFUSED,
        "unconfirmed.0.status",
    ),
    ("unknown field", _set("colour", "red"), REFUSED, REFUSED, "colour: Extra inputs"),
    ("a list, not a brief", _raw("[]"), REFUSED, REFUSED, "not a valid brief"),
    ("null, not a brief", _raw("null"), REFUSED, REFUSED, "not a valid brief"),
    ("a string, not a brief", _raw('"brief"'), REFUSED, REFUSED, "not a valid brief"),
    # Numbers JSON cannot hold or no field can.
    (
        "NaN",
        _number("NaN", "stories.0.key_figures.0.figures.0.value"),
        REFUSED,
        REFUSED,
        "NaN is not a JSON number",
    ),
    (
        "Infinity",
        _number("Infinity", "stats.seconds"),
        REFUSED,
        REFUSED,
        "Infinity is not a JSON number",
    ),
    (
        "-Infinity",
        _number("-Infinity", "stories.0.key_figures.0.figures.0.value"),
        REFUSED,
        REFUSED,
        "-Infinity is not a JSON number",
    ),
    (
        "1e400",
        _number("1e400", "stories.0.key_figures.0.figures.0.value"),
        REFUSED,
        REFUSED,
        "stories.0.key_figures.0.figures.0.value: Input should be a finite number",
    ),
    (
        "value null",
        _set("stories.0.key_figures.0.figures.0.value", None),
        REFUSED,
        REFUSED,
        "stories.0.key_figures.0.figures.0.value",
    ),
    ("fraction NaN", _number("NaN", "review.fraction_supported"), REFUSED, REFUSED, "NaN"),
    (
        "400-digit paragraph",
        _number("9" * 400, "sources.0.passages.0.paragraph"),
        REFUSED,
        REFUSED,
        "sources.0.passages.0.paragraph: Input should be less than or equal to",
    ),
    (
        "5,000-digit number",
        _number("7" * 5000, "stats.inputs"),
        REFUSED,
        REFUSED,
        "a number with 5000 digits",
    ),
    ("count beyond 2**53", _set("stats.calls", 2**63), REFUSED, REFUSED, "stats.calls"),
    # Not JSON, or not text.
    ("duplicate key", _duplicate_key, REFUSED, REFUSED, "the key 'title' appears twice"),
    ("lone surrogate", _lone_surrogate, REFUSED, REFUSED, "title: a lone UTF-16 surrogate"),
    ("empty file", _raw(""), REFUSED, REFUSED, "not a JSON brief"),
    ("not JSON", _raw("# Brief\n\nnot json"), REFUSED, REFUSED, "not a JSON brief"),
    ("binary", _raw(bytes(range(256))), REFUSED, REFUSED, "not UTF-8 text"),
    ("UTF-16", lambda d: json.dumps(d).encode("utf-16"), REFUSED, REFUSED, "not UTF-8 text"),
    ("nested 100,000 deep", _nested, REFUSED, REFUSED, "nested too deeply"),
]


def _brief_file(tmp_path: Path, case_id: str, change: Callable[[Data], Any]) -> Path:
    fill = _hostile if case_id == "hostile strings in every field" else (lambda field: field)
    data = copy.deepcopy(brief_data(fill))
    result = change(data)
    path = tmp_path / "brief.json"
    if isinstance(result, bytes):
        path.write_bytes(result)
    else:
        path.write_text(result if isinstance(result, str) else json.dumps(data), "utf-8")
    return path


def _check(args: list[str], expected: int, words: str) -> str:
    result = CliRunner().invoke(cli, args)
    assert "Traceback" not in result.output
    assert "unexpected" not in result.stderr
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert result.exit_code == expected, result.output[-2000:]
    if expected == REFUSED:
        assert result.stderr.startswith("error: "), result.stderr
        assert result.stderr.count("\n") == 1, result.stderr
        assert words in result.stderr, result.stderr
    return result.stdout


@pytest.mark.parametrize(
    ("change", "render_exit", "verify_exit", "words"),
    [pytest.param(*case[1:], id=case[0]) for case in CASES],
)
def test_render_and_verify_work_or_refuse_in_one_line(  # noqa: PLR0913, PLR0917 - one case
    tmp_path: Path,
    request: pytest.FixtureRequest,
    change: Callable[[Data], Any],
    render_exit: int,
    verify_exit: int,
    words: str,
) -> None:
    case_id = request.node.callspec.id
    path = _brief_file(tmp_path, case_id, change)
    parse = case_id != "10,000 claims"  # markdown-it takes seconds on that one
    markdown = _check(["render", str(path)], render_exit, words)
    if render_exit == OK and parse:
        assert_inert(markdown, {"https://news.example/s1", "https://news.example/s2"})
    report = _check(["verify", str(path)], verify_exit, words)
    if verify_exit == OK:
        assert report.startswith("# Review of")
        if parse:
            assert_inert(report, set())


def test_verify_does_not_believe_a_review_that_lies(tmp_path: Path) -> None:
    path = _brief_file(tmp_path, "lie", _consistent_lie)
    rendered = CliRunner().invoke(cli, ["render", str(path)])
    assert "**6 of 6 claims supported (100%)**" in rendered.stdout  # render shows what it holds
    verified = CliRunner().invoke(cli, ["verify", str(path), "--fail-under", "0.5"])
    assert "review: 0 of 6 claims supported" in verified.stderr
    assert verified.exit_code == 4


def test_verify_reports_unknown_ids_claim_by_claim(tmp_path: Path) -> None:
    path = _brief_file(
        tmp_path, "unknown", _set("stories.0.key_developments.0.citations", ["S9.9"])
    )
    result = CliRunner().invoke(cli, ["verify", str(path)])
    assert "cites S9.9, which is not a passage of any source in the brief" in result.stdout


def _subprocess(*args: str, **kwargs: Any) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 - our own interpreter and module
        [sys.executable, "-m", "briefing", *args],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        **kwargs,
    )


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this platform")
@pytest.mark.parametrize("command", ["render", "verify"])
def test_a_fifo_is_refused_without_waiting_for_a_writer(tmp_path: Path, command: str) -> None:
    fifo = tmp_path / "brief.json"
    os.mkfifo(fifo)
    result = _subprocess(command, str(fifo))  # blocked forever before the fix
    assert result.returncode == REFUSED
    assert result.stderr == (
        f"error: {fifo}: not a regular file; pass a brief.json file, or - to read the brief "
        "from standard input\n"
    )


@pytest.mark.parametrize("command", ["render", "verify"])
def test_missing_and_looping_paths_are_one_line(tmp_path: Path, command: str) -> None:
    loop = tmp_path / "loop.json"
    loop.symlink_to(loop)
    for path, reason in [(tmp_path / "nope.json", "No such file"), (loop, "symbolic links")]:
        result = CliRunner().invoke(cli, [command, str(path)])
        assert result.exit_code == REFUSED
        assert result.stderr.startswith(f"error: {path}: cannot read it (")
        assert reason in result.stderr
        assert result.stderr.count("\n") == 1


@pytest.mark.parametrize("value", [math.inf, -math.inf, math.nan])
def test_no_brief_can_hold_a_number_json_cannot_write(value: float) -> None:
    """Built in Python too (an engine, the API): refused, so `generate` never writes null
    for a required float (a 400-digit number became inf, then null, then an unreadable brief)."""
    with pytest.raises(ValidationError, match="finite number"):
        Figure(text="x", citations=["S1.1"], value=value, counts="x", source_ids=["S1"])
    stats = {"inputs": 1, "sources": 1, "passages": 1, "skipped": 0}
    with pytest.raises(ValidationError, match="finite number"):
        RunStats(**stats, seconds=value)


def test_the_largest_finite_value_round_trips() -> None:
    data = brief_data()
    data["stories"][0]["key_figures"][0]["figures"][0]["value"] = sys.float_info.max
    brief = Brief.model_validate(data)
    again = Brief.model_validate_json(brief.model_dump_json())
    assert again.stories[0].key_figures[0].figures[0].value == sys.float_info.max
