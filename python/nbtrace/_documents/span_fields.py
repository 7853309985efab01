"""One span of a trace document, read as the viewer reads it (the TypeScript twins are
``src/model/kind.ts``, ``tokens.ts``, ``cost.ts`` and ``span-fields.ts``): MLflow's
JSON-encoded attribute values decoded, the span kind detected, status and message,
inputs / outputs, its own token usage and reported cost, its model; and the
value helpers ``facts.py`` shares. Never raises on odd input.
"""
from __future__ import annotations

import json
import math
from typing import Any

MODEL_KEYS = ("mlflow.llm.model", "llm.model_name", "gen_ai.response.model", "gen_ai.request.model")
_MISSING = object()
_USAGE_FIELDS = ("input", "output", "total", "cache_read")
_GEN_AI_OPERATIONS = {"chat": "CHAT_MODEL", "text_completion": "LLM", "generate_content": "LLM",
                      "embeddings": "EMBEDDING", "retrieval": "RETRIEVER", "execute_tool": "TOOL",
                      "invoke_agent": "AGENT", "create_agent": "AGENT", "invoke_workflow": "CHAIN"}


# ---------------------------------------------------------------- values
def decode(v: Any, structured_only: bool = False) -> Any:
    """MLflow attribute values are JSON text: decoded (metadata: only objects, arrays, strings)."""
    if not isinstance(v, str):
        return v
    head = v.lstrip(" \n\t\r")[:1]
    if head in ("{", "[", '"') or (not structured_only and head and head in "-0123456789tfn"):
        try:
            return json.loads(v)
        except ValueError:
            return v
    return v


def as_text(v: Any) -> str:
    """A value as text (strings as they are, anything else as compact JSON)."""
    if isinstance(v, str):
        return v
    try:
        return json.dumps(v, ensure_ascii=False, separators=(",", ":"), default=str)
    except (TypeError, ValueError):
        return str(v)


def as_number(v: Any) -> float | int | None:
    if isinstance(v, bool):
        return None
    if isinstance(v, (int, float)):
        return v if math.isfinite(v) and abs(v) < 1e300 else None
    if isinstance(v, str) and v.strip():
        try:
            return int(v) if len(v) < 40 else None  # exact for integer text (epoch ns)
        except ValueError:
            pass
        try:
            n = float(v)
        except ValueError:
            return None
        return (int(n) if n.is_integer() and abs(n) < 2 ** 53 else n) if math.isfinite(n) else None
    return None


def _ns(v: Any) -> int | None:
    n = as_number(v)
    return None if n is None or n <= 0 else int(n)


def string_map(v: Any, structured: bool = True) -> dict:
    """A dict, or a list of ``{key, value}`` (MLflow v2 / OTLP shapes), → key → decoded value."""
    out: dict = {}
    if isinstance(v, dict):
        items = v.items()
    elif isinstance(v, list):
        items = [(e.get("key"), e.get("value")) for e in v if isinstance(e, dict)]
    else:
        return out
    for key, value in items:
        if isinstance(key, str):
            if isinstance(value, dict) and len(value) == 1:  # an OTLP AnyValue
                (kind, inner), = value.items()
                if kind in ("stringValue", "intValue", "doubleValue", "boolValue"):
                    value = inner
            out[key] = decode(value, structured)
    return out


# ---------------------------------------------------------------- spans
def _kind(attrs: dict, hint: Any) -> str:
    for v in (attrs.get("openinference.span.kind"), attrs.get("mlflow.spanType"),
              attrs.get("traceloop.span.kind"), hint):
        if isinstance(v, str) and v.strip() and v.strip().upper() != "UNKNOWN":
            return v.strip().upper()
    op = attrs.get("gen_ai.operation.name")
    if isinstance(op, str) and op.strip().lower() in _GEN_AI_OPERATIONS:
        return _GEN_AI_OPERATIONS[op.strip().lower()]
    if "gen_ai.tool.name" in attrs:
        return "TOOL"
    seen = set()
    for key in attrs:
        if key.startswith(("gen_ai.", "llm.")):
            return "LLM"
        if "." in key:
            seen.add(key.split(".", 1)[0])
    return next((k.upper() for k in ("db", "http", "rpc", "messaging") if k in seen), "UNKNOWN")


def _status(s: dict) -> tuple:
    code, message = s.get("status_code"), s.get("status_message")
    status = s.get("status")
    if isinstance(status, dict):
        code = code if code is not None else status.get("code", status.get("status_code"))
        message = message if message is not None else status.get("message", status.get("description"))
    elif isinstance(status, str) and code is None:
        code = status
    if isinstance(code, int) and not isinstance(code, bool):
        norm = {1: "OK", 2: "ERROR"}.get(code, "UNSET")
    else:
        text = code.strip().upper().removeprefix("STATUS_CODE_") if isinstance(code, str) else ""
        norm = "OK" if text in ("OK", "1") else "ERROR" if text in ("ERROR", "2") else "UNSET"
    message = message if isinstance(message, str) and message.upper() != norm else ""
    if norm == "ERROR" and not message:
        for e in s.get("events") or ():
            attrs = e.get("attributes") if isinstance(e, dict) and e.get("name") == "exception" else None
            if isinstance(attrs, dict):
                parts = [str(attrs[k]) for k in ("exception.type", "exception.message") if attrs.get(k) is not None]
                message = ": ".join(p for p in parts if p)
                if message:
                    break
    return norm, message


