"""The OpenTelemetry API implemented with nbtrace spans (imported by ``nbtrace.otel``).

:class:`NbtraceTracerProvider` → :class:`NbtraceTracer` → :class:`OtelSpan`: every
span a library starts through ``opentelemetry.trace.get_tracer(...)`` is an
nbtrace span (collected, displayed live, exported), wrapped in an object that
implements ``opentelemetry.trace.Span``. Its ``SpanContext`` carries the nbtrace
ids (trace id = the trace's 128-bit id, span id = the span's 64-bit id), so W3C
``traceparent`` propagation names the spans the notebook shows.

Parents: an explicit ``context=`` decides (OTel semantics: a context without a
span starts a new trace). Otherwise the parent is the *innermost* of the
OpenTelemetry current span and nbtrace's current span (``with
nbtrace.start_span``, ``@nbtrace.trace``), so the two APIs nest in each other in
both directions (see ``parent_hook``, which does the
same for spans nbtrace itself starts). ``start_as_current_span`` makes the span
current in both contexts, so ``nbtrace.get_current_span()`` sees it too.

Never breaks user code: every method swallows and reports its own failures; an
exception raised in a ``start_as_current_span`` block is recorded (event with
``exception.escaped``, ERROR status) and propagates unchanged.
"""
from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from opentelemetry import context as context_api
from opentelemetry import trace as trace_api
from opentelemetry.trace import (
    INVALID_SPAN, NonRecordingSpan, SpanContext, SpanKind, Status, StatusCode, TraceFlags,
)

try:  # what the API's own tracers use: also works as a decorator of async functions
    from opentelemetry.util._decorator import _agnosticcontextmanager
except ImportError:  # pragma: no cover - older/newer API layouts
    from contextlib import contextmanager as _agnosticcontextmanager

from .._record import context as _context
from .._record.collector import get_collector
from .._record.context import _current_span
from .otel_map import (
    LINKS_KEY, Derived, apply_attribute, exception_attributes, link_dict, start_attributes,
)
from .._record.span import INTERRUPTED_MESSAGE, NON_ERROR_EXCEPTIONS, Span
from .._util import report_internal_error
from .otel_parents import innermost, nbtrace_span_of, open_span, register

_SAMPLED = TraceFlags(TraceFlags.SAMPLED)


