"""The trace list output (``application/vnd.nbtrace.traces+json``, rendered by
``src/list-renderer.ts``): what ``nbtrace.show`` of many traces,
``nbtrace.search_traces`` results shown, and a cell over ``max_traces_per_cell``
display. Its size is bounded, whatever the number of traces:

* whole trace documents, in order, while their JSON stays within ``FULL_BYTES``
  (2 MB) in all; a row of those opens its full tree in the list;
* then each further trace as a *summary*: its MLflow ``info`` (long metadata values
  cut) and, beside it, a ``summary`` object saying what its spans used (span
  count, tokens and cost by model and span type: ``span_summary``), about 1 KB each —
  it is listed, sorted, filtered and counted in the aggregates like the others, and
  ``nbtrace.get_trace(id)`` brings it whole;
* past ``MAX_ROWS`` (10,000) rows, traces are only counted (``omitted``).

So the output holds at most ~2 MB + 10,000 × ~1 KB, and a notebook of a hundred
such cells still opens."""
from __future__ import annotations

import json
from typing import Any, Iterable

from .._documents.span_summary import span_summary
from .._documents.summary import format_duration, trace_stats

LIST_MIME_TYPE = "application/vnd.nbtrace.traces+json"
FULL_BYTES = 2_000_000
MAX_ROWS = 10_000
SUMMARY_KEY = "summary"  # a summary document's key beside "info"
MAX_META_CHARS = 300  # a summary's metadata values (inputs, outputs) are cut to this
#: What a summary leaves out of the trace's info: the same in every trace of a notebook.
DROPPED_INFO = {"trace_location"}
DROPPED_METADATA = {"mlflow.trace_schema.version", "nbtrace.version"}


def doc_size(doc: Any) -> int:
    try:
        return len(json.dumps(doc, ensure_ascii=False, default=str))
    except (TypeError, ValueError):
        return FULL_BYTES + 1  # unmeasurable: never kept whole


def summary_doc(doc: Any) -> dict | None:
    """``{"info": <its info>, "summary": <span_summary>}`` for an MLflow document (None: not one).
    The summary is an object beside the info, not metadata text: the browser parses it with
    the output, not once more per row."""
    if not isinstance(doc, dict) or not isinstance(doc.get("info"), dict):
        return None
    info = {k: v for k, v in doc["info"].items() if k not in DROPPED_INFO}
    meta = info.get("trace_metadata") if isinstance(info.get("trace_metadata"), dict) else {}
    meta = {k: (v if not isinstance(v, str) or len(v) <= MAX_META_CHARS else v[:MAX_META_CHARS] + "…")
            for k, v in meta.items() if k not in DROPPED_METADATA}
    ms = trace_stats(doc)[4]  # sub-ms from the root span, as the viewer times a trace with spans
    if ms is not None:  # (info has whole ms)
        info["execution_duration_ms"] = round(ms, 3)
    info["trace_metadata"] = meta
    if doc_size(info.get("assessments", [])) > 4000:
        info.pop("assessments")  # scores with long rationales: the row keeps none rather than a cut set
    return {"info": info, "summary": span_summary(doc)}


class ListPayload:
    """Builds one list payload within the bound: ``add`` the documents in order."""

    def __init__(self, full_bytes: int | None = None, max_rows: int | None = None) -> None:
        self.full_bytes = FULL_BYTES if full_bytes is None else full_bytes
        self.max_rows = MAX_ROWS if max_rows is None else max_rows
        self.traces: list = []
        self.summaries: list = []
        self.omitted = 0
        self._bytes = 0

    def add(self, doc: Any, size: int | None = None, summary: Any = None) -> str:
        """Add a document; ``size``/``summary``: known already (a cache). Returns how it
        was kept: "whole", "summary" or "omitted"."""
        if len(self.traces) + len(self.summaries) >= self.max_rows:
            self.omitted += 1
            return "omitted"
        size = doc_size(doc) if size is None else size
        if self._bytes + size <= self.full_bytes:
            self._bytes += size
            self.traces.append(doc)
            return "whole"
        s = summary if summary is not None else summary_doc(doc)
        if s is None:
            self.omitted += 1
            return "omitted"
        self.summaries.append(s)
        return "summary"

    def payload(self, title: str | None = None, query: str | None = None, omitted: int = 0) -> dict:
        out: dict = {"version": 1, "traces": self.traces}
        if self.summaries:
            out["summaries"] = self.summaries
        if self.omitted + omitted:
            out["omitted"] = self.omitted + omitted
        if title:
            out["title"] = title
        if query:
            out["query"] = query
        return out


def list_text(docs: Iterable[Any], total: int | None = None, head: str | None = None) -> str:
    """The ``text/plain`` of a list: a count line, then one line per trace (at most 10).
    With a ``head`` given, only the first 10 documents are read (a cell's list resends it)."""
    lines = []
    n = errors = 0
    for doc in docs:
        n += 1
        if len(lines) >= 10 and head is not None:
            continue  # nothing more to say of it than the count
        try:
            name, spans, errs, tokens, ms, running = trace_stats(doc)[:6]
        except (TypeError, ValueError, AttributeError):
            name, spans, errs, tokens, ms, running = "", 0, 0, None, None, False
        errors += 1 if errs else 0
        if len(lines) < 10:
            extra = f" · {int(tokens):,} tokens" if tokens else ""
            lines.append(f"  {name or 'trace'} · {spans} spans{' · error' if errs else ''}{extra} · "
                         f"{'running' if running else format_duration(ms)}")
    total = n if total is None else total
    first = head or f"<nbtrace list of {total:,} trace{'s' if total != 1 else ''}" \
                    f"{f' · {errors} with errors' if errors else ''}>"
    if total > len(lines) and lines:
        lines.append(f"  … {total - len(lines):,} more")
    return "\n".join([first, *lines])


def list_bundle(docs: list, title: str | None = None, query: str | None = None) -> dict:
    """``{LIST_MIME_TYPE: payload, "text/plain": …}`` for trace documents, within the bound."""
    p = ListPayload()
    for doc in docs:
        p.add(doc)
    return {LIST_MIME_TYPE: p.payload(title, query), "text/plain": list_text(docs)}
