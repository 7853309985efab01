"""The fields a trace query can name (the TypeScript twin is
``src/rows/query/fields.ts``): MLflow's ``search_traces`` keys with their
aliases, and ours (``tokens``, ``input_tokens``, ``output_tokens``, ``cost``,
``model``, ``session``, ``user``, ``span.model``). A field is scalar (one value
or none: SQL NULL rules) or a set (spans, assessments, models: a clause holds
when it holds for some member)."""
from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Field:
    source: str  # trace tag metadata span feedback expectation
    key: str
    type: str  # text number time status value
    many: bool
    label: str


def _k(key: str, type_: str, many: bool = False) -> tuple:
    return key, type_, many


TRACE_KEYS = {
    "status": _k("status", "status"), "state": _k("status", "status"),
    "execution_time_ms": _k("duration_ms", "number"), "execution_time": _k("duration_ms", "number"),
    "execution_duration_ms": _k("duration_ms", "number"), "duration_ms": _k("duration_ms", "number"),
    "latency": _k("duration_ms", "number"), "latency_ms": _k("duration_ms", "number"),
    "timestamp_ms": _k("start_ms", "time"), "timestamp": _k("start_ms", "time"), "request_time": _k("start_ms", "time"),
    "end_time_ms": _k("end_ms", "time"), "end_time": _k("end_ms", "time"),
    "name": _k("name", "text"), "request_id": _k("id", "text"), "trace_id": _k("id", "text"),
    "client_request_id": _k("client_request_id", "text"), "run_id": _k("run_id", "text"), "text": _k("text", "text"),
    "tokens": _k("tokens", "number"), "total_tokens": _k("tokens", "number"),
    "input_tokens": _k("input_tokens", "number"), "output_tokens": _k("output_tokens", "number"),
    "cost": _k("cost", "number"), "spans": _k("span_count", "number"), "span_count": _k("span_count", "number"),
    "model": _k("models", "text", True), "session": _k("session", "text"), "user": _k("user", "text"),
}

SPAN_KEYS = {
    "name": _k("name", "text"), "type": _k("type", "text"), "span_type": _k("type", "text"),
    "kind": _k("type", "text"), "status": _k("status", "status"), "content": _k("content", "text"),
    "model": _k("model", "text"),
}

PREFIXES = {"trace": "trace", "attribute": "trace", "attributes": "trace", "tag": "tag", "tags": "tag",
            "metadata": "metadata", "request_metadata": "metadata", "span": "span", "spans": "span",
            "feedback": "feedback", "expectation": "expectation"}


def _key_label(key: str) -> str:
    return key if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", key) else "`" + key.replace("`", "``") + "`"


def resolve_field(path: list) -> Field | str:
    """The field a dotted path names, or a sentence saying what is known."""
    first, rest = path[0], path[1:]
    lower = first.lower()
    prefix = PREFIXES.get(lower) if rest else None
    if prefix is None:
        own = TRACE_KEYS.get(".".join(path).lower())
        if own:
            return Field("trace", own[0], own[1], own[2], ".".join(path))
        return (f"unknown field {'.'.join(_key_label(p) for p in path)}: use trace.<field> (status, execution_time_ms, "
                "timestamp_ms, name, ...), tag.<key>, metadata.<key>, span.<name|type|status|content|model>, "
                "feedback.<name>, expectation.<name>, or tokens, input_tokens, output_tokens, cost, model, session, user")
    key = ".".join(rest)
    if prefix == "trace":
        own = TRACE_KEYS.get(key.lower())
        if own:
            return Field("trace", own[0], own[1], own[2], f"{lower}.{key}")
        return f"unknown trace field {_key_label(key)}: one of {', '.join(TRACE_KEYS)}"
    if prefix == "span":
        own = SPAN_KEYS.get(key.lower())
        if own:
            return Field("span", own[0], own[1], True, f"span.{key}")
        return f"unknown span field {_key_label(key)}: one of name, type, status, content, model"
    assessment = prefix in ("feedback", "expectation")
    return Field(prefix, key, "value" if assessment else "text", assessment, f"{lower}.{_key_label(key)}")
