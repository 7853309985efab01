"""Live display: a trace appears when its first span starts and grows in place.

:class:`DisplayListener` is the collector listener behind the notebook display.
In an IPython kernel, when a trace's root span starts it displays the trace at
once under the trace's ``display_id`` (``info.state`` ``IN_PROGRESS``, running
spans with ``end_time_unix_nano: null``), and every later span start, change
(attributes, inputs/outputs, status, events) or end asks for an
``update_display`` of that same output — throttled per trace:

* leading edge: if the last publish is at least ``update_interval`` old (default
  0.1 s), publish now, in the thread that made the change;
* trailing edge: otherwise arm one timer (a daemon ``threading.Timer``) for when
  the interval is over; later changes ride along with it. The output catches up
  even if nothing else happens until the root ends;
* the final state is published at once when the root ends (never throttled) and
  is the last publish: a ``finished`` flag, set and checked under the per-trace
  publish lock, stops a timer that fires late.

A slow publish (a big trace) stretches the interval so that live display takes at
most ~25% of the time; ``update_interval=0`` publishes on every change.
``live=False`` displays each trace once, when its root ends.

Routing: updates are sent on behalf of the kernel request that was current when
the trace started (``publish_for``), so an update from the timer thread lands in
the cell that shows the trace.

Cell end: **a trace started in a cell is finished when that cell ends.** A
``post_run_cell`` hook (registered once, in a kernel) ends every span still
running in such a trace with ERROR status — "the cell finished / raised … / was
interrupted while this span was running" — and publishes the final state, so a
root opened with ``start_span()`` and never ended does not stay "running"
forever. (Traces therefore do not continue across cells.)

Per-cell cap: a cell displays at most ``max_traces_per_cell`` traces and counts
the rest on one line (``CellCap``).

The process-wide listener follows ``nbtrace.configure()`` (:meth:`DisplayListener.follow`).
"""
from __future__ import annotations

import contextlib
import contextvars
import functools
import threading
import time
import weakref
from typing import Any, Callable, Iterator

from .. import _settings
from .._record.serialize import safe_repr, truncate
from .._util import report_internal_error
from . import kernel
from .bundle import trace_bundle
from .cells import CellCap
from .deltas import LiveDeltas
from .timers import cancel_timer, start_timer

MAX_LOAD = 0.25  # live publishing may use at most this share of the time ...
MAX_STRETCHED_INTERVAL = 2.0  # ... by stretching the interval up to this (seconds)

# True in a context whose new traces are never displayed on their own
# (nbtrace.evaluate shows its rows' traces in its results table instead).
_hidden: contextvars.ContextVar = contextvars.ContextVar("nbtrace_hidden_traces", default=False)


@contextlib.contextmanager
def traces_hidden() -> Iterator[None]:
    """Traces started in this block (and in contexts copied from it, e.g. worker
    threads) are recorded and kept, but not displayed as outputs of their own."""
    token = _hidden.set(True)
    try:
        yield
    finally:
        _hidden.reset(token)


def cell_end_message(error: BaseException | None) -> str:
    """Why a span was ended by the end of its cell (``error``: the cell's exception)."""
    if error is None:
        return ("the cell finished while this span was running "
                "(a trace ends with its cell: use `with` or call span.end() in the same cell)")
    if isinstance(error, KeyboardInterrupt):
        return "KeyboardInterrupt: the cell was interrupted while this span was running"
    try:
        detail = str(error)
    except Exception:
        detail = safe_repr(error)
    what = f"{type(error).__name__}: {detail}" if detail else type(error).__name__
    return f"the cell raised {truncate(what, 500)} while this span was running"


class LiveState:
    """Per-trace state of the live display (``TraceRecord.live``)."""

    __slots__ = ("lock", "parent", "cell", "shown", "finished", "last_sent", "cost", "timer",
                 "publishes", "hidden", "deltas")

    def __init__(self, parent: dict | None) -> None:
        self.lock = threading.RLock()  # serializes publishes of this trace
        self.parent = parent  # kernel request header when the trace started
        self.cell = parent.get("msg_id") if parent else None
        self.shown = False  # displayed once: from now on only updates
        self.finished = False  # final state published: publish nothing more
        self.last_sent = 0.0  # clock() at the end of the last publish
        self.cost = 0.0  # how long the last publish took (seconds)
        self.timer: Any = None  # the pending trailing update, if any
        self.publishes = 0
        self.hidden = False  # over its cell's max_traces_per_cell: never displayed
        self.deltas = LiveDeltas()  # a big trace's updates: keyframes and deltas


