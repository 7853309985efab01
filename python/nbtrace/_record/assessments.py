"""Assessments on a recorded trace: MLflow's ``Assessment`` shape (a feedback
value with its rationale and source, on the trace or on one of its spans), as
``info.assessments`` of the trace document carries them.

An assessment is stored already JSON-safe; adding one to a finished trace tells
the collector's listeners (``on_trace_change``), so a trace already on screen can
show it. Scores from ``nbtrace.evaluate`` and ``nbtrace.log_feedback`` land here.
"""
from __future__ import annotations

import datetime
import uuid
from typing import Any

from .._util import clean_text, report_internal_error
from .serialize import to_jsonable

SOURCE_TYPES = ("HUMAN", "LLM_JUDGE", "CODE")
# MLflow's assessment metadata keys (``AssessmentMetadataKey``): the evaluation run that
# made a score, the judge's own trace, and the judge call's token counts.
SOURCE_RUN_ID = "mlflow.assessment.sourceRunId"
SCORER_TRACE_ID = "mlflow.assessment.scorerTraceId"
JUDGE_INPUT_TOKENS = "mlflow.assessment.judgeInputTokens"
JUDGE_OUTPUT_TOKENS = "mlflow.assessment.judgeOutputTokens"


def _now_iso() -> str:
    moment = datetime.datetime.now(tz=datetime.timezone.utc)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def feedback_assessment(trace_id: str, name: str, value: Any, *, rationale: str | None = None,
                        source_type: str = "CODE", source_id: str | None = None,
                        span_id: str | None = None, error: str | None = None,
                        metadata: dict | None = None) -> dict:
    """One feedback assessment as MLflow writes it (``Assessment.to_dictionary()``):
    ``assessment_id``, ``assessment_name``, ``trace_id``, ``span_id`` (hex, or None
    for the whole trace), ``source {source_type, source_id}``, ``create_time``,
    ``last_update_time``, ``feedback {value[, error]}``, ``rationale``, ``metadata``."""
    kind = str(source_type).upper()
    if kind not in SOURCE_TYPES:
        raise ValueError(f"source_type must be one of {', '.join(SOURCE_TYPES)}; got {source_type!r}")
    now = _now_iso()
    feedback: dict = {"value": to_jsonable(value)}
    if error:
        feedback["error"] = {"error_code": "SCORER_ERROR", "error_message": clean_text(error, 10_000)}
    out = {
        "assessment_id": f"a-{uuid.uuid4().hex}",
        "assessment_name": clean_text(name, 1_000),
        "trace_id": trace_id,
        "span_id": span_id,
        "source": {"source_type": kind, "source_id": clean_text(source_id or name, 1_000)},
        "create_time": now,
        "last_update_time": now,
        "feedback": feedback,
    }
    if rationale:
        out["rationale"] = clean_text(rationale, 100_000)
    if metadata:
        out["metadata"] = to_jsonable(dict(metadata))
    return out


def add_assessment(trace: Any, assessment: dict) -> None:
    """Attach ``assessment`` to ``trace`` (a TraceRecord) and tell the listeners. Never raises."""
    try:
        with trace.lock:
            trace.assessments.append(assessment)
        trace.collector.trace_changed(trace)
    except Exception as exc:
        report_internal_error("recording an assessment", exc)
