"""Scorers: argument binding by name, return shapes, each built-in on
hand-checked cases, aggregations, the Trace view they read."""
import pytest

import nbtrace
from nbtrace import scorers
from nbtrace._eval import json_schema
from nbtrace._eval.aggregate import aggregate, percentile
from nbtrace._eval.builtin import levenshtein
from nbtrace._eval.scorer import Scorer, as_scorer


def run(s, inputs=None, outputs=None, expectations=None, trace=None):
    (feedback,) = as_scorer(s).run(inputs or {}, outputs, expectations or {}, trace)
    return feedback


def make_trace(tools=(), fail=None, usage=None, cost=None):
    """A finished trace with TOOL spans, optionally one failing span, token usage and cost."""
    nbtrace.configure(display=False)
    with nbtrace.start_span("agent", span_type="AGENT") as root:
        for name, args in tools:
            with nbtrace.start_span(name, span_type="TOOL") as s:
                s.set_inputs(args)
        if fail:
            try:
                with nbtrace.start_span(fail, span_type="TOOL"):
                    raise RuntimeError("boom")
            except RuntimeError:
                pass
        if usage:
            with nbtrace.start_span("llm", span_type="CHAT_MODEL") as s:
                s.set_token_usage(**usage)
                if cost is not None:
                    s.set_attribute("mlflow.llm.cost", {"input_cost": cost / 2, "output_cost": cost / 2,
                                                        "total_cost": cost})
        root.set_outputs("done")
    return nbtrace.Trace(nbtrace.get_last_trace())


# ------------------------------------------------------------------ binding and shapes
def test_arguments_are_bound_by_name_and_only_those_asked_for():
    seen = {}

    @nbtrace.scorer
    def needs_two(expectations, outputs):
        seen.update(outputs=outputs, expectations=expectations)
        return True

    assert needs_two.name == "needs_two"
    assert needs_two(inputs={"q": 1}, outputs="o", expectations={"e": 2}, trace=None) is True
    assert seen == {"outputs": "o", "expectations": {"e": 2}}
    assert Scorer(lambda **kw: sorted(kw))(1, 2, 3, 4) == ["expectations", "inputs", "outputs", "trace"]
    with pytest.raises(TypeError, match="parameter\\(s\\) answer cannot be given"):
        nbtrace.scorer(lambda outputs, answer: True)


def test_return_shapes_become_feedbacks():
    shapes = [
        (True, [(True, None)]), (0.5, [(0.5, None)]), ("yes", [("yes", None)]),
        (nbtrace.Feedback(False, "too long"), [(False, "too long")]),
        ((0.8, "close"), [(0.8, "close")]),  # Phoenix (score, explanation)
        ({"score": 3, "explanation": "ok"}, [(3, "ok")]),  # Phoenix / Langfuse dict
    ]
    for result, expected in shapes:
        got = Scorer(lambda result=result: result, name="s").run({}, None, {}, None)
        assert [(f.value, f.rationale) for f in got] == expected and all(f.name == "s" for f in got)
    many = Scorer(lambda: [nbtrace.Feedback(1, name="a"), nbtrace.Feedback(2)], name="m").run({}, None, {}, None)
    assert [(f.name, f.value) for f in many] == [("a", 1), ("m/1", 2)]
    (none,) = Scorer(lambda: None, name="n").run({}, None, {}, None)
    assert none.error == "the scorer returned nothing (None)"


def test_a_raising_scorer_is_an_error_score_not_an_exception():
    def broken(outputs):
        raise KeyError("missing")

    (f,) = Scorer(broken).run({}, "x", {}, None)
    assert f.value is None and f.error == "KeyError: 'missing'" and f.name == "broken"


def test_builtins_passed_without_their_call():
    assert as_scorer(scorers.no_errors).name == "no_errors"
    with pytest.raises(TypeError, match="scorers.regex needs its arguments"):
        as_scorer(scorers.regex)


