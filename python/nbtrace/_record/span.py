"""The :class:`Span` object: one timed operation inside a trace.

A span stores its data already in export form (attribute values JSON-encoded the
way MLflow does, events with JSON-safe attributes), so turning a running trace
into a MIME bundle is cheap and never sees user objects. Mutations take the
trace's lock, so a display/exporter thread can snapshot a trace at any time.

Spans are created by :meth:`TraceCollector.start_span`; they report their
changes and their end to their trace's :class:`SpanSink` (the collector), which
notifies listeners (the live display, ...).
Every public method swallows internal errors (reported once as a warning).

An ended span never changes again (every mutation re-checks, under the trace
lock, that the span is still running), so exporters may cache its exported form
(the ``_export`` slot, filled by the document layer).

Over 400 lines on purpose: the class is one unit whose every mutator follows the
same discipline (check running, encode outside the lock, re-check and write
under it, then report the change), and it is the hot path; keeping the eight
setters side by side keeps that discipline visible and their code inline.
"""
from __future__ import annotations

import sys
import traceback
from time import time_ns as _time_ns
from typing import TYPE_CHECKING, Any

from .. import _settings
from .._util import clean_text, report_internal_error
from .context import attach, detach
from .ids import getrandbits as _getrandbits
from .serialize import dumps, to_jsonable

if TYPE_CHECKING:  # pragma: no cover
    from .record import TraceRecord

STATUS_UNSET, STATUS_OK, STATUS_ERROR = "UNSET", "OK", "ERROR"
_STATUS_ALIASES = {
    "UNSET": STATUS_UNSET, "STATUS_CODE_UNSET": STATUS_UNSET,
    "OK": STATUS_OK, "STATUS_CODE_OK": STATUS_OK,
    "ERROR": STATUS_ERROR, "STATUS_CODE_ERROR": STATUS_ERROR,
}
# Exceptions that end a span normally: they are control flow, not failures.
NON_ERROR_EXCEPTIONS = (GeneratorExit, StopIteration, StopAsyncIteration)

SPAN_TYPE_KEY = "mlflow.spanType"
INPUTS_KEY = "mlflow.spanInputs"
OUTPUTS_KEY = "mlflow.spanOutputs"
FUNCTION_NAME_KEY = "mlflow.spanFunctionName"
TRACE_REQUEST_ID_KEY = "mlflow.traceRequestId"
TOKEN_USAGE_KEY = "mlflow.chat.tokenUsage"

# Later events are counted; follows nbtrace.configure(max_events_per_span=) (the limits module sets it).
MAX_EVENTS_PER_SPAN = _settings.DEFAULTS.max_events_per_span
# Status message of a span that a KeyboardInterrupt (a cell interrupt) ended.
INTERRUPTED_MESSAGE = "interrupted while this span was running"
MAX_NAME_CHARS = 1_000
MAX_MESSAGE_CHARS = 10_000

_TYPE_JSON: dict = {}  # span type -> its JSON (a handful of distinct types)


def _type_json(span_type: str) -> str:
    encoded = _TYPE_JSON.get(span_type)
    if encoded is None:
        try:
            encoded = dumps(span_type)
        except Exception as exc:  # (dumps never raises, unless nbtrace itself is broken)
            report_internal_error("recording the span type", exc)
            return '"UNKNOWN"'
        if len(_TYPE_JSON) < 1_000:
            _TYPE_JSON[span_type] = encoded
    return encoded


def _time(value: Any, what: str) -> int:
    """A time in epoch nanoseconds given by the caller, or now if it is not a number
    (reported): a bad timestamp must not cost the span."""
    try:
        return int(value)
    except Exception as exc:
        report_internal_error(f"{what} (not a time in nanoseconds; using the current time)", exc)
        return _time_ns()


def _name(name: Any) -> str:
    """A span or event name: text, valid UTF-8, at most MAX_NAME_CHARS (+ marker)."""
    if type(name) is str and len(name) <= MAX_NAME_CHARS and name.isascii():
        return name
    return clean_text(name, MAX_NAME_CHARS)


def _clean_usage(usage: Any) -> dict | None:
    """Keep only the integer token counts of a usage mapping; fill ``total_tokens``."""
    if not isinstance(usage, dict):
        return None
    clean = {}
    for key, value in usage.items():
        if isinstance(value, bool):
            continue
        if isinstance(value, (int, float)) and value - value == 0:  # finite (not NaN, not inf)
            clean[clean_text(key, 200)] = int(value)
    if not clean:
        return None
    if "total_tokens" not in clean and ("input_tokens" in clean or "output_tokens" in clean):
        clean["total_tokens"] = clean.get("input_tokens", 0) + clean.get("output_tokens", 0)
    return clean


