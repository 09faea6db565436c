"""Packing, splitting, tree grouping and the dry run."""

from __future__ import annotations

import itertools
import json
from typing import TYPE_CHECKING

import pytest
from llm_fixtures import harrowgate_sources

from briefing.engines.llm.planning import group_by_budget, halve, plan_map, plan_run, split_source
from briefing.errors import ConfigError
from briefing.llm import pricing
from briefing.llm.schemas import MapResult
from briefing.llm.settings import LLMSettings
from briefing.llm.strict import response_format
from briefing.llm.tokens import TokenCounter

if TYPE_CHECKING:
    from pathlib import Path

COUNTER = TokenCounter("gpt-4.1-mini")


def test_small_sources_share_one_map_call():
    packs = plan_map(harrowgate_sources(), COUNTER, 6000)
    assert [[u.source.id for u in p] for p in packs] == [["S1", "S2"]]


def test_a_long_source_is_split_on_paragraph_boundaries():
    source = harrowgate_sources()[0]
    units = split_source(source, COUNTER, 60)
    assert len(units) > 1
    assert [u.part for u in units] == list(range(1, len(units) + 1))
    assert all(u.parts == len(units) for u in units)
    # Every passage exactly once, in order, and no paragraph cut in two.
    assert [p.id for u in units for p in u.passages] == [p.id for p in source.passages]
    for before, after in itertools.pairwise(units):
        assert before.passages[-1].paragraph < after.passages[0].paragraph
    assert all(u.tokens <= 60 for u in units if len({p.paragraph for p in u.passages}) > 1)


def test_halving_splits_the_pack_then_the_source():
    both = plan_map(harrowgate_sources(), COUNTER, 6000)[0]
    halves = halve(both, COUNTER)
    assert halves is not None
    assert [[u.source.id for u in h] for h in halves] == [["S1"], ["S2"]]
    s2 = halve(halves[1], COUNTER)
    assert s2 is not None
    assert [[p.id for p in h[0].passages] for h in s2] == [["S2.1", "S2.2"], ["S2.3"]]
    assert halve(s2[1], COUNTER) is None


@pytest.mark.parametrize(
    ("sizes", "budget", "expected"),
    [
        ([10, 10, 10], 100, [[0, 1, 2]]),
        ([60, 60, 60, 60], 130, [[0, 1], [2, 3]]),
        ([500, 500, 500], 100, [[0, 1, 2]]),
        ([50, 50, 250, 50, 50], 150, [[0, 1], [2, 3, 4]]),
        ([900], 10, [[0]]),
    ],
)
def test_tree_groups_never_leave_a_singleton_among_several(sizes, budget, expected):
    groups = group_by_budget(sizes, budget)
    assert groups == expected
    assert sorted(i for g in groups for i in g) == list(range(len(sizes)))


def test_dry_run_plans_two_rounds_for_a_small_day_without_a_key(monkeypatch):
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    plan = plan_run(harrowgate_sources(), LLMSettings(model="gpt-4.1-mini"))
    assert [c.step for c in plan.calls] == ["map", "reduce"]
    assert plan.calls[0].label == "S1+S2"
    assert plan.rounds == 2
    assert plan.exact_tokens
    assert plan.prompt_tokens > 300
    price = pricing.shipped_prices()["gpt-4.1-mini"]
    expected = (plan.prompt_tokens * price.input + plan.completion_tokens * price.output) / 1e6
    assert plan.cost_usd == pytest.approx(expected)
    text = plan.render()
    assert "no request is sent" in text
    assert "2 calls in 2 sequential rounds" in text
    assert f"${expected:.4f}" in text


def test_dry_run_counts_what_would_be_sent():
    settings = LLMSettings(model="gpt-4.1-mini")
    plan = plan_run(harrowgate_sources(), settings)
    from briefing.llm.prompts import Prompts  # noqa: PLC0415

    pack = plan_map(harrowgate_sources(), COUNTER, settings.map_budget_tokens)[0]
    schema = COUNTER.count(json.dumps(response_format(MapResult)))
    assert (
        plan.calls[0].prompt_tokens == COUNTER.count_messages(Prompts().map_messages(pack)) + schema
    )
    assert plan.schema_tokens > schema  # the merge's schema too


