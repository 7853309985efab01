"""``nbtrace.evaluate``: run ``predict_fn`` over every record (or take existing
traces), score each row, and keep it all as one :class:`EvalRun`.

Each row runs in its own copy of the caller's context with no current span, so
its trace is whole and separate whatever the thread (``max_workers``) and
whether ``predict_fn`` is sync or async (an async one runs to completion with
``asyncio.run`` in its worker thread: a notebook's own loop is busy running the
cell). A ``predict_fn`` that is not ``@nbtrace.trace``-decorated is traced as one
root span. Row traces are kept (``last_traces()``) but not displayed on their
own: the results table shows them. An exception in ``predict_fn`` or in a
scorer marks that row or score as an error and the run goes on; Ctrl-C stops
it, keeps what finished and re-raises.
"""
from __future__ import annotations

import asyncio
import concurrent.futures
import contextvars
import inspect
import json
import time
from collections.abc import Mapping
from typing import Any, Callable

from .._documents.mlflow import trace_to_dict
from .._notebook.live import traces_hidden
from .._record import context
from .._record.assessments import SOURCE_RUN_ID, add_assessment, feedback_assessment
from .._record.collector import capture_traces, get_collector
from .._record.decorator import trace as traced
from .._record.record import TraceRecord
from .._util import report_internal_error
from .data import read_data
from .run import EvalRun
from .scorer import as_scorer
from .trace import Trace


def _error_text(exc: BaseException) -> str:
    text = f"{type(exc).__name__}: {exc}"
    return text if len(text) <= 2_000 else text[:2_000] + "…"


def _score_entry(feedback: Any, source: str) -> dict:
    entry: dict = {"value": feedback.value, "rationale": feedback.rationale, "error": feedback.error,
                   "source": source}
    if feedback.span_id:
        entry["span_id"] = feedback.span_id
    if feedback.trace is not None:
        entry["trace"] = feedback.trace
    return entry


class _Runner:
    def __init__(self, run: EvalRun, predict_fn: Callable | None, scorers: list, on_change: Callable,
                 measure: bool) -> None:
        self.run = run
        self.predict_fn = predict_fn
        self.scorers = scorers
        self.on_change = on_change
        self.measure = measure  # size rows' traces for the live display's budget

    def row(self, row: dict, doc: Any) -> None:
        """Run one row (in a worker thread, in the row's own context)."""
        run = self.run
        run.row_started(row)
        self.on_change()
        token = context.attach(None)  # a trace of its own, whatever the caller's current span
        record = None
        try:
            if self.predict_fn is not None:
                record, doc = self._predict(row)
            else:
                record = _find_record(doc)
            view = Trace(doc) if doc is not None else None
            if view is not None:
                row["trace_id"] = view.trace_id
                row["latency_ms"] = view.duration_ms
                row["tokens"] = view.token_usage
                row["cost"] = view.cost
                estimate = view.estimated_cost if row["cost"] is None else None
                if estimate is not None:  # none reported: tokens × list prices, marked as such
                    row["cost"], row["cost_estimated"] = estimate, True
            if row.get("error") is None:
                self._score(row, record, view)
            if record is not None:
                doc = trace_to_dict(record)  # now with the scores as assessments
            row["trace"] = doc
            if self.measure and doc is not None:
                row["_trace_chars"] = len(json.dumps(doc, default=str))
        except Exception as exc:  # nbtrace's own failure: the row says so, the run goes on
            report_internal_error("evaluating a row", exc)
            row["error"] = row.get("error") or f"nbtrace failed on this row: {_error_text(exc)}"
        finally:
            context.detach(token)
            run.row_finished(row)
            self.on_change()

    def _predict(self, row: dict) -> tuple:
        started = time.perf_counter()
        with capture_traces() as roots:
            try:
                result = self.predict_fn(**row["inputs"])
                if inspect.isawaitable(result):
                    result = asyncio.run(_awaited(result))
                row["outputs"] = result
            except Exception as exc:  # the user's error marks the row, never the run
                row["error"] = _error_text(exc)
        row["latency_ms"] = (time.perf_counter() - started) * 1000
        record = roots[0] if roots else None
        if record is not None and not record.is_finished:
            get_collector().finalize_trace(record, "still running when predict_fn returned")
        return record, trace_to_dict(record) if record is not None else None

    def _score(self, row: dict, record: TraceRecord | None, view: Trace | None) -> None:
        scores: dict = {}
        for scorer in self.scorers:
            for feedback in scorer.run(row["inputs"], row.get("outputs"), row["expectations"], view):
                scores[feedback.name] = _score_entry(feedback, scorer.source)
                if record is not None:
                    add_assessment(record, feedback_assessment(
                        record.request_id, feedback.name, feedback.value, rationale=feedback.rationale,
                        source_type=scorer.source, source_id=scorer.name, span_id=feedback.span_id,
                        error=feedback.error, metadata={SOURCE_RUN_ID: self.run.id, **(feedback.metadata or {})}))
        row["scores"] = scores


