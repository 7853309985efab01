"""One trace as recorded: :class:`TraceRecord`, and :class:`SpanSink`, what its
spans report to.

A span knows an interface, not a registry (OpenTelemetry's ``Span`` →
``SpanProcessor``): it tells its trace's sink that it changed or ended, and the
sink (the :class:`~nbtrace.TraceCollector`) decides what happens next. The
record also holds a few slots that layers above fill for speed (the live
display's per-trace state, the document layer's id and span caches); they are
declared here so a record stays a fixed set of slots.
"""
from __future__ import annotations

import threading
from typing import Any, Protocol

from .ids import new_trace_id


class SpanSink(Protocol):
    """What a span reports to. Both methods are called on the thread that changed
    or ended the span, outside the trace's lock, for recorded spans and not-recorded
    ones alike (the sink tells them apart); they must not raise."""

    def span_changed(self, span: Any) -> None:
        """A running span got attributes, inputs/outputs, a status, a name or events."""

    def span_ended(self, span: Any) -> None:
        """A span ended (by hand, by its ``with`` block, or forced by its trace)."""

    def trace_changed(self, trace: Any) -> None:
        """Something about the whole trace changed (an assessment was added)."""


class TraceRecord:
    """All spans of one trace (root first, then in start order) and its state."""

    __slots__ = ("trace_id", "request_id", "request_id_json", "display_id", "lock", "spans",
                 "root", "dropped_spans", "collector", "live", "has_usage",
                 "export_ids", "export_cached", "assessments", "metadata", "__weakref__")

    def __init__(self, collector: SpanSink) -> None:
        self.trace_id = new_trace_id()
        self.request_id = f"tr-{self.trace_id:032x}"
        self.request_id_json = f'"{self.request_id}"'  # the span attribute value (JSON)
        # Stable per trace, so a live display can update_display() the same output.
        self.display_id = f"nbtrace-{self.trace_id:032x}"
        self.lock = threading.RLock()
        self.spans: list = []  # Span objects
        self.root: Any = None  # the root Span, once started
        self.dropped_spans = 0
        self.collector = collector  # the collector that owns this trace; spans see only a SpanSink
        self.live: Any = None  # the live display's per-trace state (DisplayListener)
        self.has_usage = False  # some span recorded token usage (the document layer rolls it up)
        self.export_ids: Any = None  # the base64 trace id (document layer)
        self.export_cached = False  # some span caches its exported dict (document layer)
        self.assessments: list = []  # MLflow-shaped assessment dicts (feedback_assessment)
        self.metadata: dict | None = None  # trace metadata set at its start (the session), str → str

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

    def snapshot(self) -> list:
        with self.lock:
            return list(self.spans)

    def release_export_cache(self) -> None:
        """Forget the exported dicts the document layer cached on this trace's spans
        (called once the final state is published: memory)."""
        if self.export_cached:
            self.export_cached = False
            for span in self.snapshot():
                span._export = None

    def __repr__(self) -> str:
        return (f"<nbtrace.TraceRecord {self.name!r} {self.request_id} "
                f"{len(self.spans)} spans {self.state}>")
