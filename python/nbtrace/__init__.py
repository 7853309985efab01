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
cell then lists all its traces in one trace list output (sortable, filterable, with
aggregates); they are kept for ``nbtrace.last_traces()``.
``nbtrace.disable()`` / ``enable()`` turn tracing itself off and on.
``configure(store="sqlite:///traces.db")`` also keeps every finished trace in a local store
(SQLite, or a folder of JSONL files) that ``search_traces`` / ``get_trace`` query, and
``with nbtrace.session("chat-42"):`` groups the traces started inside.
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
from ._record.context import get_current_span, use_session, wrap_context
from ._record.decorator import trace
from ._record.limits import configure_limits  # noqa: F401 (public; importing it makes the limits follow configure())
from ._record.non_recording import NonRecordingSpan
from ._record.record import TraceRecord
from ._record.span import Span
from ._store import search as _search
from ._store.writer import get_writer as _get_store_writer
from ._util import NbtraceWarning
from .client import Client
from .compare import compare
from .html import to_html
from . import scorers  # noqa: E402 (nbtrace.scorers.*)

__all__ = [
    "Client", "Dataset", "EvalResult", "Feedback", "MIME_TYPE", "RunComparison", "Trace", "add_to_dataset",
    "compare", "compare_runs", "dataset", "evaluate", "log_feedback", "scorer", "scorers",
    "flush_store", "get_trace", "search_traces", "session",
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


def _install_store_writer() -> Any:
    """The store writer (``configure(store=)``): one per process, a collector listener
    that follows the settings (reused on ``%reload_ext nbtrace``)."""
    writer = _get_store_writer()
    collector = get_collector()
    if writer not in collector.listeners:
        _settings.subscribe(writer.follow)
        collector.add_listener(writer)
    return writer


_store_writer = _install_store_writer()


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


def search_traces(filter_string: str | None = None, order_by: Any = None, max_results: int | None = None,
                  return_type: str = "list") -> Any:
    """The traces that match ``filter_string``, from the store (``configure(store=)``; what is
    still queued is written first) or, with no store, from the finished traces in memory.

    ``filter_string``: the trace query language — MLflow's ``search_traces`` filters
    (``trace.status = 'ERROR'``, ``trace.execution_time_ms > 2000``, ``tag.env = 'prod'``,
    ``metadata.`mlflow.trace.session` = 'chat-42'``, ``span.type = 'LLM'``,
    ``feedback.correct = TRUE``, ``IN``, ``LIKE`` / ``ILIKE`` / ``RLIKE``) plus ``OR``, ``NOT``,
    parentheses and ``tokens``, ``input_tokens``, ``output_tokens``, ``cost``, ``model``,
    ``session``, ``user``, ``trace.text`` fields; one that does not parse raises ``ValueError``
    saying what was expected and where. ``order_by``: like MLflow's, e.g.
    ``["timestamp_ms DESC"]`` (the default: newest first), ``["trace.execution_time_ms ASC"]``,
    ``["tokens DESC"]``. ``max_results``: at most this many (default all).
    ``return_type``: ``"list"`` (MLflow v3 trace dicts: ``nbtrace.show(...)`` displays them) or
    ``"pandas"`` (a DataFrame with MLflow's columns — ``trace_id``, ``trace``, ``state``,
    ``request_time``, ``execution_duration``, ``request``, ``response``, ``tags``, ... — and
    ``tokens``, ``cost``, ``models``, ``session``, ``user``; needs pandas).
    """
    return _search.search_traces(filter_string, order_by=order_by, max_results=max_results,
                                 return_type=return_type)


def get_trace(trace_id: str) -> dict | None:
    """The trace dict (MLflow v3) with this ``info.trace_id`` (``"tr-..."``): from the store
    if one is configured, else (or if it is not there) from the finished traces in memory;
    ``None`` if neither has it."""
    return _search.get_trace(trace_id)


def flush_store(timeout: float | None = None) -> bool:
    """Wait until every finished trace queued for the store is written (at most ``timeout``
    seconds; ``None``: as long as it takes). ``False`` if time ran out. (Searches do this
    themselves, and so does the interpreter's exit, for a few seconds.)"""
    return _search.flush_store(timeout)


def session(name: str | None):
    """``with nbtrace.session("chat-42"):`` — the traces started inside belong to that
    session (trace metadata ``mlflow.trace.session``, MLflow's key; ``search_traces("session =
    'chat-42'")`` finds them). Blocks nest (the innermost wins) and follow the context like
    the current span: asyncio tasks and ``wrap_context`` calls made inside inherit it, a
    plain new thread does not (it gets ``configure(session=)``). ``None``: no session inside,
    whatever ``configure(session=)`` says."""
    return use_session(_settings.session_name("" if name is None else name, "nbtrace.session: name"))


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


_UNSET: Any = object()  # configure(store=None) turns the store off: None cannot mean "unchanged" there


def configure(display: bool | None = None, max_traces: int | None = None,
              live: bool | None = None, update_interval: float | None = None,
              max_traces_per_cell: int | None = None, html_summary: bool | None = None,
              max_value_chars: int | None = None, max_spans_per_trace: int | None = None,
              max_events_per_span: int | None = None, prices: Any = None,
              store: Any = _UNSET, session: Any = _UNSET) -> dict:
    """Change settings (``None`` leaves one as is); returns the current ones.

    ``display``: show traces in the notebook (default ``True``).
    ``live``: show a trace when its first span starts and update it in place while
    it runs (default ``True``); ``False`` shows it once, when it finishes.
    ``update_interval``: at most one live update per trace every this many seconds
    (default 0.1; 0 = on every change). The final state is always shown at once.
    ``max_traces``: how many finished traces to keep in memory for
    :func:`last_traces` (default 100).
    ``max_traces_per_cell``: how many traces one cell displays as trees (default 10; 0 =
    none); past it, one more output lists all the cell's traces (the trace list).
    ``html_summary``: add a small static ``text/html`` summary of each trace to its
    output, for GitHub, nbviewer, VS Code and JupyterLab without nbtrace (default ``True``).
    ``max_value_chars``: about the most characters of JSON recorded per value (a span's inputs,
    outputs, one attribute, one event's attributes; default 100,000); more is cut with a marker
    saying how much (``…[truncated 1234 chars]``). ``max_spans_per_trace`` (default 10,000): later
    spans run but are not recorded; the root's ``nbtrace.dropped_spans`` attribute and the trace
    metadata ``nbtrace.droppedSpans`` count them (the viewer shows a warning). ``max_events_per_span``
    (default 1,000): later events are counted in one ``nbtrace.dropped_events`` event.
    ``prices``: your LLM prices, over nbtrace's dated list-price table (used when a trace
    reports no cost, to show an estimated one, marked ≈): a dict like ``{"models": {"gpt-4o":
    {"input": 2.5, "output": 10, "cached_input": 1.25}}}`` (USD per 1M tokens; ``"unit": "per
    token"`` or ``"per 1K tokens"`` too), just the ``models`` dict, or the path of such a JSON
    file; ``{}`` drops them. Finished traces then carry them as metadata ``nbtrace.prices``.
    ``store``: also write every finished trace to a local store, from a background thread —
    ``"sqlite:///traces.db"`` (a SQLite file; ``sqlite:////abs/path.db`` absolute),
    ``"jsonl:///folder"`` or a folder path (JSONL files, one per process), ``None`` (off, the
    default); :func:`search_traces` and :func:`get_trace` then read it. A store that fails
    (locked, corrupt, read-only) or falls behind warns once; traced code never waits for it.
    ``session``: the session (``mlflow.trace.session`` metadata) of the traces started from
    now on outside a :func:`session` block (``None``: none).

    Every value is checked before any changes: a bad one raises ``ValueError`` and
    changes nothing. The returned dict also says whether tracing is on
    (``"tracing"``, see :func:`disable`).
    """
    if prices is not None:
        from ._documents.prices import normalize_prices

        prices = normalize_prices(prices) or {}
    settings = _settings.update(
        prices=prices, display=display, max_traces=max_traces, live=live, update_interval=update_interval,
        max_traces_per_cell=max_traces_per_cell, html_summary=html_summary,
        max_value_chars=max_value_chars, max_spans_per_trace=max_spans_per_trace,
        max_events_per_span=max_events_per_span,
        store=None if store is _UNSET else "" if store is None else store,
        session=None if session is _UNSET else "" if session is None else session)
    return {**settings.as_dict(), "tracing": is_enabled()}


def _jupyter_labextension_paths() -> list:
    """Where the prebuilt lab extension lives (for ``jupyter labextension develop``)."""
    return [{"src": "labextension", "dest": "nbtrace"}]
