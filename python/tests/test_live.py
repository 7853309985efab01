"""Live display: first display at the first span, throttled in-place updates, final state.

The listener gets a fake clock, a fake timer scheduler and a recording publisher
(dependency injection): simulated time, no threads, no IPython.
"""
import contextvars
import threading
import time
import warnings

import pytest

import nbtrace
from nbtrace import DisplayListener, TraceCollector

MIME = nbtrace.MIME_TYPE


class FakeTimer:
    def __init__(self, due, fn, honour_cancel=True):
        self.due, self.fn, self.cancelled, self.honour_cancel = due, fn, False, honour_cancel

    def cancel(self):
        self.cancelled = self.honour_cancel


class FakeTime:
    """A clock you advance by hand; timers fire (in due order) while it advances."""

    def __init__(self, honour_cancel=True):
        self.now = 1_000.0
        self.timers = []
        self.honour_cancel = honour_cancel

    def clock(self):
        return self.now

    def schedule(self, delay, fn):
        timer = FakeTimer(self.now + delay, fn, self.honour_cancel)
        self.timers.append(timer)
        return timer

    def pending(self):
        return [t for t in self.timers if not t.cancelled]

    def advance(self, seconds):
        end = self.now + seconds
        while True:
            due = sorted((t for t in self.pending() if t.due <= end), key=lambda t: t.due)
            if not due:
                break
            self.timers.remove(due[0])
            self.now = max(self.now, due[0].due)
            due[0].fn()
        self.now = end


class Harness:
    """A private collector whose live display publishes into ``self.published``."""

    def __init__(self, interval=0.1, live=True, cell="cell-1", publish_cost=0.0, **time_kw):
        self.time = FakeTime(**time_kw)
        self.published = []  # (doc, display_id, update, when)
        self.cell = cell
        self.publish_cost = publish_cost
        self.listener = DisplayListener(
            live=live, update_interval=interval, publish=self._publish, clock=self.time.clock,
            schedule=self.time.schedule, in_kernel=lambda: True,
            kernel_parent=lambda: {"msg_id": self.cell, "msg_type": "execute_request"},
            get_shell=lambda: None)
        self.collector = TraceCollector()
        self.collector.add_listener(self.listener)

    def _publish(self, bundle, display_id=None, update=False):
        self.published.append((bundle[MIME], display_id, update, self.time.now))
        self.time.now += self.publish_cost

    def span(self, name, parent=None):
        kwargs = {"parent": parent} if parent is not None else {}
        return self.collector.start_span(name, **kwargs)

    @property
    def updates(self):
        return [p[2] for p in self.published]

    @property
    def last(self):
        return self.published[-1][0]


def names(doc):
    return [s["name"] for s in doc["data"]["spans"]]


def assert_final(doc, state="OK"):
    assert doc["info"]["state"] == state
    assert all(s["end_time_unix_nano"] is not None for s in doc["data"]["spans"])
    assert all(s["status"]["code"] != "STATUS_CODE_UNSET" for s in doc["data"]["spans"])


def test_first_display_happens_when_the_first_span_starts():
    h = Harness()
    root = h.span("agent")
    assert len(h.published) == 1
    doc, display_id, update, _ = h.published[0]
    assert update is False and display_id == root._trace.display_id
    assert doc["info"]["state"] == "IN_PROGRESS"
    assert doc["info"]["execution_duration_ms"] >= 0  # elapsed at the snapshot
    span = doc["data"]["spans"][0]
    assert span["end_time_unix_nano"] is None
    assert span["status"]["code"] == "STATUS_CODE_UNSET"
    root.end()
    assert h.updates == [False, True]
    assert_final(h.last)


def test_1000_span_events_in_one_second_are_throttled_to_about_ten_updates():
    h = Harness(interval=0.1)
    root = h.span("agent")
    for i in range(250):  # 4 events per iteration, 1 ms apart: 1,000 events over 1 s
        child = h.span(f"step-{i}", parent=root)
        h.time.advance(0.001)
        child.set_attribute("i", i)
        h.time.advance(0.001)
        child.add_event("tick")
        h.time.advance(0.001)
        child.end()
        h.time.advance(0.001)
    root.end()
    count = len(h.published)
    assert 10 <= count <= 12, count  # display + ~1 update per 100 ms + the final state
    assert h.updates.count(False) == 1  # one output: displayed once, then only updates
    assert len({p[1] for p in h.published}) == 1
    times = [p[3] for p in h.published[:-1]]
    assert all(b - a >= 0.1 - 1e-9 for a, b in zip(times, times[1:]))
    assert len(h.last["data"]["spans"]) == 251
    assert_final(h.last)
    assert h.time.pending() == []