def test_dry_run_of_a_big_day_reduces_in_a_tree():
    settings = LLMSettings(model="gpt-4.1-mini", map_budget_tokens=30, reduce_budget_tokens=200)
    plan = plan_run(harrowgate_sources(), settings)
    assert sum(c.step == "map" for c in plan.calls) == 5
    assert sum(c.step == "reduce" for c in plan.calls) >= 2
    assert plan.rounds >= 3


def test_unknown_model_costs_are_unknown_not_zero():
    plan = plan_run(harrowgate_sources(), LLMSettings(model="my-local-model"))
    assert plan.cost_usd is None
    assert "unknown (model not in the price table)" in plan.render()


def test_price_table_can_be_overridden(tmp_path: Path):
    table = tmp_path / "prices.json"
    table.write_text(
        json.dumps({"my-local-model": {"input": 1, "cached_input": 0.5, "output": 2}}),
        encoding="utf-8",
    )
    plan = plan_run(harrowgate_sources(), LLMSettings(model="my-local-model", prices_file=table))
    assert plan.cost_usd == pytest.approx((plan.prompt_tokens + 2 * plan.completion_tokens) / 1e6)


def test_a_bad_price_table_says_how_to_fix_it(tmp_path: Path):
    table = tmp_path / "prices.json"
    table.write_text('{"m": {"input": "cheap"}}', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"prices.json: not a usable price table"):
        pricing.load_prices(table)


def test_a_price_table_error_is_one_line(tmp_path: Path):
    table = tmp_path / "prices.json"
    table.write_text('{"m": {"input": "cheap"}}', encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        pricing.load_prices(table)
    assert len(str(caught.value).splitlines()) == 1
    assert str(caught.value).endswith(
        '; write JSON like {"my-model": {"input": 0.4, "cached_input": 0.1, "output": 1.6}}'
    )
    with pytest.raises(ConfigError, match=r"missing.json: cannot read it \(No such file"):
        pricing.load_prices(tmp_path / "missing.json")


def test_the_shipped_prices_are_the_checked_ones_with_date_and_source():
    shipped = pricing.shipped_prices()
    assert {name: (p.input, p.cached_input, p.output) for name, p in shipped.items()} == {
        "gpt-4.1-mini": (0.40, 0.10, 1.60),
        "gpt-4o-mini": (0.15, 0.075, 0.60),
        "gpt-5-mini": (0.25, 0.025, 2.00),
    }
    assert all(p.checked is not None and p.checked.year >= 2026 for p in shipped.values())
    assert all(p.source and "openai.com" in p.source for p in shipped.values())


def test_an_override_file_replaces_and_extends_the_shipped_prices(tmp_path: Path):
    table = tmp_path / "prices.json"
    table.write_text(
        json.dumps(
            {
                "gpt-4.1-mini": {"input": 9, "cached_input": 9, "output": 9},
                "gpt-4o": {"input": 2.5, "cached_input": 1.25, "output": 10},
            }
        ),
        encoding="utf-8",
    )
    prices = pricing.load_prices(table)
    assert prices["gpt-4.1-mini"].input == 9
    assert prices["gpt-4o"].output == 10
    assert prices["gpt-5-mini"] == pricing.shipped_prices()["gpt-5-mini"]
    assert pricing.load_prices(None)["gpt-4.1-mini"].input == 0.40  # the shipped list is intact


def test_dated_model_names_use_their_family_price():
    table = pricing.load_prices(None)
    assert pricing.price_for("gpt-4o-mini-2024-07-18", table) == table["gpt-4o-mini"]
    assert pricing.price_for("gpt-4.1-mini-2025-04-14", table) == table["gpt-4.1-mini"]
    assert pricing.price_for("gpt-5-mini", table) == table["gpt-5-mini"]
    # Not listed, so unknown: no guess from a longer or a shorter name.
    assert pricing.price_for("gpt-4o", table) is None
    assert pricing.price_for("gpt-4o-2024-08-06", table) is None
    assert pricing.price_for("gpt-5", table) is None
    assert pricing.price_for("llama3", table) is None


def test_cached_prompt_tokens_are_priced_at_the_cached_rate():
    price = pricing.Price(input=2.0, cached_input=0.5, output=8.0)
    assert pricing.cost(price, 1_000_000, 0, cached_tokens=400_000) == pytest.approx(1.4)
