"""The recording limits: how much of a value, how many spans per trace and how
many events per span are recorded. They are part of the one settings object
(``nbtrace.configure()``); this module applies them to the hot path's caches (the
serializer's budget, the span's event cap) whenever the settings change, and
offers :func:`configure_limits`, the limits-only way to change them."""
from __future__ import annotations

from .. import _settings
from . import serialize, span


def limits_of(settings: _settings.Settings) -> dict:
    """The three limits of ``settings`` as a dict."""
    return {"max_value_chars": settings.max_value_chars,
            "max_spans_per_trace": settings.max_spans_per_trace,
            "max_events_per_span": settings.max_events_per_span}


def configure_limits(max_value_chars: int | None = None, max_spans_per_trace: int | None = None,
                     max_events_per_span: int | None = None) -> dict:
    """Set the recording limits (``None`` leaves one as is) and return them all.

    ``max_value_chars``: about the most characters of JSON recorded per value (inputs,
    outputs, one attribute, one event's attributes; default 100,000); more is cut
    with a marker saying how much. ``max_spans_per_trace`` (default 10,000): later
    spans of a trace run but are not recorded; the trace says how many.
    ``max_events_per_span`` (default 1,000): later events are counted in one
    ``nbtrace.dropped_events`` event. All are validated before any is changed
    (``ValueError``); they apply to values recorded from then on.
    """
    return limits_of(_settings.update(max_value_chars=max_value_chars,
                                      max_spans_per_trace=max_spans_per_trace,
                                      max_events_per_span=max_events_per_span))


def _apply(settings: _settings.Settings) -> None:
    serialize.set_max_value_chars(settings.max_value_chars)
    span.MAX_EVENTS_PER_SPAN = settings.max_events_per_span


_settings.subscribe(_apply)
