from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest
from pydantic import ValidationError

from briefing.brief_file import brief_from_data
from briefing.consistency import ContradictionError
from briefing.models import Brief, Claim, Source


def brief_data(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "title": "T",
        "generated_at": datetime(2026, 1, 1, tzinfo=UTC),
        "engine": {"name": "extractive", "note": "n"},
        "bottom_line": [{"id": "B1", "text": "The ferry sailed.", "citations": ["S1.1"]}],
        "key_developments": [],
        "key_figures": [],
        "unconfirmed": [],
        "quotes": [],
        "sources": [
            {
                "id": "S1",
                "title": "Ferry",
                "origin": "a.txt",
                "passages": [{"id": "S1.1", "text": "The ferry sailed.", "paragraph": 1}],
            }
        ],
        "stats": {"inputs": 1, "sources": 1, "passages": 1, "skipped": 0, "seconds": 0.1},
    }
    data.update(changes)
    return data


def test_valid_brief_round_trips_through_json() -> None:
    brief = brief_from_data(brief_data())
    assert brief_from_data(json.loads(brief.model_dump_json())) == brief


def test_citation_to_unknown_passage_is_rejected() -> None:
    bad = brief_data(bottom_line=[{"id": "B1", "text": "Made up.", "citations": ["S9.9"]}])
    with pytest.raises(ContradictionError, match=r"cites S9\.9"):
        brief_from_data(bad)


def test_unknown_corroboration_is_rejected_too() -> None:
    claim = {"id": "B1", "text": "x", "citations": ["S1.1"], "corroborated_by": ["S2.1"]}
    with pytest.raises(ContradictionError, match=r"cites S2\.1"):
        brief_from_data(brief_data(bottom_line=[claim]))


def test_extra_fields_are_forbidden() -> None:
    with pytest.raises(ValidationError, match="Extra inputs are not permitted"):
        Claim.model_validate({"id": "C1", "text": "x", "citations": ["S1.1"], "score": 3})


def test_a_claim_needs_at_least_one_citation() -> None:
    with pytest.raises(ValidationError, match="at least 1 item"):
        Claim.model_validate({"id": "C1", "text": "x", "citations": []})


def test_contract_every_claim_like_object_has_text_and_citations() -> None:
    schema = Brief.model_json_schema()
    for name in ("Claim", "Figure", "Quote"):
        assert {"text", "citations"} <= set(schema["$defs"][name]["required"])
    passage = schema["$defs"]["Passage"]
    assert {"id", "text"} <= set(passage["required"])
    assert schema["$defs"]["Claim"]["additionalProperties"] is False


@pytest.mark.parametrize(
    ("fields", "label"),
    [
        ({"outlet": "Velden Post", "url": "https://news.example.org/a"}, "Velden Post"),
        ({"url": "https://www.velden-post.example/2026/storm"}, "velden-post.example"),
        (
            {"title": "Storm wall at Velden harbour is weakening, engineers warn"},
            "“Storm wall at Velden harbour is…”",
        ),
        ({"title": "Wall weakens"}, "“Wall weakens”"),
    ],
)
def test_a_source_is_named_by_outlet_site_or_title_never_its_file(
    fields: dict[str, str], label: str
) -> None:
    source = Source.model_validate(
        {"id": "S1", "title": "T", "origin": "../inputs/velden-2026-11-03.txt#2", "passages": []}
        | fields
    )
    assert source.label() == label
