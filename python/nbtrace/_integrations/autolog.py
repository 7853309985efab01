"""Shared machinery of the LLM SDK autolog integrations (:mod:`nbtrace.openai`,
:mod:`nbtrace.anthropic`): class-level patching, one span per SDK call, and
streams that keep their span open while the user iterates them.

An :class:`Endpoint` describes one patched method (span name and type, how to
read the response). Its wrapper starts a span (child of the current nbtrace
span, not made current), runs the real method and records the response — or
the exception, which propagates unchanged. A streamed result (the SDK's
``Stream`` / ``AsyncStream``) is returned as is, with its private ``_iterator``
replaced by a generator that feeds each chunk to the endpoint's accumulator
(as MLflow's autolog does, so ``isinstance`` checks and the SDKs' own stream
helpers keep working); the span ends when the stream is exhausted, closed,
fails, or is garbage collected. Every tracing step is guarded: if it fails,
the real call still runs and returns its normal result.
"""
from __future__ import annotations

import contextvars
import dataclasses
import functools
import threading
import time
import weakref
from typing import Any, Callable

from .._record.collector import get_collector
from .._record.serialize import to_jsonable
from .._util import report_internal_error

_ORIGINAL = "__nbtrace_original__"
# True while a traced SDK call runs: an SDK method calling another patched one
# (e.g. a helper calling ``create``) records one span, not two.
_in_call: contextvars.ContextVar = contextvars.ContextVar("nbtrace_in_llm_call", default=False)
# Request options that are transport details (and may hold secrets), not inputs.
_SKIPPED_KWARGS = frozenset({"extra_headers", "extra_query", "timeout"})


def get(obj: Any, key: str, default: Any = None) -> Any:
    """``obj[key]`` for a mapping, ``obj.key`` otherwise (SDK objects and dicts alike)."""
    if isinstance(obj, dict):
        return obj.get(key, default)
    return getattr(obj, key, default)


def is_given(value: Any) -> bool:
    """False for the SDKs' "not given" sentinels (``NOT_GIVEN``, ``omit``)."""
    return type(value).__name__ not in ("NotGiven", "Omit")


def dump(obj: Any) -> Any:
    """An SDK response (pydantic model) as a JSON-safe dict of what the server sent."""
    if obj is None or isinstance(obj, (dict, list, str, int, float, bool)):
        return to_jsonable(obj)
    model_dump = getattr(obj, "model_dump", None)
    if callable(model_dump):
        try:
            return to_jsonable(model_dump(mode="json", exclude_unset=True))
        except Exception:
            pass
    return to_jsonable(obj)


def request_inputs(kwargs: dict) -> dict:
    """The call's keyword arguments as span inputs (sentinels and transport options dropped)."""
    return {key: value for key, value in kwargs.items() if key not in _SKIPPED_KWARGS and is_given(value)}


def set_usage(span: Any, input_tokens: Any = None, output_tokens: Any = None, total_tokens: Any = None,
              **extra: Any) -> None:
    """``span.set_token_usage`` with only the counts that are integers (extra
    counts such as cached or reasoning tokens only when not zero)."""
    counts = {"input_tokens": input_tokens, "output_tokens": output_tokens, "total_tokens": total_tokens}
    counts.update({k: v for k, v in extra.items() if v})
    counts = {k: int(v) for k, v in counts.items() if isinstance(v, (int, float)) and not isinstance(v, bool)}
    if counts.get("input_tokens") is not None or counts.get("output_tokens") is not None \
            or counts.get("total_tokens") is not None:
        span.set_token_usage(**counts)


@dataclasses.dataclass
class Endpoint:
    """One patched SDK method.

    ``start_attributes(inputs)`` → attributes set when the span starts;
    ``record(span, response_dict)`` sets response attributes and token usage;
    ``accumulator()`` → an object with ``add(chunk) -> bool`` (True when the chunk
    carried the first generated content) and ``result() -> dict`` (the joined
    response) for streamed results; ``stream_types`` the SDK's stream classes.
    """

    cls: type
    method: str
    span_name: str
    span_type: str
    start_attributes: Callable[[dict], dict]
    record: Callable[[Any, Any], None]
    accumulator: Callable[[], Any] | None = None
    stream_types: tuple = ()
    is_async: bool = False


