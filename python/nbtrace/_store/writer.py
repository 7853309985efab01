"""Finished traces → the store, from one background thread, never in the traced
code's way.

:class:`StoreWriter` is a collector listener: when a trace finishes (or a
finished one gets an assessment) it puts the trace record, with the store it is
meant for, on a bounded queue (``put_nowait``: a full queue drops the trace and
warns once). One daemon thread takes batches off the queue, turns each record
into its MLflow v3 dict (``trace_to_dict``) and facts (``facts_of``) and writes
them in one transaction. Any failure of the store (a locked, corrupt or
read-only database, a full disk) is reported once as an ``NbtraceWarning`` and
the batch is dropped; the next batch tries again with a fresh connection.

:meth:`StoreWriter.flush` waits until everything queued so far is written (tests,
``search_traces``); at interpreter exit the writer flushes for at most
:data:`EXIT_FLUSH_TIMEOUT_S` seconds, then closes the store. A forked child starts
with an empty queue and no thread (it must not touch its parent's connection).
"""
from __future__ import annotations

import atexit
import json
import os
import queue
import threading
import weakref
from typing import Any

from .._documents.facts import facts_of
from .._documents.mlflow import trace_to_dict
from .._util import report_internal_error
from .jsonl_store import JsonlStore
from .sqlite_store import SqliteStore

QUEUE_SIZE = 1_000
BATCH_SIZE = 200
EXIT_FLUSH_TIMEOUT_S = 3.0
_STOP = object()
_abandoned: list = []  # a forked child's copies of its parent's stores: never closed, never used


def open_store(location: str) -> Any:
    """The store a normalized location names (``_settings.store_location``)."""
    scheme, _, path = location.partition(":///")
    if scheme == "sqlite":
        return SqliteStore(path)
    if scheme == "jsonl":
        return JsonlStore(path)
    raise ValueError(f"not a store location: {location!r}")


class StoreWriter:
    """The collector listener that writes finished traces to the store."""

    def __init__(self, maxsize: int = QUEUE_SIZE) -> None:
        self.maxsize = maxsize
        self.location: str | None = None
        self._reset()
        ref = weakref.ref(self)
        os.register_at_fork(after_in_child=lambda: (lambda w: w and w._after_fork())(ref()))

    def _reset(self) -> None:
        self._queue: queue.Queue = queue.Queue(self.maxsize)
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._store: Any = None  # owned by the thread
        self._stores: dict = {}  # location → store, for reading (search_traces)

    def _after_fork(self) -> None:
        _abandoned.extend([self._store, *self._stores.values()])
        self._reset()

    # ------------------------------------------------------------ settings
    def follow(self, settings: Any) -> None:
        """Follow ``configure(store=...)``: traces finished from now on go there."""
        self.location = settings.store

    def store(self, location: str | None = None) -> Any:
        """A store object for reading ``location`` (default: the configured one), or None."""
        location = location or self.location
        if location is None:
            return None
        with self._lock:
            found = self._stores.get(location)
            if found is None:
                found = self._stores[location] = open_store(location)
            return found

    # ------------------------------------------------------------ listener hooks
    def on_trace_end(self, trace: Any) -> None:
        self.offer(trace)

    def on_trace_change(self, trace: Any) -> None:
        if trace.is_finished:  # an assessment on a finished trace: write it again
            self.offer(trace)

    def offer(self, trace: Any, location: str | None = None) -> bool:
        """Queue ``trace`` (a TraceRecord, or an MLflow trace dict) for the store;
        never blocks. False if there is no store or the queue is full."""
        location = location or self.location
        if location is None:
            return False
        self._start()
        try:
            self._queue.put_nowait((location, trace))
        except queue.Full:
            report_internal_error(f"the trace store's queue is full ({self.maxsize} traces wait to be written): "
                                  "traces are dropped, not stored, until it drains")
            return False
        return True

    # ------------------------------------------------------------ the thread
    def _start(self) -> None:
        if self._thread is not None and self._thread.is_alive():
            return
        with self._lock:
            if self._thread is None or not self._thread.is_alive():
                thread = threading.Thread(target=self._run, name="nbtrace-store-writer", daemon=True)
                thread.start()
                if self._thread is None:
                    atexit.register(self._at_exit)
                self._thread = thread

    def _run(self) -> None:
        q = self._queue
        while True:
            batch = [q.get()]
            while len(batch) < BATCH_SIZE:
                try:
                    batch.append(q.get_nowait())
                except queue.Empty:
                    break
            try:
                stop = any(item is _STOP for item in batch)
                self._write([item for item in batch if item is not _STOP])
                if stop:
                    self._close_store()
                    return
            except Exception as exc:  # pragma: no cover - _write reports its own failures
                report_internal_error("the trace store's writer", exc)
            finally:
                for _ in batch:
                    q.task_done()

    def _write(self, batch: list) -> None:
        i = 0
        while i < len(batch):
            location = batch[i][0]
            j = i
            while j < len(batch) and batch[j][0] == location:
                j += 1
            items = [pair for pair in map(_document, (trace for _, trace in batch[i:j])) if pair is not None]
            i = j
            if not items:
                continue
            try:
                if self._store is None or self._store.location != location:
                    self._close_store()
                    self._store = open_store(location)
                self._store.write(items)
            except Exception as exc:
                report_internal_error(f"writing traces to the store {location}", exc)
                self._close_store()

    def _close_store(self) -> None:
        store, self._store = self._store, None
        if store is not None:
            try:
                store.close()
            except Exception as exc:
                report_internal_error("closing the trace store", exc)

    # ------------------------------------------------------------ flushing
    def flush(self, timeout: float | None = None) -> bool:
        """Wait until every trace queued so far is written (or failed); False on timeout."""
        q = self._queue
        with q.all_tasks_done:
            return q.all_tasks_done.wait_for(lambda: not q.unfinished_tasks,
                                             None if timeout is None else max(0.0, timeout))

    def close(self, timeout: float | None = EXIT_FLUSH_TIMEOUT_S) -> bool:
        """Flush, then stop the thread and close the store; False if it did not finish in time."""
        flushed = self.flush(timeout)
        thread = self._thread
        if thread is None or not thread.is_alive():
            return flushed
        try:
            self._queue.put(_STOP, timeout=timeout)
        except queue.Full:
            return False
        thread.join(timeout)
        with self._lock:
            stores, self._stores = list(self._stores.values()), {}
        for store in stores:
            store.close()
        return flushed and not thread.is_alive()

    def _at_exit(self) -> None:
        try:
            self.close(EXIT_FLUSH_TIMEOUT_S)
        except Exception:  # pragma: no cover - never fail the interpreter's exit
            pass


def _document(trace: Any) -> tuple | None:
    """``(doc JSON, facts)`` of a trace record (or dict); None, reported, if that fails."""
    try:
        doc = trace if isinstance(trace, dict) else trace_to_dict(trace)
        text = json.dumps(doc, ensure_ascii=False, default=str)
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:  # lone surrogates: keep them as JSON escapes
            text = json.dumps(doc, default=str)
        return text, facts_of(doc)
    except Exception as exc:
        report_internal_error("turning a trace into its stored document", exc)
        return None


_writer: StoreWriter | None = None
_writer_lock = threading.Lock()


def get_writer() -> StoreWriter:
    """The process-wide writer (``configure(store=...)`` drives it)."""
    global _writer
    with _writer_lock:
        if _writer is None:
            _writer = StoreWriter()
        return _writer
