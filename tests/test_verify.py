import json
import subprocess
import sys
from pathlib import Path

import pytest

from briefing.brief_file import load_brief
from briefing.errors import InputError
from briefing.verify import verify_brief
from briefing.verify.checks import check_text

FIXTURE = Path(__file__).parent / "data" / "brief-harrowgate.json"


def planted(tmp_path, edit):
    """Write the hand-made brief with one edit applied; return its path."""
    data = json.loads(FIXTURE.read_text(encoding="utf-8"))
    edit(data)
    path = tmp_path / "brief.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def by_ref(review, ref):
    (found,) = [c for c in review.claims if c.ref == ref]
    return found


def test_the_clean_brief_is_fully_supported():
    review = verify_brief(load_brief(FIXTURE, allow_unknown_citations=True))
    assert review.total == 13
    assert [c.status for c in review.claims] == ["supported"] * 13
    assert review.fraction_supported == 1.0


def test_wrong_number_is_flagged(tmp_path):
    def edit(data):
        claim = data["stories"][0]["bottom_line"][1]
        claim["text"] = claim["text"].replace("4,000", "40,000")

    review = verify_brief(load_brief(planted(tmp_path, edit), allow_unknown_citations=True))
    check = by_ref(review, "C2")
    assert check.status == "unsupported"  # a wrong number is no wording matter
    assert check.reasons == ["the number “40,000” is not in the cited passages"]
    assert review.supported == review.total - 1


def test_wrong_figure_value_is_flagged(tmp_path):
    def edit(data):
        data["stories"][0]["key_figures"][1]["figures"][0]["value"] = 21000000

    check = by_ref(
        verify_brief(load_brief(planted(tmp_path, edit), allow_unknown_citations=True)),
        "stories[0].key_figures[1][0]",
    )
    assert check.status == "unsupported"
    assert check.reasons == ["its value 21,000,000 is not stated in the cited passages"]


def test_invented_quote_is_unsupported(tmp_path):
    def edit(data):
        data["stories"][0]["bottom_line"][1]["text"] += (
            ' Mayor Ilse Varga said: "Everyone is safe now."'
        )
        data["stories"][0]["quotes"][0]["text"] = "We moved everyone out of the town before noon"

    review = verify_brief(load_brief(planted(tmp_path, edit), allow_unknown_citations=True))
    claim = by_ref(review, "C2")
    assert claim.status == "unsupported"
    assert "the quoted words “Everyone is safe now.” do not appear verbatim" in claim.reasons[0]
    quote = by_ref(review, "stories[0].quotes[0]")
    assert quote.status == "unsupported"
    assert "do not appear verbatim" in quote.reasons[0]


def test_citation_to_the_wrong_passage_is_unsupported(tmp_path):
    def edit(data):
        data["stories"][0]["key_developments"][1]["citations"] = ["S1.6"]  # C4 is S2.5's sentence

    check = by_ref(
        verify_brief(load_brief(planted(tmp_path, edit), allow_unknown_citations=True)), "C4"
    )
    assert check.status == "unsupported"
    assert any(r.startswith("only 0% of its words appear") for r in check.reasons)


def test_citation_of_the_wrong_passage_with_shared_words_loses_its_number(tmp_path):
    def edit(data):
        data["stories"][0]["bottom_line"][0]["citations"] = ["S2.3"]  # about the agency, not 5,500

    check = by_ref(
        verify_brief(load_brief(planted(tmp_path, edit), allow_unknown_citations=True)), "C1"
    )
    assert check.status == "unsupported"
    assert "the number “5,500” is not in the cited passages" in check.reasons


def test_unknown_id_is_reported_per_claim_not_refused(tmp_path):
    def edit(data):
        data["stories"][0]["what_to_watch"][0]["citations"] = ["S9.1"]
        data["stories"][0]["key_developments"][0]["citations"] = ["S1.5", "S1.99"]

    path = planted(tmp_path, edit)
    with pytest.raises(InputError, match="citations to unknown passages"):
        load_brief(path)
    review = verify_brief(load_brief(path, allow_unknown_citations=True))
    lost = by_ref(review, "C8")
    assert lost.status == "unsupported"
    assert (
        lost.reasons
        == [
            "cites S9.1, which is not a passage of any source in the brief",
            "none of its citations resolves to a passage, so nothing supports it",
        ][::-1]
    )
    half = by_ref(review, "C3")
    assert half.status == "partly supported"
    assert half.reasons == ["cites S1.99, which is not a passage of any source in the brief"]
    assert review.supported == review.total - 2


def test_unreadable_brief_gets_a_message_not_a_traceback(tmp_path):
    bad = tmp_path / "brief.json"
    bad.write_text("{not json", encoding="utf-8")
    with pytest.raises(InputError, match="not a JSON brief"):
        load_brief(bad)
    bad.write_text('{"title": "x"}', encoding="utf-8")
    with pytest.raises(InputError, match=r"not a valid brief .*generated_at"):
        load_brief(bad)
    with pytest.raises(InputError, match="cannot read it"):
        load_brief(tmp_path / "missing.json")


def test_one_text_check_says_which_rule_each_finding_breaks():
    passage = "About 4,000 residents left overnight, Mayor Ilse Varga said."
    checked = check_text(
        'Mayor Petra Halm said "we all left" as 5,000 fled the valley', [passage], value=6000
    )
    assert [(f.rule, f.subject, f.severe) for f in checked.findings] == [
        ("quote", "we all left", True),
        ("number", "5,000", True),
        ("value", "6,000", True),
        ("name", "Mayor Petra Halm", True),
        ("support", "Petra, Halm, fled, valley", True),  # 2 of 6 words: below 40%
    ]
    assert not checked.supported
    assert check_text("About 4,000 residents left", [passage], value=4000).supported


def test_the_verifier_imports_no_engine_and_no_model_client():
    """The rules' one home stays pure: the engines import it, never the other way round."""
    code = (
        "import importlib, pkgutil, sys\nv = importlib.import_module('briefing.verify')\n"
        "for m in pkgutil.iter_modules(v.__path__): importlib.import_module(f'{v.__name__}.{m.name}')\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'openai'"
        " or m.startswith(('briefing.engines', 'briefing.llm'))))"
    )
    result = subprocess.run(  # noqa: S603 - our own interpreter and code
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"
