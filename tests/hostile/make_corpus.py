"""Our own hostile inputs, written into a folder at test time (some are big, some are not
files at all, so none is committed). Each bad one comes with the words its skip reason
must contain; each odd but good one with what must come out of it.

    python tests/hostile/make_corpus.py FOLDER    # write the corpus to look at it

All text here is our own writing.
"""

from __future__ import annotations

import codecs
import json
import os
import random
import sys
from dataclasses import dataclass, field
from pathlib import Path

GOOD_TITLE = "Ferry to Lind runs again after the storm"
GOOD_ARTICLE = f"""{GOOD_TITLE}
The ferry between Lind and Oster ran again on Tuesday after a two-day storm, the harbour office said.
About 1,200 passengers crossed on the first day, according to the operator.
"""


@dataclass
class Corpus:
    folder: Path
    # file name (as the brief names it) -> words its one skip reason contains
    bad: dict[str, str] = field(default_factory=dict)
    # file name -> title of the article that must come out of it
    good: dict[str, str] = field(default_factory=dict)
    # skip-list path -> words of the note for what was left out of a good input
    notes: dict[str, str] = field(default_factory=dict)
    # records of a file: "file#n" -> reason words (the file's other records are read)
    bad_records: dict[str, str] = field(default_factory=dict)


def article(title: str, *sentences: str) -> str:
    return title + "\n" + "\n".join(sentences) + "\n"


