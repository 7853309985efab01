"""nbtrace Python overhead benchmark.

    .venv/bin/python bench/python/overhead.py            # full run (~1-2 min on 2 cores)
    .venv/bin/python bench/python/overhead.py --quick    # fewer repetitions (smoke test)

Writes ``bench/results/python.json`` and ``bench/results/python.md`` (``--out DIR``
to write elsewhere). Imports nbtrace from ``python/`` of this checkout. Stdlib
only (time.perf_counter_ns + statistics); every number is the median of several
repetitions measured in this one process, side by side with its floor.

Two sections:

1. Per-span cost of ``@nbtrace.trace`` and ``with nbtrace.start_span(...)``
   (children of an already-open root; no display: no kernel), next to the floor
   (a bare call / a bare ``with`` of a trivial context manager) and the
   OpenTelemetry API's no-op tracer.
2. The latency a traced workload adds over the same code untraced, for traces
   of ~10 KB, ~1 MB and ~10 MB, **including** building the MIME bundle and
   emitting it through the real display path: IPython's ``display`` /
   ``update_display`` -> ipykernel's ``ZMQDisplayPublisher.publish`` ->
   jupyter_client's ``Session.send`` (JSON packing + HMAC-SHA256 signing) -> a
   socket stub that only records the message size (in a real kernel that
   socket hands the frames to the IOPub thread; the zmq send and everything
   after it — the frontend — are not included). Measured with live updates off
   (one display at the root's end) and on (display at the first span, throttled
   in-place updates every 0.1 s, final update at the end).
"""
from __future__ import annotations

import argparse
import contextlib
import gc
import json
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _source_dir() -> str:
    """``--src DIR``: import nbtrace from DIR (e.g. an older checkout's python/, to
    compare before/after in the same conditions); default: this checkout."""
    argv = sys.argv[1:]
    for i, arg in enumerate(argv):
        if arg == "--src" and i + 1 < len(argv):
            return argv[i + 1]
        if arg.startswith("--src="):
            return arg.split("=", 1)[1]
    return str(ROOT / "python")


sys.path.insert(0, _source_dir())
os.environ.setdefault("IPYTHONDIR", tempfile.mkdtemp(prefix="nbtrace-bench-ipython-"))

import nbtrace  # noqa: E402
try:  # where the live display gets its bundle and publishes (since the layout step)
    from nbtrace._notebook import kernel as _kernel, live as _bundle_user  # noqa: E402
except ImportError:  # an older checkout (--src): both in one module
    from nbtrace import _display as _kernel  # noqa: E402
    _bundle_user = _kernel

now_ns = time.perf_counter_ns

# The seed's table (ms added per traced call, by trace size) and the targets.
SEED_MS = {"10KB": (1.0, 1.0), "1MB": (50.0, 100.0), "10MB": (150.0, 150.0)}
TARGET_MS = {"10KB": 0.1, "1MB": 10.0, "10MB": 100.0}
TARGET_SPAN_US = 10.0


def median(xs):
    return statistics.median(xs)


def per_call_us(run_batch, batch: int, reps: int) -> dict:
    """run_batch(batch) -> elapsed ns for ``batch`` operations; per-op µs stats."""
    run_batch(min(batch, 200))  # warm up
    gc.collect()  # once, not per repetition: a full collection empties CPython's
    samples = []  # free lists, which makes the next run measurably slower
    for _ in range(reps):
        samples.append(run_batch(batch) / batch / 1_000)
    return {"median_us": median(samples), "min_us": min(samples), "reps": reps, "batch": batch}


# ------------------------------------------------------------------ section 1
class _TrivialCM:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


def _noop():
    return None


def _noop3(query, k=3, *, mode="fast"):
    return None


