"""The per-cell cap of the live display: a cell displays at most
``max_traces_per_cell`` traces as their own outputs (default 10; a loop making
1,000 traces must not make 1,000 outputs). The rest go into one more output, the
trace list of all the cell's traces (``list_bundle``: sortable, filterable, with
aggregates over the whole loop; a row opens its trace), updated in place as they come and finish (throttled: at most once per
``LIST_INTERVAL`` or the display's update interval if longer; the final state is
sent at the cell's end). Its size stays bounded however many traces the cell makes
(see ``list_bundle``); the traces are also kept (``last_traces()``).
"""
from __future__ import annotations

import collections
import functools
import threading
import uuid
from typing import Any, Callable

from .. import _settings
from .._documents.mlflow import trace_document
from .._util import report_internal_error
from .list_bundle import FULL_BYTES, LIST_MIME_TYPE, MAX_ROWS, ListPayload, doc_size, list_text, summary_doc
from .timers import cancel_timer

MAX_TRACKED_CELLS = 64  # per-cell counts kept (the oldest cells are forgotten)
LIST_INTERVAL = 0.5  # s: the list of a cell's further traces is resent at most this often


def overflow_text(hidden: int, kept: int) -> str:
    """The head line of the list of the ``hidden`` traces a cell did not display on
    their own (``kept``: how many finished traces ``nbtrace.last_traces()`` holds)."""
    noun = "trace" if hidden == 1 else "traces"
    text = f"{hidden} more {noun} in the trace list — see nbtrace.last_traces()"
    if hidden > kept:
        text += (f" (it keeps only the last {kept} traces: "
                 "nbtrace.configure(max_traces=N) keeps more)")
    return text


class Listed:
    """A trace in a cell's list, and what of it is worth keeping between sends."""

    __slots__ = ("trace", "doc", "size", "summary")

    def __init__(self, trace: Any) -> None:
        self.trace = trace
        self.doc: Any = None  # its document, once finished (a running one is rebuilt per send)
        self.size: int | None = None
        self.summary: Any = None

    def item(self) -> tuple:
        """``(doc, size, summary)`` for ``ListPayload.add`` (builds what is missing)."""
        if self.summary is not None:
            return self.summary, FULL_BYTES + 1, self.summary
        if self.doc is not None:
            return self.doc, self.size, self.summary
        finished = self.trace.is_finished
        doc = trace_document(self.trace, shared=True)[0]
        if finished:
            self.doc, self.size = doc, doc_size(doc)
            return doc, self.size, None
        return doc, None, None

    def kept_as(self, how: str) -> None:
        """The payload kept it as ``how``: a finished trace kept as a summary from now
        on keeps only the summary (its whole document is not held twice in memory)."""
        if how == "summary" and self.doc is not None:
            self.summary = summary_doc(self.doc)
            self.doc = None


class CellTraces:
    """How many traces one cell displayed and listed, and its list output."""

    __slots__ = ("parent", "shown", "hidden", "display_id", "lock", "sent", "last_sent",
                 "timer", "collector", "listed", "dirty")

    def __init__(self, parent: dict | None) -> None:
        self.parent = parent  # the cell's request header (routes the line to the cell)
        self.shown = self.hidden = 0
        self.display_id = f"nbtrace-more-{uuid.uuid4().hex}"
        self.lock = threading.RLock()
        self.sent: str | None = None  # the text last published (None: not displayed yet)
        self.last_sent = 0.0
        self.timer: Any = None
        self.collector: Any = None  # whose max_finished_traces the line mentions
        self.listed: list = []  # Listed, in order (at most MAX_ROWS; the rest only counted)
        self.dirty = False  # a listed trace changed since the last send


