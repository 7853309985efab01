"""``@nbtrace.trace``: wrap sync, async, generator and async-generator functions.

Inputs are the bound arguments (defaults applied, ``self``/``cls`` dropped,
``**kwargs`` flattened like MLflow), serialized when the call starts (a later
mutation of an argument does not show); outputs are the return value, serialized
when the call returns, or for generators the list of yielded items (bounded,
each serialized when yielded). The span is current only while the function body
runs — for generators, only during each step — so the consumer's own spans never
nest under a generator span. Exceptions are recorded and re-raised untouched;
tracing failures never reach the caller.

Speed: what does not depend on the call is prepared once, at decoration time
(:class:`InputsPlan` replaces ``inspect.Signature.bind``; the span type, the
function name and constant attributes are JSON-encoded once), and a call's span
is created complete — inputs included — so listeners hear of it once when it
starts and once when it ends (outputs included).
"""
from __future__ import annotations

import functools
import inspect
from time import time_ns as _time_ns
from typing import Any, Callable

from .._util import report_internal_error
from . import context as _context
from .collector import _USE_CURRENT, get_collector
from .inputs import InputsPlan
from .serialize import dumps, to_jsonable
from .span import FUNCTION_NAME_KEY, NON_ERROR_EXCEPTIONS, TOKEN_USAGE_KEY, Span

MAX_GENERATOR_ITEMS = 1_000


class _Starter:
    """Starts the span of one call of a traced function. Everything that does not
    depend on the call is prepared at decoration time (the inputs plan, the JSON of
    the span type, of the function name and of constant attributes); the span is
    complete, inputs included, when listeners hear that it started."""

    __slots__ = ("plan", "name", "span_type", "type_json", "fixed", "attributes")

    def __init__(self, func: Callable, name: str, span_type: str,
                 attributes: dict | None) -> None:
        try:
            signature: inspect.Signature | None = inspect.signature(func)
        except (TypeError, ValueError):
            signature = None
        self.plan = InputsPlan(signature)
        self.name = name
        self.span_type = span_type
        self.type_json: str | None = None  # (None: computed per call)
        self.attributes = None  # attributes set per call, when not constant
        self.fixed: dict | None = None
        try:
            self.type_json = dumps(span_type)
            fixed: dict = {}
            if attributes:
                if all(type(k) is str and k != TOKEN_USAGE_KEY
                       and type(v) in (str, int, float, bool, type(None))
                       for k, v in attributes.items()):
                    fixed.update((k, dumps(v)) for k, v in attributes.items())
                else:  # mutable values are encoded at each call, as they are then
                    self.attributes = attributes
            fixed[FUNCTION_NAME_KEY] = dumps(getattr(func, "__name__", name))
            self.fixed = fixed
        except Exception as exc:  # decorating must never fail because of tracing
            report_internal_error("preparing a traced function", exc)
            self.attributes = attributes

    def __call__(self, args: tuple, kwargs: dict) -> Span | None:
        try:
            collector = get_collector()
            if not collector.enabled:  # nbtrace.disable(): run the function untraced
                return None
            start_ns = _time_ns()
            try:
                inputs = dumps(self.plan.inputs(args, kwargs))
            except Exception as exc:
                report_internal_error("set_inputs", exc)
                inputs = None
            # (positional: cheaper than keywords; see TraceCollector.start_span)
            span = collector.start_span(
                self.name, self.span_type, self.attributes, _USE_CURRENT, start_ns,
                self.fixed, inputs, self.type_json)
            return span if isinstance(span, Span) else None  # (not recording: run untraced)
        except Exception as exc:
            report_internal_error("starting a span", exc)
            return None


def _finish(span: Span, outputs: Any, exc: BaseException | None = None) -> None:
    """Record outputs (unless the body already set them) and any error; end the span.
    A span already ended (e.g. by its root, for an abandoned generator) is left as is."""
    try:
        if span._end_ns is not None:
            return
        if exc is None or isinstance(exc, NON_ERROR_EXCEPTIONS):
            encoded = None
            if outputs is not _NO_OUTPUT and not span._outputs_set:
                try:
                    encoded = dumps(outputs)
                except Exception as error:
                    report_internal_error("set_outputs", error)
            span._end_with_outputs(encoded)  # one lock, one notification
            return
        if outputs is not _NO_OUTPUT and not span._outputs_set:
            span.set_outputs(outputs)
        span.record_exception(exc)
        span.end()
    except Exception as error:
        report_internal_error("ending a span", error)


_NO_OUTPUT = object()


class _Items:
    """Bounded, already-serialized record of what a generator yielded."""

    __slots__ = ("items", "count")

    def __init__(self) -> None:
        self.items: list = []
        self.count = 0

    def add(self, item: Any) -> None:
        self.count += 1
        if len(self.items) < MAX_GENERATOR_ITEMS:
            try:
                self.items.append(to_jsonable(item))
            except Exception as exc:  # pragma: no cover - to_jsonable never raises
                report_internal_error("recording a yielded item", exc)

    def result(self) -> list:
        if self.count > len(self.items):
            return [*self.items, f"…[{self.count - len(self.items)} more items not recorded]"]
        return list(self.items)


