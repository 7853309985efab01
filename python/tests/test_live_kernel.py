"""Live display in a real ipykernel, read from the raw iopub messages (jupyter_client):
one display_data, then update_display_data with the same display_id, all sent for
the running cell's execute_request (even from the timer thread); interrupts and
errors leave no span running."""
import time
from pathlib import Path

import pytest
from conftest import kernel_env

jupyter_client = pytest.importorskip("jupyter_client")
pytest.importorskip("ipykernel")
from jupyter_client.manager import start_new_kernel  # noqa: E402

MIME = "application/vnd.nbtrace.trace+json"
SRC = Path(__file__).resolve().parents[1]  # python/ — the kernel imports nbtrace from here
NBTRACE_MSGS = ("display_data", "update_display_data")


@pytest.fixture(scope="module")
def kernel():
    env = kernel_env()
    km, kc = start_new_kernel(kernel_name="python3", env=env)
    try:
        run = Runner(km, kc)
        setup = run("import time, nbtrace\nprint(nbtrace.__file__)")
        assert setup.stdout.strip() == str(SRC / "nbtrace" / "__init__.py")
        yield run
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)


class Execution:
    def __init__(self, msg_id):
        self.msg_id = msg_id
        self.mine = []  # iopub messages whose parent is this execute_request
        self.foreign = []  # nbtrace messages sent for any other request meanwhile

    @property
    def traces(self):
        """(msg_type, display_id, trace doc) of our MIME messages for this cell."""
        return [(m["msg_type"], m["content"]["transient"].get("display_id"), m["content"]["data"][MIME])
                for m in self.mine if m["msg_type"] in NBTRACE_MSGS and MIME in m["content"]["data"]]

    @property
    def stdout(self):
        return "".join(m["content"]["text"] for m in self.mine if m["msg_type"] == "stream")

    @property
    def errors(self):
        return [m["content"]["ename"] for m in self.mine if m["msg_type"] == "error"]


class Runner:
    def __init__(self, km, kc):
        self.km, self.kc = km, kc

    def __call__(self, code, interrupt_after=None, timeout=30):
        """Execute ``code``; collect iopub messages until the kernel is idle again.
        ``interrupt_after``: seconds after the trace's first display to interrupt."""
        ex = Execution(self.kc.execute(code))
        interrupt_at = None
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if interrupt_at is not None and time.monotonic() >= interrupt_at:
                self.km.interrupt_kernel()
                interrupt_at = None
            try:
                msg = self.kc.get_iopub_msg(timeout=0.05)
            except Exception:  # queue.Empty
                continue
            if msg["parent_header"].get("msg_id") != ex.msg_id:
                if msg["msg_type"] in NBTRACE_MSGS:
                    ex.foreign.append(msg)
                continue
            ex.mine.append(msg)
            if interrupt_after is not None and msg["msg_type"] == "display_data" and interrupt_at is None:
                interrupt_at = time.monotonic() + interrupt_after
                interrupt_after = None
            if msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
                return ex
        raise TimeoutError(f"cell did not finish: {code!r}")


def running(doc):
    return [s["name"] for s in doc["data"]["spans"] if s["end_time_unix_nano"] is None]


def statuses(doc):
    return {s["name"]: (s["status"]["code"], s["status"]["message"]) for s in doc["data"]["spans"]}


SLOW_AGENT = """\
@nbtrace.trace(span_type="TOOL")
def step(i):
    time.sleep(0.1)
    return i

@nbtrace.trace(span_type="AGENT")
def agent(n):
    for i in range(n):
        step(i)
        time.sleep(0.05)
    return n

agent(6)
"""


def test_live_trace_is_displayed_once_then_updated_in_place(kernel):
    started = time.monotonic()
    ex = kernel(SLOW_AGENT)
    elapsed = time.monotonic() - started
    assert ex.errors == [] and ex.foreign == []
    traces = ex.traces
    kinds = [kind for kind, _, _ in traces]
    assert kinds[0] == "display_data" and kinds.count("display_data") == 1
    assert kinds.count("update_display_data") >= 4  # it grew while the cell ran
    assert len({display_id for _, display_id, _ in traces}) == 1
    assert traces[0][1].startswith("nbtrace-")
    first, last = traces[0][2], traces[-1][2]
    assert first["info"]["state"] == "IN_PROGRESS" and running(first) == ["agent"]
    assert first["data"]["spans"][0]["status"]["code"] == "STATUS_CODE_UNSET"
    counts = [len(doc["data"]["spans"]) for _, _, doc in traces]
    assert counts == sorted(counts) and counts[-1] == 7
    assert any(doc["info"]["state"] == "IN_PROGRESS" and 1 < len(doc["data"]["spans"]) < 7
               for _, _, doc in traces)  # intermediate states were shown
    assert last["info"]["state"] == "OK" and running(last) == []
    # throttled: at most one update per 0.1 s (+ the first display and the final state)
    assert len(traces) <= elapsed / 0.1 + 2


