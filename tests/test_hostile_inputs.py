"""Every input is isolated: whatever one input holds, it is read or skipped with a reason
naming it, and the run goes on; limits, safe front matter, linear time, encodings, and
numbers beyond float range. The corpus is our own, written by tests/hostile/make_corpus.py."""

from __future__ import annotations

import json
import os
import re
import threading
import time
from pathlib import Path
from typing import Self

import pytest
from click.testing import CliRunner

import briefing
from briefing.cli import cli
from briefing.engines.extractive import figures
from briefing.errors import ConfigError
from briefing.ingest.decode import decode
from briefing.verify.numbers import quantities, unsupported_quantities, with_digits, word_numbers
from briefing.verify.words import fold
from tests.conftest import EXAMPLES
from tests.hostile.make_corpus import GOOD_ARTICLE, GOOD_TITLE, make_corpus

BODY = "The council of Brask met on Monday to agree the budget for the coming year.\n"


def run(*args: str) -> object:
    return CliRunner().invoke(cli, list(args))


def skipped(brief: briefing.Brief) -> dict[str, str]:
    return {s.path: s.reason for s in brief.skipped_inputs}


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def good_file(folder: Path) -> Path:
    return write(folder / "good" / "good.txt", GOOD_ARTICLE)


class FifoValve:
    """Should the code under test open a FIFO for reading, it would wait for a writer
    forever. This opens the other end once a reader is there, so such a bug fails the
    test (the FIFO reads as empty) instead of hanging it."""

    def __init__(self, fifo: Path) -> None:
        self.fifo = fifo
        self.done = threading.Event()
        self.thread = threading.Thread(target=self._open_writer, daemon=True)

    def _open_writer(self) -> None:
        while not self.done.wait(0.2):
            try:
                os.close(os.open(self.fifo, os.O_WRONLY | os.O_NONBLOCK))
            except OSError:
                continue  # no reader: the code did not open it

    def __enter__(self) -> Self:
        self.thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self.done.set()
        self.thread.join()


# --- the whole corpus through the command line ----------------------------------------


