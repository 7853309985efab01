"""Nothing stays "running": spans are ended with ERROR (saying why) when an exception
or interrupt goes through them, when their root ends, and when their cell ends."""
import warnings

import pytest
from conftest import spans_by_name
from test_live import Harness, assert_final

import nbtrace
from nbtrace._notebook.live import cell_end_message


def running(doc):
    return [s["name"] for s in doc["data"]["spans"] if s["end_time_unix_nano"] is None]


def status(span):
    return span["status"]["code"], span["status"]["message"]


# ---------------------------------------------------------------- (a) exceptions
def test_exception_through_nested_spans_ends_them_all_with_error():
    @nbtrace.trace(span_type="TOOL")
    def tool():
        with nbtrace.start_span("inner"):
            raise ValueError("bad input")

    @nbtrace.trace(span_type="AGENT")
    def agent():
        return tool()

    with pytest.raises(ValueError):
        agent()
    trace = nbtrace.get_last_trace()
    assert trace["info"]["state"] == "ERROR" and running(trace) == []
    assert [status(s) for s in trace["data"]["spans"]] == [
        ("STATUS_CODE_ERROR", "ValueError: bad input")] * 3


def test_keyboard_interrupt_through_spans_says_interrupted():
    @nbtrace.trace
    def slow_step():
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        with nbtrace.start_span("agent"):
            slow_step()
    trace = nbtrace.get_last_trace()
    assert running(trace) == []
    for span in trace["data"]["spans"]:
        assert status(span) == ("STATUS_CODE_ERROR",
                                "KeyboardInterrupt: interrupted while this span was running")


# ---------------------------------------------------------------- (b) root end
def test_never_ended_span_is_ended_with_error_when_the_root_ends():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with nbtrace.start_span("agent") as root:
            leaked = nbtrace.start_span("forgotten")  # started without `with`, never ended
            nested = nbtrace.start_span("forgotten-child", parent=leaked)
            with nbtrace.start_span("fine"):
                pass
        leaked.end()  # late end by hand: a no-op, no warning
    spans = spans_by_name(nbtrace.get_last_trace())
    assert nbtrace.get_last_trace()["info"]["state"] == "OK"
    assert status(spans["agent"]) == ("STATUS_CODE_OK", "")
    assert status(spans["fine"]) == ("STATUS_CODE_OK", "")
    for name in ("forgotten", "forgotten-child"):
        assert status(spans[name]) == ("STATUS_CODE_ERROR", "still running when the root span ended")
        assert spans[name]["end_time_unix_nano"] == root.end_time_ns
    assert nested.is_ended and spans["forgotten-child"]["parent_span_id"] == spans["forgotten"]["span_id"]


def test_when_the_root_fails_running_spans_say_so():
    with pytest.raises(ValueError):
        with nbtrace.start_span("agent"):
            nbtrace.start_span("forgotten")
            raise ValueError("boom")
    spans = spans_by_name(nbtrace.get_last_trace())
    assert status(spans["forgotten"]) == ("STATUS_CODE_ERROR",
                                          "ended when the root span failed: ValueError: boom")


@nbtrace.trace(span_type="LLM")
def stream_tokens(n):
    for i in range(n):
        yield f"tok{i}"


def test_abandoned_generator_span_is_ended_by_its_root():
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the generator's later close must not warn
        with nbtrace.start_span("agent"):
            gen = stream_tokens(5)
            assert next(gen) == "tok0"  # abandoned after one item (still referenced)
        span = spans_by_name(nbtrace.get_last_trace())["stream_tokens"]
        assert status(span) == ("STATUS_CODE_ERROR", "still running when the root span ended")
        gen.close()  # GeneratorExit → the wrapper's _finish: span already ended, untouched
    again = spans_by_name(nbtrace.get_last_trace())["stream_tokens"]
    assert again == span


def test_root_end_finalization_is_published_in_one_final_update():
    h = Harness(interval=0)
    root = h.span("agent")
    h.span("a", parent=root)
    h.span("b", parent=root)
    n = len(h.published)
    root.end()
    assert len(h.published) == n + 1  # the forced ends ride along with the final state
    assert_final(h.last)
    assert [s["status"]["code"] for s in h.last["data"]["spans"]] == [
        "STATUS_CODE_OK", "STATUS_CODE_ERROR", "STATUS_CODE_ERROR"]


