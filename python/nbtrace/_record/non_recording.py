"""What ``start_span`` hands out while tracing is off: :class:`NonRecordingSpan`
(OpenTelemetry's ``NonRecordingSpan``): every :class:`Span` method, doing nothing."""
from __future__ import annotations

from typing import Any

from .span import Span


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
