"""Hostile values, interrupts, threads and limits: tracing never breaks user code, and
whatever nbtrace emits stays valid JSON (strict: no NaN, valid UTF-8) that says what
it cut or dropped."""
import collections
import dataclasses
import json
import math
import re
import socket
import sys
import threading
import warnings
from unittest import mock

import pytest
from conftest import attr, spans_by_name
from jupyter_client.session import json_packer

import nbtrace
from nbtrace import _util
from nbtrace._documents import mlflow as _export
from nbtrace._record import collector as _collector, decorator as _decorator, serialize as _serialize, span as _span
from nbtrace._record.limits import configure_limits
from nbtrace._record.serialize import dumps, to_jsonable


# ---------------------------------------------------------------- helpers
def _no_constant(name):
    raise AssertionError(f"{name} in the JSON")


def strict(doc):
    """What the front end gets must be strict JSON: no NaN/Infinity tokens, valid
    UTF-8, and accepted by Jupyter's own message serializer without its fallback."""
    text = json.dumps(doc, ensure_ascii=False, allow_nan=False)
    json.loads(text.encode("utf-8"), parse_constant=_no_constant)  # strict UTF-8
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # json_packer warns when it has to clean a message
        json_packer(doc)
    return doc


def strict_value(encoded):
    """One JSON-encoded span attribute value: strict JSON; the decoded value."""
    encoded.encode("utf-8")
    return json.loads(encoded, parse_constant=_no_constant)


def cut_text(text):
    """``("x", 5000)`` for ``"xxx…[truncated 4990 chars]"``: the kept character and
    the original length (kept + cut), which the marker must account for exactly."""
    match = re.fullmatch(r"(.)\1*…\[truncated (\d+) chars\]", text)
    assert match, text[-60:]
    return match.group(1), text.index("…") + int(match.group(2))


@pytest.fixture
def limits():
    """Restore the recording limits after the test."""
    saved = configure_limits()
    yield
    configure_limits(**saved)


@pytest.fixture
def no_warnings():
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no internal failure may even need reporting
        yield


# ---------------------------------------------------------------- hostile values
class RaisesEverywhere:
    """Every hook a serializer might call raises."""

    def __repr__(self):
        raise RuntimeError("repr")

    def __str__(self):
        raise RuntimeError("str")

    def __eq__(self, other):
        raise RuntimeError("eq")

    def __hash__(self):
        raise RuntimeError("hash")

    def __len__(self):
        raise RuntimeError("len")

    def __iter__(self):
        raise RuntimeError("iter")

    def __bool__(self):
        raise RuntimeError("bool")

    def __getattr__(self, name):
        raise RuntimeError(f"getattr {name}")


class RaisesOnAnyAttribute:
    def __getattribute__(self, name):
        raise RuntimeError(f"getattribute {name}")


class ReprNotStr:
    def __repr__(self):
        return 42


class ReprSurrogate:
    def __repr__(self):
        return "bad \ud800 repr"


class EvilLenDict(dict):
    def __len__(self):
        raise RuntimeError("len")


class EvilIterList(list):
    def __iter__(self):
        raise RuntimeError("iter")


class EndlessMapping(collections.abc.Mapping):
    """Iterating never ends and len() fails: the conversion must stop by itself."""

    def __iter__(self):
        n = 0
        while True:
            yield f"k{n}"
            n += 1

    def __len__(self):
        raise TypeError("endless")

    def __getitem__(self, key):
        return 1


class ArrayLike:
    size = 4

    def tolist(self):
        return [1.0, float("nan"), float("inf"), -float("inf")]


class BrokenModel:
    def model_dump(self, **kwargs):
        raise ValueError("validation error")

    def __repr__(self):
        return "BrokenModel()"


@dataclasses.dataclass
class Node:
    name: str
    other: object = None

    @property
    def broken(self):  # pragma: no cover - not a field
        raise RuntimeError


@dataclasses.dataclass
class Holder:
    value: object


def _graph():
    a, b = Node("a"), Node("b")
    a.other, b.other = b, a
    return a


def _self_list():
    value = [1]
    value.append(value)
    return value


def _cyclic_dict():
    value = {"name": "d"}
    value["self"] = {"parent": value}
    return value


