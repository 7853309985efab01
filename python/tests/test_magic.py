"""Notebook integration: the per-cell display cap, disable()/enable(), last_traces(),
the %%nbtrace / %nbtrace magics and %load_ext nbtrace.

Unit tests drive the display listener with a fake clock/scheduler/publisher and the
magics with a real (non-kernel) IPython shell; one real ipykernel (nbclient) runs a
notebook that exercises everything end to end.
"""
import asyncio
import json
import warnings

import pytest
from conftest import FIXTURES_ROOT, kernel_env

import nbtrace
from nbtrace import DisplayListener, NonRecordingSpan, Span, TraceCollector
from nbtrace._notebook.cells import LIST_INTERVAL, overflow_text
from nbtrace._notebook.list_bundle import LIST_MIME_TYPE as LIST_MIME

MIME = nbtrace.MIME_TYPE


@pytest.fixture(autouse=True)
def _restore_settings():
    """conftest restores the older settings; these are the new ones."""
    saved = nbtrace.configure()
    yield
    nbtrace.enable()
    nbtrace.configure(max_traces_per_cell=saved["max_traces_per_cell"])


# ---------------------------------------------------------------- fakes
class FakeTime:
    """A clock advanced by hand; timers fire (in due order) as it advances."""

    def __init__(self):
        self.now = 1_000.0
        self.timers = []

    def clock(self):
        return self.now

    def schedule(self, delay, fn):
        timer = Timer(self.now + delay, fn)
        self.timers.append(timer)
        return timer

    def advance(self, seconds):
        end = self.now + seconds
        while True:
            due = sorted((t for t in self.timers if not t.cancelled and t.due <= end),
                         key=lambda t: t.due)
            if not due:
                break
            self.timers.remove(due[0])
            self.now = due[0].due
            due[0].fn()
        self.now = end


class Timer:
    def __init__(self, due, fn):
        self.due, self.fn, self.cancelled = due, fn, False

    def cancel(self):
        self.cancelled = True


class Cells:
    """A private collector + display listener; publishes go to ``self.published``
    as ``(kind, payload, display_id, update)`` with kind "trace" or "text"."""

    def __init__(self, limit=10, live=True, keep=100, interval=0.1):
        self.time = FakeTime()
        self.cell = "cell-1"
        self.published = []
        self.lists = []  # the payloads of the cell's trace list, as sent
        self.listener = DisplayListener(
            live=live, update_interval=interval, publish=self._publish, clock=self.time.clock,
            schedule=self.time.schedule, in_kernel=lambda: True,
            kernel_parent=lambda: {"msg_id": self.cell, "msg_type": "execute_request"},
            get_shell=lambda: None)
        self.listener.max_traces_per_cell = limit
        self.collector = TraceCollector(max_finished_traces=keep)
        self.collector.add_listener(self.listener)

    def _publish(self, bundle, display_id=None, update=False):
        if MIME in bundle:
            self.published.append(("trace", bundle[MIME]["info"]["tags"]["mlflow.traceName"],
                                   display_id, update))
        else:
            assert set(bundle) == {LIST_MIME, "text/plain"}
            head = bundle["text/plain"].splitlines()[0]
            assert head.startswith("<") and head.endswith(">")
            self.published.append(("text", head[1:-1], display_id, update))
            self.lists.append(bundle[LIST_MIME])

    def traces(self, n, prefix="t"):
        for i in range(n):
            with self.collector.start_span(f"{prefix}{i}"):
                self.collector.start_span("child").end()

    def shown(self):
        """Names of the traces displayed (first display of each)."""
        return [p[1] for p in self.published if p[0] == "trace" and not p[3]]

    def texts(self):
        return [p for p in self.published if p[0] == "text"]

    def end_cell(self):
        self.listener.post_run_cell(None)


