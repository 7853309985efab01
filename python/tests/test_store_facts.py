"""facts_of: what the query language (and the store's columns) read of a trace
document — from nbtrace's own traces, an MLflow v2 dict and OpenInference /
GenAI attributes: tokens without double counting, reported cost over the
estimate, span kinds, session and user, times of a running trace."""
import json

import pytest

import nbtrace
from nbtrace._documents.facts import facts_of


def span(span_id, name, parent=None, start=10 ** 18, end=10 ** 18 + 2_000_000, status="STATUS_CODE_OK", **attrs):
    return {"span_id": span_id, "parent_span_id": parent, "name": name, "start_time_unix_nano": start,
            "end_time_unix_nano": end, "status": {"code": status, "message": ""},
            "attributes": {k: json.dumps(v) for k, v in attrs.items()}, "events": []}


def v3(spans, state="OK", metadata=None, tags=None, assessments=None):
    info = {"trace_id": "tr-1", "state": state, "trace_metadata": metadata or {}, "tags": tags or {}}
    if assessments:
        info["assessments"] = assessments
    return {"info": info, "data": {"spans": spans}}


def test_a_recorded_trace_gives_its_facts():
    with nbtrace.session("chat-9"):
        with nbtrace.start_span("agent", span_type="AGENT", attributes={"user.id": "ana"}) as root:
            root.set_inputs({"q": "weather in Oslo?"})
            with nbtrace.start_span("wrapper", span_type="CHAIN") as w:
                w.set_token_usage(12, 4)  # repeats its child's usage: counted once
                with nbtrace.start_span("llm", span_type="CHAT_MODEL",
                                        attributes={"mlflow.llm.model": "gpt-4o",
                                                    "mlflow.llm.cost": {"total_cost": 0.5}}) as llm:
                    llm.set_token_usage(12, 4)
    f = facts_of(nbtrace.get_last_trace())
    assert (f["name"], f["status"], f["span_count"], f["models"]) == ("agent", "OK", 3, ["gpt-4o"])
    assert (f["tokens"], f["input_tokens"], f["output_tokens"]) == (16, 12, 4)
    assert f["cost"] == 0.5 and "cost_estimated" not in f  # a reported cost wins
    assert (f["session"], f["user"]) == ("chat-9", "ana")
    assert [s["type"] for s in f["spans"]] == ["AGENT", "CHAIN", "CHAT_MODEL"]
    assert "weather in Oslo?" in f["spans"][0]["content"] and "Oslo" in f["text"]
    assert f["end_ms"] - f["start_ms"] == pytest.approx(f["duration_ms"], abs=1e-3) and f["duration_ms"] >= 0


def test_tokens_count_no_span_twice_and_cost_is_estimated_when_none_is_reported():
    doc = v3([span("AAAAAAAAAAE=", "agent", **{"mlflow.spanType": "AGENT"}),
              span("AAAAAAAAAAI=", "chat", "AAAAAAAAAAE=", **{"llm.model_name": "gpt-4o", "llm.token_count.prompt": 1000,
                                                                "llm.token_count.completion": 100}),
              span("AAAAAAAAAAM=", "chat", "AAAAAAAAAAE=", **{"gen_ai.request.model": "unknown-model-x",
                                                                "gen_ai.usage.input_tokens": 10,
                                                                "gen_ai.usage.output_tokens": 1})])
    f = facts_of(doc)
    assert (f["tokens"], f["input_tokens"], f["output_tokens"]) == (1111, 1010, 101)
    assert [s["type"] for s in f["spans"]] == ["AGENT", "LLM", "LLM"]
    assert f["models"] == ["gpt-4o", "unknown-model-x"]
    assert f.get("cost_estimated") is True and f["cost"] > 0  # gpt-4o is in the price table


def test_trace_metadata_says_the_tokens_and_the_session_first():
    doc = v3([span("AAAAAAAAAAE=", "root", **{"session.id": "from-root", "mlflow.chat.tokenUsage": {"input_tokens": 1}})],
             metadata={"mlflow.trace.tokenUsage": json.dumps({"input_tokens": 7, "output_tokens": 3, "total_tokens": 10}),
                       "mlflow.trace.session": "from-metadata", "mlflow.trace.user": "bo"},
             tags={"mlflow.traceName": "named", "env": "prod"})
    f = facts_of(doc)
    assert (f["tokens"], f["session"], f["user"], f["name"]) == (10, "from-metadata", "bo", "named")
    assert f["tags"] == {"mlflow.traceName": "named", "env": "prod"} and f["metadata"]["mlflow.trace.user"] == "bo"


def test_a_running_trace_has_no_end_and_no_duration():
    f = facts_of(v3([span("AAAAAAAAAAE=", "root", end=None)], state="IN_PROGRESS"))
    assert f["status"] == "IN_PROGRESS" and "start_ms" in f and "end_ms" not in f and "duration_ms" not in f


def test_assessments_become_feedback_and_expectation_values():
    assessments = [
        {"assessment_name": "correct", "feedback": {"value": True}},
        {"assessment_name": "relevance", "feedback": {"value": 0.9}},
        {"assessment_name": "relevance", "feedback": {"value": None, "error": {"error_message": "judge failed"}}},
        {"assessment_name": "old", "feedback": {"value": 1}, "valid": False},
        {"assessment_name": "expected_response", "expectation": {"value": "Paris"}},
        {"assessment_name": "facts", "expectation": {"value": ["a", "b"]}},
    ]
    f = facts_of(v3([span("AAAAAAAAAAE=", "root")], assessments=assessments))
    assert f["feedback"] == {"correct": [True], "relevance": [0.9]}
    assert f["expectation"] == {"expected_response": ["Paris"], "facts": ['["a","b"]']}


def test_an_mlflow_v2_trace_is_read_too():
    doc = {"info": {"request_id": "tr-v2", "status": "ERROR", "timestamp_ms": 1_700_000_000_000,
                    "request_metadata": {"mlflow.trace.session": "s"}, "tags": {"mlflow.traceName": "v2"}},
           "data": {"spans": [{"name": "root", "context": {"span_id": "0x01", "trace_id": "0xab"}, "parent_id": None,
                               "start_time": 1_700_000_000_000_000_000, "end_time": 1_700_000_000_500_000_000,
                               "status_code": "ERROR", "status_message": "boom", "span_type": "TOOL",
                               "attributes": {}, "events": []}]}}
    f = facts_of(doc)
    assert (f["id"], f["status"], f["name"], f["session"], f["duration_ms"]) == ("tr-v2", "ERROR", "v2", "s", 500.0)
    assert f["spans"] == [{"name": "root", "type": "TOOL", "status": "ERROR", "content": "boom"}]
