"""Explicit-id tracing API in the style of MLflow's ``MlflowClient``.

The fluent API (``@nbtrace.trace``, ``nbtrace.start_span``) finds the parent in
the current context. Callback-driven integrations (LangChain handlers, event
hooks of agent frameworks, work spread over threads or processes you pass ids
to) know the parent only by id; :class:`Client` is for them::

    client = nbtrace.Client()
    root = client.start_trace("agent", span_type="AGENT", inputs={"q": q})
    step = client.start_span("search", root.trace_id, root.span_id, span_type="TOOL")
    client.end_span(step.trace_id, step.span_id, outputs=hits)
    client.end_trace(root.trace_id, outputs=answer)
    doc = client.get_trace(root.trace_id)        # the MLflow-v3 dict

Ids are the strings the spans expose: ``Span.trace_id`` (``"tr-"`` + 32 hex) and
``Span.span_id`` (16 hex). Spans the client starts are *not* made current (as in
MLflow), so they never become the parent of unrelated spans; fluent spans can
still be passed as parents by id, and client spans as ``parent=`` to
``nbtrace.start_span``. Wrong ids are the caller's error and raise
:class:`UnknownIdError` (a ``KeyError`` and a ``ValueError``) or ``ValueError``,
naming the id. The live display shows client traces like any other (it listens
to the collector). While tracing is off (``nbtrace.disable()``) the client hands
out non-recording spans and calls with their ids do nothing.

The id registry is shared by all clients of a collector, thread-safe, and
bounded: it forgets a trace when its root ends (``end_trace``, or the cell's
end) and holds at most ``MAX_TRACES`` running ones (the oldest are let go, like
the collector's ``max_active_traces``; their ids keep working only while
something else still references their spans).
"""
from __future__ import annotations

import collections
import re
import threading
import weakref
from typing import Any

from ._documents.mlflow import trace_to_dict
from ._record.collector import TraceCollector, get_collector
from ._record.record import TraceRecord
from ._record.serialize import dumps
from ._record.span import Span

__all__ = ["Client", "UnknownIdError"]

MAX_TRACES = 1_000
_TRACE_ID = re.compile(r"tr-[0-9a-f]{32}\Z")
_SPAN_ID = re.compile(r"[0-9a-f]{16}\Z")
# The ids of the spans start_span hands out while tracing is off (nbtrace.disable()):
# calls with them do nothing (start_span starts a new trace, or another such span).
NON_RECORDING_TRACE_ID = ""
NON_RECORDING_SPAN_ID = "0" * 16
_STATUSES = {"OK": "OK", "STATUS_CODE_OK": "OK", "ERROR": "ERROR", "STATUS_CODE_ERROR": "ERROR",
             "UNSET": "UNSET", "STATUS_CODE_UNSET": "UNSET"}


class UnknownIdError(KeyError, ValueError):
    """A trace or span id that the client does not know (never started, already
    ended and forgotten, or of another trace). Catch it as ``KeyError`` or ``ValueError``."""

    def __str__(self) -> str:  # KeyError would show the message quoted
        return str(self.args[0]) if self.args else ""


def _check_trace_id(trace_id: Any) -> str:
    if type(trace_id) is not str or not _TRACE_ID.match(trace_id):
        raise ValueError(f"nbtrace.Client: {trace_id!r} is not a trace id (expected the "
                         "Span.trace_id string: 'tr-' followed by 32 lowercase hex digits)")
    return trace_id


def _check_span_id(span_id: Any) -> str:
    if type(span_id) is not str or not _SPAN_ID.match(span_id):
        raise ValueError(f"nbtrace.Client: {span_id!r} is not a span id (expected the "
                         "Span.span_id string: 16 lowercase hex digits)")
    return span_id


def _check_time(value: Any, what: str) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError(f"nbtrace.Client: {what} must be an int of epoch nanoseconds, "
                         f"got {value!r}")
    return int(value)


def _check_status(status: Any) -> str:
    name = getattr(status, "name", status)  # enums (e.g. OTel StatusCode) give their name
    code = _STATUSES.get(name.upper()) if isinstance(name, str) else None
    if code is None:
        raise ValueError(f"nbtrace.Client: unknown status {status!r} (use 'OK', 'ERROR' or 'UNSET')")
    return code


def _check_attributes(attributes: Any) -> dict | None:
    if attributes is None:
        return None
    try:
        return dict(attributes)
    except (TypeError, ValueError):
        raise TypeError(f"nbtrace.Client: attributes must be a dict, got {type(attributes).__name__}") \
            from None


class _Entry:
    """A running trace the registry knows: its record and its spans by id."""

    __slots__ = ("trace", "spans", "indexed")

    def __init__(self, trace: TraceRecord) -> None:
        self.trace = trace
        self.spans: dict[str, Span] = {}
        self.indexed = 0  # how many of trace.spans were indexed into ``spans``


