"""The state of one evaluation run while it runs and after: its rows (one per
record and repetition: pending → running → done / error), the scorer columns,
the dataset it ran on, and the metrics over the finished rows. Worker threads
change rows under the run's lock; :meth:`EvalRun.document` is what the results
view and the saved file hold (``application/vnd.nbtrace.eval+json``'s ``run``).
"""
from __future__ import annotations

import datetime
import threading
import time
import uuid

from .aggregate import aggregate, percentile

EVAL_MIME_TYPE = "application/vnd.nbtrace.eval+json"
PAYLOAD_VERSION = 1
#: While a run is live, its rows carry their traces only while they all fit in this many
#: characters of JSON (an update must stay cheap); the final state always carries them.
LIVE_TRACE_BUDGET = 2_000_000


def _iso(epoch: float) -> str:
    moment = datetime.datetime.fromtimestamp(epoch, tz=datetime.timezone.utc)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


class EvalRun:
    """One run: ``rows`` (dicts, see the module doc), ``scorers`` (column specs),
    ``dataset`` ({name, digest, size}), ``state`` RUNNING / DONE / INTERRUPTED."""

    def __init__(self, name: str, dataset: dict, scorers: list, rows: list, dry_run: bool = False) -> None:
        self.id = f"run-{uuid.uuid4().hex[:16]}"
        self.name = name
        self.dataset = dataset
        self.scorers = scorers  # [{"name", "source", "higher_is_better"}]
        self.rows = rows
        self.dry_run = dry_run
        self.state = "RUNNING"
        self.started = time.time()
        self.ended: float | None = None
        self.lock = threading.RLock()
        self._clock_start = time.monotonic()
        self._row_seconds: list = []

    # ------------------------------------------------------------ changes (worker threads)
    def row_started(self, row: dict) -> None:
        with self.lock:
            row["status"] = "running"
            row["_t0"] = time.monotonic()

    def row_finished(self, row: dict) -> None:
        with self.lock:
            if row.get("status") not in ("done", "error"):
                row["status"] = "error" if row.get("error") else "done"
            t0 = row.pop("_t0", None)
            if t0 is not None:
                self._row_seconds.append(time.monotonic() - t0)
            for name in row.get("scores", {}):
                if all(s["name"] != name for s in self.scorers):
                    self.scorers.append({"name": name, "source": "CODE", "higher_is_better": True})

    def finish(self, state: str = "DONE") -> None:
        with self.lock:
            self.state = state
            self.ended = time.time()
            for row in self.rows:
                if row["status"] in ("pending", "running"):
                    row["status"] = "error"
                    row["error"] = row.get("error") or "not run: the evaluation was interrupted"

    # ------------------------------------------------------------ reading
    def progress(self) -> dict:
        with self.lock:
            counts = {"total": len(self.rows), "done": 0, "running": 0, "pending": 0, "errors": 0}
            for row in self.rows:
                status = row["status"]
                if status == "error":
                    counts["errors"] += 1
                    counts["done"] += 1
                elif status == "done":
                    counts["done"] += 1
                else:
                    counts[status] = counts.get(status, 0) + 1
            eta = None
            if self.state == "RUNNING" and self._row_seconds and counts["done"] < counts["total"]:
                elapsed = time.monotonic() - self._clock_start
                per_row = elapsed / max(1, counts["done"])
                eta = round(per_row * (counts["total"] - counts["done"]) * 1000)
            counts["eta_ms"] = eta
            return counts

    def metrics(self) -> dict:
        """``{"<scorer>/<aggregation>": number, "latency_ms/p50": ..., ...}`` over the finished rows."""
        with self.lock:
            done = [r for r in self.rows if r["status"] in ("done", "error")]
            out: dict = {}
            for spec in self.scorers:
                values = [r["scores"][spec["name"]]["value"] for r in done
                          if spec["name"] in r.get("scores", {}) and r["scores"][spec["name"]].get("error") is None]
                for agg, value in aggregate(values, spec.get("aggregations")).items():
                    out[f"{spec['name']}/{agg}"] = value
            latencies = [r["latency_ms"] for r in done if isinstance(r.get("latency_ms"), (int, float))]
            for q in (50, 95):
                value = percentile(latencies, q)
                if value is not None:
                    out[f"latency_ms/p{q}"] = value
            tokens = [r["tokens"].get("total_tokens") for r in done if isinstance(r.get("tokens"), dict)]
            if any(isinstance(t, (int, float)) for t in tokens):
                out["tokens/total"] = sum(t for t in tokens if isinstance(t, (int, float)))
            costs = [r["cost"] for r in done if isinstance(r.get("cost"), (int, float))]
            if costs:
                out["cost/total"] = sum(costs)
            out["errors"] = sum(1 for r in done if r["status"] == "error")
            return out

    def document(self, live: bool = False) -> dict:
        """The run as JSON data. ``live``: rows carry their traces only within
        LIVE_TRACE_BUDGET (the final document carries them all)."""
        with self.lock:
            rows = [{k: v for k, v in r.items() if not k.startswith("_")} for r in self.rows]
            if live:
                budget = LIVE_TRACE_BUDGET
                for source, row in zip(self.rows, rows):
                    size = source.get("_trace_chars", 0)  # (measured once, when the row finished)
                    if size > budget:
                        row["trace"] = None
                        row["trace_deferred"] = row.get("trace_id") is not None
                    else:
                        budget -= size
            return {
                "id": self.id, "name": self.name, "state": self.state, "dry_run": self.dry_run,
                "started_at": _iso(self.started),
                "duration_ms": round(((self.ended or time.time()) - self.started) * 1000),
                "dataset": dict(self.dataset), "scorers": [dict(s) for s in self.scorers],
                "metrics": self.metrics(), "progress": self.progress(), "rows": rows,
            }
