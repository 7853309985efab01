"""Trace registry: creates spans, groups them into traces, notifies listeners.

This is the "SDK" half (OpenTelemetry API/SDK split): :class:`Span` objects are
the API, the :class:`TraceCollector` decides what to keep and tells listeners
about span starts, changes and ends and about finished traces. Spans reach it
only as their trace's :class:`SpanSink` (``span_changed`` / ``span_ended``).
The (live) notebook display is one listener (``DisplayListener``).

A listener is any object with some of these methods (all optional)::

    on_span_start(span)     # a span started (its trace is span._trace)
    on_span_change(span)    # a running span got attributes, inputs/outputs, status or events
    on_span_end(span)       # a span ended
    on_trace_end(trace)     # the root span of ``trace`` ended
    on_trace_change(trace)  # the trace got an assessment (it may have ended already)

Nothing stays "running" forever: when a root span ends, every span of its trace
still running is ended with ERROR status and a message saying why (see
:meth:`TraceCollector.finalize_trace`; the display also ends a cell's unfinished
traces when the cell ends).

Listener errors are swallowed and reported once; a ``KeyboardInterrupt`` /
``SystemExit`` from a listener reaches the user, after the other listeners have
heard of the event (and, for a root span's end, after the trace was finished).
Memory is bounded: only the last ``max_finished_traces`` finished traces are kept,
at most ``max_active_traces`` unfinished ones are tracked, and a trace records at
most ``max_spans_per_trace`` spans (later spans still work, they are just
counted: ``nbtrace.dropped_spans`` on the running root span and the trace
metadata ``nbtrace.droppedSpans`` say how many). The process-wide collector
(:func:`get_collector`) follows ``nbtrace.configure()`` (``max_traces``,
``max_spans_per_trace``); a collector you make yourself keeps what you give it.
"""
from __future__ import annotations

import collections
import contextlib
import contextvars
import json
import threading
from typing import Any, Iterator

from .. import _settings
from .._util import report_internal_error
from .context import SESSION_ATTRIBUTE, SESSION_KEY, _current_span, _session
from .non_recording import NonRecordingSpan
from .record import TraceRecord
from .span import INPUTS_KEY, Span

DROPPED_SPANS_KEY = "nbtrace.dropped_spans"  # root span attribute: spans not recorded

_USE_CURRENT = object()

# A list in a context that collects the traces started there as new roots
# (capture_traces); None (the default) costs one lookup per root span.
_captured: contextvars.ContextVar = contextvars.ContextVar("nbtrace_captured_traces", default=None)


@contextlib.contextmanager
def capture_traces() -> Iterator[list]:
    """Collect the traces that start (as new roots) in this block — and in the
    contexts copied from it: tasks, ``wrap_context`` calls — in a list, oldest first
    (``nbtrace.evaluate`` finds each row's trace this way, in any thread)."""
    roots: list = []
    token = _captured.set(roots)
    try:
        yield roots
    finally:
        _captured.reset(token)


