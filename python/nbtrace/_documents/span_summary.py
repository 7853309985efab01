"""What a trace's spans used, by model and by span type, read off its document — the
``nbtrace.summary`` metadata that lets a trace list keep a trace without its spans (the
TypeScript twin that reads it: ``src/rows/list/usage.ts``). Spans are read as the
query facts read them (``span_fields.read_span``: the viewer's kinds, statuses, models,
token and cost conventions), in tree order (``facts.tree_order``).

Tokens and cost follow the viewer's roll-up rule: a span's own count is used only
when no ancestor already reported one (an agent span that sums its LLM calls is not
counted twice); a span that reports tokens but no model counts under the nearest model
below it. Shape::

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

from .facts import tree_order
from .prices import estimate_cost
from .span_fields import read_span

NO_MODEL = "(model not given)"
MAX_SEEN = 100
LLM_KINDS = {"LLM", "CHAT_MODEL", "EMBEDDING"}


def _add(into: dict, key: str, v: float | None) -> None:
    if v is not None:
        into[key] = into.get(key, 0) + v


def _models_below(spans: list) -> list:
    """For each span (tree order, with ``depth``), the nearest model at or below it."""
    out: list = [None] * len(spans)
    for i in range(len(spans) - 1, -1, -1):  # a subtree follows its root: look ahead, backwards
        s = spans[i]
        model = s["facts"].get("model")
        j = i + 1
        while model is None and j < len(spans) and spans[j]["depth"] > s["depth"]:
            model = out[j] if spans[j]["depth"] == s["depth"] + 1 else None
            j += 1
        out[i] = model
    return out


def span_summary(doc: dict) -> dict:
    """The ``nbtrace.summary`` of an MLflow trace document (never raises on odd spans)."""
    data = doc.get("data") if isinstance(doc.get("data"), dict) else {}
    spans = tree_order([read_span(s) for s in data.get("spans") or () if isinstance(s, dict)])
    below = _models_below(spans)
    models: dict = {}
    kinds: dict = {}
    distinct: dict = {}  # (name, type, status, model) → None, in order
    tokens_covered: list = []
    cost_covered: list = []
    for s, model_below in zip(spans, below):
        d, facts = s["depth"], s["facts"]
        del tokens_covered[d:], cost_covered[d:]
        tokens_above = bool(tokens_covered) and tokens_covered[-1]
        cost_above = bool(cost_covered) and cost_covered[-1]
        tokens = None if tokens_above else s["usage"]
        cost = None if cost_above or not s["cost"] else s["cost"].get("total")
        model = facts.get("model")
        estimated = False
        if cost is None and not cost_above and tokens and model:
            cost = estimate_cost(model, tokens.get("input"), tokens.get("output"), tokens.get("cache_read"))
            estimated = cost is not None
        tokens_covered.append(tokens_above or bool(tokens))
        cost_covered.append(cost_above or cost is not None)
        kind = facts["type"]
        k = kinds.setdefault(kind, {"count": 0, "errors": 0, "ms": 0.0})
        k["count"] += 1
        k["errors"] += 1 if facts["status"] == "ERROR" else 0
        if s["start"] is not None and s["end"] is not None and s["end"] >= s["start"]:
            k["ms"] += (s["end"] - s["start"]) / 1e6
        _add(k, "tokens", tokens and tokens.get("total"))
        _add(k, "cost", cost)
        if len(distinct) < MAX_SEEN:
            distinct[(facts["name"], kind, facts["status"], model)] = None
        if model is not None or tokens or cost is not None:
            use = models.setdefault(model or model_below or NO_MODEL, {"calls": 0})
            if model is not None and (kind in LLM_KINDS or tokens):
                use["calls"] += 1
            for field in ("input", "output", "total"):
                _add(use, field, tokens and tokens.get(field))
            _add(use, "cost", cost)
            if estimated:
                use["estimated"] = True
    for k in kinds.values():
        k["ms"] = round(k["ms"], 3)
    seen = [[n, t, st] + ([m] if m else []) for n, t, st, m in distinct]
    return {"spans": len(spans), "models": models, "kinds": kinds, "seen": seen}