def test_updates_reach_the_cell_even_when_the_kernel_switches_parent(kernel):
    # While the trace runs, make the display publisher's kernel-wide parent another
    # request (as a comm message handled during an `await` does): updates from the
    # main thread and from the timer thread must still be sent for this cell.
    ex = kernel("""\
pub = get_ipython().display_pub
cell_parent = pub.parent_header
decoy = {"msg_id": "decoy-request", "msg_type": "comm_msg", "session": "x", "username": "x",
         "date": "", "version": "5.3"}
with nbtrace.start_span("agent") as root:
    pub.set_parent(decoy)
    for i in range(4):
        with nbtrace.start_span(f"step-{i}"):
            time.sleep(0.06)
    nbtrace.start_span("late").end()
    time.sleep(0.25)  # quiet: only the timer thread can send the trailing update
    pub.set_parent(cell_parent)
""")
    assert ex.errors == [] and ex.foreign == []
    traces = ex.traces
    assert [kind for kind, _, _ in traces].count("display_data") == 1
    assert len(traces) >= 4
    # the trailing update for "late" came from the timer thread during the quiet period
    assert any(doc["info"]["state"] == "IN_PROGRESS" and "late" in statuses(doc)
               for _, _, doc in traces)
    assert traces[-1][2]["info"]["state"] == "OK"


def test_interrupt_ends_running_spans_with_error(kernel):
    ex = kernel("""\
@nbtrace.trace(span_type="LLM")
def call_model():
    time.sleep(30)

with nbtrace.start_span("agent", span_type="AGENT"):
    forgotten = nbtrace.start_span("forgotten")  # never ended by hand
    call_model()
""", interrupt_after=0.3)
    assert ex.errors == ["KeyboardInterrupt"]
    last = ex.traces[-1][2]
    assert running(last) == [] and last["info"]["state"] == "ERROR"
    interrupted = ("STATUS_CODE_ERROR", "KeyboardInterrupt: interrupted while this span was running")
    assert statuses(last) == {
        "agent": interrupted,
        "call_model": interrupted,
        "forgotten": ("STATUS_CODE_ERROR", "ended when the root span failed: KeyboardInterrupt: "
                                           "interrupted while this span was running"),
    }
    assert [kind for kind, _, _ in ex.traces].count("display_data") == 1


def test_interrupt_finishes_a_never_ended_manual_root(kernel):
    ex = kernel("""\
root = nbtrace.start_span("session", span_type="AGENT")
step = nbtrace.start_span("step", parent=root)
time.sleep(30)
""", interrupt_after=0.3)
    assert ex.errors == ["KeyboardInterrupt"]
    first, last = ex.traces[0][2], ex.traces[-1][2]
    assert first["info"]["state"] == "IN_PROGRESS"
    assert running(last) == [] and last["info"]["state"] == "ERROR"
    why = ("STATUS_CODE_ERROR", "KeyboardInterrupt: the cell was interrupted while this span was running")
    assert statuses(last) == {"session": why, "step": why}
    # the cell's post_run_cell hook ended them: the spans really are ended in the kernel
    check = kernel("print(root.is_ended, step.is_ended, root.status)")
    assert check.stdout.split() == ["True", "True", "ERROR"]


def test_cell_that_raises_or_finishes_with_an_open_root(kernel):
    ex = kernel('root = nbtrace.start_span("session")\nraise ValueError("bad row 7")')
    assert ex.errors == ["ValueError"]
    assert statuses(ex.traces[-1][2]) == {
        "session": ("STATUS_CODE_ERROR", "the cell raised ValueError: bad row 7 while this span was running")}
    ex = kernel('root = nbtrace.start_span("session")\nraise KeyboardInterrupt')
    assert statuses(ex.traces[-1][2])["session"][1] == (
        "KeyboardInterrupt: the cell was interrupted while this span was running")
    ex = kernel('root = nbtrace.start_span("session")')
    last = ex.traces[-1][2]
    assert running(last) == [] and statuses(last)["session"][1].startswith(
        "the cell finished while this span was running")


def test_nothing_is_published_after_the_cell_ends(kernel):
    kernel(SLOW_AGENT.replace("agent(6)", "agent(2)"))
    ex = kernel("time.sleep(0.3)\n1 + 1")  # any late timer would publish now
    assert ex.traces == [] and ex.foreign == []