async def _awaited(awaitable: Any) -> Any:
    return await awaitable


def _find_record(doc: Any) -> TraceRecord | None:
    """Our own record of an existing trace document, if we still hold it (its scores
    then go on it as assessments)."""
    trace_id = (doc.get("info") or {}).get("trace_id") if isinstance(doc, Mapping) else None
    if not trace_id:
        return None
    collector = get_collector()
    for record in collector.finished_traces():
        if record.request_id == trace_id:
            return record
    return None


def run_evaluation(data: Any, predict_fn: Callable | None, scorers: Any, *, name: str | None,
                   max_workers: int, repetitions: int, dry_run: Any, on_start: Callable[[EvalRun], None],
                   on_change: Callable[[EvalRun], None], measure: bool) -> EvalRun:
    """The whole run (see the module doc): ``on_start(run)`` once its rows exist (in
    this thread), ``on_change(run)`` after each row starts and ends (in its thread)."""
    if isinstance(max_workers, bool) or not isinstance(max_workers, int) or max_workers < 1:
        raise ValueError("nbtrace.evaluate: max_workers must be a whole number >= 1")
    if isinstance(repetitions, bool) or not isinstance(repetitions, int) or repetitions < 1:
        raise ValueError("nbtrace.evaluate: repetitions must be a whole number >= 1")
    if predict_fn is not None and not callable(predict_fn):
        raise TypeError(f"nbtrace.evaluate: predict_fn must be a function, got {type(predict_fn).__name__}")
    scorer_list = [as_scorer(s) for s in (scorers or [])]
    names = [s.name for s in scorer_list]
    if len(set(names)) != len(names):
        raise ValueError(f"nbtrace.evaluate: two scorers share a name: {names} (give one name=...)")
    items, dataset = read_data(data, traces_wanted=predict_fn is None)
    if dry_run:
        items = items[:1 if dry_run is True else max(1, int(dry_run))]
    rows = [{"index": i, "repetition": rep, "record_id": item["record_id"], "inputs": item["inputs"],
             "expectations": item["expectations"], "outputs": item.get("outputs"), "status": "pending",
             "error": None, "latency_ms": None, "tokens": None, "cost": None, "scores": {}, "trace_id": None,
             "trace": None, "_doc": item.get("trace")}
            for i, item in enumerate(items) for rep in range(repetitions)]
    run = EvalRun(name or _default_name(predict_fn), dataset,
                  [{"name": s.name, "source": s.source, "higher_is_better": s.higher_is_better,
                    **({"aggregations": s.aggregations} if s.aggregations else {})} for s in scorer_list],
                  rows, dry_run=bool(dry_run))
    fn = predict_fn
    if fn is not None and not getattr(fn, "__nbtrace_traced__", False):
        fn = traced(fn, name=getattr(fn, "__name__", None) or "predict", span_type="CHAIN")
    runner = _Runner(run, fn, scorer_list, lambda: on_change(run), measure)
    on_start(run)
    state = "DONE"
    pool = concurrent.futures.ThreadPoolExecutor(max_workers, "nbtrace-eval")
    try:
        with traces_hidden():
            futures = [pool.submit(contextvars.copy_context().run, runner.row, row, row.pop("_doc"))
                       for row in rows]
        pending = set(futures)
        while pending:  # short waits: Ctrl-C reaches this thread between them
            _, pending = concurrent.futures.wait(pending, timeout=0.1)
    except KeyboardInterrupt:
        state = "INTERRUPTED"
        run.finish(state)
        on_change(run)
        raise
    finally:
        # Interrupted: rows not started are cancelled, running ones finish in the background.
        pool.shutdown(wait=state == "DONE", cancel_futures=True)
    run.finish(state)
    return run


def _default_name(predict_fn: Callable | None) -> str:
    if predict_fn is None:
        return "scored traces"
    return str(getattr(predict_fn, "__name__", None) or "run")
