"""Word tables drawn from wordfreq and kept in the cache folder (briefing/wordlists.py):
built once, read back the same, rebuilt when unreadable, and giving the answers wordfreq
gives."""

from __future__ import annotations

import re
import subprocess
import sys
from typing import TYPE_CHECKING

import wordfreq

from briefing import config, wordlists
from briefing.stories import rarity
from briefing.verify import meaning

if TYPE_CHECKING:
    from pathlib import Path

    import pytest


def test_a_table_is_built_once_and_read_back_the_same() -> None:
    built: list[int] = []
    words = {"kursk": 1.5e-8, "year": 0.001, "naïve": 0.001, "x y": 2.0}

    def build() -> dict[str, float]:
        built.append(1)
        return words

    first = wordlists.table("test-table", build)
    again = wordlists.table("test-table", build)
    assert built == [1]
    assert first is words  # the first run uses what it built
    assert {w: again.get(w) for w in [*words, "Kursk", "absent"]} == {
        **words,
        "Kursk": None,
        "absent": None,
    }
    stored = list((config.cache_root() / "tables").glob("test-table.wordfreq-*.sqlite"))
    assert len(stored) == 1


def test_an_unreadable_table_is_built_again(caplog: pytest.LogCaptureFixture) -> None:
    wordlists.table("test-table", lambda: {"a": 1.0})
    (path,) = (config.cache_root() / "tables").glob("test-table.*")
    path.write_text("not a database, a file cut short or overwritten")
    assert wordlists.table("test-table", lambda: {"b": 2.0}) == {"b": 2.0}
    assert "rebuilding the word table" in caplog.text
    assert wordlists.table("test-table", lambda: {"c": 3.0}).get("b") == 2.0


def test_a_table_that_cannot_be_kept_is_still_given(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    blocked = tmp_path / "file"
    blocked.write_text("")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocked))  # a file where the folder would be
    assert wordlists.table("test-table", lambda: {"a": 1.0}) == {"a": 1.0}
    assert "could not keep the word table" in caplog.text


def test_a_cache_folder_given_as_a_relative_path_is_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("XDG_CACHE_HOME", "cache")  # a file URI needs an absolute path
    wordlists.table("test-table", lambda: {"a": 1.0})
    assert wordlists.table("test-table", dict).get("a") == 1.0


def test_the_common_english_check_answers_as_wordfreq_does() -> None:
    words = ["likely", "der", "aware", "ited", "believable", "qzxv", "ited9", "x-y", "Likely"]
    # Plain words near the bar, where wordfreq's rounding decides.
    words += [w for w, f in wordfreq.get_frequency_dict("en").items() if 0.9e-6 < f < 1.1e-6][:300]
    for word in words:
        expected = wordfreq.zipf_frequency(word, "en") >= 3.0
        assert meaning._common_english(word) == expected, word  # noqa: SLF001


def test_rarity_reads_the_merged_lists() -> None:
    # Highest frequency over the languages: "und" is common German, not a rare name.
    assert rarity.information("und") < 3
    assert rarity.information("year") < 4
    assert rarity.information("qzxvkursk") == 7


def test_whole_words_are_found_where_the_pattern_finds_them() -> None:
    cases = [("Rutte", "Rutte met Rutte's aide, Ruttes"), ("a a", "a a a a"), ("", "ab c")]
    cases += [("US", "US_x US- xUS US"), ("é", "é éa aé é")]
    for name, text in cases:
        pattern = re.compile(rf"(?<!\w){re.escape(name)}(?!\w)")
        expected = [m.start() for m in pattern.finditer(text)]
        assert meaning._whole_word_starts(name, text) == expected, (name, text)  # noqa: SLF001


def test_a_run_with_the_tables_kept_does_not_import_wordfreq(tmp_path: Path) -> None:
    code = (
        "import sys\n"
        "from briefing.stories import rarity\n"
        "from briefing.verify import meaning\n"
        "rarity.information('kursk'), meaning._common_english('likely')\n"
        "print('wordfreq' in sys.modules)\n"
    )
    env = {"XDG_CACHE_HOME": str(tmp_path), "PATH": ""}
    run = [sys.executable, "-c", code]
    first = subprocess.run(run, env=env, capture_output=True, text=True, check=True)  # noqa: S603
    second = subprocess.run(run, env=env, capture_output=True, text=True, check=True)  # noqa: S603
    assert (first.stdout, second.stdout) == ("True\n", "False\n")
