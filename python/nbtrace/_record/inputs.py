"""A traced function's inputs: the call's bound arguments, fast.

:class:`InputsPlan` reads a function's parameters once, at decoration time, and
turns each call's ``(args, kwargs)`` into the span inputs without
``inspect.Signature.bind``: bound arguments in parameter order, defaults
applied, a first parameter named ``self``/``cls`` dropped, ``**kwargs``
flattened (as MLflow records them). :func:`capture_inputs` is the general
(slow) way, which the plan falls back to for every call it does not handle
exactly.
"""
from __future__ import annotations

import inspect
from typing import Any


def capture_inputs(signature: inspect.Signature | None, args: tuple, kwargs: dict) -> Any:
    """The general (slow) way, with ``Signature.bind``. :class:`InputsPlan` does the
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


class InputsPlan:
    """A function's parameters, read once at decoration time, to turn a call's
    ``(args, kwargs)`` into the span inputs without ``Signature.bind``.

    Same result as :func:`capture_inputs` — bound arguments in parameter order,
    defaults applied, a first parameter named ``self``/``cls`` dropped, ``**kwargs``
    flattened — and any call it does not handle exactly (one that will raise a
    ``TypeError``: missing, duplicate or unexpected arguments) goes to
    :func:`capture_inputs`.
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
            return capture_inputs(self.signature, args, kwargs)
        n_args = len(args)
        if n_args > self.n_positional and not self.var_positional:
            return capture_inputs(self.signature, args, kwargs)  # too many: a TypeError
        inputs: dict = {}
        used = 0  # keyword arguments bound to named parameters
        index = 0
        for name, kind, default in self.params:
            if kind is _POSITIONAL_OR_KEYWORD or kind is _POSITIONAL_ONLY:
                if index < n_args:
                    if kind is _POSITIONAL_OR_KEYWORD and kwargs and name in kwargs:
                        return capture_inputs(self.signature, args, kwargs)  # given twice
                    value = args[index]
                elif kind is _POSITIONAL_OR_KEYWORD and kwargs and name in kwargs:
                    value = kwargs[name]
                    used += 1
                elif default is not _EMPTY:
                    value = default
                else:
                    return capture_inputs(self.signature, args, kwargs)  # missing
            elif kind is _KEYWORD_ONLY:
                if kwargs and name in kwargs:
                    value = kwargs[name]
                    used += 1
                elif default is not _EMPTY:
                    value = default
                else:
                    return capture_inputs(self.signature, args, kwargs)  # missing
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
                return capture_inputs(self.signature, args, kwargs)  # unexpected keyword
            names = self.keyword_names
            for key, item in kwargs.items():
                if key not in names:
                    inputs.setdefault(key, item)
        return inputs
