"""One line of text for any trace payload (our dict, MLflow, OTLP, or a list):
``<nbtrace trace 'agent' · 7 spans · 1 error · 1,234 tokens · 1.23 s>``, the
``text/plain`` of every trace output; and the small readers it is made of
(``trace_stats``, ``format_duration``), which ``nbtrace.compare`` uses too.
Never raises."""
from __future__ import annotations

import json
from typing import Any


def format_duration(ms: float | None) -> str:
    if ms is None:
        return ""
    if ms < 1_000:
        return f"{ms:.0f} ms" if ms >= 10 else f"{ms:.2g} ms"
    return f"{ms / 1000:.2f} s"


def number(value: Any) -> float | None:
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def summary_parts(name: str, n_spans: int, n_errors: int, tokens: Any, ms: float | None,
                   running: bool) -> list:
    parts = [f"nbtrace trace {name!r}" if name else "nbtrace trace",
             f"{n_spans} span{'s' if n_spans != 1 else ''}"]
    if n_errors:
        parts.append(f"{n_errors} error{'s' if n_errors != 1 else ''}")
    if tokens:
        parts.append(f"{int(tokens):,} tokens")
    parts.append("running" if running else format_duration(ms))
    return [p for p in parts if p]


def _mlflow_stats(doc: dict) -> tuple:
    info = doc.get("info") if isinstance(doc.get("info"), dict) else {}
    data = doc.get("data") if isinstance(doc.get("data"), dict) else {}
    spans = [s for s in (data.get("spans") or []) if isinstance(s, dict)]
    errors = 0
    for s in spans:
        status = s.get("status")
        code = status.get("code") if isinstance(status, dict) else s.get("status_code")
        errors += str(code).upper() in ("STATUS_CODE_ERROR", "ERROR", "2")
    tags = info.get("tags") if isinstance(info.get("tags"), dict) else {}
    name = tags.get("mlflow.traceName")
    if not isinstance(name, str):
        roots = [s for s in spans if not s.get("parent_span_id") and not s.get("parent_id")]
        name = str(roots[0].get("name", "")) if roots else ""
    tokens = None
    meta = info.get("trace_metadata") or info.get("request_metadata")
    if isinstance(meta, dict) and isinstance(meta.get("mlflow.trace.tokenUsage"), str):
        try:
            tokens = json.loads(meta["mlflow.trace.tokenUsage"]).get("total_tokens")
        except (ValueError, AttributeError):
            tokens = None
    ms = None
    roots = [s for s in spans if not s.get("parent_span_id") and not s.get("parent_id")]
    if len(roots) == 1:  # precise (sub-ms) duration from the root span's ns times
        start = number(roots[0].get("start_time_unix_nano", roots[0].get("start_time")))
        end = number(roots[0].get("end_time_unix_nano", roots[0].get("end_time")))
        if start and end and end >= start and start > 1e17:
            ms = (end - start) / 1e6
    if ms is None:
        ms = number(info.get("execution_duration_ms", info.get("execution_time_ms")))
    if ms is None and isinstance(info.get("execution_duration"), str):
        secs = number(info["execution_duration"].rstrip("s"))
        ms = secs * 1000 if secs is not None else None
    running = (info.get("state") or info.get("status")) == "IN_PROGRESS"
    return name, len(spans), errors, tokens, ms, running


def otlp_document_spans(doc: dict) -> list:
    spans = []
    for rs in doc.get("resourceSpans") or []:
        for ss in (rs or {}).get("scopeSpans") or (rs or {}).get("instrumentationLibrarySpans") or []:
            spans.extend(s for s in (ss or {}).get("spans") or [] if isinstance(s, dict))
    return spans


def _otlp_stats(doc: dict) -> tuple:
    spans = otlp_document_spans(doc)
    errors = sum(1 for s in spans
                 if str((s.get("status") or {}).get("code")) in ("2", "STATUS_CODE_ERROR"))
    roots = [s for s in spans if not s.get("parentSpanId")]
    name = str(roots[0].get("name", "")) if roots else ""
    starts = [number(s.get("startTimeUnixNano")) for s in spans]
    ends = [number(s.get("endTimeUnixNano")) for s in spans]
    starts = [x for x in starts if x]
    ends = [x for x in ends if x]
    ms = (max(ends) - min(starts)) / 1e6 if starts and ends else None
    traces = {s.get("traceId") for s in spans}
    return name, len(spans), errors, None, ms, False, len(traces)


def trace_stats(doc: Any) -> tuple:
    if isinstance(doc, dict) and "resourceSpans" in doc:
        return _otlp_stats(doc)
    if isinstance(doc, dict):
        return (*_mlflow_stats(doc), 1)
    raise TypeError("not a trace document")


def summarize(payload: Any) -> str:
    """One-line text/plain summary of a trace payload (our dict, MLflow, OTLP, or a list),
    e.g. ``<nbtrace trace 'agent' · 7 spans · 1 error · 1,234 tokens · 1.23 s>``."""
    try:
        docs = payload if isinstance(payload, list) else [payload]
        stats = [trace_stats(d) for d in docs]
        n_traces = sum(st[6] for st in stats)
        if len(stats) == 1 and n_traces <= 1:
            return "<" + " · ".join(summary_parts(*stats[0][:6])) + ">"
        n_spans = sum(st[1] for st in stats)
        n_errors = sum(st[2] for st in stats)
        parts = summary_parts("", n_spans, n_errors, None, None, False)
        parts[0] = f"nbtrace {n_traces} traces"
        return "<" + " · ".join(parts) + ">"
    except Exception:
        return "<nbtrace trace>"