# ---------------------------------------------------------------- per-cell cap
def test_25_traces_in_a_cell_show_10_and_one_line_counting_the_rest():
    h = Cells()
    h.traces(25)
    assert h.shown() == [f"t{i}" for i in range(10)]
    # every shown trace got its final state, no hidden trace was ever published
    assert {p[1] for p in h.published if p[0] == "trace"} == {f"t{i}" for i in range(10)}
    texts = h.texts()
    assert texts[0][1:] == ("1 more trace in the trace list — see nbtrace.last_traces()", texts[0][2], False)
    assert len({t[2] for t in texts}) == 1 and texts[0][2].startswith("nbtrace-more-")
    assert len(texts) == 1  # the rest came within the throttle interval
    h.end_cell()  # the final count is published when the cell ends, in place
    assert h.texts()[-1][1:] == ("15 more traces in the trace list — see nbtrace.last_traces()",
                                 texts[0][2], True)
    assert len(h.texts()) == 2
    assert h.listener.cell_counts("cell-1") == (10, 15)
    assert [t.name for t in h.collector.finished_traces()][-15:] == [f"t{i}" for i in range(10, 25)]
    h.time.advance(1)  # the cancelled trailing timer publishes nothing more
    assert len(h.texts()) == 2


def test_the_cell_list_stays_bounded_and_keeps_summaries_past_its_budget(monkeypatch):
    from nbtrace._notebook import list_bundle

    monkeypatch.setattr(list_bundle, "FULL_BYTES", 6_000)
    h = Cells(limit=1)
    h.traces(40)
    h.end_cell()
    body = h.lists[-1]
    whole, summaries = body["traces"], body["summaries"]
    assert 2 <= len(whole) < 10 and len(whole) + len(summaries) == 40
    assert [d["info"]["tags"]["mlflow.traceName"] for d in whole + summaries] == [f"t{i}" for i in range(40)]
    assert all("data" not in s and s["summary"]["spans"] == 2 for s in summaries)  # the root and its child
    assert len(json.dumps(body)) < 6_000 + 40 * 1_500


def test_the_line_is_updated_in_place_at_most_once_per_interval():
    h = Cells(limit=1)
    h.traces(2)
    assert [t[1] for t in h.texts()] == ["1 more trace in the trace list — see nbtrace.last_traces()"]
    h.time.advance(LIST_INTERVAL / 2)
    h.traces(3, prefix="u")  # inside the interval: one trailing update is armed
    assert len(h.texts()) == 1
    h.time.advance(LIST_INTERVAL / 2 + 0.01)
    assert [t[1][:20] for t in h.texts()] == ["1 more trace in the ", "4 more traces in the"]
    assert [t[3] for t in h.texts()] == [False, True]
    h.end_cell()  # nothing changed since: nothing sent
    assert len(h.texts()) == 2


def test_each_cell_has_its_own_count_and_line():
    h = Cells(limit=2)
    h.traces(3)
    h.end_cell()
    h.cell = "cell-2"
    h.traces(4, prefix="c2-")
    h.end_cell()
    assert h.shown() == ["t0", "t1", "c2-0", "c2-1"]
    final = {}  # display_id → its last text
    for _, text, display_id, _ in h.texts():
        final[display_id] = text
    assert [t.split(" —")[0] for t in final.values()] == ["1 more trace in the trace list",
                                                          "2 more traces in the trace list"]
    assert h.listener.cell_counts("cell-1") == (2, 1)
    assert h.listener.cell_counts("cell-2") == (2, 2)


def test_the_line_says_when_last_traces_does_not_keep_them_all():
    h = Cells(limit=1, keep=3)
    h.traces(6)
    h.end_cell()
    assert h.texts()[-1][1] == ("5 more traces in the trace list — see nbtrace.last_traces() (it keeps "
                                "only the last 3 traces: nbtrace.configure(max_traces=N) keeps more)")
    assert overflow_text(3, 3) == "3 more traces in the trace list — see nbtrace.last_traces()"


