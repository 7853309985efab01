"""Record shapes of the peers, to and from ours (``records``), field by field.

=========  ==========================================  ==============================
format     their record                                 ours
=========  ==========================================  ==============================
nbtrace    ours, as it is (lossless: tags may hold any  —
           JSON value)
mlflow     inputs, expectations, outputs, tags,         the same; ``source_type`` /
           source {source_type, source_data}            ``source_data.trace_id``
phoenix    input, output, metadata, span_id             inputs, expectations, tags,
                                                        source.span_id
langfuse   input, expected_output, metadata,            inputs, expectations, tags,
           source_trace_id, source_observation_id       source.trace_id / span_id
langsmith  inputs, outputs (the reference), metadata,   inputs, expectations, tags,
           source_run_id                                source.trace_id
ragas      user_input, reference, response, rubrics,    inputs {user_input},
           reference_contexts, retrieved_contexts       expectations, outputs
deepeval   input, expected_output, actual_output,       inputs {input}, expectations,
           context, expected_tools, additional_metadata outputs, tags
=========  ==========================================  ==============================

A value that is not a dict where we need one is wrapped: a Langfuse ``input``
string becomes ``{"input": ...}`` (or ``{input_key: ...}``), an expected output
``{"expected_response": ...}``; on the way out a lone input or
``expected_response`` is unwrapped again.
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Callable

from .records import normalize_record

FORMATS = ("nbtrace", "mlflow", "phoenix", "langfuse", "langsmith", "ragas", "deepeval")


def _as_inputs(value: Any, key: str = "input") -> dict:
    return dict(value) if isinstance(value, Mapping) else {key: value}


def _as_expectations(value: Any) -> dict:
    if value is None:
        return {}
    return dict(value) if isinstance(value, Mapping) else {"expected_response": value}


def _expected_out(expectations: dict) -> Any:
    if set(expectations) == {"expected_response"}:
        return expectations["expected_response"]
    return dict(expectations) or None


def _single(inputs: dict, key: str) -> Any:
    """The one value of a one-key inputs dict (else the dict itself)."""
    if key in inputs and len(inputs) == 1:
        return inputs[key]
    if len(inputs) == 1:
        return next(iter(inputs.values()))
    return dict(inputs)


def _source(trace_id: Any = None, span_id: Any = None) -> dict | None:
    if not trace_id and not span_id:
        return None
    out: dict = {"type": "TRACE"}
    if trace_id:
        out["trace_id"] = str(trace_id)
    if span_id:
        out["span_id"] = str(span_id)
    return out


def _drop_none(d: dict) -> dict:
    return {k: v for k, v in d.items() if v is not None and v != {}}


# ---------------------------------------------------------------- in
def _from_mlflow(r: Mapping, key: str | None = None) -> dict:
    return dict(r)


def _from_phoenix(r: Mapping, key: str | None = None) -> dict:
    return {"inputs": _as_inputs(r.get("input"), key or "input"), "expectations": _as_expectations(r.get("output")),
            "tags": r.get("metadata") or None, "source": _source(span_id=r.get("span_id"))}


def _from_langfuse(r: Mapping, key: str | None = None) -> dict:
    return {"inputs": _as_inputs(r.get("input"), key or "input"),
            "expectations": _as_expectations(r.get("expected_output", r.get("expectedOutput"))),
            "tags": r.get("metadata") or None,
            "source": _source(r.get("source_trace_id", r.get("sourceTraceId")),
                              r.get("source_observation_id", r.get("sourceObservationId")))}


def _from_langsmith(r: Mapping, key: str | None = None) -> dict:
    return {"inputs": _as_inputs(r.get("inputs"), key or "input"), "expectations": _as_expectations(r.get("outputs")),
            "tags": r.get("metadata") or None, "source": _source(r.get("source_run_id"))}


def _from_ragas(r: Mapping, key: str | None = None) -> dict:
    expectations = _drop_none({"expected_response": r.get("reference"), "guidelines": r.get("rubrics"),
                               "expected_contexts": r.get("reference_contexts"),
                               "expected_tool_calls": r.get("reference_tool_calls")})
    outputs = r.get("response")
    if r.get("retrieved_contexts") is not None:
        outputs = {"response": outputs, "retrieved_contexts": r["retrieved_contexts"]}
    return {"inputs": {key or "user_input": r.get("user_input")}, "expectations": expectations, "outputs": outputs}


def _from_deepeval(r: Mapping, key: str | None = None) -> dict:
    expectations = _drop_none({"expected_response": r.get("expected_output"),
                               "expected_contexts": r.get("context"),
                               "expected_tool_calls": r.get("expected_tools")})
    return {"inputs": {key or "input": r.get("input")}, "expectations": expectations,
            "outputs": r.get("actual_output"), "tags": r.get("additional_metadata") or None}


# ---------------------------------------------------------------- out
def _to_mlflow(r: dict) -> dict:
    out = _drop_none({"inputs": r["inputs"], "expectations": r["expectations"], "outputs": r.get("outputs"),
                      "tags": {k: v if isinstance(v, str) else str(v) for k, v in (r.get("tags") or {}).items()}})
    source = r.get("source")
    if source:
        data = {k: source[k] for k in ("trace_id", "span_id") if k in source}
        out["source"] = {"source_type": source["type"], "source_data": data}
    return out


def _to_phoenix(r: dict) -> dict:
    return _drop_none({"input": r["inputs"], "output": r["expectations"], "metadata": r.get("tags"),
                       "span_id": (r.get("source") or {}).get("span_id")})


def _to_langfuse(r: dict) -> dict:
    source = r.get("source") or {}
    return _drop_none({"input": r["inputs"], "expected_output": _expected_out(r["expectations"]),
                       "metadata": r.get("tags"), "source_trace_id": source.get("trace_id"),
                       "source_observation_id": source.get("span_id")})


def _to_langsmith(r: dict) -> dict:
    return _drop_none({"inputs": r["inputs"], "outputs": r["expectations"], "metadata": r.get("tags"),
                       "source_run_id": (r.get("source") or {}).get("trace_id")})


def _to_ragas(r: dict) -> dict:
    e = r["expectations"]
    outputs = r.get("outputs")
    retrieved = None
    if isinstance(outputs, Mapping) and "retrieved_contexts" in outputs:
        retrieved, outputs = outputs.get("retrieved_contexts"), outputs.get("response")
    return _drop_none({"user_input": _single(r["inputs"], "user_input"), "reference": e.get("expected_response"),
                       "rubrics": e.get("guidelines"), "reference_contexts": e.get("expected_contexts"),
                       "reference_tool_calls": e.get("expected_tool_calls"), "response": outputs,
                       "retrieved_contexts": retrieved})


def _to_deepeval(r: dict) -> dict:
    e = r["expectations"]
    return _drop_none({"input": _single(r["inputs"], "input"), "expected_output": e.get("expected_response"),
                       "context": e.get("expected_contexts"), "expected_tools": e.get("expected_tool_calls"),
                       "actual_output": r.get("outputs"), "additional_metadata": r.get("tags")})


_IN: dict[str, Callable[..., dict]] = {
    "nbtrace": _from_mlflow, "mlflow": _from_mlflow, "phoenix": _from_phoenix, "langfuse": _from_langfuse,
    "langsmith": _from_langsmith, "ragas": _from_ragas, "deepeval": _from_deepeval}
_OUT: dict[str, Callable[[dict], dict]] = {
    "nbtrace": dict, "mlflow": _to_mlflow, "phoenix": _to_phoenix, "langfuse": _to_langfuse,
    "langsmith": _to_langsmith, "ragas": _to_ragas, "deepeval": _to_deepeval}


def check_format(fmt: str | None) -> str:
    name = (fmt or "nbtrace").lower()
    if name not in _IN:
        raise ValueError(f"unknown record format {fmt!r}: one of {', '.join(FORMATS)}")
    return name


def guess_format(row: Mapping) -> str:
    """The format a row is in, by its field names (ours — which reads MLflow's too —
    when it has 'inputs' and is not LangSmith's 'inputs' + 'outputs')."""
    keys = set(row)
    if "user_input" in keys:
        return "ragas"
    if "inputs" in keys:
        return "langsmith" if "outputs" in keys and "expectations" not in keys else "nbtrace"
    if "expected_output" in keys or "expectedOutput" in keys:
        return "deepeval" if "actual_output" in keys or "additional_metadata" in keys else "langfuse"
    if "input" in keys:
        return "phoenix"
    return "nbtrace"


def from_format(row: Any, fmt: str | None = None, where: str = "record", input_key: str | None = None) -> dict:
    """One peer row → our record (``fmt`` None: guessed from its fields).
    ``input_key`` names the input when the peer has a single one (Ragas'
    ``user_input``, DeepEval's ``input``, a Langfuse text input): that becomes the
    keyword argument ``predict_fn`` gets."""
    if not isinstance(row, Mapping):
        raise ValueError(f"{where}: expected a dict, got {type(row).__name__}")
    name = guess_format(row) if fmt is None else check_format(fmt)
    if name in ("nbtrace", "mlflow"):
        return normalize_record(row, where)
    return normalize_record(_drop_none(_IN[name](row, input_key)), where)


def to_format(record: dict, fmt: str) -> dict:
    """Our record → one row of ``fmt``."""
    return _OUT[check_format(fmt)](record)