# ------------------------------------------------------------------ one traced call
class Call:
    """The span of one SDK call, from its start to its end (after a stream, if any)."""

    def __init__(self, endpoint: Endpoint, span: Any) -> None:
        self.endpoint, self.span = endpoint, span
        self._done = False
        self._lock = threading.Lock()
        self._acc: Any = None
        self._started_ns = time.time_ns()
        self._first_token = False
        self._finalizer: Any = None

    @classmethod
    def start(cls, endpoint: Endpoint, kwargs: dict) -> Call | None:
        """Start the span (``None`` if tracing failed: the call then runs untraced)."""
        try:
            inputs = to_jsonable(request_inputs(kwargs))
            attributes = endpoint.start_attributes(inputs)
            span = get_collector().start_span(endpoint.span_name, span_type=endpoint.span_type,
                                              attributes=attributes)
            span.set_inputs(inputs)
            return cls(endpoint, span)
        except Exception as exc:
            report_internal_error(f"starting the {endpoint.span_name} span", exc)
            return None

    def _claim(self) -> bool:
        with self._lock:
            if self._done:
                return False
            self._done = True
            return True

    def fail(self, exc: BaseException) -> None:
        """Record ``exc`` (the caller re-raises it) and end the span."""
        if not self._claim():
            return
        try:
            if self._acc is not None:
                self._record_outputs(self._acc.result())
            status = getattr(exc, "status_code", None)
            if isinstance(status, int):
                self.span.set_attribute("http.response.status_code", status)
            self.span.record_exception(exc)
        except Exception as error:
            report_internal_error(f"recording the {self.endpoint.span_name} error", error)
        finally:
            self._end()

    def _end(self) -> None:
        self.span.end()
        if self._finalizer is not None:  # the stream's GC hook is no longer needed
            self._finalizer.detach()

    def succeed(self, result: Any) -> Any:
        """Record ``result`` and end the span — or, for a stream, hook it so the
        span ends with the stream. Returns ``result`` itself."""
        try:
            if self.endpoint.stream_types and isinstance(result, self.endpoint.stream_types):
                if self._hook_stream(result):
                    return result
            elif type(result).__name__ == "LegacyAPIResponse" and not getattr(result, "_stream", True):
                result_obj = result.parse()  # ``with_raw_response``: parsed once, cached for the user
                self.finish(dump(result_obj))
                return result
            elif type(result).__name__ in ("LegacyAPIResponse", "APIResponse", "AsyncAPIResponse"):
                self.finish(None, note="raw HTTP response (body not read by nbtrace)")
                return result
            self.finish(dump(result))
        except Exception as exc:
            report_internal_error(f"recording the {self.endpoint.span_name} result", exc)
            if self._claim():
                self._end()
        return result

    def _record_outputs(self, outputs: Any) -> None:
        self.span.set_outputs(outputs)
        if outputs is not None:
            self.endpoint.record(self.span, outputs)

    def finish(self, outputs: Any, note: str | None = None) -> None:
        """End the span with ``outputs`` (the response dict); idempotent."""
        if not self._claim():
            return
        try:
            self._record_outputs(outputs)
            if note:
                self.span.set_attribute("nbtrace.note", note)
        except Exception as exc:
            report_internal_error(f"recording the {self.endpoint.span_name} result", exc)
        finally:
            self._end()

    # -------------------------------------------------------------- streams
    def add_chunk(self, chunk: Any) -> None:
        try:
            if self._acc.add(chunk) and not self._first_token:
                self._first_token = True
                ms = (time.time_ns() - self._started_ns) / 1e6
                self.span.add_event("first_token", {"time_to_first_token_ms": round(ms, 3)})
        except Exception as exc:
            report_internal_error(f"reading a {self.endpoint.span_name} stream chunk", exc)

    def end_stream(self, note: str | None = None) -> None:
        if self._done:
            return
        try:
            outputs = self._acc.result()
        except Exception as exc:
            report_internal_error(f"joining the {self.endpoint.span_name} stream", exc)
            outputs = None
        self.finish(outputs, note)

    def _hook_stream(self, stream: Any) -> bool:
        if self.endpoint.accumulator is None or not hasattr(stream, "_iterator"):
            return False
        self._acc = self.endpoint.accumulator()
        self.span.set_attribute("nbtrace.stream", True)
        is_async = hasattr(stream._iterator, "__anext__")
        stream._iterator = (_traced_async_iter if is_async else _traced_iter)(stream._iterator, self)
        original_close = stream.close
        if is_async:
            async def close() -> Any:
                try:
                    return await original_close()
                finally:
                    self.end_stream("stream closed before its end")
        else:
            def close() -> Any:
                try:
                    return original_close()
                finally:
                    self.end_stream("stream closed before its end")
        stream.close = close
        self._finalizer = weakref.finalize(stream, self.end_stream, "stream dropped before its end")
        self._finalizer.atexit = False
        return True


