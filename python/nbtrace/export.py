"""Take traces out of the notebook: OTLP/JSON, OTLP JSON Lines files, OTLP/HTTP.

::

    import nbtrace.export as nx

    doc = nx.to_otlp_json(nbtrace.get_last_trace())    # {"resourceSpans": [...]}
    nx.to_jsonl("traces.jsonl")                         # the finished traces kept in memory
    nx.otlp("http://localhost:4318", traces=nbtrace.get_collector().finished_traces())
    exporter = nx.otlp("http://localhost:4318")        # from now on: each trace as it finishes

The spans are the same everywhere (see ``document_json`` for the attribute
mapping: ``mlflow.*`` values stay JSON text, as MLflow's own OTLP exporter sends
them; other attributes are sent typed). Export never touches the notebook view:
a trace that fails to export still shows and stays in ``get_last_trace()``.

Errors: a call with bad arguments raises (``TypeError``/``ValueError``; an
unwritable path in :func:`to_jsonl` raises ``OSError``; :func:`otlp` without the
``opentelemetry-proto`` package raises ``ImportError``). A receiver that is down or
answers with an error never raises: it gives one :class:`~nbtrace.NbtraceWarning`
naming the endpoint and the reason, and the reasons are kept in ``.errors``.
"""
from __future__ import annotations

import atexit
import collections
import json
import os
import threading
import warnings
import weakref
from typing import Any

from ._documents.otlp import document_json, otlp_spans, request_proto
from ._documents.otlp_http import post, request_headers, require_proto, traces_url
from ._record.collector import get_collector
from ._util import NbtraceWarning, logger, report_internal_error

__all__ = ["ExportResult", "OTLPExporter", "load_jsonl", "otlp", "to_jsonl", "to_otlp_json"]

MAX_ERRORS_KEPT = 100


# ------------------------------------------------------------------ OTLP/JSON and files
def to_otlp_json(trace: Any, *, service_name: str = "nbtrace") -> dict:
    """An OTLP/JSON document ``{"resourceSpans": [...]}`` (the OpenTelemetry protobuf JSON
    mapping: hex ids, nanosecond times as strings, AnyValue attributes, integer kind and
    status codes) of a :class:`~nbtrace.TraceRecord`, a trace dict as nbtrace emits it
    (``get_last_trace()``), a :class:`~nbtrace.Span` or span dict, or a list of those.
    The resource has ``service.name`` = ``service_name``; the scope is ``nbtrace``."""
    service = _service(service_name)
    return document_json(otlp_spans(trace), service)


def _trace_list(traces: Any) -> list:
    if traces is None:
        return get_collector().finished_traces()
    if isinstance(traces, (list, tuple)):
        return list(traces)
    return [traces]


def to_jsonl(path: str | os.PathLike, traces: Any = None, *, append: bool = False,
             service_name: str = "nbtrace") -> int:
    """Write OTLP JSON Lines: one ``{"resourceSpans": ...}`` document per trace per line.

    ``traces``: a trace (record, dict, ...) or a list of them; default: the finished
    traces kept in memory (``get_collector().finished_traces()``, see
    ``nbtrace.configure(max_traces=...)``). The file is **overwritten** unless
    ``append=True`` (appending the same trace twice would duplicate its spans when
    the file is read back, since readers merge lines by trace id). All lines are
    built before the file is opened, so bad input leaves it untouched. Returns the
    number of traces written. Raises ``OSError`` if the file cannot be written.

    Read it back with nbtrace's viewer (Open With → Trace viewer), with
    ``nbtrace.show(nbtrace.export.load_jsonl(path))``, or send it to any tool that
    reads the OpenTelemetry Collector's file exporter format.
    """
    service = _service(service_name)
    lines = [json.dumps(document_json(otlp_spans(t), service), ensure_ascii=False,
                        separators=(",", ":"), allow_nan=False) + "\n"
             for t in _trace_list(traces)]
    with open(path, "a" if append else "w", encoding="utf-8", errors="backslashreplace",
              newline="\n") as f:
        f.writelines(lines)
    return len(lines)


def load_jsonl(path: str | os.PathLike) -> list:
    """The documents of a JSON Lines file (e.g. written by :func:`to_jsonl`), for
    ``nbtrace.show(...)``. Blank lines are skipped; a bad line raises ``ValueError``."""
    docs = []
    with open(path, encoding="utf-8") as f:
        for number, line in enumerate(f, 1):
            if line.strip():
                try:
                    docs.append(json.loads(line))
                except ValueError as exc:
                    raise ValueError(f"{os.fspath(path)}, line {number}: not JSON ({exc})") from None
    return docs


