"""Turn a :class:`TraceRecord` into an MLflow-v3-shaped trace dict (and its
one-line summary, computed from the record on the way).

The dict is what ``mlflow.entities.Trace.to_dict()`` produces for MLflow 3
(``info`` v3 + ``data.spans`` in the v3/OTel span shape): span ids are base64
of the 8/16 id bytes, times are integer epoch nanoseconds (``end_time_unix_nano``
is ``None`` while a span runs), span attribute values are JSON-encoded strings,
event attributes are plain JSON values.

Speed: a span's attribute values are stored already JSON-encoded (nothing is
re-encoded here), ids are base64-encoded once per span/trace, and an ended span
never changes, so its dict is built once and reused by every later snapshot of
its trace (``shared=True``, the display path): a live update of a big trace
costs O(spans that changed) plus O(spans) list/summary work, not a rebuild.
In such a read-only snapshot the ended spans without a status message / events
share one status dict per status and one empty event list (fewer objects for the
garbage collector to track), and :func:`trace_snapshot` also hands back the span
records, which the static HTML summary reads instead of the dicts.
:func:`trace_to_dict` (``get_last_trace()``) still returns fresh dicts, sharing nothing.
"""
from __future__ import annotations

import binascii
import datetime
import time
from typing import Any

from .._about import __version__
from .._record.serialize import dumps_jsonable, truncate
from .._record.span import INPUTS_KEY, OUTPUTS_KEY, Span
from .prices import METADATA_KEY as PRICES_KEY, metadata_value as price_overrides
from .summary import summarize, summary_parts

SCHEMA_VERSION = "3"
PREVIEW_MAX_CHARS = 10_000
_STATUS_CODES = {"UNSET": "STATUS_CODE_UNSET", "OK": "STATUS_CODE_OK", "ERROR": "STATUS_CODE_ERROR"}


def _b64(value: int, size: int) -> str:
    return binascii.b2a_base64(value.to_bytes(size, "big"), newline=False).decode("ascii")


def _trace_b64(trace: Any) -> str:
    ids = trace.export_ids
    if ids is None:
        ids = trace.export_ids = _b64(trace.trace_id, 16)
    return ids


def _rfc3339(ns: int) -> str:
    try:
        moment = datetime.datetime.fromtimestamp(ns / 1e9, tz=datetime.timezone.utc)
    except (OverflowError, OSError, ValueError):  # a start time given by hand, out of range
        moment = datetime.datetime.fromtimestamp(0, tz=datetime.timezone.utc)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def _build_span_dict(span: Span, trace_b64: str, parts: tuple | None = None) -> dict:
    """The span's dict. ``parts`` (a read-only snapshot of ended spans): ``(status dicts
    by status, an empty list)`` shared by the spans of the snapshot that have no status
    message / no events — equal values, fewer objects for the garbage collector — and
    the span's attributes dict used as is (an ended span's never changes)."""
    parent = span._parent
    if span._events:
        events = [dict(e, attributes=dict(e["attributes"])) for e in span._events]
    elif span._dropped_events or parts is None:
        events = []
    else:
        events = parts[1]
    if span._dropped_events:  # over max_events_per_span: say how many were not recorded
        when = events[-1]["time_unix_nano"] if events else span._start_ns
        events.append({"name": "nbtrace.dropped_events", "time_unix_nano": when,
                       "attributes": {"count": span._dropped_events}})
    span_b64 = span._b64_id  # (cached on the span: its id is encoded once)
    if span_b64 is None:
        span_b64 = span._b64_id = _b64(span._span_id, 8)
    if parent is not None:
        parent_b64 = parent._b64_id
        if parent_b64 is None:
            parent_b64 = parent._b64_id = _b64(parent._span_id, 8)
    else:
        parent_b64 = None
    if parts is None or span._status_message:
        status = {"code": _STATUS_CODES[span._status], "message": span._status_message}
    else:
        status = parts[0][span._status]
    return {
        "trace_id": trace_b64,
        "span_id": span_b64,
        "trace_state": "",
        "parent_span_id": parent_b64,
        "name": span._name,
        "start_time_unix_nano": span._start_ns,
        "end_time_unix_nano": span._end_ns,
        "attributes": span._attributes if parts is not None else span._attributes.copy(),
        "status": status,
        "events": events,
    }


def span_to_dict(span: Span) -> dict:
    """One span in MLflow v3 dict form (call with the trace lock held); a fresh dict."""
    return _build_span_dict(span, _trace_b64(span._trace))


def _shared_span_dicts(spans: list, trace_b64: str, cache: bool) -> list:
    """:func:`span_to_dict` of each span, built once for an ended span and reused
    (read-only): cached on the span if ``cache``; a running span gets a fresh snapshot."""
    out = []
    append = out.append
    build = _build_span_dict
    parts = None
    for span in spans:
        cached = span._export
        if cached is not None:
            append(cached)
        elif span._end_ns is None:  # running: a fresh snapshot
            append(build(span, trace_b64))
        else:
            if parts is None:  # (what the ended spans built here share)
                parts = ({key: {"code": code, "message": ""} for key, code in _STATUS_CODES.items()}, [])
            built = build(span, trace_b64, parts)
            if cache:
                # Ended: it never changes again (see Span). Another thread may have ended
                # it just now, but we hold the trace lock, so it is complete.
                span._export = built
            append(built)
    return out


