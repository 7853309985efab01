"""A small static ``text/html`` summary of a trace, for the places that show a
notebook without the nbtrace extension (GitHub, nbviewer, VS Code, JupyterLab
without nbtrace): the trace's name, state, span count and duration, then its
root and top-level spans with kind, duration and status.

Everything from the trace is escaped (``html.escape``); the markup is a plain
table with no script, no link, no image. The summary is bounded: at most
``MAX_HTML_BYTES`` (20 KB) whatever the trace size — rows past the budget are
counted in one "… N more spans" line.

In JupyterLab with nbtrace the interactive viewer is chosen over it (its
renderer ranks first), so it costs only bytes; ``nbtrace.configure(html_summary=False)``
leaves it out.
"""
from __future__ import annotations

import heapq
import html
import operator
from typing import Any

from .._util import json_or_text

MAX_HTML_BYTES = 20_000
MAX_ROWS = 40
MAX_NAME_CHARS = 80

_span_id = operator.attrgetter("_span_id")  # (of a span record)
_start_ns = operator.attrgetter("_start_ns")

_STYLE_TABLE = "border-collapse:collapse;font-size:12px;margin-top:4px"
_STYLE_CELL = "padding:1px 8px;border-bottom:1px solid #ddd;text-align:left"


def _text(value: Any, limit: int = MAX_NAME_CHARS) -> str:
    s = value if isinstance(value, str) else str(value)
    if len(s) > limit:
        s = s[:limit - 1] + "…"
    return html.escape(s, quote=True)


def _num(value: Any) -> float | None:
    try:
        n = float(value)
    except (TypeError, ValueError):
        return None
    return n if n == n and n not in (float("inf"), float("-inf")) else None


def _attr(attributes: Any, key: str) -> Any:
    if not isinstance(attributes, dict) or key not in attributes:
        return None
    return json_or_text(attributes[key])


def _span_row(span: dict) -> dict | None:
    """Name, ids, times (ns), kind and status of an MLflow v2 or v3 span dict."""
    if not isinstance(span, dict):
        return None
    context = span.get("context") if isinstance(span.get("context"), dict) else {}
    span_id = span.get("span_id", context.get("span_id"))
    parent = span.get("parent_span_id", span.get("parent_id"))
    start = _num(span.get("start_time_unix_nano", span.get("start_time")))
    end = _num(span.get("end_time_unix_nano", span.get("end_time")))
    status = span.get("status")
    code = status.get("code") if isinstance(status, dict) else span.get("status_code", status)
    code = str(code or "UNSET").replace("STATUS_CODE_", "")
    kind = _attr(span.get("attributes"), "mlflow.spanType") or span.get("span_type") or ""
    return {"id": span_id, "parent": parent or None, "name": span.get("name", ""), "start": start,
            "end": end, "status": code, "kind": kind if isinstance(kind, str) else ""}


def _ids(span: dict) -> tuple:
    """``(span id, parent id or None)`` of an MLflow v2 or v3 span dict."""
    context = span.get("context")
    span_id = span.get("span_id", context.get("span_id") if isinstance(context, dict) else None)
    return span_id, span.get("parent_span_id", span.get("parent_id")) or None


def _start_key(span: dict) -> tuple:
    """Sort key: start time (missing: last), then nothing else (stable order via nsmallest)."""
    start = _num(span.get("start_time_unix_nano", span.get("start_time")))
    return (0, start) if start is not None else (1, 0.0)


def _duration(row: dict) -> str:
    if row["end"] is None or row["start"] is None:
        return "running"
    ms = max(0.0, (row["end"] - row["start"]) / 1e6)
    return f"{ms / 1000:.2f} s" if ms >= 1000 else f"{ms:.1f} ms" if ms >= 1 else f"{ms * 1000:.0f} µs"


def _table(rows: list[tuple[int, dict]], hidden: int) -> str:
    head = "".join(f'<th style="{_STYLE_CELL}">{h}</th>' for h in ("span", "kind", "duration", "status"))
    body = []
    for depth, row in rows:
        indent = "&nbsp;&nbsp;" * depth
        cells = (indent + _text(row["name"]), _text(row["kind"]), _duration(row), _text(row["status"]))
        body.append("<tr>" + "".join(f'<td style="{_STYLE_CELL}">{c}</td>' for c in cells) + "</tr>")
    if hidden:
        body.append(f'<tr><td colspan="4" style="{_STYLE_CELL}">… {hidden:,} more spans</td></tr>')
    return f'<table style="{_STYLE_TABLE}"><thead><tr>{head}</tr></thead><tbody>{"".join(body)}</tbody></table>'