class DisplayListener:
    """Collector listener: shows traces in the notebook, live (see the module doc).

    ``enabled``: display at all; ``live``: display at the first span and update in
    place (else display once at the end); ``update_interval``: seconds between
    updates of one trace (0 = every change); ``max_traces_per_cell``: traces
    displayed per cell before the rest are only counted (``None``: no limit).

    Everything else is injectable for tests: ``publish(bundle, display_id=,
    update=)``, ``clock()`` (seconds, monotonic), ``schedule(delay, fn) -> handle
    with .cancel()``, ``in_kernel()``, ``kernel_parent()`` (the current request
    header) and ``get_shell()`` (for the ``post_run_cell`` hook).
    """

    def __init__(self, *, live: bool = True, update_interval: float = _settings.DEFAULTS.update_interval,
                 publish: Callable | None = None, clock: Callable[[], float] | None = None,
                 schedule: Callable | None = None, in_kernel: Callable[[], bool] | None = None,
                 kernel_parent: Callable[[], dict | None] | None = None,
                 get_shell: Callable[[], Any] | None = None) -> None:
        self.enabled = True
        self.live = bool(live)
        self.update_interval = float(update_interval)
        self._publish = publish
        self._clock = clock or time.monotonic
        self._schedule = schedule or start_timer
        self._in_kernel = in_kernel or (lambda: kernel.in_kernel())
        self._kernel_parent = kernel_parent or (lambda: kernel.kernel_parent())
        self._get_shell = get_shell or (lambda: kernel.get_shell())
        self._open: weakref.WeakSet = weakref.WeakSet()  # traces a cell may still have to end
        self._open_lock = threading.Lock()
        self._hooked_shell: Any = None
        self._cap = CellCap(self._emit, self._clock, self._schedule, lambda: self.update_interval)

    @property
    def max_traces_per_cell(self) -> int | None:
        """Traces displayed per cell before the rest are only counted (``None``: no limit)."""
        return self._cap.limit

    @max_traces_per_cell.setter
    def max_traces_per_cell(self, value: int | None) -> None:
        self._cap.limit = value

    def follow(self, settings: _settings.Settings) -> None:
        """Take the display part of ``settings`` (the process-wide listener subscribes this)."""
        self.enabled = settings.display
        self.live = settings.live
        self.update_interval = settings.update_interval
        self.max_traces_per_cell = settings.max_traces_per_cell

    def cell_counts(self, cell: str) -> tuple:
        """``(shown, hidden)``: traces of the cell whose request ``msg_id`` is ``cell``."""
        return self._cap.counts(cell)

    # ------------------------------------------------------------ collector hooks
    def on_span_start(self, span: Any) -> None:
        trace = span._trace
        if span is trace.root:
            self._trace_started(trace)
        else:
            self._changed(trace)

    def on_span_change(self, span: Any) -> None:
        self._changed(span._trace)

    def on_span_end(self, span: Any) -> None:
        if span is not span._trace.root:  # the root's end is published by on_trace_end
            self._changed(span._trace)

    def on_trace_end(self, trace: Any) -> None:
        with self._open_lock:
            self._open.discard(trace)
        state = trace.live
        if state is None:  # started outside a kernel, or before this listener was added
            if not (self.enabled and self._in_kernel()):
                return
            state = trace.live = LiveState(self._kernel_parent())
        with state.lock:
            if state.finished:
                return
            state.finished = True
            cancel_timer(state)
            if state.shown or self.enabled:  # a shown trace always gets its final state
                try:
                    self._send(trace, state)
                except KeyboardInterrupt:  # interrupted while publishing: the final
                    self._send(trace, state)  # state must still get out, then go on
                    raise
                if state.shown:
                    self._cap.listed_changed(state.cell)  # its row in the cell's list, if any

    def on_trace_change(self, trace: Any) -> None:
        """The trace got an assessment: a trace on screen shows it (a finished one gets
        one more update of its output)."""
        state = trace.live
        if state is None or not state.shown:
            return
        if not state.finished:
            self._changed(trace)
            return
        with state.lock:
            try:
                self._emit(state.parent, trace_bundle(trace), trace.display_id, True)
            except Exception as exc:
                report_internal_error("showing an assessment on a displayed trace", exc)

    # ------------------------------------------------------------ throttle
    def _trace_started(self, trace: Any) -> None:
        if _hidden.get():
            state = trace.live = LiveState(None)
            state.hidden = state.finished = True  # never displayed, not even at the end
            return
        if not self._in_kernel():
            return
        state = LiveState(self._kernel_parent())
        trace.live = state
        if state.cell is not None:
            with self._open_lock:
                self._open.add(trace)
            self._install_cell_hook()
        if self.enabled and self.live:
            with state.lock:
                if not state.finished:
                    self._send(trace, state)

    def _changed(self, trace: Any) -> None:
        """A span of ``trace`` started/changed/ended: publish now or arm the timer."""
        state = trace.live
        if state is None or not state.shown or state.finished or not self.live:
            return  # (unlocked fast path; re-checked below)
        if state.timer is not None:
            # A trailing update is armed. Whatever clears state.timer (the timer's
            # own flush, a leading-edge publish, the final publish) publishes after
            # clearing it, so after this change: nothing to do, no lock taken.
            return
        root = trace.root
        if root is None or root._end_ns is not None:
            return  # the root ended: the final publish is on its way
        try:
            with state.lock:
                if state.finished:
                    return
                wait = 0.0
                interval = self.update_interval
                if interval > 0:
                    gap = max(interval, min(state.cost / MAX_LOAD, MAX_STRETCHED_INTERVAL))
                    wait = state.last_sent + gap - self._clock()
                if wait <= 0:
                    cancel_timer(state)
                    self._send(trace, state)
                elif state.timer is None:
                    state.timer = self._schedule(wait, functools.partial(self._flush, trace))
        except Exception as exc:
            report_internal_error("updating the live trace display", exc)

    def _flush(self, trace: Any) -> None:
        """The trailing update (runs on the timer thread)."""
        try:
            state = trace.live
            with state.lock:
                state.timer = None
                if state.finished or not self.live:
                    return
                self._send(trace, state)
        except Exception as exc:
            report_internal_error("updating the live trace display", exc)

    def _emit(self, parent: Any, bundle: dict, display_id: str, update: bool) -> None:
        """Display (or update) `bundle` in the cell of `parent`, through the test hook when set."""
        if self._publish is not None:
            self._publish(bundle, display_id=display_id, update=update)
        else:
            kernel.publish_for(parent, bundle, display_id=display_id, update=update)

    def _send(self, trace: Any, state: LiveState) -> None:
        """Publish ``trace`` now: display it the first time, then update (hold state.lock)."""
        update = state.shown
        if not update and state.hidden:
            self._cap.listed_changed(state.cell)  # over the cell's limit: in its trace list
            return
        if not update and not self._admit(trace, state):
            return
        started = self._clock()
        try:
            bundle = state.deltas.shape(trace_bundle(trace), final=state.finished)
            self._emit(state.parent, bundle, trace.display_id, update)
            state.shown = True
            state.publishes += 1
        except Exception as exc:
            state.deltas.failed()
            report_internal_error("displaying the trace", exc)
        except BaseException:  # interrupted mid-publish: it may not have got out
            state.deltas.failed()
            raise
        finally:
            state.last_sent = self._clock()
            state.cost = max(0.0, state.last_sent - started)

    def _admit(self, trace: Any, state: LiveState) -> bool:
        """May ``trace`` be displayed in its cell? Asked once, at its first display."""
        if self._cap.admit(state.cell, state.parent, trace.collector, trace):
            return True
        state.hidden = True
        return False

    # ------------------------------------------------------------ cell end
    def _install_cell_hook(self) -> None:
        self.install(self._get_shell())

    def install(self, shell: Any) -> None:
        """Register :meth:`post_run_cell` with ``shell`` (once; ``%load_ext nbtrace``
        does it at once, else the first trace does)."""
        if shell is None or shell is self._hooked_shell:
            return
        try:
            shell.events.register("post_run_cell", self.post_run_cell)  # IPython dedupes
            self._hooked_shell = shell
        except Exception as exc:
            report_internal_error("registering the cell-end hook", exc)

    def post_run_cell(self, result: Any = None) -> None:
        """IPython ``post_run_cell`` hook: finish the traces this cell started that are
        still running (ERROR spans saying why; the final state is published). Never raises."""
        try:
            parent = self._kernel_parent()
            cell = parent.get("msg_id") if parent else None
            if cell is None:
                return
            why = cell_end_message(getattr(result, "error_in_exec", None))
            with self._open_lock:
                traces = list(self._open)
            for trace in traces:
                state = trace.live
                if state is None or state.cell != cell:
                    continue  # started by another cell (or between cells, in a thread)
                with self._open_lock:
                    self._open.discard(trace)
                if not trace.is_finished:
                    trace.collector.finalize_trace(trace, why)
            self._cap.cell_ended(cell)  # the final state of the cell's trace list, if it has one
        except Exception as exc:
            report_internal_error("ending the traces of a finished cell", exc)

    def open_traces(self) -> list:
        """Traces started in a cell that have not finished yet."""
        with self._open_lock:
            return list(self._open)