def _deep(n, make):
    value = "leaf"
    for _ in range(n):
        value = make(value)
    return value


HOSTILE = {
    "raises everywhere": RaisesEverywhere(),
    "getattribute raises": RaisesOnAnyAttribute(),
    "repr not str": ReprNotStr(),
    "repr surrogate": ReprSurrogate(),
    "len raises": EvilLenDict(a=1),
    "iter raises": EvilIterList([1, 2]),
    "endless mapping": EndlessMapping(),
    "lock": threading.Lock(),
    "rlock": threading.RLock(),
    "generator": (i for i in range(3)),
    "huge int": 10 ** 5_000,
    "huge negative int": -(10 ** 5_000),
    "bytes": b"\xff\x00binary",
    "bytearray": bytearray(b"text"),
    "memoryview": memoryview(b"view"),
    "array-like with NaN": ArrayLike(),
    "model_dump raises": BrokenModel(),
    "dataclass with hostile field": Holder(RaisesEverywhere()),
    "non-str keys": {(1, 2): "tuple", None: "none", 2.5: "float", frozenset([1]): "frozenset",
                     RaisesEverywhere.__new__(ReprNotStr): "object"},
    "colliding keys": {1: "int", "1": "str"},
    "sets": {"set": {3, "a", None}, "frozenset": frozenset([1.5])},
    "NaN and infinities": {"nan": math.nan, "inf": math.inf, "list": [-math.inf, math.nan]},
    "lone surrogates": {"value": "a\ud800b", "key \udc80": "\udfff", "\ud83d": ["\ud800"]},
    "list containing itself": _self_list(),
    "dict cycle": _cyclic_dict(),
    "object graph cycle": _graph(),
    "10k deep list": _deep(10_000, lambda v: [v]),
    "10k deep dict": _deep(10_000, lambda v: {"d": v}),
    "mock": mock.MagicMock(),
}


@pytest.mark.parametrize("name", list(HOSTILE))
def test_hostile_values_pass_through_and_the_trace_stays_strict_json(name, displayed, no_warnings):
    nbtrace.configure(update_interval=0)
    value = HOSTILE[name]

    @nbtrace.trace
    def identity(x):
        with nbtrace.start_span("inner") as span:
            span.set_attribute("value", x)
            span.add_event("seen", {"value": x})
        return x

    assert identity(value) is value
    assert displayed, "the trace was displayed"
    for bundle, _, _ in displayed:
        strict(bundle)
    trace = strict(nbtrace.get_last_trace())
    for span in trace["data"]["spans"]:
        for encoded in span["attributes"].values():
            strict_value(encoded)
    assert "mlflow.spanOutputs" in spans_by_name(trace)["identity"]["attributes"]


def test_hostile_values_become_markers_that_say_what_happened():
    out = to_jsonable(HOSTILE)
    assert out["raises everywhere"] == "<unrepresentable RaisesEverywhere object>"
    assert out["repr not str"] == "<unrepresentable ReprNotStr object>"
    assert out["repr surrogate"] == "bad \\ud800 repr"
    assert out["len raises"] == {"a": 1}
    assert out["endless mapping"]["…"] == "[more entries truncated]"
    assert len(out["endless mapping"]) == _serialize.MAX_ITEMS + 1
    assert out["generator"].startswith("<generator object")
    assert list(HOSTILE["generator"]) == [0, 1, 2]  # not consumed
    assert out["huge int"] == "<int with 16610 bits: about 10^5000, too large to record>"
    assert out["huge negative int"].startswith("<int with 16610 bits: -about 10^5000")
    assert out["array-like with NaN"] == [1.0, "NaN", "Infinity", "-Infinity"]
    assert out["model_dump raises"] == "BrokenModel()"
    assert out["dataclass with hostile field"] == {"value": "<unrepresentable RaisesEverywhere object>"}
    assert out["colliding keys"] == {"1": "int", "1 (str)": "str"}  # nothing lost silently
    assert out["non-str keys"]["(1, 2)"] == "tuple" and out["non-str keys"]["null"] == "none"
    assert out["non-str keys"]["<unrepresentable ReprNotStr object>"] == "object"
    assert out["lone surrogates"] == {"value": "a\\ud800b", "key \\udc80": "\\udfff",
                                      "\\ud83d": ["\\ud800"]}
    assert out["list containing itself"] == [1, "<cycle: list>"]
    assert out["dict cycle"] == {"name": "d", "self": {"parent": "<cycle: dict>"}}
    assert out["object graph cycle"] == {"name": "a", "other": {"name": "b", "other": "<cycle: Node>"}}
    deep, depth = to_jsonable(HOSTILE["10k deep list"]), 0
    while isinstance(deep, list):
        deep, depth = deep[0], depth + 1
    assert deep == "<list: max depth 32 reached>" and depth == _serialize.MAX_DEPTH
    deep, depth = to_jsonable(HOSTILE["10k deep dict"]), 0
    while isinstance(deep, dict):
        deep, depth = deep["d"], depth + 1
    assert deep == "<dict: max depth 32 reached>" and depth == _serialize.MAX_DEPTH
    strict(out)


