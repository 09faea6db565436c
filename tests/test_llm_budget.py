"""--max-cost: a plan over the limit is refused before any request; a run that would go
over it while running stops sending, keeps what was answered and says what was left out
(briefing/engines/llm/budget.py). The real engine and SDK against tests/fake_server.py."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from click.testing import CliRunner
from fake_server import STRIKE, Reply, engine_options, serving, well_answered, write_articles

import briefing
from briefing.cli import cli
from briefing.errors import ConfigError, OverBudgetError

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    from fake_server import Action, Body, FakeServer

pytestmark = pytest.mark.block_network(allowed_hosts=["127.0.0.1"])

ARTICLES = STRIKE


@pytest.fixture
def server() -> Iterator[FakeServer]:
    yield from serving()


def options(server: FakeServer, tmp_path: Path, **more: object) -> dict[str, object]:
    return engine_options(server, tmp_path / "cache", **more)


def test_a_plan_over_the_limit_is_refused_before_any_request(server: FakeServer, tmp_path: Path):
    folder = write_articles(tmp_path / "in", ARTICLES)
    plan = briefing.plan([folder], **options(server, tmp_path))
    assert plan.cost_usd is not None
    with pytest.raises(
        OverBudgetError,
        match=r"^the run would cost about \$0\.\d{4} \(2 calls\), over --max-cost \$0\.\d{4}; nothing was sent",
    ):
        briefing.generate(
            [folder], engine="openai", **options(server, tmp_path, max_cost=plan.cost_usd / 2)
        )
    assert server.sent() == []
    result = CliRunner().invoke(
        cli,
        [
            "generate",
            str(folder),
            "--engine",
            "openai",
            "--base-url",
            server.url,
            "--max-cost",
            "0",
        ],
        env={"XDG_CACHE_HOME": str(tmp_path / "xdg"), "OPENAI_API_KEY": "sk-test-not-real"},
    )
    assert result.exit_code == 2
    (line,) = result.stderr.splitlines()
    assert line.startswith("error: the run would cost about $")
    assert server.sent() == []


def test_a_model_without_a_price_cannot_be_held_to_a_limit(server: FakeServer, tmp_path: Path):
    folder = write_articles(tmp_path / "in", ARTICLES)
    with pytest.raises(ConfigError, match="add it with --prices FILE"):
        briefing.generate(
            [folder], engine="openai", **options(server, tmp_path, model="local", max_cost=1.0)
        )
    assert server.sent() == []


def expensive_first_reply(body: Body, number: int) -> Action | None:
    """The first reply is billed as 100,000 completion tokens ($0.16 for gpt-4.1-mini)."""
    if number != 1:
        return None
    answer = well_answered(body).body
    return Reply(body={**answer, "usage": {"prompt_tokens": 100, "completion_tokens": 100_000}})


def test_a_run_that_would_go_over_stops_sending_and_keeps_what_it_got(
    server: FakeServer, tmp_path: Path
):
    folder = write_articles(tmp_path / "in", ARTICLES)
    # One source per map call, one call at a time: the first reply spends the budget.
    small = options(server, tmp_path, map_budget_tokens=20, max_concurrency=1)
    plan = briefing.plan([folder], **small)
    assert [c.step for c in plan.calls] == ["map", "map", "map", "reduce"]
    assert plan.cost_usd is not None
    server.fault = expensive_first_reply
    brief = briefing.generate([folder], engine="openai", **small, max_cost=plan.cost_usd * 2)
    assert len(server.sent()) == 1
    note = brief.engine.note
    assert "S2 not summarized (--max-cost $" in note
    assert "S3 not summarized (--max-cost $" in note
    assert brief.run is not None
    assert brief.run.calls == 1
    assert brief.cited_objects()  # S1's summary is in the brief
    # What was answered is kept: a rerun with room sends only what was left out.
    server.fault = None
    server.requests.clear()
    again = briefing.generate([folder], engine="openai", **small, max_cost=1.0)
    sent = [body["messages"][1]["content"] for body in server.sent()]
    assert len(sent) == 3  # S2's and S3's maps and the merge; S1's summary was kept
    assert not any("Ferry crews in Port Elsin strike" in text for text in sent[:2])
    assert "not summarized" not in again.engine.note
