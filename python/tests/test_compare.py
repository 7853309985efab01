"""nbtrace.compare: one output comparing two traces (bundle, summary, inputs, kernel)."""
import json

import pytest
from conftest import kernel_env

import nbtrace
from nbtrace.compare import COMPARE_MIME_TYPE, align_counts, compare, compare_bundle



@nbtrace.trace(span_type="TOOL", name="tool:search")
def search(q):
    return q


@nbtrace.trace(span_type="AGENT")
def agent(n_calls, fail=False):
    for i in range(n_calls):
        search(i)
    if fail:
        raise RuntimeError("gave up")
    return "done"


def run(n_calls, name="agent"):
    with nbtrace.start_span(name, span_type="AGENT"):
        for i in range(n_calls):
            search(i)
    return nbtrace.get_last_trace()


def otlp(names_and_parents):
    """A small OTLP document: [(span id, parent id, name, start ms, end ms)]."""
    base = 1_700_000_000_000_000_000
    spans = [{"traceId": "5b8efff798038103d269b633813fc60c", "spanId": sid, "parentSpanId": parent,
              "name": name, "startTimeUnixNano": str(base + start * 1_000_000),
              "endTimeUnixNano": str(base + end * 1_000_000), "status": {"code": 1}}
             for sid, parent, name, start, end in names_and_parents]
    return {"resourceSpans": [{"scopeSpans": [{"spans": spans}]}]}


def test_outside_a_kernel_it_returns_the_bundle_with_both_documents():
    nbtrace.configure(display=False)
    a, b = run(3), run(5)
    bundle = compare(a, b)
    assert set(bundle) == {COMPARE_MIME_TYPE, "text/plain"}
    payload = bundle[COMPARE_MIME_TYPE]
    assert payload == {"version": 1, "names": ["A", "B"], "traces": [a, b]}
    json.dumps(bundle, allow_nan=False)
    text = bundle["text/plain"]
    assert text.startswith("compare A 'agent' (4 spans, ")
    assert " vs B 'agent' (6 spans, " in text
    assert "4 matched, 2 added, 0 removed" in text


def test_in_a_kernel_it_displays_one_output_and_returns_none(displayed):
    nbtrace.configure(display=False)
    a, b = run(2), run(1)
    assert compare(a, b, names=("before", "after")) is None
    (bundle, display_id, update), = displayed
    assert bundle[COMPARE_MIME_TYPE]["names"] == ["before", "after"]
    assert "compare before 'agent' (3 spans" in bundle["text/plain"]
    assert "2 matched, 0 added, 1 removed" in bundle["text/plain"]


def test_reads_records_mlflow_objects_json_text_and_otlp():
    nbtrace.configure(display=False)
    a = run(1)
    record = nbtrace.get_collector().last_finished_trace()

    class FakeMlflowTrace:
        def to_dict(self):
            return a

    doc = otlp([("00000000000000a1", "", "agent", 0, 100),
                ("00000000000000a2", "00000000000000a1", "tool:search", 10, 20),
                ("00000000000000a3", "00000000000000a1", "llm", 30, 90)])
    bundle = compare(record, FakeMlflowTrace())
    assert bundle[COMPARE_MIME_TYPE]["traces"] == [a, a]
    assert "2 matched, 0 added, 0 removed" in bundle["text/plain"]
    bundle = compare(json.dumps(a), doc)
    assert bundle[COMPARE_MIME_TYPE]["traces"][1] == doc
    assert bundle["text/plain"].endswith(": 2 matched, 1 added, 0 removed; +100 ms in B")
    assert " vs B 'agent' (3 spans, 100 ms)" in bundle["text/plain"]


def test_one_argument_holding_exactly_two_traces():
    nbtrace.configure(display=False)
    run(1)
    run(2)
    bundle = compare(nbtrace.last_traces(2))
    first, second = nbtrace.last_traces(2)
    assert bundle[COMPARE_MIME_TYPE]["traces"] == [first, second]
    with pytest.raises(ValueError, match="exactly two traces .* got 3"):
        compare([first, second, first])


@pytest.mark.parametrize("args, kwargs, error, message", [
    (({"x": 1}, None), {}, ValueError, r"^nbtrace.compare: this dict is not a trace"),
    ((42, None), {}, TypeError, r"^nbtrace.compare: expected an MLflow trace"),
    (("A", "B"), {"names": "AB"}, TypeError, r"names must be a pair"),
    (("A", "B"), {"names": ("only",)}, ValueError, r"names must be two non-empty labels"),
])
def test_invalid_input_raises_with_a_message(args, kwargs, error, message):
    nbtrace.configure(display=False)
    doc = run(1)
    a, b = (doc if x == "A" else x for x in args)
    with pytest.raises(error, match=message):
        compare(a, b, **kwargs) if b is not None else compare(a, **kwargs)


def test_a_list_of_several_is_not_one_side():
    nbtrace.configure(display=False)
    doc = run(1)
    with pytest.raises(ValueError, match="a must be one trace; got 2"):
        compare([doc, doc], doc)


def test_alignment_rule_by_hand():
    # A: agent > [plan > llm, search, search]   B: agent_v2 > [planner > llm, search, search, search]
    a = otlp([("01", "", "agent", 0, 100), ("02", "01", "plan", 1, 10), ("03", "02", "llm", 2, 9),
              ("04", "01", "search", 20, 30), ("05", "01", "search", 40, 50)])
    b = otlp([("01", "", "agent_v2", 0, 100), ("02", "01", "planner", 1, 10), ("03", "02", "llm", 2, 9),
              ("05", "01", "search", 40, 50), ("04", "01", "search", 20, 30), ("06", "01", "search", 60, 70)])
    # single roots match despite the rename; plan/planner differ (2 removed, 2 added); 2 of 3 searches match
    assert align_counts(a, b) == (3, 3, 2)
    # several roots: aligned by name and position
    c = otlp([("01", "", "setup", 0, 1), ("02", "", "run", 2, 3)])
    d = otlp([("01", "", "setup", 0, 1), ("03", "", "report", 2, 3), ("04", "03", "x", 2, 3)])
    assert align_counts(c, d) == (1, 2, 1)


def test_summary_survives_odd_documents():
    bundle = compare_bundle({"data": {"spans": []}}, {"info": {}, "data": {"spans": [{"name": "x"}]}})
    assert bundle["text/plain"].startswith("compare A (0 spans) vs B 'x' (1 span)")


def test_a_real_kernel_shows_one_compare_output(tmp_path):
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("""\
import nbtrace
nbtrace.configure(display=False)

@nbtrace.trace(span_type="TOOL")
def search(q):
    return q

@nbtrace.trace(span_type="AGENT")
def agent(n):
    return [search(i) for i in range(n)]

agent(3); a = nbtrace.get_last_trace()
agent(5); b = nbtrace.get_last_trace()
from nbtrace.compare import compare
compare(a, b, names=("3 calls", "5 calls"))
""")]
    env = kernel_env()
    nbclient.NotebookClient(nb, kernel_name="python3", timeout=120,
                            resources={"metadata": {"path": str(tmp_path)}}).execute(env=env)
    outputs = nb.cells[0].outputs
    assert [o["output_type"] for o in outputs] == ["display_data"]
    data = outputs[0]["data"]
    payload = data[COMPARE_MIME_TYPE]
    if isinstance(payload, str):
        payload = json.loads(payload)
    assert payload["names"] == ["3 calls", "5 calls"]
    assert [len(t["data"]["spans"]) for t in payload["traces"]] == [4, 6]
    assert "4 matched, 2 added, 0 removed" in data["text/plain"]