def test_unsortable_and_unhashable_things_in_sets_and_keys():
    class Unordered:
        def __lt__(self, other):
            raise TypeError("no order")

        def __repr__(self):
            return "U"

    assert to_jsonable({Unordered(), Unordered()}) == ["U", "U"]
    assert to_jsonable({1: "a", True: "b"}) == {"1": "b"}  # (one key in Python already)


def test_sockets_and_open_files_are_described_not_read(tmp_path):
    path = tmp_path / "data.txt"
    path.write_text("secret contents")
    with socket.socket() as sock, open(path) as handle:
        text = dumps({"sock": sock, "file": handle})
        assert handle.tell() == 0  # nothing was read
    out = strict_value(text)
    assert out["sock"].startswith("<socket.socket")
    assert out["file"].startswith("<_io.TextIOWrapper") and "secret" not in text


def test_very_deep_recursion_in_traced_code_still_returns():
    @nbtrace.trace
    def dive(n):
        try:
            return dive(n + 1)
        except RecursionError:
            return n

    depth = dive(0)
    assert depth > 10
    assert nbtrace.get_current_span() is None  # no span left current
    trace = nbtrace.get_last_trace()
    assert trace["info"]["state"] == "OK" and len(trace["data"]["spans"]) >= depth - 2
    assert nbtrace.get_collector().active_traces() == []


# ---------------------------------------------------------------- names, keys, messages
def test_surrogates_and_hostile_text_in_names_keys_and_messages(displayed, no_warnings):
    nbtrace.configure(update_interval=0)

    class BadMessage(Exception):
        def __str__(self):
            return "broken \ud800 message"

    with pytest.raises(BadMessage):
        with nbtrace.start_span("root \ud800") as root:
            root.set_attribute("key \udc80", "v")
            root.set_attributes({RaisesEverywhere.__new__(ReprNotStr): 1})
            root.add_event("event \ud800", {"k \ud800": "v \udfff"})
            root.set_token_usage(input_tokens=1, output_tokens=2, **{"cached \ud800": 3})
            with nbtrace.start_span(RaisesEverywhere(), span_type="TOOL \ud800") as child:
                child.set_status("ERROR", "status \ud800")
            raise BadMessage()
    for bundle, _, _ in displayed:
        strict(bundle)
    trace = strict(nbtrace.get_last_trace())
    root, child = trace["data"]["spans"]
    assert root["name"] == "root \\ud800"
    assert trace["info"]["tags"]["mlflow.traceName"] == "root \\ud800"
    assert attr(root, "key \\udc80") == "v"
    assert attr(root, "<unrepresentable ReprNotStr object>") == 1
    assert root["status"]["message"] == "BadMessage: broken \\ud800 message"
    assert root["events"][0]["name"] == "event \\ud800"
    assert attr(root, "mlflow.chat.tokenUsage")["cached \\ud800"] == 3
    assert child["name"] == "<unrepresentable RaisesEverywhere object>"
    assert attr(child, "mlflow.spanType") == "TOOL \\ud800"
    assert child["status"]["message"] == "status \\ud800"