# ---------------------------------------------------------------- span
class OtelSpan(trace_api.Span):
    """An ``opentelemetry.trace.Span`` that is an nbtrace span (:attr:`nbtrace_span`)."""

    def __init__(self, nb: Span, derived: Derived, context: SpanContext,
                 record_exception: bool = True, set_status_on_exception: bool = True,
                 links: list | None = None) -> None:
        self._nbtrace_span = nb
        self._derived = derived
        self._context = context
        self._status_code = StatusCode.UNSET
        self._links: list = links or []  # link dicts, also attribute LINKS_KEY
        self._record_exception = record_exception
        self._set_status_on_exception = set_status_on_exception

    @property
    def nbtrace_span(self) -> Span:
        """The nbtrace :class:`~nbtrace.Span` (``set_inputs``, ``set_outputs``, ...)."""
        return self._nbtrace_span

    @property
    def name(self) -> str:
        return self._nbtrace_span.name

    def get_span_context(self) -> SpanContext:
        return self._context

    def is_recording(self) -> bool:
        return self._nbtrace_span._end_ns is None

    def set_attribute(self, key: str, value: Any) -> None:
        try:
            if self.is_recording():
                apply_attribute(self._nbtrace_span, self._derived, key, value)
        except Exception as exc:
            report_internal_error("OpenTelemetry set_attribute", exc)

    def set_attributes(self, attributes: Mapping[str, Any]) -> None:
        try:
            if self.is_recording():
                for key, value in dict(attributes or {}).items():
                    apply_attribute(self._nbtrace_span, self._derived, key, value)
        except Exception as exc:
            report_internal_error("OpenTelemetry set_attributes", exc)

    def add_event(self, name: str, attributes: Any = None, timestamp: int | None = None) -> None:
        try:
            if self.is_recording():  # (ended: ignored silently, as the SDK does)
                self._nbtrace_span.add_event(name, dict(attributes or {}), timestamp)
        except Exception as exc:
            report_internal_error("OpenTelemetry add_event", exc)

    def add_link(self, context: SpanContext, attributes: Any = None) -> None:
        try:
            if self.is_recording() and getattr(context, "is_valid", False):
                self._links.append(link_dict(trace_api.Link(context, attributes)))
                self._nbtrace_span.set_attribute(LINKS_KEY, self._links)
        except Exception as exc:
            report_internal_error("OpenTelemetry add_link", exc)

    def update_name(self, name: str) -> None:
        if self.is_recording():
            self._nbtrace_span._set_name(name)

    def set_status(self, status: Status | StatusCode, description: str | None = None) -> None:
        """As the SDK: OK is final, UNSET is ignored, a description only goes with ERROR."""
        try:
            if not self.is_recording() or self._status_code is StatusCode.OK:
                return
            if isinstance(status, Status):
                code, description = status.status_code, status.description
            else:
                code = status
            if code is StatusCode.UNSET or not isinstance(code, StatusCode):
                return
            self._status_code = code
            if code is StatusCode.ERROR:
                self._nbtrace_span.set_status("ERROR", description or "")
            else:
                self._nbtrace_span.set_status("OK")
        except Exception as exc:
            report_internal_error("OpenTelemetry set_status", exc)

    def record_exception(self, exception: BaseException, attributes: Any = None,
                         timestamp: int | None = None, escaped: bool = False) -> None:
        """An ``exception`` event (type, message, stacktrace, escaped); the status is
        not changed (OpenTelemetry semantics: ``set_status`` does that)."""
        try:
            if self.is_recording():
                attrs = exception_attributes(exception, escaped)
                attrs.update(dict(attributes or {}))
                self._nbtrace_span.add_event("exception", attrs, timestamp)
        except Exception as exc:
            report_internal_error("OpenTelemetry record_exception", exc)

    def _failed(self, exc: BaseException, record: bool, set_status: bool) -> None:
        """An exception escaped a ``with`` block of this span."""
        try:
            if isinstance(exc, NON_ERROR_EXCEPTIONS) or not self.is_recording():
                return
            if record:
                self.record_exception(exc, escaped=True)
            if set_status and self._status_code is StatusCode.UNSET:
                message = str(exc) or (INTERRUPTED_MESSAGE if isinstance(exc, KeyboardInterrupt) else "")
                self.set_status(Status(StatusCode.ERROR, f"{type(exc).__name__}: {message}"))
        except Exception as error:
            report_internal_error("recording an exception on an OpenTelemetry span", error)

    def end(self, end_time: int | None = None) -> None:
        self._nbtrace_span.end(end_time)  # idempotent, never raises

    def __exit__(self, exc_type: Any, exc_val: BaseException | None, exc_tb: Any) -> None:
        if exc_val is not None:
            self._failed(exc_val, self._record_exception, self._set_status_on_exception)
        self.end()

    def __repr__(self) -> str:
        return f"<nbtrace.otel span {self._nbtrace_span!r}>"


class _Activation:
    """Makes a span current in both OTel's and nbtrace's context for a block; on an
    exception records it and sets ERROR (per the flags), then ends the span."""

    __slots__ = ("span", "end_on_exit", "record", "set_status", "token", "nb_token")

    def __init__(self, span: Any, end_on_exit: bool, record: bool, set_status: bool) -> None:
        self.span, self.end_on_exit, self.record, self.set_status = span, end_on_exit, record, set_status
        self.token = self.nb_token = None

    def __enter__(self) -> Any:
        try:
            self.token = context_api.attach(trace_api.set_span_in_context(self.span))
        except Exception as exc:
            report_internal_error("making an OpenTelemetry span current", exc)
        nb = getattr(self.span, "_nbtrace_span", None)
        if nb is not None:
            try:
                self.nb_token = _context.attach(nb)
            except Exception as exc:
                report_internal_error("making an OpenTelemetry span current", exc)
        return self.span

    def __exit__(self, exc_type: Any, exc: BaseException | None, tb: Any) -> bool:
        if exc is not None and isinstance(self.span, OtelSpan):
            self.span._failed(exc, self.record, self.set_status)
        try:
            if self.nb_token is not None:
                _context.detach(self.nb_token, fallback=self.span._nbtrace_span.parent)
            if self.token is not None:
                context_api.detach(self.token)
        except Exception as error:
            report_internal_error("leaving an OpenTelemetry span", error)
        if self.end_on_exit:
            try:
                self.span.end()
            except Exception as error:
                report_internal_error("ending an OpenTelemetry span", error)
        return False  # never swallow the user's exception


