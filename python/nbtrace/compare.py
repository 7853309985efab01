"""Compare two traces in one output: ``nbtrace.compare(a, b)``.

The front end aligns the spans and shows the deltas (MIME type
``application/vnd.nbtrace.compare+json``: ``{"version": 1, "names": [..],
"traces": [docA, docB]}``). The text/plain line is worked out here with the
same alignment rule, in short: a span is its name plus its position among
same-name siblings (the 3rd ``tool:search`` under its parent), children are
aligned only under aligned parents, and single roots are aligned whatever
their names. Inputs are read as :func:`nbtrace.show` reads them.
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ._documents.summary import format_duration, number, otlp_document_spans, trace_stats
from ._notebook import kernel
from ._notebook.show import json_safe, to_document

COMPARE_MIME_TYPE = "application/vnd.nbtrace.compare+json"
COMPARE_VERSION = 1


# ---------------------------------------------------------------- inputs
def _retitle(exc: Exception) -> Exception:
    """The reader's error, as said by ``nbtrace.compare``."""
    return type(exc)(str(exc).replace("nbtrace.show:", "nbtrace.compare:", 1))


def _documents(x: Any) -> list:
    try:
        doc = to_document(x)
    except (TypeError, ValueError) as exc:
        raise _retitle(exc) from exc
    return doc if isinstance(doc, list) else [doc]


def _one_document(x: Any, which: str) -> dict:
    docs = _documents(x)
    if len(docs) != 1:
        raise ValueError(f"nbtrace.compare: {which} must be one trace; got {len(docs)} "
                         "(pass two traces, or one list of exactly two as the only argument)")
    return docs[0]


def _names(names: Any) -> tuple:
    if isinstance(names, (str, bytes)) or not hasattr(names, "__iter__"):
        raise TypeError("nbtrace.compare: names must be a pair of labels, e.g. names=('before', 'after')")
    labels = tuple(str(n) for n in names)
    if len(labels) != 2 or not all(label.strip() for label in labels):
        raise ValueError(f"nbtrace.compare: names must be two non-empty labels; got {labels!r}")
    return labels


# ---------------------------------------------------------------- spans of a document
def _mlflow_rows(spans: list) -> list:
    rows = []
    for s in spans:
        if not isinstance(s, Mapping):
            continue
        context = s.get("context") if isinstance(s.get("context"), Mapping) else {}
        rows.append((s.get("span_id") or context.get("span_id"),
                     s.get("parent_span_id") or s.get("parent_id"),
                     str(s.get("name", "")),
                     number(s.get("start_time_unix_nano", s.get("start_time")))))
    return rows


def _jaeger_rows(doc: dict) -> list:
    rows = []
    for t in doc.get("data") or []:
        for s in (t or {}).get("spans") or [] if isinstance(t, Mapping) else []:
            refs = [r for r in s.get("references") or [] if isinstance(r, Mapping)]
            parent = next((r.get("spanID") for r in refs if r.get("refType") == "CHILD_OF"), None)
            rows.append((s.get("spanID"), parent, str(s.get("operationName", "")), number(s.get("startTime"))))
        break  # the first trace of a Jaeger document, as compared
    return rows


def _span_rows(doc: Any) -> list:
    """``(id, parent id, name, start)`` of each span of a trace document (best effort)."""
    if not isinstance(doc, Mapping):
        return []
    if "resourceSpans" in doc:
        return [(s.get("spanId"), s.get("parentSpanId"), str(s.get("name", "")),
                 number(s.get("startTimeUnixNano"))) for s in otlp_document_spans(doc)]
    data = doc.get("data")
    if isinstance(data, list):
        return _jaeger_rows(doc)
    if isinstance(data, Mapping):
        return _mlflow_rows(list(data.get("spans") or []))
    return _mlflow_rows(list(doc.get("spans") or []))


class _Tree:
    """Children by parent, each list in start order (ties: document order), and the roots."""

    def __init__(self, doc: Any) -> None:
        rows = _span_rows(doc)
        ids = {r[0] for r in rows if r[0]}
        self.children: dict = {}
        self.roots: list = []
        for index, (span_id, parent, name, start) in enumerate(rows):
            key = (start if start is not None else float("inf"), index)
            node = (key, name, span_id if span_id else ("#", index))
            if parent and parent in ids and parent != span_id:
                self.children.setdefault(parent, []).append(node)
            else:
                self.roots.append(node)
        for kids in self.children.values():
            kids.sort()
        self.roots.sort()

    def kids(self, node: tuple) -> list:
        return self.children.get(node[2], [])

    def size(self, node: tuple) -> int:
        """Spans in the subtree of ``node`` (iterative; a cycle is counted once)."""
        seen, stack = set(), [node]
        while stack:
            n = stack.pop()
            if n[2] in seen:
                continue
            seen.add(n[2])
            stack.extend(self.kids(n))
        return len(seen)