class TraceCollector:
    """Thread-safe registry of traces with start/end listener hooks."""

    #: ``None``, or ``fn(current_span) -> parent`` called when a span starts with the
    #: default parent: it may pick another parent than nbtrace's current span
    #: (nbtrace.otel: the OpenTelemetry current span, when it is the innermost).
    parent_hook: Any = None
    #: The session of traces started outside ``nbtrace.session()`` (``mlflow.trace.session``
    #: metadata), or None; the process-wide collector follows ``configure(session=)``.
    default_session: str | None = None

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
        interrupt = None
        for listener in self._listeners:  # copy-on-write list: safe to iterate
            try:
                method = getattr(listener, hook, None)
                if method is None:
                    continue
                method(*args)
            except Exception as exc:
                report_internal_error(f"trace listener {type(listener).__name__}.{hook}", exc)
            except BaseException as exc:  # KeyboardInterrupt, SystemExit: never swallowed,
                if interrupt is None:  # but the other listeners still hear of this event
                    interrupt = exc
        if interrupt is not None:
            raise interrupt

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
        try:
            if parent is None:
                trace = TraceRecord(self)
                session = _session.get()
                if session is None:
                    session = self.default_session
                if session:
                    trace.metadata = {SESSION_KEY: session}
            else:
                trace = parent._trace
            if not span_type:
                span_type, _type_json = "UNKNOWN", None
            span = Span(trace, parent, name, span_type, start_time_ns, _type_json)
        except Exception as exc:  # e.g. a span_type whose __bool__ raises: run untraced
            report_internal_error("starting a span", exc)
            return NonRecordingSpan()
        if attributes is not None:  # not visible yet: no lock, no change notifications
            span._init_attributes(attributes)  # (never raises: bad attributes are reported)
        if _encoded:
            span._attributes.update(_encoded)
        if _inputs is not None:
            span._attributes[INPUTS_KEY] = _inputs
        if parent is None and trace.metadata:  # the session on the root too: OTLP exports carry it
            span._attributes.setdefault(SESSION_ATTRIBUTE, json.dumps(trace.metadata[SESSION_KEY]))
        with trace.lock:
            if parent is None:
                trace.root = span
            if parent is None or len(trace.spans) < self.max_spans_per_trace:
                trace.spans.append(span)  # (a root is always recorded: it is the trace)
            else:
                span._recorded = False
                trace.dropped_spans += 1
                root = trace.root
                if root is not None and root._end_ns is None:  # say so on the root, too
                    root._attributes[DROPPED_SPANS_KEY] = str(trace.dropped_spans)
        if parent is None:
            captured = _captured.get()
            if captured is not None:
                captured.append(trace)
            with self._lock:
                self._active[trace.trace_id] = trace
                while len(self._active) > self.max_active_traces:
                    self._active.popitem(last=False)
        if span._recorded:
            self._notify("on_span_start", span)
        return span

    # ------------------------------------------------------------ SpanSink
    def span_changed(self, span: Span) -> None:
        """A running span changed: tell the listeners (recorded spans only)."""
        if span._recorded:
            self._notify("on_span_change", span)

    def trace_changed(self, trace: TraceRecord) -> None:
        """The trace got an assessment: tell the listeners (``on_trace_change``)."""
        self._notify("on_trace_change", trace)

    def span_ended(self, span: Span) -> None:
        """A span ended: tell the listeners; a root's end finishes its trace."""
        if not span._recorded:
            return
        try:
            self._notify("on_span_end", span)
        finally:  # (an interrupt from a listener: the trace still finishes first)
            if span is span._trace.root:
                self._finish_trace(span)

    def _finish_trace(self, span: Span) -> None:
        """The root ``span`` ended: end the spans still running, keep the trace, tell
        the listeners. Each step happens even if an earlier one was interrupted."""
        trace = span._trace
        try:
            try:
                if span.status == "ERROR":
                    why = f"ended when the root span failed: {span._status_message}".rstrip(": ")
                else:
                    why = "still running when the root span ended"
                self._end_running(trace, why, end_time_ns=span._end_ns)
            except Exception as exc:
                report_internal_error("ending the spans still running at the root's end", exc)
        finally:
            with self._lock:
                self._active.pop(trace.trace_id, None)
                self._finished.append(trace)
            try:
                self._notify("on_trace_end", trace)
            finally:
                try:  # the final state is published: the live display's cache can go
                    trace.release_export_cache()
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
            trace.collector.span_ended(span)
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


_collector = TraceCollector()


def get_collector() -> TraceCollector:
    """The process-wide collector used by ``nbtrace.trace`` / ``nbtrace.start_span``."""
    return _collector


def _follow_settings(settings: _settings.Settings) -> None:
    _collector.max_finished_traces = settings.max_traces
    _collector.max_spans_per_trace = settings.max_spans_per_trace
    _collector.default_session = settings.session


_settings.subscribe(_follow_settings)