# ------------------------------------------------------------------ OTLP/HTTP
class ExportResult:
    """What one direct :func:`otlp` call sent: ``sent_spans`` of ``spans`` (in ``traces``
    traces) were accepted by ``endpoint``; ``errors`` says why the others were not."""

    __slots__ = ("endpoint", "traces", "spans", "sent_spans", "errors")

    def __init__(self, endpoint: str, traces: int, spans: int, sent_spans: int = 0) -> None:
        self.endpoint = endpoint
        self.traces = traces
        self.spans = spans
        self.sent_spans = sent_spans
        self.errors: list = []

    @property
    def ok(self) -> bool:
        return not self.errors

    def __repr__(self) -> str:
        return (f"ExportResult(endpoint={self.endpoint!r}, traces={self.traces}, spans={self.spans}, "
                f"sent_spans={self.sent_spans}, errors={self.errors!r})")


def otlp(endpoint: str, *, headers: dict | None = None, timeout: float = 10.0,
         traces: Any = None, service_name: str = "nbtrace",
         max_queue_size: int = 64) -> ExportResult | OTLPExporter:
    """Send spans to an OTLP/HTTP receiver (Collector, Jaeger, Phoenix, MLflow server, ...)
    as protobuf (``application/x-protobuf``, an ``ExportTraceServiceRequest``).

    ``endpoint``: ``http(s)://host:port`` posts to ``/v1/traces``; a URL with a path
    is used as it is. ``headers``: extra HTTP headers (e.g. authorization).

    With ``traces`` (a trace or a list, as for :func:`to_otlp_json`): sends them now
    in one request and returns an :class:`ExportResult`. Without: returns an
    :class:`OTLPExporter` that sends each trace when it finishes, from a background
    thread (the cell never waits for it). Calling ``otlp()`` again for the same URL
    replaces the previous exporter (no spans are sent twice).

    A receiver that is down or refuses the spans gives one warning (per call or per
    run of failures of an exporter), never an exception; the traces still show in
    the notebook. Needs the ``opentelemetry-proto`` package.
    """
    url = traces_url(endpoint)
    all_headers = request_headers(headers)
    timeout = float(timeout)
    if not 0 < timeout < float("inf"):
        raise ValueError("nbtrace.export.otlp: timeout must be a positive number of seconds")
    service = _service(service_name)
    require_proto()
    if traces is None:
        return OTLPExporter(url, all_headers, timeout, service, max_queue_size=max_queue_size)
    items = _trace_list(traces)
    spans = otlp_spans(items)
    result = ExportResult(url, len(items), len(spans), 0)
    if not spans:
        return result
    body = request_proto(spans, service).SerializeToString()
    rejected, reason = post(url, body, all_headers, timeout)
    if reason is None or rejected:
        result.sent_spans = len(spans) - rejected
    if reason is not None:
        result.errors.append(reason)
        warnings.warn(f"nbtrace: could not export {len(spans) - result.sent_spans} span(s) to "
                      f"{url} ({reason}); the traces still show in the notebook.",
                      NbtraceWarning, stacklevel=2)
    return result


_live_exporters: weakref.WeakValueDictionary = weakref.WeakValueDictionary()
_live_lock = threading.Lock()