def test_no_limit_zero_limit_and_live_off():
    h = Cells(limit=None)
    h.traces(12)
    assert len(h.shown()) == 12 and h.texts() == []
    h = Cells(limit=0)
    h.traces(2)
    h.end_cell()
    assert h.shown() == [] and h.texts()[-1][1].startswith("2 more traces in the trace list")
    h = Cells(limit=2, live=False)  # displayed once, at the end: the cap still holds
    h.traces(3)
    h.end_cell()
    assert [p[3] for p in h.published if p[0] == "trace"] == [False, False]
    assert h.shown() == ["t0", "t1"] and h.texts()[-1][1].startswith("1 more trace in the trace list")


def test_traces_nested_in_one_root_count_once():
    h = Cells(limit=1)
    with h.collector.start_span("agent") as root:
        for i in range(30):
            h.collector.start_span(f"step{i}", parent=root).end()
    assert h.shown() == ["agent"] and h.texts() == []


def test_a_hidden_trace_left_running_is_still_finished_by_its_cell():
    h = Cells(limit=1)
    h.traces(1)
    hidden = h.collector.start_span("never-ended")
    h.end_cell()
    assert hidden.is_ended and hidden.status == "ERROR"
    assert h.shown() == ["t0"] and h.texts()[-1][1].startswith("1 more trace in the trace list")


def test_configure_max_traces_per_cell():
    assert nbtrace.configure()["max_traces_per_cell"] == 10
    assert nbtrace.configure()["max_traces"] == 100  # enough to hold what a cell hides
    assert nbtrace.configure(max_traces_per_cell=3)["max_traces_per_cell"] == 3
    assert nbtrace.configure(max_traces_per_cell=0)["max_traces_per_cell"] == 0
    for bad in (-1, 2.5, True, "x"):
        with pytest.raises(ValueError):
            nbtrace.configure(max_traces_per_cell=bad, display=False)
    assert nbtrace.configure()["display"] is True  # a rejected call changes nothing


def test_the_process_display_listener_caps_cells(displayed, monkeypatch):
    from nbtrace._notebook import kernel

    monkeypatch.setattr(kernel, "kernel_parent", lambda: {"msg_id": "cell-x"})
    nbtrace.configure(max_traces_per_cell=2, live=False)
    for i in range(5):
        with nbtrace.start_span(f"t{i}"):
            pass
    nbtrace._display_listener.post_run_cell(None)
    traces = [b for b, _, _ in displayed if MIME in b]
    lists = [b for b, _, _ in displayed if MIME not in b]
    assert [t[MIME]["info"]["tags"]["mlflow.traceName"] for t in traces] == ["t0", "t1"]
    head, *rows = lists[-1]["text/plain"].splitlines()
    assert head == "<3 more traces in the trace list — see nbtrace.last_traces()>"
    assert [r.split(" · ")[:2] for r in rows] == [[f"  t{i}", "1 spans"] for i in range(5)]
    listed = lists[-1][LIST_MIME]
    assert [d["info"]["tags"]["mlflow.traceName"] for d in listed["traces"]] == ["t0", "t1", "t2", "t3", "t4"]
    assert listed["title"] == "All 5 traces of this cell (2 also shown above)"
    assert [t["info"]["tags"]["mlflow.traceName"] for t in nbtrace.last_traces(3)] == ["t2", "t3", "t4"]


# ---------------------------------------------------------------- last_traces
def test_last_traces_newest_last_and_n():
    assert nbtrace.last_traces() == []
    for i in range(4):
        with nbtrace.start_span(f"t{i}"):
            pass
    names = lambda docs: [d["info"]["tags"]["mlflow.traceName"] for d in docs]  # noqa: E731
    assert names(nbtrace.last_traces()) == ["t0", "t1", "t2", "t3"]
    assert names(nbtrace.last_traces(2)) == ["t2", "t3"]
    assert names(nbtrace.last_traces(10)) == ["t0", "t1", "t2", "t3"]
    assert nbtrace.last_traces(0) == []
    assert nbtrace.last_traces(1)[0] == nbtrace.get_last_trace()
    for bad in (-1, 1.5, True):
        with pytest.raises(ValueError):
            nbtrace.last_traces(bad)
    docs = nbtrace.last_traces()
    docs[0]["info"]["state"] = "changed"  # fresh copies: the caller may change them
    assert nbtrace.last_traces()[0]["info"]["state"] == "OK"


