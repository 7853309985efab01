"""The emitted MIME bundle: MLflow v3 shape, ids, encodings, times, summary."""
import datetime
import json
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import attr, b64, spans_by_name

import nbtrace
from nbtrace._notebook.bundle import MIME_TYPE, trace_bundle

HERE = Path(__file__).resolve().parent
SPAN_KEYS = {"trace_id", "span_id", "trace_state", "parent_span_id", "name", "start_time_unix_nano",
             "end_time_unix_nano", "attributes", "status", "events"}


@pytest.fixture(scope="module")
def contract():
    """The payload exactly as the TypeScript contract test receives it (a subprocess)."""
    out = subprocess.run([sys.executable, str(HERE / "emit_contract_trace.py")], check=True,
                         capture_output=True, text=True, encoding="utf-8", timeout=60)
    return json.loads(out.stdout)


def test_info_v3_shape(contract):
    info = contract["info"]
    assert set(contract) == {"info", "data"}
    assert "request_id" not in info  # that would make it a v2 info
    assert info["trace_id"].startswith("tr-") and len(info["trace_id"]) == 35
    int(info["trace_id"][3:], 16)
    assert info["trace_location"] == {"type": "MLFLOW_EXPERIMENT",
                                      "mlflow_experiment": {"experiment_id": "0"}}
    parsed = datetime.datetime.strptime(info["request_time"], "%Y-%m-%dT%H:%M:%S.%fZ")
    assert parsed.year >= 2024
    assert isinstance(info["execution_duration_ms"], int) and info["execution_duration_ms"] >= 1
    assert info["state"] == "OK"
    meta = info["trace_metadata"]
    assert all(isinstance(v, str) for v in meta.values())
    assert meta["mlflow.trace_schema.version"] == "3"
    assert json.loads(meta["mlflow.traceInputs"]) == {
        "question": "Quelle est la météo à Paris ? 🌦", "big_number": 2 ** 64 + 1}
    assert json.loads(meta["mlflow.traceOutputs"])["answer"] == "Paris is sunny"
    assert json.loads(meta["mlflow.trace.tokenUsage"]) == {
        "input_tokens": 120, "output_tokens": 30, "total_tokens": 150}
    assert meta["nbtrace.version"] == nbtrace.__version__
    assert info["tags"] == {"mlflow.traceName": "agent"}


def test_span_shape_ids_times_and_encoding(contract):
    spans = contract["data"]["spans"]
    assert [s["name"] for s in spans] == [
        "agent", "plan", "llm_call", "flaky_tool", "retrieve", "stream_answer"]
    info_hex = contract["info"]["trace_id"][3:]
    for s in spans:
        assert set(s) == SPAN_KEYS
        assert len(b64(s["trace_id"])) == 16 and b64(s["trace_id"]).hex() == info_hex
        assert len(b64(s["span_id"])) == 8
        assert s["parent_span_id"] is None or len(b64(s["parent_span_id"])) == 8
        assert type(s["start_time_unix_nano"]) is int and s["start_time_unix_nano"] > 10 ** 18
        assert type(s["end_time_unix_nano"]) is int
        assert s["end_time_unix_nano"] >= s["start_time_unix_nano"]
        assert s["status"]["code"] in ("STATUS_CODE_OK", "STATUS_CODE_ERROR")
        for key, value in s["attributes"].items():
            assert isinstance(value, str), key
            json.loads(value)  # every attribute value is JSON text
        assert attr(s, "mlflow.traceRequestId") == contract["info"]["trace_id"]
    assert len({s["span_id"] for s in spans}) == len(spans)

    by = spans_by_name(contract)
    assert by["agent"]["parent_span_id"] is None
    assert by["plan"]["parent_span_id"] == by["agent"]["span_id"]
    assert by["llm_call"]["parent_span_id"] == by["plan"]["span_id"]
    for child in ("flaky_tool", "retrieve", "stream_answer"):
        assert by[child]["parent_span_id"] == by["agent"]["span_id"]
    assert by["llm_call"]["attributes"]["mlflow.spanType"] == '"LLM"'
    assert attr(by["llm_call"], "mlflow.chat.tokenUsage") == {
        "input_tokens": 120, "output_tokens": 30, "total_tokens": 150}
    assert attr(by["llm_call"], "mlflow.llm.model") == "fake-gpt"
    assert attr(by["retrieve"], "mlflow.spanOutputs")[0]["score"] == 0.92
    assert attr(by["stream_answer"], "mlflow.spanOutputs") == ["Paris", " is", " sunny"]

    tool = by["flaky_tool"]
    assert tool["status"]["code"] == "STATUS_CODE_ERROR"
    event = tool["events"][0]
    assert event["name"] == "exception" and type(event["time_unix_nano"]) is int
    assert event["time_unix_nano"] > 10 ** 18  # real nanoseconds, not µs
    assert event["attributes"]["exception.type"] == "ConnectionError"  # not JSON-encoded
    checkpoint = by["agent"]["events"][0]
    assert checkpoint["attributes"] == {"big_number": 2 ** 64 + 1, "note": "naïve ✓"}


