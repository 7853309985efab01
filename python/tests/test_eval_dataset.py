"""Golden datasets: MLflow-shaped records, dedup on the inputs hash, upserts,
traces → records, every peer mapper both ways, JSONL / CSV files, the digest."""
import hashlib
import json

import pytest

import nbtrace
from nbtrace._eval import mappers
from nbtrace._eval.records import canonical_json, digest, inputs_hash, normalize_record

Q1 = {"inputs": {"question": "capital of France?"}, "expectations": {"expected_response": "Paris"}}
Q2 = {"inputs": {"question": "2 + 2?", "style": "terse"},
      "expectations": {"expected_facts": ["4"], "guidelines": ["be short"]}, "tags": {"topic": "math", "n": 2},
      "source": {"type": "HUMAN"}}


def test_the_inputs_hash_is_sha256_of_sorted_compact_json():
    inputs = {"b": 1, "a": "é"}
    expected = hashlib.sha256('{"a":"é","b":1}'.encode("utf-8")).hexdigest()
    assert inputs_hash(inputs) == expected == inputs_hash({"a": "é", "b": 1})
    assert canonical_json(inputs) == '{"a":"é","b":1}'


def test_same_inputs_are_one_record_and_an_upsert_merges_expectations():
    ds = nbtrace.Dataset([Q1, Q2], name="golden")
    assert len(ds) == 2
    ds.merge_records([{"inputs": {"question": "capital of France?"},
                       "expectations": {"expected_facts": ["Paris"]}, "tags": {"checked": "yes"}}])
    assert len(ds) == 2
    first = ds[0]
    assert first["expectations"] == {"expected_response": "Paris", "expected_facts": ["Paris"]}
    assert first["tags"] == {"checked": "yes"}
    ds.add({"inputs": {"question": "capital of France?"}, "expectations": {"expected_response": "Paris, France"}})
    assert ds[0]["expectations"]["expected_response"] == "Paris, France"  # the newer expectation wins


def test_the_digest_is_the_content_not_the_order():
    a = nbtrace.Dataset([Q1, Q2])
    b = nbtrace.Dataset([Q2, Q1])
    assert a.digest == b.digest and len(a.digest) == 12
    changed = nbtrace.Dataset([Q1, {**Q2, "expectations": {"expected_facts": ["four"]}}])
    assert changed.digest != a.digest
    assert digest([normalize_record(Q1)]) == nbtrace.Dataset([Q1]).digest


def test_bad_records_say_what_is_wrong():
    with pytest.raises(ValueError, match="needs 'inputs'"):
        nbtrace.Dataset([{"question": "no inputs key"}], format="mlflow")
    with pytest.raises(ValueError, match="'inputs' must be a dict"):
        nbtrace.Dataset([{"inputs": "just text"}])
    with pytest.raises(ValueError, match="unknown record format"):
        nbtrace.Dataset([Q1], format="excel")


def test_from_traces_takes_root_inputs_dedups_and_optionally_the_outputs(displayed):
    nbtrace.configure(display=False)

    @nbtrace.trace
    def agent(question, verbose=False):
        return f"answer to {question}"

    agent("a")
    agent("b")
    agent("a")  # the same inputs again: one record
    traces = nbtrace.last_traces()
    ds = nbtrace.Dataset.from_traces(traces, name="from-traces")
    assert [r["inputs"] for r in ds] == [{"question": "a", "verbose": False}, {"question": "b", "verbose": False}]
    assert all(r["expectations"] == {} for r in ds)
    assert ds[0]["source"] == {"type": "TRACE", "trace_id": traces[0]["info"]["trace_id"]}
    with_outputs = nbtrace.Dataset.from_traces(traces, include_outputs=True)
    assert with_outputs[1]["expectations"] == {"expected_response": "answer to b"}


def test_from_traces_reads_mlflow_expectation_assessments():
    doc = {"info": {"trace_id": "tr-1", "assessments": [
        {"assessment_name": "expected_response", "expectation": {"value": "42"}},
        {"assessment_name": "relevance", "feedback": {"value": 5}}]},
        "data": {"spans": [{"name": "root", "span_id": "AAAAAAAAAAE=", "parent_span_id": None,
                            "start_time_unix_nano": 1, "end_time_unix_nano": 2,
                            "attributes": {"mlflow.spanInputs": '{"q": "meaning"}', "mlflow.spanOutputs": '"41"'},
                            "status": {"code": "STATUS_CODE_OK"}}]}}
    ds = nbtrace.Dataset.from_traces([doc])
    assert ds[0] == {"inputs": {"q": "meaning"}, "expectations": {"expected_response": "42"},
                     "source": {"type": "TRACE", "trace_id": "tr-1"}}


@pytest.mark.parametrize("fmt", mappers.FORMATS)
def test_every_mapper_round_trips_our_records(fmt):
    one_input = fmt in ("ragas", "deepeval")  # (their records have a single input field)
    records = [normalize_record(Q1)] + ([] if one_input else [normalize_record(Q2)])
    ds = nbtrace.Dataset(records)
    back = nbtrace.Dataset(ds.to_records(fmt), format=fmt, input_key="question" if one_input else None)
    expected = records
    if fmt == "mlflow":  # MLflow's tags are strings
        expected = [{**r, "tags": {k: str(v) for k, v in r["tags"].items()}} if "tags" in r else r for r in records]
    if fmt in ("phoenix", "langfuse", "langsmith", "ragas", "deepeval"):  # a HUMAN source has no place there
        expected = [{k: v for k, v in r.items() if k != "source"} for r in expected]
    assert back.records == expected
    assert back.to_records(fmt) == ds.to_records(fmt)  # and the peer's rows come back the same