def bench_per_span(reps: int, batch: int) -> dict:
    traced_noop = nbtrace.trace(_noop)
    traced_noop3 = nbtrace.trace(_noop3)
    start_span = nbtrace.start_span
    cm = _TrivialCM

    def in_root(loop):
        def run(n):
            with start_span("root"):
                t0 = now_ns()
                loop(n)
                t1 = now_ns()
            nbtrace.get_collector().clear()
            return t1 - t0
        return run

    def floor_call(n):
        f = _noop
        t0 = now_ns()
        for _ in range(n):
            f()
        return now_ns() - t0

    def floor_call3(n):
        f = _noop3
        t0 = now_ns()
        for _ in range(n):
            f("what is nbtrace?", k=5)
        return now_ns() - t0

    def floor_with(n):
        t0 = now_ns()
        for _ in range(n):
            with cm():
                pass
        return now_ns() - t0

    def traced_call(n):
        f = traced_noop
        for _ in range(n):
            f()

    def traced_call3(n):
        f = traced_noop3
        for _ in range(n):
            f("what is nbtrace?", k=5)

    def span_with(n):
        for _ in range(n):
            with start_span("step"):
                pass

    rows = {
        "floor_call": per_call_us(floor_call, batch, reps),
        "floor_call_3_args": per_call_us(floor_call3, batch, reps),
        "floor_with": per_call_us(floor_with, batch, reps),
        "trace_decorator": per_call_us(in_root(traced_call), batch, reps),
        "trace_decorator_3_args": per_call_us(in_root(traced_call3), batch, reps),
        "start_span_with": per_call_us(in_root(span_with), batch, reps),
    }
    try:
        from opentelemetry import trace as otel_trace

        tracer = otel_trace.get_tracer("nbtrace-bench")

        def otel_with(n):
            t0 = now_ns()
            for _ in range(n):
                with tracer.start_as_current_span("step"):
                    pass
            return now_ns() - t0

        rows["otel_noop_start_as_current_span"] = per_call_us(otel_with, batch, reps)
    except Exception as exc:  # not installed
        rows["otel_noop_start_as_current_span"] = {"error": repr(exc)}
    return rows


# ------------------------------------------------------------------ section 2
class RecordingSocket:
    """Stands in for the kernel's IOPub socket: records what would be sent."""

    def __init__(self) -> None:
        self.messages = 0
        self.bytes = 0
        self.last_bytes = 0

    def send_multipart(self, parts, copy=True, **kwargs):
        size = sum(len(p) for p in parts)
        self.messages += 1
        self.bytes += size
        self.last_bytes = size


class TimedPublisher:
    """Wraps the display publisher's ``publish`` to time it (kernel side of the emit)."""

    def __init__(self, inner) -> None:
        self.inner = inner
        self.ns = 0

    def __call__(self, *args, **kwargs):
        t0 = now_ns()
        try:
            return self.inner(*args, **kwargs)
        finally:
            self.ns += now_ns() - t0


def install_fake_kernel():
    """A real IPython shell whose display publisher is ipykernel's ZMQDisplayPublisher
    with a real (HMAC-signing) jupyter_client Session and a recording socket."""
    from ipykernel.zmqshell import ZMQDisplayPublisher
    from IPython.core.interactiveshell import InteractiveShell
    from jupyter_client.session import Session
    from traitlets.config import Config

    config = Config()
    config.HistoryManager.enabled = False
    shell = InteractiveShell.instance(config=config)
    socket = RecordingSocket()
    session = Session(key=b"0123456789abcdef0123456789abcdef", signature_scheme="hmac-sha256")
    pub = ZMQDisplayPublisher(shell=shell, session=session, pub_socket=socket)
    pub.set_parent({"header": {"msg_id": "bench-cell", "msg_type": "execute_request",
                               "session": "bench", "username": "bench", "date": "",
                               "version": "5.3"}})
    shell.display_pub = pub
    shell.kernel = object()  # nbtrace's in_kernel(): a shell with a kernel
    assert _kernel.in_kernel()
    timed = TimedPublisher(pub.publish)
    pub.publish = timed
    return shell, socket, timed


WORDS = ("trace span agent tool retriever notebook kernel latency token prompt answer "
         "context document query embedding cache vector model").split()


def text_of(chars: int, seed: int) -> str:
    out, i = [], seed
    size = 0
    while size < chars:
        w = WORDS[(i * 7 + 3) % len(WORDS)]
        out.append(w)
        size += len(w) + 1
        i += 1
    return " ".join(out)[:chars]


def make_workload(shape: dict, traced: bool):
    """Returns run() doing the workload; traced => root span + one child span per step."""
    n, in_chars, out_chars = shape["children"], shape["in_chars"], shape["out_chars"]
    texts = [text_of(in_chars, i) for i in range(min(n, 64))]
    answer = text_of(out_chars, 999)
    big = shape.get("big_input")

    def step(i, text, k=3):
        return {"answer": answer, "n": i}

    def load(docs):
        return len(docs)

    if big is not None:
        docs = [text_of(big[1], j)[:big[1]] for j in range(big[0])]

    if not traced:
        def run():
            if big is not None:
                load(docs)
            for i in range(n):
                step(i, texts[i % len(texts)])
        return run

    t_step = nbtrace.trace(step, span_type="TOOL")
    t_load = nbtrace.trace(load, span_type="RETRIEVER")

    def run():
        with nbtrace.start_span("agent", span_type="AGENT") as root:
            root.set_inputs({"question": "what does nbtrace cost?"})
            if big is not None:
                t_load(docs)
            for i in range(n):
                t_step(i, texts[i % len(texts)])
            root.set_outputs({"answer": "little"})
    return run