# ------------------------------------------------------------------ text scorers
def test_exact_match():
    s = scorers.exact_match()
    assert run(s, outputs="  Paris ", expectations={"expected_response": "Paris"}).value is True
    assert run(s, outputs="paris", expectations={"expected_response": "Paris"}).value is False
    assert run(scorers.exact_match(case_sensitive=False), outputs="paris",
               expectations={"expected_response": "Paris"}).value is True
    assert run(s, outputs={"answer": "Paris"}, expectations={"expected_response": "Paris"}).value is True
    assert run(s, outputs={"choices": [{"message": {"content": "Paris"}}]},
               expectations={"expected_response": "Paris"}).value is True
    assert run(s, outputs=4, expectations={"expected_response": 4}).value is True
    assert run(s, outputs="x", expectations={}).error == "the record has no expectations['expected_response'] to compare with"


def test_contains_all_and_any():
    facts = {"expected_facts": ["Paris", "Seine", "Louvre"]}
    text = "Paris is on the seine."
    f = run(scorers.contains(), outputs=text, expectations=facts)
    assert f.value is False and f.rationale == "2 of 3 facts found; missing: Louvre"
    assert run(scorers.contains(mode="any"), outputs=text, expectations=facts).value is True
    assert run(scorers.contains(case_sensitive=True), outputs=text, expectations={"expected_facts": ["Seine"]}).value is False
    assert run(scorers.contains(), outputs="it is 4", expectations={"expected_response": "4"}).value is True
    assert scorers.contains(mode="any").name == "contains_any"


def test_regex_and_is_json():
    assert run(scorers.regex(r"\b\d{4}\b"), outputs="in 1889").rationale == "matched '1889'"
    assert run(scorers.regex(r"^\d+$"), outputs="12a").value is False
    assert run(scorers.is_json(), outputs='{"a": 1}').value is True
    assert run(scorers.is_json(), outputs="```json\n[1, 2]\n```").value is True
    assert run(scorers.is_json(), outputs="{a: 1}").value is False
    assert run(scorers.is_json(), outputs={"already": "data"}).value is True
    schema = {"type": "object", "required": ["city", "temp"], "additionalProperties": False,
              "properties": {"city": {"type": "string"}, "temp": {"type": "number", "minimum": -90}}}
    assert run(scorers.is_json(schema), outputs='{"city": "Paris", "temp": 21.5}').value is True
    bad = run(scorers.is_json(schema), outputs='{"city": 3, "extra": true}')
    assert bad.value is False and "temp" in bad.rationale and "city" in bad.rationale and "extra" in bad.rationale
    # nbtrace's own check (used when the jsonschema package is not installed)
    assert json_schema._problems({"city": 3, "extra": True}, schema, "$") == [
        "$: missing required property 'temp'", "$['city']: expected string, got int", "$: unexpected property 'extra'"]
    assert json_schema._problems([1, "a"], {"type": "array", "items": {"type": "integer"}, "maxItems": 1}, "$") == [
        "$: more than 1 items", "$[1]: expected integer, got str"]
    assert json_schema._problems("b", {"enum": ["a"], "anyOf": [{"type": "number"}]}, "$") == [
        "$: 'b' is not one of ['a']", "$: matches none of anyOf"]


def test_levenshtein():
    assert levenshtein("kitten", "sitting") == 3 and levenshtein("", "abc") == 3 and levenshtein("a", "a") == 0
    f = run(scorers.levenshtein_ratio(), outputs="kitten", expectations={"expected_response": "sitting"})
    assert f.value == round(1 - 3 / 7, 4)
    g = run(scorers.levenshtein_ratio(threshold=0.5), outputs="kitten", expectations={"expected_response": "sitting"})
    assert g.value is True and g.rationale == "ratio 0.5714 ≥ 0.5"


# ------------------------------------------------------------------ trace scorers
def test_tool_scorers_read_the_tool_spans():
    trace = make_trace(tools=[("search", {"q": "paris"}), ("weather", {"city": "Paris"})])
    assert run(scorers.tool_called("weather"), trace=trace).value is True
    assert run(scorers.tool_called("calc"), trace=trace).value is False
    expected = {"expected_tool_calls": [{"name": "weather"}, {"name": "search"}]}
    assert run(scorers.tool_calls_match(), trace=trace, expectations=expected).value is True
    assert run(scorers.tool_calls_match(ordered=True), trace=trace, expectations=expected).value is False
    with_args = {"expected_tool_calls": [{"name": "search", "arguments": {"q": "paris"}},
                                         {"name": "weather", "arguments": {"city": "Lyon"}}]}
    assert run(scorers.tool_calls_match(check_arguments=True), trace=trace, expectations=with_args).value is False
    assert run(scorers.tool_calls_match(), trace=trace, expectations={"expected_tool_calls": ["search"]}).value is False


