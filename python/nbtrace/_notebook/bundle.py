"""MIME bundles: :func:`trace_bundle` is the one code path from a trace record to
what the front end receives (the MLflow-v3 dict, its ``text/plain`` summary and,
once finished, the static ``text/html`` summary); :func:`payload_bundle` does the
same for trace documents that already exist. Sending them is the kernel module's
job; showing them live is ``DisplayListener``'s.
"""
from __future__ import annotations

from typing import Any

from .. import _settings
from .._documents.html_summary import html_summary
from .._documents.mlflow import trace_snapshot
from .._documents.summary import summarize
from .._util import report_internal_error

MIME_TYPE = "application/vnd.nbtrace.trace+json"


def trace_bundle(trace: Any) -> dict:
    """``{MIME_TYPE: <MLflow v3 trace dict>, "text/plain": <summary>}`` for a trace record.

    The dicts of ended spans are shared with other bundles of the same trace (built
    once: see :func:`trace_snapshot`): treat the bundle as read-only, and use
    :func:`nbtrace.trace_to_dict` for a private copy."""
    doc, summary, spans = trace_snapshot(trace, shared=True)
    bundle = {MIME_TYPE: doc, "text/plain": summary}
    # The static summary is for viewers without nbtrace, which see the saved (final)
    # state: live updates of a running trace skip building it.
    if _settings.current().html_summary and trace.is_finished:
        _add_html(bundle, doc, summary, spans)
    return bundle


def payload_bundle(payload: Any) -> dict:
    """Bundle for an already-JSON trace document (or list of documents)."""
    summary = summarize(payload)
    bundle = {MIME_TYPE: payload, "text/plain": summary}
    if _settings.current().html_summary:
        _add_html(bundle, payload, summary)
    return bundle


def _add_html(bundle: dict, doc: Any, summary: str, spans: list | None = None) -> None:
    try:
        text = html_summary(doc, summary, spans)
    except Exception as exc:  # a summary must never cost the trace
        report_internal_error("html summary", exc)
        return
    if text is not None:
        bundle["text/html"] = text