def make_corpus(folder: Path) -> Corpus:  # noqa: PLR0915 - one block per hostile input
    folder.mkdir(parents=True, exist_ok=True)
    corpus = Corpus(folder)
    rng = random.Random(11)  # noqa: S311 - test data, not secrets

    def put(name: str, data: bytes | str) -> None:
        path = folder / name
        path.write_bytes(data.encode() if isinstance(data, str) else data)

    def bad(name: str, reason: str, data: bytes | str) -> None:
        put(name, data)
        corpus.bad[name] = reason

    def good(name: str, title: str, data: bytes | str) -> None:
        put(name, data)
        corpus.good[name] = title

    # --- what a parser cannot take -----------------------------------------------------
    bad("deep.json", "nested more than", "[" * 100_000 + "]" * 100_000)
    bad("deep-but-parsable.json", "nested 200 levels deep", "[" * 200 + "]" * 200)
    bad("not-json.json", "not valid JSON", '{"title": "Half a record", "text": ')
    bad("scalar.json", "JSON must be an article object", "42")
    bad("binary.txt", "binary file", bytes(rng.randrange(256) for _ in range(4096)) + b"\x00")
    bad(
        "junk.txt",
        "cannot tell the text encoding",
        bytes(rng.randrange(128, 256) for _ in range(4096)),
    )
    bad("empty.txt", "empty file", b"")
    bad("blank.txt", "empty file", b"  \n\t\n")
    bad("empty.rss", "empty file", b"")
    bad("only-title.txt", "only a title line", "A headline and nothing else\n")
    bad("one-huge-line.txt", "only a title line", "word " * 400_000)
    bad("scripts.html", "no article text found", "<html><head><title>App</title></head><body>"
        + "<script>var a = 1;</script>" * 200 + "</body></html>")  # fmt: skip
    bad("not-a-feed.xml", "neither an RSS/Atom feed", '<?xml version="1.0"?><note>Buy milk</note>')
    bad("broken.rss", "malformed feed", "<?xml version='1.0'?><rss><channel><item><title>x")
    # A sparse file: its size is all that is looked at, so it costs no disk.
    with (folder / "huge.txt").open("wb") as handle:
        handle.truncate(21_000_000)
    corpus.bad["huge.txt"] = "over the 20 MB limit"

    # --- Markdown front matter ----------------------------------------------------------
    lols = ", ".join(["lol"] * 9)
    bomb = [f"a: &a [{lols}]"] + [
        f"{x}: &{x} [{', '.join([f'*{y}'] * 9)}]"
        for y, x in zip("abcdefgh", "bcdefghi", strict=False)
    ]
    body = "The council of Brask met on Monday to agree the budget for the coming year.\n"
    bad("alias-bomb.md", "YAML alias", "---\n" + "\n".join(bomb) + "\ntitle: *i\n---\n" + body)
    bad("python-tag.md", "not valid YAML",
        '---\ntitle: !!python/object/apply:os.system ["echo owned"]\n---\n' + body)  # fmt: skip
    bad(
        "deep-front-matter.md",
        "nested more than 64",
        "---\nx: " + "[" * 100 + "]" * 100 + "\n---\n" + body,
    )
    bad("huge-front-matter.md", "front matter of", "---\nnote: " + "x" * 70_000 + "\n---\n" + body)

    # --- things that are not regular files ----------------------------------------------
    os.mkfifo(folder / "fifo.txt")
    corpus.bad["fifo.txt"] = "FIFO"
    (folder / "dangling.txt").symlink_to("nowhere.txt")
    corpus.bad["dangling.txt"] = "broken symbolic link"
    (folder / "loop.txt").symlink_to("loop.txt")
    corpus.bad["loop.txt"] = "loops back on itself"
    (folder / "sub").mkdir()
    (folder / "linked-folder").symlink_to("sub")
    corpus.bad["linked-folder"] = "a link to a folder"
    good(
        "sub/inside.txt",
        "Night market returns to Brask square",
        article(
            "Night market returns to Brask square",
            "The night market returned to Brask square on Saturday with forty stalls, its organisers said.",
        ),
    )

    # --- odd but good -------------------------------------------------------------------
    good("utf16.txt", "Bridge repainted in Korvik", codecs.BOM_UTF16_LE + article(
        "Bridge repainted in Korvik",
        "The bridge in Korvik was repainted green over the weekend by forty volunteers.",
    ).encode("utf-16-le"))  # fmt: skip
    good("utf32.txt", "Korvik library opens late", codecs.BOM_UTF32_BE + article(
        "Korvik library opens late",
        "The library in Korvik will open until nine in the evening from next month, the council said.",
    ).encode("utf-32-be"))  # fmt: skip
    good("stray-bytes.txt", "Bakery wins award for “third” year", article(
        "Bakery wins award for “third” year",
        "The bakery on Mill Street won the regional bread award again, its owner said.",
    ).encode().replace(b"again", b"ag\xffai\xfen"))  # fmt: skip
    corpus.notes["stray-bytes.txt (2 stray bytes)"] = "not valid UTF-8"
    name = os.fsdecode(b"caf\xe9-news.txt")  # not UTF-8: a surrogate escape in Python
    good(name, "Cafe owners meet the mayor", article(
        "Cafe owners meet the mayor",
        "Cafe owners in Brask met the mayor on Wednesday to discuss new rules on terraces.",
    ))  # fmt: skip
    corpus.good["caf\ufffd-news.txt"] = corpus.good.pop(name)
    good("big-number.txt", "Debt figure published", article(
        "Debt figure published",
        f"The agency listed a debt of {'9' * 400} units in its report, the ministry said on Monday.",
    ))  # fmt: skip
    long_title = "Council " + "agrees the longest headline ever written " * 120
    good("long-title.txt", long_title[:200], article(
        long_title,
        "The council of Oster agreed on Thursday to publish its minutes online every week.",
    ))  # fmt: skip
    corpus.notes["long-title.txt (title after 300 characters)"] = "was cut there"
    counts = ", ".join(f"{rng.randint(2, 9_999):,} cattle" for _ in range(300))
    good("many-numbers.txt", "Cattle census in the valley", article(
        "Cattle census in the valley",
        "The farmers' union said the census found more cattle in the valley than last year.",
        f"The census counted {counts} in the farms of the valley.",
    ))  # fmt: skip
    corpus.notes["many-numbers.txt (the numbers of S"] = "300 numbers, over the limit of 25"
    records = [
        {
            "title": "Library extends its hours",
            "text": "The library of Amsel will stay open until nine on weekdays, the council said.",
        },
        {"title": "No text here"},
        42,
        {
            "title": {"nested": "object"},
            "text": "The school roof in Amsel was repaired over the weekend by the council.",
        },
        {
            "title": "Big id",
            "id": "BIGINT",
            "text": "The Amsel swimming pool reopened on Sunday after a month of repairs.",
        },
        {
            "title": "Escapes",
            "text": "The Amsel tram \ud800 ran on time \u0000 all week, the operator said on Friday.",
        },
    ]
    text = json.dumps(records)
    text = text.replace('"BIGINT"', "1" * 5000)  # an integer beyond Python's int() limit
    good("records.json", "Library extends its hours", text)
    corpus.bad_records["records.json#2"] = "record has no 'text'"
    corpus.bad_records["records.json#3"] = "record is not a JSON object"
    corpus.bad_records["records.json#4"] = "no text beyond the title"  # its title is no string
    lines = [
        json.dumps(
            {
                "title": "Harbour crane replaced",
                "text": "The harbour crane in Lind was replaced on Monday after forty years.",
            }
        ),
        "[" * 500 + "]" * 500,
        "{not json",
    ]
    good("lines.jsonl", "Harbour crane replaced", "\n".join(lines) + "\n")
    corpus.bad_records["lines.jsonl:2"] = "nested"
    corpus.bad_records["lines.jsonl:3"] = "not valid JSON"
    return corpus


if __name__ == "__main__":
    made = make_corpus(Path(sys.argv[1]))
    print(  # noqa: T201 - a script's one line of output
        f"{len(made.bad)} bad, {len(made.good)} good inputs in {made.folder}"
    )
