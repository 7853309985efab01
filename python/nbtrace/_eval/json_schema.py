"""A small JSON Schema check for ``scorers.is_json(schema=...)``: the keywords
structured LLM output uses (``type``, ``properties``, ``required``,
``additionalProperties``, ``items``, ``enum``, ``const``, ``minimum`` /
``maximum``, ``minLength`` / ``maxLength``, ``minItems`` / ``maxItems``,
``pattern``, ``anyOf`` / ``oneOf`` / ``allOf``). Uses the ``jsonschema`` package
instead when it is installed."""
from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

_TYPES = {
    "object": lambda v: isinstance(v, dict), "array": lambda v: isinstance(v, list),
    "string": lambda v: isinstance(v, str), "boolean": lambda v: isinstance(v, bool),
    "null": lambda v: v is None,
    "integer": lambda v: isinstance(v, int) and not isinstance(v, bool) or isinstance(v, float) and v.is_integer(),
    "number": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
}


def problems(value: Any, schema: Any, path: str = "$") -> list:
    """Where ``value`` breaks ``schema`` (empty: it conforms)."""
    try:
        import jsonschema  # noqa: F401 (optional)
    except ImportError:
        return _problems(value, schema, path)
    validator = jsonschema.Draft202012Validator(schema)
    return [f"{'$' + ''.join(f'[{p!r}]' for p in e.absolute_path)}: {e.message}" for e in validator.iter_errors(value)]


def _problems(value: Any, schema: Any, path: str) -> list:
    if schema is True or schema == {}:
        return []
    if schema is False:
        return [f"{path}: nothing is allowed here"]
    if not isinstance(schema, Mapping):
        return [f"{path}: the schema is not an object"]
    out: list = []
    kind = schema.get("type")
    if kind is not None:
        kinds = kind if isinstance(kind, list) else [kind]
        if not any(_TYPES.get(k, lambda v: False)(value) for k in kinds):
            return [f"{path}: expected {' or '.join(map(str, kinds))}, got {type(value).__name__}"]
    if "enum" in schema and value not in schema["enum"]:
        out.append(f"{path}: {value!r} is not one of {schema['enum']!r}")
    if "const" in schema and value != schema["const"]:
        out.append(f"{path}: expected {schema['const']!r}")
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if "minimum" in schema and value < schema["minimum"]:
            out.append(f"{path}: {value} < minimum {schema['minimum']}")
        if "maximum" in schema and value > schema["maximum"]:
            out.append(f"{path}: {value} > maximum {schema['maximum']}")
    if isinstance(value, str):
        if "minLength" in schema and len(value) < schema["minLength"]:
            out.append(f"{path}: shorter than {schema['minLength']} characters")
        if "maxLength" in schema and len(value) > schema["maxLength"]:
            out.append(f"{path}: longer than {schema['maxLength']} characters")
        if "pattern" in schema and re.search(schema["pattern"], value) is None:
            out.append(f"{path}: does not match {schema['pattern']!r}")
    if isinstance(value, dict):
        props = schema.get("properties") or {}
        for key in schema.get("required") or []:
            if key not in value:
                out.append(f"{path}: missing required property {key!r}")
        for key, item in value.items():
            if key in props:
                out.extend(_problems(item, props[key], f"{path}[{key!r}]"))
            elif schema.get("additionalProperties") is False:
                out.append(f"{path}: unexpected property {key!r}")
            elif isinstance(schema.get("additionalProperties"), Mapping):
                out.extend(_problems(item, schema["additionalProperties"], f"{path}[{key!r}]"))
    if isinstance(value, list):
        if "minItems" in schema and len(value) < schema["minItems"]:
            out.append(f"{path}: fewer than {schema['minItems']} items")
        if "maxItems" in schema and len(value) > schema["maxItems"]:
            out.append(f"{path}: more than {schema['maxItems']} items")
        if isinstance(schema.get("items"), (Mapping, bool)):
            for i, item in enumerate(value):
                out.extend(_problems(item, schema["items"], f"{path}[{i}]"))
    for key in ("allOf",):
        for sub in schema.get(key) or []:
            out.extend(_problems(value, sub, path))
    if schema.get("anyOf") and all(_problems(value, s, path) for s in schema["anyOf"]):
        out.append(f"{path}: matches none of anyOf")
    if schema.get("oneOf") and sum(1 for s in schema["oneOf"] if not _problems(value, s, path)) != 1:
        out.append(f"{path}: does not match exactly one of oneOf")
    return out