def test_changes_inside_the_interval_arm_one_trailing_update():
    h = Harness(interval=0.1)
    root = h.span("agent")
    h.time.advance(0.01)
    child = h.span("retrieve", parent=root)
    child.set_inputs({"q": "kyoto"})
    assert len(h.published) == 1  # throttled ...
    assert len(h.time.pending()) == 1  # ... with exactly one trailing update armed
    h.time.advance(0.5)  # a quiet period: nothing else happens
    assert h.updates == [False, True]
    doc, _, _, when = h.published[1]
    assert when == pytest.approx(1_000.1)  # at the end of the interval, not later
    assert names(doc) == ["agent", "retrieve"]
    assert doc["data"]["spans"][1]["end_time_unix_nano"] is None
    assert '"kyoto"' in doc["data"]["spans"][1]["attributes"]["mlflow.spanInputs"]
    h.time.advance(5)
    assert len(h.published) == 2  # no change, no publish
    child.end()  # after a quiet period a change is published at once (leading edge)
    assert len(h.published) == 3 and h.published[2][3] == h.time.now
    root.end()
    assert len(h.published) == 4


def test_the_final_state_is_published_at_once_and_is_the_last():
    h = Harness(interval=0.1)
    root = h.span("agent")
    h.span("tool", parent=root).end()
    assert len(h.time.pending()) == 1  # a trailing update is armed
    root.end()  # the root ends before it fires
    assert h.published[-1][3] == h.time.now  # not delayed by the throttle
    assert_final(h.last)
    assert names(h.last) == ["agent", "tool"]
    h.time.advance(1)
    assert len(h.published) == 2  # the armed update was cancelled


def test_a_timer_firing_after_the_end_publishes_nothing():
    h = Harness(interval=0.1, honour_cancel=False)  # cancel() loses the race
    root = h.span("agent")
    h.span("tool", parent=root).end()
    root.end()
    final = list(h.published)
    h.time.advance(1)  # the late timer fires now
    assert h.published == final


def test_error_final_state_and_running_children_in_updates():
    h = Harness(interval=0)
    with pytest.raises(ValueError):
        with h.collector.start_span("agent"):
            with h.collector.start_span("llm"):
                raise ValueError("model overloaded")
    running = h.published[1][0]  # the update for the child start: both running
    assert [s["end_time_unix_nano"] for s in running["data"]["spans"]] == [None, None]
    assert_final(h.last, state="ERROR")
    assert [s["status"]["message"] for s in h.last["data"]["spans"]] == [
        "ValueError: model overloaded", "ValueError: model overloaded"]


def test_interval_zero_publishes_every_change():
    h = Harness(interval=0)
    root = h.span("agent")  # display
    child = h.span("tool", parent=root)  # 1
    child.set_attribute("a", 1)  # 2
    child.add_event("e")  # 3
    child.set_outputs("ok")  # 4
    child.end()  # 5
    root.set_status("OK")  # 6
    root.end()  # final
    assert h.updates == [False] + [True] * 7
    assert h.time.pending() == []


def test_live_off_displays_once_at_the_end():
    h = Harness(live=False)
    root = h.span("agent")
    for i in range(5):
        h.span(f"tool-{i}", parent=root).end()
        h.time.advance(1)
    assert h.published == []
    root.end()
    assert h.updates == [False]
    assert_final(h.last)


def test_display_disabled_publishes_nothing():
    h = Harness()
    h.listener.enabled = False
    root = h.span("agent")
    h.span("tool", parent=root).end()
    root.end()
    h.time.advance(1)
    assert h.published == []


def test_slow_publishes_stretch_the_interval():
    h = Harness(interval=0.1, publish_cost=0.05)  # each publish takes 50 ms
    root = h.span("agent")
    start = h.time.now
    while h.time.now - start < 2.0:
        h.span("step", parent=root).end()
        h.time.advance(0.005)
    root.end()
    # without stretching: ~2.0 / (0.1 + 0.05) ≈ 13 publishes; with it, at most 25% load
    assert len(h.published) <= 2.0 * 0.25 / 0.05 + 2
    gaps = [b[3] - a[3] for a, b in zip(h.published[:-2], h.published[1:-1])]
    assert min(gaps) >= 0.2 - 1e-9


def test_outside_a_kernel_the_listener_does_nothing():
    published = []
    listener = DisplayListener(publish=lambda *a, **k: published.append(a),
                               in_kernel=lambda: False)
    collector = TraceCollector()
    collector.add_listener(listener)
    with collector.start_span("script") as root:
        collector.start_span("step").end()
    assert published == [] and root._trace.live is None


