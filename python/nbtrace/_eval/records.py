"""Dataset records in MLflow's shape, so data moves both ways::

    {"inputs": {...}, "expectations": {...}, "outputs"?: ..., "tags"?: {...},
     "source"?: {"type": "TRACE" | "HUMAN" | "CODE", "trace_id": ..., "span_id"?: ...}}

``inputs`` is a dict (its keys become the keyword arguments of ``predict_fn``);
the expectation keys MLflow's judges read keep their names (``expected_response``,
``expected_facts``, ``guidelines``, ``expected_tool_calls``). A record is known by
the sha256 of its canonical inputs JSON (MLflow's dedup key); a dataset by a
digest of its records that does not depend on their order.
"""
from __future__ import annotations

import hashlib
import json
import sys
from collections.abc import Mapping
from typing import Any

from .._record.serialize import to_jsonable

SOURCE_TYPES = ("TRACE", "HUMAN", "CODE", "DOCUMENT", "UNSPECIFIED")
EXPECTATION_KEYS = ("expected_response", "expected_facts", "guidelines", "expected_tool_calls")


def canonical_json(value: Any) -> str:
    """Sorted keys, no spaces, UTF-8 text: equal data gives equal text."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)


def inputs_hash(inputs: Any) -> str:
    """sha256 (hex) of the canonical JSON of ``inputs``: the record's identity."""
    return hashlib.sha256(canonical_json(inputs).encode("utf-8")).hexdigest()


def record_id(record: Mapping) -> str:
    """A short id for a record (16 hex of its inputs hash), shown in results."""
    return inputs_hash(record["inputs"])[:16]


def digest(records: list) -> str:
    """12 hex identifying a dataset's content, whatever the order of its records."""
    lines = sorted(canonical_json(r) for r in records)
    return hashlib.sha256("\n".join(lines).encode("utf-8")).hexdigest()[:12]


def _json_safe(value: Any) -> Any:
    """``value`` if it is JSON data that is valid UTF-8 text, else a cleaned copy
    (lone surrogates replaced, objects as text; never cut: a record is data)."""
    try:
        canonical_json(value).encode("utf-8")
        return value
    except (TypeError, ValueError):  # (UnicodeEncodeError is a ValueError)
        return to_jsonable(value, max_chars=sys.maxsize)


def normalize_source(source: Any) -> dict | None:
    """Our ``{type, trace_id, span_id}`` or MLflow's ``{source_type, source_data: {trace_id}}``."""
    if source is None:
        return None
    if not isinstance(source, Mapping):
        raise ValueError(f"a record's source must be a dict, got {type(source).__name__}")
    data = source.get("source_data") if isinstance(source.get("source_data"), Mapping) else {}
    kind = str(source.get("type") or source.get("source_type") or "UNSPECIFIED").upper()
    if kind not in SOURCE_TYPES:
        kind = "UNSPECIFIED"
    out: dict = {"type": kind}
    for key in ("trace_id", "span_id"):
        value = source.get(key, data.get(key))
        if value:
            out[key] = str(value)
    return out


def normalize_record(obj: Any, where: str = "record") -> dict:
    """A record in our shape (raises ``ValueError`` saying what is wrong)."""
    if not isinstance(obj, Mapping):
        raise ValueError(f"{where}: expected a dict with 'inputs', got {type(obj).__name__}")
    if "inputs" not in obj:
        raise ValueError(f"{where}: a record needs 'inputs' (a dict of predict_fn's keyword arguments); "
                         f"got keys {sorted(map(str, obj))[:8]}")
    inputs = obj["inputs"]
    if not isinstance(inputs, Mapping):
        raise ValueError(f"{where}: 'inputs' must be a dict (its keys are predict_fn's keyword "
                         f"arguments), got {type(inputs).__name__}")
    expectations = obj.get("expectations") or {}
    if not isinstance(expectations, Mapping):
        raise ValueError(f"{where}: 'expectations' must be a dict, got {type(expectations).__name__}")
    out: dict = {"inputs": _json_safe({str(k): v for k, v in inputs.items()}),
                 "expectations": _json_safe({str(k): v for k, v in expectations.items()})}
    if obj.get("outputs") is not None:
        out["outputs"] = _json_safe(obj["outputs"])
    tags = obj.get("tags")
    if tags:
        if not isinstance(tags, Mapping):
            raise ValueError(f"{where}: 'tags' must be a dict, got {type(tags).__name__}")
        out["tags"] = _json_safe({str(k): v for k, v in tags.items()})
    source = normalize_source(obj.get("source"))
    if source is not None:
        out["source"] = source
    return out


def merge(old: dict, new: dict) -> dict:
    """Upsert of a record with the same inputs: expectations and tags merged (new
    wins), outputs replaced when the new record has them, the first source kept."""
    out = dict(old)
    out["expectations"] = {**old.get("expectations", {}), **new.get("expectations", {})}
    if new.get("tags"):
        out["tags"] = {**old.get("tags", {}), **new["tags"]}
    if "outputs" in new:
        out["outputs"] = new["outputs"]
    if "source" not in out and "source" in new:
        out["source"] = new["source"]
    return out
