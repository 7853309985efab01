"""Trace registry: creates spans, groups them into traces, notifies listeners.

This is the "SDK" half (OpenTelemetry API/SDK split): :class:`Span` objects are
the API, the :class:`TraceCollector` decides what to keep and tells listeners
about span starts, changes and ends and about finished traces. The (live)
display is one listener (:mod:`nbtrace._live`).

A listener is any object with some of these methods (all optional)::

    on_span_start(span)     # a span started (its trace is span._trace)
    on_span_change(span)    # a running span got attributes, inputs/outputs, status or events
    on_span_end(span)       # a span ended
    on_trace_end(trace)     # the root span of ``trace`` ended

Nothing stays "running" forever: when a root span ends, every span of its trace
still running is ended with ERROR status and a message saying why (see
:meth:`TraceCollector.finalize_trace`; the display also ends a cell's unfinished
traces when the cell ends).

Listener errors are swallowed and reported once. Memory is bounded: only the
last ``max_finished_traces`` finished traces are kept, at most
``max_active_traces`` unfinished ones are tracked, and a trace records at most
``max_spans_per_trace`` spans (later spans still work, they are just counted
as dropped).
"""
from __future__ import annotations

import collections
import threading
from typing import Any

from ._context import _current_span
from ._export import release_cache
from ._span import INPUTS_KEY, Span, new_trace_id
from ._util import report_internal_error

_USE_CURRENT = object()


class TraceRecord:
    """All spans of one trace (root first, then in start order) and its state."""

    __slots__ = ("trace_id", "request_id", "request_id_json", "display_id", "lock", "spans",
                 "root", "dropped_spans", "collector", "display_handle", "live", "has_usage",
                 "export_ids", "export_cached", "__weakref__")

    def __init__(self, collector: TraceCollector) -> None:
        self.trace_id = new_trace_id()
        self.request_id = f"tr-{self.trace_id:032x}"
        self.request_id_json = f'"{self.request_id}"'  # the span attribute value (JSON)
        # Stable per trace, so a live display can update_display() the same output.
        self.display_id = f"nbtrace-{self.trace_id:032x}"
        self.lock = threading.RLock()
        self.spans: list[Span] = []
        self.root: Span | None = None
        self.dropped_spans = 0
        self.collector = collector
        self.display_handle: Any = None
        self.live: Any = None  # the live display's per-trace state (nbtrace._live)
        self.has_usage = False  # some span recorded token usage (see nbtrace._export)
        self.export_ids: Any = None  # the base64 trace id (nbtrace._export)
        self.export_cached = False  # some span caches its exported dict (nbtrace._export)

    @property
    def name(self) -> str:
        return self.root.name if self.root is not None else ""

    @property
    def is_finished(self) -> bool:
        return self.root is not None and self.root.is_ended

    @property
    def state(self) -> str:
        """MLflow trace state: IN_PROGRESS until the root ends, then the root's OK/ERROR."""
        if not self.is_finished:
            return "IN_PROGRESS"
        return "ERROR" if self.root.status == "ERROR" else "OK"

    def snapshot(self) -> list[Span]:
        with self.lock:
            return list(self.spans)

    def __repr__(self) -> str:
        return (f"<nbtrace.TraceRecord {self.name!r} {self.request_id} "
                f"{len(self.spans)} spans {self.state}>")