def _wrap(func: Callable, name: str, span_type: str, attributes: dict | None) -> Callable:
    start = _Starter(func, name, span_type, attributes)

    if inspect.isasyncgenfunction(func):
        @functools.wraps(func)
        async def async_gen_wrapper(*args: Any, **kwargs: Any) -> Any:
            span = start(args, kwargs)
            if span is None:
                async for item in func(*args, **kwargs):
                    yield item
                return
            items = _Items()
            with _context.use_span(span):
                try:
                    agen = func(*args, **kwargs)
                except BaseException as exc:
                    _finish(span, _NO_OUTPUT, exc)
                    raise
            to_send: Any = None
            to_throw: BaseException | None = None
            while True:
                token = _context.attach(span)
                try:
                    if to_throw is not None:
                        pending, to_throw = to_throw, None
                        item = await agen.athrow(pending)
                    else:
                        item = await agen.asend(to_send)
                except StopAsyncIteration:
                    _context.detach(token, span.parent)
                    _finish(span, items.result())
                    return
                except BaseException as exc:
                    _context.detach(token, span.parent)
                    _finish(span, items.result(), exc)
                    raise
                _context.detach(token, span.parent)
                items.add(item)
                try:
                    to_send = yield item
                except GeneratorExit:
                    try:
                        with _context.use_span(span):
                            await agen.aclose()
                    except BaseException as exc:
                        _finish(span, items.result(), exc)
                        raise
                    _finish(span, items.result())
                    raise
                except BaseException as exc:
                    to_throw = exc
        return async_gen_wrapper

    if inspect.isgeneratorfunction(func):
        @functools.wraps(func)
        def gen_wrapper(*args: Any, **kwargs: Any) -> Any:
            span = start(args, kwargs)
            if span is None:
                return (yield from func(*args, **kwargs))
            items = _Items()
            with _context.use_span(span):
                try:
                    gen = func(*args, **kwargs)
                except BaseException as exc:
                    _finish(span, _NO_OUTPUT, exc)
                    raise
            to_send: Any = None
            to_throw: BaseException | None = None
            while True:
                token = _context.attach(span)
                try:
                    if to_throw is not None:
                        pending, to_throw = to_throw, None
                        item = gen.throw(pending)
                    else:
                        item = gen.send(to_send)
                except StopIteration as stop:
                    _context.detach(token, span.parent)
                    _finish(span, items.result())
                    return stop.value
                except BaseException as exc:
                    _context.detach(token, span.parent)
                    _finish(span, items.result(), exc)
                    raise
                _context.detach(token, span.parent)
                items.add(item)
                try:
                    to_send = yield item
                except GeneratorExit:
                    try:
                        with _context.use_span(span):
                            gen.close()
                    except BaseException as exc:
                        _finish(span, items.result(), exc)
                        raise
                    _finish(span, items.result())
                    raise
                except BaseException as exc:
                    to_throw = exc
        return gen_wrapper

    if inspect.iscoroutinefunction(func):
        @functools.wraps(func)
        async def async_wrapper(*args: Any, **kwargs: Any) -> Any:
            span = start(args, kwargs)
            if span is None:
                return await func(*args, **kwargs)
            token = _context.attach(span)
            try:
                result = await func(*args, **kwargs)
            except BaseException as exc:
                _context.detach(token, span._parent)
                _finish(span, _NO_OUTPUT, exc)
                raise
            _context.detach(token, span._parent)
            _finish(span, result)
            return result
        return async_wrapper

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        span = start(args, kwargs)
        if span is None:
            return func(*args, **kwargs)
        token = _context.attach(span)
        try:
            result = func(*args, **kwargs)
        except BaseException as exc:
            _context.detach(token, span._parent)
            _finish(span, _NO_OUTPUT, exc)
            raise
        _context.detach(token, span._parent)
        _finish(span, result)
        return result
    return wrapper


def trace(func: Callable | None = None, *, name: str | None = None, span_type: str = "UNKNOWN",
          attributes: dict | None = None) -> Any:
    """Trace every call of a function as a span.

    Use bare (``@nbtrace.trace``) or with options
    (``@nbtrace.trace(name="retrieve", span_type="RETRIEVER", attributes={...})``).
    Works on sync, ``async``, generator and async-generator functions and methods.
    """
    def decorate(f: Callable) -> Callable:
        if not callable(f):
            raise TypeError(f"nbtrace.trace: expected a function, got {type(f).__name__}")
        span_name = name or getattr(f, "__name__", None) or type(f).__name__
        try:
            fixed = dict(attributes) if attributes else None
        except Exception as exc:  # e.g. attributes=<a DataFrame>: trace without them
            report_internal_error("@trace(attributes=...) (not a dict; ignored)", exc)
            fixed = None
        wrapped = _wrap(f, str(span_name), str(span_type or "UNKNOWN"), fixed)
        wrapped.__nbtrace_traced__ = True  # (nbtrace.evaluate: a predict_fn that makes its own trace)
        return wrapped

    if func is not None:
        return decorate(func)
    return decorate