def test_peer_rows_map_field_by_field():
    phoenix = {"input": {"question": "q"}, "output": {"answer": "a"}, "metadata": {"k": 1}, "span_id": "abc"}
    assert mappers.from_format(phoenix) == {"inputs": {"question": "q"}, "expectations": {"answer": "a"},
                                            "tags": {"k": 1}, "source": {"type": "TRACE", "span_id": "abc"}}
    langfuse = {"input": "hello", "expected_output": "hi", "metadata": {"m": "x"}, "source_trace_id": "t1"}
    assert mappers.from_format(langfuse) == {"inputs": {"input": "hello"}, "expectations": {"expected_response": "hi"},
                                             "tags": {"m": "x"}, "source": {"type": "TRACE", "trace_id": "t1"}}
    assert mappers.to_format(mappers.from_format(langfuse), "langfuse")["expected_output"] == "hi"
    langsmith = {"inputs": {"q": 1}, "outputs": {"answer": 2}, "source_run_id": "r"}
    assert mappers.from_format(langsmith)["expectations"] == {"answer": 2}
    ragas = {"user_input": "why?", "reference": "because", "rubrics": ["cite"], "response": "dunno"}
    assert mappers.from_format(ragas) == {"inputs": {"user_input": "why?"},
                                          "expectations": {"expected_response": "because", "guidelines": ["cite"]},
                                          "outputs": "dunno"}
    deepeval = {"input": "x", "expected_output": "y", "actual_output": "z", "expected_tools": [{"name": "t"}]}
    assert mappers.from_format(deepeval) == {"inputs": {"input": "x"}, "outputs": "z", "expectations": {
        "expected_response": "y", "expected_tool_calls": [{"name": "t"}]}}
    mlflow = {"inputs": {"q": 1}, "expectations": {}, "source": {"source_type": "TRACE",
                                                                 "source_data": {"trace_id": "tr-9"}}}
    assert mappers.from_format(mlflow)["source"] == {"type": "TRACE", "trace_id": "tr-9"}


def test_jsonl_save_and_load_round_trip(tmp_path):
    ds = nbtrace.Dataset([Q1, Q2], name="golden")
    path = ds.save(tmp_path / "golden.jsonl")
    lines = (tmp_path / "golden.jsonl").read_text().splitlines()
    header = json.loads(lines[0])
    assert header["nbtrace"] == "dataset" and header["name"] == "golden" and header["digest"] == ds.digest
    assert len(lines) == 3
    back = nbtrace.Dataset.load(path)
    assert back.name == "golden" and back.records == ds.records and back.digest == ds.digest
    as_mlflow = nbtrace.Dataset.load(ds.save(tmp_path / "mlflow.jsonl", format="mlflow"))
    assert as_mlflow.records[1]["tags"] == {"topic": "math", "n": "2"}  # MLflow's tags are strings
    plain = tmp_path / "plain.jsonl"
    plain.write_text("\n".join(json.dumps(r) for r in [Q1, Q2]) + "\n")
    assert nbtrace.Dataset.load(plain).records == nbtrace.Dataset([Q1, Q2]).records
    assert nbtrace.Dataset.load(plain).name == "plain"


def test_csv_with_json_columns_and_flattened_columns(tmp_path):
    ds = nbtrace.Dataset([Q1, Q2])
    path = ds.save(tmp_path / "golden.csv")
    assert nbtrace.Dataset.load(path).records == ds.records
    flat = tmp_path / "flat.csv"
    flat.write_text('inputs.question,expectations.expected_response,expectations.expected_facts\n'
                    'capital of France?,Paris,"[""Paris""]"\n')
    assert nbtrace.Dataset.load(flat).records == [{"inputs": {"question": "capital of France?"},
                                                  "expectations": {"expected_response": "Paris",
                                                                   "expected_facts": ["Paris"]}}]


def test_named_kernel_datasets_and_add_to_dataset_from_base64(capsys):
    import base64

    record = {"inputs": {"question": "</script><img src=x onerror=alert(1)>"}, "expectations": {}}
    payload = base64.b64encode(json.dumps(record).encode()).decode()
    ds = nbtrace.add_to_dataset("test-ds", payload)
    assert ds is nbtrace.dataset("test-ds") and len(ds) == 1
    assert "added to dataset 'test-ds' (1 record" in capsys.readouterr().out
    nbtrace.add_to_dataset("test-ds", record)
    assert len(nbtrace.dataset("test-ds")) == 1 and "merged into" in capsys.readouterr().out


def test_a_dataset_shows_as_a_static_table_of_escaped_text():
    ds = nbtrace.Dataset([{"inputs": {"q": f"<img src=x onerror=alert({i})>"}, "expectations": {"expected_facts": ["a"]}}
                          for i in range(60)], name="<b>golden</b>")
    page = ds._repr_html_()
    assert page.count("<tr>") == 1 + 50 and "<img" not in page and "<b>" not in page
    assert "&lt;img src=x onerror=alert(0)&gt;" in page and "10 more records" in page
    assert "&lt;nbtrace.Dataset &#x27;&lt;b&gt;golden&lt;/b&gt;&#x27;: 60 records, digest " in page
    assert "<td></td></tr>" in page  # no tags: an empty cell, not "null"
