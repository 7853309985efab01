"""The fast paths give exactly what the general paths give.

Speed-ups (see bench/python/overhead.py) replaced ``Signature.bind`` with a plan
prepared at decoration time, ``to_jsonable`` + ``json.dumps`` with a direct encode
of already-plain values, the summary's re-read of the trace dict with counts taken
from the record, and per-snapshot rebuilding with cached dicts of ended spans.
These tests pin each one to the general path it replaces. (No timing is asserted.)
"""
import collections
import enum
import inspect
import json
import warnings

import pytest
from conftest import attr

import nbtrace
from nbtrace._record import inputs as _inputs, serialize as _serialize
from nbtrace._notebook.bundle import MIME_TYPE, trace_bundle
from nbtrace._documents.summary import summarize
from nbtrace._record.serialize import dumps, to_jsonable

# ---------------------------------------------------------------- inputs plan


def f_plain(a, b, c=3):
    pass


def f_kwonly(a, *, k=1, r):
    pass


def f_posonly(a, b=2, /, c=3):
    pass


def f_var(a, *rest, k=0, **extra):
    pass


def f_posonly_kw(a, /, **kw):
    pass


def f_none():
    pass


def f_only_var(*args, **kwargs):
    pass


class K:
    def method(self, x, y=5):
        pass

    @classmethod
    def build(cls, x, *args):
        pass

    @staticmethod
    def static(self_like, z):
        pass


CALLS = [
    (), (1,), (1, 2), (1, 2, 3), (1, 2, 3, 4), (1, 2, 3, 4, 5),
]
KWARGS = [
    {}, {"a": 1}, {"b": 2}, {"c": 3}, {"k": 4}, {"r": 5}, {"extra": 6}, {"a": 1, "b": 2},
    {"k": 1, "r": 2}, {"z": 0}, {"x": 9}, {"y": 8}, {"self": 1}, {"cls": 2}, {"rest": 3},
    {"kw": 4, "a": 5},
]
FUNCS = [f_plain, f_kwonly, f_posonly, f_var, f_posonly_kw, f_none, f_only_var, K.method,
         K.build.__func__, K.static, K().method, len, print]


@pytest.mark.parametrize("func", FUNCS, ids=lambda f: getattr(f, "__qualname__", repr(f)))
def test_inputs_plan_matches_signature_bind(func):
    try:
        signature = inspect.signature(func)
    except (TypeError, ValueError):
        signature = None
    plan = _inputs.InputsPlan(signature)
    for args in CALLS:
        for kwargs in KWARGS:
            expected = _inputs.capture_inputs(signature, args, dict(kwargs))
            got = plan.inputs(args, dict(kwargs))
            assert got == expected, (args, kwargs)
            assert list(got) == list(expected), (args, kwargs)  # same order too


def test_traced_method_inputs_drop_self_and_flatten_kwargs():
    class Agent:
        @nbtrace.trace
        def ask(self, question, *, temperature=0.2, **options):
            return question

    Agent().ask("why?", top_p=0.9)
    span = nbtrace.get_last_trace()["data"]["spans"][0]
    assert attr(span, "mlflow.spanInputs") == {"question": "why?", "temperature": 0.2, "top_p": 0.9}


def test_decorator_attributes_keep_their_order_and_mutable_values_are_read_per_call():
    tags = ["a"]

    @nbtrace.trace(attributes={"team": "search", "tags": tags})
    def tagged(x):
        return x

    @nbtrace.trace(attributes={"team": "search", "version": 2})
    def constant(x):
        return x

    tagged(1)
    tags.append("b")
    tagged(2)
    span = nbtrace.get_last_trace()["data"]["spans"][0]
    assert attr(span, "tags") == ["a", "b"]
    assert list(span["attributes"]) == [
        "mlflow.spanType", "mlflow.traceRequestId", "team", "tags", "mlflow.spanFunctionName",
        "mlflow.spanInputs", "mlflow.spanOutputs"]
    constant(3)
    span = nbtrace.get_last_trace()["data"]["spans"][0]
    assert list(span["attributes"]) == [
        "mlflow.spanType", "mlflow.traceRequestId", "team", "version", "mlflow.spanFunctionName",
        "mlflow.spanInputs", "mlflow.spanOutputs"]


def test_a_listener_sees_a_traced_call_start_complete_and_end_once():
    events = []

    class Recorder:
        def on_span_start(self, span):
            events.append(("start", span.name, span._attributes.get("mlflow.spanInputs")))

        def on_span_change(self, span):
            events.append(("change", span.name, None))

        def on_span_end(self, span):
            events.append(("end", span.name, span._attributes.get("mlflow.spanOutputs")))

    nbtrace.get_collector().add_listener(Recorder())

    @nbtrace.trace
    def double(x):
        return x * 2

    double(21)
    assert events == [("start", "double", '{"x": 21}'), ("end", "double", "42")]


# ---------------------------------------------------------------- dumps


class Color(enum.Enum):
    RED = "red"


class Level(enum.IntEnum):
    HIGH = 3


class MyStr(str):
    pass


class MyInt(int):
    pass


Point = collections.namedtuple("Point", "x y")


def nested(depth):
    value = "leaf"
    for _ in range(depth):
        value = [value]
    return value


