"""A vcrpy serializer that keeps cassettes reviewable and free of secrets: JSON request
and response bodies are stored as YAML structures (`parsed_body`) with multi-line strings
as literal blocks, so a prompt reads as a prompt, and headers that identify an account, a
session, a client or a request are dropped from both sides before anything is written.
Loading turns bodies back into the exact JSON text that `normalize_json` gives, which is
also what live requests are normalized to before matching.
"""

from __future__ import annotations

import json
from typing import Any

import yaml

# Dropped by prefix, so a new SDK or provider header (x-stainless-*, x-ratelimit-*,
# openai-organization, openai-project, cf-ray, ...) is dropped without being listed first.
DROPPED_PREFIXES = ("x-", "openai-", "cf-")
DROPPED_NAMES = frozenset(
    {"authorization", "api-key", "cookie", "set-cookie", "user-agent", "request-id"}
)


def is_dropped(header: str) -> bool:
    name = header.lower()
    return name in DROPPED_NAMES or name.startswith(DROPPED_PREFIXES)


def kept_headers(headers: dict[str, Any]) -> dict[str, Any]:
    return {name: value for name, value in headers.items() if not is_dropped(name)}


def normalize_json(body: str | bytes) -> str:
    """The one canonical text of a JSON body: sorted keys, one-space indent."""
    return json.dumps(json.loads(body), indent=1, sort_keys=True)


class _Dumper(yaml.SafeDumper):
    pass


def _str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value and not value.endswith((" ", "\t")) else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _str)


def _parse(text: object) -> object | None:
    if not isinstance(text, str) or not text:
        return None
    try:
        return json.loads(text)
    except ValueError:
        return None


def serialize(cassette: dict[str, Any]) -> str:
    for interaction in cassette["interactions"]:
        request, response = interaction["request"], interaction["response"]
        for side in (request, response):
            side["headers"] = kept_headers(side.get("headers", {}))
        parsed = _parse(request.get("body"))
        if parsed is not None:
            request["parsed_body"] = parsed
            del request["body"]
        parsed = _parse(response.get("body", {}).get("string"))
        if parsed is not None:
            response["parsed_body"] = parsed
            del response["body"]
    return yaml.dump(cassette, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100)


def deserialize(text: str) -> dict[str, Any]:
    cassette: dict[str, Any] = yaml.safe_load(text)
    for interaction in cassette["interactions"]:
        request, response = interaction["request"], interaction["response"]
        if "parsed_body" in request:
            request["body"] = normalize_json(json.dumps(request.pop("parsed_body")))
        if "parsed_body" in response:
            response["body"] = {"string": json.dumps(response.pop("parsed_body"))}
    return cassette
