"""The judge's second opinion (--judge openai), off HTTP: a fake backend answers."""

from __future__ import annotations

import asyncio
import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from llm_fixtures import FakeBackend, reply

from briefing.brief_file import load_brief
from briefing.cli import cli
from briefing.errors import ConfigError, ModelCallError, VerificationFailedError
from briefing.llm import calls
from briefing.llm.chat import ChatReply, ChatRequest
from briefing.llm.judge import Judge
from briefing.llm.settings import LLMSettings
from briefing.models import Brief
from briefing.render import render, render_report
from briefing.verify import verify_brief
from briefing.verify.gate import enforce_threshold, judge_summary

FIXTURE = Path(__file__).parent / "data" / "brief-harrowgate.json"
KEY = re.compile(r'<claim key="([0-9a-f]+)">')


def settings(tmp_path: Path, **kw: object) -> LLMSettings:
    values: dict[str, object] = {"model": "judge-model", "base_url": "http://judge.invalid/v1"}
    values["cache_dir"] = tmp_path / "cache"
    values.update(kw)
    return LLMSettings(**values)  # type: ignore[arg-type]


def asked(request: ChatRequest) -> list[str]:
    return KEY.findall(request.messages[-1]["content"])


def answer(verdict_for: dict[str, str] | str, extra: list[dict[str, str]] | None = None):
    def respond(request: ChatRequest) -> ChatReply:
        verdicts = [
            {
                "key": key,
                "verdict": verdict_for if isinstance(verdict_for, str) else verdict_for[key],
                "reason": f"reason for {key}",
            }
            for key in asked(request)
            if isinstance(verdict_for, str) or key in verdict_for
        ]
        return reply(json.dumps({"verdicts": verdicts + (extra or [])}))

    return respond


@pytest.fixture
def brief():
    return load_brief(FIXTURE)


def test_verdicts_are_attached_and_the_prompt_puts_data_last(brief, tmp_path):
    review = verify_brief(brief)
    backend = FakeBackend(judges=answer("entailed"))
    judged = asyncio.run(Judge(settings(tmp_path), backend).areview(brief, review))
    assert judged.judged_by == "judge-model"
    assert all(c.judge is not None and c.judge.verdict == "entailed" for c in judged.claims)
    assert judged.claims[0].judge.reason == f"reason for {judged.claims[0].key}"
    (request,) = backend.sent("JudgeResult")
    system, user = request.messages
    assert system["role"] == "system"
    assert "not instructions" in system["content"]
    assert user["content"].rstrip().endswith("</claims>")
    first = brief.stories[0].bottom_line[0]
    passage = brief.passage_index()[first.citations[0]][1]
    assert f"text: {first.text}" in user["content"]
    assert f"[{passage.id}] {passage.text}" in user["content"]
    assert sorted(set(asked(request))) == sorted({c.key for c in review.claims})
    assert backend.closed == 1
    assert "13 entailed, 0 partly, 0 not entailed, 0 no verdict" in judge_summary(judged)


def test_unknown_keys_are_ignored_and_missing_ones_get_no_verdict(brief, tmp_path):
    review = verify_brief(brief)
    first, second = review.claims[0].key, review.claims[1].key
    extra = [{"key": "not-a-claim", "verdict": "not_entailed", "reason": "made up"}]
    backend = FakeBackend(judges=answer({first: "partly", second: "not_entailed"}, extra))
    judged = asyncio.run(Judge(settings(tmp_path), backend).areview(brief, review))
    by_key = {c.key: c.judge for c in judged.claims}
    assert "not-a-claim" not in by_key
    assert by_key[first].verdict == "partly"
    assert by_key[second].verdict == "not_entailed"
    rest = [c.judge for c in judged.claims[2:]]
    assert all(j is not None and j.verdict is None for j in rest)
    assert all(j.reason == "the judge gave none" for j in rest if j)


