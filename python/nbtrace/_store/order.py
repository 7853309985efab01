"""``search_traces(order_by=[...])``: MLflow's form (``"timestamp_ms DESC"``,
``"trace.execution_time_ms ASC"``, ``"attributes.name"``; the direction defaults to
ASC), with any scalar field of the query language (``tokens DESC``, ``cost``,
``tag.env``, ``session``). Missing values sort last either way; ties are broken by
the start time (newest first), then the trace id, so SQL and memory give one
order. No order: newest first."""
from __future__ import annotations

import dataclasses
import functools
import math
from typing import Any

from .._query.fields import Field, resolve_field
from .._query.lexer import QueryError, tokenize


@dataclasses.dataclass(frozen=True)
class OrderKey:
    field: Field
    descending: bool


def _fail(item: str, why: str) -> None:
    raise ValueError(f"nbtrace.search_traces: order_by {item!r}: {why}")


def parse_order_by(order_by: Any) -> list:
    """``order_by`` (a string, a list of them, or None) as :class:`OrderKey` s."""
    if order_by is None:
        return []
    items = [order_by] if isinstance(order_by, str) else order_by
    if not isinstance(items, (list, tuple)):
        raise ValueError("nbtrace.search_traces: order_by must be a list of strings like 'timestamp_ms DESC'")
    keys = []
    for item in items:
        if not isinstance(item, str):
            raise ValueError(f"nbtrace.search_traces: order_by items must be strings, not {type(item).__name__}")
        try:
            tokens = tokenize(item)
        except QueryError as exc:
            _fail(item, str(exc))
        parts: list = []
        i = 0
        while tokens[i].kind in ("word", "key"):
            parts.append(tokens[i].text)
            i += 1
            if tokens[i].kind != ".":
                break
            i += 1
        descending = False
        if tokens[i].kind == "word" and tokens[i].text.upper() in ("ASC", "DESC") and parts:
            descending = tokens[i].text.upper() == "DESC"
            i += 1
        if not parts or tokens[i].kind != "end":
            _fail(item, "write a field and ASC or DESC, e.g. 'timestamp_ms DESC'")
        field = resolve_field(parts)
        if isinstance(field, str):
            _fail(item, field)
        if field.many or field.source not in ("trace", "tag", "metadata") or field.key == "text":
            _fail(item, f"{field.label} has several values or none per trace: sort by a scalar field "
                        "(timestamp_ms, execution_time_ms, name, status, tokens, cost, tag.<key>, ...)")
        keys.append(OrderKey(field, descending))
    return keys


def value_of(field: Field, facts: dict) -> Any:
    """The fact a sort key reads (None when missing)."""
    if field.source in ("tag", "metadata"):
        v = (facts.get("tags" if field.source == "tag" else "metadata") or {}).get(field.key)
    else:
        v = facts.get(field.key)
    if isinstance(v, bool) or v is None or (isinstance(v, float) and math.isnan(v)):
        return None
    return v if isinstance(v, (int, float, str)) else None


def _compare(a: Any, b: Any, descending: bool) -> int:
    if a is None or b is None:
        return (a is None) - (b is None)  # missing last, either way
    ra, rb = isinstance(a, str), isinstance(b, str)  # SQLite: numbers before text
    if ra != rb:
        out = -1 if rb else 1
    else:
        out = (a > b) - (a < b)
    return -out if descending else out


TIE_BREAK = "(t.start_ms IS NULL), t.start_ms DESC, t.trace_id"


def sort_facts(items: list, keys: list, facts_of: Any = lambda item: item) -> list:
    """``items`` in the order of ``keys`` (then newest first, then by id), as SQL sorts them."""
    def cmp(x: Any, y: Any) -> int:
        fx, fy = facts_of(x), facts_of(y)
        for key in keys:
            out = _compare(value_of(key.field, fx), value_of(key.field, fy), key.descending)
            if out:
                return out
        out = _compare(fx.get("start_ms"), fy.get("start_ms"), True)
        return out or _compare(fx.get("id"), fy.get("id"), False)

    return sorted(items, key=functools.cmp_to_key(cmp))
