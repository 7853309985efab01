"""The per-cell cap of the live display: a cell displays at most
``max_traces_per_cell`` traces (default 10; a loop making 1,000 traces must not
make 1,000 outputs). The rest are counted on one plain-text line, "N more traces
not shown — …", updated in place (throttled like a trace; the final count is sent
at the cell's end); they are still kept (``last_traces()``).
"""
from __future__ import annotations

import collections
import functools
import threading
import uuid
from typing import Any, Callable

from .. import _settings
from .._util import report_internal_error
from .timers import cancel_timer

MAX_TRACKED_CELLS = 64  # per-cell counts kept (the oldest cells are forgotten)


def overflow_text(hidden: int, kept: int) -> str:
    """The line that stands for the ``hidden`` traces a cell did not display
    (``kept``: how many finished traces ``nbtrace.last_traces()`` holds)."""
    noun = "trace" if hidden == 1 else "traces"
    text = f"{hidden} more {noun} not shown — see nbtrace.last_traces()"
    if hidden > kept:
        text += (f" (it keeps only the last {kept} traces: "
                 "nbtrace.configure(max_traces=N) keeps more)")
    return text


class CellTraces:
    """How many traces one cell displayed and hid, and its "N more" line."""

    __slots__ = ("parent", "shown", "hidden", "display_id", "lock", "sent", "last_sent",
                 "timer", "collector")

    def __init__(self, parent: dict | None) -> None:
        self.parent = parent  # the cell's request header (routes the line to the cell)
        self.shown = self.hidden = 0
        self.display_id = f"nbtrace-more-{uuid.uuid4().hex}"
        self.lock = threading.RLock()
        self.sent: str | None = None  # the text last published (None: not displayed yet)
        self.last_sent = 0.0
        self.timer: Any = None
        self.collector: Any = None  # whose max_finished_traces the line mentions


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

    def admit(self, cell_id: str | None, parent: dict | None, collector: Any) -> bool:
        """May a trace first displayed now in the cell ``cell_id`` (request header
        ``parent``) be displayed? Decided once per trace; a refused trace is counted
        on the cell's "N more" line. Never raises."""
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
            interval = self._interval()
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
        """Display or update the "N more traces not shown" line (hold cell.lock)."""
        try:
            kept = cell.collector.max_finished_traces if cell.collector is not None else cell.hidden
            text = overflow_text(cell.hidden, kept)
            if text == cell.sent:
                return
            bundle = {"text/plain": text}
            update = cell.sent is not None
            self._emit(cell.parent, bundle, cell.display_id, update)
            cell.sent = text
        except Exception as exc:
            report_internal_error("showing the count of traces not shown", exc)
        finally:
            cell.last_sent = self._clock()
