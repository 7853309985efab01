"""nbtrace.show: display existing trace documents."""
import json

import pytest
from conftest import FIXTURES_ROOT

import nbtrace
from nbtrace import MIME_TYPE
from nbtrace._notebook.show import show_bundle

FIXTURES = FIXTURES_ROOT / "mlflow"

OTLP = {
    "resourceSpans": [{
        "resource": {"attributes": [{"key": "service.name", "value": {"stringValue": "demo"}}]},
        "scopeSpans": [{
            "scope": {"name": "manual"},
            "spans": [
                {"traceId": "5b8efff798038103d269b633813fc60c", "spanId": "eee19b7ec3c1b174",
                 "parentSpanId": "", "name": "agent", "kind": 1,
                 "startTimeUnixNano": "1700000000000000000", "endTimeUnixNano": "1700000001500000000",
                 "status": {"code": 1}},
                {"traceId": "5b8efff798038103d269b633813fc60c", "spanId": "eee19b7ec3c1b175",
                 "parentSpanId": "eee19b7ec3c1b174", "name": "tool", "kind": 1,
                 "startTimeUnixNano": "1700000000100000000", "endTimeUnixNano": "1700000000200000000",
                 "status": {"code": 2, "message": "boom"}},
            ],
        }],
    }]
}


def test_show_otlp_dict_passes_through(displayed):
    nbtrace.show(OTLP)
    (bundle, display_id, update), = displayed
    assert bundle[MIME_TYPE] == OTLP
    assert bundle["text/plain"] == "<nbtrace trace 'agent' · 2 spans · 1 error · 1.50 s>"


def test_show_mlflow_dict_json_string_and_jsonl(displayed):
    doc = json.loads((FIXTURES / "v3-trace__qa-chain-3spans-assessment-tokenusage__js-test-utils.json")
                     .read_text())
    nbtrace.show(doc)
    nbtrace.show(json.dumps(doc))
    nbtrace.show(json.dumps(OTLP) + "\n\n" + json.dumps(OTLP) + "\n")
    assert displayed[0][0][MIME_TYPE] == doc
    assert displayed[1][0][MIME_TYPE] == doc
    assert displayed[0][0]["text/plain"] == (
        "<nbtrace trace 'document-qa-chain' · 3 spans · 300 tokens · 32.58 s>")
    assert displayed[2][0][MIME_TYPE] == [OTLP, OTLP]
    assert displayed[2][0]["text/plain"] == "<nbtrace 2 traces · 4 spans · 2 errors>"


def test_show_object_with_to_dict_and_list(displayed):
    with nbtrace.start_span("ours"):
        pass
    ours = nbtrace.get_last_trace()
    # the automatic live display: shown at the start, updated in place at the end
    assert [update for _, _, update in displayed] == [False, True]
    assert displayed[-1][0][MIME_TYPE] == ours
    displayed.clear()

    class FakeMlflowTrace:
        def to_dict(self):
            return ours

    nbtrace.show(FakeMlflowTrace())
    nbtrace.show([ours, OTLP])
    assert displayed[0][0][MIME_TYPE] == ours
    assert displayed[0][0]["text/plain"].startswith("<nbtrace trace 'ours' · 1 span · ")
    assert displayed[1][0][MIME_TYPE] == [ours, OTLP]


def test_show_sanitizes_non_json_values():
    bundle = show_bundle({"info": {"x": float("nan"), "b": b"raw"}, "data": {"spans": []}})
    json.dumps(bundle, allow_nan=False)
    assert bundle[MIME_TYPE]["info"] == {"x": "NaN", "b": "raw"}


@pytest.mark.parametrize("bad, error", [
    (42, TypeError), (None, TypeError), ({"hello": 1}, ValueError), ("", ValueError),
    ("not json at all", ValueError), ('{"info": {}}\nnot json', ValueError), ([], ValueError),
    ([1, 2], TypeError), ("[1]", TypeError),
])
def test_show_rejects_invalid_input(bad, error, displayed):
    with pytest.raises(error, match="nbtrace.show"):
        nbtrace.show(bad)
    assert displayed == []


def test_show_outside_kernel_prints_summary(capsys):
    nbtrace.show(OTLP)
    assert capsys.readouterr().out.strip() == "<nbtrace trace 'agent' · 2 spans · 1 error · 1.50 s>"
