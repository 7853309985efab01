"""What the trace query language reads of a trace document: its *facts* (the shape
of ``tests/query/cases.json`` ``traces``; the TypeScript twin, which reads the
viewer's Trace model, is ``src/rows/query/facts.ts``).

:func:`facts_of` takes an MLflow v3 trace dict (what ``trace_to_dict`` gives) or a
v2 one (``info.request_id``, ``context.span_id`` spans) and returns::

    id name status span_count models tags metadata spans feedback expectation text
    start_ms end_ms duration_ms tokens input_tokens output_tokens cost session user
    client_request_id run_id cost_estimated      (these only when known)

Times are epoch ms from the spans (the earliest start; a running trace has no end
nor duration). Tokens: the trace metadata ``mlflow.trace.tokenUsage`` where it says,
else the spans' own usage (``mlflow.chat.tokenUsage``, OpenInference
``llm.token_count.*``, GenAI ``gen_ai.usage.*``) summed over the spans no ancestor
already counted (wrapper spans repeat their children's totals). Cost: the reported
one (``mlflow.trace.cost`` metadata, else ``mlflow.llm.cost`` / ``llm.cost.*`` of the
spans, same rule), else an estimate from the price table
(``prices.estimate_cost`` per LLM span that has a model and tokens, with the trace's
own ``nbtrace.prices`` overrides if it carries them; ``cost_estimated`` is then True). Session and user: the first of
``mlflow.trace.session`` / ``session.id`` / ``session`` / ``nbtrace.session`` (user:
``mlflow.trace.user`` / ``user.id`` / ``user``) in the tags and metadata, then in the
root spans' attributes. ``tag.<k>`` reads the trace's tags and ``metadata.<k>`` its
metadata (MLflow's rule), both as text. Span kinds are detected as the viewer does
(``mlflow.spanType``, ``openinference.span.kind``, ``traceloop.span.kind``,
``gen_ai.operation.name``, ...). A span's content is its inputs, outputs, other
attributes and status message as text; ``text`` is every span's name and content
(one span is read in ``span_fields.py``). Never raises on odd documents: what cannot
be read is left out.
"""
from __future__ import annotations

import functools
import json
import math
from typing import Any

from .span_fields import as_number, as_text, cost_of_object, read_span, string_map, usage_of_object

SESSION_KEYS = ("mlflow.trace.session", "session.id", "session", "nbtrace.session")
USER_KEYS = ("mlflow.trace.user", "user.id", "user")


def tree_order(spans: list) -> list:
    """Depth-first pre-order, children by start; each span gets ``depth``."""
    by_id = {s["id"]: s for s in spans if isinstance(s["id"], (str, int))}
    children: dict = {}
    roots = []
    for s in spans:
        parent = s["parent"]
        if parent not in (None, "") and parent in by_id and by_id[parent] is not s:
            children.setdefault(parent, []).append(s)
        else:
            roots.append(s)

    def start(s: dict) -> int:
        return s["start"] if s["start"] is not None else 0

    out, seen = [], set()
    for root in sorted(roots, key=start) + spans:  # (+ spans: those only reachable through a cycle)
        stack = [(root, 0)]
        while stack:
            s, depth = stack.pop()
            if id(s) in seen:
                continue
            seen.add(id(s))
            s["depth"] = depth
            out.append(s)
            stack.extend((c, depth + 1) for c in reversed(sorted(children.get(s["id"], ()), key=start)))
    return out


def _rollup(spans: list, key: str) -> tuple:
    """Sum ``key`` (usage / cost dicts) over spans no ancestor already counted; (sum, partial fields)."""
    covered: list = []
    total: dict = {}
    partial: set = set()
    any_ = False
    for s in spans:
        d = s["depth"]
        del covered[d:]
        above = bool(covered) and covered[-1]
        own = not above and s[key] is not None
        covered.append(above or own)
        if own:
            any_ = True
            for field in ("input", "output", "total", "cache_read"):
                if field in s[key]:
                    total[field] = total.get(field, 0) + s[key][field]
                else:
                    partial.add(field)
    return (total if any_ else None), partial


def _estimate(spans: list, prices: Any) -> float | None:
    """The price table's estimate, summed over the LLM spans (model and tokens) no ancestor
    counted; with the trace's own price overrides (metadata ``nbtrace.prices``) if it has them."""
    try:
        from .prices import estimate_cost
    except ImportError:  # the price table is not there (yet)
        return None
    table = _table_with(prices) if isinstance(prices, str) and prices else None
    covered: list = []
    total, any_ = 0.0, False
    for s in spans:
        d = s["depth"]
        del covered[d:]
        above = bool(covered) and covered[-1]
        model, usage = s["facts"].get("model"), s["usage"]
        own = False
        if not above and model and usage and ("input" in usage or "output" in usage):
            try:
                cost = estimate_cost(model, usage.get("input", 0), usage.get("output", 0), usage.get("cache_read"),
                                     table=table)
            except Exception:
                cost = None
            if isinstance(cost, (int, float)) and not isinstance(cost, bool) and math.isfinite(cost):
                total, any_, own = total + float(cost), True, True
        covered.append(above or own)
    return total if any_ else None


@functools.lru_cache(maxsize=16)
def _table_with(prices_json: str) -> Any:
    """The shipped price table with a trace's overrides (``nbtrace.prices``: normalized JSON), or None."""
    try:
        from .prices import merge

        overrides = json.loads(prices_json)
        return {**merge(overrides), "_match": {}} if isinstance(overrides, dict) else None
    except Exception:
        return None


