"""nbtrace.export: OTLP/JSON, OTLP JSON Lines files and OTLP/HTTP protobuf to a real receiver."""
import base64
import copy
import json
import warnings
from pathlib import Path

import pytest
from conftest import FIXTURES_ROOT
from google.protobuf.json_format import ParseDict
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest
from opentelemetry.proto.trace.v1.trace_pb2 import Span as PbSpan
from opentelemetry.proto.trace.v1.trace_pb2 import Status as PbStatus
from otlp_receiver import OTLPReceiver, closed_port_url

import nbtrace
from nbtrace import NbtraceWarning
from nbtrace import export as nx
from nbtrace._notebook.show import show_bundle
from nbtrace._documents.otlp import otlp_spans, request_proto

FIXTURES = FIXTURES_ROOT / "mlflow"
ATTRS = {"model": "fake-gpt", "temperature": 0.7, "max_tokens": 256, "stream": False,
         "stop": ["\n", "END"], "config": {"top_p": 0.9, "seed": 7, "tags": ["a"]},
         "huge": 2 ** 64 + 1, "nothing": None}


@pytest.fixture(autouse=True)
def _quiet_and_clean():
    nbtrace.configure(display=False)
    yield
    for exporter in list(nx._live_exporters.values()):
        exporter.shutdown(timeout=5)


def make_trace(name="agent"):
    """agent → plan → llm (tokens, typed attributes) + a failing tool; an event on the root."""
    with nbtrace.start_span(name, span_type="AGENT") as root:
        root.set_inputs({"question": "Météo à Paris ? 🌦"})
        with nbtrace.start_span("plan", span_type="CHAIN") as plan:
            with nbtrace.start_span("llm", span_type="LLM", attributes=ATTRS) as llm:
                llm.set_token_usage(input_tokens=120, output_tokens=30)
                llm.set_outputs("Paris ☀")
            plan.set_outputs({"steps": 2})
        try:
            with nbtrace.start_span("tool", span_type="TOOL"):
                raise ConnectionError("weather service unreachable")
        except ConnectionError:
            pass
        root.add_event("checkpoint", {"step": 3, "score": 0.5, "ok": True, "note": "naïve",
                                      "ids": [1, 2], "meta": {"k": "v"}})
        root.set_outputs({"answer": "sunny"})
    return nbtrace.get_collector().last_finished_trace()


def all_spans(doc):
    return [s for rs in doc["resourceSpans"] for ss in rs["scopeSpans"] for s in ss["spans"]]


def by_name(doc):
    return {s["name"]: s for s in all_spans(doc)}


def json_attrs(attributes):
    return {kv["key"]: kv["value"] for kv in attributes}


def pb_value(v):
    """A protobuf AnyValue → Python value (int64 as int, kvlist as dict)."""
    which = v.WhichOneof("value")
    if which is None:
        return None
    if which == "array_value":
        return [pb_value(x) for x in v.array_value.values]
    if which == "kvlist_value":
        return {kv.key: pb_value(kv.value) for kv in v.kvlist_value.values}
    return getattr(v, which)


def pb_attrs(attributes):
    return {kv.key: pb_value(kv.value) for kv in attributes}


