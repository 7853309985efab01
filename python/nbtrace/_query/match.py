"""Does a trace match a query? Over trace facts (``facts.py``), with SQL's rules
so that the same query gives the same traces in memory, in the store's SQL and
in the viewer (``src/rows/query/match.ts``): a scalar field the trace lacks
makes its clause unknown (three-valued AND / OR / NOT), and a clause on a set
(spans, assessments, models) holds when some member satisfies it.

Text compares exactly (``=``), LIKE with ``%`` / ``_`` (case-sensitive; ILIKE:
not), RLIKE is a regular-expression search; status and span type compare
case-insensitively. An assessment value compares as a number with a number,
else as text (``true`` / ``false`` for booleans)."""
from __future__ import annotations

import functools
import math
import re
from typing import Any

from .parser import Condition, Group


def matches(query: Condition | Group | None, facts: dict) -> bool:
    return query is None or _truth(query, facts) is True


def _truth(q: Any, f: dict) -> bool | None:
    if isinstance(q, Group):
        if q.kind == "not":
            t = _truth(q.items[0], f)
            return None if t is None else not t
        unknown = False
        for item in q.items:
            t = _truth(item, f)
            if t is (q.kind == "or"):  # True decides an OR, False an AND
                return t
            unknown = unknown or t is None
        return None if unknown else q.kind == "and"
    return _condition(q, f)


def _is_value(v: Any) -> bool:
    return isinstance(v, (str, bool)) or (isinstance(v, (int, float)) and not (isinstance(v, float) and math.isnan(v)))


def _scalar(field: Any, f: dict) -> Any:
    if field.source in ("tag", "metadata"):
        v = (f.get("tags" if field.source == "tag" else "metadata") or {}).get(field.key)
    else:
        v = f.get(field.key)
    return v if _is_value(v) else None


def _members(field: Any, f: dict) -> list:
    if field.source == "span":
        return [s.get(field.key) for s in f.get("spans") or () if _is_value(s.get(field.key))]
    if field.source in ("feedback", "expectation"):
        return [v for v in (f.get(field.source) or {}).get(field.key) or () if _is_value(v)]
    return [m for m in f.get("models") or () if _is_value(m)] if field.key == "models" else []


def _condition(c: Condition, f: dict) -> bool | None:
    if c.field.many:
        members = _members(c.field, f)
        if c.kind == "null":
            return bool(members) if c.negated else not members
        return any(_holds(c, v) for v in members)
    v = _scalar(c.field, f)
    if c.kind == "null":
        return (v is None) != c.negated
    return None if v is None else _holds(c, v)


def text_of(v: Any) -> str:
    """A value's text, as JavaScript's String() gives it: true / false, 3 not 3.0."""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float):
        if v.is_integer() and abs(v) < 1e21:
            return str(int(v))
        return repr(v)
    return str(v)


def _number(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def _caseless(field: Any) -> bool:
    return field.type == "status" or (field.source == "span" and field.key == "type")


def _equal(field: Any, v: Any, lit: Any) -> bool:
    if _number(v) and _number(lit):
        return v == lit
    a, b = text_of(v), text_of(lit)
    return a.upper() == b.upper() if _caseless(field) else a == b


@functools.lru_cache(maxsize=512)
def like_pattern(pattern: str, op: str) -> re.Pattern:
    """SQL LIKE → an anchored regular expression (``%``: any run, ``_``: one character)."""
    if op == "RLIKE":
        return re.compile(pattern)
    body = "".join(".*" if ch == "%" else "." if ch == "_" else re.escape(ch) for ch in pattern)
    return re.compile(f"^{body}$", re.DOTALL | (re.IGNORECASE if op == "ILIKE" else 0))


def _holds(c: Condition, v: Any) -> bool:
    if c.kind == "compare":
        if c.op in ("=", "!="):
            return _equal(c.field, v, c.value) == (c.op == "=")
        if not (_number(v) and _number(c.value)):
            return False
        return {">": v > c.value, ">=": v >= c.value, "<": v < c.value, "<=": v <= c.value}[c.op]
    if c.kind == "like":
        text, pattern = text_of(v), c.value
        if _caseless(c.field) and c.op == "LIKE":
            text, pattern = text.upper(), pattern.upper()
        return (like_pattern(pattern, c.op).search(text) is not None) != c.negated
    return any(_equal(c.field, v, lit) for lit in c.values) != c.negated