class OTLPExporter:
    """A collector listener that sends each finished trace to an OTLP/HTTP endpoint.

    Traces go into a bounded queue (``max_queue_size`` traces; more are dropped and
    counted in ``dropped_traces``) that one daemon thread sends, several traces per
    request, without retries. ``sent_spans``: spans the receiver accepted;
    ``errors``: the last failure reasons. Pending traces are flushed at interpreter
    exit (up to ``timeout`` seconds, at most 5). Create it with :func:`otlp`.
    """

    def __init__(self, url: str, headers: dict, timeout: float, service_name: str,
                 max_queue_size: int = 64, max_batch_traces: int = 32) -> None:
        self.endpoint = url
        self.timeout = timeout
        self.service_name = service_name
        self.max_queue_size = max(1, int(max_queue_size))
        self.max_batch_traces = max(1, int(max_batch_traces))
        self.sent_spans = 0
        self.sent_traces = 0
        self.failed_traces = 0
        self.dropped_traces = 0
        self._headers = headers
        self._errors: collections.deque = collections.deque(maxlen=MAX_ERRORS_KEPT)
        self._queue: collections.deque = collections.deque()
        self._cond = threading.Condition()
        self._pending = 0  # traces queued or being sent
        self._thread: threading.Thread | None = None
        self._closed = False
        self._failing = False  # a failure was reported; silent until an export succeeds
        self._warned_drop = False
        with _live_lock:
            previous = _live_exporters.get(url)
            _live_exporters[url] = self
        if previous is not None:
            previous.shutdown(timeout=0)  # it still sends what it has queued
        get_collector().add_listener(self)

    @property
    def errors(self) -> list:
        return list(self._errors)

    def __repr__(self) -> str:
        state = "shut down" if self._closed else "running"
        return (f"<nbtrace.export.OTLPExporter {self.endpoint} {state}: {self.sent_spans} spans "
                f"sent, {len(self._errors)} errors>")

    # -------------------------------------------------------------- listener hook
    def on_trace_end(self, trace: Any) -> None:
        """Queue a finished trace (called by the collector in the user's thread: cheap)."""
        with self._cond:
            if self._closed:
                return
            full = len(self._queue) >= self.max_queue_size
            if full:
                self.dropped_traces += 1
            else:
                self._queue.append(trace)
                self._pending += 1
                if self._thread is None:
                    self._thread = threading.Thread(target=self._run, daemon=True,
                                                    name="nbtrace-otlp-export")
                    self._thread.start()
                self._cond.notify_all()
            warn_drop = full and not self._warned_drop
            self._warned_drop = self._warned_drop or full
        if warn_drop:
            _warn(f"nbtrace: traces come faster than {self.endpoint} takes them; the export queue "
                  f"({self.max_queue_size} traces) is full and new traces are not exported (they "
                  "still show in the notebook).")

    # -------------------------------------------------------------- control
    def flush(self, timeout: float | None = None) -> bool:
        """Wait until every queued trace was sent (or failed); ``False`` on timeout."""
        with self._cond:
            return self._cond.wait_for(lambda: not self._pending,
                                       None if timeout is None else max(0.0, float(timeout)))

    def shutdown(self, timeout: float | None = None) -> bool:
        """Stop exporting new traces; send the queued ones (waiting up to ``timeout``
        seconds, default the request timeout). ``False`` if some were still pending."""
        get_collector().remove_listener(self)
        with self._cond:
            self._closed = True
            self._cond.notify_all()
        with _live_lock:
            if _live_exporters.get(self.endpoint) is self:
                del _live_exporters[self.endpoint]
        done = self.flush(self.timeout if timeout is None else timeout)
        thread = self._thread
        if done and thread is not None and thread is not threading.current_thread():
            thread.join(1.0)
        return done

    # -------------------------------------------------------------- worker thread
    def _run(self) -> None:
        while True:
            with self._cond:
                while not self._queue and not self._closed:
                    self._cond.wait()
                if not self._queue:
                    self._thread = None
                    return
                batch = [self._queue.popleft()
                         for _ in range(min(len(self._queue), self.max_batch_traces))]
            try:
                self._export(batch)
            except Exception as exc:  # never let the thread die with traces pending
                report_internal_error("exporting traces over OTLP", exc)
            finally:
                with self._cond:
                    self._pending -= len(batch)
                    self._cond.notify_all()

    def _export(self, batch: list) -> None:
        spans = []
        for trace in batch:
            try:
                spans.extend(otlp_spans(trace))
            except Exception as exc:
                report_internal_error("converting a trace to OTLP", exc)
        if not spans:
            return
        body = request_proto(spans, self.service_name).SerializeToString()
        rejected, reason = post(self.endpoint, body, self._headers, self.timeout)
        if reason is None or rejected:
            self.sent_spans += len(spans) - rejected
            self.sent_traces += len(batch)
        if reason is None:
            self._failing = False
            return
        self.failed_traces += 0 if rejected else len(batch)
        self._errors.append(reason)
        logger.debug("nbtrace: OTLP export to %s failed: %s", self.endpoint, reason)
        if not self._failing:
            self._failing = True
            _warn(f"nbtrace: could not export traces to {self.endpoint} ({reason}). They still "
                  "show in the notebook; further failures are not reported until an export "
                  "succeeds (see the exporter's .errors).")


@atexit.register
def _flush_at_exit() -> None:
    for exporter in list(_live_exporters.values()):
        try:
            exporter.shutdown(timeout=min(exporter.timeout, 5.0))
        except Exception:
            pass


# ------------------------------------------------------------------ helpers
def _warn(message: str) -> None:
    """Warn from a listener or the export thread: there is no user frame to point at,
    so the warning names no source line (and the exporter, not the warnings
    registry, decides that it is shown once)."""
    try:
        warnings.warn_explicit(message, NbtraceWarning, "nbtrace.export", 0)
    except Exception:  # an "error" warnings filter must not kill the export thread
        logger.warning(message)


def _service(name: Any) -> str:
    if not isinstance(name, str) or not name.strip():
        raise ValueError("nbtrace.export: service_name must be a non-empty string")
    return name
