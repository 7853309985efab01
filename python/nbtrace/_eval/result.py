"""``EvalResult``: what ``nbtrace.evaluate`` returns — the rows, the metrics, the
dataset it ran on — displayable, savable as JSONL (a header line, then one row
per line with its trace), loadable, and comparable with another run."""
from __future__ import annotations

import json
import os
from typing import Any

from .._notebook import kernel
from .display import comparison_bundle, run_bundle, run_summary
from .compare import compare_documents, summary_line

FILE_KIND = "nbtrace.eval"


class EvalResult:
    """One evaluation run. ``rows`` (one dict per record and repetition: inputs,
    expectations, outputs, status, error, latency_ms, tokens, cost, scores
    ``{name: {value, rationale, error, source}}``, trace_id, trace), ``metrics``
    (``"<scorer>/<aggregation>"``, ``latency_ms/p50`` …), ``name``, ``dataset``
    ({name, digest, size}), ``scorers``."""

    def __init__(self, doc: dict, shown_in: str | None = None) -> None:
        self._doc = doc
        self._shown_in = shown_in  # the cell that shows it live: not shown again there

    @property
    def name(self) -> str:
        return self._doc.get("name") or "run"

    @property
    def id(self) -> str:
        return self._doc.get("id") or ""

    @property
    def rows(self) -> list:
        return self._doc.get("rows") or []

    @property
    def metrics(self) -> dict:
        return dict(self._doc.get("metrics") or {})

    @property
    def dataset(self) -> dict:
        return dict(self._doc.get("dataset") or {})

    @property
    def scorers(self) -> list:
        return [s["name"] for s in self._doc.get("scorers") or []]

    @property
    def state(self) -> str:
        return self._doc.get("state") or "DONE"

    def document(self) -> dict:
        """The run as the results view reads it."""
        return self._doc

    def dataset_records(self) -> list:
        """The records this run ran (once each), to run them again."""
        seen, out = set(), []
        for row in self.rows:
            if row["record_id"] not in seen:
                seen.add(row["record_id"])
                out.append({"inputs": row["inputs"], "expectations": row.get("expectations") or {}})
        return out

    def to_pandas(self) -> Any:
        """One DataFrame row per result row: record_id, repetition, inputs, outputs,
        expectations, status, error, latency_ms, tokens, cost, ``<scorer>/value``,
        ``<scorer>/rationale``, trace_id (needs pandas)."""
        try:
            import pandas
        except ImportError:
            raise ImportError("EvalResult.to_pandas needs pandas (pip install pandas)") from None
        table = []
        for row in self.rows:
            flat = {k: row.get(k) for k in ("record_id", "repetition", "inputs", "outputs", "expectations", "status",
                                            "error", "latency_ms", "cost", "trace_id")}
            flat["tokens"] = (row.get("tokens") or {}).get("total_tokens")
            for name, score in (row.get("scores") or {}).items():
                flat[f"{name}/value"] = score.get("value")
                flat[f"{name}/rationale"] = score.get("rationale")
                flat[f"{name}/error"] = score.get("error")
            table.append(flat)
        return pandas.DataFrame(table)

    def save(self, path: str | os.PathLike) -> str:
        """Write JSONL: one header line (the run without its rows), then one row per
        line with its trace. :meth:`load` reads it back."""
        path = os.fspath(path)
        header = {k: v for k, v in self._doc.items() if k != "rows"}
        with open(path, "w", encoding="utf-8") as f:
            f.write(json.dumps({"nbtrace": FILE_KIND, "version": 1, **header}, ensure_ascii=False, default=str) + "\n")
            for row in self.rows:
                f.write(json.dumps(row, ensure_ascii=False, default=str) + "\n")
        return path

    @classmethod
    def load(cls, path: str | os.PathLike) -> EvalResult:
        path = os.fspath(path)
        with open(path, encoding="utf-8") as f:
            lines = [line for line in f if line.strip()]
        if not lines:
            raise ValueError(f"{path}: empty file")
        header = json.loads(lines[0])
        if header.get("nbtrace") != FILE_KIND:
            raise ValueError(f"{path}: not a saved nbtrace evaluation (its first line has no "
                             f"\"nbtrace\": \"{FILE_KIND}\")")
        doc = {k: v for k, v in header.items() if k not in ("nbtrace", "version")}
        doc["rows"] = [json.loads(line) for line in lines[1:]]
        return cls(doc)

    def compare(self, baseline: EvalResult) -> RunComparison:
        """This run against ``baseline`` (``compare_runs(baseline, self)``)."""
        return RunComparison(baseline, self)

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict:
        if self._shown_in is not None and self._shown_in == _current_cell():
            return {"text/plain": run_summary(self._doc)}  # the table is right above, live
        return run_bundle(self._doc)

    def __repr__(self) -> str:
        return run_summary(self._doc)


class RunComparison:
    """Two runs joined on their records: ``rows`` (record_id, kind, trends per
    metric, verdict), ``counts`` ({metric: {improved, regressed, unchanged}}),
    ``verdicts``, ``warnings`` (different data or scorers, said in words)."""

    def __init__(self, a: EvalResult, b: EvalResult) -> None:
        self.a, self.b = a, b
        self._result = compare_documents(a.document(), b.document())

    @property
    def rows(self) -> list:
        return self._result["rows"]

    @property
    def counts(self) -> dict:
        return self._result["counts"]

    @property
    def verdicts(self) -> dict:
        return self._result["verdicts"]

    @property
    def warnings(self) -> list:
        return self._result["warnings"]

    def regressions(self) -> list:
        """The rows that got worse."""
        return [r for r in self.rows if r["verdict"] == "regressed"]

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict:
        return comparison_bundle(self.a.document(), self.b.document())

    def __repr__(self) -> str:
        return summary_line(self._result, (self.a.name, self.b.name))


def _current_cell() -> str | None:
    parent = kernel.kernel_parent()
    return parent.get("msg_id") if parent else None