def test_otlp_json_document_of_a_trace():
    record = make_trace()
    doc = nx.to_otlp_json(record, service_name="notebook-agent")
    (rs,) = doc["resourceSpans"]
    assert json_attrs(rs["resource"]["attributes"])["service.name"] == {"stringValue": "notebook-agent"}
    (ss,) = rs["scopeSpans"]
    assert ss["scope"] == {"name": "nbtrace", "version": nbtrace.__version__}
    spans = by_name(doc)
    assert list(spans) == ["agent", "plan", "llm", "tool"]
    ours = {s.name: s for s in record.spans}
    for name, s in spans.items():
        span = ours[name]
        assert s["traceId"] == f"{record.trace_id:032x}" and s["spanId"] == span.span_id
        assert s.get("parentSpanId") == span.parent_id  # no key at all for the root
        assert s["startTimeUnixNano"] == str(span.start_time_ns)
        assert s["endTimeUnixNano"] == str(span.end_time_ns)
        assert s["kind"] == 1
    assert spans["llm"]["parentSpanId"] == spans["plan"]["spanId"]
    llm = json_attrs(spans["llm"]["attributes"])
    # mlflow.* values: JSON text in a string value, as MLflow's own OTLP export sends them
    assert llm["mlflow.spanType"] == {"stringValue": '"LLM"'}
    assert json.loads(llm["mlflow.chat.tokenUsage"]["stringValue"]) == {
        "input_tokens": 120, "output_tokens": 30, "total_tokens": 150}
    assert llm["mlflow.spanOutputs"] == {"stringValue": '"Paris ☀"'}
    # other attributes: typed
    assert llm["model"] == {"stringValue": "fake-gpt"}
    assert llm["temperature"] == {"doubleValue": 0.7}
    assert llm["max_tokens"] == {"intValue": "256"}
    assert llm["stream"] == {"boolValue": False}
    assert llm["stop"] == {"arrayValue": {"values": [{"stringValue": "\n"}, {"stringValue": "END"}]}}
    assert llm["config"] == {"kvlistValue": {"values": [
        {"key": "top_p", "value": {"doubleValue": 0.9}}, {"key": "seed", "value": {"intValue": "7"}},
        {"key": "tags", "value": {"arrayValue": {"values": [{"stringValue": "a"}]}}}]}}
    assert llm["huge"] == {"stringValue": str(2 ** 64 + 1)}  # beyond int64: exact decimal text
    assert llm["nothing"] == {}
    tool = spans["tool"]
    assert tool["status"] == {"code": 2, "message": "ConnectionError: weather service unreachable"}
    (exc,) = tool["events"]
    assert exc["name"] == "exception"
    assert json_attrs(exc["attributes"])["exception.type"] == {"stringValue": "ConnectionError"}
    assert spans["agent"]["status"] == {"code": 1, "message": ""}
    (event,) = spans["agent"]["events"]
    assert event["name"] == "checkpoint" and int(event["timeUnixNano"]) >= int(
        spans["agent"]["startTimeUnixNano"])
    assert json_attrs(event["attributes"]) == {
        "step": {"intValue": "3"}, "score": {"doubleValue": 0.5}, "ok": {"boolValue": True},
        "note": {"stringValue": "naïve"},
        "ids": {"arrayValue": {"values": [{"intValue": "1"}, {"intValue": "2"}]}},
        "meta": {"kvlistValue": {"values": [{"key": "k", "value": {"stringValue": "v"}}]}}}
    json.dumps(doc, allow_nan=False)  # plain JSON


def test_every_input_shape_gives_the_same_spans():
    record = make_trace()
    doc = nx.to_otlp_json(record)
    as_dict = nbtrace.get_last_trace()
    assert nx.to_otlp_json(as_dict) == doc
    assert nx.to_otlp_json(json.loads(json.dumps(as_dict))) == doc  # as stored in a notebook
    tool = next(s for s in record.spans if s.name == "tool")
    assert by_name(nx.to_otlp_json(tool)) == {"tool": by_name(doc)["tool"]}
    tool_dict = next(s for s in as_dict["data"]["spans"] if s["name"] == "tool")
    assert nx.to_otlp_json(tool_dict) == nx.to_otlp_json(tool)
    other = make_trace("second")
    both = nx.to_otlp_json([record, other])
    assert len(all_spans(both)) == 8
    assert {s["traceId"] for s in all_spans(both)} == {
        f"{record.trace_id:032x}", f"{other.trace_id:032x}"}


def test_otlp_json_is_the_protobuf_json_mapping_of_the_request():
    """The JSON document parses (strictly) into exactly the protobuf request that is sent."""
    record = make_trace()
    doc = copy.deepcopy(nx.to_otlp_json(record))
    for span in all_spans(doc):  # OTLP/JSON writes ids as hex, protobuf JSON as base64
        for key in ("traceId", "spanId", "parentSpanId"):
            if key in span:
                span[key] = base64.b64encode(bytes.fromhex(span[key])).decode()
    parsed = ParseDict(doc, ExportTraceServiceRequest())
    assert parsed == request_proto(otlp_spans(record), "nbtrace")