SHAPES = {
    "10KB": {"label": "~10 KB: 10 spans, small inputs", "children": 10, "in_chars": 300,
             "out_chars": 300},
    "1MB": {"label": "~1 MB: 1,000 spans, inputs + outputs ~0.5 KB", "children": 1_000,
            "in_chars": 250, "out_chars": 250},
    "10MB": {"label": "~10 MB: 10,000 spans, inputs + outputs ~0.5 KB", "children": 9_999,
             "in_chars": 250, "out_chars": 250},
    "10MB_one_input": {"label": "~10 MB: 1 span whose input is 1,000 x 10 KB strings",
                       "children": 0, "in_chars": 0, "out_chars": 0,
                       "big_input": (1_000, 10_000), "compare": "10MB"},
}


class _Timed:
    """Replaces ``module.name`` by a wrapper that sums the time spent in it."""

    def __init__(self, module, name: str) -> None:
        self.module, self.name = module, name
        self.inner = getattr(module, name)
        self.ns = 0

        def timed(*args, **kwargs):
            t0 = now_ns()
            try:
                return self.inner(*args, **kwargs)
            finally:
                self.ns += now_ns() - t0

        setattr(module, name, timed)

    def restore(self) -> None:
        setattr(self.module, self.name, self.inner)


def bench_latency(shell, socket, kernel, reps: dict) -> dict:
    results = {}
    # The live listener calls trace_bundle (build the bundle) and, through
    # publish_for, publish (IPython display/update_display -> the kernel's
    # display publisher, timed separately as `kernel`).
    bundle = _Timed(_bundle_user, "trace_bundle")
    display = _Timed(_kernel, "publish")
    try:
        for key, shape in SHAPES.items():
            n_reps = reps[key if key in reps else "10MB"]
            plain = make_workload(shape, traced=False)
            traced = make_workload(shape, traced=True)
            row = {"label": shape["label"],
                   "spans": shape["children"] + 1 + (1 if shape.get("big_input") else 0)}
            plain()  # untraced floor
            gc.collect()  # once per series (see per_call_us)
            samples = []
            for _ in range(max(n_reps, 5)):
                t0 = now_ns()
                plain()
                samples.append(now_ns() - t0)
            row["untraced_ms"] = median(samples) / 1e6
            for mode, live in (("live_off", False), ("live_on", True)):
                nbtrace.configure(display=True, live=live, update_interval=0.1,
                                  max_traces_per_cell=10 ** 9)  # every rep is a trace of one cell
                traced()  # warm up
                nbtrace.get_collector().clear()
                gc.collect()
                cols = {k: [] for k in ("total", "bundle", "display", "kernel", "n", "size")}
                for _ in range(n_reps):
                    socket.messages = socket.bytes = 0
                    kernel.ns = bundle.ns = display.ns = 0
                    t0 = now_ns()
                    traced()
                    cols["total"].append(now_ns() - t0)
                    cols["bundle"].append(bundle.ns)
                    cols["display"].append(display.ns)
                    cols["kernel"].append(kernel.ns)
                    cols["n"].append(socket.messages)
                    cols["size"].append(socket.last_bytes)
                    nbtrace.get_collector().clear()
                total = median(cols["total"]) / 1e6
                row[mode] = {
                    "traced_ms": total,
                    "traced_min_ms": min(cols["total"]) / 1e6,
                    "added_ms": total - row["untraced_ms"],
                    # nbtrace: the trace dict + summary (all publishes of the run)
                    "bundle_build_ms": median(cols["bundle"]) / 1e6,
                    # IPython display()/update_display() incl. the kernel publisher
                    "display_ms": median(cols["display"]) / 1e6,
                    # ipykernel ZMQDisplayPublisher.publish: JSON packing + HMAC signing
                    "kernel_publish_ms": median(cols["kernel"]) / 1e6,
                    "publishes": median(cols["n"]),
                    "final_message_bytes": int(median(cols["size"])),
                    "reps": n_reps,
                }
                r = row[mode]
                # what nbtrace itself adds: everything but IPython's display machinery
                r["nbtrace_ms"] = r["added_ms"] - r["display_ms"]
                r["spans_ms"] = r["nbtrace_ms"] - r["bundle_build_ms"]
            row["live_extra_ms"] = row["live_on"]["added_ms"] - row["live_off"]["added_ms"]
            row["bundle_bytes"] = row["live_off"]["final_message_bytes"]
            results[key] = row
            print(f"  {key:>15}: {row['bundle_bytes'] / 1e6:6.2f} MB  untraced {row['untraced_ms']:8.3f} ms"
                  f"  added: live off {row['live_off']['added_ms']:8.2f} ms"
                  f" (emit {row['live_off']['display_ms']:7.2f})"
                  f"  live on {row['live_on']['added_ms']:8.2f} ms"
                  f" ({row['live_on']['publishes']:.0f} publishes)", flush=True)
    finally:
        bundle.restore()
        display.restore()
        nbtrace.configure(display=True, live=True, update_interval=0.1)
    return results