def test_start_span_with_hostile_arguments_never_raises():
    class NoTruth:
        def __bool__(self):
            raise ValueError("truth value of an array is ambiguous")

        def __str__(self):
            return "NoTruth"

    with pytest.warns(nbtrace.NbtraceWarning, match="starting a span"):
        with nbtrace.start_span("s", span_type=NoTruth()) as span:
            span.set_inputs(1)  # a NonRecordingSpan: accepts everything
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with nbtrace.start_span("attrs", attributes=mock.MagicMock()) as span2:
            pass
    assert span2.is_ended
    with pytest.warns(nbtrace.NbtraceWarning, match="set_attributes"):
        with nbtrace.start_span("array attrs", attributes=NoTruth()) as span3:
            pass
    assert span3.is_ended and nbtrace.get_last_trace()["data"]["spans"][0]["name"] == "array attrs"

    with pytest.warns(nbtrace.NbtraceWarning, match="attributes=...") as record:
        @nbtrace.trace(attributes=NoTruth())
        def tool(x):
            return x + 1

        assert tool(1) == 2
    assert len(record) == 1
    assert nbtrace.get_last_trace()["data"]["spans"][0]["name"] == "tool"


def test_bad_timestamps_fall_back_to_now():
    collector = nbtrace.get_collector()
    with pytest.warns(nbtrace.NbtraceWarning, match="not a time"):
        span = collector.start_span("future", start_time_ns=10 ** 30)  # out of datetime range
        span.add_event("e", timestamp_ns="soon")
        with nbtrace.start_span("child", parent=span) as child:
            pass
        child_end = child.end_time_ns
        span.end(end_time_ns=float("nan"))
    assert span.is_ended and child_end is not None
    trace = strict(nbtrace.get_last_trace())
    assert trace["info"]["request_time"].endswith("Z")
    assert trace["data"]["spans"][0]["events"][0]["time_unix_nano"] > 10 ** 18


def test_infinite_and_nan_token_counts_are_skipped_not_fatal(no_warnings):
    with nbtrace.start_span("llm") as span:
        span.set_token_usage(input_tokens=float("inf"), output_tokens=5, total_tokens=float("nan"))
    trace = strict(nbtrace.get_last_trace())
    assert attr(trace["data"]["spans"][0], "mlflow.chat.tokenUsage") == {
        "output_tokens": 5, "total_tokens": 5}


# ---------------------------------------------------------------- huge values
def test_huge_values_are_cut_to_max_value_chars_with_markers(limits):
    assert configure_limits(max_value_chars=1_000)["max_value_chars"] == 1_000

    @nbtrace.trace
    def tool(text, docs):
        return {"answer": "y" * 5_000, "docs": docs, "tail": 1}

    tool("x" * 5_000, [f"doc {i} " + "z" * 100 for i in range(100)])
    span = nbtrace.get_last_trace()["data"]["spans"][0]
    inputs_json = span["attributes"]["mlflow.spanInputs"]
    inputs = strict_value(inputs_json)
    assert cut_text(inputs["text"]) == ("x", 5_000)
    assert inputs["…"] == "[1 more entries truncated: over max_value_chars=1000]"  # docs
    outputs = strict_value(span["attributes"]["mlflow.spanOutputs"])
    assert cut_text(outputs["answer"]) == ("y", 5_000)
    assert outputs["…"] == "[2 more entries truncated: over max_value_chars=1000]"
    assert len(inputs_json) < 1_200

    many = [f"item {i}" for i in range(500)]
    out = to_jsonable(many)
    assert len(json.dumps(out)) < 1_200
    assert out[-1].startswith("…[") and out[-1].endswith("more items truncated: over max_value_chars=1000]")
    assert out[:-1] == many[:len(out) - 1]  # a prefix, then the marker


def test_default_limit_bounds_the_whole_value_not_only_each_string():
    value = ["x" * 90_000] * 20  # 1.8 million characters of plain JSON
    text = dumps(value)
    assert len(text) < _serialize.DEFAULT_MAX_VALUE_CHARS + 200
    out = strict_value(text)
    assert out[0] == value[0]
    assert cut_text(out[1]) == ("x", 90_000)
    assert out[2] == "…[18 more items truncated: over max_value_chars=100000]"
    assert dumps(value) == json.dumps(to_jsonable(value), ensure_ascii=False)  # fast path = general