class TraceCollector:
    """Thread-safe registry of traces with start/end listener hooks."""

    #: ``None``, or ``fn(current_span) -> parent`` called when a span starts with the
    #: default parent: it may pick another parent than nbtrace's current span
    #: (nbtrace.otel: the OpenTelemetry current span, when it is the innermost).
    parent_hook: Any = None

    def __init__(self, max_finished_traces: int = 10, max_active_traces: int = 1_000,
                 max_spans_per_trace: int = 10_000) -> None:
        self._lock = threading.RLock()
        self._finished: collections.deque = collections.deque(maxlen=max(1, max_finished_traces))
        self._active: collections.OrderedDict = collections.OrderedDict()
        self.max_active_traces = max_active_traces
        self.max_spans_per_trace = max_spans_per_trace
        self._listeners: list = []
        # False (nbtrace.disable()): start_span hands out NonRecordingSpans and
        # @trace runs functions untraced; nothing is recorded or displayed.
        self.enabled = True

    # ------------------------------------------------------------ listeners
    def add_listener(self, listener: Any) -> None:
        with self._lock:
            if listener not in self._listeners:
                self._listeners = [*self._listeners, listener]

    def remove_listener(self, listener: Any) -> None:
        with self._lock:
            self._listeners = [x for x in self._listeners if x is not listener]

    @property
    def listeners(self) -> list:
        return list(self._listeners)

    def _notify(self, hook: str, *args: Any) -> None:
        for listener in self._listeners:  # copy-on-write list: safe to iterate
            method = getattr(listener, hook, None)
            if method is None:
                continue
            try:
                method(*args)
            except Exception as exc:
                report_internal_error(f"trace listener {type(listener).__name__}.{hook}", exc)

    # ------------------------------------------------------------ spans
    def start_span(self, name: str, span_type: str = "UNKNOWN", attributes: dict | None = None,
                   parent: Any = _USE_CURRENT, start_time_ns: int | None = None,
                   _encoded: dict | None = None, _inputs: str | None = None,
                   _type_json: str | None = None) -> Span:
        """Create and start a span. The parent defaults to the current span; with no
        parent the span is the root of a new trace. The span is not made current.

        (Internal, for ``@trace``: ``_encoded`` holds attributes already JSON-encoded,
        added after ``attributes``, then ``_inputs`` the JSON of the inputs;
        ``_type_json`` is the JSON of ``span_type``. All are set before the span is
        visible, so listeners see a complete span start.)

        While tracing is off (``enabled`` False) this returns a
        :class:`NonRecordingSpan` and records nothing."""
        if not self.enabled:
            return NonRecordingSpan(name, span_type)
        if parent is _USE_CURRENT:
            parent = _current_span.get()
            if self.parent_hook is not None:
                try:
                    parent = self.parent_hook(parent)
                except Exception as exc:
                    report_internal_error("choosing the parent span", exc)
        if isinstance(parent, NonRecordingSpan):  # started while tracing was off
            parent = None
        if parent is not None and not isinstance(parent, Span):
            report_internal_error("start_span(parent=...) (not a Span; starting a new trace)")
            parent = None
        if parent is None:
            trace = TraceRecord(self)
        else:
            trace = parent._trace
        if not span_type:
            span_type, _type_json = "UNKNOWN", None
        span = Span(trace, parent, name, span_type, start_time_ns, _type_json)
        if attributes:  # not visible yet: no lock, no change notifications
            span._init_attributes(attributes)
        if _encoded:
            span._attributes.update(_encoded)
        if _inputs is not None:
            span._attributes[INPUTS_KEY] = _inputs
        with trace.lock:
            if parent is None:
                trace.root = span
            if len(trace.spans) < self.max_spans_per_trace:
                trace.spans.append(span)
            else:
                span._recorded = False
                trace.dropped_spans += 1
        if parent is None:
            with self._lock:
                self._active[trace.trace_id] = trace
                while len(self._active) > self.max_active_traces:
                    self._active.popitem(last=False)
        if span._recorded:
            self._notify("on_span_start", span)
        return span

    def _on_span_change(self, span: Span) -> None:
        if span._recorded:
            self._notify("on_span_change", span)

    def _on_span_end(self, span: Span) -> None:
        if not span._recorded:
            return
        self._notify("on_span_end", span)
        trace = span._trace
        if span is trace.root:
            try:
                if span.status == "ERROR":
                    why = f"ended when the root span failed: {span._status_message}".rstrip(": ")
                else:
                    why = "still running when the root span ended"
                self._end_running(trace, why, end_time_ns=span._end_ns)
            except Exception as exc:
                report_internal_error("ending the spans still running at the root's end", exc)
            with self._lock:
                self._active.pop(trace.trace_id, None)
                self._finished.append(trace)
            self._notify("on_trace_end", trace)
            try:  # the final state is published: the live display's cache can go
                release_cache(trace)
            except Exception as exc:
                report_internal_error("releasing a finished trace's export cache", exc)

    @staticmethod
    def _end_running(trace: TraceRecord, message: str, end_time_ns: int | None = None,
                     include_root: bool = False) -> int:
        """End every running span of ``trace`` (the root too if ``include_root``) with
        ERROR ``message``. All are marked ended under one lock before listeners hear
        of it (latest-started first, the root last), so a live display publishes
        only the final state."""
        ended = []
        with trace.lock:
            for span in reversed(trace.spans):  # the root is spans[0]: last
                if span._end_ns is None and (include_root or span is not trace.root):
                    if span._mark_force_ended(message, end_time_ns):
                        ended.append(span)
        for span in ended:
            trace.collector._on_span_end(span)
        return len(ended)

    def finalize_trace(self, trace: TraceRecord, message: str) -> bool:
        """End every span of ``trace`` that is still running, the root included, with
        ERROR status and ``message``, so the trace finishes and its final state is
        published. Returns ``False`` if the trace had already finished."""
        if trace.is_finished or trace.root is None:
            return False
        return self._end_running(trace, message, include_root=True) > 0

    # ------------------------------------------------------------ queries
    def last_finished_trace(self) -> TraceRecord | None:
        with self._lock:
            return self._finished[-1] if self._finished else None

    def finished_traces(self) -> list[TraceRecord]:
        with self._lock:
            return list(self._finished)

    def active_traces(self) -> list[TraceRecord]:
        with self._lock:
            return list(self._active.values())

    @property
    def max_finished_traces(self) -> int:
        return self._finished.maxlen or 0

    @max_finished_traces.setter
    def max_finished_traces(self, value: int) -> None:
        with self._lock:
            self._finished = collections.deque(self._finished, maxlen=max(1, int(value)))

    def clear(self) -> None:
        """Forget all finished and active traces (listeners stay)."""
        with self._lock:
            self._finished.clear()
            self._active.clear()