# ------------------------------------------------------------------ report
def fmt(x: float, digits: int = 2) -> str:
    return f"{x:.{digits}f}"


def write_md(data: dict, path: Path) -> None:
    env = data["environment"]
    per = data["per_span"]
    lines = [
        "# nbtrace Python overhead",
        "",
        f"Generated by `bench/python/overhead.py` on {env['date']} — Python {env['python']} "
        f"({env['implementation']}), {env['cpu_count']} cores, {env['platform']}; "
        f"nbtrace {env['nbtrace']} from `{env.get('nbtrace_source', '?')}`, git {env['git']}. "
        "All numbers are medians of repeated runs in one process; on a shared or busy "
        "machine they move by tens of percent between runs, so compare rows of one run "
        "(the floors, the OpenTelemetry row) rather than runs.",
        "",
        "## Per-span cost",
        "",
        "Children of an already-open root span (each call / block = one span); no display "
        "(not in a kernel). Floor = the same loop without tracing. "
        f"Target: ≤ {TARGET_SPAN_US:.0f} µs per span.",
        "",
        "| what | µs per call | over floor (µs) | floor |",
        "|---|---:|---:|---|",
    ]
    def row(name, key, floor_key):
        r = per[key]
        if "error" in r:
            lines.append(f"| {name} | n/a | | {r['error']} |")
            return
        f = per[floor_key]["median_us"]
        lines.append(f"| {name} | {fmt(r['median_us'])} | {fmt(r['median_us'] - f)} | "
                     f"{floor_key} {fmt(f, 3)} µs |")
    row("bare function call `f()`", "floor_call", "floor_call")
    row("bare call `f(q, k=5)` (3 params)", "floor_call_3_args", "floor_call_3_args")
    row("bare `with` of a trivial context manager", "floor_with", "floor_with")
    row("`@nbtrace.trace` no-op `f()`", "trace_decorator", "floor_call")
    row("`@nbtrace.trace` `f(q, k=5)` (3 params, one default, one kw-only)",
        "trace_decorator_3_args", "floor_call_3_args")
    row("`with nbtrace.start_span(\"step\")`", "start_span_with", "floor_with")
    row("OpenTelemetry API no-op tracer `with start_as_current_span()` (reference)",
        "otel_noop_start_as_current_span", "floor_with")
    lines += [
        "",
        "## Latency a traced call adds (incl. building and emitting the MIME bundle)",
        "",
        "Workload: a root span (`with nbtrace.start_span`) around N calls of a "
        "`@nbtrace.trace` function `step(i, text)` returning a small dict; the same code "
        "untraced is the floor. **Included**: creating/ending every span, serializing "
        "inputs/outputs, building the MLflow-v3 trace dict and the `text/plain` summary, "
        "and emitting it through the real display path — IPython `display`/`update_display` "
        "→ ipykernel `ZMQDisplayPublisher.publish` → jupyter_client `Session.send` (JSON "
        "packing of the whole message + HMAC-SHA256 signature) → a socket stub that only "
        "records the message size. **Not included**: the hand-off to ipykernel's IOPub "
        "thread, the zmq send, the frontend. `live off`: one display when the root ends. "
        "`live on` (default): display when the root starts, throttled in-place updates "
        "(0.1 s, stretched so publishing takes ≤ 25 % of the time), the final update at the "
        "end; updates from the timer thread are in the wall time. Seed table: ≈1 ms "
        "(10 KB), 50–100 ms (1 MB), ≥150 ms (10 MB).",
        "",
        "| trace | message | untraced (ms) | added, live off (ms) | target | vs seed | "
        "of which nbtrace (ms), vs target | added, live on (ms) | live extra (ms) | publishes (live on) |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for key, r in data["latency"].items():
        cmp_key = SHAPES[key].get("compare", key)
        lo, hi = SEED_MS[cmp_key]
        added = r["live_off"]["added_ms"]
        seed = f"{added / lo:.2f}×" if lo == hi else f"{added / hi:.2f}–{added / lo:.2f}×"
        target = TARGET_MS[cmp_key]
        ok = "✓" if added <= target else "✗"
        ok_own = "✓" if r["live_off"]["nbtrace_ms"] <= target else "✗"
        lines.append(
            f"| {r['label']} | {r['bundle_bytes'] / 1e6:.2f} MB | {fmt(r['untraced_ms'], 3)} | "
            f"{fmt(added, 3)} | ≤ {target:g} {ok} | {seed} | {fmt(r['live_off']['nbtrace_ms'], 3)} "
            f"{ok_own} | {fmt(r['live_on']['added_ms'], 3)} | {fmt(r['live_extra_ms'], 3)} | "
            f"{r['live_on']['publishes']:.0f} |")
    lines += [
        "",
        "\"Of which nbtrace\" = the added time minus IPython's `display()` path (which includes "
        "the kernel's JSON packing and signing, the same for any display of that bundle). "
        "Where the time goes, live off / live on, ms (medians of each part, so they need "
        "not add up exactly): *spans* = creating/ending spans and serializing inputs/outputs; "
        "*bundle* = `trace_bundle()` (trace dict + summary, all publishes of the run); "
        "*IPython* = `display()`/`update_display()` minus the kernel publisher; *kernel* = "
        "ipykernel's `publish()` (JSON packing + HMAC of the message).",
        "",
        "| trace | spans (nbtrace) | bundle (nbtrace) | IPython display() | kernel publish |",
        "|---|---:|---:|---:|---:|",
    ]
    for key, r in data["latency"].items():
        off, on = r["live_off"], r["live_on"]
        cells = [f"{fmt(off['spans_ms'])} / {fmt(on['spans_ms'])}",
                 f"{fmt(off['bundle_build_ms'])} / {fmt(on['bundle_build_ms'])}",
                 f"{fmt(off['display_ms'] - off['kernel_publish_ms'])} / "
                 f"{fmt(on['display_ms'] - on['kernel_publish_ms'])}",
                 f"{fmt(off['kernel_publish_ms'])} / {fmt(on['kernel_publish_ms'])}"]
        lines.append(f"| {key} | " + " | ".join(cells) + " |")
    lines.append("")
    path.write_text("\n".join(lines), encoding="utf-8")


def git_rev() -> str:
    try:
        import subprocess
        out = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"],
                             capture_output=True, text=True, timeout=5).stdout.strip()
        dirty = subprocess.run(["git", "-C", str(ROOT), "status", "--porcelain", "--", "python"],
                               capture_output=True, text=True, timeout=5).stdout.strip()
        return out + ("+dirty" if dirty else "")
    except Exception:
        return "unknown"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer repetitions (smoke test)")
    parser.add_argument("--out", default=str(ROOT / "bench" / "results"), help="output directory")
    parser.add_argument("--src", default=str(ROOT / "python"),
                        help="import nbtrace from this directory (default: python/ of this checkout)")
    args = parser.parse_args(argv)

    env = {
        "python": platform.python_version(),
        "implementation": platform.python_implementation(),
        "cpu_count": os.cpu_count(),
        "platform": platform.platform(terse=True),
        "nbtrace": nbtrace.__version__,
        "nbtrace_source": str(Path(nbtrace.__file__).resolve().parent),
        "git": git_rev(),
        "date": time.strftime("%Y-%m-%d %H:%M:%S"),
    }
    print(f"nbtrace overhead bench — Python {env['python']}, os.cpu_count()={env['cpu_count']}",
          flush=True)
    started = time.monotonic()

    span_reps, span_batch = (7, 500) if args.quick else (25, 2_000)
    print("per-span cost ...", flush=True)
    per_span = bench_per_span(span_reps, span_batch)
    for key, r in per_span.items():
        if "median_us" in r:
            print(f"  {key:>32}: {r['median_us']:8.3f} µs", flush=True)

    print("latency added (incl. MIME bundle build + emit) ...", flush=True)
    shell, socket, kernel = install_fake_kernel()
    reps = {"10KB": 101, "1MB": 15, "10MB": 7} if not args.quick else {"10KB": 10, "1MB": 3, "10MB": 2}
    latency = bench_latency(shell, socket, kernel, reps)

    data = {"environment": env, "per_span": per_span, "latency": latency,
            "targets": {"span_us": TARGET_SPAN_US, "latency_ms": TARGET_MS},
            "seed_ms": SEED_MS, "elapsed_s": time.monotonic() - started}
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    (out / "python.json").write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
    write_md(data, out / "python.md")
    print(f"wrote {out / 'python.json'} and {out / 'python.md'} in {data['elapsed_s']:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
