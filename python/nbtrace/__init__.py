"""nbtrace: see the traces of AI agents and LLM apps inside the notebook.

Fluent API in the MLflow style::

    import nbtrace

    @nbtrace.trace(span_type="TOOL")
    def search(query): ...

    with nbtrace.start_span("agent", span_type="AGENT") as span:
        span.set_inputs({"question": q})
        ...

Inside a Jupyter kernel a trace is displayed in the cell as
``application/vnd.nbtrace.trace+json`` (an MLflow v3 trace dict) as soon as its
first span starts, and that one output is updated in place (at most every 0.1 s)
while the cell runs; the final update carries the finished trace. A trace ends
with its cell: spans still running then (or when the root ends) are ended with
ERROR status saying why. Outside a kernel nothing is displayed;
``get_last_trace()`` returns the last finished trace dict either way.

Threads start with an empty context: run work with ``nbtrace.wrap_context(fn)``
(or ``contextvars.copy_context().run``) to keep the current span as the parent;
a plain ``threading.Thread(target=fn)`` starts a new trace.

At most ``max_traces_per_cell`` traces (default 10) are displayed per cell; the
rest are summed up in one line and kept for ``nbtrace.last_traces()``.
``nbtrace.disable()`` / ``enable()`` turn tracing itself off and on.
``%load_ext nbtrace`` adds the ``%%nbtrace`` cell magic (trace a whole cell) and
the ``%nbtrace on|off|status`` line magic.
"""
from __future__ import annotations

from typing import Any

from . import _settings
from ._about import __version__
from ._documents.mlflow import trace_to_dict
from ._eval.api import add_to_dataset, compare_runs, evaluate, log_feedback
from ._eval.dataset import Dataset, dataset
from ._eval.result import EvalResult, RunComparison
from ._eval.scorer import Feedback, scorer
from ._eval.trace import Trace
from ._notebook.bundle import MIME_TYPE, trace_bundle
from ._notebook.live import DisplayListener
from ._notebook.show import show
from ._record.collector import TraceCollector, get_collector
from ._record.context import get_current_span, wrap_context
from ._record.decorator import trace
from ._record.limits import configure_limits  # noqa: F401 (public; importing it makes the limits follow configure())
from ._record.non_recording import NonRecordingSpan
from ._record.record import TraceRecord
from ._record.span import Span
from ._util import NbtraceWarning
from .client import Client
from .compare import compare
from .html import to_html
from . import scorers  # noqa: E402 (nbtrace.scorers.*)

__all__ = [
    "Client", "Dataset", "EvalResult", "Feedback", "MIME_TYPE", "RunComparison", "Trace", "add_to_dataset",
    "compare", "compare_runs", "dataset", "evaluate", "log_feedback", "scorer", "scorers",
    "DisplayListener", "NbtraceWarning", "NonRecordingSpan", "Span",
    "TraceCollector", "TraceRecord", "configure", "disable", "enable", "get_collector",
    "get_current_span", "get_last_trace", "is_enabled", "last_traces",
    "load_ipython_extension", "show", "start_span", "to_html", "trace", "trace_bundle", "trace_to_dict",
    "unload_ipython_extension", "wrap_context", "__version__",
]


def _install_display_listener() -> DisplayListener:
    """The collector's display listener: created once per process; it follows the
    settings. Re-importing this module (``%reload_ext nbtrace``) reuses it, so
    traces are never displayed twice and settings survive."""
    collector = get_collector()
    for listener in collector.listeners:
        if isinstance(listener, DisplayListener):
            return listener
    listener = DisplayListener()
    _settings.subscribe(listener.follow)
    collector.add_listener(listener)
    return listener


_display_listener = _install_display_listener()


def start_span(name: str, span_type: str = "UNKNOWN", attributes: dict | None = None,
               parent: Span | None = None) -> Span:
    """Start a span as a child of ``parent`` (default: the current span), or as a
    new trace's root when there is none.

    Use it as a context manager, which makes it current and ends it::

        with nbtrace.start_span("retrieve", span_type="RETRIEVER") as span:
            span.set_inputs({"query": q})
            docs = ...
            span.set_outputs(docs)

    or keep the returned span and call ``span.end()`` yourself (it is then not
    the current span, so it does not become the parent of other spans unless
    passed as ``parent=``). In a notebook, end it in the same cell: spans still
    running when the cell ends are ended with ERROR status.

    While tracing is disabled (:func:`disable`) this returns a
    :class:`NonRecordingSpan`: same methods, records nothing.
    """
    collector = get_collector()
    if parent is None:
        return collector.start_span(name, span_type=span_type, attributes=attributes)
    return collector.start_span(name, span_type=span_type, attributes=attributes, parent=parent)