def test_real_mlflow_trace_dict_converts():
    doc = json.loads((FIXTURES / "v3-trace__qa-chain-3spans-assessment-tokenusage__js-test-utils.json")
                     .read_text())
    spans = all_spans(nx.to_otlp_json(doc))
    assert len(spans) == 3
    ids = {s["spanId"] for s in spans}
    roots = [s for s in spans if s.get("parentSpanId") not in ids]
    assert len(roots) == 1  # the parent links survive MLflow's short base64 ids
    for s in spans:
        assert len(s["traceId"]) == 32 and len(s["spanId"]) == 16


def test_direct_send_arrives_exactly(recwarn):
    record = make_trace()
    with OTLPReceiver() as rx:
        result = nx.otlp(rx.url, traces=record, service_name="notebook-agent",
                         headers={"Authorization": "Bearer t0ken"})
    assert result.ok and result.sent_spans == result.spans == 4 and result.traces == 1
    (req,) = rx.requests
    assert req.path == "/v1/traces"
    assert req.headers["content-type"] == "application/x-protobuf"
    assert req.headers["authorization"] == "Bearer t0ken"
    received = rx.spans()
    assert len(received) == 4
    resource, scope, _ = received[0]
    assert pb_attrs(resource.attributes)["service.name"] == "notebook-agent"
    assert (scope.name, scope.version) == ("nbtrace", nbtrace.__version__)
    got = {span.name: span for _, _, span in received}
    for span in record.spans:
        pb = got[span.name]
        assert pb.trace_id == record.trace_id.to_bytes(16, "big")
        assert pb.span_id == span._span_id.to_bytes(8, "big")
        parent = span.parent
        assert pb.parent_span_id == (parent._span_id.to_bytes(8, "big") if parent else b"")
        assert pb.start_time_unix_nano == span.start_time_ns
        assert pb.end_time_unix_nano == span.end_time_ns
        assert pb.kind == PbSpan.SPAN_KIND_INTERNAL
    llm = pb_attrs(got["llm"].attributes)
    assert {k: llm[k] for k in ATTRS} == {**ATTRS, "huge": str(2 ** 64 + 1)}
    assert json.loads(llm["mlflow.chat.tokenUsage"])["total_tokens"] == 150
    assert json.loads(llm["mlflow.spanType"]) == "LLM"
    assert json.loads(pb_attrs(got["agent"].attributes)["mlflow.spanInputs"]) == {
        "question": "Météo à Paris ? 🌦"}
    assert got["tool"].status.code == PbStatus.STATUS_CODE_ERROR
    assert got["tool"].status.message == "ConnectionError: weather service unreachable"
    assert got["agent"].status.code == PbStatus.STATUS_CODE_OK
    (exc,) = got["tool"].events
    assert exc.name == "exception" and "Traceback" in pb_attrs(exc.attributes)["exception.stacktrace"]
    (event,) = got["agent"].events
    assert event.time_unix_nano >= got["agent"].start_time_unix_nano
    assert pb_attrs(event.attributes) == {"step": 3, "score": 0.5, "ok": True, "note": "naïve",
                                          "ids": [1, 2], "meta": {"k": "v"}}
    assert not [w for w in recwarn if issubclass(w.category, NbtraceWarning)]


def test_typed_attribute_wire_types():
    make_trace()
    with OTLPReceiver() as rx:
        nx.otlp(rx.url, traces=nbtrace.get_last_trace())
    llm = next(span for _, _, span in rx.spans() if span.name == "llm")
    kinds = {kv.key: kv.value.WhichOneof("value") for kv in llm.attributes}
    assert kinds == {"mlflow.spanType": "string_value", "mlflow.traceRequestId": "string_value",
                     "model": "string_value", "temperature": "double_value", "max_tokens": "int_value",
                     "stream": "bool_value", "stop": "array_value", "config": "kvlist_value",
                     "huge": "string_value", "nothing": None, "mlflow.chat.tokenUsage": "string_value",
                     "mlflow.spanOutputs": "string_value"}


def test_endpoint_with_a_path_is_used_as_is():
    make_trace()
    with OTLPReceiver() as rx:
        result = nx.otlp(rx.url + "/api/public/otel/v1/traces", traces=nbtrace.get_last_trace())
    assert result.ok and rx.requests[0].path == "/api/public/otel/v1/traces"


