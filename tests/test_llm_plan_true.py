"""The plan is true: `briefing.plan` (and --dry-run) foresees the calls, rounds, tokens and
cost of a real run of the LLM engine (the OpenAI SDK against tests/fake_server.py), story by
story, with the summaries and merges an earlier day kept left out. Prompt tokens are
counted as a provider bills them (the messages and the response format's schema), the
completion tokens as the replies' text."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import pytest
from fake_server import engine_options, schema_name, serving, write_articles

import briefing
from briefing.llm import pricing
from briefing.llm.tokens import TokenCounter

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    from fake_server import Body, FakeServer

pytestmark = pytest.mark.block_network(allowed_hosts=["127.0.0.1"])

COUNTER = TokenCounter("gpt-4.1-mini")

# Our own writing: a ferry strike (three articles), a library fire (two), a choir's prize
# (one: never merged); the next day, one more on the strike and a new story of two.
DAY1 = {
    "ferry-1.txt": [
        "Ferry crews in Port Elsin strike for a third day",
        "Ferry crews in Port Elsin stayed off work on Tuesday for the third day running. The walkout has stopped all sailings to the four outer islands.",
        "The crews' union said its members want a new rota and an 8 percent pay rise.",
    ],
    "ferry-2.txt": [
        "Island shops run short as Port Elsin ferries stay in port",
        "Shops on Harl Island reported empty shelves by Tuesday morning as the Port Elsin ferry strike went on. One grocer said her last delivery arrived on Saturday.",
        "The island council asked the regional government for an emergency supply boat.",
    ],
    "ferry-3.txt": [
        "Ferry operator offers talks to end Port Elsin walkout",
        "Elsin Sound Lines said it was ready to meet the ferry crews' union on Thursday. Its chief executive called the pay demand unaffordable.",
        "The company carried about 2,300 passengers a day before the strike.",
    ],
    "library-1.txt": [
        "Fire closes the Harrowgate library",
        "A fire closed the Harrowgate public library on Sunday night. Firefighters from Harrowgate and Tollbridge put it out within two hours.",
        "No one was in the building, the fire service said.",
    ],
    "library-2.txt": [
        "Harrowgate library fire was electrical, inspectors say",
        "Inspectors said a faulty cable in the reading room started the fire at the Harrowgate library. About 4,000 books were lost.",
        "The council expects the library to reopen in the spring.",
    ],
    "choir.txt": [
        "Tollbridge choir wins the county prize",
        "The Tollbridge Singers won the county choir prize on Saturday with a programme of sea shanties. It is the choir's first win in twelve years.",
    ],
}
DAY2 = {
    "ferry-4.txt": [
        "Port Elsin ferry talks end without a deal",
        "Talks between Elsin Sound Lines and the ferry crews' union ended on Thursday without a deal. The strike enters its fifth day on Friday.",
        "The union said it would meet its members on Saturday.",
    ],
    "bridge-1.txt": [
        "Kellmouth bridge shut after a barge strikes it",
        "The Kellmouth swing bridge was shut on Thursday after a grain barge struck one of its piers. Engineers found a crack in the pier.",
        "Drivers face a detour of about 30 kilometres.",
    ],
    "bridge-2.txt": [
        "Kellmouth bridge to stay shut for weeks",
        "The county said the Kellmouth swing bridge will stay shut for at least three weeks while the damaged pier is repaired. The barge's owner said its pilot had lost steering.",
    ],
}


@pytest.fixture
def server() -> Iterator[FakeServer]:
    yield from serving()


def billed(requests: list[Body], replies: list[str]) -> tuple[int, int]:
    """Prompt tokens (messages and schema) and completion tokens of the requests sent."""
    prompt = sum(
        COUNTER.count_messages(body["messages"])
        + COUNTER.count(json.dumps(body["response_format"]))
        for body in requests
    )
    return prompt, sum(COUNTER.count(text) for text in replies)


def replies_of(server: FakeServer) -> list[str]:
    from fake_server import well_answered  # noqa: PLC0415

    return [well_answered(b).body["choices"][0]["message"]["content"] for b in server.sent()]


def close(planned: float, real: float) -> bool:
    return abs(planned - real) <= 0.10 * real


def test_the_plan_foresees_a_real_day_and_the_next(server: FakeServer, tmp_path: Path) -> None:
    folder = write_articles(tmp_path / "in", DAY1)
    options = engine_options(server, tmp_path / "cache")
    price = pricing.price_for("gpt-4.1-mini", pricing.load_prices(None))

    first = briefing.plan([folder], **options)
    briefing.generate([folder], engine="openai", **options)
    sent = server.sent()
    # One map call for the six short articles, one merge for each story of two or more.
    assert [c.step for c in first.calls] == ["map", "reduce", "reduce"]
    assert [schema_name(b) for b in sent].count("MapResult") == 1
    assert [schema_name(b) for b in sent].count("ReduceResult") == 2
    assert first.rounds == 2
    prompt, _ = billed(sent, replies_of(server))
    assert close(first.prompt_tokens, prompt), (first.prompt_tokens, prompt)

    # The next day: the strike's fourth article and a new story. Its plan is made with
    # what the first day kept: the choir and the library cost nothing, and the replies'
    # sizes are known from the kept ones.
    write_articles(folder, DAY2)
    server.requests.clear()
    second = briefing.plan([folder], **options)
    assert (second.kept_summaries, second.kept_merges) == (6, 1)
    assert "the replies kept in the cache" in second.completion_basis
    brief = briefing.generate([folder], engine="openai", **options)
    sent = server.sent()
    assert len(second.calls) == len(sent) == 3  # one map call, the strike's and the bridge's merges
    assert second.rounds == 2
    prompt, completion = billed(sent, replies_of(server))
    assert close(second.prompt_tokens, prompt), (second.prompt_tokens, prompt)
    assert close(second.completion_tokens, completion), (second.completion_tokens, completion)
    assert second.cost_usd is not None
    assert close(second.cost_usd, pricing.cost(price, prompt, completion) or 0.0)
    assert brief.run is not None
    assert brief.run.calls == 3