@pytest.mark.parametrize(
    ("bad", "why"),
    [
        (reply('{"verdicts": [{"key": "x", "verdict": "maybe", "reason": ""}]}'), "schema"),
        (reply("not json"), "schema"),
        (reply(None, refusal="no"), "refused"),
        (reply('{"verdicts": [', finish_reason="length"), "cut off"),
    ],
)
def test_a_bad_reply_means_no_verdict_not_an_error(brief, tmp_path, bad, why):
    judged = asyncio.run(
        Judge(settings(tmp_path), FakeBackend(judges=[bad])).areview(brief, verify_brief(brief))
    )
    assert all(c.judge is not None and c.judge.verdict is None for c in judged.claims)
    assert why in judged.claims[0].judge.reason


def test_not_entailed_changes_no_status_count_or_gate(brief, tmp_path):
    review = verify_brief(brief)
    judged = asyncio.run(
        Judge(settings(tmp_path), FakeBackend(judges=answer("not_entailed"))).areview(brief, review)
    )
    plain = review.model_dump(exclude={"claims", "judged_by"})
    assert judged.model_dump(exclude={"claims", "judged_by"}) == plain
    assert [c.model_dump(exclude={"judge"}) for c in judged.claims] == [
        c.model_dump(exclude={"judge"}) for c in review.claims
    ]
    assert review.fraction_supported == 1.0
    enforce_threshold(judged, 1.0)  # the verifier's gate: passes although the judge doubts all
    text = render_report(judged, brief.title)
    assert "### Second opinion" in text
    assert "0 entailed, 0 partly, 13 not entailed, 0 no verdict" in text
    assert "**not entailed** (verifier: supported)" in text
    assert "| supported | " in text
    html = render(brief.model_copy(update={"review": judged}), "html", None)
    assert "Second opinion: not entailed." in html


def test_the_second_run_is_answered_from_the_cache(brief, tmp_path):
    review = verify_brief(brief)
    asyncio.run(
        Judge(settings(tmp_path), FakeBackend(judges=answer("entailed"))).areview(brief, review)
    )
    again = Judge(settings(tmp_path), FakeBackend(judges=[]))
    judged = asyncio.run(again.areview(brief, review))
    assert (again.usage.calls, again.usage.cached_calls) == (0, 1)
    assert judged.claims[0].judge is not None
    assert judged.claims[0].judge.verdict == "entailed"


def test_old_review_json_without_judge_still_loads(brief):
    data = json.loads(FIXTURE.read_text(encoding="utf-8"))
    review = json.loads(verify_brief(brief).model_dump_json())
    del review["judged_by"]
    for check in review["claims"]:
        del check["judge"]
    data["review"] = review
    loaded = Brief.model_validate(data).review
    assert loaded is not None
    assert loaded.judged_by is None
    assert all(c.judge is None for c in loaded.claims)


# --- the command line ---------------------------------------------------------------


def run(*args: object):
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


@pytest.fixture
def fake_judge(monkeypatch):
    backend = FakeBackend(judges=answer("not_entailed"))
    seen: list[LLMSettings] = []

    def make(s: LLMSettings) -> FakeBackend:
        seen.append(s)
        return backend

    monkeypatch.setattr(calls, "make_backend", make)
    return seen


