"""``nbtrace.Dataset``: a golden dataset — records in MLflow's shape (see
``records``), one per distinct inputs, saved as a plain JSONL file next to the
notebook and known by a content digest shown with every result.

Build one from traces (``Dataset.from_traces(nbtrace.last_traces())``: each
root span's inputs; its outputs as the expected response when asked), from a
list of dicts or a DataFrame in our shape or a peer's (``format=`` "phoenix",
"langfuse", "langsmith", "ragas", "deepeval"; guessed when omitted), from JSONL
or CSV; ``merge_records`` upserts (same inputs: expectations merged). Named
datasets live in the kernel too (``nbtrace.dataset("golden")``): the trace
view's "Add to dataset" button puts a trace there.
"""
from __future__ import annotations

import csv
import io
import json
import os
import threading
from collections.abc import Mapping
from typing import Any, Iterator

from .._notebook.show import to_document
from .._record.record import TraceRecord
from .._util import json_or_text
from . import mappers
from .html_table import MAX_ROWS, cell, table
from .records import digest, inputs_hash, merge, normalize_record
from .trace import Trace


def _decode_cell(text: str) -> Any:
    """A CSV cell: JSON when it is JSON, else the text."""
    return None if text == "" else json_or_text(text)


def record_from_trace(doc: Any, include_outputs: bool = False) -> dict:
    """A record from a trace document: the root span's inputs (a non-dict value as
    ``{"input": value}``), its expectation assessments as expectations, the root's
    outputs as ``expected_response`` when ``include_outputs``, and the trace as
    the source."""
    view = Trace(doc)
    root = view.root
    if root is None:
        raise ValueError("this trace has no spans: no inputs to take")
    inputs = root.inputs
    if inputs is None:
        raise ValueError(f"the root span {root.name!r} recorded no inputs")
    expectations: dict = {}
    for a in view.info.get("assessments") or []:
        if isinstance(a, Mapping) and isinstance(a.get("expectation"), Mapping) and a.get("assessment_name"):
            expectations[str(a["assessment_name"])] = a["expectation"].get("value")
    if include_outputs and root.outputs is not None and "expected_response" not in expectations:
        expectations["expected_response"] = root.outputs
    source = {"type": "TRACE", "trace_id": view.trace_id} if view.trace_id else None
    return normalize_record({"inputs": inputs if isinstance(inputs, Mapping) else {"input": inputs},
                             "expectations": expectations, "source": source}, where=f"trace {view.trace_id}")


