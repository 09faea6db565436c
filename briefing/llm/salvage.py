"""What can be kept of a reply that is not all good: partial acceptance.

A small model's reply may be cut off at the token limit (its JSON unfinished), hold an
item of the wrong shape, run past a list's limit, or cite badly. Rather than throw the
whole reply away, `salvaged` keeps every item that is complete and checks out: the JSON
of a cut-off reply is read up to where it stops (pydantic_core's partial parsing closes
what was left open and drops an unfinished last value), each item pydantic rejects is
removed where it stands, a list longer than its limit is cut to it, and the citations
are checked in repair mode (a bad item is dropped and recorded, see CitationContext).
`merged` joins what two replies kept (a first reply and its re-ask), so a re-ask need
only fix what was wrong.
"""

from __future__ import annotations

import typing
from typing import TYPE_CHECKING, Any, TypeVar

import pydantic_core
from pydantic import ValidationError

from briefing.llm.schemas import CitationContext, Cited, Out

if TYPE_CHECKING:
    from pydantic.fields import FieldInfo

M = TypeVar("M", bound=Out)

# Each round removes what pydantic rejected; a reply of a few thousand tokens has at most a
# few hundred items, so this bounds the work on any reply.
ROUNDS = 64
# The fields that name an item, in the order they are looked for: a summary by its source,
# a figure group by its subject, any other item by its text.
_KEYS = ("source_id", "subject", "text")


def salvaged(
    schema: type[M], content: str, context: CitationContext, *, cut_off: bool = False
) -> tuple[M, CitationContext] | None:
    """What holds of `content`, and the repair context that says what was dropped; None
    when nothing of the asked shape is left (not JSON at all, or its top level wrong). The
    JSON of a reply `cut_off` at the token limit is read up to where it stops."""
    try:
        data = pydantic_core.from_json(content, allow_partial=cut_off)
    except ValueError:
        return None
    for _ in range(ROUNDS):
        repair = CitationContext(context.passages, context.source_ids, repair=True)
        try:
            return schema.model_validate(data, context=repair), repair
        except ValidationError as err:
            if not _prune(schema, data, err):
                return None
    return None


def _prune(schema: type[Out], data: Any, err: ValidationError) -> bool:  # noqa: ANN401
    """Remove from `data` (parsed JSON) each list item an error is in, then cut each list
    over its limit; a list an unfinished object lacks is given empty. False when an error
    is not inside a list item (nothing smaller to give up)."""
    cuts: list[tuple[list[Any], int]] = []
    removals: dict[tuple[int, int], tuple[list[Any], int]] = {}
    for error in err.errors(include_url=False):
        loc = error["loc"]
        if error["type"] == "too_long" and isinstance(_at(data, loc), list):
            cuts.append((_at(data, loc), int(error.get("ctx", {}).get("max_length", 0))))
            continue
        parent = _at(data, loc[:-1])
        if error["type"] == "missing" and isinstance(parent, dict) and _is_list(schema, loc):
            parent[loc[-1]] = []
            continue
        last = max((n for n, part in enumerate(loc) if isinstance(part, int)), default=None)
        container = _at(data, loc[:last]) if last is not None else None
        if last is None or not isinstance(container, list):
            return False
        removals[id(container), int(loc[last])] = (container, int(loc[last]))
    for container, index in sorted(removals.values(), key=lambda r: -r[1]):
        if index < len(container):
            del container[index]
    for container, limit in cuts:
        del container[limit:]
    return True


def _is_list(schema: type[Out], loc: tuple[int | str, ...]) -> bool:
    """Whether the field at `loc` (through the models' fields and lists) is a list."""
    model: Any = schema
    annotation: Any = None
    for part in loc:
        if isinstance(part, int):
            args = typing.get_args(annotation)
            model = args[0] if args else None
            continue
        fields = getattr(model, "model_fields", None)
        if not isinstance(fields, dict) or part not in fields:
            return False
        annotation = fields[part].annotation
    return typing.get_origin(annotation) is list


def _at(data: Any, loc: tuple[int | str, ...]) -> Any:  # noqa: ANN401 - parsed JSON
    for part in loc:
        in_list = isinstance(part, int) and isinstance(data, list) and part < len(data)
        if in_list or (isinstance(part, str) and isinstance(data, dict) and part in data):
            data = data[part]
        else:
            return None
    return data


def merged(first: M, second: M) -> M:
    """`first` with what `second` adds: items it does not have (by source, subject or
    text), items of the same name merged, lists within their limits, an empty string
    filled in."""
    updates: dict[str, Any] = {}
    for name, info in type(first).model_fields.items():
        mine, theirs = getattr(first, name), getattr(second, name)
        if isinstance(mine, list):
            updates[name] = _merged_lists(mine, theirs, _limit(info))
        elif isinstance(mine, str) and not mine.strip():
            updates[name] = theirs
    return first.model_copy(update=updates)


def _merged_lists(mine: list[Any], theirs: list[Any], limit: int | None) -> list[Any]:
    joined = list(mine)
    for item in theirs:
        same = next((n for n, m in enumerate(joined) if _key(m) == _key(item)), None)
        if same is None:
            joined.append(item)
        elif isinstance(item, Out) and not isinstance(item, Cited):
            joined[same] = merged(joined[same], item)
    return joined[:limit]


def _key(item: Any) -> Any:  # noqa: ANN401 - a list's item
    if isinstance(item, Out):
        return next((getattr(item, k) for k in _KEYS if k in type(item).model_fields), id(item))
    return item


def _limit(info: FieldInfo) -> int | None:
    return next((m.max_length for m in info.metadata if hasattr(m, "max_length")), None)
