"""Tracing never breaks user code; memory stays bounded; display hooks."""
import gc
import json
import warnings

import pytest
from conftest import attr

import nbtrace
from nbtrace._notebook import kernel


class Evil:
    """Every introspection hook raises."""

    def __repr__(self):
        raise RuntimeError("repr exploded")

    def __str__(self):
        raise RuntimeError("str exploded")

    def __getattr__(self, name):
        raise RuntimeError(f"getattr {name} exploded")


def test_evil_inputs_and_outputs_pass_through_untouched():
    evil = Evil()

    @nbtrace.trace
    def identity(x):
        return x

    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no internal failure even needs reporting here
        assert identity(evil) is evil
    span = nbtrace.get_last_trace()["data"]["spans"][0]
    assert attr(span, "mlflow.spanInputs") == {"x": "<unrepresentable Evil object>"}
    assert attr(span, "mlflow.spanOutputs") == "<unrepresentable Evil object>"


def test_internal_failure_in_serializer_is_swallowed_and_reported_once(monkeypatch):
    from nbtrace._record import decorator as _decorator, span as _span

    real_dumps = _span.dumps

    def broken_dumps(value):
        if isinstance(value, dict):  # only inputs are dicts here
            raise RuntimeError("serializer bug")
        return real_dumps(value)

    monkeypatch.setattr(_span, "dumps", broken_dumps)
    monkeypatch.setattr(_decorator, "dumps", broken_dumps)  # the serializer as @trace calls it

    @nbtrace.trace
    def compute(x):
        return x + 1

    with pytest.warns(nbtrace.NbtraceWarning, match="set_inputs failed") as record:
        assert compute(1) == 2
        assert compute(2) == 3
    assert len([w for w in record if "set_inputs" in str(w.message)]) == 1  # once
    assert nbtrace.get_last_trace() is not None  # the trace itself still exists


def test_span_creation_failure_still_runs_the_function(monkeypatch):
    collector = nbtrace.get_collector()

    def broken_start_span(*args, **kwargs):
        raise MemoryError("no room for spans")

    monkeypatch.setattr(collector, "start_span", broken_start_span)

    @nbtrace.trace
    def work(x):
        return x * 3

    @nbtrace.trace
    def gen():
        yield 1

    with pytest.warns(nbtrace.NbtraceWarning, match="starting a span"):
        assert work(2) == 6
        assert list(gen()) == [1]


def test_display_raising_is_swallowed(monkeypatch):
    import IPython.display

    def broken_display(*args, **kwargs):
        raise RuntimeError("display is broken")

    monkeypatch.setattr(kernel, "in_kernel", lambda: True)
    monkeypatch.setattr(IPython.display, "display", broken_display)

    @nbtrace.trace
    def answer():
        return 42

    with pytest.warns(nbtrace.NbtraceWarning, match="displaying the trace failed"):
        assert answer() == 42
    assert nbtrace.get_last_trace()["data"]["spans"][0]["name"] == "answer"


def test_broken_listener_is_swallowed_and_others_still_run():
    seen = []

    class Broken:
        def on_span_start(self, span):
            raise ValueError("listener bug")

        def on_trace_end(self, trace):
            raise ValueError("listener bug")

    class Recorder:
        def on_span_start(self, span):
            seen.append(("start", span.name))

        def on_span_end(self, span):
            seen.append(("end", span.name))

        def on_trace_end(self, trace):
            seen.append(("trace", trace.name))

    collector = nbtrace.get_collector()
    collector.add_listener(Broken())
    collector.add_listener(Recorder())
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        with nbtrace.start_span("root"):
            with nbtrace.start_span("child"):
                pass
    messages = sorted(str(w.message) for w in record)
    assert len(messages) == 2  # once per failing hook, not once per call
    assert "Broken.on_span_start failed (ValueError: listener bug)" in messages[0]
    assert "Broken.on_trace_end failed" in messages[1]
    assert seen == [("start", "root"), ("start", "child"), ("end", "child"),
                    ("end", "root"), ("trace", "root")]


def test_user_exception_passes_even_when_recording_fails(monkeypatch):
    from nbtrace._record import span as _span

    monkeypatch.setattr(_span.Span, "add_event", lambda *a, **k: 1 / 0)
    err = ValueError("user error")

    @nbtrace.trace
    def fails():
        raise err

    with pytest.warns(nbtrace.NbtraceWarning):
        with pytest.raises(ValueError) as info:
            fails()
    assert info.value is err