class Dataset:
    """Records (``ds.records``), one per distinct inputs, with a ``name`` and a
    content ``digest``. ``len(ds)``, ``iter(ds)`` and ``ds[i]`` read them."""

    def __init__(self, records: Any = (), name: str = "dataset", format: str | None = None,
                 input_key: str | None = None) -> None:
        self.name = str(name)
        self._records: list = []
        self._index: dict = {}
        self._lock = threading.RLock()
        self.merge_records(records, format=format, input_key=input_key)

    # ------------------------------------------------------------ building
    def merge_records(self, records: Any, format: str | None = None, input_key: str | None = None) -> Dataset:
        """Upsert ``records`` (dicts in any supported format, traces, or a DataFrame):
        a record with inputs already here merges into it. ``input_key`` names a
        peer's single input (see the mappers). Returns the dataset."""
        for i, item in enumerate(_rows(records)):
            if _is_trace(item):
                record = record_from_trace(_trace_doc(item))
            else:
                record = mappers.from_format(item, format, where=f"record {i}", input_key=input_key)
            key = inputs_hash(record["inputs"])
            with self._lock:
                at = self._index.get(key)
                if at is None:
                    self._index[key] = len(self._records)
                    self._records.append(record)
                else:
                    self._records[at] = merge(self._records[at], record)
        return self

    def add(self, record: Any) -> Dataset:
        """Upsert one record."""
        return self.merge_records([record])

    @classmethod
    def from_traces(cls, traces: Any, name: str = "dataset", include_outputs: bool = False) -> Dataset:
        """One record per distinct root inputs of ``traces`` (trace dicts, records,
        MLflow traces); ``include_outputs=True`` takes each root's outputs as the
        expected response (review them: they are what the app said, not the truth)."""
        ds = cls(name=name)
        for item in _rows(traces):
            record = record_from_trace(_trace_doc(item), include_outputs=include_outputs)
            ds.merge_records([record])
        return ds

    @classmethod
    def from_records(cls, rows: Any, name: str = "dataset", format: str | None = None,
                     input_key: str | None = None) -> Dataset:
        """From dicts in our shape or a peer's (``format``: guessed when omitted)."""
        return cls(rows, name=name, format=format, input_key=input_key)

    @classmethod
    def from_pandas(cls, frame: Any, name: str = "dataset", format: str | None = None) -> Dataset:
        """From a DataFrame with our (or a peer's) columns, one record per row."""
        return cls(frame.to_dict(orient="records"), name=name, format=format)

    @classmethod
    def load(cls, path: str | os.PathLike, name: str | None = None, format: str | None = None) -> Dataset:
        """A dataset saved with :meth:`save` (JSONL), or any JSONL / CSV of records."""
        path = os.fspath(path)
        default = os.path.splitext(os.path.basename(path))[0]
        with open(path, encoding="utf-8", newline="") as f:
            text = f.read()
        if path.lower().endswith(".csv"):
            return cls.from_csv_text(text, name=name or default, format=format)
        rows = []
        for number, line in enumerate(text.splitlines(), 1):
            if line.strip():
                try:
                    rows.append(json.loads(line))
                except ValueError as exc:
                    raise ValueError(f"{path}, line {number}: not JSON ({exc})") from None
        header = rows[0] if rows and isinstance(rows[0], Mapping) and rows[0].get("nbtrace") == "dataset" else None
        if header is not None:
            rows = rows[1:]
        return cls(rows, name=name or (header or {}).get("name") or default,
                   format=format or (header or {}).get("format"))

    @classmethod
    def from_csv_text(cls, text: str, name: str = "dataset", format: str | None = None) -> Dataset:
        """CSV with JSON-encoded columns (``inputs``, ``expectations``, ...) or
        flattened ``inputs.<key>`` / ``expectations.<key>`` columns (LangSmith style)."""
        rows = []
        for raw in csv.DictReader(io.StringIO(text)):
            row: dict = {}
            for column, cell in raw.items():
                value = _decode_cell(cell or "")
                head, dot, key = (column or "").partition(".")
                if dot and head in ("inputs", "expectations", "outputs", "tags"):
                    if value is not None:
                        row.setdefault(head, {})[key] = value
                elif value is not None:
                    row[column] = value
            rows.append(row)
        return cls(rows, name=name, format=format)

    # ------------------------------------------------------------ reading
    @property
    def records(self) -> list:
        with self._lock:
            return [json.loads(json.dumps(r)) for r in self._records]

    @property
    def digest(self) -> str:
        with self._lock:
            return digest(self._records)

    def info(self) -> dict:
        return {"name": self.name, "digest": self.digest, "size": len(self)}

    def __len__(self) -> int:
        return len(self._records)

    def __iter__(self) -> Iterator:
        return iter(self.records)

    def __getitem__(self, i: int) -> dict:
        return self.records[i]

    def __repr__(self) -> str:
        return f"<nbtrace.Dataset {self.name!r}: {len(self)} records, digest {self.digest}>"

    def _repr_html_(self) -> str:
        """The records as a small static table (escaped text only)."""
        with self._lock:
            records = self._records[:MAX_ROWS]
            total = len(self._records)
        rows = [[str(i + 1), cell(r.get("inputs")), cell(r.get("expectations") or None), cell(r.get("tags") or None)]
                for i, r in enumerate(records)]
        return table("nbtrace-dataset-summary", repr(self), ["#", "inputs", "expectations", "tags"], rows, total, "records")

    # ------------------------------------------------------------ writing
    def to_records(self, format: str = "nbtrace") -> list:
        """The records as dicts of ``format``: ours (default), "mlflow", or a peer's."""
        return [mappers.to_format(r, format) for r in self.records]

    def save(self, path: str | os.PathLike, format: str = "nbtrace") -> str:
        """Write JSONL: a header line (name, digest, size), then one record per line
        (``format="mlflow"`` or a peer's for their shape). ``.csv`` paths get CSV
        with JSON-encoded columns. Returns the path."""
        path = os.fspath(path)
        rows = self.to_records(format)
        if path.lower().endswith(".csv"):
            columns = sorted({k for r in rows for k in r})
            with open(path, "w", encoding="utf-8", newline="") as f:
                writer = csv.DictWriter(f, fieldnames=columns)
                writer.writeheader()
                for r in rows:
                    writer.writerow({k: json.dumps(r[k], ensure_ascii=False) if k in r else "" for k in columns})
            return path
        with open(path, "w", encoding="utf-8") as f:
            f.write(json.dumps({"nbtrace": "dataset", "version": 1, **self.info(), "format": format},
                               ensure_ascii=False) + "\n")
            for r in rows:
                f.write(json.dumps(r, ensure_ascii=False) + "\n")
        return path

    def to_pandas(self) -> Any:
        """A DataFrame with columns inputs, expectations, outputs, tags, source (needs pandas)."""
        try:
            import pandas
        except ImportError:
            raise ImportError("Dataset.to_pandas needs pandas (pip install pandas)") from None
        return pandas.DataFrame(self.records)


def _is_trace(item: Any) -> bool:
    if isinstance(item, TraceRecord):
        return True
    return isinstance(item, Mapping) and ("resourceSpans" in item or (
        "info" in item and "data" in item and "inputs" not in item))


def _trace_doc(item: Any) -> Any:
    """A trace dict from a record, a dict, or an MLflow ``Trace`` object."""
    doc = to_document(item)
    if isinstance(doc, list):
        if len(doc) != 1:
            raise ValueError("expected one trace here, got a list of them")
        doc = doc[0]
    return doc


def _rows(obj: Any) -> list:
    """The items of a list, a Dataset, or a DataFrame (as dicts)."""
    if obj is None:
        return []
    if isinstance(obj, Dataset):
        return obj.records
    if hasattr(obj, "to_dict") and hasattr(obj, "columns") and not isinstance(obj, Mapping):
        return obj.to_dict(orient="records")
    if isinstance(obj, Mapping):
        return [obj]
    return list(obj)


_named: dict = {}
_named_lock = threading.Lock()


def dataset(name: str) -> Dataset:
    """The kernel's dataset called ``name`` (made empty the first time)."""
    with _named_lock:
        ds = _named.get(name)
        if ds is None:
            ds = _named[name] = Dataset(name=name)
        return ds
