"""What a scorer is: any function of ``(inputs, outputs, expectations, trace)``
— arguments bound by name, so it takes only what it needs, as MLflow's
``@scorer`` — returning ``bool | number | str | Feedback | list[Feedback]``
(also Phoenix's ``(score, explanation)`` tuples and ``{score|label|value,
explanation|rationale}`` dicts). :class:`Scorer` wraps one with a name, an
aggregation and whether higher is better; :func:`scorer` is its decorator.
"""
from __future__ import annotations

import dataclasses
import inspect
from collections.abc import Mapping
from typing import Any, Callable

ARGUMENTS = ("inputs", "outputs", "expectations", "trace")
AGGREGATIONS = ("mean", "pass_rate", "min", "max", "median", "p90", "sum")
PASS_WORDS = {"yes": True, "no": False, "pass": True, "fail": False, "passed": True, "failed": False,
              "true": True, "false": False, "correct": True, "incorrect": False}


@dataclasses.dataclass
class Feedback:
    """One score: ``value`` (bool, number or text), why (``rationale``), its ``name``
    (default: the scorer's), an ``error`` instead of a value, optional ``metadata``,
    ``span_id`` when it is about one span of the trace, and the scorer's own
    ``trace`` when it made one (a judge)."""

    value: Any = None
    rationale: str | None = None
    name: str | None = None
    error: str | None = None
    metadata: dict | None = None
    span_id: str | None = None
    #: The scorer's own trace document (an LLM judge's call), shown under the score.
    trace: Any = dataclasses.field(default=None, repr=False)


def passed(value: Any) -> bool | None:
    """A value read as pass / fail: bools, and the words judges answer ("yes", "no", ...)."""
    if isinstance(value, bool):
        return value
    if isinstance(value, str):
        return PASS_WORDS.get(value.strip().lower())
    return None


def _feedbacks(result: Any, name: str) -> list:
    """A scorer's return value as Feedbacks."""
    if isinstance(result, Feedback):
        return [dataclasses.replace(result, name=result.name or name)]
    if isinstance(result, (list, tuple)) and result and all(isinstance(r, Feedback) for r in result):
        return [dataclasses.replace(r, name=r.name or (name if len(result) == 1 else f"{name}/{i}"))
                for i, r in enumerate(result)]
    if isinstance(result, tuple) and len(result) == 2 and isinstance(result[1], (str, type(None))):
        return [Feedback(value=result[0], rationale=result[1], name=name)]  # Phoenix (score, explanation)
    if isinstance(result, Mapping):
        value = next((result[k] for k in ("value", "score", "label") if k in result), None)
        why = next((result[k] for k in ("rationale", "explanation", "comment") if k in result), None)
        return [Feedback(value=value, rationale=None if why is None else str(why), name=str(result.get("name") or name),
                         metadata=result.get("metadata"))]
    if result is None:
        return [Feedback(name=name, error="the scorer returned nothing (None)")]
    if isinstance(result, (bool, int, float, str)):
        return [Feedback(value=result, name=name)]
    return [Feedback(name=name, error=f"the scorer returned a {type(result).__name__}; expected bool, number, "
                                      f"str, Feedback or a list of Feedback")]


class Scorer:
    """A named scoring function. Call ``scorer.run(inputs, outputs, expectations,
    trace)`` for its Feedbacks; an exception becomes one Feedback with ``error``."""

    def __init__(self, fn: Callable, name: str | None = None, aggregations: list | None = None,
                 higher_is_better: bool = True, source: str = "CODE") -> None:
        if not callable(fn):
            raise TypeError(f"a scorer is a function, got {type(fn).__name__}")
        self.fn = fn
        self.name = str(name or getattr(fn, "__name__", None) or type(fn).__name__)
        for agg in aggregations or ():
            if agg not in AGGREGATIONS:
                raise ValueError(f"scorer {self.name!r}: unknown aggregation {agg!r} (one of {', '.join(AGGREGATIONS)})")
        self.aggregations = list(aggregations) if aggregations else None
        self.higher_is_better = bool(higher_is_better)
        self.source = source
        self._takes = _arguments_of(fn, self.name)

    def __call__(self, inputs: Any = None, outputs: Any = None, expectations: Any = None, trace: Any = None) -> Any:
        given = {"inputs": inputs, "outputs": outputs, "expectations": expectations, "trace": trace}
        return self.fn(**{k: given[k] for k in self._takes})

    def run(self, inputs: Any, outputs: Any, expectations: Any, trace: Any) -> list:
        try:
            return _feedbacks(self(inputs, outputs, expectations, trace), self.name)
        except Exception as exc:  # a scorer's failure marks its score, never the run
            return [Feedback(name=self.name, error=f"{type(exc).__name__}: {exc}")]

    def __repr__(self) -> str:
        return f"<nbtrace scorer {self.name!r}>"


def _arguments_of(fn: Callable, name: str) -> tuple:
    """Which of ARGUMENTS ``fn`` takes (all of them for ``**kwargs``); raises on others it requires."""
    try:
        params = inspect.signature(fn).parameters.values()
    except (TypeError, ValueError):
        return ARGUMENTS
    if any(p.kind is inspect.Parameter.VAR_KEYWORD for p in params):
        return ARGUMENTS
    takes = tuple(p.name for p in params if p.name in ARGUMENTS)
    unknown = [p.name for p in params if p.name not in ARGUMENTS and p.default is inspect.Parameter.empty
               and p.kind not in (inspect.Parameter.VAR_POSITIONAL, inspect.Parameter.VAR_KEYWORD)]
    if unknown:
        raise TypeError(f"scorer {name!r}: parameter(s) {', '.join(unknown)} cannot be given; a scorer takes "
                        f"any of {', '.join(ARGUMENTS)} (by name)")
    return takes


def scorer(func: Callable | None = None, *, name: str | None = None, aggregations: list | None = None,
           higher_is_better: bool = True) -> Any:
    """Make a function a scorer: ``@nbtrace.scorer`` or ``@nbtrace.scorer(name=...,
    aggregations=["mean", "p90"])``. It may take any of ``inputs``, ``outputs``,
    ``expectations``, ``trace`` (by name) and return a bool, a number, a string, a
    :class:`Feedback` or a list of them."""
    def wrap(fn: Callable) -> Scorer:
        return Scorer(fn, name=name, aggregations=aggregations, higher_is_better=higher_is_better)

    return wrap(func) if func is not None else wrap


def as_scorer(obj: Any) -> Scorer:
    """A Scorer from what a user passes in ``scorers=``: a Scorer, a built-in given
    without its call (``scorers.no_errors``), or any function."""
    if isinstance(obj, Scorer):
        return obj
    if getattr(obj, "_nbtrace_scorer_factory", False):
        try:
            return obj()
        except TypeError as exc:
            raise TypeError(f"scorers.{obj.__name__} needs its arguments, e.g. scorers.{obj.__name__}(...): {exc}") \
                from None
    if callable(obj):
        return Scorer(obj)
    raise TypeError(f"not a scorer: {obj!r} (a function of inputs/outputs/expectations/trace, or nbtrace.scorer)")