def _traced_iter(inner: Any, call: Call) -> Any:
    try:
        for chunk in inner:
            call.add_chunk(chunk)
            yield chunk
    except GeneratorExit:
        call.end_stream("stream closed before its end")
        raise
    except BaseException as exc:
        call.fail(exc)
        raise
    call.end_stream()


async def _traced_async_iter(inner: Any, call: Call) -> Any:
    try:
        async for chunk in inner:
            call.add_chunk(chunk)
            yield chunk
    except GeneratorExit:
        call.end_stream("stream closed before its end")
        raise
    except BaseException as exc:
        call.fail(exc)
        raise
    call.end_stream()


# ------------------------------------------------------------------ patching
def _sync_wrapper(original: Callable, endpoint: Endpoint) -> Callable:
    @functools.wraps(original)
    def traced(self: Any, *args: Any, **kwargs: Any) -> Any:
        if _in_call.get():
            return original(self, *args, **kwargs)
        call = Call.start(endpoint, kwargs)
        if call is None:
            return original(self, *args, **kwargs)
        token = _in_call.set(True)
        try:
            result = original(self, *args, **kwargs)
        except BaseException as exc:
            call.fail(exc)
            raise
        finally:
            _in_call.reset(token)
        return call.succeed(result)

    return traced


def _async_wrapper(original: Callable, endpoint: Endpoint) -> Callable:
    @functools.wraps(original)
    async def traced(self: Any, *args: Any, **kwargs: Any) -> Any:
        if _in_call.get():
            return await original(self, *args, **kwargs)
        call = Call.start(endpoint, kwargs)
        if call is None:
            return await original(self, *args, **kwargs)
        token = _in_call.set(True)
        try:
            result = await original(self, *args, **kwargs)
        except BaseException as exc:
            call.fail(exc)
            raise
        finally:
            _in_call.reset(token)
        return call.succeed(result)

    return traced


def patch(cls: type, name: str, make_wrapper: Callable[[Callable], Callable]) -> bool:
    """Replace ``cls.name`` by ``make_wrapper(original)``, once (idempotent)."""
    current = cls.__dict__.get(name)
    if current is None or hasattr(current, _ORIGINAL):
        return False
    wrapper = make_wrapper(current)
    setattr(wrapper, _ORIGINAL, current)
    setattr(cls, name, wrapper)
    return True


def unpatch(cls: type, name: str) -> bool:
    """Put back the original ``cls.name`` if nbtrace's wrapper is in place."""
    current = cls.__dict__.get(name)
    original = getattr(current, _ORIGINAL, None)
    if original is None:
        return False
    setattr(cls, name, original)
    return True


def is_patched(cls: type, name: str) -> bool:
    return hasattr(cls.__dict__.get(name), _ORIGINAL)


def apply(endpoints: list, disable: bool) -> None:
    """Patch (or, with ``disable``, restore) every endpoint's method."""
    for endpoint in endpoints:
        if disable:
            unpatch(endpoint.cls, endpoint.method)
        else:
            wrap = _async_wrapper if endpoint.is_async else _sync_wrapper
            patch(endpoint.cls, endpoint.method, lambda original, e=endpoint, w=wrap: w(original, e))