# ---------------------------------------------------------------- (c) cell end
class Result:
    """Stands in for IPython's ExecutionResult."""

    def __init__(self, error_in_exec=None):
        self.error_in_exec = error_in_exec


@pytest.mark.parametrize("error, message", [
    (None, "the cell finished while this span was running (a trace ends with its cell: "
           "use `with` or call span.end() in the same cell)"),
    (KeyboardInterrupt(), "KeyboardInterrupt: the cell was interrupted while this span was running"),
    (ValueError("bad"), "the cell raised ValueError: bad while this span was running"),
])
def test_cell_end_finishes_a_never_ended_root(error, message):
    h = Harness(interval=0)  # every change is published: count them
    root = h.span("session")
    child = h.span("step", parent=root)
    h.span("done", parent=root).end()
    assert h.listener.open_traces() == [root._trace]
    before = len(h.published)
    h.listener.post_run_cell(Result(error))
    assert root.is_ended and child.is_ended
    assert len(h.published) == before + 1  # only the final state, no half-finished one
    assert h.updates[0] is False and h.updates.count(False) == 1
    doc = h.last
    assert_final(doc, state="ERROR")
    spans = {s["name"]: s for s in doc["data"]["spans"]}
    assert status(spans["session"]) == ("STATUS_CODE_ERROR", message)
    assert status(spans["step"]) == ("STATUS_CODE_ERROR", message)
    assert status(spans["done"]) == ("STATUS_CODE_OK", "")
    assert h.listener.open_traces() == []
    assert h.time.pending() == []


def test_cell_end_leaves_other_cells_traces_and_finished_ones_alone():
    h = Harness()
    other = h.span("from-cell-1")
    h.cell = "cell-2"
    mine = h.span("from-cell-2")
    finished = h.span("finished-in-cell-2")
    finished.end()
    published = len(h.published)
    h.listener.post_run_cell(Result())
    assert mine.is_ended and not other.is_ended
    assert finished.status == "OK"
    assert len(h.published) == published + 1
    other.end()
    assert other.status == "OK"


def test_cell_end_hook_never_raises():
    class Exploding:
        @property
        def error_in_exec(self):
            raise RuntimeError("broken result")

    h = Harness()
    h.span("session")
    with pytest.warns(nbtrace.NbtraceWarning, match="ending the traces of a finished cell"):
        h.listener.post_run_cell(Exploding())


def test_cell_end_hook_is_registered_once_with_the_shell():
    registered = []

    class Events:
        def register(self, event, fn):
            registered.append((event, fn))

    class Shell:
        events = Events()

    h = Harness()
    shell = Shell()
    h.listener._get_shell = lambda: shell
    for _ in range(3):
        h.span("t").end()
    assert registered == [("post_run_cell", h.listener.post_run_cell)]


def test_cell_end_message_never_raises():
    class Weird(Exception):
        def __str__(self):
            raise RuntimeError("no")

    assert cell_end_message(Weird()) == "the cell raised Weird: Weird() while this span was running"
    assert cell_end_message(RuntimeError()) == "the cell raised RuntimeError while this span was running"


def test_interrupt_during_the_final_publish_still_publishes_it():
    h = Harness(interval=0)
    real_publish = h.listener._publish
    calls = []

    def flaky(bundle, display_id=None, update=False):
        calls.append(bundle[nbtrace.MIME_TYPE]["info"]["state"])
        if bundle[nbtrace.MIME_TYPE]["info"]["state"] != "IN_PROGRESS" and len(calls) == 2:
            raise KeyboardInterrupt  # the user pressed interrupt right now
        real_publish(bundle, display_id=display_id, update=update)

    h.listener._publish = flaky
    root = h.span("agent")
    with pytest.raises(KeyboardInterrupt):
        root.end()
    assert calls == ["IN_PROGRESS", "OK", "OK"]
    assert h.updates == [False, True]
    assert_final(h.last)
