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
"""
from __future__ import annotations


try:
    from ._version import __version__  # written by the hatchling version hook at build time
except ImportError:  # a source tree that was never built
    try:
        from importlib.metadata import version as _pkg_version

        __version__ = _pkg_version("nbtrace")
    except Exception:
        __version__ = "0.1.0"

from ._collector import TraceCollector, TraceRecord, get_collector
from ._context import get_current_span, wrap_context
from ._decorator import trace
from ._display import MIME_TYPE, show, trace_bundle
from ._export import trace_to_dict
from ._live import DisplayListener
from ._span import Span
from ._util import NbtraceWarning

__all__ = [
    "MIME_TYPE", "DisplayListener", "NbtraceWarning", "Span", "TraceCollector", "TraceRecord",
    "configure", "get_collector", "get_current_span", "get_last_trace", "show", "start_span",
    "trace", "trace_bundle", "trace_to_dict", "wrap_context", "__version__",
]

_display_listener = DisplayListener()
get_collector().add_listener(_display_listener)


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
    """
    collector = get_collector()
    if parent is None:
        return collector.start_span(name, span_type=span_type, attributes=attributes)
    return collector.start_span(name, span_type=span_type, attributes=attributes, parent=parent)


def get_last_trace() -> dict | None:
    """The last finished trace as an MLflow-v3-shaped dict (``None`` if there is none)."""
    record = get_collector().last_finished_trace()
    return trace_to_dict(record) if record is not None else None


def configure(display: bool | None = None, max_traces: int | None = None,
              live: bool | None = None, update_interval: float | None = None) -> dict:
    """Change settings; returns the current ones.

    ``display``: show traces in the notebook (default ``True``).
    ``live``: show a trace when its first span starts and update it in place while
    it runs (default ``True``); ``False`` shows it once, when it finishes.
    ``update_interval``: at most one live update per trace every this many seconds
    (default 0.1; 0 = on every change). The final state is always shown at once.
    ``max_traces``: how many finished traces to keep in memory (default 10).
    """
    if max_traces is not None:
        if int(max_traces) < 1:
            raise ValueError("nbtrace.configure: max_traces must be at least 1")
    if update_interval is not None:
        interval = float(update_interval)
        if not 0 <= interval < float("inf"):
            raise ValueError("nbtrace.configure: update_interval must be a number of seconds >= 0")
        _display_listener.update_interval = interval
    if max_traces is not None:
        get_collector().max_finished_traces = int(max_traces)
    if display is not None:
        _display_listener.enabled = bool(display)
    if live is not None:
        _display_listener.live = bool(live)
    return {"display": _display_listener.enabled, "live": _display_listener.live,
            "update_interval": _display_listener.update_interval,
            "max_traces": get_collector().max_finished_traces}


def _jupyter_labextension_paths() -> list:
    """Where the prebuilt lab extension lives (for ``jupyter labextension develop``)."""
    return [{"src": "labextension", "dest": "nbtrace"}]
