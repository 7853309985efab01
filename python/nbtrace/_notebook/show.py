"""``nbtrace.show()``: display trace documents that already exist — MLflow
``Trace`` objects (duck-typed: mlflow is never imported), MLflow and OTLP dicts,
JSON / JSON Lines text, lists of them, ``search_traces()`` tables, our own
records — with the nbtrace renderer. Invalid input raises ``TypeError`` /
``ValueError`` saying what was expected.
"""
from __future__ import annotations

import json
import sys
from collections.abc import Mapping
from typing import Any

from .. import _settings
from .._documents.mlflow import trace_to_dict
from .._record.record import TraceRecord
from .._record.serialize import to_jsonable
from . import kernel
from .bundle import payload_bundle
from .list_bundle import list_bundle


_TRACE_KEYS = ("info", "data", "resourceSpans", "spans")


def _looks_like_trace(doc: Any) -> bool:
    return isinstance(doc, Mapping) and any(k in doc for k in _TRACE_KEYS)


def _parse_text(text: str) -> Any:
    stripped = text.strip()
    if not stripped:
        raise ValueError("nbtrace.show: got an empty string; expected trace JSON")
    try:
        return json.loads(stripped)
    except ValueError as first_error:
        docs = []
        for number, line in enumerate(stripped.splitlines(), 1):
            if not line.strip():
                continue
            try:
                docs.append(json.loads(line))
            except ValueError:
                raise ValueError(
                    f"nbtrace.show: the string is neither JSON nor JSON Lines "
                    f"(line {number}: {first_error})") from None
        return docs


def _call(x: Any, method: str) -> Any:
    """``x.<method>()``; a failure becomes a ``TypeError`` naming the object."""
    try:
        return getattr(x, method)()
    except Exception as exc:
        raise TypeError(f"nbtrace.show: {type(x).__name__}.{method}() failed "
                        f"({type(exc).__name__}: {exc})") from exc


def _part_to_dict(part: Any) -> Any:
    """An MLflow ``TraceInfo`` / ``TraceData`` (or a dict of one) → dict."""
    if isinstance(part, Mapping):
        return dict(part)
    if callable(getattr(part, "to_dict", None)):
        return _call(part, "to_dict")
    spans = getattr(part, "spans", None)  # a TraceData without to_dict(): its spans
    if isinstance(spans, (list, tuple)):
        return {"spans": [s if isinstance(s, Mapping) else _call(s, "to_dict") for s in spans]}
    raise TypeError(f"nbtrace.show: cannot read {type(part).__name__} as part of a trace "
                    "(expected a dict or an object with .to_dict())")


def _trace_column(frame: Any) -> list | None:
    """The ``trace`` column of a DataFrame-like (``mlflow.search_traces()``'s default
    result) as a list, without importing pandas; ``None`` if ``frame`` is not one."""
    columns = getattr(frame, "columns", None)
    if columns is None or isinstance(frame, Mapping) or not callable(getattr(frame, "__getitem__", None)):
        return None
    try:
        names = [str(c) for c in columns]
    except TypeError:
        return None
    if "trace" not in names:
        raise ValueError(
            "nbtrace.show: this table has no 'trace' column (columns: "
            f"{names[:8]}); use mlflow.search_traces(return_type=\"list\") or pass the traces")
    return list(frame["trace"])


def _coerce(x: Any) -> Any:
    """Text → parsed JSON; MLflow objects → dicts; anything else unchanged.

    MLflow objects are duck-typed (mlflow is never imported): a ``Trace`` by
    ``.to_dict()``, else ``.to_json()``, else ``.info`` + ``.data``; a
    DataFrame of ``search_traces()`` by its ``trace`` column; our own
    :class:`~nbtrace.TraceRecord` by :func:`nbtrace.trace_to_dict`."""
    if isinstance(x, (bytes, bytearray)):
        x = bytes(x).decode("utf-8")
    if isinstance(x, str):
        return _parse_text(x)
    if isinstance(x, (Mapping, list, tuple)) or isinstance(x, type):
        return x
    if isinstance(x, TraceRecord):
        return trace_to_dict(x)
    rows = _trace_column(x)
    if rows is not None:
        return rows
    if callable(getattr(x, "to_dict", None)):
        return _call(x, "to_dict")
    if callable(getattr(x, "to_json", None)):
        text = _call(x, "to_json")
        return _parse_text(text.decode("utf-8") if isinstance(text, (bytes, bytearray)) else text)
    if hasattr(x, "info") and hasattr(x, "data"):
        return {"info": _part_to_dict(x.info), "data": _part_to_dict(x.data)}
    raise TypeError(
        "nbtrace.show: expected an MLflow trace (or its dict/JSON), an OTLP JSON document, "
        f"JSON Lines text, or a list of those; got {type(x).__name__}")