class NonRecordingSpan:
    """What ``start_span`` returns while tracing is off (``nbtrace.disable()``).

    It accepts every :class:`Span` method and does nothing (no lock, no listener,
    no serialization); as a context manager it is not made current and never
    swallows exceptions. Its children, if tracing is enabled meanwhile, start a
    new trace."""

    __slots__ = ("name", "span_type")

    is_recording = False
    span_id = "0" * 16
    trace_id = ""
    parent_id = None
    parent = None
    start_time_ns = 0
    end_time_ns = None
    status = "UNSET"
    is_ended = False
    token_usage = None

    def __init__(self, name: str = "", span_type: str = "UNKNOWN") -> None:
        self.name = name
        self.span_type = span_type

    def __enter__(self) -> NonRecordingSpan:
        return self

    def __exit__(self, exc_type: Any, exc: Any, tb: Any) -> bool:
        return False

    @staticmethod
    def _noop(*args: Any, **kwargs: Any) -> None:
        return None

    def __getattr__(self, name: str) -> Any:
        # Any other public Span method (set_inputs, set_outputs, set_attribute(s),
        # set_token_usage, add_event, set_status, record_exception, end, ...).
        if not name.startswith("_") and callable(getattr(Span, name, None)):
            return NonRecordingSpan._noop
        raise AttributeError(f"'NonRecordingSpan' object has no attribute {name!r}")

    def __repr__(self) -> str:
        return f"<nbtrace.NonRecordingSpan {self.name!r} (tracing is disabled)>"


_collector = TraceCollector()


def get_collector() -> TraceCollector:
    """The process-wide collector used by ``nbtrace.trace`` / ``nbtrace.start_span``."""
    return _collector
