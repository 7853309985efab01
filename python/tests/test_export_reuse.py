"""The display path's shortcuts give exactly what the plain way gives.

A bundle reuses what it can (``_documents/mlflow.py``: an ended span's dict built once,
its attributes dict, status and empty event list shared within a read-only snapshot),
its static HTML summary reads the span records instead of the span dicts
(``html_summary._record_layout``), and the serializer checks dicts in one pass
(``serialize._plain_dict``). Each test compares with the plain way.
"""
import json

import nbtrace
from nbtrace._documents import html_summary as _html
from nbtrace._documents.mlflow import span_to_dict, trace_snapshot
from nbtrace._notebook.bundle import MIME_TYPE, trace_bundle
from nbtrace._record import serialize as _serialize
from nbtrace._record.serialize import dumps, to_jsonable


def _finished(build):
    build()
    return nbtrace.get_collector().last_finished_trace()


def _wide():
    with nbtrace.start_span("root"):
        for i in range(_html.MAX_ROWS * 3):  # more children than are shown, out of order, some together
            start = 1_700_000_000_000_000_000 + (i * 37 % 50) * 1_000_000 + i % 3  # (+ i % 3: same float)
            nbtrace.get_collector().start_span(f"c{i}", start_time_ns=start).end()
        with nbtrace.start_span("nested"):
            with nbtrace.start_span("grandchild"):
                pass


def _orphans():
    nbtrace.configure(max_spans_per_trace=2)
    with nbtrace.start_span("root"):
        with nbtrace.start_span("kept"):
            pass
        with nbtrace.start_span("dropped"):
            nbtrace.configure(max_spans_per_trace=100)  # its children are recorded: roots of the summary
            for i in range(3):
                with nbtrace.start_span(f"orphan {i}"):
                    with nbtrace.start_span(f"orphan child {i}"):
                        pass


def _failing():
    try:
        with nbtrace.start_span("root") as root:
            root.add_event("note", {"k": 1})
            with nbtrace.start_span("bad"):
                raise ValueError("boom")
    except ValueError:
        pass


def test_html_summary_from_the_records_is_the_one_from_the_dicts():
    for build in (_wide, _orphans, _failing):
        record = _finished(build)
        doc, summary, spans = trace_snapshot(record, shared=True)
        assert _html._record_layout(doc["data"]["spans"], spans) is not None
        from_records = _html.html_summary(doc, summary, spans)
        assert from_records is not None and from_records == _html.html_summary(doc, summary)
        assert trace_bundle(record)["text/html"] == from_records


def test_html_summary_with_a_shared_span_id_falls_back_to_the_dicts():
    record = _finished(_orphans)
    record.spans[-1]._span_id = record.spans[1]._span_id  # (64 random bits collide: never, but exact)
    record.spans[-1]._b64_id = None
    doc, summary, spans = trace_snapshot(record, shared=False)
    assert _html._record_layout(doc["data"]["spans"], spans) is None
    assert _html.html_summary(doc, summary, spans) == _html.html_summary(doc, summary)


def test_a_bundle_holds_what_a_fresh_build_gives_and_fresh_dicts_share_nothing():
    record = _finished(_failing)
    doc = trace_bundle(record)[MIME_TYPE]
    fresh = nbtrace.trace_to_dict(record)
    assert doc == fresh and json.dumps(doc) == json.dumps(fresh)
    assert [span_to_dict(s) for s in record.spans] == fresh["data"]["spans"]
    a, b = fresh["data"]["spans"][0], fresh["data"]["spans"][1]
    a["status"]["message"] = "changed"
    a["events"].append("x")
    a["attributes"]["k"] = "v"
    assert nbtrace.trace_to_dict(record) == doc  # a private copy: the record is untouched
    assert b["status"]["message"] != "changed" and "x" not in b["events"]


def test_a_running_span_changed_after_a_snapshot_shows_and_ended_ones_are_reused():
    with nbtrace.start_span("root") as root:
        with nbtrace.start_span("done"):
            pass
        running = nbtrace.start_span("running")
        first = trace_bundle(root._trace)[MIME_TYPE]["data"]["spans"]
        running.set_outputs({"answer": 42})
        running.set_attribute("extra", [1, 2])
        running.add_event("tick", {"n": 1})
        running.set_status("ERROR", "late failure")
        running.end()
        second = trace_bundle(root._trace)[MIME_TYPE]["data"]["spans"]
        assert second[1] is first[1]  # ended before the first snapshot: built once
        assert second[2] is not first[2]
        assert second == [span_to_dict(s) for s in root._trace.spans]
        late = second[2]
        assert json.loads(late["attributes"]["mlflow.spanOutputs"]) == {"answer": 42}
        assert late["status"] == {"code": "STATUS_CODE_ERROR", "message": "late failure"}
        assert [e["name"] for e in late["events"]] == ["tick"]
        assert first[2]["end_time_unix_nano"] is None and "mlflow.spanOutputs" not in first[2]["attributes"]
        assert first[1]["events"] == [] and first[1]["status"]["message"] == ""


def test_dict_fast_path_counts_every_value_against_the_node_limit(monkeypatch):
    monkeypatch.setattr(_serialize, "MAX_NODES", 6)
    for value in ({"a": [1, 2], "b": 1, "c": 2, "d": 3},  # 1 + 3 + 3 = 7 values: over
                  {"a": [1, 2, 3], "b": 1},  # 1 + 4 + 1 = 6: within
                  {"a": {"b": {"c": 1}}, "d": "x" * 10, "e": None, "f": True, "g": 2 ** 3_001}):
        expected = json.dumps(to_jsonable(value), ensure_ascii=False, allow_nan=False)
        assert dumps(value) == expected
    assert json.loads(dumps({"a": [1, 2], "b": 1, "c": 2, "d": 3})) == {
        "a": [1, 2], "b": 1, "c": 2, "…": "[value too large, truncated]"}
