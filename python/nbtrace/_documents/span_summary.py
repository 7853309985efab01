"""What a trace's spans used, by model and by span type, read off its MLflow
document — the ``nbtrace.summary`` metadata that lets a trace list keep a trace
without its spans (the TypeScript twin that reads it: ``src/rows/list/usage.ts``).

Tokens and cost follow the viewer's roll-up rule: a span's own count is used only
when no ancestor already reported one (an agent span that sums its LLM calls is not
counted twice). Shape::

    {"spans": 7,
     "models": {"gpt-4o": {"calls": 2, "input": 900, "output": 80, "total": 980, "cost": 0.0031,
                           "estimated": true}},
     "kinds": {"LLM": {"count": 2, "errors": 0, "ms": 812.5, "tokens": 980, "cost": 0.0031}},
     "seen": [["agent", "AGENT", "OK"], ["chat", "LLM", "OK", "gpt-4o"]]}

A span with a model and tokens but no reported cost is priced at list prices
(``prices.estimate_cost``) and its model marked ``estimated``, as the viewer does.
``seen``: the distinct (name, type, status, model) of the spans, at most ``MAX_SEEN``,
so the list's span conditions can match a trace kept without its spans.
"""
from __future__ import annotations

import json
from typing import Any

from .prices import estimate_cost

NO_MODEL = "(model not given)"
MAX_SEEN = 100
MODEL_KEYS = ("mlflow.llm.model", "gen_ai.response.model", "gen_ai.request.model", "llm.model_name",
              "ai.model.id")
LLM_KINDS = {"LLM", "CHAT_MODEL", "EMBEDDING"}


def decoded(v: Any) -> Any:
    """An MLflow attribute value (JSON text) as the value it encodes."""
    if isinstance(v, str):
        try:
            return json.loads(v)
        except ValueError:
            return v
    return v


def _number(v: Any) -> float | None:
    v = decoded(v)
    if isinstance(v, bool) or not isinstance(v, (int, float)) or v != v or v < 0:
        return None
    return v


def span_model(attrs: dict) -> str | None:
    for k in MODEL_KEYS:
        v = decoded(attrs.get(k))
        if isinstance(v, str) and v:
            return v
    return None


def span_tokens(attrs: dict) -> dict | None:
    """``{"input", "output", "total"}`` (those given) a span reports, or None."""
    usage = decoded(attrs.get("mlflow.chat.tokenUsage"))
    if isinstance(usage, dict):
        got = {"input": _number(usage.get("input_tokens")), "output": _number(usage.get("output_tokens")),
               "total": _number(usage.get("total_tokens"))}
    else:
        got = {"input": _number(attrs.get("llm.token_count.prompt", attrs.get("gen_ai.usage.input_tokens"))),
               "output": _number(attrs.get("llm.token_count.completion", attrs.get("gen_ai.usage.output_tokens"))),
               "total": _number(attrs.get("llm.token_count.total"))}
    got = {k: v for k, v in got.items() if v is not None}
    if got and "total" not in got:
        got["total"] = got.get("input", 0) + got.get("output", 0)
    return got or None


def span_cost(attrs: dict) -> float | None:
    """The total cost a span reports (MLflow ``mlflow.llm.cost``, OpenInference ``llm.cost.*``)."""
    cost = decoded(attrs.get("mlflow.llm.cost"))
    if isinstance(cost, dict):
        total = _number(cost.get("total_cost", cost.get("total")))
        if total is None:
            parts = [_number(cost.get(k)) for k in ("input_cost", "output_cost")]
            total = sum(p for p in parts if p is not None) if any(p is not None for p in parts) else None
        return total
    if cost is not None:
        return _number(cost)
    total = _number(attrs.get("llm.cost.total"))
    if total is None:
        parts = [_number(attrs.get(k)) for k in ("llm.cost.prompt", "llm.cost.completion")]
        total = sum(p for p in parts if p is not None) if any(p is not None for p in parts) else None
    return total


def span_kind(attrs: dict) -> str:
    v = decoded(attrs.get("mlflow.spanType"))
    return v.upper() if isinstance(v, str) and v else "UNKNOWN"


def _add(into: dict, key: str, v: float | None) -> None:
    if v is not None:
        into[key] = into.get(key, 0) + v


def span_summary(doc: dict) -> dict:
    """The ``nbtrace.summary`` of an MLflow trace document (never raises on odd spans)."""
    spans = (doc.get("data") or {}).get("spans") or []
    spans = [s for s in spans if isinstance(s, dict)]
    by_id = {s.get("span_id"): s for s in spans if s.get("span_id")}
    children: dict = {}
    roots = []
    for s in spans:
        parent = s.get("parent_span_id")
        if parent and parent in by_id and parent != s.get("span_id"):
            children.setdefault(parent, []).append(s)
        else:
            roots.append(s)
    models: dict = {}
    kinds: dict = {}
    distinct: dict = {}  # (name, type, status, model) → None, in order
    seen: set = set()
    stack = [(s, False, False) for s in reversed(roots)]
    while stack:
        s, tokens_above, cost_above = stack.pop()
        if id(s) in seen:
            continue  # a cycle in bad data
        seen.add(id(s))
        attrs = s.get("attributes") if isinstance(s.get("attributes"), dict) else {}
        tokens = None if tokens_above else span_tokens(attrs)
        cost = None if cost_above else span_cost(attrs)
        model = span_model(attrs)
        estimated = False
        if cost is None and not cost_above and tokens and model:
            cost = estimate_cost(model, tokens.get("input"), tokens.get("output"))
            estimated = cost is not None
        kind = span_kind(attrs)
        k = kinds.setdefault(kind, {"count": 0, "errors": 0, "ms": 0.0})
        k["count"] += 1
        status = s.get("status") if isinstance(s.get("status"), dict) else {}
        failed = str(status.get("code", "")).upper().endswith("ERROR")
        k["errors"] += 1 if failed else 0
        if len(distinct) < MAX_SEEN:
            distinct[(str(s.get("name", "")), kind, "ERROR" if failed else "OK", model)] = None
        start, end = _number(s.get("start_time_unix_nano")), _number(s.get("end_time_unix_nano"))
        if start is not None and end is not None and end >= start:
            k["ms"] += (end - start) / 1e6
        _add(k, "tokens", tokens and tokens.get("total"))
        _add(k, "cost", cost)
        if model is not None or tokens or cost is not None:
            use = models.setdefault(model or _model_below(s, children) or NO_MODEL, {"calls": 0})
            if model is not None and (kind in LLM_KINDS or tokens):
                use["calls"] += 1
            for field in ("input", "output", "total"):
                _add(use, field, tokens and tokens.get(field))
            _add(use, "cost", cost)
            if estimated:
                use["estimated"] = True
        for c in reversed(children.get(s.get("span_id"), [])):
            stack.append((c, tokens_above or bool(tokens), cost_above or cost is not None))
    for k in kinds.values():
        k["ms"] = round(k["ms"], 3)
    seen_list = [[n, t, st] + ([m] if m else []) for n, t, st, m in distinct]
    return {"spans": len(spans), "models": models, "kinds": kinds, "seen": seen_list}


def _model_below(span: dict, children: dict) -> str | None:
    stack, seen = [span], set()
    while stack:
        s = stack.pop()
        if id(s) in seen:
            continue
        seen.add(id(s))
        attrs = s.get("attributes") if isinstance(s.get("attributes"), dict) else {}
        m = span_model(attrs)
        if m:
            return m
        stack.extend(reversed(children.get(s.get("span_id"), [])))
    return None