# ---------------------------------------------------------------- disable / enable
class Counting:
    def __init__(self):
        self.calls = []

    def on_span_start(self, span):
        self.calls.append(("start", span.name))

    def on_span_end(self, span):
        self.calls.append(("end", span.name))


def test_disable_runs_decorated_functions_untraced():
    counting = Counting()
    nbtrace.get_collector().add_listener(counting)

    @nbtrace.trace
    def double(x):
        assert nbtrace.is_enabled() or nbtrace.get_current_span() is None
        return x * 2

    @nbtrace.trace
    def gen(n):
        yield from range(n)

    @nbtrace.trace
    async def coro(x):
        return x + 1

    @nbtrace.trace
    async def agen(n):
        for i in range(n):
            yield i

    async def collect():
        return [i async for i in agen(3)]

    nbtrace.disable()
    assert nbtrace.is_enabled() is False and nbtrace.configure()["tracing"] is False
    assert double(21) == 42
    assert list(gen(3)) == [0, 1, 2]
    assert asyncio.run(coro(1)) == 2
    assert asyncio.run(collect()) == [0, 1, 2]
    with pytest.raises(ZeroDivisionError):
        nbtrace.trace(lambda: 1 / 0)()
    assert counting.calls == [] and nbtrace.last_traces() == []
    assert nbtrace.get_collector().active_traces() == []
    nbtrace.enable()
    assert double(1) == 2
    assert counting.calls == [("start", "double"), ("end", "double")]


def test_start_span_while_disabled_is_a_working_no_op():
    nbtrace.disable()
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no method may warn or raise
        with nbtrace.start_span("agent", span_type="AGENT") as span:
            assert isinstance(span, NonRecordingSpan) and span.is_recording is False
            assert nbtrace.get_current_span() is None
            assert span.name == "agent" and span.span_type == "AGENT"
            for name in dir(Span):
                if not name.startswith("_") and callable(getattr(Span, name)):
                    assert getattr(span, name)() is None, name  # any arguments accepted
            span.set_inputs({"q": 1})
            span.set_token_usage(input_tokens=1, output_tokens=2)
            span.add_event("e", {"k": 1}, timestamp_ns=5)
            span.set_status("ERROR", "x")
            span.record_exception(ValueError("v"))
            span.end(end_time_ns=10)
            child = nbtrace.start_span("child", parent=span)
            child.end()
        with pytest.raises(KeyError):  # the user's exception is never swallowed
            with nbtrace.start_span("s"):
                raise KeyError("k")
    with pytest.raises(AttributeError):
        span.no_such_method  # noqa: B018
    assert span.status == "UNSET" and span.is_ended is False and span.parent is None
    assert nbtrace.last_traces() == []
    nbtrace.enable()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        # a span started while tracing was off is no parent: a new trace starts, quietly
        nbtrace.start_span("after", parent=span).end()
    assert [d["info"]["tags"]["mlflow.traceName"] for d in nbtrace.last_traces()] == ["after"]


def test_spans_running_when_tracing_is_disabled_finish_normally():
    with nbtrace.start_span("outer") as outer:
        nbtrace.disable()
        nbtrace.trace(lambda: 1)()  # untraced
        inner = nbtrace.start_span("inner")
        outer.set_outputs("done")
    nbtrace.enable()
    assert isinstance(inner, NonRecordingSpan)
    doc = nbtrace.get_last_trace()
    assert [s["name"] for s in doc["data"]["spans"]] == ["outer"]
    assert doc["info"]["state"] == "OK"


def test_disabled_tracing_shows_nothing(displayed):
    nbtrace.disable()
    with nbtrace.start_span("a"):
        nbtrace.trace(lambda: 1)()
    assert displayed == []


