"""End to end in a real ipykernel (nbclient): what a notebook cell actually shows."""
import json
import os
from pathlib import Path

import pytest
from conftest import kernel_env

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")
from recording_client import RecordingClient  # noqa: E402

MIME = "application/vnd.nbtrace.trace+json"
EVAL_MIME = "application/vnd.nbtrace.eval+json"
LIST_MIME = "application/vnd.nbtrace.traces+json"
SRC = Path(__file__).resolve().parents[1]  # python/ — the kernel imports nbtrace from here

CELLS = [
    # 0: setup — defining traced functions displays nothing
    """\
import nbtrace, asyncio

@nbtrace.trace(span_type="TOOL")
def tool(x):
    if x < 0:
        raise ValueError(f"negative input {x}")
    return x * 2

@nbtrace.trace(span_type="AGENT")
def agent(x):
    try:
        tool(-1)
    except ValueError:
        pass
    return tool(x) + tool(x + 1)

@nbtrace.trace
async def fetch(i):
    await asyncio.sleep(0.01)
    return i

@nbtrace.trace(name="gatherer")
async def gatherer():
    return await asyncio.gather(fetch(1), fetch(2))
print(nbtrace.__file__)
""",
    # 1: a traced call → exactly one trace display
    "result = agent(3)",
    # 2: the traced call raises → the trace is shown, then the error
    "tool(-5)",
    # 3: top-level await with gathered tasks
    "await gatherer()",
    # 4: nbtrace.show on an inline OTLP document
    """\
nbtrace.show({"resourceSpans": [{"scopeSpans": [{"spans": [
    {"traceId": "5b8efff798038103d269b633813fc60c", "spanId": "eee19b7ec3c1b174", "name": "otlp-root",
     "startTimeUnixNano": "1700000000000000000", "endTimeUnixNano": "1700000000250000000"}]}]}]})
""",
    # 5: no span → no display
    "1 + 1",
    # 6: a slow traced call: displayed at its first span, updated in place while it runs
    """\
import time

@nbtrace.trace(span_type="TOOL")
def slow_tool(i):
    time.sleep(0.08)
    return i

@nbtrace.trace(span_type="AGENT")
def slow_agent():
    return [slow_tool(i) for i in range(5)]

slow_agent()
""",
]



def _displays(outputs):
    return [o for o in outputs if o["output_type"] == "display_data"]


@pytest.fixture(scope="module")
def executed(tmp_path_factory):
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(src) for src in CELLS]
    env = kernel_env()
    client = RecordingClient(
        nb, kernel_name="python3", timeout=120, allow_errors=True,
        resources={"metadata": {"path": str(tmp_path_factory.mktemp("nb"))}})
    client.execute(env=env)
    nb.metadata["test_messages"] = client.messages  # (not saved anywhere)
    return nb


def test_kernel_imports_nbtrace_from_source(executed):
    text = "".join(o.get("text", "") for o in executed.cells[0].outputs if o["output_type"] == "stream")
    assert Path(text.strip()).resolve() == SRC / "nbtrace" / "__init__.py"
    assert _displays(executed.cells[0].outputs) == []


def test_traced_cell_shows_exactly_one_trace(executed):
    outputs = executed.cells[1].outputs
    assert [o["output_type"] for o in outputs] == ["display_data"]
    data = outputs[0]["data"]
    assert set(data) == {MIME, "text/plain", "text/html"}
    doc = data[MIME]
    if isinstance(doc, str):  # some nbformat versions keep JSON MIME data as text
        doc = json.loads(doc)
    names = [s["name"] for s in doc["data"]["spans"]]
    assert names == ["agent", "tool", "tool", "tool"]
    assert doc["info"]["state"] == "OK"
    assert doc["data"]["spans"][1]["status"]["code"] == "STATUS_CODE_ERROR"
    assert data["text/plain"].startswith("<nbtrace trace 'agent' · 4 spans · 1 error · ")


def test_erroring_cell_shows_trace_and_error(executed):
    outputs = executed.cells[2].outputs
    assert [o["output_type"] for o in outputs] == ["display_data", "error"]
    doc = outputs[0]["data"][MIME]
    assert doc["info"]["state"] == "ERROR"
    span = doc["data"]["spans"][0]
    assert span["status"]["message"] == "ValueError: negative input -5"
    assert outputs[0]["data"]["text/plain"].startswith("<nbtrace trace 'tool' · 1 span · 1 error")
    assert outputs[1]["ename"] == "ValueError"
    assert outputs[1]["evalue"] == "negative input -5"


def test_top_level_await_with_gather(executed):
    outputs = executed.cells[3].outputs
    displays = _displays(outputs)
    assert len(displays) == 1
    spans = displays[0]["data"][MIME]["data"]["spans"]
    root = spans[0]
    assert root["name"] == "gatherer"
    assert [s["parent_span_id"] for s in spans[1:]] == [root["span_id"]] * 2
    results = [o for o in outputs if o["output_type"] == "execute_result"]
    assert results[0]["data"]["text/plain"] == "[1, 2]"


