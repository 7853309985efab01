"""The trace query language: MLflow's ``search_traces`` filter strings, and more
(the TypeScript twin, ``src/rows/query/parser.ts``, has the same grammar and
messages; ``tests/query/cases.json`` holds them both to it)::

    query      := or
    or         := and ( OR and )*
    and        := not ( AND not )*
    not        := NOT not | '(' or ')' | comparison
    comparison := field op value | field [NOT] LIKE|ILIKE|RLIKE 'pattern'
                | field [NOT] IN ( value, ... ) | field IS [NOT] NULL
    field      := part ( '.' part )*        part := word | `backticked key`
    op         := = | != | <> | > | >= | < | <=
    value      := 'string' | "string" | number | TRUE | FALSE

Keywords are case-insensitive; a time field also takes a date string
('2026-12-01', '2026-12-01T10:00:00Z'; no zone: UTC).
"""
from __future__ import annotations

import datetime
import json
import re
from dataclasses import dataclass
from typing import Any

from .fields import Field, resolve_field
from .lexer import QueryError, Token, tokenize

KEYWORDS = {"AND", "OR", "NOT", "IN", "LIKE", "ILIKE", "RLIKE", "IS", "NULL", "TRUE", "FALSE"}


@dataclass(frozen=True)
class Condition:
    kind: str  # compare like in null
    field: Field
    op: str = ""
    value: Any = None
    values: tuple = ()
    negated: bool = False


@dataclass(frozen=True)
class Group:
    kind: str  # and or not
    items: tuple


def parse_query(query: str) -> Condition | Group | None:
    """The query as a tree; None for an empty one (everything matches)."""
    p = _Parser(tokenize(query))
    if p.peek().kind == "end":
        return None
    q = p.or_()
    rest = p.peek()
    if rest.kind != "end":
        raise QueryError(f"expected AND, OR or the end of the query, found {_describe(rest)}", rest.at)
    return q


def _describe(t: Token) -> str:
    if t.kind == "end":
        return "the end of the query"
    if t.kind == "string":
        return f"the string '{t.text}'"
    if t.kind == "key":
        return f"`{t.text}`"
    return json.dumps(t.text, ensure_ascii=False)


def date_ms(text: str) -> float | None:
    """Epoch ms of an ISO date or date-time (no zone: UTC), or None."""
    try:
        moment = datetime.datetime.fromisoformat(text.strip().replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=datetime.timezone.utc)
    return moment.timestamp() * 1000


class _Parser:
    def __init__(self, tokens: list) -> None:
        self.tokens = tokens
        self.i = 0

    def peek(self) -> Token:
        return self.tokens[self.i]

    def next(self) -> Token:
        t = self.tokens[self.i]
        self.i += 1
        return t

    def is_word(self, word: str, t: Token | None = None) -> bool:
        t = t or self.peek()
        return t.kind == "word" and t.text.upper() == word

    def fail(self, message: str, t: Token):
        raise QueryError(message, t.at)

    def or_(self):
        items = [self.and_()]
        while self.is_word("OR"):
            self.i += 1
            items.append(self.and_())
        return items[0] if len(items) == 1 else Group("or", tuple(items))

    def and_(self):
        items = [self.not_()]
        while self.is_word("AND"):
            self.i += 1
            items.append(self.not_())
        return items[0] if len(items) == 1 else Group("and", tuple(items))

    def not_(self):
        if self.is_word("NOT"):
            self.i += 1
            return Group("not", (self.not_(),))
        if self.peek().kind == "(":
            self.i += 1
            inner = self.or_()
            close = self.peek()
            if close.kind != ")":
                self.fail(f"expected ) to close the ( here, found {_describe(close)}", close)
            self.i += 1
            return inner
        return self.comparison()

    def field(self) -> Field:
        start = self.peek()
        parts: list = []
        while True:
            t = self.peek()
            if t.kind == "key" or (t.kind == "word" and not (not parts and t.text.upper() in KEYWORDS)):
                parts.append(t.text)
                self.i += 1
            else:
                self.fail("expected a field (e.g. trace.status, tag.name, tokens), found " + _describe(t) if not parts
                          else f"expected a key after the dot, found {_describe(t)}", t)
            if self.peek().kind != ".":
                break
            self.i += 1
        found = resolve_field(parts)
        if isinstance(found, str):
            self.fail(found, start)
        return found

    def value(self, field: Field) -> Any:
        t = self.next()
        if t.kind == "string":
            if field.type == "number":
                self.fail(f"{field.label} is a number: write it without quotes", t)
            return t.text
        if t.kind == "number":
            return t.text if field.type in ("text", "status") else float(t.text)
        if self.is_word("TRUE", t) or self.is_word("FALSE", t):
            return t.text.upper() == "TRUE"
        self.fail(f"expected a value ('text', a number, TRUE or FALSE), found {_describe(t)}", t)

    def comparison(self) -> Condition:
        field = self.field()
        negated = self.is_word("NOT")
        if negated:
            self.i += 1
        word = self.peek().text.upper() if self.peek().kind == "word" else ""
        if word in ("LIKE", "ILIKE", "RLIKE"):
            op_token = self.next()
            if field.type in ("number", "time"):
                self.fail(f"{field.label} is a number: compare it with =, !=, <, <=, >, >=", op_token)
            pattern = self.next()
            if pattern.kind != "string":
                self.fail(f"{word} takes a quoted pattern, found {_describe(pattern)}", pattern)
            if word == "RLIKE":
                try:
                    re.compile(pattern.text)
                except re.error as exc:
                    self.fail(f"not a regular expression: {exc}", pattern)
            return Condition("like", field, op=word, value=pattern.text, negated=negated)
        if word == "IN":
            self.i += 1
            opening = self.next()
            if opening.kind != "(":
                self.fail(f"IN takes a list in parentheses: IN ('a', 'b'), found {_describe(opening)}", opening)
            values = [self.value(field)]
            while self.peek().kind == ",":
                self.i += 1
                values.append(self.value(field))
            close = self.next()
            if close.kind != ")":
                self.fail(f"expected , or ) in the IN list, found {_describe(close)}", close)
            return Condition("in", field, values=tuple(_time_value(field, v, close) for v in values), negated=negated)
        if negated:
            self.fail(f"expected LIKE, ILIKE, RLIKE or IN after NOT, found {_describe(self.peek())}", self.peek())
        if word == "IS":
            self.i += 1
            is_not = self.is_word("NOT")
            if is_not:
                self.i += 1
            if not self.is_word("NULL"):
                self.fail(f"expected NULL, found {_describe(self.peek())}", self.peek())
            self.i += 1
            return Condition("null", field, negated=is_not)
        op = self.next()
        if op.kind != "op":
            self.fail(f"expected an operator (=, !=, <, <=, >, >=, LIKE, IN, IS NULL) after {field.label}, "
                      f"found {_describe(op)}", op)
        if op.text not in ("=", "!=") and field.type in ("text", "status"):
            self.fail(f"{field.label} is text: compare it with =, !=, LIKE, ILIKE, RLIKE or IN", op)
        at = self.peek()
        return Condition("compare", field, op=op.text, value=_time_value(field, self.value(field), at))


def _time_value(field: Field, v: Any, t: Token) -> Any:
    if field.type != "time" or not isinstance(v, str):
        return v
    ms = date_ms(v)
    if ms is None:
        raise QueryError(f"{field.label} takes epoch milliseconds or a date ('2026-12-01T10:00:00Z'), not '{v}'", t.at)
    return ms