def test_a_whole_document_can_be_made_json_safe_without_the_value_budget():
    doc = {"spans": [{"name": f"s{i}", "text": "t" * 1_000, "x": math.nan} for i in range(500)]}
    out = to_jsonable(doc, max_chars=sys.maxsize)
    assert len(out["spans"]) == 500 and out["spans"][-1] == {"name": "s499", "text": "t" * 1_000, "x": "NaN"}
    assert to_jsonable(doc)["spans"][-1].startswith("…[")  # (the default: one recorded value)


def test_events_generators_and_attributes_are_bounded_too(limits):
    configure_limits(max_value_chars=500)

    @nbtrace.trace
    def stream():
        for i in range(50):
            yield "w" * 100 + str(i)

    assert len(list(stream())) == 50
    with nbtrace.start_span("s") as span:
        span.add_event("big", {"payload": "p" * 5_000})
        span.set_attribute("big", {"k": "a" * 5_000})
    gen_out = strict_value(nbtrace.last_traces(2)[0]["data"]["spans"][0]["attributes"]["mlflow.spanOutputs"])
    assert len(json.dumps(gen_out)) < 700 and "over max_value_chars=500" in gen_out[-1]
    span_dict = nbtrace.get_last_trace()["data"]["spans"][0]
    assert cut_text(span_dict["events"][0]["attributes"]["payload"]) == ("p", 5_000)
    assert attr(span_dict, "big")["k"].endswith("chars]") and len(span_dict["attributes"]["big"]) < 600


def test_configure_limits_validates_everything_before_changing_anything(limits):
    before = configure_limits()
    for bad in ({"max_value_chars": 0}, {"max_value_chars": True}, {"max_value_chars": 1.5},
                {"max_spans_per_trace": 0}, {"max_events_per_span": -1},
                {"max_value_chars": 10, "max_spans_per_trace": "many"}):
        with pytest.raises(ValueError, match="nbtrace.configure"):
            configure_limits(**bad)
        assert configure_limits() == before


# ---------------------------------------------------------------- span / event limits
def test_span_limit_says_how_many_were_dropped_on_the_root_and_in_the_metadata(limits, displayed):
    configure_limits(max_spans_per_trace=3)

    @nbtrace.trace
    def step(i):
        nbtrace.get_current_span().set_attribute("i", i)
        return i * 2

    with nbtrace.start_span("agent") as root:
        assert [step(i) for i in range(7)] == [0, 2, 4, 6, 8, 10, 12]  # dropped spans still work
    trace = strict(nbtrace.get_last_trace())
    assert [s["name"] for s in trace["data"]["spans"]] == ["agent", "step", "step"]
    assert trace["info"]["trace_metadata"]["nbtrace.droppedSpans"] == "5"
    assert attr(trace["data"]["spans"][0], "nbtrace.dropped_spans") == 5
    assert root.status == "OK"
    assert displayed[-1][0][nbtrace.MIME_TYPE]["info"]["trace_metadata"]["nbtrace.droppedSpans"] == "5"


def test_a_root_is_recorded_whatever_the_limit(limits):
    configure_limits(max_spans_per_trace=1)
    with nbtrace.start_span("root"):
        with nbtrace.start_span("dropped"):
            pass
    trace = nbtrace.get_last_trace()
    assert [s["name"] for s in trace["data"]["spans"]] == ["root"]
    assert trace["info"]["state"] == "OK"


def test_event_limit_zero_still_says_how_many_were_dropped(limits):
    configure_limits(max_events_per_span=0)
    with nbtrace.start_span("s") as span:
        span.add_event("a")
        span.add_event("b")
    trace = strict(nbtrace.get_last_trace())
    assert trace["data"]["spans"][0]["events"] == [{
        "name": "nbtrace.dropped_events", "time_unix_nano": span.start_time_ns,
        "attributes": {"count": 2}}]
    assert trace["info"]["trace_metadata"]["nbtrace.droppedEvents"] == "2"


