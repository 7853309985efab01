"""Evaluation results in the notebook: the MIME bundle
(``application/vnd.nbtrace.eval+json``, its ``text/plain`` line and a small static
``text/html`` table for viewers without nbtrace) and :class:`LiveEval`, which
displays a run when it starts and updates that one output in place while rows
finish — throttled like a live trace (at most every ``interval`` seconds, and
never more than a quarter of the time), the final state at once at the end,
always in the cell that started the run.
"""
from __future__ import annotations

import functools
import html
import threading
import time
from typing import Any

from .._notebook import kernel
from .._notebook.timers import cancel_timer, start_timer
from .._util import report_internal_error
from .compare import compare_documents, summary_line
from .html_table import MAX_ROWS, cell, table
from .run import EVAL_MIME_TYPE, PAYLOAD_VERSION

MAX_LOAD = 0.25


def _pct(x: float) -> str:
    return f"{100 * x:.0f}%"


def metric_text(key: str, value: Any) -> str:
    """One metric for people: ``contains 83%``, ``latency p50 1.23 s``."""
    name, _, agg = key.rpartition("/")
    if not name:
        return f"{key} {value}"
    if agg == "pass_rate":
        return f"{name} {_pct(value)}"
    if name == "latency_ms":
        return f"latency {agg} {value / 1000:.2f} s" if value >= 1000 else f"latency {agg} {value:.0f} ms"
    if name == "cost":
        return f"cost ${value:.4f}"
    if name == "tokens":
        return f"{int(value):,} tokens"
    return f"{name} {agg} {value:.3g}"


def run_summary(doc: dict) -> str:
    """``<nbtrace eval 'v2' · 12 rows · contains 83% · latency p50 1.2 s · 1 error>``."""
    progress = doc.get("progress") or {}
    parts = [f"nbtrace eval {doc.get('name')!r}", f"{progress.get('total', len(doc.get('rows') or []))} rows"]
    if doc.get("state") == "RUNNING":
        parts.append(f"running {progress.get('done', 0)}/{progress.get('total', 0)}")
    metrics = doc.get("metrics") or {}
    parts += [metric_text(k, v) for k, v in metrics.items() if k != "errors" and not k.startswith(("tokens/", "cost/"))]
    if metrics.get("errors"):
        parts.append(f"{metrics['errors']} error{'s' if metrics['errors'] != 1 else ''}")
    return "<" + " · ".join(parts) + ">"


def _score_cell(score: dict) -> str:
    if score.get("error"):
        return "error"
    value = score.get("value")
    if value is True or (isinstance(value, str) and value.lower() in ("yes", "pass")):
        return "✓"
    if value is False or (isinstance(value, str) and value.lower() in ("no", "fail")):
        return "✗"
    return cell(value, 20)


def html_summary(doc: dict) -> str:
    """A static table of the run (see html_table)."""
    names = [s["name"] for s in doc.get("scorers") or []]
    rows = doc.get("rows") or []
    cells = []
    for row in rows[:MAX_ROWS]:
        scores = row.get("scores") or {}
        latency = row.get("latency_ms")
        cells.append([str(row["index"] + 1), cell(row.get("inputs")), cell(row.get("error") or row.get("outputs")),
                      *[_score_cell(scores[n]) if n in scores else "" for n in names],
                      f"{latency:.0f} ms" if isinstance(latency, (int, float)) else ""])
    return table("nbtrace-eval-summary", run_summary(doc), ["#", "inputs", "output", *names, "latency"], cells, len(rows))


def run_bundle(doc: dict, final: bool = True) -> dict:
    bundle = {EVAL_MIME_TYPE: {"version": PAYLOAD_VERSION, "kind": "run", "run": doc}, "text/plain": run_summary(doc)}
    if final:
        bundle["text/html"] = html_summary(doc)
    return bundle


def comparison_bundle(a: dict, b: dict) -> dict:
    result = compare_documents(a, b)
    text = summary_line(result, (str(a.get("name")), str(b.get("name"))))
    payload = {"version": PAYLOAD_VERSION, "kind": "comparison", "a": a, "b": b}
    return {EVAL_MIME_TYPE: payload, "text/plain": text,
            "text/html": f'<p class="nbtrace-eval-summary">{html.escape(text)}</p>'}


class LiveEval:
    """The output of one run in the cell that started it (see the module doc)."""

    def __init__(self, run: Any, baseline: dict | None = None, interval: float = 0.25) -> None:
        self.run = run
        self.baseline = baseline
        self.interval = interval
        self.parent = kernel.kernel_parent()
        self.display_id = f"nbtrace-eval-{run.id}"
        self.lock = threading.RLock()
        self.timer: Any = None
        self.shown = False
        self.finished = False
        self.last = 0.0
        self.cost = 0.0

    def bundle(self, final: bool) -> dict:
        doc = self.run.document(live=not final)
        if self.baseline is not None:
            return comparison_bundle(self.baseline, doc)
        return run_bundle(doc, final=final)

    def changed(self) -> None:
        """A row started or finished (any thread): publish now, or once the interval is over."""
        if self.finished or self.timer is not None:
            return
        with self.lock:
            if self.finished or self.timer is not None:
                return
            wait = self.last + max(self.interval, self.cost / MAX_LOAD) - time.monotonic()
            if wait <= 0 or not self.shown:
                self._publish(final=False)
            else:
                self.timer = start_timer(wait, functools.partial(self._flush))

    def _flush(self) -> None:
        with self.lock:
            self.timer = None
            if not self.finished:
                self._publish(final=False)

    def finish(self) -> None:
        with self.lock:
            self.finished = True
            cancel_timer(self)
            self._publish(final=True)

    def _publish(self, final: bool) -> None:
        started = time.monotonic()
        try:
            kernel.publish_for(self.parent, self.bundle(final), display_id=self.display_id, update=self.shown)
            self.shown = True
        except Exception as exc:
            report_internal_error("showing the evaluation results", exc)
        finally:
            self.last = time.monotonic()
            self.cost = self.last - started
