"""Numbers over many rows: percentiles (linear, as numpy's default), each
scorer's aggregations (mean by default; the pass rate for pass/fail scores;
min, max, median, p90, sum on request) and the run's own metrics (latency
p50/p95, tokens, cost, errors)."""
from __future__ import annotations

import math
from typing import Any

from .scorer import passed


def percentile(values: list, q: float) -> float | None:
    """The ``q``-th percentile (0..100) by linear interpolation; None for no values."""
    xs = sorted(v for v in values if isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v))
    if not xs:
        return None
    k = (len(xs) - 1) * q / 100
    lo, hi = math.floor(k), math.ceil(k)
    return float(xs[lo]) if lo == hi else xs[lo] + (xs[hi] - xs[lo]) * (k - lo)


def numeric(value: Any) -> float | None:
    """A score as a number: True/False/"yes"/"no" → 1/0; numbers as they are; else None."""
    verdict = passed(value)
    if verdict is not None:
        return 1.0 if verdict else 0.0
    if isinstance(value, (int, float)) and math.isfinite(value):
        return float(value)
    return None


def is_pass_fail(values: list) -> bool:
    return bool(values) and all(passed(v) is not None for v in values)


def aggregate(values: list, aggregations: list | None = None) -> dict:
    """``{aggregation: number}`` over the values (errors left out before)."""
    xs = [x for x in (numeric(v) for v in values) if x is not None]
    if not xs:
        return {}
    wanted = aggregations or (["pass_rate"] if is_pass_fail(values) else ["mean"])
    out: dict = {}
    for agg in wanted:
        if agg in ("mean", "pass_rate"):
            out[agg] = sum(xs) / len(xs)
        elif agg == "min":
            out[agg] = min(xs)
        elif agg == "max":
            out[agg] = max(xs)
        elif agg == "median":
            out[agg] = percentile(xs, 50)
        elif agg == "p90":
            out[agg] = percentile(xs, 90)
        elif agg == "sum":
            out[agg] = sum(xs)
    return out