# ---------------------------------------------------------------- nbtrace's own failures
def test_broken_serializer_reports_once_per_kind_and_calls_return(monkeypatch):
    def broken(value):
        raise RuntimeError("serializer bug")

    for module in (_span, _decorator):  # the serializer as spans and @trace call it
        monkeypatch.setattr(module, "dumps", broken)

    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")

        @nbtrace.trace
        def double(x):
            return x * 2

        assert [double(i) for i in range(20)] == [i * 2 for i in range(20)]
    messages = sorted({str(w.message).split(" failed")[0] for w in record})
    assert len(messages) == len(record)  # once per kind, not once per call
    assert {"nbtrace: preparing a traced function", "nbtrace: set_inputs",
            "nbtrace: set_outputs"} <= set(messages) <= {
        "nbtrace: preparing a traced function", "nbtrace: set_inputs", "nbtrace: set_outputs",
        "nbtrace: recording the span type"}  # (the last one unless "UNKNOWN" was cached)
    assert nbtrace.get_last_trace()["data"]["spans"][0]["status"]["code"] == "STATUS_CODE_OK"


def test_broken_exporter_reports_once_and_user_code_continues(monkeypatch, displayed):
    def broken(*args, **kwargs):
        raise RuntimeError("exporter bug")

    monkeypatch.setattr(_export, "_build_span_dict", broken)

    @nbtrace.trace
    def work(x):
        return x + 1

    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        assert [work(i) for i in range(10)] == list(range(1, 11))
    assert [str(w.message) for w in record] == [
        "nbtrace: displaying the trace failed (RuntimeError: exporter bug); "
        "tracing continues, your code is unaffected."]
    assert displayed == []


def test_report_internal_error_never_raises_and_caps_distinct_kinds(monkeypatch):
    class Unprintable(Exception):
        def __str__(self):
            raise RuntimeError("no str")

    with warnings.catch_warnings():
        warnings.simplefilter("error")  # warnings as errors: still never raises
        _util.report_internal_error("kind", Unprintable())
    _util.reset_reported_errors()
    monkeypatch.setattr(_util, "MAX_REPORTED_KINDS", 5)
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        _util.report_internal_error("unprintable", Unprintable())
        for i in range(50):
            _util.report_internal_error(f"kind {i}")
    messages = [str(w.message) for w in record]
    assert messages[0].startswith("nbtrace: unprintable failed (Unprintable: Unprintable())")
    assert len(messages) == 6
    assert "many different internal errors" in messages[-1]


# ---------------------------------------------------------------- interrupts
def test_system_exit_propagates_unchanged_and_the_span_says_interrupted():
    exit_ = SystemExit(3)

    @nbtrace.trace
    def quits():
        raise exit_

    with pytest.raises(SystemExit) as info:
        with nbtrace.start_span("agent"):
            quits()
    assert info.value is exit_
    trace = nbtrace.get_last_trace()
    assert trace["info"]["state"] == "ERROR"
    for span in trace["data"]["spans"]:
        assert span["status"] == {"code": "STATUS_CODE_ERROR", "message":
                                  "SystemExit: exit code 3; interrupted while this span was running"}


def test_keyboard_interrupt_in_a_generator_propagates_and_says_interrupted():
    @nbtrace.trace
    def produce():
        yield 1
        raise KeyboardInterrupt

    seen = []
    with pytest.raises(KeyboardInterrupt):
        for item in produce():
            seen.append(item)
    assert seen == [1]
    span = nbtrace.get_last_trace()["data"]["spans"][0]
    assert span["status"]["message"] == "KeyboardInterrupt: interrupted while this span was running"
    assert attr(span, "mlflow.spanOutputs") == [1]


def test_generator_exit_propagates_unchanged_and_ends_the_span():
    err = GeneratorExit()

    @nbtrace.trace
    def closing():
        raise err

    with pytest.raises(GeneratorExit) as info:
        closing()
    assert info.value is err
    span = nbtrace.get_last_trace()["data"]["spans"][0]
    assert span["end_time_unix_nano"] is not None
    # GeneratorExit is how a generator is closed early (a consumer's `break`): not a failure.
    assert span["status"]["code"] == "STATUS_CODE_OK"


def test_keyboard_interrupt_while_serializing_is_not_swallowed():
    class SlowRepr:
        def __repr__(self):
            raise KeyboardInterrupt  # the user pressed interrupt while nbtrace was at work

    @nbtrace.trace
    def tool(x):
        return "done"

    with pytest.raises(KeyboardInterrupt):
        tool(SlowRepr())
    with pytest.raises(KeyboardInterrupt):
        dumps([SlowRepr()])


