"""``search_traces``, ``get_trace`` and ``flush_store``: over the configured store
(after writing what is still queued, so a search sees the traces that just
finished), else over the finished traces kept in memory (``last_traces()``).

Both paths apply the same query language (``nbtrace._query``; in SQL where the
store is SQLite, see ``sql_query.py``) and the same order (``order.py``), so a
query selects the same traces, in the same order, wherever they are.
"""
from __future__ import annotations

from typing import Any

from .._documents.facts import facts_of
from .._documents.mlflow import trace_to_dict
from .._query.match import matches
from .._query.parser import parse_query
from .._record.collector import get_collector
from .._util import json_or_text
from .order import parse_order_by, sort_facts
from .writer import get_writer

#: How long a search waits for queued traces to be written first.
FLUSH_BEFORE_READ_S = 5.0
RETURN_TYPES = ("list", "pandas")


def search_traces(filter_string: str | None = None, order_by: Any = None, max_results: int | None = None,
                  return_type: str = "list") -> Any:
    if filter_string is not None and not isinstance(filter_string, str):
        raise ValueError("nbtrace.search_traces: filter_string must be a string like \"trace.status = 'ERROR'\"")
    if max_results is not None and (isinstance(max_results, bool) or not isinstance(max_results, int)
                                    or max_results < 0):
        raise ValueError("nbtrace.search_traces: max_results must be a whole number >= 0 (or None for all)")
    if return_type not in RETURN_TYPES:
        raise ValueError(f"nbtrace.search_traces: return_type must be 'list' or 'pandas', not {return_type!r}")
    pandas = _pandas() if return_type == "pandas" else None
    query = parse_query(filter_string or "")  # a QueryError (a ValueError) says what and where
    keys = parse_order_by(order_by)
    writer = get_writer()
    store = writer.store()
    if store is not None:
        writer.flush(FLUSH_BEFORE_READ_S)
        docs = store.search(query, keys, max_results)
    else:
        found = []
        for record in get_collector().finished_traces():
            doc = trace_to_dict(record)
            facts = facts_of(doc)
            if matches(query, facts):
                found.append((facts, doc))
        ordered = sort_facts(found, keys, facts_of=lambda item: item[0])
        docs = [doc for _, doc in (ordered if max_results is None else ordered[:max_results])]
    return docs if pandas is None else frame(pandas, docs)


def get_trace(trace_id: str) -> dict | None:
    if not isinstance(trace_id, str):
        raise ValueError("nbtrace.get_trace: trace_id must be a string (a trace's info.trace_id, 'tr-...')")
    writer = get_writer()
    store = writer.store()
    if store is not None:
        writer.flush(FLUSH_BEFORE_READ_S)
        doc = store.get(trace_id)
        if doc is not None:
            return doc
    collector = get_collector()
    for record in reversed(collector.finished_traces()):
        if record.request_id == trace_id:
            return trace_to_dict(record)
    return None


def flush_store(timeout: float | None = None) -> bool:
    return get_writer().flush(timeout)


# ---------------------------------------------------------------- pandas
def _pandas() -> Any:
    try:
        import pandas
    except ImportError as exc:
        raise ImportError("nbtrace.search_traces(return_type='pandas') needs pandas: pip install pandas "
                          "(or use return_type='list')") from exc
    return pandas


COLUMNS = ("trace_id", "trace", "name", "client_request_id", "state", "request_time", "execution_duration",
           "request", "response", "trace_metadata", "tags", "spans", "assessments", "session", "user",
           "models", "tokens", "input_tokens", "output_tokens", "cost", "cost_estimated")


def frame(pandas: Any, docs: list) -> Any:
    """MLflow's ``search_traces`` DataFrame columns (``request_time``: epoch ms,
    ``execution_duration``: ms), plus the facts the query language reads."""
    rows = []
    for doc in docs:
        info = doc.get("info") or {}
        facts = facts_of(doc)
        metadata = info.get("trace_metadata") or info.get("request_metadata") or {}
        start = facts.get("start_ms")
        rows.append({
            "trace_id": facts["id"], "trace": doc, "name": facts["name"],
            "client_request_id": facts.get("client_request_id"), "state": facts["status"],
            "request_time": int(start) if start is not None else None,
            "execution_duration": facts.get("duration_ms"),
            "request": json_or_text(metadata.get("mlflow.traceInputs")),
            "response": json_or_text(metadata.get("mlflow.traceOutputs")),
            "trace_metadata": dict(metadata), "tags": dict(info.get("tags") or {}),
            "spans": list((doc.get("data") or {}).get("spans") or []),
            "assessments": list(info.get("assessments") or []),
            "session": facts.get("session"), "user": facts.get("user"), "models": facts["models"],
            "tokens": facts.get("tokens"), "input_tokens": facts.get("input_tokens"),
            "output_tokens": facts.get("output_tokens"), "cost": facts.get("cost"),
            "cost_estimated": bool(facts.get("cost_estimated")),
        })
    return pandas.DataFrame(rows, columns=list(COLUMNS))
