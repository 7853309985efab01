"""The SQLite store's tables, and a trace's rows in them.

One row per trace in ``traces``: the facts the query language reads as scalars,
each in an indexed column, and ``doc``, the whole MLflow v3 trace dict as JSON
(what ``get_trace`` / ``search_traces`` return). What a trace has several of lives
in side tables keyed by ``trace_id``, and a query on them is an ``EXISTS``::

    traces(trace_id PRIMARY KEY, name, status, start_ms, end_ms, duration_ms,
           tokens, input_tokens, output_tokens, cost, cost_estimated, span_count,
           session, "user", client_request_id, run_id, written_ms, doc)
    trace_tags(trace_id, key, value)          PRIMARY KEY (trace_id, key)
    trace_metadata(trace_id, key, value)      PRIMARY KEY (trace_id, key)
    spans(trace_id, idx, name, type, status, model, content)   idx: tree order
    models(trace_id, model)                   PRIMARY KEY (trace_id, model)
    assessments(trace_id, kind, name, idx, num, text)
        kind 'feedback' | 'expectation'; num: the value when it is a number
        (not a boolean), else NULL; text: the value as text (true / false, 3 not 3.0)

Times are epoch milliseconds (REAL); a missing fact is NULL. Writing a trace
again replaces all its rows (an upsert by ``trace_id``: its side rows are deleted
and written anew in the same transaction). ``PRAGMA user_version`` holds
:data:`SCHEMA_VERSION`; a file with a newer version is not touched.
"""
from __future__ import annotations

import time
from typing import Any

from .._query.match import text_of

SCHEMA_VERSION = 1

#: Trace fact → its column in ``traces`` (``text`` has none: it is built from ``spans``).
TRACE_COLUMNS = {
    "id": "trace_id", "name": "name", "status": "status", "start_ms": "start_ms", "end_ms": "end_ms",
    "duration_ms": "duration_ms", "tokens": "tokens", "input_tokens": "input_tokens",
    "output_tokens": "output_tokens", "cost": "cost", "span_count": "span_count", "session": "session",
    "user": '"user"', "client_request_id": "client_request_id", "run_id": "run_id",
}

DDL = (
    """CREATE TABLE IF NOT EXISTS traces (
        trace_id TEXT PRIMARY KEY NOT NULL, name TEXT, status TEXT,
        start_ms REAL, end_ms REAL, duration_ms REAL,
        tokens INTEGER, input_tokens INTEGER, output_tokens INTEGER,
        cost REAL, cost_estimated INTEGER NOT NULL DEFAULT 0, span_count INTEGER,
        session TEXT, "user" TEXT, client_request_id TEXT, run_id TEXT,
        written_ms INTEGER, doc TEXT NOT NULL)""",
    "CREATE INDEX IF NOT EXISTS traces_start_ms ON traces(start_ms)",
    "CREATE INDEX IF NOT EXISTS traces_name ON traces(name)",
    "CREATE INDEX IF NOT EXISTS traces_status ON traces(status)",
    "CREATE INDEX IF NOT EXISTS traces_duration_ms ON traces(duration_ms)",
    "CREATE INDEX IF NOT EXISTS traces_tokens ON traces(tokens)",
    "CREATE INDEX IF NOT EXISTS traces_cost ON traces(cost)",
    "CREATE INDEX IF NOT EXISTS traces_session ON traces(session)",
    'CREATE INDEX IF NOT EXISTS traces_user ON traces("user")',
    """CREATE TABLE IF NOT EXISTS trace_tags (trace_id TEXT NOT NULL, key TEXT NOT NULL, value TEXT,
        PRIMARY KEY (trace_id, key)) WITHOUT ROWID""",
    "CREATE INDEX IF NOT EXISTS trace_tags_key_value ON trace_tags(key, value)",
    """CREATE TABLE IF NOT EXISTS trace_metadata (trace_id TEXT NOT NULL, key TEXT NOT NULL, value TEXT,
        PRIMARY KEY (trace_id, key)) WITHOUT ROWID""",
    "CREATE INDEX IF NOT EXISTS trace_metadata_key_value ON trace_metadata(key, value)",
    """CREATE TABLE IF NOT EXISTS spans (trace_id TEXT NOT NULL, idx INTEGER NOT NULL, name TEXT, type TEXT,
        status TEXT, model TEXT, content TEXT)""",
    "CREATE INDEX IF NOT EXISTS spans_trace ON spans(trace_id, idx)",
    "CREATE INDEX IF NOT EXISTS spans_name ON spans(name)",
    """CREATE TABLE IF NOT EXISTS models (trace_id TEXT NOT NULL, model TEXT NOT NULL,
        PRIMARY KEY (trace_id, model)) WITHOUT ROWID""",
    "CREATE INDEX IF NOT EXISTS models_model ON models(model)",
    """CREATE TABLE IF NOT EXISTS assessments (trace_id TEXT NOT NULL, kind TEXT NOT NULL, name TEXT NOT NULL,
        idx INTEGER NOT NULL, num REAL, text TEXT)""",
    "CREATE INDEX IF NOT EXISTS assessments_trace ON assessments(trace_id, kind, name)",
)