class _Registry:
    """Running traces by id (strong refs, bounded) + finished ones (weak refs)."""

    def __init__(self, collector: TraceCollector) -> None:
        self.collector = collector
        self.lock = threading.Lock()
        self.entries: collections.OrderedDict[str, _Entry] = collections.OrderedDict()
        # Every trace seen, weakly: get_trace() and "already ended" messages.
        self.seen: weakref.WeakValueDictionary = weakref.WeakValueDictionary()
        self.prune_at = 64

    def add_trace(self, span: Span) -> _Entry:
        entry = _Entry(span._trace)
        entry.spans[span.span_id] = span
        with self.lock:
            self.entries[span.trace_id] = entry
            self.seen[span.trace_id] = span._trace
            if len(self.entries) > self.prune_at:
                self._prune()
        return entry

    def _prune(self) -> None:
        """Forget finished traces and the oldest beyond MAX_TRACES (lock held). Amortized O(1)."""
        for key in [k for k, e in self.entries.items() if e.trace.is_finished]:
            del self.entries[key]
        while len(self.entries) > MAX_TRACES:
            self.entries.popitem(last=False)
        self.prune_at = max(64, 2 * len(self.entries))

    def forget(self, trace_id: str) -> None:
        with self.lock:
            self.entries.pop(trace_id, None)

    def find_record(self, trace_id: str) -> TraceRecord | None:
        """Any trace with this id: known to the registry, or to the collector."""
        with self.lock:
            entry = self.entries.get(trace_id)
            if entry is not None:
                return entry.trace
            trace = self.seen.get(trace_id)
        if trace is not None:
            return trace
        for trace in self.collector.active_traces() + self.collector.finished_traces():
            if trace.request_id == trace_id:
                return trace
        return None

    def running(self, trace_id: str) -> _Entry:
        """The entry of a running trace, or an error saying why there is none."""
        with self.lock:
            entry = self.entries.get(trace_id)
        if entry is None:
            trace = self.find_record(trace_id)
            if trace is None:
                raise UnknownIdError(f"nbtrace.Client: unknown trace id {trace_id!r} (never "
                                     "started here, or forgotten: its root ended long ago)")
            entry = _Entry(trace)
            if not trace.is_finished:  # e.g. a trace the fluent API started
                with self.lock:
                    entry = self.entries.setdefault(trace_id, entry)
                    self.seen[trace_id] = trace
        if entry.trace.is_finished:
            self.forget(trace_id)
            raise ValueError(f"nbtrace.Client: trace {trace_id!r} has already ended "
                             "(its root span ended)")
        return entry

    def span(self, entry: _Entry, trace_id: str, span_id: str) -> Span:
        span = entry.spans.get(span_id)
        if span is None:  # started by the fluent API, or under a fluent span: index them
            trace = entry.trace
            with trace.lock:
                new = trace.spans[entry.indexed:]
            with self.lock:
                for s in new:
                    entry.spans.setdefault(s.span_id, s)
                entry.indexed += len(new)
                span = entry.spans.get(span_id)
        if span is None:
            raise UnknownIdError(f"nbtrace.Client: unknown span id {span_id!r} in trace {trace_id!r}")
        return span

    def add_span(self, entry: _Entry, span: Span) -> None:
        with self.lock:
            entry.spans[span.span_id] = span

    def drop_span(self, entry: _Entry, span: Span) -> None:
        """An ended span the trace did not record (span limit): nothing else holds it."""
        if not span._recorded:
            with self.lock:
                entry.spans.pop(span.span_id, None)


_registries: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_registries_lock = threading.Lock()


def _registry_for(collector: TraceCollector) -> _Registry:
    with _registries_lock:
        registry = _registries.get(collector)
        if registry is None:
            registry = _registries[collector] = _Registry(collector)
        return registry