# ---------------------------------------------------------------- tracer
class NbtraceTracer(trace_api.Tracer):
    """Starts nbtrace spans for one instrumentation scope."""

    def __init__(self, provider: NbtraceTracerProvider, name: str, version: str | None = None) -> None:
        self._provider = provider
        self._scope = {"otel.scope.name": str(name or "")}
        if version:
            self._scope["otel.scope.version"] = str(version)

    def start_span(self, name: str, context: context_api.Context | None = None,
                   kind: SpanKind = SpanKind.INTERNAL, attributes: Any = None, links: Any = None,
                   start_time: int | None = None, record_exception: bool = True,
                   set_status_on_exception: bool = True) -> trace_api.Span:
        try:
            parent_span = trace_api.get_current_span(context)
            parent_ctx = parent_span.get_span_context()
        except Exception as exc:
            report_internal_error("reading the OpenTelemetry context", exc)
            parent_span, parent_ctx = INVALID_SPAN, INVALID_SPAN.get_span_context()
        if not self._provider.enabled:  # nbtrace.otel.uninstrument(): as the API's no-op tracer
            return NonRecordingSpan(parent_ctx)
        try:
            # (a parent whose trace has finished: a new trace, noting the parent's ids)
            otel_parent = open_span(nbtrace_span_of(parent_span))
            if context is not None:
                parent = otel_parent
            else:
                parent = innermost(_current_span.get(), otel_parent)
            if not isinstance(parent, Span):
                parent = None
            derived = Derived()
            attrs = start_attributes(derived, attributes, kind, self._scope, links,
                                     parent_ctx if parent is None else None)
            nb = get_collector().start_span(str(name), span_type=derived.kind() or "UNKNOWN",
                                            attributes=attrs, parent=parent, start_time_ns=start_time)
            if not isinstance(nb, Span):  # nbtrace tracing is disabled
                return NonRecordingSpan(parent_ctx)
            trace_id = nb._trace.trace_id
            state = parent_ctx.trace_state if parent_ctx.is_valid else None  # W3C tracestate goes on
            span_ctx = SpanContext(trace_id, nb._span_id, is_remote=False, trace_flags=_SAMPLED,
                                   trace_state=state)
            register(trace_id, nb._span_id, nb)
            return OtelSpan(nb, derived, span_ctx, record_exception, set_status_on_exception,
                            list(attrs.get(LINKS_KEY, ())))
        except Exception as exc:
            report_internal_error("starting an OpenTelemetry span", exc)
            return NonRecordingSpan(parent_ctx)

    @_agnosticcontextmanager
    def start_as_current_span(self, name: str, context: context_api.Context | None = None,
                              kind: SpanKind = SpanKind.INTERNAL, attributes: Any = None,
                              links: Any = None, start_time: int | None = None,
                              record_exception: bool = True, set_status_on_exception: bool = True,
                              end_on_exit: bool = True) -> Iterator[trace_api.Span]:
        span = self.start_span(name, context, kind, attributes, links, start_time,
                               record_exception, set_status_on_exception)
        with _Activation(span, end_on_exit, record_exception, set_status_on_exception):
            yield span


class NbtraceTracerProvider(trace_api.TracerProvider):
    """An OpenTelemetry ``TracerProvider`` whose spans are nbtrace spans.

    ``enabled = False`` (``nbtrace.otel.uninstrument()``) makes its tracers hand out
    non-recording spans, like the API's no-op provider."""

    _nbtrace_provider = True  # recognised even across a reload of this module

    def __init__(self) -> None:
        self.enabled = True

    def get_tracer(self, instrumenting_module_name: str,
                   instrumenting_library_version: str | None = None,
                   schema_url: str | None = None, attributes: Any = None) -> NbtraceTracer:
        return NbtraceTracer(self, instrumenting_module_name, instrumenting_library_version)

    def force_flush(self, timeout_millis: int = 30_000) -> bool:
        """Nothing is buffered (SDK-compatible no-op)."""
        return True

    def shutdown(self) -> None:
        """SDK-compatible no-op (nbtrace has nothing to flush or close)."""

    def __repr__(self) -> str:
        return f"<nbtrace.otel.NbtraceTracerProvider {'enabled' if self.enabled else 'disabled'}>"
