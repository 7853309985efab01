"""What ``nbtrace.evaluate`` costs per row over calling the same function and
scorers yourself, and what one live publish of the results costs.

    .venv/bin/python bench/python/eval_overhead.py            # ~1 min on 2 cores
    .venv/bin/python bench/python/eval_overhead.py --quick    # fewer repetitions

Writes ``bench/results/eval-python.{json,md}``. Imports nbtrace from ``python/``
of this checkout; stdlib only; medians of repetitions in this one process, side by
side with their floors:

* floor: a loop over the records calling ``answer(**inputs)`` and the scorers'
  own functions on its output — what a hand-written loop does;
* floor, traced: the same with ``answer`` under ``@nbtrace.trace`` (one trace
  per row, nobody shows it) — the tracing cost is in bench/results/python.md;
* ``nbtrace.evaluate(display=False)`` with the same function and scorers
  (it traces the function itself), one worker: the difference to the traced
  floor is the harness (rows, binding, scores as assessments, capture, the
  result document). Target: ≤ 1 ms per row;
* the same with scorers that read the trace (``no_errors``, ``latency_under``);
* one live publish of a 1,000-row run: the live document, the MIME bundle and
  its JSON text (what the kernel then packs and signs), at most every 0.25 s.
"""
from __future__ import annotations

import gc
import json
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "python"))

import nbtrace  # noqa: E402
from nbtrace import scorers  # noqa: E402
from nbtrace._eval.display import run_bundle  # noqa: E402
from nbtrace._eval.runner import run_evaluation  # noqa: E402

now = time.perf_counter_ns
TARGET_MS_PER_ROW = 1.0


def records(n: int) -> list:
    return [{"inputs": {"question": f"q{i}: tell me about city {i % 50}"},
             "expectations": {"expected_facts": [f"city {i % 50}"]}} for i in range(n)]


def answer(question: str) -> str:
    return f"{question.split(': ', 1)[1].replace('tell me about ', '')} has a museum and a market."


@nbtrace.scorer
def concise(outputs):
    return len(outputs) < 200


def per_row_ms(run, rows: int, reps: int) -> dict:
    run()  # warm up
    gc.collect()
    samples = []
    for _ in range(reps):
        t0 = now()
        run()
        samples.append((now() - t0) / rows / 1e6)
        nbtrace.get_collector().clear()
    return {"median_ms": statistics.median(samples), "min_ms": min(samples), "reps": reps}


def main() -> None:
    quick = "--quick" in sys.argv
    rows, reps = (200, 3) if quick else (1000, 7)
    nbtrace.configure(display=False)
    data = nbtrace.Dataset(records(rows), name="bench")
    contains = scorers.contains()
    checks = [contains, concise]
    traced_answer = nbtrace.trace(answer)

    def floor(fn):
        def run():
            out = []
            for rec in data:
                o = fn(**rec["inputs"])
                out.append((contains.fn(outputs=o, expectations=rec["expectations"]), concise.fn(outputs=o)))
            return out
        return run

    results = {
        "floor": per_row_ms(floor(answer), rows, reps),
        "floor_traced": per_row_ms(floor(traced_answer), rows, reps),
        "evaluate": per_row_ms(lambda: nbtrace.evaluate(data, answer, checks, display=False), rows, reps),
        "evaluate_trace_scorers": per_row_ms(
            lambda: nbtrace.evaluate(data, answer, checks + [scorers.no_errors(), scorers.latency_under(1000)],
                                     display=False), rows, reps),
    }

    # One live publish of a 1,000-row run half done: what LiveEval builds each time.
    run = run_evaluation(nbtrace.Dataset(records(1000), name="bench"), answer, checks, name="live", max_workers=1,
                         repetitions=1, dry_run=None, on_start=lambda r: None, on_change=lambda r: None, measure=True)
    for row in run.rows[500:]:
        row.update(status="pending", outputs=None, scores={}, trace=None, trace_id=None, latency_ms=None)
    run.state = "RUNNING"
    publish = []
    for _ in range(reps):
        t0 = now()
        text = json.dumps(run_bundle(run.document(live=True), final=False))
        publish.append((now() - t0) / 1e6)
    results["live_publish"] = {"median_ms": statistics.median(publish), "min_ms": min(publish), "bytes": len(text)}

    (ROOT / "bench" / "results").mkdir(parents=True, exist_ok=True)
    meta = {"rows": rows, "reps": reps, "python": platform.python_version(), "date": time.strftime("%Y-%m-%d %H:%M:%S"),
            "git": _git()}
    (ROOT / "bench" / "results" / "eval-python.json").write_text(json.dumps({"meta": meta, "results": results}, indent=1))
    (ROOT / "bench" / "results" / "eval-python.md").write_text(report(meta, results))
    print(report(meta, results))


def _git() -> str:
    try:
        return subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True).stdout.strip()
    except OSError:
        return "?"


def report(meta: dict, r: dict) -> str:
    f, ft = r["floor"]["median_ms"], r["floor_traced"]["median_ms"]
    ev, evt = r["evaluate"]["median_ms"], r["evaluate_trace_scorers"]["median_ms"]
    ok = "✓" if ev - ft <= TARGET_MS_PER_ROW else "✗"
    lp = r["live_publish"]
    lines = [
        "# nbtrace.evaluate overhead",
        "",
        f"Generated by `bench/python/eval_overhead.py` on {meta['date']} — Python {meta['python']}, git {meta['git']}; "
        f"{meta['rows']:,} records, medians of {meta['reps']} runs, one worker, no display. The function under test is "
        "trivial (a string format), so every number is overhead: a real model call takes 100–1000× longer.",
        "",
        "| what | ms per row | over the traced floor | notes |",
        "|---|---:|---:|---|",
        f"| floor: your own loop, `answer(**inputs)` + the two scorers' functions | {f:.4f} | – | |",
        f"| floor, traced: the same with `@nbtrace.trace` on `answer` | {ft:.4f} | 0 | one trace per row |",
        f"| `nbtrace.evaluate(data, answer, [contains, concise])` | **{ev:.4f}** | **{ev - ft:+.4f}** ({ev / ft:.1f}× the traced floor) "
        f"| target ≤ {TARGET_MS_PER_ROW} ms {ok} |",
        f"| the same + `no_errors`, `latency_under` (they read the trace) | {evt:.4f} | {evt - ft:+.4f} | |",
        "",
        f"One live publish of a 1,000-row run half done (live document + MIME bundle + its JSON text, "
        f"{lp['bytes'] / 1e6:.1f} MB): **{lp['median_ms']:.1f} ms** (min {lp['min_ms']:.1f}); the display publishes at most "
        "every 0.25 s, stretched so that publishing takes at most a quarter of the time.",
        "",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    main()