def get_last_trace() -> dict | None:
    """The last finished trace as an MLflow-v3-shaped dict (``None`` if there is none)."""
    record = get_collector().last_finished_trace()
    return trace_to_dict(record) if record is not None else None


def last_traces(n: int | None = None) -> list:
    """The finished traces kept in memory (the last ``n``, or all), oldest first, as
    MLflow-v3-shaped dicts — including those a cell did not display. How many are
    kept: ``configure(max_traces=)`` (default 100). ``nbtrace.show(last_traces(5))``
    displays several in one output."""
    if n is not None and (isinstance(n, bool) or int(n) != n or n < 0):
        raise ValueError("nbtrace.last_traces: n must be a whole number >= 0 (or None for all)")
    records = get_collector().finished_traces()
    if n is not None:
        records = records[-int(n):] if n else []
    return [trace_to_dict(record) for record in records]


def disable() -> None:
    """Stop tracing: ``@trace`` functions run untraced (one flag check per call),
    ``start_span`` returns a :class:`NonRecordingSpan`, nothing is recorded or
    shown, until :func:`enable`. Spans already running finish normally.
    (``configure(display=False)`` only stops showing traces; they are still kept.)"""
    get_collector().enabled = False


def enable() -> None:
    """Start tracing again after :func:`disable` (tracing is on by default)."""
    get_collector().enabled = True


def is_enabled() -> bool:
    """Is tracing on (see :func:`disable`)?"""
    return bool(get_collector().enabled)


def load_ipython_extension(ipython: Any) -> None:
    """``%load_ext nbtrace``: the ``%%nbtrace`` / ``%nbtrace`` magics and the cell hooks."""
    from ._notebook.magic import load_ipython_extension as load

    load(ipython, _display_listener)


def unload_ipython_extension(ipython: Any) -> None:
    """``%unload_ext nbtrace``: remove the magics (traces are still displayed)."""
    from ._notebook.magic import unload_ipython_extension as unload

    unload(ipython)


def configure(display: bool | None = None, max_traces: int | None = None,
              live: bool | None = None, update_interval: float | None = None,
              max_traces_per_cell: int | None = None, html_summary: bool | None = None,
              max_value_chars: int | None = None, max_spans_per_trace: int | None = None,
              max_events_per_span: int | None = None) -> dict:
    """Change settings (``None`` leaves one as is); returns the current ones.

    ``display``: show traces in the notebook (default ``True``).
    ``live``: show a trace when its first span starts and update it in place while
    it runs (default ``True``); ``False`` shows it once, when it finishes.
    ``update_interval``: at most one live update per trace every this many seconds
    (default 0.1; 0 = on every change). The final state is always shown at once.
    ``max_traces``: how many finished traces to keep in memory for
    :func:`last_traces` (default 100).
    ``max_traces_per_cell``: how many traces one cell displays (default 10; 0 =
    none); later ones are counted in one "N more traces not shown" line.
    ``html_summary``: add a small static ``text/html`` summary of each trace to its
    output, for GitHub, nbviewer, VS Code and JupyterLab without nbtrace (default ``True``).
    ``max_value_chars``: about the most characters of JSON recorded per value (a span's inputs,
    outputs, one attribute, one event's attributes; default 100,000); more is cut with a marker
    saying how much (``…[truncated 1234 chars]``). ``max_spans_per_trace`` (default 10,000): later
    spans run but are not recorded; the root's ``nbtrace.dropped_spans`` attribute and the trace
    metadata ``nbtrace.droppedSpans`` count them (the viewer shows a warning). ``max_events_per_span``
    (default 1,000): later events are counted in one ``nbtrace.dropped_events`` event.

    Every value is checked before any changes: a bad one raises ``ValueError`` and
    changes nothing. The returned dict also says whether tracing is on
    (``"tracing"``, see :func:`disable`).
    """
    settings = _settings.update(
        display=display, max_traces=max_traces, live=live, update_interval=update_interval,
        max_traces_per_cell=max_traces_per_cell, html_summary=html_summary,
        max_value_chars=max_value_chars, max_spans_per_trace=max_spans_per_trace,
        max_events_per_span=max_events_per_span)
    return {**settings.as_dict(), "tracing": is_enabled()}


def _jupyter_labextension_paths() -> list:
    """Where the prebuilt lab extension lives (for ``jupyter labextension develop``)."""
    return [{"src": "labextension", "dest": "nbtrace"}]
