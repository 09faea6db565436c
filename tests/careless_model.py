"""A stand-in for a capable but careless model, for the fake server (tests/fake_server.py):
its answers are built from the sources it is sent, as a model's would be, with the mistakes
models make. The engine-agrees-with-verifier test runs the LLM engine on real clusters with
it, so that what the engine keeps has to survive every check of `verify`.

Per source, the map answer proposes:
- key points: the opening sentences, word for word, a fragment of one (its words up to
  the first comma), and its last sentence cited by the id of the one before (a wrong
  citation);
- figures: each number of the first sentences with the word after it as what it counts
  (so unlike quantities that share a word end up in one group), and one with its value
  read wrong (a tenth more);
- quotes: the quoted words of each sentence, credited to the first name the sentence gives
  (often the speaker, sometimes the person spoken of), and one credited to a name from
  another sentence (a wrong speaker);
- hedged: the sentences that hedge ("reportedly", "may", "unconfirmed", ...).
The reduce answer merges the summaries: points taking turns, with another source's point
sharing a number cited beside it as corroboration, figures grouped by what they count, the
quotes and hedged points listed.

`wrong_figures`, `wrong_speakers` and `wrong_citations` keep the deliberately wrong
proposals, to check that none reached a brief.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from itertools import zip_longest
from typing import Any

from fake_server import Body, Reply, completion, schema_name, user_prompt

_SOURCE = re.compile(r'<source id="(S\d+)"[^>]*>\n(.*?)\n</source>', re.DOTALL)
_PASSAGE = re.compile(r"^\[(S\d+\.\d+)\] (.*)$", re.MULTILINE)
_SUMMARY = re.compile(r"<summary>\n(.*?)\n</summary>", re.DOTALL)
_NUMBER = re.compile(
    r"(?<![\w.,/-])(\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)(?: (million|billion))? ([a-z]+)"
)
_QUOTED = re.compile(r"[“\"]([^”\"]{20,}?)[,.]?[”\"]")
_NAME = re.compile(r"\b(?:[A-Z][a-z]+ ){1,2}[A-Z][a-z]+\b")
_HEDGE = re.compile(
    r"\b(?:reportedly|allegedly|unconfirmed|may have|might|could not be confirmed)\b"
)
_SCALE = {None: 1, "million": 1e6, "billion": 1e9}
_YEARS = range(1800, 2101)


@dataclass
class CarelessModel:
    """Answers map and reduce requests (a fault function for FakeServer), and keeps the
    deliberately wrong proposals: figures as "text = value", quotes as (words, speaker),
    points as (text, the passage id wrongly cited)."""

    wrong_figures: list[str] = field(default_factory=list)
    wrong_speakers: list[tuple[str, str]] = field(default_factory=list)
    wrong_citations: list[tuple[str, str]] = field(default_factory=list)

    def mistakes(self) -> int:
        return len(self.wrong_figures) + len(self.wrong_speakers) + len(self.wrong_citations)

    def __call__(self, body: Body, _number: int) -> Reply | None:
        name = schema_name(body)
        if name == "MapResult":
            return Reply(body=completion(json.dumps(self.map_answer(body))))
        if name == "ReduceResult":
            return Reply(body=completion(json.dumps(reduce_answer(body))))
        return None

    def map_answer(self, body: Body) -> Body:
        summaries = []
        for sid, block in _SOURCE.findall(user_prompt(body)):
            passages = _PASSAGE.findall(block)
            summaries.append(self.summary(sid, passages))
        return {"summaries": summaries}

    def summary(self, sid: str, passages: list[tuple[str, str]]) -> Body:
        prose = [(pid, text) for pid, text in passages if len(text.split()) >= 8]
        points = [_point(text, pid) for pid, text in prose[:3]]
        fragment = next(((pid, t.split(",")[0]) for pid, t in prose[3:] if "," in t), None)
        if fragment and len(fragment[1].split()) >= 4:
            points.append(_point(*reversed(fragment)))
        if len(prose) >= 2:  # a sentence cited by its neighbour's id
            (_, text), (neighbour, _) = prose[-1], prose[-2]
            self.wrong_citations.append((text, neighbour))
            points.append(_point(text, neighbour))
        figures = [f for pid, text in prose[:6] for f in _figures(pid, text)][:5]
        if figures:
            wrong = dict(figures[0], value=figures[0]["value"] * 1.1)
            self.wrong_figures.append(f"{wrong['text']} = {wrong['value']}")
            figures.append(wrong)
        quotes = [q for pid, text in prose for q in _quotes(pid, text)][:4]
        names = [n for _, text in prose for n in _NAME.findall(_unquoted(text))]
        if quotes:
            others = [n for n in names if n != quotes[0]["speaker"]]
            if others:
                wrong = dict(quotes[0], speaker=others[-1])
                self.wrong_speakers.append((wrong["text"], wrong["speaker"]))
                quotes.append(wrong)
        hedged = [
            {
                "citations": [pid],
                "text": text,
                "status": "unconfirmed",
                "status_reason": match.group(),
                "attribution": None,
            }
            for pid, text in prose
            if (match := _HEDGE.search(text))
        ][:3]
        return {
            "source_id": sid,
            "key_points": points,
            "figures": figures,
            "quotes": quotes,
            "hedged": hedged,
        }


def _point(text: str, *citations: str) -> Body:
    return {"citations": list(citations), "text": text, "attribution": None}


def _figures(pid: str, text: str) -> list[Body]:
    found = []
    for match in _NUMBER.finditer(text):
        digits, scale, word = match.groups()
        value = float(digits.replace(",", "")) * _SCALE[scale]
        if value in _YEARS or value < 2:
            continue
        found.append(
            {
                "citations": [pid],
                "text": match.group(),
                "value": value,
                "unit": None,
                "counts": word,
                "attribution": None,
            }
        )
    return found


def _unquoted(text: str) -> str:
    return _QUOTED.sub(" ", text)


def _quotes(pid: str, text: str) -> list[Body]:
    names = _NAME.findall(_unquoted(text))
    return [
        {"citations": [pid], "text": words, "speaker": names[0] if names else None}
        for words in _QUOTED.findall(text)
        if len(words.split()) >= 4
    ]


def reduce_answer(body: Body) -> Body:
    summaries = [json.loads(text) for text in _SUMMARY.findall(user_prompt(body))]
    points = _taking_turns([s.get("key_points", []) for s in summaries])
    for point in points:  # another source's point with the same number corroborates it
        numbers = set(re.findall(r"\d[\d,.]*\d|\d", point["text"]))
        for other in points:
            same = numbers & set(re.findall(r"\d[\d,.]*\d|\d", other["text"]))
            if (
                other is not point
                and same
                and other["citations"][0][:2] != point["citations"][0][:2]
            ):
                point["citations"] = [*point["citations"], other["citations"][0]][:3]
    groups: dict[str, Body] = {}
    for figure in _taking_turns([s.get("figures", []) for s in summaries]):
        group = groups.setdefault(figure["counts"], {"subject": figure["counts"], "figures": []})
        group["figures"].append(figure)
    fields = body["response_format"]["json_schema"]["schema"]["properties"]
    answer: Body = {name: [] for name in fields}
    answer["title"] = points[0]["text"][:80] if points else "The day's story"
    answer["bottom_line"] = points[:2]
    answer["key_developments"] = points[2:10]
    answer["key_figures"] = list(groups.values())[:8]
    answer["unconfirmed"] = _taking_turns([s.get("hedged", []) for s in summaries])[:6]
    answer["quotes"] = _taking_turns([s.get("quotes", []) for s in summaries])[:6]
    return answer


def _taking_turns(lists: list[list[Any]]) -> list[Any]:
    return [item for row in zip_longest(*lists) for item in row if item is not None]
