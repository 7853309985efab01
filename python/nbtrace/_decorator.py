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
(:class:`_InputsPlan` replaces ``inspect.Signature.bind``; the span type, the
function name and constant attributes are JSON-encoded once), and a call's span
is created complete — inputs included — so listeners hear of it once when it
starts and once when it ends (outputs included).
"""
from __future__ import annotations

import functools
import inspect
from time import time_ns as _time_ns
from typing import Any, Callable

from . import _context, _span
from ._collector import _USE_CURRENT, get_collector
from ._context import _current_span
from ._serialize import to_jsonable
from ._span import FUNCTION_NAME_KEY, NON_ERROR_EXCEPTIONS, TOKEN_USAGE_KEY, Span
from ._util import report_internal_error

MAX_GENERATOR_ITEMS = 1_000


def _capture_inputs(signature: inspect.Signature | None, args: tuple, kwargs: dict) -> Any:
    """The general (slow) way, with ``Signature.bind``. :class:`_InputsPlan` does the
    same faster for the common cases and falls back to this for everything else."""
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


_EMPTY = inspect.Parameter.empty
_POSITIONAL_ONLY = inspect.Parameter.POSITIONAL_ONLY
_POSITIONAL_OR_KEYWORD = inspect.Parameter.POSITIONAL_OR_KEYWORD
_VAR_POSITIONAL = inspect.Parameter.VAR_POSITIONAL
_KEYWORD_ONLY = inspect.Parameter.KEYWORD_ONLY
_VAR_KEYWORD = inspect.Parameter.VAR_KEYWORD


class _InputsPlan:
    """A function's parameters, read once at decoration time, to turn a call's
    ``(args, kwargs)`` into the span inputs without ``Signature.bind``.

    Same result as :func:`_capture_inputs` — bound arguments in parameter order,
    defaults applied, a first parameter named ``self``/``cls`` dropped, ``**kwargs``
    flattened — and any call it does not handle exactly (one that will raise a
    ``TypeError``: missing, duplicate or unexpected arguments) goes to
    :func:`_capture_inputs`.
    """

    __slots__ = ("signature", "params", "n_positional", "var_positional", "var_keyword",
                 "keyword_names", "skip_first", "simple")

    def __init__(self, signature: inspect.Signature | None) -> None:
        self.signature = signature
        self.params: tuple = ()
        self.n_positional = 0
        self.var_positional = self.var_keyword = self.skip_first = False
        self.keyword_names: frozenset = frozenset()
        self.simple = signature is not None
        if signature is None:
            return
        params = list(signature.parameters.values())
        # (name, kind, default) in order; the positional ones come first
        self.params = tuple((p.name, p.kind, p.default) for p in params)
        self.n_positional = sum(1 for p in params
                                if p.kind in (_POSITIONAL_ONLY, _POSITIONAL_OR_KEYWORD))
        self.var_positional = any(p.kind is _VAR_POSITIONAL for p in params)
        self.var_keyword = any(p.kind is _VAR_KEYWORD for p in params)
        self.keyword_names = frozenset(p.name for p in params
                                       if p.kind in (_POSITIONAL_OR_KEYWORD, _KEYWORD_ONLY))
        self.skip_first = bool(params) and params[0].name in ("self", "cls")

    def inputs(self, args: tuple, kwargs: dict) -> Any:
        if not self.simple:
            return _capture_inputs(self.signature, args, kwargs)
        n_args = len(args)
        if n_args > self.n_positional and not self.var_positional:
            return _capture_inputs(self.signature, args, kwargs)  # too many: a TypeError
        inputs: dict = {}
        used = 0  # keyword arguments bound to named parameters
        index = 0
        for name, kind, default in self.params:
            if kind is _POSITIONAL_OR_KEYWORD or kind is _POSITIONAL_ONLY:
                if index < n_args:
                    if kind is _POSITIONAL_OR_KEYWORD and kwargs and name in kwargs:
                        return _capture_inputs(self.signature, args, kwargs)  # given twice
                    value = args[index]
                elif kind is _POSITIONAL_OR_KEYWORD and kwargs and name in kwargs:
                    value = kwargs[name]
                    used += 1
                elif default is not _EMPTY:
                    value = default
                else:
                    return _capture_inputs(self.signature, args, kwargs)  # missing
            elif kind is _KEYWORD_ONLY:
                if kwargs and name in kwargs:
                    value = kwargs[name]
                    used += 1
                elif default is not _EMPTY:
                    value = default
                else:
                    return _capture_inputs(self.signature, args, kwargs)  # missing
            elif kind is _VAR_POSITIONAL:
                value = args[self.n_positional:]
            else:  # **kwargs: flattened below, after the named parameters
                index += 1
                continue
            if index or not self.skip_first:
                inputs[name] = value
            index += 1
        if used != len(kwargs):
            if not self.var_keyword:
                return _capture_inputs(self.signature, args, kwargs)  # unexpected keyword
            names = self.keyword_names
            for key, item in kwargs.items():
                if key not in names:
                    inputs.setdefault(key, item)
        return inputs


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
        self.plan = _InputsPlan(signature)
        self.name = name
        self.span_type = span_type
        self.type_json: str | None = None  # (None: computed per call)
        self.attributes = None  # attributes set per call, when not constant
        self.fixed: dict | None = None
        try:
            self.type_json = _span.dumps(span_type)
            fixed: dict = {}
            if attributes:
                if all(type(k) is str and k != TOKEN_USAGE_KEY
                       and type(v) in (str, int, float, bool, type(None))
                       for k, v in attributes.items()):
                    fixed.update((k, _span.dumps(v)) for k, v in attributes.items())
                else:  # mutable values are encoded at each call, as they are then
                    self.attributes = attributes
            fixed[FUNCTION_NAME_KEY] = _span.dumps(getattr(func, "__name__", name))
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
                inputs = _span.dumps(self.plan.inputs(args, kwargs))
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
                    encoded = _span.dumps(outputs)
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


def _detach(token: Any, span: Span) -> None:
    """Undo ``_current_span.set(span)`` (see :func:`nbtrace._context.detach`)."""
    try:
        _current_span.reset(token)
    except (ValueError, RuntimeError):  # set in another context
        _current_span.set(span._parent)


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
            token = _current_span.set(span)
            try:
                result = await func(*args, **kwargs)
            except BaseException as exc:
                _detach(token, span)
                _finish(span, _NO_OUTPUT, exc)
                raise
            _detach(token, span)
            _finish(span, result)
            return result
        return async_wrapper

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        span = start(args, kwargs)
        if span is None:
            return func(*args, **kwargs)
        token = _current_span.set(span)
        try:
            result = func(*args, **kwargs)
        except BaseException as exc:
            _detach(token, span)
            _finish(span, _NO_OUTPUT, exc)
            raise
        _detach(token, span)
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
        return _wrap(f, str(span_name), str(span_type or "UNKNOWN"), fixed)

    if func is not None:
        return decorate(func)
    return decorate
