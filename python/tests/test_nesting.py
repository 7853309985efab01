"""Parenting, ordering, inputs/outputs of the decorator, and the start_span API."""
import json

import pytest
from conftest import attr, spans_by_name

import nbtrace


@nbtrace.trace(span_type="TOOL")
def leaf(x):
    return x * 2


@nbtrace.trace(name="middle-step", span_type="CHAIN", attributes={"team": "search"})
def middle(x):
    return leaf(x) + leaf(x + 1)


@nbtrace.trace
def top(x, scale=10):
    return middle(x) * scale


def test_three_levels_parent_ids_and_sibling_order():
    assert top(1) == (2 + 4) * 10
    trace = nbtrace.get_last_trace()
    spans = trace["data"]["spans"]
    assert [s["name"] for s in spans] == ["top", "middle-step", "leaf", "leaf"]
    root, mid, leaf1, leaf2 = spans
    assert root["parent_span_id"] is None
    assert mid["parent_span_id"] == root["span_id"]
    assert leaf1["parent_span_id"] == mid["span_id"]
    assert leaf2["parent_span_id"] == mid["span_id"]
    assert leaf1["span_id"] != leaf2["span_id"]
    assert leaf1["start_time_unix_nano"] <= leaf1["end_time_unix_nano"] <= leaf2["start_time_unix_nano"]
    assert root["start_time_unix_nano"] <= mid["start_time_unix_nano"]
    assert mid["end_time_unix_nano"] <= root["end_time_unix_nano"]
    assert len({s["trace_id"] for s in spans}) == 1
    assert attr(leaf1, "mlflow.spanInputs") == {"x": 1}
    assert attr(leaf2, "mlflow.spanInputs") == {"x": 2}
    assert attr(leaf2, "mlflow.spanOutputs") == 4


def test_decorator_options_and_defaults():
    top(2)
    spans = spans_by_name(nbtrace.get_last_trace())
    assert attr(spans["top"], "mlflow.spanType") == "UNKNOWN"
    assert attr(spans["top"], "mlflow.spanInputs") == {"x": 2, "scale": 10}  # defaults applied
    assert attr(spans["top"], "mlflow.spanFunctionName") == "top"
    assert attr(spans["middle-step"], "mlflow.spanType") == "CHAIN"
    assert attr(spans["middle-step"], "mlflow.spanFunctionName") == "middle"
    assert attr(spans["middle-step"], "team") == "search"
    assert attr(spans["leaf"], "mlflow.spanType") == "TOOL"


def test_wraps_preserves_metadata():
    @nbtrace.trace(name="x")
    def documented(a: int, b: str = "q") -> str:
        """Docs here."""
        return b * a

    assert documented.__name__ == "documented"
    assert documented.__doc__ == "Docs here."
    assert documented.__wrapped__(2) == "qq"
    import inspect
    assert list(inspect.signature(documented).parameters) == ["a", "b"]


def test_separate_calls_are_separate_traces():
    leaf(1)
    first = nbtrace.get_last_trace()
    leaf(2)
    second = nbtrace.get_last_trace()
    assert first["info"]["trace_id"] != second["info"]["trace_id"]
    assert len(second["data"]["spans"]) == 1


class Agent:
    prefix = ">"

    @nbtrace.trace
    def run(self, question, *extra, verbose=False, **options):
        return f"{self.prefix}{question}"

    @classmethod
    @nbtrace.trace
    def build(cls, size):
        return cls()

    @staticmethod
    @nbtrace.trace
    def helper(value):
        return value


def test_self_and_cls_excluded_and_kwargs_flattened():
    Agent().run("hi", 1, 2, verbose=True, temperature=0.5)
    span = nbtrace.get_last_trace()["data"]["spans"][0]
    assert attr(span, "mlflow.spanInputs") == {
        "question": "hi", "extra": [1, 2], "verbose": True, "temperature": 0.5}
    Agent.build(3)
    assert attr(nbtrace.get_last_trace()["data"]["spans"][0], "mlflow.spanInputs") == {"size": 3}
    Agent.helper("v")
    assert attr(nbtrace.get_last_trace()["data"]["spans"][0], "mlflow.spanInputs") == {"value": "v"}


