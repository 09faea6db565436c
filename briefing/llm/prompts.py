"""Chat messages from the Jinja prompts in `prompts/` (or the user's --prompts DIR).

Static instructions come first (system prompt, then the user prompt's instructions) and
source text last, so a provider's prompt cache can reuse the common prefix."""

from __future__ import annotations

from typing import TYPE_CHECKING

from briefing.templating import make_environment, render_template

if TYPE_CHECKING:
    from collections.abc import Sequence
    from pathlib import Path

    from briefing.engines.llm.planning import Unit
    from briefing.llm.chat import Message


class Prompts:
    def __init__(self, override: Path | None = None) -> None:
        self.env = make_environment("prompts", override)

    def _render(self, name: str, **context: object) -> str:
        return render_template(self.env, name, **context).strip()

    def map_messages(self, pack: Sequence[Unit]) -> list[Message]:
        sources = [
            {
                "id": unit.source.id,
                "title": unit.source.title,
                "outlet": unit.source.outlet,
                "published": unit.source.published,
                "part": unit.part,
                "parts": unit.parts,
                "passages": [{"id": p.id, "text": p.text} for p in unit.passages],
            }
            for unit in pack
        ]
        return [
            {"role": "system", "content": self._render("map.system.j2")},
            {"role": "user", "content": self._render("map.user.j2", sources=sources)},
        ]

    def reduce_messages(self, inputs: Sequence[str]) -> list[Message]:
        return [
            {"role": "system", "content": self._render("reduce.system.j2")},
            {"role": "user", "content": self._render("reduce.user.j2", inputs=list(inputs))},
        ]

    def judge_messages(self, claims: Sequence[dict[str, object]]) -> list[Message]:
        """Claims as {key, text, passages: [{id, text}]}, judged in one call."""
        return [
            {"role": "system", "content": self._render("judge.system.j2")},
            {"role": "user", "content": self._render("judge.user.j2", claims=list(claims))},
        ]

    def reask_message(self, errors: Sequence[str]) -> Message:
        return {"role": "user", "content": self._render("reask.user.j2", errors=list(errors))}
