"""The strict `json_schema` response format of OpenAI's structured outputs, built from a
pydantic model with public APIs only.

It is what the SDK's private `type_to_response_format_param` sends, byte for byte (the
wire cassettes match request bodies, so they prove it). Strict mode wants every object
closed and every property required, so a property that may be absent stays nullable but
loses its null default; and a `$ref` may have no sibling keywords, so such a reference is
replaced by the definition it points to.
"""

from __future__ import annotations

import copy
from functools import cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pydantic import BaseModel


def response_format(model: type[BaseModel]) -> dict[str, Any]:
    return {
        "type": "json_schema",
        "json_schema": {"schema": strict_schema(model), "name": model.__name__, "strict": True},
    }


@cache
def json_schema(model: type[BaseModel]) -> dict[str, Any]:
    """The model's JSON schema, built once per model (pydantic builds it anew on every
    call, which a run of a thousand requests and cache keys felt). Read it, never change it."""
    return model.model_json_schema()


def strict_schema(model: type[BaseModel]) -> dict[str, Any]:
    return copy.deepcopy(_strict_schema(model))


@cache
def _strict_schema(model: type[BaseModel]) -> dict[str, Any]:
    schema = copy.deepcopy(json_schema(model))
    return _make_strict(schema, schema)


def _make_strict(node: dict[str, Any], root: dict[str, Any]) -> dict[str, Any]:
    """`node`, changed in place to satisfy strict mode; `root` holds the $defs."""
    for inner in _schemas_inside(node):
        _make_strict(inner, root)
    if node.get("type") == "object":
        node.setdefault("additionalProperties", False)
    if isinstance(node.get("properties"), dict):
        node["required"] = list(node["properties"])
    if len(node.get("allOf", [])) == 1:
        node.update(node.pop("allOf")[0])
    if "default" in node and node["default"] is None:
        del node["default"]
    ref = node.get("$ref")
    if isinstance(ref, str) and len(node) > 1:
        # The node's own keywords (a description) win over the definition's.
        merged = {**copy.deepcopy(_resolve(ref, root)), **node}
        del merged["$ref"]
        node.clear()
        node.update(merged)
        return _make_strict(node, root)
    return node


def _schemas_inside(node: dict[str, Any]) -> list[dict[str, Any]]:
    """The schemas one level down: definitions first, so inlined copies are strict too."""
    inside = [
        *node.get("$defs", {}).values(),
        *node.get("properties", {}).values(),
        *node.get("anyOf", []),
        *node.get("allOf", []),
    ]
    items = node.get("items")
    return [*inside, items] if isinstance(items, dict) else inside


def _resolve(ref: str, root: dict[str, Any]) -> dict[str, Any]:
    if not ref.startswith("#/"):
        raise ValueError(f"cannot resolve $ref {ref!r}: only local references are supported")
    target: Any = root
    for part in ref[2:].split("/"):
        target = target[part]
    if not isinstance(target, dict):
        raise TypeError(f"$ref {ref!r} does not point to a schema")
    return target