# ---------------------------------------------------------------- magics (no kernel)
def test_parse_cell_args():
    from nbtrace._notebook.magic import parse_cell_args

    assert parse_cell_args("") == ("cell", "UNKNOWN")
    assert parse_cell_args("agent --type agent") == ("agent", "AGENT")
    assert parse_cell_args("'my agent' -t TOOL") == ("my agent", "TOOL")
    assert parse_cell_args("--type=RETRIEVER rag step") == ("rag step", "RETRIEVER")
    from IPython.core.error import UsageError

    for bad in ("--type", "--bogus", "x --type ''", "'unclosed"):
        with pytest.raises(UsageError, match="usage: %%nbtrace"):
            parse_cell_args(bad)


def test_semicolon_and_top_level_await_detection():
    import ast

    from nbtrace._notebook.magic import _has_top_level_await, ends_with_semicolon

    assert ends_with_semicolon("x = 1\nx;  # quiet\n")
    assert not ends_with_semicolon("x = ';'\nx\n") and not ends_with_semicolon("")
    assert not ends_with_semicolon("(unclosed")
    assert _has_top_level_await(ast.parse("await f()"))
    assert _has_top_level_await(ast.parse("async for x in y: pass"))
    assert _has_top_level_await(ast.parse("[x async for x in y]"))
    assert not _has_top_level_await(ast.parse("async def f():\n    await g()\nf"))


@pytest.fixture
def shell():
    """A real (terminal-less) IPython shell, without a kernel."""
    from IPython.core.interactiveshell import InteractiveShell

    ip = InteractiveShell.instance()
    yield ip
    ip.extension_manager.unload_extension("nbtrace")
    InteractiveShell.clear_instance()  # later tests must not see an IPython shell


def test_load_ext_registers_magics_and_the_hook_once(shell):
    listener = nbtrace._display_listener
    shell.run_line_magic("load_ext", "nbtrace")
    shell.run_line_magic("load_ext", "nbtrace")
    nbtrace.load_ipython_extension(shell)  # idempotent, also called directly
    assert shell.events.callbacks["post_run_cell"].count(listener.post_run_cell) == 1
    assert "nbtrace" in shell.magics_manager.magics["cell"]
    assert "nbtrace" in shell.magics_manager.magics["line"]
    assert [x for x in nbtrace.get_collector().listeners if isinstance(x, DisplayListener)] == [listener]
    shell.run_line_magic("unload_ext", "nbtrace")
    assert "nbtrace" not in shell.magics_manager.magics["cell"]
    assert shell.events.callbacks["post_run_cell"].count(listener.post_run_cell) == 1  # stays


def test_cell_magic_in_a_plain_shell(shell, capsys):
    shell.run_line_magic("load_ext", "nbtrace")
    shell.user_ns["nbtrace"] = nbtrace
    shell.run_cell("@nbtrace.trace(span_type='TOOL')\ndef tool(x):\n    return x + 1\n")
    result = shell.run_cell("%%nbtrace plan --type chain\ny = tool(1)\ny * 10\n")
    assert result.success and result.result == 20
    doc = nbtrace.get_last_trace()
    spans = doc["data"]["spans"]
    assert [(s["name"], json.loads(s["attributes"]["mlflow.spanType"])) for s in spans] == [
        ("plan", "CHAIN"), ("tool", "TOOL")]
    assert spans[1]["parent_span_id"] == spans[0]["span_id"]
    assert json.loads(spans[0]["attributes"]["mlflow.spanOutputs"]) == 20
    assert json.loads(spans[0]["attributes"]["mlflow.spanInputs"]) == {"cell": "y = tool(1)\ny * 10\n"}
    capsys.readouterr()
    shell.run_line_magic("nbtrace", "off")
    assert nbtrace.is_enabled() is False and "tracing off" in capsys.readouterr().out
    shell.run_line_magic("nbtrace", "on")
    out = capsys.readouterr().out
    assert nbtrace.is_enabled() and out.startswith(f"nbtrace {nbtrace.__version__}: tracing on")
    assert "at most 10 per cell" in out


