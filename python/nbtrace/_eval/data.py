"""What ``nbtrace.evaluate(data=...)`` accepts, read into rows to run: a
``Dataset``; a list of records (ours or a peer's shape) or of traces; a
DataFrame (records, or ``mlflow.search_traces()``'s ``trace`` column); a path to
a JSONL or CSV file; or an ``EvalResult`` (its records again)."""
from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from .dataset import Dataset, _is_trace, _trace_doc, record_from_trace
from .records import digest, record_id
from .trace import Trace


def read_data(data: Any, traces_wanted: bool) -> tuple:
    """``(items, dataset info)``: items are ``{record_id, inputs, expectations,
    outputs?, trace?}``; with ``traces_wanted`` (no predict_fn) every item must be a
    trace, which is scored as it is."""
    name = "data"
    if isinstance(data, (str, os.PathLike)):
        data = Dataset.load(data)
    if hasattr(data, "dataset_records"):  # an EvalResult: run its records again
        data = data.dataset_records()
    if isinstance(data, Dataset):
        name = data.name
        rows: list = data.records
    elif hasattr(data, "columns") and hasattr(data, "to_dict") and not isinstance(data, Mapping):
        columns = [str(c) for c in data.columns]
        rows = list(data["trace"]) if "trace" in columns and "inputs" not in columns else data.to_dict(orient="records")
    elif isinstance(data, Mapping):
        rows = [data]
    else:
        try:
            rows = list(data)
        except TypeError:
            raise TypeError("nbtrace.evaluate: data must be a Dataset, a list of records or traces, a DataFrame or "
                            f"a JSONL/CSV path; got {type(data).__name__}") from None
    items = []
    for i, row in enumerate(rows):
        if _is_trace(row) or (traces_wanted and not (isinstance(row, Mapping) and "inputs" in row)):
            doc = _trace_doc(row)
            record = record_from_trace(doc)
            items.append({**record, "record_id": record_id(record), "trace": doc,
                          "outputs": _root_outputs(doc)})
        elif traces_wanted:
            raise ValueError(f"nbtrace.evaluate: row {i} is a record, not a trace: give predict_fn to run it, "
                             "or pass traces to score them as they are")
        else:
            record = Dataset([row]).records[0]  # (any supported shape, normalized)
            items.append({**record, "record_id": record_id(record)})
    # The digest is the records' (a trace's outputs are what is scored, not part of the data).
    records = [{k: v for k, v in item.items()
                if k in ("inputs", "expectations", "tags", "source") or (k == "outputs" and "trace" not in item)}
               for item in items]
    return items, {"name": name, "digest": digest(records), "size": len(items)}


def _root_outputs(doc: Any) -> Any:
    root = Trace(doc).root
    return root.outputs if root is not None else None
