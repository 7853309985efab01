"""The trace list output: ``nbtrace.show`` of many traces, its size bound (whole
documents up to a byte budget, then summaries that say what the spans used, then a
count), the span summary of a trace (tokens and cost by model and span type,
counted once), and a cell's list of the traces over its cap."""
import json

import pytest

import nbtrace
from nbtrace import MIME_TYPE
from nbtrace._documents.span_summary import NO_MODEL, span_summary
from nbtrace._notebook.list_bundle import LIST_MIME_TYPE, SUMMARY_KEY, ListPayload, list_bundle, summary_doc
from nbtrace._notebook.show import show_bundle


def make_traces(n, big=0, prefix="q"):
    """n finished traces: agent → chat (gpt-4o, tokens) and a tool; ``big`` chars of output."""
    nbtrace.configure(display=False)
    for i in range(n):
        with nbtrace.start_span(f"{prefix}{i}", span_type="AGENT") as root:
            with nbtrace.start_span("chat", span_type="CHAT_MODEL") as chat:
                chat.set_attributes({"mlflow.llm.model": "gpt-4o",
                                     "mlflow.chat.tokenUsage": {"input_tokens": 100 + i, "output_tokens": 10,
                                                                "total_tokens": 110 + i}})
                chat.set_outputs("x" * big)
            with nbtrace.start_span("search", span_type="TOOL"):
                pass
            root.set_outputs("done")
    return nbtrace.last_traces(n)


def test_span_summary_counts_tokens_once_by_model_and_kind():
    doc, = make_traces(1)
    s = span_summary(doc)
    assert s["spans"] == 3
    cost = (100 * 2.5 + 10 * 10) / 1e6  # no cost reported: gpt-4o's list prices, per 1M tokens
    assert s["models"] == {"gpt-4o": {"calls": 1, "input": 100, "output": 10, "total": 110,
                                      "cost": pytest.approx(cost), "estimated": True}}
    assert s["seen"] == [["q0", "AGENT", "OK"], ["chat", "CHAT_MODEL", "OK", "gpt-4o"], ["search", "TOOL", "OK"]]
    assert set(s["kinds"]) == {"AGENT", "CHAT_MODEL", "TOOL"}
    assert s["kinds"]["CHAT_MODEL"]["tokens"] == 110 and s["kinds"]["CHAT_MODEL"]["count"] == 1
    # the agent reports the sum of its call: the call is not counted again
    doc["data"]["spans"][0]["attributes"]["mlflow.chat.tokenUsage"] = json.dumps(
        {"input_tokens": 100, "output_tokens": 10, "total_tokens": 110})
    doc["data"]["spans"][1]["attributes"]["mlflow.llm.cost"] = json.dumps({"total_cost": 0.5})
    s = span_summary(doc)
    # the agent's tokens go to the model below it; the call's reported cost wins over an estimate
    assert s["models"] == {"gpt-4o": {"calls": 1, "input": 100, "output": 10, "total": 110, "cost": 0.5}}
    assert s["kinds"]["AGENT"]["tokens"] == 110 and "tokens" not in s["kinds"]["CHAT_MODEL"]


def test_span_summary_of_odd_documents():
    assert span_summary({}) == {"spans": 0, "models": {}, "kinds": {}, "seen": []}
    ring = {"data": {"spans": [
        {"span_id": "a", "parent_span_id": "b", "attributes": {"llm.token_count.prompt": 5}},
        {"span_id": "b", "parent_span_id": "a", "attributes": "nonsense"}, 7]}}
    s = span_summary(ring)  # a parent cycle: every span once, none forever
    assert s["spans"] == 2
    assert s["models"] == {} or s["models"] == {NO_MODEL: {"calls": 0, "input": 5, "total": 5}}


def test_show_many_traces_is_the_list_and_few_are_trees(displayed):
    docs = make_traces(12)
    nbtrace.show(docs)
    nbtrace.show(docs[:3])
    nbtrace.show(docs[:3], view="list", query="tokens > 101")
    nbtrace.show(docs, view="traces")
    kinds = [next(k for k in b if k != "text/plain" and k != "text/html") for b, _, _ in displayed]
    assert kinds == [LIST_MIME_TYPE, MIME_TYPE, LIST_MIME_TYPE, MIME_TYPE]
    first = displayed[0][0]
    assert first[LIST_MIME_TYPE] == {"version": 1, "traces": docs}
    assert first["text/plain"].splitlines()[0] == "<nbtrace list of 12 traces>"
    assert displayed[2][0][LIST_MIME_TYPE]["query"] == "tokens > 101"
    with pytest.raises(ValueError, match="view must be"):
        show_bundle(docs, view="table")


def test_the_list_is_bounded_whole_then_summaries_then_a_count():
    docs = make_traces(30, big=20_000)
    p = ListPayload(full_bytes=100_000, max_rows=25)
    kept = [p.add(d) for d in docs]
    whole = kept.count("whole")
    assert 3 <= whole <= 5  # ~21 KB each within 100 KB
    assert kept == ["whole"] * whole + ["summary"] * (25 - whole) + ["omitted"] * 5
    body = p.payload(title="loop")
    assert body["omitted"] == 5 and body["title"] == "loop"
    assert len(json.dumps(body)) < 100_000 + 25 * 3_000
    s = body["summaries"][0]
    assert "data" not in s
    summary = s[SUMMARY_KEY]
    assert summary["spans"] == 3 and summary["models"]["gpt-4o"]["calls"] == 1
    # long metadata (the trace's inputs and outputs) is cut in a summary
    meta = s["info"]["trace_metadata"]
    assert all(len(v) <= 301 for v in meta.values() if isinstance(v, str))
    assert summary_doc({"resourceSpans": []}) is None  # only MLflow documents have an info to keep


def test_list_bundle_of_otlp_documents_counts_what_it_cannot_summarize():
    otlp = {"resourceSpans": [{"scopeSpans": [{"spans": [
        {"traceId": "ab" * 16, "spanId": "cd" * 8, "name": "x" * 5000, "startTimeUnixNano": "1",
         "endTimeUnixNano": "2"}]}]}]}
    p = ListPayload(full_bytes=6_000)
    assert [p.add(otlp), p.add(otlp)] == ["whole", "omitted"]
    b = list_bundle([otlp])
    assert b[LIST_MIME_TYPE]["traces"] == [otlp]