def test_listener_exports_each_trace_when_it_finishes():
    with OTLPReceiver() as rx:
        exporter = nx.otlp(rx.url)
        records = [make_trace(f"run{i}") for i in range(3)]
        assert exporter.flush(5)
        assert exporter.sent_spans == 12 and exporter.sent_traces == 3 and exporter.errors == []
        got = {span.trace_id for _, _, span in rx.spans()}
        assert got == {r.trace_id.to_bytes(16, "big") for r in records}
        assert exporter.shutdown(5)
        make_trace("after shutdown")
        assert len(rx.spans()) == 12  # no longer listening
    assert exporter not in nbtrace.get_collector().listeners


def test_calling_otlp_again_replaces_the_exporter():
    with OTLPReceiver() as rx:
        first = nx.otlp(rx.url)
        second = nx.otlp(rx.url)
        make_trace()
        assert second.flush(5) and first.flush(5)
        assert len(rx.spans()) == 4  # sent once
        assert first not in nbtrace.get_collector().listeners


def run_cells_against(url, n=3):
    exporter = nx.otlp(url, timeout=2)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for i in range(n):
            @nbtrace.trace
            def cell(x):
                return x * 2
            assert cell(i) == 2 * i  # the user's code is unaffected
            assert exporter.flush(5)  # one failed request per trace
    ours = [w for w in caught if issubclass(w.category, NbtraceWarning)]
    return exporter, ours


def test_down_endpoint_warns_once_and_keeps_the_traces():
    url = closed_port_url()
    exporter, ours = run_cells_against(url)
    assert len(ours) == 1
    message = str(ours[0].message)
    assert f"{url}/v1/traces" in message and "connection refused" in message
    assert "still show in the notebook" in message
    assert len(exporter.errors) == 3 and exporter.sent_spans == 0 and exporter.failed_traces == 3
    last = nbtrace.get_last_trace()
    assert last is not None and last["info"]["state"] == "OK"


def test_http_500_warns_once():
    with OTLPReceiver(status=500) as rx:
        exporter, ours = run_cells_against(rx.url)
        assert len(rx.requests) == 3
    assert len(ours) == 1 and "HTTP 500" in str(ours[0].message) and rx.url in str(ours[0].message)
    assert exporter.sent_spans == 0
    make_trace()
    with OTLPReceiver(status=503) as rx, pytest.warns(NbtraceWarning, match="HTTP 503") as caught:
        result = nx.otlp(rx.url, traces=nbtrace.get_last_trace())
    assert len(caught) == 1
    assert not result.ok and result.sent_spans == 0 and "receiver says no" in result.errors[0]


def test_a_slow_receiver_times_out_with_a_warning():
    make_trace()
    with OTLPReceiver(delay=0.6) as rx, pytest.warns(NbtraceWarning, match="no answer within 0.2 s"):
        result = nx.otlp(rx.url, traces=nbtrace.get_last_trace(), timeout=0.2)
    assert result.sent_spans == 0 and result.errors == ["no answer within 0.2 s"]


def test_partial_success_counts_rejected_spans():
    make_trace()
    with OTLPReceiver(rejected_spans=1) as rx, pytest.warns(NbtraceWarning, match="span too old"):
        result = nx.otlp(rx.url, traces=nbtrace.get_last_trace())
    assert result.sent_spans == 3 and "rejected 1 span" in result.errors[0]


def test_full_queue_drops_with_one_warning():
    with OTLPReceiver(delay=0.3) as rx:
        exporter = nx.otlp(rx.url, max_queue_size=1)
        with pytest.warns(NbtraceWarning, match="queue") as caught:
            for i in range(4):
                make_trace(f"t{i}")
        assert len([w for w in caught if "queue" in str(w.message)]) == 1
        assert exporter.flush(5)
        assert exporter.dropped_traces >= 1
        assert exporter.sent_traces + exporter.dropped_traces == 4
        assert len(rx.spans()) == 4 * exporter.sent_traces


