"""A parsed trace query (``nbtrace._query.parser``) as SQL over the store's tables
(``schema.py``), with the semantics of ``nbtrace._query.match`` — the same query
selects the same traces in memory, in the viewer and here:

- three-valued logic: a scalar fact the trace lacks is NULL, and SQLite's AND /
  OR / NOT on NULL are the ones ``match`` implements; sets (spans, models,
  assessments) are ``EXISTS`` subqueries, never NULL;
- ``=`` on text is exact (BINARY collation); status and span type compare
  upper-cased by Python's ``str.upper`` (``nb_upper``); a number field against
  TRUE / FALSE is false; an assessment value compares as a number with a number
  (``num``), else as text (``text``);
- LIKE / ILIKE call ``nb_like`` and RLIKE the ``REGEXP`` operator: Python
  functions registered on the connection that run ``match``'s own patterns, so
  the wildcards, case rules and regular expressions are exactly those of memory;
- time fields were turned into epoch ms by the parser.

``trace.text`` (every span's name and content) has no column: a query that names
it selects *candidates* in SQL with a condition every match satisfies (each
untranslated clause counts as possibly true, or possibly false under a NOT), and
each candidate is finished in Python — the SQL clauses' own truth values come
back as columns, ``trace.text`` clauses are evaluated by ``match.matches`` on the
text rebuilt from the ``spans`` rows, and the tree is combined with the same
three-valued rules (:meth:`Plan.finish`).
"""
from __future__ import annotations

import dataclasses
from typing import Any, Callable

from .._query.match import like_pattern, matches, text_of
from .._query.parser import Condition, Group
from .schema import TRACE_COLUMNS

Fragment = tuple  # (sql text, [params])


def register_functions(conn: Any) -> None:
    """The Python functions the translated SQL calls (on every connection that queries)."""
    conn.create_function("nb_upper", 1, _upper, deterministic=True)
    conn.create_function("nb_like", 3, _like, deterministic=True)
    conn.create_function("regexp", 2, _regexp, deterministic=True)


def _upper(x: Any) -> Any:
    return None if x is None else text_of(x).upper()


def _like(mode: str, pattern: str, x: Any) -> Any:
    if x is None:
        return None
    text = text_of(x)
    if mode == "LIKE_CASELESS":
        text, pattern, mode = text.upper(), pattern.upper(), "LIKE"
    return int(like_pattern(pattern, mode).search(text) is not None)


def _regexp(pattern: str, x: Any) -> Any:
    return None if x is None else int(like_pattern(pattern, "RLIKE").search(text_of(x)) is not None)