def _layout(spans: list) -> tuple:
    """``(roots, children by root id)`` of a document's span dicts: the roots are the
    spans without a parent among them; one cheap pass reads ids and parents."""
    links = [(sp, _ids(sp)) for sp in spans if isinstance(sp, dict)]
    ids = {span_id for _, (span_id, _) in links}
    roots = [sp for sp, (_, parent) in links if parent is None or parent not in ids]
    root_ids = {_ids(sp)[0] for sp in roots}
    children: dict[Any, list[dict]] = {}
    for sp, (_, parent) in links:
        if parent is not None and parent in root_ids:
            children.setdefault(parent, []).append(sp)
    return roots, children, len(links)


def _record_layout(spans: list, records: list) -> tuple | None:
    """:func:`_layout` read off the records the span dicts were built from
    (``records[i]`` made ``spans[i]``; a dict's ids are its record's ids in base64, a
    one-to-one encoding), so the dicts themselves are not read; ``None`` when two
    records share a span id (then the ids must be compared as the dicts hold them).
    A root's children are cut to the ``MAX_ROWS`` first by :func:`_start_key` (the
    same order: a dict's start is its record's), which is all that is shown of them."""
    if len(records) != len(spans):
        return None
    ids = set(map(_span_id, records))
    if len(ids) != len(records):
        return None
    roots = [i for i, r in enumerate(records) if r._parent is None or r._parent._span_id not in ids]
    root_ids = {records[i]._span_id: i for i in roots}
    kids: dict = {}  # root id -> the indexes of its children
    if len(root_ids) == 1:
        (only,) = root_ids
        kids[only] = [i for i, r in enumerate(records) if r._parent is not None and r._parent._span_id == only]
    else:
        for i, r in enumerate(records):
            if r._parent is not None and r._parent._span_id in root_ids:
                kids.setdefault(r._parent._span_id, []).append(i)
    children: dict[Any, list[dict]] = {}
    for key, found in kids.items():
        if not found:
            continue
        if len(found) > MAX_ROWS:  # (sorted is stable: ties keep the document order)
            starts = list(map(float, map(_start_ns, [records[i] for i in found])))
            found = [found[j] for j in sorted(range(len(found)), key=starts.__getitem__)[:MAX_ROWS]]
        children[_ids(spans[root_ids[key]])[0]] = [spans[i] for i in found]  # keyed as _layout keys them
    return [spans[i] for i in roots], children, len(spans)


def html_summary(doc: Any, text_summary: str, records: list | None = None) -> str | None:
    """The summary of an MLflow-shaped trace dict (nbtrace's own), or ``None`` when
    the document is not one (other formats keep their text/plain summary only).
    ``records``: the span records its span dicts were built from, in the same order
    (:func:`~nbtrace._documents.mlflow.trace_snapshot`), read instead of the dicts."""
    try:
        data = doc.get("data") if isinstance(doc, dict) else None
        spans = data.get("spans") if isinstance(data, dict) else None
        if not isinstance(spans, list):
            return None
        # Only the roots and their children are shown, at most MAX_ROWS of them: full
        # rows are made only for the spans shown.
        layout = _record_layout(spans, records) if records is not None else None
        roots, children, count = layout if layout is not None else _layout(spans)
        shown: list[tuple[int, dict]] = []
        for root in heapq.nsmallest(MAX_ROWS, roots, key=_start_key):
            shown.append((0, _span_row(root)))
            first = heapq.nsmallest(MAX_ROWS, children.get(_ids(root)[0], []), key=_start_key)
            shown.extend((1, _span_row(c)) for c in first)
            if len(shown) >= MAX_ROWS:
                break
        head = (f'<div class="nbtrace-static-summary" style="font-family:sans-serif;font-size:13px">'
                f"<div><b>{_text(text_summary.strip('<>'), 400)}</b></div>")
        foot = ('<div style="font-size:11px;color:#777">A trace recorded with nbtrace; '
                "open it in JupyterLab with nbtrace for the interactive viewer.</div></div>")
        limit = min(len(shown), MAX_ROWS)
        while True:
            out = head + _table(shown[:limit], count - limit) + foot
            if len(out.encode("utf-8")) <= MAX_HTML_BYTES or limit == 0:
                return out
            limit //= 2
    except Exception:
        return None