def test_bad_arguments_raise():
    with pytest.raises(ValueError, match="http"):
        nx.otlp("localhost:4318")
    with pytest.raises(TypeError):
        nx.otlp(4318)
    with pytest.raises(ValueError, match="timeout"):
        nx.otlp("http://127.0.0.1:4318", timeout=0)
    with pytest.raises(TypeError):
        nx.otlp("http://127.0.0.1:4318", traces=[42])
    with pytest.raises(TypeError):
        nx.to_otlp_json(42)
    with pytest.raises(TypeError):
        nx.to_otlp_json({"hello": "world"})
    with pytest.raises(ValueError):
        nx.to_otlp_json({}, service_name="")


def test_to_jsonl_writes_and_reads_back(tmp_path):
    records = [make_trace(f"run{i}") for i in range(3)]
    path = tmp_path / "traces.jsonl"
    assert nx.to_jsonl(path) == 3  # default: the finished traces kept in memory
    lines = path.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 3
    docs = [json.loads(line) for line in lines]
    assert docs == [nx.to_otlp_json(r) for r in records]
    assert nx.load_jsonl(path) == docs
    for doc, record in zip(docs, records):
        assert [s["spanId"] for s in all_spans(doc)] == [s.span_id for s in record.spans]
    # overwrite by default; append on request
    assert nx.to_jsonl(path, records[0]) == 1
    assert nx.to_jsonl(str(path), [nbtrace.get_last_trace()], append=True) == 1
    assert nx.load_jsonl(path) == [docs[0], docs[2]]
    # the notebook viewer's reader accepts the file's text and the loaded documents
    assert show_bundle(path.read_text())["text/plain"] == "<nbtrace 2 traces · 8 spans · 2 errors>"
    assert show_bundle(nx.load_jsonl(path))["text/plain"] == "<nbtrace 2 traces · 8 spans · 2 errors>"


def test_to_jsonl_unwritable_path_raises(tmp_path):
    make_trace()
    with pytest.raises(OSError):
        nx.to_jsonl(tmp_path / "missing-dir" / "t.jsonl")
    with pytest.raises(OSError):
        nx.to_jsonl(tmp_path)  # a directory
    target = tmp_path / "keep.jsonl"
    target.write_text("old\n")
    with pytest.raises(TypeError):
        nx.to_jsonl(target, [42])
    assert target.read_text() == "old\n"  # bad input leaves the file untouched



def test_older_mlflow_dicts_and_odd_text_convert():
    v2 = json.loads((FIXTURES / "v2-trace__predict-add-one-2spans__tests-tracing-helper.json").read_text())
    spans = all_spans(nx.to_otlp_json(v2))
    assert [(s["spanId"], s.get("parentSpanId")) for s in spans] == [
        ("0d48a6670588966b", None), ("6fc32f36ef591f60", "0d48a6670588966b")]
    child = json_attrs(spans[1]["attributes"])
    assert child["delta"] == {"intValue": "1"} and child["mlflow.spanInputs"] == {"stringValue": '{"z": 7}'}
    assert spans[1]["status"]["code"] == 1
    legacy = json.loads((FIXTURES / "v2-trace__nested-chain-chatmodel-llm__js-test-utils.json").read_text())
    first = all_spans(nx.to_otlp_json(legacy))[0]
    assert first["status"]["code"] == 1
    assert json_attrs(first["attributes"])["mlflow.spanType"] == {"stringValue": '"CHAIN"'}
    del legacy["data"]["spans"][0]["attributes"]["mlflow.spanType"]  # then the legacy span_type
    first = all_spans(nx.to_otlp_json(legacy))[0]
    assert json_attrs(first["attributes"])["mlflow.spanType"] == {"stringValue": '"TEST"'}
    odd = {"trace_id": "not-an-id", "span_id": "x", "name": "bad \ud800 text", "start_time_unix_nano": 5,
           "end_time_unix_nano": 6, "attributes": {"k\ud800": '"v\ud800"'},
           "status": {"code": "STATUS_CODE_ERROR", "message": "m\ud800"}}
    with OTLPReceiver() as rx:
        result = nx.otlp(rx.url, traces=odd)
    assert result.ok and result.sent_spans == 1
    (_, _, span), = rx.spans()
    assert span.name == "bad \\ud800 text" and span.status.message == "m\\ud800"
    assert pb_attrs(span.attributes) == {"k\\ud800": "v\\ud800"}
    assert len(span.trace_id) == 16 and len(span.span_id) == 8