def _by_path(nodes: list) -> dict:
    """``(name, k) → node``: the k-th sibling of that name."""
    seen: dict = {}
    out = {}
    for n in nodes:
        k = seen.get(n[1], 0)
        seen[n[1]] = k + 1
        out[(n[1], k)] = n
    return out


def align_counts(doc_a: Any, doc_b: Any) -> tuple:
    """``(matched, added, removed)`` span counts of B against A (the viewer's rule)."""
    ta, tb = _Tree(doc_a), _Tree(doc_b)
    matched = added = removed = 0
    pairs: list = []
    if len(ta.roots) == 1 and len(tb.roots) == 1:
        pairs.append((ta.roots[0], tb.roots[0]))
    else:
        pairs.append((None, None))
    seen: set = set()
    while pairs:
        na, nb = pairs.pop()
        if na is not None:
            if (na[2], nb[2]) in seen:  # a malformed (cyclic) document
                continue
            seen.add((na[2], nb[2]))
            matched += 1
        kids_a = _by_path(ta.kids(na) if na is not None else ta.roots)
        kids_b = _by_path(tb.kids(nb) if nb is not None else tb.roots)
        for path, child in kids_b.items():
            if path in kids_a:
                pairs.append((kids_a[path], child))
            else:
                added += tb.size(child)
        for path, child in kids_a.items():
            if path not in kids_b:
                removed += ta.size(child)
    return matched, added, removed


# ---------------------------------------------------------------- bundle
def _side(label: str, stats: tuple) -> str:
    name, n_spans = stats[0], stats[1]
    ms = stats[4]
    facts = [f"{n_spans} span{'s' if n_spans != 1 else ''}"]
    if ms is not None:
        facts.append(format_duration(ms))
    return f"{label} {name!r} ({', '.join(facts)})" if name else f"{label} ({', '.join(facts)})"


def summarize_comparison(doc_a: Any, doc_b: Any, names: tuple = ("A", "B")) -> str:
    """``compare A 'agent' (12 spans, 1.20 s) vs B 'agent' (15 spans, 1.50 s): 10 matched, 5 added, 2 removed``."""
    try:
        sa, sb = trace_stats(doc_a), trace_stats(doc_b)
        text = f"compare {_side(names[0], sa)} vs {_side(names[1], sb)}"
    except Exception:
        return f"compare {names[0]} vs {names[1]}"
    try:
        matched, added, removed = align_counts(doc_a, doc_b)
        text += f": {matched} matched, {added} added, {removed} removed"
        if sa[4] is not None and sb[4] is not None:
            delta = sb[4] - sa[4]
            text += f"; {'+' if delta >= 0 else '-'}{format_duration(abs(delta))} in {names[1]}"
    except Exception:
        pass
    return text


def compare_bundle(a: Any, b: Any = None, *, names: Any = ("A", "B")) -> dict:
    """The MIME bundle :func:`compare` displays (raises on invalid input)."""
    labels = _names(names)
    if b is None:
        docs = _documents(a)
        if len(docs) != 2:
            raise ValueError(f"nbtrace.compare: with one argument, pass exactly two traces "
                             f"(e.g. nbtrace.last_traces(2)); got {len(docs)}")
        doc_a, doc_b = docs
    else:
        doc_a, doc_b = _one_document(a, "a"), _one_document(b, "b")
    doc_a, doc_b = json_safe(doc_a), json_safe(doc_b)
    payload = {"version": COMPARE_VERSION, "names": list(labels), "traces": [doc_a, doc_b]}
    return {COMPARE_MIME_TYPE: payload, "text/plain": summarize_comparison(doc_a, doc_b, labels)}


def compare(a: Any, b: Any = None, *, names: Any = ("A", "B")) -> dict | None:
    """Show two traces side by side: spans aligned, with time, token and status changes.

    ``a`` (the baseline) and ``b`` are what :func:`nbtrace.show` takes for one
    trace: a trace dict (``nbtrace.get_last_trace()``, an item of
    ``last_traces()``), a :class:`~nbtrace.TraceRecord`, an MLflow ``Trace``,
    an OTLP JSON document, or JSON text of one. ``compare(pair)`` with one
    argument compares a list of exactly two (``nbtrace.last_traces(2)``).
    ``names`` labels the two sides (default ``("A", "B")``).

    In a notebook this displays one output and returns ``None``; elsewhere it
    returns the MIME bundle. Invalid input raises ``TypeError``/``ValueError``.
    """
    bundle = compare_bundle(a, b, names=names)
    if kernel.in_kernel():
        kernel.publish(bundle)
        return None
    return bundle