def _check_doc(doc: Any) -> dict:
    if not isinstance(doc, Mapping):
        raise TypeError(f"nbtrace.show: expected a trace document (a dict), got {type(doc).__name__}")
    if not _looks_like_trace(doc):
        raise ValueError(
            "nbtrace.show: this dict is not a trace; expected an MLflow trace dict "
            f"({{'info', 'data'}}) or an OTLP document ({{'resourceSpans'}}); got keys {list(doc)[:8]}")
    return dict(doc)


def to_document(x: Any) -> Any:
    """``x`` as a trace document, or a list of them (raises on input that is none)."""
    x = _coerce(x)
    if isinstance(x, (list, tuple)):
        if not x:
            raise ValueError("nbtrace.show: got an empty list; expected trace documents")
        return [_check_doc(_coerce(item)) for item in x]
    return _check_doc(x)


def json_safe(doc: Any) -> Any:
    """``doc`` unchanged if Jupyter can send it as it is, else a JSON-safe copy."""
    try:
        # Strict: no NaN, and valid UTF-8 (a lone surrogate would break Jupyter's message packer).
        json.dumps(doc, allow_nan=False, ensure_ascii=False).encode("utf-8")
        return doc
    except (TypeError, ValueError):  # UnicodeEncodeError is a ValueError
        # A document the user asked to show is not cut by the per-value recording budget.
        return to_jsonable(doc, max_chars=sys.maxsize)


VIEWS = (None, "list", "traces")


def show_bundle(x: Any, view: str | None = None, title: str | None = None,
                query: str | None = None) -> dict:
    """The MIME bundle :func:`show` displays for ``x`` (raises on invalid input)."""
    if view not in VIEWS:
        raise ValueError(f"nbtrace.show: view must be 'list', 'traces' or None, not {view!r}")
    doc = to_document(x)
    if isinstance(doc, list) and len(doc) == 1 and view != "list":
        doc = doc[0]
    many = isinstance(doc, list) and len(doc) > _settings.current().max_traces_per_cell
    if view == "list" or (view is None and many) or title or query:
        docs = doc if isinstance(doc, list) else [doc]
        return list_bundle([json_safe(d) for d in docs], title=title, query=query)
    return payload_bundle(json_safe(doc))


def show(x: Any, view: str | None = None, title: str | None = None, query: str | None = None) -> None:
    """Display a trace document in the notebook with the nbtrace renderer.

    Accepts an MLflow ``Trace`` (``mlflow.get_trace(id)``,
    ``mlflow.get_last_active_trace()``: anything with ``.to_dict()``,
    ``.to_json()`` or ``.info`` + ``.data``), an MLflow trace dict, an OTLP JSON
    document (``{"resourceSpans": ...}``), a JSON string or JSON Lines text of
    those (``trace.to_json()``), a list of them (``mlflow.search_traces(
    return_type="list")``, ``nbtrace.last_traces()``: one output showing them
    all) or a DataFrame with a ``trace`` column (``mlflow.search_traces()``).

    More traces than ``max_traces_per_cell`` (or ``view="list"``, a ``title`` or a
    ``query``) show as the trace list: a sortable table with the query filter
    (``query`` starts it), latency percentiles, tokens and cost by model, and a row
    that opens its trace; ``view="traces"`` shows one tree per trace instead.
    Invalid input raises ``TypeError``/``ValueError``. Outside a kernel, prints
    the one-line summary.
    """
    bundle = show_bundle(x, view=view, title=title, query=query)
    if kernel.in_kernel():
        kernel.publish(bundle)
    else:
        print(bundle["text/plain"])