def _io(attrs: dict, which: str) -> Any:
    key = "mlflow.spanInputs" if which == "input" else "mlflow.spanOutputs"
    if key in attrs:
        return attrs[key]
    if f"{which}.value" in attrs:
        v = attrs[f"{which}.value"]
        mime = attrs.get(f"{which}.mime_type")
        decoded = decode(v)
        return decoded if (isinstance(mime, str) and "json" in mime.lower()) or isinstance(decoded, (dict, list)) else v
    keys = (("gen_ai.input.messages", "gen_ai.tool.call.arguments", "tool_call.function.arguments") if which == "input"
            else ("gen_ai.output.messages", "gen_ai.tool.call.result"))
    return next((decode(attrs[k]) for k in keys if k in attrs), _MISSING)


def _usage(input_: Any, output: Any, total: Any, cache_read: Any = None) -> dict | None:
    values = dict(zip(_USAGE_FIELDS, (as_number(input_), as_number(output), as_number(total), as_number(cache_read))))
    out = {k: v for k, v in values.items() if v is not None}
    if not out:
        return None
    if "total" not in out and ("input" in out or "output" in out):
        out["total"] = out.get("input", 0) + out.get("output", 0)
    return out


def usage_of_object(v: Any) -> dict | None:
    """An MLflow usage object (``mlflow.chat.tokenUsage``, OpenAI-style names too)."""
    o = decode(v)
    if not isinstance(o, dict):
        return None
    return _usage(o.get("input_tokens", o.get("prompt_tokens")), o.get("output_tokens", o.get("completion_tokens")),
                  o.get("total_tokens"), o.get("cache_read_input_tokens"))


def _span_usage(a: dict) -> dict | None:
    if a.get("mlflow.chat.tokenUsage") is not None:
        found = usage_of_object(a["mlflow.chat.tokenUsage"])
        if found:
            return found
    g = a.get
    return (_usage(g("llm.token_count.prompt"), g("llm.token_count.completion"), g("llm.token_count.total"),
                   g("llm.token_count.prompt_details.cache_read"))
            or _usage(g("gen_ai.usage.input_tokens", g("gen_ai.usage.prompt_tokens")),
                      g("gen_ai.usage.output_tokens", g("gen_ai.usage.completion_tokens")),
                      g("gen_ai.usage.total_tokens"),
                      g("gen_ai.usage.cache_read.input_tokens", g("gen_ai.usage.cache_read_input_tokens"))))


def _cost(input_: Any, output: Any, total: Any) -> dict | None:
    values = {k: as_number(v) for k, v in (("input", input_), ("output", output), ("total", total))}
    out = {k: v for k, v in values.items() if v is not None and v >= 0}
    if "total" not in out and ("input" in out or "output" in out):
        out["total"] = out.get("input", 0) + out.get("output", 0)
    return out if "total" in out else None


def cost_of_object(v: Any) -> dict | None:
    """An MLflow cost object ``{input_cost, output_cost, total_cost}``, or a bare number (the total)."""
    o = decode(v)
    if isinstance(o, dict):
        return _cost(o.get("input_cost", o.get("input")), o.get("output_cost", o.get("output")),
                     o.get("total_cost", o.get("total")))
    return _cost(None, None, o) if as_number(o) is not None else None


def _span_cost(a: dict) -> dict | None:
    if a.get("mlflow.llm.cost") is not None:
        found = cost_of_object(a["mlflow.llm.cost"])
        if found:
            return found
    return _cost(a.get("llm.cost.prompt"), a.get("llm.cost.completion"), a.get("llm.cost.total"))


def read_span(s: dict) -> dict:
    ctx = s["context"] if isinstance(s.get("context"), dict) else s
    attrs = string_map(s.get("attributes"), structured=False)
    status, message = _status(s)
    inputs, outputs = _io(attrs, "input"), _io(attrs, "output")
    rest = {k: v for k, v in attrs.items() if k not in ("mlflow.spanInputs", "mlflow.spanOutputs")}
    parts = [as_text(v) for v in (inputs, outputs) if v is not _MISSING] + [as_text(rest) if rest else "", message]
    model = next((v for v in (attrs.get(k) for k in MODEL_KEYS) if isinstance(v, str) and v.strip()), None)
    start = next((v for v in (_ns(s.get(k)) for k in ("start_time_unix_nano", "start_time_ns", "start_time"))
                  if v is not None), None)
    end = next((v for v in (_ns(s.get(k)) for k in ("end_time_unix_nano", "end_time_ns", "end_time"))
                if v is not None), None)
    name = s.get("name") if isinstance(s.get("name"), str) and s.get("name") else "(unnamed)"
    facts = {"name": name, "type": _kind(attrs, s.get("span_type")), "status": status,
             "content": "\n".join(p for p in parts if p)}
    if model is not None:
        facts["model"] = model
    return {"facts": facts, "id": ctx.get("span_id"), "parent": s.get("parent_span_id", s.get("parent_id")),
            "start": start, "end": end, "attrs": attrs, "usage": _span_usage(attrs), "cost": _span_cost(attrs)}


