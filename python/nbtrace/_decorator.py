"""``@nbtrace.trace``: wrap sync, async, generator and async-generator functions.

Inputs are the bound arguments (defaults applied, ``self``/``cls`` dropped,
``**kwargs`` flattened like MLflow); outputs are the return value, or for
generators the list of yielded items (bounded). The span is current only while
the function body runs — for generators, only during each step — so the
consumer's own spans never nest under a generator span. Exceptions are recorded
and re-raised untouched; tracing failures never reach the caller.
"""
from __future__ import annotations

import functools
import inspect
from typing import Any, Callable

from . import _context
from ._collector import get_collector
from ._serialize import to_jsonable
from ._span import FUNCTION_NAME_KEY, NON_ERROR_EXCEPTIONS, Span
from ._util import report_internal_error

MAX_GENERATOR_ITEMS = 1_000


def _capture_inputs(signature: inspect.Signature | None, args: tuple, kwargs: dict) -> Any:
    if signature is None:
        return {"args": list(args), "kwargs": kwargs}
    try:
        bound = signature.bind(*args, **kwargs)
    except TypeError:  # the call itself will fail with the user's own TypeError
        return {"args": list(args), "kwargs": kwargs}
    bound.apply_defaults()
    inputs: dict = {}
    params = list(signature.parameters.values())
    for index, (name, value) in enumerate(bound.arguments.items()):
        param = signature.parameters[name]
        if index == 0 and name in ("self", "cls") and params and params[0].name == name:
            continue
        if param.kind is inspect.Parameter.VAR_KEYWORD:
            for key, item in value.items():
                inputs.setdefault(key, item)
        else:
            inputs[name] = value
    return inputs


def _start(func: Callable, signature: Any, name: str, span_type: str, attributes: dict | None,
           args: tuple, kwargs: dict) -> Span | None:
    try:
        span = get_collector().start_span(name, span_type=span_type, attributes=attributes)
        span.set_attribute(FUNCTION_NAME_KEY, getattr(func, "__name__", name))
        span.set_inputs(_capture_inputs(signature, args, kwargs))
        return span
    except Exception as exc:
        report_internal_error("starting a span", exc)
        return None


def _finish(span: Span, outputs: Any, exc: BaseException | None = None) -> None:
    """Record outputs (unless the body already set them) and any error; end the span.
    A span already ended (e.g. by its root, for an abandoned generator) is left as is."""
    try:
        if span.is_ended:
            return
        if outputs is not _NO_OUTPUT and not span._outputs_set:
            span.set_outputs(outputs)
        if exc is not None and not isinstance(exc, NON_ERROR_EXCEPTIONS):
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
    try:
        signature: inspect.Signature | None = inspect.signature(func)
    except (TypeError, ValueError):
        signature = None

    def start(args: tuple, kwargs: dict) -> Span | None:
        return _start(func, signature, name, span_type, attributes, args, kwargs)

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
                _context.detach(token, span.parent)
                _finish(span, _NO_OUTPUT, exc)
                raise
            _context.detach(token, span.parent)
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
            _context.detach(token, span.parent)
            _finish(span, _NO_OUTPUT, exc)
            raise
        _context.detach(token, span.parent)
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
        return _wrap(f, str(span_name), str(span_type or "UNKNOWN"),
                     dict(attributes) if attributes else None)

    if func is not None:
        return decorate(func)
    return decorate
