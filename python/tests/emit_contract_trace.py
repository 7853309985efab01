"""Print the exact ``application/vnd.nbtrace.trace+json`` payload of a representative trace.

The TypeScript contract test runs this (no IPython needed) and parses stdout:

    python python/tests/emit_contract_trace.py            # the MIME payload (MLflow v3 trace dict)
    python python/tests/emit_contract_trace.py --bundle   # the whole bundle, incl. text/plain
    python python/tests/emit_contract_trace.py --running  # a live snapshot: IN_PROGRESS
    python python/tests/emit_contract_trace.py --otlp     # the same trace as OTLP/JSON (nbtrace.export)
    python python/tests/emit_contract_trace.py --jsonl F  # writes OTLP JSON Lines to F: it + a 2nd trace

The trace: agent (AGENT) → plan (CHAIN) → llm_call (LLM, token usage) · a failing
tool (TOOL, ERROR, caught by the caller) · an async retriever (RETRIEVER) · a
streaming generator (LLM) — plus a non-ASCII input and ints beyond 2**53.
It uses the same code path as the notebook display: ``trace_bundle``.

``--running`` prints what a live display shows mid-run instead: state
``IN_PROGRESS``; ``agent`` and ``llm_call`` running (``end_time_unix_nano: null``,
``STATUS_CODE_UNSET``), ``plan`` finished OK, ``flaky_tool`` finished with ERROR.
"""
import asyncio
import json
import sys
from pathlib import Path

# Always the source tree next to this script (python/), even if an older nbtrace is installed.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import nbtrace  # noqa: E402

from nbtrace._notebook.bundle import MIME_TYPE, trace_bundle  # noqa: E402

BIG_INT = 2 ** 64 + 1  # not representable as a JS number


@nbtrace.trace(span_type="LLM", attributes={"mlflow.llm.model": "fake-gpt", "mlflow.message.format": "openai"})
def llm_call(messages):
    span = nbtrace.get_current_span()
    span.set_token_usage(input_tokens=120, output_tokens=30)
    return {"choices": [{"message": {"role": "assistant", "content": "Paris ☀"}}],
            "usage": {"prompt_tokens": 120, "completion_tokens": 30, "total_tokens": 150}}


@nbtrace.trace(span_type="CHAIN")
def plan(question):
    return llm_call([{"role": "user", "content": question}])


@nbtrace.trace(span_type="TOOL")
def flaky_tool(city):
    raise ConnectionError(f"weather service unreachable for {city}")


@nbtrace.trace(span_type="RETRIEVER")
async def retrieve(query, k=2):
    await asyncio.sleep(0.001)
    return [{"id": "doc-1", "score": 0.92, "text": "Paris is the capital of France."},
            {"id": "doc-2", "score": 0.35, "text": "Zürich is in Switzerland."}][:k]


@nbtrace.trace(span_type="LLM")
def stream_answer(prefix):
    for token in (prefix, " is", " sunny"):
        yield token


@nbtrace.trace(name="agent", span_type="AGENT")
def agent(question, big_number):
    plan(question)
    try:
        flaky_tool("Paris")
    except ConnectionError:
        pass
    docs = asyncio.run(retrieve(question))
    answer = "".join(stream_answer("Paris"))
    span = nbtrace.get_current_span()
    span.add_event("checkpoint", {"big_number": big_number, "note": "naïve ✓"})
    return {"answer": answer, "sources": [d["id"] for d in docs]}


def build_trace():
    """Run the agent and return the finished trace record."""
    nbtrace.configure(display=False)
    agent("Quelle est la météo à Paris ? 🌦", big_number=BIG_INT)
    return nbtrace.get_collector().last_finished_trace()


def build_running_bundle():
    """The bundle of a trace snapshotted while some of its spans still run."""
    nbtrace.configure(display=False)
    with nbtrace.start_span("agent", span_type="AGENT") as root:
        root.set_inputs({"question": "Quelle est la météo à Paris ? 🌦"})
        with nbtrace.start_span("plan", span_type="CHAIN") as step:
            step.set_outputs({"steps": 2})
        try:
            flaky_tool("Paris")
        except ConnectionError:
            pass
        with nbtrace.start_span("llm_call", span_type="LLM") as llm:
            llm.add_event("first_token", {"token": "Paris"})
            return trace_bundle(root._trace)


def main(argv):
    if "--otlp" in argv or "--jsonl" in argv:
        from nbtrace import export

        record = build_trace()
        if "--otlp" in argv:
            json.dump(export.to_otlp_json(record), sys.stdout, ensure_ascii=False, allow_nan=False)
            sys.stdout.write("\n")
            return
        with nbtrace.start_span("second", span_type="CHAIN") as span:
            span.set_inputs({"n": 1})
        path = argv[argv.index("--jsonl") + 1]
        export.to_jsonl(path, [record, nbtrace.get_collector().last_finished_trace()])
        return
    bundle = build_running_bundle() if "--running" in argv else trace_bundle(build_trace())
    payload = bundle if "--bundle" in argv else bundle[MIME_TYPE]
    json.dump(payload, sys.stdout, ensure_ascii=False, allow_nan=False)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main(sys.argv[1:])