def test_show_cell_and_plain_cell(executed):
    displays = _displays(executed.cells[4].outputs)
    assert len(displays) == 1 and len(executed.cells[4].outputs) == 1
    assert displays[0]["data"][MIME]["resourceSpans"][0]["scopeSpans"][0]["spans"][0]["name"] == "otlp-root"
    assert displays[0]["data"]["text/plain"] == "<nbtrace trace 'otlp-root' · 1 span · 250 ms>"
    assert _displays(executed.cells[5].outputs) == []


def test_live_cell_is_one_output_updated_in_place_holding_the_final_state(executed):
    messages = executed.metadata["test_messages"][6]
    ours = [m for m in messages if m["msg_type"] in ("display_data", "update_display_data")
            and MIME in m["content"]["data"]]
    kinds = [m["msg_type"] for m in ours]
    assert kinds[0] == "display_data" and kinds.count("display_data") == 1
    assert kinds.count("update_display_data") >= 2
    assert len({m["content"]["transient"]["display_id"] for m in ours}) == 1
    assert ours[0]["content"]["data"][MIME]["info"]["state"] == "IN_PROGRESS"
    final = ours[-1]["content"]["data"][MIME]
    assert final["info"]["state"] == "OK"
    # the saved cell: exactly one trace output, and it holds the final state
    outputs = executed.cells[6].outputs
    assert [o["output_type"] for o in outputs] == ["display_data", "execute_result"]
    saved = outputs[0]["data"][MIME]
    assert saved == final
    assert [s["name"] for s in saved["data"]["spans"]] == ["slow_agent"] + ["slow_tool"] * 5
    assert all(s["end_time_unix_nano"] is not None for s in saved["data"]["spans"])
    assert outputs[0]["data"]["text/plain"].startswith("<nbtrace trace 'slow_agent' · 6 spans · ")
    assert "running" not in outputs[0]["data"]["text/plain"]


def test_demo_notebook_executes_cleanly():
    examples = SRC.parent / "examples"
    nb = nbformat.read(examples / "demo.ipynb", as_version=4)
    assert all(not c.get("outputs") for c in nb.cells if c.cell_type == "code")  # stored cleared
    env = kernel_env()
    env["NBTRACE_DEMO_FAST"] = "1"  # the live section's slow agent sleeps 50× less
    for old in examples.glob("traces.db*"):  # section 10's store: start empty
        old.unlink()
    client = nbclient.NotebookClient(nb, kernel_name="python3", timeout=120,
                                     resources={"metadata": {"path": str(examples)}})
    client.execute(env=env)  # raises CellExecutionError on any error
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]
    assert not [o for o in outputs if o["output_type"] == "error"]
    assert not [o for o in outputs if o["output_type"] == "stream" and o["name"] == "stderr"]
    summaries = [o["data"]["text/plain"] for o in outputs
                 if o["output_type"] == "display_data" and MIME in o["data"]]
    assert summaries[0].startswith("<nbtrace trace 'run_agent' · 13 spans · 2 errors · ")
    assert "tokens" in summaries[0]
    assert any(s.startswith("<nbtrace trace 'invoke_agent support-bot' · 3 spans · 1 error") for s in summaries)
    slow = [s for s in summaries if s.startswith("<nbtrace trace 'slow_agent'")]
    assert slow[-1].startswith("<nbtrace trace 'slow_agent' · 17 spans · 1 error · ")
    assert "running" not in slow[-1]
    # Section 7: the real openai client against the fake server, autologged: agent, 2 LLM calls, 1 tool.
    assert any(s.startswith("<nbtrace trace 'weather_agent' · 4 spans · ") and "tokens" in s for s in summaries)
    # Section 8: spans made through the OpenTelemetry API.
    assert any(s.startswith("<nbtrace trace 'rag_pipeline' · 3 spans · ") for s in summaries)
    # Section 9: two evaluations shown live (their row traces are not outputs of their own), then compared.
    evals = [o["data"] for o in outputs if o["output_type"] in ("display_data", "update_display_data")
             and EVAL_MIME in o["data"]]
    texts = [e["text/plain"] for e in evals]
    assert texts[0].startswith("<nbtrace eval 'v1' · 12 rows · contains 100% · no_errors 100%")
    assert texts[1].startswith("<nbtrace eval 'v2' · 12 rows · contains 83% · no_errors 100%")
    assert texts[2] == "<nbtrace comparison v1 → v2: 2 regressed, 0 improved, 10 unchanged>"
    assert [e[EVAL_MIME]["run"]["state"] for e in evals[:2]] == ["DONE", "DONE"]
    assert not any(s.startswith(("<nbtrace trace 'v1'", "<nbtrace trace 'v2'")) for s in summaries)
    assert (examples / "city-facts.jsonl").exists()
    # Section 10: a loop of 24 runs shows 2 trees, then one list of all of them; the store answers a query.
    lists = [o["data"][LIST_MIME] for o in outputs if o["output_type"] == "display_data" and LIST_MIME in o["data"]]
    assert [p.get("title") for p in lists] == ["All 24 traces of this cell (2 also shown above)",
                                               "Slow runs with a failed tool or over 1,000 tokens"]
    assert len(lists[0]["traces"]) == 24 and len(lists[1]["traces"]) == 16
    assert {d["info"]["trace_metadata"]["mlflow.trace.session"] for d in lists[0]["traces"]} == {
        "chat-0", "chat-1", "chat-2", "chat-3"}