class Span:
    """One operation in a trace. Use as a context manager, or call :meth:`end`.

    ``with nbtrace.start_span("step") as span:`` makes the span current for the
    block (children nest under it) and ends it on exit, recording an exception
    that escapes the block. A span that is not used with ``with`` is not current;
    end it with :meth:`end`.
    """

    __slots__ = (
        "_trace", "_parent", "_span_id", "_name", "_span_type", "_start_ns", "_end_ns",
        "_attributes", "_events", "_dropped_events", "_status", "_status_message",
        "_token_usage", "_outputs_set", "_tokens", "_recorded", "_export", "_b64_id",
        "__weakref__",
    )

    def __init__(self, trace: TraceRecord, parent: Span | None, name: str, span_type: str,
                 start_ns: int | None = None, type_json: str | None = None) -> None:
        self._trace = trace
        self._parent = parent
        self._span_id = _getrandbits(64) or 1  # a random non-zero 64-bit id (inline: the hot path)
        self._name = name if type(name) is str and len(name) <= MAX_NAME_CHARS and name.isascii() else _name(name)
        self._span_type = span_type if type(span_type) is str else clean_text(span_type, MAX_NAME_CHARS)
        self._start_ns = _time_ns() if start_ns is None else _time(start_ns, "the span start time")
        self._end_ns: int | None = None
        self._attributes: dict[str, str] = {
            SPAN_TYPE_KEY: type_json if type_json is not None else _type_json(self._span_type),
            TRACE_REQUEST_ID_KEY: trace.request_id_json,
        }
        self._events: list[dict] | tuple = ()  # a list from the first event on
        self._dropped_events = 0
        self._status = STATUS_UNSET
        self._status_message = ""
        self._token_usage: dict | None = None
        self._outputs_set = False
        self._tokens: list | None = None  # context tokens from __enter__ (a stack: re-entry safe)
        self._recorded = True  # False when the trace hit its span limit
        self._export: dict | None = None  # exported form, cached once ended (document layer)
        self._b64_id: str | None = None  # base64 span id, computed on first export

    # ----------------------------------------------------------------- identity
    @property
    def span_id(self) -> str:
        """16 lowercase hex characters."""
        return f"{self._span_id:016x}"

    @property
    def trace_id(self) -> str:
        """The MLflow-style trace id, ``"tr-" + 32 hex``."""
        return self._trace.request_id

    @property
    def parent_id(self) -> str | None:
        return self._parent.span_id if self._parent is not None else None

    @property
    def parent(self) -> Span | None:
        return self._parent

    @property
    def name(self) -> str:
        return self._name

    @property
    def span_type(self) -> str:
        return self._span_type

    @property
    def start_time_ns(self) -> int:
        return self._start_ns

    @property
    def end_time_ns(self) -> int | None:
        return self._end_ns

    @property
    def status(self) -> str:
        """``"UNSET"``, ``"OK"`` or ``"ERROR"``."""
        return self._status

    @property
    def is_ended(self) -> bool:
        return self._end_ns is not None

    @property
    def token_usage(self) -> dict | None:
        return dict(self._token_usage) if self._token_usage else None

    def __repr__(self) -> str:
        state = "ended" if self._end_ns is not None else "running"
        return f"<nbtrace.Span {self._name!r} {self._span_type} {state} id={self.span_id}>"

    # ----------------------------------------------------------------- mutation
    def _mutable(self, what: str) -> bool:
        if self._end_ns is None:
            return True
        report_internal_error(f"{what} on an ended span (ignored)")
        return False

    def _ended_meanwhile(self, what: str) -> bool:
        """Under the trace lock: True (and reported) if the span ended while a
        mutation was being prepared — an ended span never changes."""
        if self._end_ns is None:
            return False
        report_internal_error(f"{what} on an ended span (ignored)")
        return True

    def set_inputs(self, inputs: Any) -> None:
        """Record the span's inputs (serialized now, so later mutation does not show)."""
        try:
            if self._mutable("set_inputs"):
                encoded = dumps(inputs)
                with self._trace.lock:
                    if self._ended_meanwhile("set_inputs"):
                        return
                    self._attributes[INPUTS_KEY] = encoded
                self._changed()
        except Exception as exc:
            report_internal_error("set_inputs", exc)

    def set_outputs(self, outputs: Any) -> None:
        """Record the span's outputs (serialized now)."""
        try:
            if self._mutable("set_outputs"):
                encoded = dumps(outputs)
                with self._trace.lock:
                    if self._ended_meanwhile("set_outputs"):
                        return
                    self._attributes[OUTPUTS_KEY] = encoded
                    self._outputs_set = True
                self._changed()
        except Exception as exc:
            report_internal_error("set_outputs", exc)

    def set_attribute(self, key: str, value: Any) -> None:
        """Set one attribute (stored JSON-encoded, as MLflow does)."""
        try:
            if not self._mutable("set_attribute"):
                return
            key = clean_text(key, MAX_NAME_CHARS)
            if key == TOKEN_USAGE_KEY:
                self._set_usage(to_jsonable(value))
                return
            encoded = dumps(value)
            with self._trace.lock:
                if self._ended_meanwhile("set_attribute"):
                    return
                self._attributes[key] = encoded
            self._changed()
        except Exception as exc:
            report_internal_error("set_attribute", exc)

    def _init_attributes(self, attributes: dict) -> None:
        """Set attributes on a span that nobody sees yet (no lock, no notification)."""
        try:
            items = list(dict(attributes).items())
        except Exception as exc:
            report_internal_error("set_attributes", exc)
            return
        for key, value in items:
            try:
                key = clean_text(key, MAX_NAME_CHARS)
                if key == TOKEN_USAGE_KEY:
                    clean = _clean_usage(to_jsonable(value))
                    if clean is None:
                        report_internal_error("token usage (expected a dict of integer counts)")
                        continue
                    self._token_usage = clean
                    self._attributes[key] = dumps(clean)
                    self._trace.has_usage = True
                else:
                    self._attributes[key] = dumps(value)
            except Exception as exc:
                report_internal_error("set_attribute", exc)

    def set_attributes(self, attributes: dict) -> None:
        try:
            for key, value in dict(attributes or {}).items():
                self.set_attribute(key, value)
        except Exception as exc:
            report_internal_error("set_attributes", exc)

    def _set_name(self, name: str) -> None:
        """Rename a running span (OpenTelemetry's ``update_name``; used by nbtrace.otel)."""
        try:
            if self._mutable("renaming a span"):
                name = _name(name)
                with self._trace.lock:
                    if self._ended_meanwhile("renaming a span"):
                        return
                    self._name = name
                self._changed()
        except Exception as exc:
            report_internal_error("renaming a span", exc)

    def _set_span_type(self, span_type: str) -> None:
        """Change a running span's type (OpenTelemetry spans say their kind in attributes,
        often set after the start; used by nbtrace.otel)."""
        try:
            if self._mutable("setting the span type"):
                span_type = clean_text(span_type, MAX_NAME_CHARS)
                encoded = _type_json(span_type)
                with self._trace.lock:
                    if self._ended_meanwhile("setting the span type"):
                        return
                    self._span_type = span_type
                    self._attributes[SPAN_TYPE_KEY] = encoded
                self._changed()
        except Exception as exc:
            report_internal_error("setting the span type", exc)

    def set_token_usage(self, input_tokens: int | None = None, output_tokens: int | None = None,
                        total_tokens: int | None = None, **extra: int) -> None:
        """Record LLM token counts as ``mlflow.chat.tokenUsage``.

        ``total_tokens`` defaults to input + output. Extra counts such as
        ``cache_read_input_tokens`` are kept.
        """
        usage = {"input_tokens": input_tokens, "output_tokens": output_tokens,
                 "total_tokens": total_tokens, **extra}
        try:
            if self._mutable("set_token_usage"):
                self._set_usage({k: v for k, v in usage.items() if v is not None})
        except Exception as exc:
            report_internal_error("set_token_usage", exc)

    def _set_usage(self, usage: Any) -> None:
        clean = _clean_usage(usage)
        if clean is None:
            report_internal_error("token usage (expected a dict of integer counts)")
            return
        encoded = dumps(clean)
        with self._trace.lock:
            if self._ended_meanwhile("set_token_usage"):
                return
            self._token_usage = clean
            self._attributes[TOKEN_USAGE_KEY] = encoded
            self._trace.has_usage = True
        self._changed()

    def add_event(self, name: str, attributes: dict | None = None,
                  timestamp_ns: int | None = None) -> None:
        """Add a point-in-time event (time in epoch nanoseconds, default now)."""
        try:
            if not self._mutable("add_event"):
                return
            event = {
                "name": _name(name),
                "time_unix_nano": _time(timestamp_ns, "add_event") if timestamp_ns is not None else _time_ns(),
                "attributes": to_jsonable(dict(attributes or {})),
            }
            with self._trace.lock:
                if self._ended_meanwhile("add_event"):
                    return
                if len(self._events) < MAX_EVENTS_PER_SPAN:
                    if not self._events:
                        self._events = []
                    self._events.append(event)
                else:
                    self._dropped_events += 1
            self._changed()
        except Exception as exc:
            report_internal_error("add_event", exc)

    def set_status(self, status: str, message: str = "") -> None:
        """Set ``"OK"``, ``"ERROR"`` or ``"UNSET"`` (``STATUS_CODE_*`` spellings accepted)."""
        try:
            if not self._mutable("set_status"):
                return
            code = _STATUS_ALIASES.get(str(getattr(status, "name", status)).upper())
            if code is None:
                report_internal_error(f"set_status({status!r}): unknown status")
                return
            with self._trace.lock:
                if self._ended_meanwhile("set_status"):
                    return
                self._status = code
                self._status_message = clean_text(message, MAX_MESSAGE_CHARS) if message else ""
            self._changed()
        except Exception as exc:
            report_internal_error("set_status", exc)

    def record_exception(self, exception: BaseException) -> None:
        """Mark the span ERROR (``"<Type>: <message>"``) and add an ``exception`` event
        with ``exception.type``, ``exception.message`` and ``exception.stacktrace``."""
        try:
            if not self._mutable("record_exception"):
                return
            type_name = clean_text(type(exception).__name__, MAX_NAME_CHARS)
            message = clean_text(exception, sys.maxsize)  # (bounded when recorded)
            status = f"{type_name}: {message}"
            if not message and isinstance(exception, KeyboardInterrupt):
                message = INTERRUPTED_MESSAGE
                status = f"{type_name}: {message}"
            elif isinstance(exception, SystemExit):  # sys.exit() / exit(): the program stops here
                status = f"{type_name}: exit code {message or 'None'}; {INTERRUPTED_MESSAGE}"
            try:
                stack = "".join(traceback.format_exception(
                    type(exception), exception, exception.__traceback__))
            except Exception:
                stack = f"{type_name}: {message}"
            self.add_event("exception", {
                "exception.type": type_name,
                "exception.message": message,
                "exception.stacktrace": stack,
            })
            self.set_status(STATUS_ERROR, status)
        except Exception as exc:
            report_internal_error("record_exception", exc)

    def _changed(self) -> None:
        """Tell the sink (the collector → live display) that this running span changed."""
        try:
            if self._end_ns is None:
                self._trace.collector.span_changed(self)
        except Exception as exc:
            report_internal_error("reporting a span change", exc)

    # ----------------------------------------------------------------- lifecycle
    def end(self, end_time_ns: int | None = None) -> None:
        """End the span (idempotent). An UNSET status becomes OK."""
        try:
            with self._trace.lock:
                if self._end_ns is not None:
                    return
                end = _time(end_time_ns, "span.end") if end_time_ns is not None else _time_ns()
                self._end_ns = max(end, self._start_ns)
                if self._status == STATUS_UNSET:
                    self._status = STATUS_OK
        except Exception as exc:
            report_internal_error("ending a span", exc)
            return
        self._trace.collector.span_ended(self)

    def _end_with_outputs(self, outputs_json: str | None) -> None:
        """End the span (like :meth:`end`), first recording ``outputs_json`` (already
        encoded) as its outputs unless outputs were set meanwhile: one lock and one
        notification (``on_span_end``) for what would otherwise be two of each."""
        with self._trace.lock:
            if self._end_ns is not None:
                return
            if outputs_json is not None and not self._outputs_set:
                self._attributes[OUTPUTS_KEY] = outputs_json
                self._outputs_set = True
            end = _time_ns()
            self._end_ns = end if end > self._start_ns else self._start_ns
            if self._status == STATUS_UNSET:
                self._status = STATUS_OK
        self._trace.collector.span_ended(self)

    def _mark_force_ended(self, message: str, end_time_ns: int | None = None) -> bool:
        """Mark a span that nobody ended (its root ended, its cell ended or was
        interrupted) as ended: ERROR status with ``message`` saying why. The caller
        holds the trace lock and notifies the collector. ``False`` if already ended."""
        if self._end_ns is not None:
            return False
        end = _time(end_time_ns, "ending a span") if end_time_ns is not None else _time_ns()
        self._end_ns = max(end, self._start_ns)
        self._status = STATUS_ERROR
        self._status_message = clean_text(message, MAX_MESSAGE_CHARS)
        return True

    def __enter__(self) -> Span:
        try:
            token = attach(self)
            if self._tokens is None:
                self._tokens = [token]
            else:
                self._tokens.append(token)
        except Exception as exc:
            report_internal_error("entering a span", exc)
        return self

    def __exit__(self, exc_type, exc, tb) -> bool:
        try:
            if self._tokens:
                detach(self._tokens.pop(), self._parent)  # (entered in another context: the parent)
            if self._end_ns is not None:  # already ended (by hand, or by its root / cell)
                return False
            if exc is not None and not isinstance(exc, NON_ERROR_EXCEPTIONS):
                self.record_exception(exc)
            self.end()
        except Exception as error:
            report_internal_error("exiting a span", error)
        return False  # never swallow the user's exception