# ---------------------------------------------------------------- in a real kernel
nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")

CELLS = [
    # 0: load the extension; traced helpers
    """\
%load_ext nbtrace
import nbtrace

@nbtrace.trace(span_type="TOOL")
def tool(x):
    if x < 0:
        raise ValueError(f"negative input {x}")
    return x * 2

@nbtrace.trace(span_type="AGENT")
def agent(x):
    return tool(x) + tool(x + 1)
""",
    # 1: a loop making 25 traces → 10 trace outputs + one line for the other 15
    "for i in range(25):\n    agent(i)\n",
    # 2: the line's promise holds: the 15 are in last_traces()
    "print([t['data']['spans'][0]['attributes']['mlflow.spanInputs'] for t in nbtrace.last_traces(15)])",
    # 3: %%nbtrace: one trace with the cell's spans nested under the cell's root
    "%%nbtrace pipeline --type AGENT\na = agent(1)\nb = tool(a)\na + b\n",
    # 4: %%nbtrace whose cell raises: the user's error, the trace is ERROR
    "%%nbtrace\nx = agent(2)\ntool(-x)\nprint('not reached')\n",
    # 5: disable(): no trace, no output but the result
    "nbtrace.disable()\nwith nbtrace.start_span('off') as s:\n    s.set_inputs(1)\n    r = agent(5)\nr",
    # 6: %nbtrace on, then traced again; a trailing ';' hides the cell's result
    "%nbtrace on\n",
    "%%nbtrace again\nagent(0);\n",
    # 8: loading the extension again / reloading it: still exactly one display per trace
    "%load_ext nbtrace\n%reload_ext nbtrace\nagent(7)\n",
    # 9: show() of MLflow-shaped objects, a list of them and their JSON
    f"""\
import json

class Info:
    def __init__(self, d): self._d = d
    def to_dict(self): return self._d

class Trace:
    def __init__(self, d): self.info, self.data = Info(d["info"]), Info(d["data"])
    def to_dict(self): return {{"info": self.info.to_dict(), "data": self.data.to_dict()}}
    def to_json(self): return json.dumps(self.to_dict())

doc = json.load(open({str(FIXTURES_ROOT / "mlflow" / "v3-trace__qa-chain-3spans-assessment-tokenusage__js-test-utils.json")!r}))
t = Trace(doc)
nbtrace.show(t)
nbtrace.show([t, Trace(doc)])
nbtrace.show(t.to_json())
""",
]


def _displays(outputs, mime=MIME):
    return [o for o in outputs if o["output_type"] == "display_data" and mime in o["data"]]


def _doc(output):
    doc = output["data"][MIME]
    return json.loads(doc) if isinstance(doc, str) else doc


@pytest.fixture(scope="module")
def executed(tmp_path_factory):
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(src) for src in CELLS]
    env = kernel_env()
    client = nbclient.NotebookClient(
        nb, kernel_name="python3", timeout=120, allow_errors=True,
        resources={"metadata": {"path": str(tmp_path_factory.mktemp("nb"))}})
    client.execute(env=env)
    return nb


def test_kernel_loop_of_25_traces_shows_10_and_one_line(executed):
    outputs = executed.cells[1].outputs
    traces = _displays(outputs)
    assert len(traces) == 10
    assert all(_doc(o)["info"]["state"] == "OK" for o in traces)
    assert [json.loads(_doc(o)["data"]["spans"][0]["attributes"]["mlflow.spanInputs"])
            for o in traces] == [{"x": i} for i in range(10)]
    lines = [o for o in outputs if MIME not in o.get("data", {})]
    assert len(lines) == 1 and lines[0]["output_type"] == "display_data"
    assert lines[0]["data"]["text/plain"].startswith("<15 more traces in the trace list — see nbtrace.last_traces()>\n")
    listed = lines[0]["data"][LIST_MIME]
    assert [json.loads(d["data"]["spans"][0]["attributes"]["mlflow.spanInputs"])
            for d in listed["traces"]] == [{"x": i} for i in range(25)]
    assert all(d["info"]["state"] == "OK" for d in listed["traces"])  # the final states
    assert len(outputs) == 11
    kept = executed.cells[2].outputs[0]["text"]
    assert kept.strip() == str([json.dumps({"x": i}) for i in range(10, 25)])