# ---------------------------------------------------------------- real threads
def test_real_timer_thread_delivers_the_trailing_update():
    published = []
    listener = DisplayListener(
        update_interval=0.05, in_kernel=lambda: True, kernel_parent=lambda: None,
        publish=lambda bundle, display_id=None, update=False: published.append(
            (bundle[MIME], update, threading.current_thread().name,
             threading.current_thread().daemon)))
    collector = TraceCollector()
    collector.add_listener(listener)
    root = collector.start_span("agent")
    collector.start_span("tool", parent=root).set_attribute("x", 1)
    assert len(published) == 1
    deadline = time.monotonic() + 5
    while len(published) < 2 and time.monotonic() < deadline:
        time.sleep(0.01)
    assert len(published) == 2
    doc, update, thread_name, daemon = published[1]
    assert update is True and thread_name == "nbtrace-live-update"
    assert daemon is True  # never keeps the interpreter alive
    assert names(doc) == ["agent", "tool"]
    root.end()
    time.sleep(0.1)
    assert len(published) == 3 and published[-1][0]["info"]["state"] == "OK"
    assert not [t for t in threading.enumerate() if t.name == "nbtrace-live-update" and t.is_alive()]


def test_concurrent_span_ends_from_8_threads():
    published = []
    lock = threading.Lock()

    def publish(bundle, display_id=None, update=False):
        with lock:
            published.append((bundle[MIME], update))

    listener = DisplayListener(update_interval=0.002, publish=publish, in_kernel=lambda: True,
                               kernel_parent=lambda: None)
    collector = TraceCollector()
    collector.add_listener(listener)
    barrier = threading.Barrier(8)

    def worker(w):
        barrier.wait()
        for i in range(150):
            with collector.start_span(f"w{w}-{i}") as span:
                span.set_attribute("i", i)
                collector.start_span("leaf").end()

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with collector.start_span("pool") as root:
            threads = [threading.Thread(target=contextvars.copy_context().run, args=(worker, w))
                       for w in range(8)]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
        time.sleep(0.05)  # any late timer would publish now
    assert [u for _, u in published].count(False) == 1
    final = published[-1][0]
    spans = final["data"]["spans"]
    assert len(spans) == 1 + 8 * 150 * 2
    assert_final(final)
    by_id = {s["span_id"]: s for s in spans}
    assert all(by_id[s["parent_span_id"]]["name"].startswith("w")
               for s in spans if s["name"] == "leaf")
    assert root._trace.live.finished and root._trace.live.timer is None
    assert len(published) >= 3  # live updates happened while the threads ran
    assert collector.active_traces() == [] and collector.finished_traces() == [root._trace]


# ---------------------------------------------------------------- nbtrace.configure
def test_configure_live_and_update_interval(displayed):
    settings = nbtrace.configure()
    assert settings["live"] is True and settings["update_interval"] == 0.1
    assert nbtrace.configure(update_interval=0)["update_interval"] == 0.0
    with nbtrace.start_span("root") as root:  # display
        root.set_attribute("a", 1)  # update
        with nbtrace.start_span("child"):  # update (start), update (end)
            pass
    assert [update for _, _, update in displayed] == [False, True, True, True, True]  # + final
    assert displayed[0][0][MIME]["info"]["state"] == "IN_PROGRESS"
    assert displayed[-1][0][MIME] == nbtrace.get_last_trace()
    displayed.clear()
    assert nbtrace.configure(live=False)["live"] is False
    with nbtrace.start_span("root"):
        nbtrace.start_span("child").end()
    assert [update for _, _, update in displayed] == [False]
    for bad in (-1, float("nan"), float("inf"), "soon"):
        with pytest.raises(ValueError):
            nbtrace.configure(update_interval=bad)
    with pytest.raises(ValueError):
        nbtrace.configure(max_traces=0, live=True)
    assert nbtrace.configure()["live"] is False  # a rejected call changes nothing


def test_contract_script_can_emit_a_running_snapshot():
    import emit_contract_trace

    doc = emit_contract_trace.build_running_bundle()[MIME]
    assert doc["info"]["state"] == "IN_PROGRESS" and doc["info"]["execution_duration_ms"] >= 0
    spans = {s["name"]: s for s in doc["data"]["spans"]}
    assert list(spans) == ["agent", "plan", "flaky_tool", "llm_call"]
    for name in ("agent", "llm_call"):
        assert spans[name]["end_time_unix_nano"] is None
        assert spans[name]["status"]["code"] == "STATUS_CODE_UNSET"
    assert spans["plan"]["status"]["code"] == "STATUS_CODE_OK"
    assert spans["flaky_tool"]["status"]["code"] == "STATUS_CODE_ERROR"