def test_budget_scorers_and_no_errors_read_the_trace():
    trace = make_trace(fail="flaky", usage={"input_tokens": 100, "output_tokens": 50}, cost=0.002)
    assert trace.token_usage == {"input_tokens": 100, "output_tokens": 50, "total_tokens": 150}
    assert trace.cost == pytest.approx(0.002)
    assert run(scorers.tokens_under(150), trace=trace).value is True
    assert run(scorers.tokens_under(149), trace=trace).rationale == "150 tokens > 149"
    assert run(scorers.cost_under(0.001), trace=trace).value is False
    assert run(scorers.latency_under(60_000), trace=trace).value is True
    errors = run(scorers.no_errors(), trace=trace)
    assert errors.value is False and errors.rationale == "flaky: RuntimeError: boom"
    clean = make_trace()
    assert run(scorers.no_errors(), trace=clean).value is True
    assert run(scorers.cost_under(1), trace=clean).error == "the trace reports no cost"
    assert run(scorers.tokens_under(1), trace=clean).error == "the trace reports no token usage"


def test_the_trace_view_of_an_mlflow_v2_dict_and_an_otlp_document():
    v2 = {"info": {"request_id": "tr-2"}, "data": {"spans": [
        {"name": "root", "context": {"span_id": "0x00000000000000aa"}, "parent_id": None, "start_time": 0,
         "end_time": 2_000_000, "status_code": "OK", "attributes": {"mlflow.spanType": '"CHAIN"'}},
        {"name": "t", "context": {"span_id": "0x00000000000000bb"}, "parent_id": "0x00000000000000aa",
         "start_time": 1, "end_time": 2, "status_code": "ERROR", "attributes": {"mlflow.spanType": '"TOOL"'}}]}}
    t = nbtrace.Trace(v2)
    assert t.trace_id == "tr-2" and t.root.name == "root" and t.duration_ms == 2.0
    assert [s.name for s in t.search_spans(span_type="tool")] == ["t"] and len(t.errors) == 1
    otlp = {"resourceSpans": [{"scopeSpans": [{"spans": [
        {"traceId": "ab" * 16, "spanId": "cd" * 8, "name": "llm", "startTimeUnixNano": "1", "endTimeUnixNano": "3",
         "attributes": [{"key": "openinference.span.kind", "value": {"stringValue": "LLM"}},
                        {"key": "llm.token_count.prompt", "value": {"intValue": "7"}},
                        {"key": "llm.token_count.completion", "value": {"intValue": "3"}}],
         "status": {"code": 2}}]}]}]}
    o = nbtrace.Trace(otlp)
    assert o.root.span_type == "LLM" and o.root.status == "ERROR"
    assert o.token_usage == {"input_tokens": 7, "output_tokens": 3, "total_tokens": 10}
    # OpenLLMetry (Traceloop) marks its tool spans with traceloop.span.kind: tool_called sees them.
    traceloop = {"resourceSpans": [{"scopeSpans": [{"spans": [
        {"traceId": "ab" * 16, "spanId": "ef" * 8, "name": "get_weather.tool", "startTimeUnixNano": "1",
         "endTimeUnixNano": "2", "attributes": [{"key": "traceloop.span.kind", "value": {"stringValue": "tool"}}]}]}]}]}
    assert nbtrace.Trace(traceloop).root.span_type == "TOOL"
    assert [s.name for s in nbtrace.Trace(traceloop).search_spans(span_type="TOOL")] == ["get_weather.tool"]


# ------------------------------------------------------------------ aggregations
def test_aggregations_hand_computed():
    assert percentile([1, 2, 3, 4], 50) == 2.5 and percentile([10], 90) == 10.0 and percentile([], 50) is None
    assert percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 90) == pytest.approx(9.1)
    assert aggregate([True, False, True, True]) == {"pass_rate": 0.75}
    assert aggregate(["yes", "no"]) == {"pass_rate": 0.5}
    assert aggregate([1, 2, 6]) == {"mean": 3.0}
    assert aggregate([1, 2, 6], ["min", "max", "median", "p90", "sum"]) == {
        "min": 1, "max": 6, "median": 2, "p90": pytest.approx(5.2), "sum": 9}
    assert aggregate(["free text"]) == {}