def test_bad_call_raises_the_users_own_type_error():
    with pytest.raises(TypeError, match="missing 1 required positional argument"):
        leaf()
    span = nbtrace.get_last_trace()["data"]["spans"][0]
    assert span["status"]["code"] == "STATUS_CODE_ERROR"


def test_start_span_api_methods():
    assert nbtrace.get_current_span() is None
    with nbtrace.start_span("outer", span_type="AGENT", attributes={"k": 1}) as outer:
        assert nbtrace.get_current_span() is outer
        outer.set_inputs({"q": "why?"})
        outer.set_attribute("model", "gpt-x")
        outer.set_attributes({"a": [1, 2], "b": {"c": None}})
        outer.add_event("checkpoint", {"step": 1}, timestamp_ns=1_700_000_000_000_000_000)
        outer.add_event("now")
        with nbtrace.start_span("inner") as inner:
            assert nbtrace.get_current_span() is inner
            assert inner.parent_id == outer.span_id
            assert inner.trace_id == outer.trace_id
            inner.set_status("ERROR", message="soft failure")
        assert nbtrace.get_current_span() is outer
        outer.set_outputs("because")
    assert nbtrace.get_current_span() is None
    assert outer.parent_id is None and outer.name == "outer"
    assert len(outer.span_id) == 16 and outer.trace_id.startswith("tr-") and len(outer.trace_id) == 35

    trace = nbtrace.get_last_trace()
    spans = spans_by_name(trace)
    o, i = spans["outer"], spans["inner"]
    assert trace["info"]["trace_id"] == outer.trace_id
    assert attr(o, "mlflow.spanType") == "AGENT"
    assert attr(o, "k") == 1 and attr(o, "model") == "gpt-x"
    assert attr(o, "a") == [1, 2] and attr(o, "b") == {"c": None}
    assert attr(o, "mlflow.spanInputs") == {"q": "why?"}
    assert attr(o, "mlflow.spanOutputs") == "because"
    assert o["events"][0] == {"name": "checkpoint", "time_unix_nano": 1_700_000_000_000_000_000,
                              "attributes": {"step": 1}}
    assert o["events"][1]["name"] == "now" and o["events"][1]["time_unix_nano"] > 1e18
    assert o["status"] == {"code": "STATUS_CODE_OK", "message": ""}
    assert i["status"] == {"code": "STATUS_CODE_ERROR", "message": "soft failure"}
    assert trace["info"]["state"] == "OK"  # the trace state follows the root only
    assert json.loads(trace["info"]["trace_metadata"]["mlflow.traceInputs"]) == {"q": "why?"}


def test_manual_end_and_non_current_span():
    span = nbtrace.start_span("manual")
    assert nbtrace.get_current_span() is None  # start_span alone does not make it current
    assert not span.is_ended and nbtrace.get_last_trace() is None
    span.set_outputs(42)
    span.end()
    span.end()  # idempotent
    trace = nbtrace.get_last_trace()
    assert trace["info"]["tags"]["mlflow.traceName"] == "manual"
    assert attr(trace["data"]["spans"][0], "mlflow.spanOutputs") == 42


def test_decorated_call_inside_start_span_nests():
    with nbtrace.start_span("parent"):
        leaf(5)
    spans = spans_by_name(nbtrace.get_last_trace())
    assert spans["leaf"]["parent_span_id"] == spans["parent"]["span_id"]


def test_outputs_set_inside_body_are_kept():
    @nbtrace.trace
    def summarizing():
        nbtrace.get_current_span().set_outputs({"summary": "custom"})
        return "raw"

    assert summarizing() == "raw"
    span = nbtrace.get_last_trace()["data"]["spans"][0]
    assert attr(span, "mlflow.spanOutputs") == {"summary": "custom"}


def test_inputs_are_snapshotted_at_call_time():
    @nbtrace.trace
    def mutate(items):
        items.append("later")
        return len(items)

    mutate(["first"])
    span = nbtrace.get_last_trace()["data"]["spans"][0]
    assert attr(span, "mlflow.spanInputs") == {"items": ["first"]}
