"""Mirror spans of an OpenTelemetry *SDK* ``TracerProvider`` into nbtrace.

When the user already runs the SDK (its own exporters, samplers, ...),
``nbtrace.otel.instrument(provider)`` adds a :class:`NbtraceSpanProcessor` with
``provider.add_span_processor(...)``. The SDK calls ``on_start(span,
parent_context)`` when a span starts — nbtrace starts its mirror span then (so
the notebook shows it live) — and ``on_end(readable_span)`` when it ends — the
attributes, events, status, links, name and end time are copied then, and the
mirror ends. Attributes set in between show at the end only.

The interface is the SDK's documented ``SpanProcessor`` one, duck-typed: the
SDK is not a dependency. (Tested against a stand-in that follows the SDK's
``ReadableSpan`` interface, not against the real SDK.)
"""
from __future__ import annotations

import threading
from typing import Any

from .._record.collector import get_collector
from .._record.context import _current_span
from .._record.span import Span
from .._util import report_internal_error
from .otel_map import LINKS_KEY, Derived, apply_attribute, link_dict, start_attributes
from .otel_parents import innermost, nbtrace_span_for_context, open_span, register

_MISSING = object()


def _context_of(span: Any) -> Any:
    get = getattr(span, "get_span_context", None)
    return get() if callable(get) else span.context


def _scope_of(span: Any) -> dict:
    scope = getattr(span, "instrumentation_scope", None) or getattr(span, "instrumentation_info", None)
    name = getattr(scope, "name", None)
    if not name:
        return {}
    version = getattr(scope, "version", None)
    return {"otel.scope.name": str(name), **({"otel.scope.version": str(version)} if version else {})}


class NbtraceSpanProcessor:
    """An OpenTelemetry SDK ``SpanProcessor`` that shows every SDK span in nbtrace.

    ``enabled = False`` (``nbtrace.otel.uninstrument()``) stops mirroring (the SDK
    cannot remove a processor)."""

    #: At most this many SDK spans are mirrored while running (a span that never
    #: ends must not keep memory forever; the oldest is forgotten first).
    max_open_spans = 10_000

    def __init__(self) -> None:
        self.enabled = True
        self._open: dict = {}  # (trace_id, span_id) → (nbtrace span, Derived, start attributes)
        self._lock = threading.Lock()

    def on_start(self, span: Any, parent_context: Any = None) -> None:
        if not self.enabled:
            return
        try:
            self._start(span)
        except Exception as exc:
            report_internal_error("mirroring an OpenTelemetry SDK span", exc)

    def _start(self, span: Any) -> None:
        ctx = _context_of(span)
        parent_ctx = getattr(span, "parent", None)
        otel_parent = open_span(nbtrace_span_for_context(parent_ctx))
        # An SDK span started inside an nbtrace span nests under it too.
        parent = innermost(_current_span.get(), otel_parent)
        if not isinstance(parent, Span):
            parent = None
        derived = Derived()
        raw = dict(getattr(span, "attributes", None) or {})
        attrs = start_attributes(derived, raw, getattr(span, "kind", None), _scope_of(span),
                                 getattr(span, "links", None), parent_ctx if parent is None else None)
        nb = get_collector().start_span(str(span.name), span_type=derived.kind() or "UNKNOWN",
                                        attributes=attrs, parent=parent,
                                        start_time_ns=getattr(span, "start_time", None))
        if not isinstance(nb, Span):  # nbtrace tracing is disabled
            return
        key = (ctx.trace_id, ctx.span_id)
        register(ctx.trace_id, ctx.span_id, nb)
        with self._lock:
            self._open[key] = (nb, derived, raw, len(getattr(span, "links", None) or ()))
            while len(self._open) > self.max_open_spans:
                self._open.pop(next(iter(self._open)))

    def on_end(self, span: Any) -> None:
        try:
            ctx = _context_of(span)
            with self._lock:
                entry = self._open.pop((ctx.trace_id, ctx.span_id), None)
            if entry is not None:
                self._end(span, *entry)
        except Exception as exc:
            report_internal_error("mirroring an OpenTelemetry SDK span", exc)

    @staticmethod
    def _end(span: Any, nb: Span, derived: Derived, seen: dict, n_links: int) -> None:
        if nb.is_ended:  # ended by nbtrace (its root or its cell ended)
            return
        if span.name != nb.name:
            nb._set_name(span.name)
        for key, value in dict(getattr(span, "attributes", None) or {}).items():
            if seen.get(key, _MISSING) != value:
                apply_attribute(nb, derived, key, value)
        for event in getattr(span, "events", None) or ():
            nb.add_event(event.name, dict(event.attributes or {}), event.timestamp)
        links = getattr(span, "links", None) or ()
        if len(links) != n_links:
            nb.set_attribute(LINKS_KEY, [link_dict(link) for link in links])
        status = getattr(span, "status", None)
        code = getattr(getattr(status, "status_code", None), "name", "UNSET")
        if code == "ERROR":
            nb.set_status("ERROR", getattr(status, "description", None) or "")
        elif code == "OK":
            nb.set_status("OK")
        nb.end(getattr(span, "end_time", None))

    def _on_ending(self, span: Any) -> None:
        """SDK >= 1.26 calls this on every processor before ``on_end`` (no-op here)."""

    on_ending = _on_ending  # the spec's name, should the SDK adopt it

    def shutdown(self) -> None:
        """The SDK provider shuts down: forget the spans still running."""
        with self._lock:
            self._open.clear()

    def force_flush(self, timeout_millis: int = 30_000) -> bool:
        """Nothing is buffered."""
        return True


def make_processor() -> NbtraceSpanProcessor:
    """A :class:`NbtraceSpanProcessor`; when the SDK is importable, also an instance of
    its ``SpanProcessor`` base class, so hooks a newer SDK calls on every processor
    exist (the base's no-ops) instead of raising in the user's ``span.end()``."""
    try:
        from opentelemetry.sdk.trace import SpanProcessor as SdkSpanProcessor
    except Exception:  # the SDK is not installed (or broken): the duck-typed processor
        return NbtraceSpanProcessor()
    cls = type("NbtraceSdkSpanProcessor", (NbtraceSpanProcessor, SdkSpanProcessor), {})
    return cls()