def test_bundle_has_text_summary():
    sys.path.insert(0, str(HERE))
    import emit_contract_trace

    bundle = trace_bundle(emit_contract_trace.build_trace())
    assert set(bundle) == {MIME_TYPE, "text/plain", "text/html"}
    text = bundle["text/plain"]
    assert text.startswith("<nbtrace trace 'agent' · 6 spans · 1 error · 150 tokens · ")
    assert text.endswith(" ms>") or text.endswith(" s>")
    assert "\n" not in text
    json.dumps(bundle, allow_nan=False)


def test_running_trace_serializes_as_in_progress():
    with nbtrace.start_span("root") as root:
        with nbtrace.start_span("child"):
            doc = trace_bundle(root._trace)[MIME_TYPE]
    assert doc["info"]["state"] == "IN_PROGRESS"
    # While running, the duration is the time elapsed at the snapshot (the renderer's "now").
    assert isinstance(doc["info"]["execution_duration_ms"], int) and doc["info"]["execution_duration_ms"] >= 0
    assert [s["end_time_unix_nano"] for s in doc["data"]["spans"]] == [None, None]
    assert [s["status"]["code"] for s in doc["data"]["spans"]] == ["STATUS_CODE_UNSET"] * 2


def test_token_rollup_does_not_double_count_wrappers():
    with nbtrace.start_span("root"):
        with nbtrace.start_span("wrapper", span_type="CHAT_MODEL") as wrapper:
            with nbtrace.start_span("inner", span_type="LLM") as inner:
                inner.set_token_usage(input_tokens=10, output_tokens=5)
            wrapper.set_attribute("mlflow.chat.tokenUsage",
                                  {"input_tokens": 10, "output_tokens": 5, "total_tokens": 15})
        with nbtrace.start_span("other", span_type="LLM") as other:
            other.set_token_usage(input_tokens=1, output_tokens=2, total_tokens=3)
    meta = nbtrace.get_last_trace()["info"]["trace_metadata"]
    assert json.loads(meta["mlflow.trace.tokenUsage"]) == {
        "input_tokens": 11, "output_tokens": 7, "total_tokens": 18}


def test_no_token_usage_key_without_tokens():
    with nbtrace.start_span("plain"):
        pass
    assert "mlflow.trace.tokenUsage" not in nbtrace.get_last_trace()["info"]["trace_metadata"]


def test_ids_are_unique_and_not_affected_by_random_seed():
    import random

    ids = set()
    for _ in range(3):
        random.seed(1234)
        with nbtrace.start_span("s") as span:
            pass
        ids.add((span.trace_id, span.span_id))
    assert len(ids) == 3