# ---------------------------------------------------------------- the trace
def _state(v: Any) -> str | None:
    if not isinstance(v, str):
        return None
    s = v.upper().removeprefix("TRACE_STATUS_").removeprefix("STATE_")
    return s if s in ("OK", "ERROR", "IN_PROGRESS") else None


def _first_text(maps: list, keys: tuple) -> str | None:
    for m in maps:
        for k in keys:
            v = m.get(k)
            if v is not None and v != "":
                return as_text(v)
    return None


def _assessments(items: Any) -> tuple:
    feedback: dict = {}
    expectation: dict = {}
    for a in items if isinstance(items, list) else ():
        if not isinstance(a, dict) or a.get("valid") is False:
            continue
        name = a.get("assessment_name", a.get("name"))
        fb, ex = a.get("feedback"), a.get("expectation")
        part = fb if isinstance(fb, dict) else ex if isinstance(ex, dict) else None
        if not isinstance(name, str) or part is None:
            continue
        if part is fb and fb.get("error") not in (None, "", {}):
            continue
        value = part["value"] if "value" in part else part.get("serialized_value")
        if isinstance(value, dict) and "value" not in part:
            value = value.get("value")
        if value is None or (isinstance(value, float) and not math.isfinite(value)):
            continue
        if not isinstance(value, (str, bool, int, float)):
            value = as_text(value)
        (feedback if part is fb else expectation).setdefault(name, []).append(value)
    return feedback, expectation


def facts_of(doc: dict) -> dict:
    """The facts of an MLflow (v3 or v2) trace dict, for ``nbtrace._query.match.matches``."""
    info = doc.get("info") or doc.get("trace_info") or {}
    info = info if isinstance(info, dict) else {}
    data = doc.get("data") if isinstance(doc.get("data"), dict) else doc
    v2 = "request_id" in info
    metadata = string_map(info.get("request_metadata", info.get("trace_metadata")))
    tags = string_map(info.get("tags"))
    merged = {**metadata, **tags}
    spans = tree_order([read_span(s) for s in data.get("spans") or () if isinstance(s, dict)])
    span_facts = [s["facts"] for s in spans]
    trace_id = info.get("request_id") if v2 else info.get("trace_id", info.get("request_id"))
    if not isinstance(trace_id, str) or not trace_id:
        trace_id = next((s["attrs"]["mlflow.traceRequestId"] for s in spans
                         if isinstance(s["attrs"].get("mlflow.traceRequestId"), str)), "")
    state = _state(info.get("status") if v2 else info.get("state", info.get("status")))
    if state is None:
        state = ("IN_PROGRESS" if any(s["end"] is None for s in spans) else
                 "ERROR" if any(s["depth"] == 0 and s["facts"]["status"] == "ERROR" for s in spans) else "OK")
    name = merged.get("mlflow.traceName")
    roots = [s for s in spans if s["depth"] == 0]
    facts: dict = {
        "id": trace_id,
        "name": name if isinstance(name, str) and name else roots[0]["facts"]["name"] if roots else trace_id,
        "status": state,
        "span_count": len(spans),
        "models": list(dict.fromkeys(f["model"] for f in span_facts if f.get("model"))),
        "tags": {k: as_text(v) for k, v in tags.items()},
        "metadata": {k: as_text(v) for k, v in metadata.items()},
        "spans": span_facts,
    }
    facts["feedback"], facts["expectation"] = _assessments(info.get("assessments"))
    facts["text"] = "\n".join(f"{f['name']}\n{f['content']}" for f in span_facts)
    starts = [s["start"] for s in spans if s["start"] is not None]
    optional: dict = {}
    if starts:
        base = min(starts)
        optional["start_ms"] = base / 1e6
        duration = max(max((s["end"] if s["end"] is not None else s["start"] or base) for s in spans) - base, 0) / 1e6
        if state != "IN_PROGRESS":
            optional["duration_ms"], optional["end_ms"] = duration, base / 1e6 + duration
    else:
        optional["start_ms"] = as_number(info.get("timestamp_ms"))
    usage, _ = _rollup(spans, "usage")
    preferred = usage_of_object(merged.get("mlflow.trace.tokenUsage"))
    if preferred:
        usage = {**(usage or {}), **preferred}
    if usage:
        optional["input_tokens"], optional["output_tokens"] = usage.get("input"), usage.get("output")
        optional["tokens"] = usage.get("total", (usage["input"] + usage["output"]) if {"input", "output"} <= set(usage)
                                       else None)
    cost = cost_of_object(merged.get("mlflow.trace.cost"))
    if cost is None:
        cost, partial = _rollup(spans, "cost")
        if cost is not None:
            cost = {k: v for k, v in cost.items() if k not in partial}
    if cost:
        optional["cost"] = cost.get("total", (cost["input"] + cost["output"]) if {"input", "output"} <= set(cost)
                                    else None)
    if optional.get("cost") is None:
        prices = metadata.get("nbtrace.prices")  # (decoded: an object)
        estimate = _estimate(spans, json.dumps(prices, sort_keys=True) if isinstance(prices, dict) else prices)
        if estimate is not None:
            optional["cost"], optional["cost_estimated"] = estimate, True
    root_attrs = [s["attrs"] for s in roots]
    optional["session"] = _first_text([merged, *root_attrs], SESSION_KEYS)
    optional["user"] = _first_text([merged, *root_attrs], USER_KEYS)
    client = info.get("client_request_id")
    optional["client_request_id"] = client if isinstance(client, str) and client else _first_text(
        [merged], ("client_request_id", "mlflow.clientRequestId"))
    optional["run_id"] = _first_text([merged], ("mlflow.sourceRun",))
    facts.update((k, v) for k, v in optional.items() if v is not None)
    return facts
