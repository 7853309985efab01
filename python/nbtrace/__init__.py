"""nbtrace: see the traces of AI agents and LLM apps inside the notebook.

Fluent API in the MLflow style::

    import nbtrace

    @nbtrace.trace(span_type="TOOL")
    def search(query): ...

    with nbtrace.start_span("agent", span_type="AGENT") as span:
        span.set_inputs({"question": q})
        ...

When the outermost (root) span ends inside a Jupyter kernel, the trace is
displayed in the cell as ``application/vnd.nbtrace.trace+json`` (an MLflow v3
trace dict). Outside a kernel nothing is displayed; ``get_last_trace()`` returns
the last finished trace dict either way.
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
from ._context import get_current_span
from ._decorator import trace
from ._display import MIME_TYPE, DisplayListener, show, trace_bundle
from ._export import trace_to_dict
from ._span import Span
from ._util import NbtraceWarning

__all__ = [
    "MIME_TYPE", "NbtraceWarning", "Span", "TraceCollector", "TraceRecord", "configure",
    "get_collector", "get_current_span", "get_last_trace", "show", "start_span", "trace",
    "trace_bundle", "trace_to_dict", "__version__",
]

_display_listener = DisplayListener()
get_collector().add_listener(_display_listener)


def start_span(name: str, span_type: str = "UNKNOWN", attributes: dict | None = None) -> Span:
    """Start a span as a child of the current span (or as a new trace's root).

    Use it as a context manager, which makes it current and ends it::

        with nbtrace.start_span("retrieve", span_type="RETRIEVER") as span:
            span.set_inputs({"query": q})
            docs = ...
            span.set_outputs(docs)

    or keep the returned span and call ``span.end()`` yourself (it is then not
    the current span, so it does not become the parent of other spans).
    """
    return get_collector().start_span(name, span_type=span_type, attributes=attributes)


def get_last_trace() -> dict | None:
    """The last finished trace as an MLflow-v3-shaped dict (``None`` if there is none)."""
    record = get_collector().last_finished_trace()
    return trace_to_dict(record) if record is not None else None


def configure(display: bool | None = None, max_traces: int | None = None) -> dict:
    """Change settings; returns the current ones.

    ``display``: show traces in the notebook when they finish (default ``True``).
    ``max_traces``: how many finished traces to keep in memory (default 10).
    """
    if display is not None:
        _display_listener.enabled = bool(display)
    if max_traces is not None:
        if int(max_traces) < 1:
            raise ValueError("nbtrace.configure: max_traces must be at least 1")
        get_collector().max_finished_traces = int(max_traces)
    return {"display": _display_listener.enabled,
            "max_traces": get_collector().max_finished_traces}


def _jupyter_labextension_paths() -> list:
    """Where the prebuilt lab extension lives (for ``jupyter labextension develop``)."""
    return [{"src": "labextension", "dest": "nbtrace"}]