def test_keyboard_interrupt_in_a_listener_is_not_swallowed_and_the_trace_still_finishes():
    heard = []

    class Interrupting:
        def on_span_end(self, span):
            if span.name == "root":
                raise KeyboardInterrupt

    class Recorder:
        def on_span_end(self, span):
            heard.append(("end", span.name))

        def on_trace_end(self, trace):
            heard.append(("trace", trace.name))

    collector = nbtrace.get_collector()
    collector.add_listener(Interrupting())
    collector.add_listener(Recorder())
    with pytest.raises(KeyboardInterrupt):
        with nbtrace.start_span("root"):
            nbtrace.start_span("left running")
    assert heard == [("end", "root"), ("end", "left running"), ("trace", "root")]
    trace = nbtrace.get_last_trace()
    assert trace["info"]["tags"]["mlflow.traceName"] == "root" and trace["info"]["state"] == "OK"
    assert collector.active_traces() == []


# ---------------------------------------------------------------- threads
def test_many_threads_trace_at_once_without_deadlock_or_lost_spans(displayed):
    nbtrace.configure(update_interval=0)  # publish on every change: most lock traffic
    errors = []
    n_threads, n_calls = 8, 25

    @nbtrace.trace
    def leaf(i):
        nbtrace.get_current_span().add_event("tick", {"i": i})
        return i

    def shared_work(t):
        try:
            for i in range(n_calls):
                leaf(i)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    def own_trace(t):
        try:
            with nbtrace.start_span(f"own-{t}"):
                for i in range(n_calls):
                    leaf(i)
        except BaseException as exc:  # pragma: no cover
            errors.append(exc)

    def reader(stop):
        while not stop.is_set():
            for record in nbtrace.get_collector().active_traces():
                strict(nbtrace.trace_to_dict(record))

    stop = threading.Event()
    with nbtrace.start_span("shared") as root:
        forgotten = threading.Thread(target=nbtrace.wrap_context(
            lambda: nbtrace.start_span("never ended", parent=root)))
        threads = [threading.Thread(target=nbtrace.wrap_context(shared_work), args=(t,))
                   for t in range(n_threads)]
        threads += [threading.Thread(target=own_trace, args=(t,)) for t in range(n_threads)]
        threads += [forgotten, threading.Thread(target=reader, args=(stop,))]
        for thread in threads:
            thread.start()
        for thread in threads[:-1]:
            thread.join(timeout=30)
        stop.set()
        threads[-1].join(timeout=30)
    assert not any(thread.is_alive() for thread in threads), "deadlock"
    assert errors == []
    traces = {t["info"]["tags"]["mlflow.traceName"]: t for t in nbtrace.last_traces()}
    shared = traces["shared"]
    names = collections.Counter(s["name"] for s in shared["data"]["spans"])
    assert names == {"shared": 1, "leaf": n_threads * n_calls, "never ended": 1}
    never = [s for s in shared["data"]["spans"] if s["name"] == "never ended"][0]
    assert never["status"] == {"code": "STATUS_CODE_ERROR",
                               "message": "still running when the root span ended"}
    for t in range(n_threads):
        assert len(traces[f"own-{t}"]["data"]["spans"]) == n_calls + 1
    for bundle, _, _ in displayed[-5:]:
        strict(bundle)
    assert nbtrace.get_current_span() is None


def test_a_thread_whose_root_span_never_ends_blocks_nothing():
    started = threading.Event()

    def leak():
        nbtrace.start_span("leaked root")  # never ended, never current
        started.set()

    thread = threading.Thread(target=leak)
    thread.start()
    assert started.wait(timeout=10)
    thread.join(timeout=10)
    with nbtrace.start_span("main"):
        pass
    assert nbtrace.get_last_trace()["info"]["tags"]["mlflow.traceName"] == "main"
    assert [t.name for t in nbtrace.get_collector().active_traces()] == ["leaked root"]


# ---------------------------------------------------------------- the collector's module
def test_configure_limits_is_what_the_collector_and_serializer_use(limits):
    configure_limits(max_value_chars=123, max_spans_per_trace=7, max_events_per_span=9)
    assert _serialize.MAX_VALUE_CHARS == _serialize.MAX_STR_LEN == 123
    assert _collector.get_collector().max_spans_per_trace == 7
    assert _span.MAX_EVENTS_PER_SPAN == 9