class CellCap:
    """Which traces each cell may display, and the "N more" line of each cell.

    ``emit(parent, bundle, display_id, update)`` publishes in the cell of the
    request header ``parent``; ``clock()`` is monotonic seconds, ``schedule(delay,
    fn)`` arms a timer, ``interval()`` the throttle interval of the line."""

    def __init__(self, emit: Callable, clock: Callable[[], float], schedule: Callable,
                 interval: Callable[[], float]) -> None:
        #: Traces displayed per cell before the rest are only counted (None: no limit).
        self.limit: int | None = _settings.DEFAULTS.max_traces_per_cell
        self._emit = emit
        self._clock = clock
        self._schedule = schedule
        self._interval = interval
        self._cells: collections.OrderedDict = collections.OrderedDict()  # msg_id → CellTraces
        self._lock = threading.Lock()

    def admit(self, cell_id: str | None, parent: dict | None, collector: Any,
              trace: Any = None) -> bool:
        """May ``trace``, first displayed now in the cell ``cell_id`` (request header
        ``parent``), be displayed on its own? Decided once per trace; a refused trace
        goes into the cell's trace list. Never raises."""
        try:
            limit = self.limit
            if cell_id is None or limit is None:
                return True
            with self._lock:
                cell = self._cells.get(cell_id)
                if cell is None:
                    cell = self._cells[cell_id] = CellTraces(parent)
                    while len(self._cells) > MAX_TRACKED_CELLS:
                        self._cells.popitem(last=False)
                # The list, once there is one, holds every trace of the cell (the
                # aggregates are over the whole loop), the displayed ones too.
                if trace is not None and len(cell.listed) < MAX_ROWS:
                    cell.listed.append(Listed(trace))
                if cell.shown < limit:
                    cell.shown += 1
                    return True
                cell.hidden += 1
                cell.collector = collector
            self._overflow_changed(cell)
            return False
        except Exception as exc:
            report_internal_error("limiting the traces displayed per cell", exc)
            return True

    def listed_changed(self, cell_id: str | None) -> None:
        """A trace in the cell's list changed (it grew or finished): resend, throttled."""
        try:
            cell = self._cells.get(cell_id) if cell_id is not None else None
            if cell is not None and cell.hidden:
                cell.dirty = True
                self._overflow_changed(cell)
        except Exception as exc:
            report_internal_error("updating the trace list of a cell", exc)

    def cell_ended(self, cell_id: str) -> None:
        """The cell ended: send its final count, if it hid any trace."""
        with self._lock:
            cell = self._cells.get(cell_id)
        if cell is not None and cell.hidden:
            self._flush(cell)

    def counts(self, cell_id: str) -> tuple:
        """``(shown, hidden)``: traces of the cell whose request ``msg_id`` is ``cell_id``."""
        cell = self._cells.get(cell_id)
        return (cell.shown, cell.hidden) if cell is not None else (0, 0)

    def _overflow_changed(self, cell: CellTraces) -> None:
        """The hidden count grew: publish the line now, or arm one trailing update."""
        with cell.lock:
            if cell.timer is not None:
                return  # the armed update will carry this count too
            interval = max(LIST_INTERVAL, self._interval())
            if cell.sent is None or cell.last_sent + interval <= self._clock():
                self._send(cell)
            else:
                wait = cell.last_sent + interval - self._clock()
                cell.timer = self._schedule(wait, functools.partial(self._flush, cell))

    def _flush(self, cell: CellTraces) -> None:
        """Publish the cell's line if its count changed (timer thread, or cell end)."""
        with cell.lock:
            cancel_timer(cell)
            self._send(cell)

    def _send(self, cell: CellTraces) -> None:
        """Display or update the cell's trace list (hold cell.lock)."""
        try:
            kept = cell.collector.max_finished_traces if cell.collector is not None else cell.hidden
            text = overflow_text(cell.hidden, kept)
            if text == cell.sent and not cell.dirty:
                return
            cell.dirty = False
            payload = ListPayload()
            docs = []
            for listed in cell.listed:
                doc, size, summary = listed.item()
                listed.kept_as(payload.add(doc, size, summary))
                docs.append(doc)
            # Traces of the cell it cannot list: too many, or no record given.
            total = cell.shown + cell.hidden
            body = payload.payload(title=f"All {total:,} traces of this cell ({cell.shown} also shown above)",
                                   omitted=total - len(cell.listed))
            bundle = {LIST_MIME_TYPE: body, "text/plain": list_text(docs, total, f"<{text}>")}
            update = cell.sent is not None
            self._emit(cell.parent, bundle, cell.display_id, update)
            cell.sent = text
        except Exception as exc:
            report_internal_error("showing the trace list of a cell", exc)
        finally:
            cell.last_sent = self._clock()