def test_api_misuse_warns_instead_of_raising():
    with pytest.warns(nbtrace.NbtraceWarning):
        with nbtrace.start_span("s") as span:
            span.set_status("MAYBE")
            span.set_token_usage(input_tokens="many")
    with pytest.warns(nbtrace.NbtraceWarning, match="ended span"):
        span.set_attribute("late", 1)
    assert "late" not in nbtrace.get_last_trace()["data"]["spans"][0]["attributes"]


# ---------------------------------------------------------------- memory bounds
def test_only_the_last_n_finished_traces_are_kept():
    settings = nbtrace.configure(max_traces=3)
    expected = {"display": True, "live": True, "update_interval": 0.1, "max_traces": 3,
                "max_traces_per_cell": 10, "html_summary": True, "tracing": True}
    assert {k: settings[k] for k in expected} == expected  # (other settings may follow)
    for i in range(7):
        with nbtrace.start_span(f"t{i}"):
            pass
    kept = nbtrace.get_collector().finished_traces()
    assert [t.name for t in kept] == ["t4", "t5", "t6"]
    assert nbtrace.get_last_trace()["info"]["tags"]["mlflow.traceName"] == "t6"
    with pytest.raises(ValueError):
        nbtrace.configure(max_traces=0)


def test_old_traces_are_garbage_collected():
    import weakref

    nbtrace.configure(max_traces=2)
    refs = []
    for _ in range(5):
        with nbtrace.start_span("t") as span:
            span.set_inputs("x" * 1000)
        refs.append(weakref.ref(span._trace))
        del span
    gc.collect()
    alive = [r for r in refs if r() is not None]
    assert len(alive) == 2


def test_spans_per_trace_and_events_per_span_are_bounded(monkeypatch):
    from nbtrace._record import span as _span

    collector = nbtrace.get_collector()
    monkeypatch.setattr(collector, "max_spans_per_trace", 5)
    monkeypatch.setattr(_span, "MAX_EVENTS_PER_SPAN", 2)
    with nbtrace.start_span("root") as root:
        for i in range(10):
            with nbtrace.start_span(f"child{i}"):
                pass
        for i in range(4):
            root.add_event(f"e{i}")
    trace = nbtrace.get_last_trace()
    assert len(trace["data"]["spans"]) == 5
    assert trace["info"]["trace_metadata"]["nbtrace.droppedSpans"] == "6"
    events = trace["data"]["spans"][0]["events"]
    assert [e["name"] for e in events] == ["e0", "e1", "nbtrace.dropped_events"]
    assert events[-1]["attributes"] == {"count": 2}


def test_active_traces_are_bounded(monkeypatch):
    collector = nbtrace.get_collector()
    monkeypatch.setattr(collector, "max_active_traces", 3)
    leaked = [nbtrace.start_span(f"never-ended-{i}") for i in range(10)]
    assert len(collector.active_traces()) == 3
    for span in leaked:
        span.end()


# ---------------------------------------------------------------- display hook
def test_live_off_displays_once_at_the_root_end_with_display_id(displayed):
    @nbtrace.trace
    def inner():
        return 1

    nbtrace.configure(live=False)
    with nbtrace.start_span("root") as root:
        inner()
        inner()
        assert displayed == []  # not before the root ends
    assert len(displayed) == 1
    bundle, display_id, update = displayed[0]
    assert display_id == root._trace.display_id and display_id.startswith("nbtrace-")
    assert update is False
    assert set(bundle) == {nbtrace.MIME_TYPE, "text/plain", "text/html"}  # (html: the static summary)
    assert bundle[nbtrace.MIME_TYPE] == nbtrace.get_last_trace()
    assert bundle["text/plain"].startswith("<nbtrace trace 'root' · 3 spans")
    json.dumps(bundle, allow_nan=False)


def test_configure_display_off(displayed):
    nbtrace.configure(display=False)
    with nbtrace.start_span("quiet"):
        pass
    assert displayed == []
    nbtrace.configure(display=True)
    with nbtrace.start_span("loud"):
        pass
    assert [update for _, _, update in displayed] == [False, True]  # one output, updated
    assert displayed[0][1] == displayed[1][1]


def test_outside_a_kernel_nothing_is_displayed(monkeypatch):
    import IPython.display

    calls = []
    monkeypatch.setattr(IPython.display, "display", lambda *a, **k: calls.append(a))
    assert kernel.in_kernel() is False
    with nbtrace.start_span("script"):
        pass
    assert calls == []
    assert nbtrace.get_last_trace()["info"]["tags"]["mlflow.traceName"] == "script"
