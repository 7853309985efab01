"""Two runs side by side: what got better, what got worse.

Rows are joined on the record id (the hash of the inputs): a record in both
runs is *matched*, only in B *added*, only in A *removed*. Repetitions of a
record are averaged first (pass/fail as 1/0, errors left out). For each matched
record and metric the change B − A is a trend:

* a scorer: *improved* / *regressed* when it moved the way it counts as better
  (higher unless the scorer says otherwise) by more than 1 % of max(1, |A|),
  else *unchanged*; a pass/fail score that flips is always a change;
* latency: lower is better, beyond max(20 % of A, 5 ms) (timing is noisy);
* tokens and cost: lower is better, beyond 5 % of A;
* status: a row that fails in B but not in A *regressed* (and the reverse).

A row's verdict is *regressed* if any scorer or its status regressed, else
*improved* if any improved, else *unchanged*. Runs on different datasets or
with different scorers are still compared, with a warning that says how. The
results view computes the same in TypeScript (a test keeps the two equal).
"""
from __future__ import annotations

from .aggregate import numeric

COST_METRICS = {"latency_ms": (0.20, 5.0), "tokens": (0.05, 0.0), "cost": (0.05, 0.0)}


def _mean(values: list) -> float | None:
    xs = [v for v in values if v is not None]
    return sum(xs) / len(xs) if xs else None


def per_record(run: dict) -> dict:
    """record id → {inputs, n, error, scores {name: mean}, latency_ms, tokens, cost}."""
    groups: dict = {}
    for row in run.get("rows") or []:
        groups.setdefault(row["record_id"], []).append(row)
    out = {}
    for rid, rows in groups.items():
        names = {n for r in rows for n in (r.get("scores") or {})}
        scores = {n: _mean([numeric(r["scores"][n].get("value")) for r in rows
                            if n in (r.get("scores") or {}) and r["scores"][n].get("error") is None]) for n in names}
        out[rid] = {
            "inputs": rows[0].get("inputs"), "n": len(rows),
            "error": any(r.get("status") == "error" for r in rows),
            "scores": scores,
            "latency_ms": _mean([r.get("latency_ms") for r in rows if isinstance(r.get("latency_ms"), (int, float))]),
            "tokens": _mean([(r.get("tokens") or {}).get("total_tokens") for r in rows
                             if isinstance((r.get("tokens") or {}).get("total_tokens"), (int, float))]),
            "cost": _mean([r.get("cost") for r in rows if isinstance(r.get("cost"), (int, float))]),
        }
    return out


def trend(a: float | None, b: float | None, higher_is_better: bool, rel: float, floor: float) -> str | None:
    """improved / regressed / unchanged, or None when a side has no value."""
    if a is None or b is None:
        return None
    delta = b - a
    if abs(delta) <= max(rel * abs(a), floor):
        return "unchanged"
    better = delta > 0 if higher_is_better else delta < 0
    return "improved" if better else "regressed"


def compare_documents(a: dict, b: dict) -> dict:
    """``{"rows": [...], "counts": {metric: {improved, regressed, unchanged}},
    "verdicts": {improved, regressed, unchanged, added, removed}, "warnings": [...]}``
    for two run documents (``EvalRun.document()``)."""
    ra, rb = per_record(a), per_record(b)
    higher = {s["name"]: s.get("higher_is_better", True) for s in (a.get("scorers") or []) + (b.get("scorers") or [])}
    scorer_names = [s["name"] for s in b.get("scorers") or []]
    scorer_names += [s["name"] for s in a.get("scorers") or [] if s["name"] not in scorer_names]
    metrics = [*scorer_names, "status", *COST_METRICS]
    counts = {m: {"improved": 0, "regressed": 0, "unchanged": 0} for m in metrics}
    verdicts = {"improved": 0, "regressed": 0, "unchanged": 0, "added": 0, "removed": 0}
    rows = []
    for rid in [*rb, *[r for r in ra if r not in rb]]:
        x, y = ra.get(rid), rb.get(rid)
        if x is None or y is None:
            kind = "added" if x is None else "removed"
            verdicts[kind] += 1
            rows.append({"record_id": rid, "kind": kind, "inputs": (y or x)["inputs"], "trends": {}, "verdict": kind})
            continue
        trends: dict = {}
        for name in scorer_names:
            sa, sb = x["scores"].get(name), y["scores"].get(name)
            flips = sa in (0.0, 1.0) and sb in (0.0, 1.0)
            trends[name] = trend(sa, sb, higher.get(name, True), 0.0 if flips else 0.01, 0.0 if flips else 0.01)
        trends["status"] = "unchanged" if x["error"] == y["error"] else ("regressed" if y["error"] else "improved")
        for metric, (rel, floor) in COST_METRICS.items():
            trends[metric] = trend(x[metric], y[metric], False, rel, floor)
        for metric, t in trends.items():
            if t is not None:
                counts[metric][t] += 1
        judged = [trends[n] for n in scorer_names] + [trends["status"]]
        verdict = "regressed" if "regressed" in judged else "improved" if "improved" in judged else "unchanged"
        verdicts[verdict] += 1
        rows.append({"record_id": rid, "kind": "matched", "inputs": y["inputs"], "trends": trends, "verdict": verdict})
    return {"rows": rows, "counts": counts, "verdicts": verdicts, "warnings": warnings_for(a, b)}


def warnings_for(a: dict, b: dict) -> list:
    """What makes two runs not like for like, in words."""
    out = []
    da, db = a.get("dataset") or {}, b.get("dataset") or {}
    if da.get("digest") != db.get("digest"):
        out.append(f"The runs used different data: {a.get('name')!s} ran {da.get('name')!s} "
                   f"({da.get('size')} records, digest {da.get('digest')}), {b.get('name')!s} ran "
                   f"{db.get('name')!s} ({db.get('size')} records, digest {db.get('digest')}); rows are joined "
                   "on their inputs.")
    sa = {s["name"] for s in a.get("scorers") or []}
    sb = {s["name"] for s in b.get("scorers") or []}
    if sa != sb:
        parts = []
        if sa - sb:
            parts.append(f"only in {a.get('name')!s}: {', '.join(sorted(sa - sb))}")
        if sb - sa:
            parts.append(f"only in {b.get('name')!s}: {', '.join(sorted(sb - sa))}")
        out.append(f"The runs used different scorers ({'; '.join(parts)}).")
    return out


def summary_line(result: dict, names: tuple) -> str:
    v = result["verdicts"]
    text = (f"<nbtrace comparison {names[0]} → {names[1]}: {v['regressed']} regressed, {v['improved']} improved, "
            f"{v['unchanged']} unchanged")
    for kind in ("added", "removed"):
        if v[kind]:
            text += f", {v[kind]} {kind}"
    return text + ">"