def _is_number(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


class _NoSql(Exception):
    """A clause with no SQL translation (``trace.text``)."""


# ---------------------------------------------------------------- one clause
def _eq(kind: str, x: Fragment, lit: Any) -> Fragment:
    sql, params = x
    if kind == "number":
        if _is_number(lit):
            return f"({sql} = ?)", [*params, lit]
        return f"(CASE WHEN {sql} IS NULL THEN NULL ELSE 0 END)", list(params)
    if kind == "caseless":
        return f"(nb_upper({sql}) = ?)", [*params, text_of(lit).upper()]
    if kind == "value":
        if _is_number(lit):
            return "((a.num IS NOT NULL AND a.num = ?) OR (a.num IS NULL AND a.text = ?))", [lit, text_of(lit)]
        return "(a.text = ?)", [text_of(lit)]
    return f"({sql} = ?)", [*params, text_of(lit)]


def _holds(c: Condition, kind: str, x: Fragment) -> Fragment:
    """SQL for ``match._holds(c, v)`` where ``x`` is v (NULL in, NULL out for scalars)."""
    sql, params = x
    if c.kind == "compare":
        if c.op in ("=", "!="):
            eq, p = _eq(kind, x, c.value)
            return (eq, p) if c.op == "=" else (f"(NOT {eq})", p)
        if kind == "value":
            if _is_number(c.value):
                return f"(a.num IS NOT NULL AND a.num {c.op} ?)", [c.value]
            return "0", []
        if kind == "number" and _is_number(c.value):
            return f"({sql} {c.op} ?)", [*params, c.value]
        return f"(CASE WHEN {sql} IS NULL THEN NULL ELSE 0 END)", list(params)
    if c.kind == "like":
        if c.op == "RLIKE":
            out = f"({sql} REGEXP ?)", [*params, c.value]
        else:
            mode = "LIKE_CASELESS" if kind == "caseless" and c.op == "LIKE" else c.op
            out = f"nb_like(?, ?, {sql})", [mode, c.value, *params]
        return (f"(NOT {out[0]})", out[1]) if c.negated else out
    parts = [_eq(kind, x, lit) for lit in c.values]  # IN
    any_sql = "(" + " OR ".join(p[0] for p in parts) + ")"
    any_params = [v for p in parts for v in p[1]]
    return (f"(NOT {any_sql})", any_params) if c.negated else (any_sql, any_params)


_SPAN_COLUMNS = {"name": "name", "type": "type", "status": "status", "content": "content", "model": "model"}


def _member_table(field: Any) -> tuple:
    """(FROM + WHERE of the set's subquery, its params, the member expression, its kind)."""
    if field.source == "span":
        col = _SPAN_COLUMNS[field.key]
        kind = "caseless" if field.key in ("type", "status") else "text"
        return "spans s WHERE s.trace_id = t.trace_id", [], f"s.{col}", kind
    if field.source in ("feedback", "expectation"):
        return ("assessments a WHERE a.trace_id = t.trace_id AND a.kind = ? AND a.name = ?",
                [field.source, field.key], "a.text", "value")
    return "models m WHERE m.trace_id = t.trace_id", [], "m.model", "text"


def scalar_sql(field: Any) -> tuple:
    """(value fragment, kind) of a scalar field."""
    if field.source in ("tag", "metadata"):
        table = "trace_tags" if field.source == "tag" else "trace_metadata"
        return (f"(SELECT value FROM {table} WHERE trace_id = t.trace_id AND key = ?)", [field.key]), "text"
    column = TRACE_COLUMNS.get(field.key)
    if column is None:
        raise _NoSql(field.key)
    kind = {"number": "number", "time": "number", "status": "caseless"}.get(field.type, "text")
    return (f"t.{column}", []), kind


def condition_sql(c: Condition) -> Fragment:
    """The clause as a three-valued SQL expression over ``traces t``; raises _NoSql."""
    if c.field.many:
        source, params, member, kind = _member_table(c.field)
        head = f"SELECT 1 FROM {source} AND {member} IS NOT NULL"
        if c.kind == "null":
            return (f"EXISTS ({head})" if c.negated else f"NOT EXISTS ({head})"), params
        sql, p = _holds(c, kind, (member, []))
        return f"EXISTS ({head} AND {sql})", [*params, *p]
    x, kind = scalar_sql(c.field)
    if c.kind == "null":
        return f"({x[0]} IS {'NOT ' if c.negated else ''}NULL)", list(x[1])
    return _holds(c, kind, x)


# ---------------------------------------------------------------- the query
@dataclasses.dataclass
class Plan:
    """``where``/``params``: the SQL filter (exact when ``leaves`` is empty, else a
    superset of the matches); ``leaves``: SQL clauses to select as extra columns,
    whose values :meth:`finish` combines with the Python ones."""

    where: str
    params: list
    query: Any = None
    leaves: list = dataclasses.field(default_factory=list)
    columns: dict = dataclasses.field(default_factory=dict)  # id(condition) → index in leaves

    @property
    def exact(self) -> bool:
        return self.query is None

    def finish(self, values: tuple, text: Callable[[], str]) -> bool:
        """Does a candidate match? ``values``: its leaf columns; ``text()``: its trace.text."""
        cache: dict = {}

        def facts() -> dict:
            if "text" not in cache:
                cache["text"] = text()
            return cache

        def truth(q: Any) -> bool | None:
            if isinstance(q, Group):
                if q.kind == "not":
                    t = truth(q.items[0])
                    return None if t is None else not t
                unknown = False
                for item in q.items:
                    t = truth(item)
                    if t is (q.kind == "or"):
                        return t
                    unknown = unknown or t is None
                return None if unknown else q.kind == "and"
            index = self.columns.get(id(q))
            if index is not None:
                v = values[index]
                return None if v is None else bool(v)
            return matches(q, facts())  # trace.text: always there, so never unknown

        return truth(self.query) is True


def _true_false(q: Any, leaves: list, columns: dict) -> tuple:
    """(SQL that holds wherever q is true, SQL that holds wherever q is false)."""
    if isinstance(q, Group):
        if q.kind == "not":
            t, f = _true_false(q.items[0], leaves, columns)
            return f, t
        parts = [_true_false(item, leaves, columns) for item in q.items]
        join_t, join_f = (" AND ", " OR ") if q.kind == "and" else (" OR ", " AND ")
        return ("(" + join_t.join(p[0][0] for p in parts) + ")", [v for p in parts for v in p[0][1]]), \
               ("(" + join_f.join(p[1][0] for p in parts) + ")", [v for p in parts for v in p[1][1]])
    try:
        sql, params = condition_sql(q)
    except _NoSql:
        return ("1", []), ("1", [])
    columns[id(q)] = len(leaves)
    leaves.append((sql, params))
    return (f"({sql})", params), (f"(NOT {sql})", params)


def _translatable(q: Any) -> bool:
    if isinstance(q, Group):
        return all(_translatable(item) for item in q.items)
    try:
        condition_sql(q)
    except _NoSql:
        return False
    return True


def plan(query: Any) -> Plan:
    """The SQL for a parsed query (``None``: every trace)."""
    if query is None:
        return Plan("1", [])
    if _translatable(query):  # then "true wherever the query is" is the query itself
        where = _true_false(query, [], {})[0]
        return Plan(where[0], list(where[1]))
    leaves: list = []
    columns: dict = {}
    where, _ = _true_false(query, leaves, columns)
    return Plan(where[0], list(where[1]), query=query, leaves=leaves, columns=columns)