SIDE_TABLES = ("trace_tags", "trace_metadata", "spans", "models", "assessments")


def safe_text(value: Any) -> str | None:
    """Text SQLite can store (lone surrogates, which a JSON ``\\ud800`` decodes to, are escaped)."""
    if value is None:
        return None
    text = value if isinstance(value, str) else str(value)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        text = text.encode("utf-8", "backslashreplace").decode("utf-8")
    return text


def _number(value: Any) -> Any:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    if isinstance(value, int) and not -2 ** 63 <= value < 2 ** 63:
        return float(value)
    return value


def rows_of(doc_json: str, facts: dict) -> dict:
    """Table → the rows (tuples, in column order) of one trace."""
    trace_id = safe_text(facts.get("id")) or ""
    number = ("start_ms", "end_ms", "duration_ms", "tokens", "input_tokens", "output_tokens", "cost", "span_count")
    scalar = {k: _number(facts.get(k)) if k in number else safe_text(facts.get(k)) for k in TRACE_COLUMNS}
    scalar["id"] = trace_id
    trace_row = (*(scalar[k] for k in TRACE_COLUMNS), 1 if facts.get("cost_estimated") else 0,
                 int(time.time() * 1000), doc_json)
    assessments = []
    for kind in ("feedback", "expectation"):
        for name, values in (facts.get(kind) or {}).items():
            for i, v in enumerate(values or ()):
                if isinstance(v, (str, bool, int, float)):
                    assessments.append((trace_id, kind, safe_text(name), i, _number(v), safe_text(text_of(v))))
    return {
        "traces": [trace_row],
        "trace_tags": [(trace_id, safe_text(k), safe_text(v)) for k, v in (facts.get("tags") or {}).items()],
        "trace_metadata": [(trace_id, safe_text(k), safe_text(v)) for k, v in (facts.get("metadata") or {}).items()],
        "spans": [(trace_id, i, safe_text(s.get("name")), safe_text(s.get("type")), safe_text(s.get("status")),
                   safe_text(s.get("model")), safe_text(s.get("content")))
                  for i, s in enumerate(facts.get("spans") or ())],
        "models": [(trace_id, safe_text(m)) for m in dict.fromkeys(facts.get("models") or ()) if isinstance(m, str)],
        "assessments": assessments,
    }


INSERTS = {
    "traces": "INSERT OR REPLACE INTO traces (trace_id, name, status, start_ms, end_ms, duration_ms, tokens, "
              "input_tokens, output_tokens, cost, span_count, session, \"user\", client_request_id, run_id, "
              "cost_estimated, written_ms, doc) VALUES (" + ", ".join("?" * 18) + ")",
    "trace_tags": "INSERT OR REPLACE INTO trace_tags (trace_id, key, value) VALUES (?, ?, ?)",
    "trace_metadata": "INSERT OR REPLACE INTO trace_metadata (trace_id, key, value) VALUES (?, ?, ?)",
    "spans": "INSERT INTO spans (trace_id, idx, name, type, status, model, content) VALUES (?, ?, ?, ?, ?, ?, ?)",
    "models": "INSERT OR IGNORE INTO models (trace_id, model) VALUES (?, ?)",
    "assessments": "INSERT INTO assessments (trace_id, kind, name, idx, num, text) VALUES (?, ?, ?, ?, ?, ?)",
}