def test_the_hostile_corpus_skips_each_bad_input_once_and_keeps_the_good_ones(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    corpus = make_corpus(tmp_path / "corpus")
    good = good_file(tmp_path)
    monkeypatch.chdir(corpus.folder)
    with FifoValve(corpus.folder / "fifo.txt"):
        result = CliRunner().invoke(
            cli,
            ["generate", ".", "fifo.txt", "/dev/zero", str(good), "-o", "brief.json"],
        )
    assert result.exit_code == 0, result.output
    assert "unexpected" not in result.output
    warnings = [line for line in result.stderr.splitlines() if line.startswith("warning:")]
    assert all(line.startswith("warning: skipped ") for line in warnings)

    brief = briefing.load("brief.json")
    titles = [s.title for s in brief.sources]
    assert GOOD_TITLE in titles
    for name, title in corpus.good.items():
        assert any(t.startswith(title) for t in titles), name
        assert name in {re.split("[#:]", s.origin)[0] for s in brief.sources}
    assert all(len(t) <= 300 for t in titles)

    paths = [s.path for s in brief.skipped_inputs]
    expected = {**corpus.bad, **corpus.bad_records, "/dev/zero": "character device"}
    for name, reason in expected.items():
        assert paths.count(name) == 1, (name, paths)
        assert reason in skipped(brief)[name], name
        line = f"warning: skipped {name}: {skipped(brief)[name]}"
        assert warnings.count(line) == 1, name
    for prefix, words in corpus.notes.items():
        (note,) = [s for s in brief.skipped_inputs if s.path.startswith(prefix)]
        assert words in note.reason
    named = set(expected) | {s.path for s in brief.skipped_inputs if " (" in s.path}
    assert set(paths) == named  # nothing skipped that the corpus did not expect
    assert len(warnings) == len(paths)

    # Whatever generate wrote, render and verify accept.
    for command in (["render", "brief.json"], ["verify", "brief.json"]):
        again = CliRunner().invoke(cli, command)
        assert again.exit_code == 0, again.output
        assert "unexpected" not in again.output
    json.loads(Path("brief.json").read_text(encoding="utf-8"))


def test_a_file_name_that_is_not_utf8_is_shown_with_a_replacement_character(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    name = os.fsdecode(b"caf\xe9.txt")
    write(tmp_path / name, GOOD_ARTICLE)
    (tmp_path / os.fsdecode(b"bad\xff.txt")).write_bytes(b"")
    monkeypatch.chdir(tmp_path)
    result = run("generate", ".", "-o", "brief.json")
    assert result.exit_code == 0, result.output
    brief = briefing.load("brief.json")
    assert [s.origin for s in brief.sources] == ["caf\ufffd.txt"]
    assert skipped(brief) == {"bad\ufffd.txt": "empty file; remove it or add the article text"}
    assert briefing.render(brief, "md").count("caf\ufffd.txt") == 1


# --- non-regular files, links and folders ----------------------------------------------


def test_a_fifo_or_a_device_named_on_the_command_line_is_skipped_unopened(tmp_path: Path) -> None:
    fifo = tmp_path / "news.txt"
    os.mkfifo(fifo)
    with FifoValve(fifo):
        brief = briefing.generate([fifo, "/dev/zero", good_file(tmp_path)], engine="extractive")
    reasons = skipped(brief)
    assert "FIFO (named pipe), not a regular file, so it was not opened" in reasons[str(fifo)]
    assert "character device" in reasons["/dev/zero"]
    assert [s.title for s in brief.sources] == [GOOD_TITLE]


def test_whatever_a_folder_holds_that_cannot_be_read_is_named_once(tmp_path: Path) -> None:
    folder = tmp_path / "day"
    good_file(folder)
    os.mkfifo(folder / "pipe.md")
    os.mkfifo(folder / "unnamed-pipe")  # no known suffix: not an input, like notes.docx
    (folder / "gone.txt").symlink_to("missing.txt")
    (folder / "self.json").symlink_to("self.json")
    (folder / "ring-a.txt").symlink_to("ring-b.txt")
    (folder / "ring-b.txt").symlink_to("ring-a.txt")
    (folder / "alias").symlink_to(folder / "good")
    (folder / ".hidden.txt").symlink_to("missing.txt")  # hidden: ignored, as ever
    brief = briefing.generate([folder], engine="extractive")
    reasons = {Path(path).name: reason for path, reason in skipped(brief).items()}
    assert len(brief.skipped_inputs) == len(reasons) == 6
    assert "FIFO" in reasons["pipe.md"]
    assert "broken symbolic link (its target missing.txt does not exist)" in reasons["gone.txt"]
    for loop in ("self.json", "ring-a.txt", "ring-b.txt"):
        assert "loops back on itself" in reasons[loop]
    assert "a link to a folder, not followed" in reasons["alias"]
    assert [s.title for s in brief.sources] == [GOOD_TITLE]


def test_a_folder_that_cannot_be_listed_is_named(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    locked = tmp_path / "day" / "locked"
    write(locked / "secret.txt", GOOD_ARTICLE)
    good = good_file(tmp_path / "day")
    real_scandir = os.scandir

    def scandir(path: object = ".") -> object:
        if Path(os.fsdecode(path)) == locked:  # type: ignore[arg-type]
            raise PermissionError(13, "Permission denied", os.fspath(path))  # type: ignore[call-overload]
        return real_scandir(path)  # type: ignore[call-overload]

    monkeypatch.setattr(os, "scandir", scandir)
    brief = briefing.generate([tmp_path / "day"], engine="extractive")
    assert skipped(brief) == {
        str(locked): "cannot list the folder (permission denied); check its permissions"
    }
    assert [s.origin for s in brief.sources] == [str(good)]


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads any folder")
def test_an_unreadable_folder_is_named(tmp_path: Path) -> None:
    locked = tmp_path / "locked"
    write(locked / "secret.txt", GOOD_ARTICLE)
    good_file(tmp_path)
    locked.chmod(0)
    try:
        brief = briefing.generate([tmp_path], engine="extractive")
    finally:
        locked.chmod(0o755)
    assert "permission denied" in skipped(brief)[str(locked)]


# --- JSON ------------------------------------------------------------------------------


def test_json_nested_too_deeply_is_skipped_and_the_limit_is_an_option(tmp_path: Path) -> None:
    record = {
        "title": "Quay reopens",
        "text": "The quay in Lind reopened on Friday after the storm.",
    }
    nested = write(tmp_path / "nested.json", json.dumps({"articles": [record], "x": [[[[1]]]]}))
    deep = write(tmp_path / "deep.json", "[" * 50_000 + "]" * 50_000)
    brief = briefing.generate([nested, deep], engine="extractive")
    assert "JSON nested more than" in skipped(brief)[str(deep)]
    assert [s.title for s in brief.sources] == ["Quay reopens"]

    good = good_file(tmp_path)
    brief = briefing.generate([nested, deep, good], engine="extractive", max_json_depth=4)
    assert "JSON nested 5 levels deep, over the limit of 4" in skipped(brief)[str(nested)]
    result = run("generate", str(nested), str(good), "--max-json-depth", "4")
    assert result.exit_code == 0, result.output
    assert f"warning: skipped {nested}: JSON nested 5 levels deep" in result.stderr


def test_an_integer_beyond_pythons_limit_does_not_cost_the_record(tmp_path: Path) -> None:
    text = '{"title": "Quay reopens", "id": ' + "7" * 5000 + ', "text": "The quay reopened."}'
    brief = briefing.generate([write(tmp_path / "big.json", text)], engine="extractive")
    assert [s.title for s in brief.sources] == ["Quay reopens"]


def test_one_bad_record_costs_only_itself(tmp_path: Path) -> None:
    records = [
        {"title": "Quay reopens", "text": "The quay in Lind reopened on Friday after the storm."},
        {
            "title": "Odd",
            "text": "A record with a strange date.",
            "published": ["not", "a", "date"],
        },
        {
            "title": "Escapes",
            "text": "The tram \ud800 ran \u0000 on time all week, the operator said.",
        },
    ]
    brief = briefing.generate(
        [write(tmp_path / "r.json", json.dumps(records))], engine="extractive"
    )
    assert [s.title for s in brief.sources] == ["Quay reopens", "Odd", "Escapes"]
    assert brief.sources[2].passages[0].text == (
        "The tram \ufffd ran \ufffd on time all week, the operator said."
    )
    briefing.render(brief, "json").encode("utf-8")  # writable


# --- front matter ----------------------------------------------------------------------


def test_a_yaml_alias_bomb_is_refused_without_expanding_it(tmp_path: Path) -> None:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    lines += [
        f"{x}: &{x} [{','.join([f'*{y}'] * 9)}]" for y, x in zip("abcdefg", "bcdefgh", strict=True)
    ]
    bomb = write(tmp_path / "bomb.md", "---\n" + "\n".join(lines) + "\ntitle: *h\n---\n" + BODY)
    assert bomb.stat().st_size < 1000  # 9^8 = 43 million "lol"s once expanded
    started = time.perf_counter()
    brief = briefing.generate([bomb, good_file(tmp_path)], engine="extractive")
    assert time.perf_counter() - started < 30
    assert skipped(brief)[str(bomb)].startswith("front matter uses a YAML alias (*a)")
    assert len(briefing.render(brief, "json")) < 100_000


def test_front_matter_keeps_its_plain_fields_and_ignores_others(tmp_path: Path) -> None:
    page = write(
        tmp_path / "p.md",
        "---\ntitle: Budget agreed\noutlet: [not, a, name]\npublished: 2026-03-02\n"
        "anchor: &x 1\n---\n" + BODY,
    )
    (source,) = briefing.generate([page], engine="extractive").sources
    assert (source.title, source.outlet, source.published) == ("Budget agreed", None, "2026-03-02")


# --- limits ------------------------------------------------------------------------------


def test_an_input_over_the_size_limit_is_skipped_unread(tmp_path: Path) -> None:
    big = write(tmp_path / "big.txt", GOOD_ARTICLE.replace("Lind", "Oster Mill") * 2000)
    good = good_file(tmp_path)
    brief = briefing.generate([big, good], engine="extractive", max_input_mb=0.1)
    size = f"{big.stat().st_size / 1e6:.3g} MB"
    assert skipped(brief) == {
        str(big): f"{size}, over the 0.1 MB limit for one input; split it into smaller files "
        "or raise the limit (--max-input-mb)"
    }
    result = run("generate", str(big), str(good), "--max-input-mb", "1")
    assert result.exit_code == 0, result.output
    assert "warning" not in result.stderr


def test_a_long_title_is_cut_with_a_note(tmp_path: Path) -> None:
    title = "Harbour " + "works " * 100
    path = write(tmp_path / "t.txt", f"{title}\nThe harbour works in Lind finished on Monday.\n")
    brief = briefing.generate([path], engine="extractive", max_title_chars=40)
    assert brief.sources[0].title == "Harbour works works works works works\u2026"
    note = skipped(brief)[f"{path} (title after 40 characters)"]
    assert note.startswith("the title has 607 characters, over the limit of 40, and was cut")
    result = run("generate", str(path), "--max-title-chars", "2000")
    assert result.exit_code == 0, result.output
    assert "warning" not in result.stderr


def test_a_sentence_with_more_numbers_than_the_limit_gives_no_figures(tmp_path: Path) -> None:
    counts = ", ".join(f"{n * 37:,} cattle" for n in range(1, 31))
    path = write(
        tmp_path / "census.txt",
        f"Cattle census\nThe valley census counted {counts} on its farms, the union said.\n"
        "The union said 4,000 farmers answered the census this year.\n",
    )
    brief = briefing.generate([path], engine="extractive")
    note = skipped(brief)[f"{path} (the numbers of S1.1)"]
    assert note.startswith("a sentence with 30 numbers, over the limit of 25 per sentence")
    assert {f.citations[0] for k in brief.stories[0].key_figures for f in k.figures} == {"S1.2"}
    raised = briefing.generate([path], engine="extractive", max_figures_per_sentence=30)
    assert raised.skipped_inputs == []
    result = run("generate", str(path), "--max-figures-per-sentence", "5")
    assert result.exit_code == 0, result.output
    assert "over the limit of 5 per sentence" in result.stderr


@pytest.mark.parametrize(
    ("option", "value"),
    [
        ("max_input_mb", 0),
        ("max_input_mb", "ten"),
        ("max_input_mb", float("nan")),
        ("max_title_chars", 10),
        ("max_json_depth", 1000),
        ("max_figures_per_sentence", 2.5),
        ("max_figures_per_sentence", True),
    ],
)
def test_limits_refuse_values_they_cannot_use(option: str, value: object) -> None:
    with pytest.raises(ConfigError, match=f"^{option} \\(CLI --{option.replace('_', '-')}\\) is"):
        briefing.generate([str(EXAMPLES)], engine="extractive", **{option: value})


def test_an_unknown_option_names_the_limits_among_the_known_ones() -> None:
    with pytest.raises(ConfigError, match="max_input_mb, max_title_chars"):
        briefing.generate([str(EXAMPLES)], engine="extractive", max_input_megabytes=5)


@pytest.mark.parametrize(
    "args",
    [
        ["--max-input-mb", "0"],
        ["--max-title-chars", "5"],
        ["--max-json-depth", "501"],
        ["--max-figures-per-sentence", "0"],
    ],
)
def test_the_cli_refuses_limits_out_of_range(args: list[str]) -> None:
    result = run("generate", str(EXAMPLES), *args)
    assert result.exit_code == 2
    assert "Invalid value" in result.output


# --- encodings ---------------------------------------------------------------------------


@pytest.mark.parametrize("codec", ["utf-8-sig", "utf-16", "utf-16-be", "utf-32", "utf-32-be"])
def test_text_with_a_byte_order_mark_is_read(tmp_path: Path, codec: str) -> None:
    data = GOOD_ARTICLE.encode(codec)
    if codec.endswith("-be"):
        data = {"utf-16-be": b"\xfe\xff", "utf-32-be": b"\x00\x00\xfe\xff"}[codec] + data
    path = tmp_path / "bom.txt"
    path.write_bytes(data)
    brief = briefing.generate([path], engine="extractive")
    assert [s.title for s in brief.sources] == [GOOD_TITLE]
    assert brief.skipped_inputs == []


def test_a_few_stray_bytes_in_utf8_are_replaced_with_a_warning(tmp_path: Path) -> None:
    path = tmp_path / "stray.txt"
    path.write_bytes(
        GOOD_ARTICLE.encode().replace(b"two-day", b"two\xff\xfe\x80day") + "“ok”".encode()
    )
    result = run("generate", str(path), "-o", str(tmp_path / "b.json"))
    assert result.exit_code == 0, result.output
    assert f"warning: skipped {path} (3 stray bytes): not valid UTF-8, replaced by U+FFFD" in (
        result.stderr
    )
    brief = briefing.load(tmp_path / "b.json")
    assert "two\ufffdday storm" in brief.sources[0].passages[0].text


def test_stray_bytes_are_counted_and_legacy_text_is_still_decoded() -> None:
    assert decode("caf\u00e9 \u201cquoted\u201d".encode() + b" \xe9").replaced == 1
    text = "Caf\u00e9 owners protest\nThe caf\u00e9 owners of Brask said the new rules were \u201cunfair\u201d.\n"
    legacy = decode(text.encode("cp1252"))
    assert (legacy.text, legacy.replaced) == (text, 0)


# --- numbers beyond float range, and speed ---------------------------------------------


def test_a_400_digit_number_gives_a_brief_that_renders_and_verifies(tmp_path: Path) -> None:
    digits = "9" * 400
    path = write(
        tmp_path / "debt.txt",
        f"Debt figure\nThe agency listed a debt of {digits} units in its report, the ministry said.\n",
    )
    out = tmp_path / "brief.json"
    assert run("generate", str(path), "-o", str(out)).exit_code == 0
    brief = briefing.load(out)
    assert all(f.value < float("inf") for k in brief.stories[0].key_figures for f in k.figures)
    assert brief.review is not None
    assert brief.review.unsupported == brief.review.partly_supported == 0
    for command in ("render", "verify"):
        assert run(command, str(out)).exit_code == 0
    # The verifier keeps such a number as its digits: equal digits match, others do not.
    assert [q.value for q in quantities(f"00{digits}.000 units")] == [digits]
    assert unsupported_quantities(f"a debt of {digits} units", f"owes {digits}") == []
    assert unsupported_quantities(f"a debt of {digits} units", f"owes 8{digits[1:]}") != []


def test_figures_of_a_sentence_of_60000_numbers_take_seconds_not_minutes() -> None:
    # Quadratic before (killed at 120 s); about a second now. The bound is generous.
    sentence = "The survey counted " + ", ".join(f"{n:,} homes" for n in range(60_000)) + "."
    started = time.perf_counter()
    found = figures.mentions(sentence, "S1.1", "S1", 1.0)
    assert time.perf_counter() - started < 30
    assert len(found) > 50_000
    with pytest.raises(figures.TooManyNumbersError) as err:
        figures.mentions(sentence, "S1.1", "S1", 1.0, limit=25)
    assert err.value.count == 60_000


def test_verify_reads_a_big_passage_once_however_many_claims_cite_it() -> None:
    # 2 MB cited by 20 claims: minutes before (each claim re-read the passage, and reading
    # number words was quadratic); about two seconds now. The bound is generous.
    brief = briefing.generate([str(EXAMPLES)], engine="extractive")
    first = brief.sources[0].passages[0]
    filler = " ".join(p.text for s in brief.sources for p in s.passages)
    first.text = first.text + " " + " ".join([filler] * (2_000_000 // len(filler)))
    claim = brief.stories[0].key_developments[0].model_copy(update={"citations": [first.id]})
    story = brief.stories[0].model_copy(update={"key_developments": [claim] * 20})
    many = brief.model_copy(update={"stories": [story]})
    started = time.perf_counter()
    review = briefing.verify(many)
    assert time.perf_counter() - started < 30
    assert len(review.claims) >= 20


def test_folding_a_long_text_drops_the_same_marks_as_folding_a_short_one() -> None:
    # Long texts take a one-regex path (a per-character loop over 100 MB takes minutes).
    text = "Caf\u00e9 \u00c5ngstr\u00f6m na\u0308ive \u1e9b\u0323 \u2013 \u201cq\u201d " * 2000
    assert len(text) > 10_000
    assert fold(text) == "".join(fold(text[i : i + 500]) for i in range(0, len(text), 500))


def test_number_words_in_a_long_text_are_read_piece_by_piece_where_they_stand() -> None:
    sentence = "The council counted twenty-five homes, 4 million euros and four thousand people. "
    text = sentence * 2000  # 160,000 characters: read in pieces cut after punctuation
    found = word_numbers(text)
    assert [(text[n.start : n.end], n.value) for n in found] == [
        ("twenty-five", 25),
        ("four thousand", 4000),
    ] * 2000
    assert with_digits(text) == with_digits(sentence) * 2000


def test_generate_reads_one_input_from_stdin_beside_files(tmp_path):
    from click.testing import CliRunner  # noqa: PLC0415

    from briefing.cli import cli  # noqa: PLC0415

    out = tmp_path / "brief.json"
    article = "Ferry service resumes\n\nThe ferry to Oster Mill ran again on Wednesday with 140 passengers.\n"
    result = CliRunner().invoke(cli, ["generate", "-", "-o", str(out)], input=article)
    assert result.exit_code == 0, result.output
    brief = json.loads(out.read_text(encoding="utf-8"))
    assert [s["origin"] for s in brief["sources"]] == ["stdin"]
    empty = CliRunner().invoke(cli, ["generate", "-", "-o", str(out)], input="")
    assert empty.exit_code == 3
    assert "stdin: empty" in empty.output