def test_kernel_cell_magic_makes_one_trace_with_the_cell_tree(executed):
    outputs = executed.cells[3].outputs
    assert [o["output_type"] for o in outputs] == ["display_data", "execute_result"]
    assert outputs[1]["data"]["text/plain"] == "18"  # a = 2 + 4 = 6, b = 12
    doc = _doc(outputs[0])
    spans = doc["data"]["spans"]
    by_id = {s["span_id"]: s["name"] for s in spans}
    tree = [(s["name"], by_id.get(s["parent_span_id"])) for s in spans]
    assert tree == [("pipeline", None), ("agent", "pipeline"), ("tool", "agent"), ("tool", "agent"),
                    ("tool", "pipeline")]
    assert json.loads(spans[0]["attributes"]["mlflow.spanType"]) == "AGENT"
    assert doc["info"]["state"] == "OK"
    assert outputs[0]["data"]["text/plain"].startswith("<nbtrace trace 'pipeline' · 5 spans · ")


def test_kernel_cell_magic_error_is_the_users_and_the_trace_failed(executed):
    outputs = executed.cells[4].outputs
    assert [o["output_type"] for o in outputs] == ["display_data", "error"]
    error = outputs[1]
    assert (error["ename"], error["evalue"]) == ("ValueError", "negative input -10")
    text = "\n".join(error["traceback"])
    assert "tool(-x)" in text and "_magic.py" not in text  # nbtrace's frames are hidden
    doc = _doc(outputs[0])
    assert doc["info"]["state"] == "ERROR"
    root = doc["data"]["spans"][0]
    assert root["name"] == "cell"
    assert root["status"] == {"code": "STATUS_CODE_ERROR", "message": "ValueError: negative input -10"}
    assert root["events"][0]["attributes"]["exception.type"] == "ValueError"
    assert [s["name"] for s in doc["data"]["spans"]] == ["cell", "agent", "tool", "tool", "tool"]


def test_kernel_disable_and_magic_on(executed):
    outputs = executed.cells[5].outputs
    assert [o["output_type"] for o in outputs] == ["execute_result"]
    assert outputs[0]["data"]["text/plain"] == "22"
    status = executed.cells[6].outputs
    assert status[0]["text"].startswith("nbtrace ") and "tracing on" in status[0]["text"]
    outputs = executed.cells[7].outputs
    assert [o["output_type"] for o in outputs] == ["display_data"]  # ';': no result shown
    assert [s["name"] for s in _doc(outputs[0])["data"]["spans"]] == ["again", "agent", "tool", "tool"]


def test_kernel_reload_ext_never_displays_twice(executed):
    outputs = executed.cells[8].outputs
    assert [o["output_type"] for o in outputs] == ["stream", "display_data", "execute_result"]
    assert outputs[0]["text"].startswith("The nbtrace extension is already loaded")  # IPython's
    assert _doc(outputs[1])["data"]["spans"][0]["name"] == "agent"


def test_kernel_show_mlflow_objects_lists_and_json(executed):
    outputs = executed.cells[9].outputs
    assert [o["output_type"] for o in outputs] == ["display_data"] * 3
    fixture = json.loads((FIXTURES_ROOT / "mlflow" /
                              "v3-trace__qa-chain-3spans-assessment-tokenusage__js-test-utils.json")
                         .read_text())
    assert _doc(outputs[0]) == fixture
    assert _doc(outputs[1]) == [fixture, fixture]
    assert outputs[1]["data"]["text/plain"] == "<nbtrace 2 traces · 6 spans>"
    assert _doc(outputs[2]) == fixture
