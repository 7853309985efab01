"""The tokens of the trace query language (the grammar is in ``parser.py``; the
TypeScript twin is ``src/rows/query/lexer.ts``): words, `backticked keys`,
'single' or "double" quoted strings (a quote doubled or backslash-escaped
stands for itself), numbers, comparison operators, parentheses, commas, dots.
Every token keeps its offset, so an error can say where."""
from __future__ import annotations

import re
from dataclasses import dataclass

OPERATORS = ("!=", "<>", ">=", "<=", "=", ">", "<")
WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")
NUMBER = re.compile(r"-?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")


class QueryError(ValueError):
    """A query that does not parse: ``message`` says why, ``at`` where (0-based)."""

    def __init__(self, message: str, at: int) -> None:
        super().__init__(message)
        self.message = message
        self.at = at

    def __str__(self) -> str:
        return f"{self.message} (at character {self.at + 1})"


@dataclass(frozen=True)
class Token:
    kind: str  # word key string number op ( ) , . end
    text: str
    at: int


def _quoted(query: str, start: int, quote: str) -> tuple:
    out = []
    i = start + 1
    while i < len(query):
        c = query[i]
        if c == "\\" and i + 1 < len(query):
            out.append(query[i + 1])
            i += 2
        elif c == quote:
            if query[i + 1:i + 2] == quote:
                out.append(quote)
                i += 2
            else:
                return "".join(out), i + 1
        else:
            out.append(c)
            i += 1
    what = "backticked key" if quote == "`" else "string"
    raise QueryError(f"the {what} that starts here has no closing {quote}", start)


def _previous_char(query: str, i: int) -> str:
    j = i - 1
    while j >= 0 and query[j].isspace():
        j -= 1
    return query[j] if j >= 0 else ""


def tokenize(query: str) -> list:
    tokens = []
    i = 0
    n = len(query)
    while i < n:
        c = query[i]
        if c.isspace():
            i += 1
            continue
        if c in "'\"`":
            text, i2 = _quoted(query, i, c)
            tokens.append(Token("key" if c == "`" else "string", text, i))
            i = i2
            continue
        if c in "(),.":
            starts_number = (c == "." and query[i + 1:i + 2].isdigit()
                             and not re.match(r"[\w`]", query[i - 1:i] if i else ""))
            if not starts_number:
                tokens.append(Token(c, c, i))
                i += 1
                continue
        op = next((o for o in OPERATORS if query.startswith(o, i)), None)
        if op:
            tokens.append(Token("op", "!=" if op == "<>" else op, i))
            i += len(op)
            continue
        num = NUMBER.match(query, i)
        if num and (c != "-" or not re.match(r"[\w)]", _previous_char(query, i))):
            tokens.append(Token("number", num.group(0), i))
            i += len(num.group(0))
            continue
        word = WORD.match(query, i)
        if word:
            tokens.append(Token("word", word.group(0), i))
            i += len(word.group(0))
            continue
        raise QueryError(f"unexpected character {_js_string(c)}", i)
    tokens.append(Token("end", "", n))
    return tokens


def _js_string(c: str) -> str:
    """A character quoted as JSON (as the TypeScript side words it)."""
    import json
    return json.dumps(c, ensure_ascii=False)
