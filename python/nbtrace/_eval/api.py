"""The evaluation API the package root offers: ``evaluate``, ``compare_runs``,
``log_feedback`` and ``add_to_dataset`` (what the trace view's "Add to dataset"
button runs in the kernel)."""
from __future__ import annotations

import base64
import json
from collections.abc import Mapping
from typing import Any, Callable

from .._notebook import kernel
from .._record.assessments import add_assessment, feedback_assessment
from .._record.collector import get_collector
from .._record.record import TraceRecord
from .dataset import Dataset, dataset
from .display import LiveEval, comparison_bundle
from .result import EvalResult, RunComparison
from .runner import run_evaluation


def evaluate(data: Any, predict_fn: Callable | None = None, scorers: Any = (), *, name: str | None = None,
             max_workers: int = 1, repetitions: int = 1, dry_run: Any = None,
             baseline: EvalResult | None = None, display: bool = True) -> EvalResult:
    """Run ``predict_fn`` over ``data`` and score every row; show the results live.

    ``data``: a :class:`Dataset`, a list of records (``{"inputs": {...},
    "expectations": {...}}``, or a peer's shape), a DataFrame, a JSONL/CSV path — or
    existing traces (``nbtrace.last_traces()``, MLflow traces) to score without
    running anything (then leave out ``predict_fn``). Each record's ``inputs`` are
    ``predict_fn``'s keyword arguments; an ``async def`` works too. ``scorers``:
    functions of ``inputs`` / ``outputs`` / ``expectations`` / ``trace``, or
    ``nbtrace.scorers.*``. ``max_workers`` rows run at once (threads; each row's
    trace is whole and separate); ``repetitions`` runs each record that many
    times; ``dry_run=N`` runs only the first N records. ``name`` names the run
    (a version: "v2"); ``baseline=`` another result shows this run against it.

    Every score is also an assessment on its row's trace. Errors in ``predict_fn``
    or a scorer mark that row or score and the run goes on. Returns an
    :class:`EvalResult`."""
    showing = display and kernel.in_kernel()
    live: list = []  # the LiveEval, once the run exists

    def on_start(run: Any) -> None:  # (the main thread: the cell that called evaluate)
        if showing:
            live.append(LiveEval(run, baseline=baseline.document() if baseline is not None else None))
            live[0].changed()

    def on_change(run: Any) -> None:  # (any thread)
        if live:
            live[0].changed()

    try:
        run = run_evaluation(data, predict_fn, scorers, name=name, max_workers=max_workers,
                             repetitions=repetitions, dry_run=dry_run, on_start=on_start, on_change=on_change,
                             measure=showing)
    finally:
        if live:
            live[0].finish()
    cell = live[0].parent.get("msg_id") if live and live[0].parent else None
    return EvalResult(run.document(), shown_in=cell)


def compare_runs(a: EvalResult, b: EvalResult, display: bool = True) -> RunComparison:
    """Run ``b`` against the baseline ``a``, row by row (joined on the inputs):
    improved / regressed / unchanged per scorer, latency, tokens and cost; shown
    as a table with a "regressions only" filter. Returns a :class:`RunComparison`."""
    for x in (a, b):
        if not isinstance(x, EvalResult):
            raise TypeError(f"nbtrace.compare_runs: expected EvalResults (what evaluate returns), got {type(x).__name__}")
    comparison = RunComparison(a, b)
    if display and kernel.in_kernel():
        kernel.publish(comparison_bundle(a.document(), b.document()))
    return comparison


def _record_of(trace: Any) -> TraceRecord:
    if isinstance(trace, TraceRecord):
        return trace
    trace_id = (trace.get("info") or {}).get("trace_id") if isinstance(trace, Mapping) else trace
    collector = get_collector()
    for record in collector.finished_traces() + collector.active_traces():
        if record.request_id == trace_id:
            return record
    raise ValueError(f"nbtrace.log_feedback: no trace {trace_id!r} is kept here (nbtrace.last_traces() holds the "
                     "last ones; configure(max_traces=) keeps more)")


def log_feedback(trace: Any, name: str, value: Any, *, rationale: str | None = None, source: str = "HUMAN",
                 source_id: str | None = None, span_id: str | None = None, metadata: dict | None = None) -> dict:
    """Add a feedback assessment (MLflow's ``log_feedback``) to a trace kept here —
    given as its id, its dict, or its record. A trace on screen shows it at once.
    Returns the assessment."""
    record = _record_of(trace)
    assessment = feedback_assessment(record.request_id, name, value, rationale=rationale, source_type=source,
                                     source_id=source_id, span_id=span_id, metadata=metadata)
    add_assessment(record, assessment)
    return assessment


def add_to_dataset(name: str, record: Any) -> Dataset:
    """Upsert ``record`` (a dict, or base64 of its JSON: what the trace view's
    "Add to dataset" sends) into the kernel's dataset ``name``; prints a line
    saying so. Returns the dataset (``nbtrace.dataset(name)``)."""
    if isinstance(record, str):
        record = json.loads(base64.b64decode(record.encode("ascii")).decode("utf-8"))
    ds = dataset(str(name))
    before = len(ds)
    ds.add(record)
    verb = "added to" if len(ds) > before else "merged into"
    print(f"nbtrace: record {verb} dataset {ds.name!r} ({len(ds)} record{'s' if len(ds) != 1 else ''}; "
          f"nbtrace.dataset({ds.name!r}).save('{ds.name}.jsonl') writes it next to the notebook)")
    return ds