VALUES = [
    {"q": "what?", "k": 5, "mode": None, "ok": True, "score": 0.5, "neg": -0.0},
    [1, 2.5, "x", None, False, [], {}, ()],
    ("tuple", ("inner",)),
    {"nested": {"deeper": [{"a": 1e300}, {"b": -7}]}},
    {"é": "ünïcödé ✓", "emoji": "🙂"},
    "bad \ud800 surrogate", {"k": "bad \udfff"}, {"bad \ud800 key": 1},
    {1: "int key", 2.5: "float key", True: "bool key", None: "none key"},
    "x" * _serialize.MAX_STR_LEN, "x" * (_serialize.MAX_STR_LEN + 1),
    ["y" * (_serialize.MAX_STR_LEN + 1)],
    {"k" * 1_000: 1}, {"k" * 1_001: 1},
    2 ** 2_999, -(2 ** 2_999), 2 ** 3_000, [2 ** 3_000], {"big": -(2 ** 3_000)},
    float("nan"), [float("inf")], {"x": float("-inf")},
    list(range(_serialize.MAX_ITEMS)), list(range(_serialize.MAX_ITEMS + 1)),
    {str(i): i for i in range(_serialize.MAX_ITEMS + 1)},
    nested(_serialize.MAX_DEPTH - 1), nested(_serialize.MAX_DEPTH), nested(_serialize.MAX_DEPTH + 1),
    [[i] for i in range(_serialize.MAX_ITEMS)] * 1,
    [list(range(30)) for _ in range(1_700)],  # ~52,700 values: over MAX_NODES
    Point(1, 2), [Point(3, 4)], {"p": Point(5, 6)},
    Color.RED, [Level.HIGH], {"s": MyStr("sub")}, [MyInt(7)],
    collections.OrderedDict(a=1), collections.defaultdict(list, b=[1]),
    {1, 2}, b"bytes", object,
]


@pytest.mark.parametrize("value", VALUES, ids=lambda v: type(v).__name__)
def test_dumps_fast_path_matches_the_general_path(value):
    expected = json.dumps(to_jsonable(value), ensure_ascii=False, allow_nan=False)
    assert dumps(value) == expected
    assert to_jsonable(value) == json.loads(expected)


def test_dumps_fast_path_respects_patched_limits(monkeypatch):
    monkeypatch.setattr(_serialize, "MAX_NODES", 5)
    value = [1, 2, 3, 4, 5, 6, 7]
    assert dumps(value) == json.dumps(to_jsonable(value), ensure_ascii=False, allow_nan=False)
    assert json.loads(dumps(value))[-1] == "…[value too large, truncated]"


def test_cycles_still_become_markers():
    value = {"a": []}
    value["a"].append(value)
    assert json.loads(dumps(value)) == {"a": ["<cycle: dict>"]}


# ---------------------------------------------------------------- export and summary


def _summary_matches(record):
    bundle = trace_bundle(record)
    assert bundle["text/plain"] == summarize(bundle[MIME_TYPE])
    assert bundle[MIME_TYPE] == nbtrace.trace_to_dict(record) or \
        bundle[MIME_TYPE]["info"]["state"] == "IN_PROGRESS"  # running: elapsed time moves
    return bundle


def test_bundle_summary_matches_summarize_of_the_dict(monkeypatch):
    @nbtrace.trace(span_type="LLM")
    def llm(prompt):
        nbtrace.get_current_span().set_token_usage(input_tokens=12, output_tokens=30)
        return "answer"

    @nbtrace.trace
    def failing():
        raise ValueError("boom")

    with nbtrace.start_span("agent") as root:
        running = _summary_matches(root._trace)
        assert running["text/plain"].endswith("running>")
        llm("hi")
        try:
            failing()
        except ValueError:
            pass
        _summary_matches(root._trace)
    bundle = _summary_matches(root._trace)
    assert "42 tokens" in bundle["text/plain"] and "1 error" in bundle["text/plain"]

    collector = nbtrace.get_collector()
    monkeypatch.setattr(collector, "max_spans_per_trace", 2)
    with nbtrace.start_span("capped") as root:
        for _ in range(4):
            llm("again")
    _summary_matches(root._trace)

    old = collector.start_span("old", start_time_ns=1_000)  # not an epoch time: ms from info
    old.end(end_time_ns=5_000_000)
    _summary_matches(old._trace)


def test_snapshots_share_ended_span_dicts_and_get_last_trace_is_a_fresh_copy():
    with nbtrace.start_span("agent") as root:
        with nbtrace.start_span("step"):
            pass
        first = trace_bundle(root._trace)[MIME_TYPE]["data"]["spans"]
        second = trace_bundle(root._trace)[MIME_TYPE]["data"]["spans"]
        assert first[1] is second[1]  # the ended child: built once
        assert first[0] is not second[0]  # the running root: rebuilt
    assert all(span._export is None for span in root._trace.spans)  # released at the end
    final = nbtrace.get_last_trace()
    assert final["data"]["spans"][1] == first[1]
    final["data"]["spans"][1]["attributes"]["mlflow.spanType"] = '"CHANGED"'
    assert nbtrace.get_last_trace()["data"]["spans"][1]["attributes"]["mlflow.spanType"] == '"UNKNOWN"'
    assert first[1]["attributes"]["mlflow.spanType"] == '"UNKNOWN"'


def test_an_ended_span_never_changes_even_if_it_ends_while_a_value_serializes():
    with nbtrace.start_span("agent") as root:
        span = nbtrace.start_span("step", parent=root)

        class EndsTheSpan:
            def to_dict(self):
                span.end()
                return {"late": True}

        before = trace_bundle(root._trace)  # noqa: F841 (a snapshot while running)
        with warnings.catch_warnings(record=True) as record:
            warnings.simplefilter("always")
            span.set_outputs(EndsTheSpan())
            span.set_attribute("late", EndsTheSpan())
        assert any("ended span" in str(w.message) for w in record)
        ended = trace_bundle(root._trace)[MIME_TYPE]["data"]["spans"][1]
        assert "mlflow.spanOutputs" not in ended["attributes"] and "late" not in ended["attributes"]
        assert trace_bundle(root._trace)[MIME_TYPE]["data"]["spans"][1] is ended