def rollup_token_usage(spans: list[Span]) -> dict | None:
    """Trace token totals: count a span's usage only if no ancestor already did."""
    ids = {id(s) for s in spans}
    totals: dict[str, int] = {}
    for span in spans:
        usage = span._token_usage
        if not usage:
            continue
        ancestor, counted_above = span._parent, False
        while ancestor is not None and id(ancestor) in ids:
            if ancestor._token_usage:
                counted_above = True
                break
            ancestor = ancestor._parent
        if counted_above:
            continue
        for key, value in usage.items():
            totals[key] = totals.get(key, 0) + value
    return totals or None


def _preview(encoded: str | None) -> str:
    return truncate(encoded, PREVIEW_MAX_CHARS) if encoded is not None else "null"


def trace_to_dict(trace: Any, shared: bool = False) -> dict:
    """The MLflow-v3-compatible dict of a trace (running or finished).

    ``shared=True`` (the display path) reuses the dicts of ended spans between
    snapshots: treat the result as read-only."""
    return trace_document(trace, shared)[0]


def trace_document(trace: Any, shared: bool) -> tuple:
    """``(trace dict, one-line summary)``; the summary is what :func:`summarize` gives
    for that dict, computed from the record instead of re-reading the dict."""
    return trace_snapshot(trace, shared)[:2]


def trace_snapshot(trace: Any, shared: bool) -> tuple:
    """``(trace dict, one-line summary, span records)``: :func:`trace_document` and the
    spans whose dicts it holds, in the same order (``html_summary`` reads them)."""
    trace_b64 = _trace_b64(trace)
    with trace.lock:
        spans = list(trace.spans)
        if shared:
            # Cache only while the trace runs (later snapshots reuse it); the final
            # snapshot uses the cache and the collector drops it (release_export_cache).
            cache = trace.root is not None and trace.root._end_ns is None
            if cache:
                trace.export_cached = True
            span_dicts = _shared_span_dicts(spans, trace_b64, cache)
        else:
            span_dicts = [_build_span_dict(s, trace_b64) for s in spans]
        errors = dropped_events = 0
        for s in spans:
            if s._status == "ERROR":
                errors += 1
            if s._dropped_events:
                dropped_events += s._dropped_events
        root = trace.root
        usage = rollup_token_usage(spans) if trace.has_usage else None
        root_attrs = dict(root._attributes) if root is not None else {}
        start_ns = root._start_ns if root is not None else 0
        end_ns = root._end_ns if root is not None else None
        root_recorded = root is not None and root._recorded
        state = trace.state
        dropped = trace.dropped_spans
        assessments = list(trace.assessments)
        extra_metadata = dict(trace.metadata) if trace.metadata else None
    metadata = {
        "mlflow.trace_schema.version": SCHEMA_VERSION,
        "mlflow.traceInputs": _preview(root_attrs.get(INPUTS_KEY)),
        "mlflow.traceOutputs": _preview(root_attrs.get(OUTPUTS_KEY)),
        "nbtrace.version": __version__,
    }
    if extra_metadata:  # set when the trace started (its session)
        for key, value in extra_metadata.items():
            metadata.setdefault(key, value)
    if usage:
        metadata["mlflow.trace.tokenUsage"] = dumps_jsonable(usage)
    if dropped:  # over max_spans_per_trace
        metadata["nbtrace.droppedSpans"] = str(dropped)
    if dropped_events:  # over max_events_per_span
        metadata["nbtrace.droppedEvents"] = str(dropped_events)
    prices = price_overrides()
    if prices:  # configure(prices=...): the viewer estimates costs with them
        metadata[PRICES_KEY] = prices
    # While running: the time elapsed when this snapshot was taken, so the
    # renderer can draw running spans up to "now" without trusting its own clock.
    duration_ms = max(0, (end_ns if end_ns is not None else time.time_ns()) - start_ns) // 1_000_000
    name = trace.name
    doc = {
        "info": {
            "trace_id": trace.request_id,
            "trace_location": {"type": "MLFLOW_EXPERIMENT", "mlflow_experiment": {"experiment_id": "0"}},
            "request_time": _rfc3339(start_ns),
            "execution_duration_ms": duration_ms,
            "state": state,
            "trace_metadata": metadata,
            "tags": {"mlflow.traceName": name},
        },
        "data": {"spans": span_dicts},
    }
    if assessments:
        doc["info"]["assessments"] = assessments
    # The summary of this doc, as summarize() would compute it: the root (the
    # one span without a parent, if recorded) gives the precise duration.
    ms = None
    if root_recorded and end_ns is not None:
        start, end = float(start_ns), float(end_ns)
        if start and end and end >= start and start > 1e17:
            ms = (end - start) / 1e6
    if ms is None:
        ms = float(duration_ms)
    tokens = usage.get("total_tokens") if usage else None
    try:
        summary = "<" + " · ".join(summary_parts(
            name, len(span_dicts), errors, tokens, ms, state == "IN_PROGRESS")) + ">"
    except Exception:
        summary = summarize(doc)
    return doc, summary, spans
