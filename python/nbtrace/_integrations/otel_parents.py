"""Which nbtrace span an OpenTelemetry span nests under (used by ``nbtrace.otel``).

Two "current span" notions live side by side: OpenTelemetry's context and
nbtrace's contextvar (``get_current_span``). A new span — started through either
API — nests under the *innermost* of the two current spans: the descendant if
one contains the other, else the one started last. OTel spans map to nbtrace
spans through the bridge span itself (``_nbtrace_span``) or, for SDK spans
mirrored by the SDK span processor and for ``NonRecordingSpan`` copies of a
context (W3C extract), through a weak registry keyed by the OTel ids.
"""
from __future__ import annotations

import weakref
from typing import Any

from opentelemetry import trace as trace_api

from .._record.span import Span

_MAX_DEPTH = 10_000

# OTel (trace_id, span_id) → the nbtrace span shown for it (bridge and SDK spans).
_registry: weakref.WeakValueDictionary = weakref.WeakValueDictionary()


def register(trace_id: int, span_id: int, span: Span) -> None:
    _registry[(trace_id, span_id)] = span


def nbtrace_span_for_context(ctx: Any) -> Span | None:
    """The nbtrace span shown for an OTel ``SpanContext`` (``None`` if unknown)."""
    if ctx is None or not getattr(ctx, "is_valid", False):
        return None
    return _registry.get((ctx.trace_id, ctx.span_id))


def nbtrace_span_of(otel_span: Any) -> Span | None:
    """The nbtrace span behind an OTel span (ours, an SDK span we mirror, or a
    ``NonRecordingSpan`` carrying one of their contexts); ``None`` otherwise."""
    nb = getattr(otel_span, "_nbtrace_span", None)
    if nb is not None:
        return nb
    try:
        return nbtrace_span_for_context(otel_span.get_span_context())
    except Exception:
        return None


def open_span(span: Span | None) -> Span | None:
    """``span`` if new spans may still join its trace (the trace has not finished)."""
    if span is None or span._trace.is_finished:
        return None
    return span


def _descends(span: Span, ancestor: Span) -> bool:
    node, depth = span._parent, 0
    while node is not None and depth < _MAX_DEPTH:
        if node is ancestor:
            return True
        node, depth = node._parent, depth + 1
    return False


def innermost(a: Any, b: Span | None) -> Any:
    """The innermost of two candidate parents: the descendant if one contains the
    other, else (unrelated) the one started last."""
    if b is None or a is b:
        return a
    if not isinstance(a, Span):  # None (or nbtrace's non-recording span)
        return b
    if _descends(a, b):
        return a
    if _descends(b, a):
        return b
    return a if a._start_ns >= b._start_ns else b


def parent_hook(current: Any) -> Any:
    """``TraceCollector.parent_hook``: an nbtrace span started while an OTel span is
    current (``use_span``, ``context.attach`` in a thread, ...) nests under it."""
    otel_parent = open_span(nbtrace_span_of(trace_api.get_current_span()))
    return innermost(current, otel_parent) if otel_parent is not None else current