class Client:
    """Start and end spans by explicit ids (MLflow ``MlflowClient`` style); thread-safe.

    ``collector``: the trace collector to use (default: ``nbtrace.get_collector()``,
    the one the fluent API and the notebook display use). Clients are cheap and
    share one id registry per collector.
    """

    def __init__(self, collector: TraceCollector | None = None) -> None:
        self._collector = collector if collector is not None else get_collector()
        self._registry = _registry_for(self._collector)

    # ---------------------------------------------------------------- start
    def start_trace(self, name: str, span_type: str = "UNKNOWN", inputs: Any = None,
                    attributes: dict | None = None, start_time_ns: int | None = None) -> Span:
        """Start a new trace; returns its root span (not made current)."""
        span = self._start(name, None, span_type, inputs, attributes, start_time_ns)
        if isinstance(span, Span):  # (not while tracing is off)
            self._registry.add_trace(span)
        return span

    def start_span(self, name: str, trace_id: str, parent_id: str, span_type: str = "UNKNOWN",
                   inputs: Any = None, attributes: dict | None = None,
                   start_time_ns: int | None = None) -> Span:
        """Start a span under the span ``parent_id`` of the running trace ``trace_id``
        (any span of it: started by this client or by the fluent API). Not made current."""
        if parent_id is None:
            raise ValueError("nbtrace.Client.start_span: parent_id is required "
                             "(use start_trace() to start a new trace)")
        if trace_id == NON_RECORDING_TRACE_ID or parent_id == NON_RECORDING_SPAN_ID:
            # under a span started while tracing was off: like the fluent API, a new trace
            # if tracing is on again, else another non-recording span
            return self.start_trace(name, span_type, inputs, attributes, start_time_ns)
        _check_trace_id(trace_id)
        _check_span_id(parent_id)
        entry = self._registry.running(trace_id)
        parent = self._registry.span(entry, trace_id, parent_id)
        span = self._start(name, parent, span_type, inputs, attributes, start_time_ns)
        if isinstance(span, Span):
            self._registry.add_span(entry, span)
        return span

    def _start(self, name: str, parent: Span | None, span_type: str, inputs: Any,
               attributes: Any, start_time_ns: Any) -> Span:
        start = _check_time(start_time_ns, "start_time_ns")
        attrs = _check_attributes(attributes)
        encoded_inputs = dumps(inputs) if inputs is not None else None
        # Inputs go in before the span is visible: listeners see a complete start.
        return self._collector.start_span(name, span_type=span_type or "UNKNOWN", attributes=attrs,
                                          parent=parent, start_time_ns=start,
                                          _inputs=encoded_inputs)

    # ---------------------------------------------------------------- end
    def end_span(self, trace_id: str, span_id: str, outputs: Any = None,
                 attributes: dict | None = None, status: Any = "OK",
                 end_time_ns: int | None = None, status_message: str = "") -> None:
        """End a running span, first recording ``attributes``, ``outputs`` (if not
        ``None``) and ``status`` (``"OK"``, ``"ERROR"``, ``"UNSET"``; ``status_message``
        says why; an ERROR the span already has, e.g. from ``record_exception``, is
        kept over the default ``"OK"``). Ending the root ends the trace (see
        :meth:`end_trace`). Ids of a span started while tracing was off: nothing to do."""
        if trace_id == NON_RECORDING_TRACE_ID or span_id == NON_RECORDING_SPAN_ID:
            return
        _check_trace_id(trace_id)
        _check_span_id(span_id)
        entry = self._registry.running(trace_id)
        span = self._registry.span(entry, trace_id, span_id)
        self._finish(entry, span, outputs, attributes, status, end_time_ns, status_message)

    def end_trace(self, trace_id: str, outputs: Any = None, attributes: dict | None = None,
                  status: Any = "OK", end_time_ns: int | None = None,
                  status_message: str = "") -> None:
        """End the trace's root span (as :meth:`end_span`). Spans still running are
        then ended with ERROR status saying so, as for any trace whose root ends."""
        if trace_id == NON_RECORDING_TRACE_ID:  # started while tracing was off
            return
        _check_trace_id(trace_id)
        entry = self._registry.running(trace_id)
        root = entry.trace.root
        if root is None:  # pragma: no cover - a registered trace always has its root
            raise UnknownIdError(f"nbtrace.Client: trace {trace_id!r} has no root span")
        self._finish(entry, root, outputs, attributes, status, end_time_ns, status_message)

    def _finish(self, entry: _Entry, span: Span, outputs: Any, attributes: Any, status: Any,
                end_time_ns: Any, status_message: str) -> None:
        code = _check_status(status)
        end = _check_time(end_time_ns, "end_time_ns")
        attrs = _check_attributes(attributes)
        if span.is_ended:
            raise ValueError(f"nbtrace.Client: span {span.span_id!r} of trace {span.trace_id!r} "
                             "has already ended")
        if attrs:
            span.set_attributes(attrs)
        if outputs is not None:
            span.set_outputs(outputs)
        if code == "OK" and span.status == "ERROR" and not status_message:
            pass  # keep an error already recorded (record_exception) over the default "OK"
        elif code != "UNSET" or status_message:
            span.set_status(code, str(status_message or ""))
        span.end(end)
        if span is entry.trace.root:
            self._registry.forget(span.trace_id)
        else:
            self._registry.drop_span(entry, span)

    # ---------------------------------------------------------------- query
    def get_trace(self, trace_id: str) -> dict:
        """The trace (running or finished) as an MLflow-v3-shaped dict (a fresh copy).
        Finished traces are found while the collector keeps them (``max_traces``) or
        something still references them."""
        _check_trace_id(trace_id)
        trace = self._registry.find_record(trace_id)
        if trace is None:
            raise UnknownIdError(f"nbtrace.Client: unknown trace id {trace_id!r}")
        return trace_to_dict(trace)