def test_verify_with_judge_reports_beside_the_verifier(fake_judge, tmp_path):
    out = tmp_path / "review.json"
    result = run(
        "verify", FIXTURE, "--judge", "openai", "--base-url", "http://judge.invalid/v1",
        "--model", "tiny", "--no-cache", "--timeout", "9", "-o", out, "--fail-under", "1",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "review: 13 of 13 claims supported" in result.stderr
    assert "judge: 0 entailed, 0 partly, 13 not entailed, 0 no verdict" in result.stderr
    (used,) = fake_judge
    assert (used.model, used.use_cache, used.timeout) == ("tiny", False, 9.0)
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["judged_by"] == "tiny"
    assert {c["status"] for c in data["claims"]} == {"supported"}
    assert {c["judge"]["verdict"] for c in data["claims"]} == {"not_entailed"}


def generate_examples_with_judge(out: Path):
    examples = Path(__file__).resolve().parent.parent / "examples"
    return run(
        "generate", "--engine", "extractive", examples, "-o", out,
        "--judge", "openai", "--base-url", "http://judge.invalid/v1",
    )  # fmt: skip


def test_generate_with_judge_shows_it_in_the_brief(fake_judge, tmp_path):
    out = tmp_path / "brief.md"
    result = generate_examples_with_judge(out)
    assert result.exit_code == 0, result.output
    assert "judge: 0 entailed" in result.stderr
    text = out.read_text(encoding="utf-8")
    assert "### Second opinion" in text


def test_without_judge_nothing_is_asked(fake_judge, tmp_path):
    result = run("verify", FIXTURE)
    assert result.exit_code == 0
    assert "Second opinion" not in result.stdout
    assert "judge:" not in result.stderr
    assert fake_judge == []


def test_judge_without_key_or_server_says_what_to_do():
    result = run("verify", FIXTURE, "--judge", "openai")
    assert result.exit_code == 1
    assert result.stderr.startswith("error: no OPENAI_API_KEY")
    assert len(result.stderr.strip().splitlines()) == 1


def test_a_not_entailed_verdict_does_not_rescue_or_fail_the_gate(fake_judge, tmp_path):
    data = json.loads(FIXTURE.read_text(encoding="utf-8"))
    data["stories"][0]["what_to_watch"][0]["citations"] = ["S7.3"]
    edited = tmp_path / "edited.json"
    edited.write_text(json.dumps(data), encoding="utf-8")
    plain = run("verify", edited, "--fail-under", "0.95")
    judged = run(
        "verify", edited, "--fail-under", "0.95", "--judge", "openai",
        "--base-url", "http://judge.invalid/v1",
    )  # fmt: skip
    assert plain.exit_code == judged.exit_code == 4
    assert "12 of 13 claims supported" in judged.stderr
    with pytest.raises(VerificationFailedError):
        enforce_threshold(verify_brief(load_brief(edited, allow_unknown_citations=True)), 0.95)


def test_generate_with_judge_and_no_key_fails_before_writing(tmp_path):
    examples = Path(__file__).resolve().parent.parent / "examples"
    out = tmp_path / "brief.md"
    result = run("generate", "--engine", "extractive", examples, "-o", out, "--judge", "openai")
    assert result.exit_code == 1
    assert result.stderr == (
        "error: no OPENAI_API_KEY for --judge openai: set it, or point OPENAI_BASE_URL/"
        "--base-url at an OpenAI-compatible server, or drop --judge\n"
    )
    assert not out.exists()


class Down:
    """A judge server that fails after the retries, as the client reports it."""

    def __init__(self, error: Exception) -> None:
        self.error = error

    async def complete(self, request: ChatRequest) -> ChatReply:  # noqa: ARG002
        raise self.error

    async def aclose(self) -> None:
        pass


FAILURES = [
    ModelCallError("cannot reach http://judge.invalid/v1 (Connection error.); check --base-url"),
    ModelCallError("http://judge.invalid/v1 sent a reply that is not a chat completion (x)"),
    ConfigError("http://judge.invalid/v1 rejected the API key (401); check OPENAI_API_KEY"),
]


@pytest.mark.parametrize("error", FAILURES, ids=["down", "garbage", "key"])
def test_a_failing_judge_server_means_no_verdict_with_the_reason(brief, tmp_path, error, caplog):
    review = verify_brief(brief)
    judged = asyncio.run(Judge(settings(tmp_path), Down(error)).areview(brief, review))
    assert judged.judged_by == "judge-model"
    assert [c.model_dump(exclude={"judge"}) for c in judged.claims] == [
        c.model_dump(exclude={"judge"}) for c in review.claims
    ]
    assert {c.judge.reason for c in judged.claims if c.judge} == {
        f"the judge could not be asked: {error}"
    }
    assert all(c.judge is not None and c.judge.verdict is None for c in judged.claims)
    assert f"judge: no verdict for 13 claims ({error})" in caplog.text


def test_generate_keeps_the_brief_when_the_judge_fails(monkeypatch, tmp_path):
    monkeypatch.setattr(calls, "make_backend", lambda _: Down(FAILURES[0]))
    out = tmp_path / "brief.json"
    result = generate_examples_with_judge(out)
    assert result.exit_code == 0, result.output
    assert "judge: 0 entailed, 0 partly, 0 not entailed" in result.stderr
    assert "unexpected" not in result.output
    saved = load_brief(out)
    assert saved.review is not None
    assert saved.stories[0].key_developments
    assert {c.judge.verdict for c in saved.review.claims if c.judge} == {None}
