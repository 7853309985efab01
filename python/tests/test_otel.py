"""nbtrace.otel: OpenTelemetry API spans (real opentelemetry-api) become nbtrace spans.

OpenTelemetry's global TracerProvider is set-once per process. So that these
tests do not depend on their order (or on other test files), the module fixture
resets the API's private globals ``opentelemetry.trace._TRACER_PROVIDER`` /
``_TRACER_PROVIDER_SET_ONCE`` before instrumenting, tests that change the global
provider restore it (``fresh_global``), and the module ends with
``uninstrument()`` plus the same reset.
"""
import asyncio
import json
import threading
import warnings

import pytest
from conftest import attr, b64, spans_by_name, kernel_env
from opentelemetry import context, trace
from opentelemetry.trace import Link, SpanKind, Status, StatusCode
from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator
from opentelemetry.util._once import Once

import nbtrace
import nbtrace.otel
from nbtrace import NbtraceWarning

MIME = nbtrace.MIME_TYPE


def _reset_otel_global():
    """Forget OpenTelemetry's (set-once) global provider — test-only use of its privates."""
    trace._TRACER_PROVIDER = None
    trace._TRACER_PROVIDER_SET_ONCE = Once()


@pytest.fixture(scope="module", autouse=True)
def provider():
    _reset_otel_global()
    p = nbtrace.otel.instrument()
    yield p
    nbtrace.otel.uninstrument()
    _reset_otel_global()


@pytest.fixture(autouse=True)
def instrumented(provider):
    assert nbtrace.otel.instrument() is provider  # (again: idempotent; undoes a test's uninstrument)
    assert trace.get_tracer_provider() is provider
    yield provider


@pytest.fixture
def fresh_global(provider):
    """A test that sets another global provider: start unset, restore ours afterwards."""
    nbtrace.otel.uninstrument()
    _reset_otel_global()
    yield
    nbtrace.otel.uninstrument()
    _reset_otel_global()
    nbtrace.otel.instrument()


@pytest.fixture
def tracer():
    return trace.get_tracer("tests.otel", "1.2.3")


def tree(doc):
    """{name: parent name} of an exported trace."""
    by_id = {s["span_id"]: s["name"] for s in doc["data"]["spans"]}
    return {s["name"]: by_id.get(s["parent_span_id"]) for s in doc["data"]["spans"]}


def nb(span):
    return span.nbtrace_span


# ---------------------------------------------------------------- nesting and ids
def test_three_levels_nest_via_the_api_and_ids_are_nbtrace_ids(tracer):
    with tracer.start_as_current_span("root") as root:
        assert trace.get_current_span() is root
        assert nbtrace.get_current_span() is nb(root)  # current for nbtrace too
        with tracer.start_as_current_span("child") as child:
            leaf = tracer.start_span("leaf")  # implicit parent: the current span
            with trace.use_span(leaf, end_on_exit=True):
                explicit = tracer.start_span("explicit", context=trace.set_span_in_context(root))
                explicit.end()
        orphan = tracer.start_span("new-root", context=context.Context())  # empty context: a new trace
        orphan.end()
    assert trace.get_current_span() is trace.INVALID_SPAN
    doc = nbtrace.get_last_trace()
    assert [s["name"] for s in doc["data"]["spans"]] == ["root", "child", "leaf", "explicit"]
    assert tree(doc) == {"root": None, "child": "root", "leaf": "child", "explicit": "root"}
    assert doc["info"]["state"] == "OK" and doc["info"]["tags"]["mlflow.traceName"] == "root"
    ctx = child.get_span_context()
    assert ctx.is_valid and not ctx.is_remote and ctx.trace_flags.sampled
    assert ctx.trace_id == int.from_bytes(b64(doc["data"]["spans"][1]["trace_id"]), "big")
    assert ctx.span_id == int.from_bytes(b64(doc["data"]["spans"][1]["span_id"]), "big")
    assert f"tr-{ctx.trace_id:032x}" == doc["info"]["trace_id"] == nb(child).trace_id
    assert f"{ctx.span_id:016x}" == nb(child).span_id
    assert nb(orphan).trace_id != nb(root).trace_id and nb(orphan).parent is None


def test_w3c_traceparent_carries_nbtrace_ids_and_extract_nests(tracer):
    propagator = TraceContextTextMapPropagator()
    with tracer.start_as_current_span("client") as client:
        headers = {}
        propagator.inject(headers)
        # a "server" in the same process continues under the injected span
        with tracer.start_as_current_span("server", context=propagator.extract(headers)) as server:
            pass
    ctx = client.get_span_context()
    assert headers["traceparent"] == f"00-{ctx.trace_id:032x}-{ctx.span_id:016x}-01"
    assert headers["traceparent"].split("-")[1] == nb(client).trace_id[3:]
    assert nb(server).parent is nb(client)
    remote = propagator.extract({"traceparent": "00-" + "ab" * 16 + "-" + "cd" * 8 + "-01"})
    with tracer.start_as_current_span("from-elsewhere", context=remote):
        pass
    attrs = nbtrace.get_last_trace()["data"]["spans"][0]["attributes"]
    assert json.loads(attrs["otel.parent.trace_id"]) == "ab" * 16
    assert json.loads(attrs["otel.parent.span_id"]) == "cd" * 8


def test_a_child_of_a_finished_trace_starts_a_new_trace_naming_its_parent(tracer):
    done = tracer.start_span("done")
    done.end()
    late = tracer.start_span("late", context=trace.set_span_in_context(done))
    late.end()
    assert nb(late).parent is None and nb(late).trace_id != nb(done).trace_id
    s = nbtrace.get_last_trace()["data"]["spans"][0]
    assert attr(s, "otel.parent.span_id") == nb(done).span_id
    assert attr(s, "otel.parent.trace_id") == nb(done).trace_id[3:]


# ---------------------------------------------------------------- span data
def test_attributes_of_every_otel_type_events_status_and_links(tracer):
    other = tracer.start_span("linked")
    other.end()
    link = Link(other.get_span_context(), {"why": "retry"})
    values = {"s": "text", "b": True, "i": 42, "f": 1.5, "ls": ["a", "b"], "lb": [True, False],
              "li": (1, 2, 3), "lf": [0.5], "empty": []}
    with tracer.start_as_current_span("work", kind=SpanKind.CLIENT, attributes=values,
                                      links=[link]) as span:
        span.set_attribute("later", "x")
        span.set_attributes({"more": 1, "ignored_none": None})
        span.add_event("checkpoint", {"step": 1, "tags": ("x", "y")}, timestamp=1_700_000_000_123_456_789)
        span.add_event("now")
        span.add_link(other.get_span_context(), {"n": 2})
        span.update_name("work-renamed")
        span.set_status(Status(StatusCode.ERROR, "went wrong"))
        span.set_status(StatusCode.OK)  # SDK semantics: OK may follow ERROR ...
        span.set_status(StatusCode.ERROR, "too late")  # ... and is final
    doc = nbtrace.get_last_trace()
    s = spans_by_name(doc)["work-renamed"]
    for key, value in values.items():
        assert attr(s, key) == (list(value) if isinstance(value, tuple) else value)
    assert attr(s, "later") == "x" and attr(s, "more") == 1 and "ignored_none" not in s["attributes"]
    assert attr(s, "otel.span_kind") == "CLIENT"
    assert attr(s, "otel.scope.name") == "tests.otel" and attr(s, "otel.scope.version") == "1.2.3"
    ctx = other.get_span_context()
    ids = {"trace_id": f"{ctx.trace_id:032x}", "span_id": f"{ctx.span_id:016x}"}
    assert attr(s, "otel.links") == [{**ids, "attributes": {"why": "retry"}}, {**ids, "attributes": {"n": 2}}]
    checkpoint, now = s["events"]
    assert checkpoint == {"name": "checkpoint", "time_unix_nano": 1_700_000_000_123_456_789,
                          "attributes": {"step": 1, "tags": ["x", "y"]}}
    assert now["name"] == "now" and now["time_unix_nano"] >= s["start_time_unix_nano"]
    assert s["status"] == {"code": "STATUS_CODE_OK", "message": ""}
    assert doc["info"]["tags"]["mlflow.traceName"] == "work-renamed"


def test_record_exception_and_error_status(tracer):
    with tracer.start_as_current_span("manual") as span:
        try:
            raise KeyError("missing")
        except KeyError as exc:
            span.record_exception(exc, attributes={"extra": "yes"}, timestamp=1_700_000_000_000_000_000)
        span.set_status(StatusCode.ERROR, "handled it")
    s = nbtrace.get_last_trace()["data"]["spans"][0]
    (event,) = s["events"]
    assert event["name"] == "exception" and event["time_unix_nano"] == 1_700_000_000_000_000_000
    a = event["attributes"]
    assert a["exception.type"] == "KeyError" and a["exception.message"] == "'missing'"
    assert "Traceback" in a["exception.stacktrace"] and "KeyError" in a["exception.stacktrace"]
    assert a["exception.escaped"] == "False" and a["extra"] == "yes"
    assert s["status"] == {"code": "STATUS_CODE_ERROR", "message": "handled it"}


class AppError(Exception):
    pass


def test_exception_in_a_current_span_is_recorded_and_propagates_unchanged(tracer):
    error = AppError("boom")
    with pytest.raises(AppError) as caught:
        with tracer.start_as_current_span("outer"):
            with tracer.start_as_current_span("inner"):
                raise error
    assert caught.value is error
    assert trace.get_current_span() is trace.INVALID_SPAN and nbtrace.get_current_span() is None
    doc = nbtrace.get_last_trace()
    assert doc["info"]["state"] == "ERROR"
    for s in doc["data"]["spans"]:
        assert s["status"] == {"code": "STATUS_CODE_ERROR", "message": "AppError: boom"}
        (event,) = s["events"]
        assert event["attributes"]["exception.type"] == f"{__name__}.AppError"
        assert event["attributes"]["exception.escaped"] == "True"


def test_exception_flags_manual_status_and_start_span_as_context_manager(tracer):
    with pytest.raises(ValueError):
        with tracer.start_as_current_span("quiet", record_exception=False, set_status_on_exception=False):
            raise ValueError("not recorded")
    s = nbtrace.get_last_trace()["data"]["spans"][0]
    assert s["events"] == [] and s["status"]["code"] != "STATUS_CODE_ERROR"
    with pytest.raises(ValueError):
        with tracer.start_as_current_span("own-status") as span:
            span.set_status(Status(StatusCode.ERROR, "my description"))
            raise ValueError("x")
    assert nbtrace.get_last_trace()["data"]["spans"][0]["status"]["message"] == "my description"
    with pytest.raises(ValueError):
        with tracer.start_span("not-current") as span:  # SDK semantics: recorded, then ended
            assert trace.get_current_span() is not span
            raise ValueError("y")
    s = nbtrace.get_last_trace()["data"]["spans"][0]
    assert s["status"]["message"] == "ValueError: y" and s["end_time_unix_nano"] is not None


def test_start_as_current_span_decorates_sync_and_async_functions(tracer):
    @tracer.start_as_current_span("sync-fn")
    def work(x):
        assert trace.get_current_span().name == "sync-fn"
        return x + 1

    @tracer.start_as_current_span("async-fn")
    async def awork(x):
        await asyncio.sleep(0)
        with tracer.start_as_current_span("awaited-child"):
            await asyncio.sleep(0)
        return x * 2

    assert work(1) == 2 and work(2) == 3
    assert [s["name"] for s in nbtrace.get_last_trace()["data"]["spans"]] == ["sync-fn"]
    assert asyncio.run(awork(4)) == 8
    doc = nbtrace.get_last_trace()
    assert tree(doc) == {"async-fn": None, "awaited-child": "async-fn"}


def test_explicit_times_is_recording_and_calls_after_end_are_ignored_silently(tracer):
    span = tracer.start_span("timed", start_time=1_700_000_000_000_000_000)
    assert span.is_recording()
    span.end(end_time=1_700_000_002_500_000_000)
    assert not span.is_recording()
    with warnings.catch_warnings():
        warnings.simplefilter("error", NbtraceWarning)
        span.set_attribute("late", 1)
        span.add_event("late")
        span.set_status(StatusCode.ERROR, "late")
        span.update_name("late")
        span.end()
    s = nbtrace.get_last_trace()["data"]["spans"][0]
    assert s["name"] == "timed" and "late" not in s["attributes"] and s["events"] == []
    assert (s["start_time_unix_nano"], s["end_time_unix_nano"]) == (1_700_000_000_000_000_000,
                                                                     1_700_000_002_500_000_000)
    assert s["status"]["code"] == "STATUS_CODE_OK"
    assert nbtrace.get_last_trace()["info"]["execution_duration_ms"] == 2_500


# ---------------------------------------------------------------- OpenInference / GenAI
OI_KINDS = ["LLM", "CHAIN", "TOOL", "RETRIEVER", "EMBEDDING", "AGENT", "RERANKER", "GUARDRAIL", "EVALUATOR"]


@pytest.mark.parametrize("kind", OI_KINDS)
def test_openinference_span_kind_at_start_and_later(tracer, kind):
    with tracer.start_as_current_span("a", attributes={"openinference.span.kind": kind}) as a:
        assert nb(a).span_type == kind
    with tracer.start_as_current_span("b") as b:
        assert nb(b).span_type == "UNKNOWN"
        b.set_attribute("openinference.span.kind", kind.lower())
        assert nb(b).span_type == kind
    s = nbtrace.get_last_trace()["data"]["spans"][0]
    assert attr(s, "mlflow.spanType") == kind and attr(s, "openinference.span.kind") == kind.lower()


GENAI = {"chat": "CHAT_MODEL", "text_completion": "LLM", "generate_content": "LLM",
         "embeddings": "EMBEDDING", "retrieval": "RETRIEVER", "execute_tool": "TOOL",
         "invoke_agent": "AGENT", "create_agent": "AGENT", "invoke_workflow": "CHAIN"}


@pytest.mark.parametrize("operation", sorted(GENAI))
def test_genai_operation_name_gives_the_span_type(tracer, operation):
    with tracer.start_as_current_span(operation, attributes={"gen_ai.operation.name": operation}) as a:
        assert nb(a).span_type == GENAI[operation]
    with tracer.start_as_current_span("later") as b:
        b.set_attribute("gen_ai.operation.name", operation)
    assert attr(nbtrace.get_last_trace()["data"]["spans"][0], "mlflow.spanType") == GENAI[operation]


def test_kind_priority_and_fallbacks(tracer):
    with tracer.start_as_current_span("x", attributes={"gen_ai.operation.name": "chat"}) as span:
        span.set_attribute("openinference.span.kind", "AGENT")  # OpenInference wins
        assert nb(span).span_type == "AGENT"
    with tracer.start_as_current_span("tool", attributes={"gen_ai.tool.name": "search"}) as span:
        assert nb(span).span_type == "TOOL"
    with tracer.start_as_current_span("model", attributes={"gen_ai.request.model": "gpt"}) as span:
        assert nb(span).span_type == "LLM"
    with tracer.start_as_current_span("db", attributes={"db.system": "sqlite"}) as span:
        assert nb(span).span_type == "UNKNOWN"  # the renderer shows it as DB
    # OpenLLMetry (Traceloop) decorators: traceloop.span.kind.
    for kind, expected in (("workflow", "WORKFLOW"), ("task", "TASK"), ("agent", "AGENT"), ("tool", "TOOL")):
        with tracer.start_as_current_span(f"{kind}.x", attributes={"traceloop.span.kind": kind}) as span:
            assert nb(span).span_type == expected
    with tracer.start_as_current_span("later") as span:
        span.set_attribute("traceloop.span.kind", "tool")
        assert nb(span).span_type == "TOOL"


def test_openinference_inputs_outputs_and_token_counts(tracer):
    with tracer.start_as_current_span("llm", attributes={
            "openinference.span.kind": "LLM",
            "input.value": json.dumps({"messages": [{"role": "user", "content": "hi"}]}),
            "input.mime_type": "application/json",
            "llm.model_name": "gpt-x"}) as span:
        span.set_attribute("output.value", '{"not": "parsed"}')  # no JSON mime type: a string
        span.set_attribute("llm.token_count.prompt", 12)
        span.set_attribute("llm.token_count.completion", 30)
        span.set_attribute("llm.token_count.prompt_details.cache_read", 4)
        assert nb(span).token_usage == {"input_tokens": 12, "output_tokens": 30, "total_tokens": 42,
                                        "cache_read_input_tokens": 4}
        span.set_attribute("llm.token_count.total", 43)
    doc = nbtrace.get_last_trace()
    s = doc["data"]["spans"][0]
    assert attr(s, "mlflow.spanInputs") == {"messages": [{"role": "user", "content": "hi"}]}
    assert attr(s, "mlflow.spanOutputs") == '{"not": "parsed"}'
    assert attr(s, "mlflow.chat.tokenUsage") == {"input_tokens": 12, "output_tokens": 30,
                                                 "total_tokens": 43, "cache_read_input_tokens": 4}
    assert attr(s, "input.mime_type") == "application/json" and attr(s, "llm.model_name") == "gpt-x"
    assert attr(s, "llm.token_count.prompt") == 12  # raw attributes are kept
    assert json.loads(doc["info"]["trace_metadata"]["mlflow.traceInputs"])["messages"][0]["content"] == "hi"
    assert json.loads(doc["info"]["trace_metadata"]["mlflow.trace.tokenUsage"])["total_tokens"] == 43
    # the mime type may come after the value
    with tracer.start_as_current_span("late-mime") as span:
        span.set_attribute("output.value", "[1, 2]")
        span.set_attribute("output.mime_type", "application/json")
    assert attr(nbtrace.get_last_trace()["data"]["spans"][0], "mlflow.spanOutputs") == [1, 2]


def test_genai_token_usage_and_messages(tracer):
    messages = [{"role": "user", "parts": [{"type": "text", "content": "hello"}]}]
    with tracer.start_as_current_span("chat gpt-x", kind=SpanKind.CLIENT, attributes={
            "gen_ai.operation.name": "chat", "gen_ai.request.model": "gpt-x",
            "gen_ai.input.messages": json.dumps(messages)}) as span:
        span.set_attribute("gen_ai.usage.input_tokens", 100)
        span.set_attribute("gen_ai.usage.output_tokens", 20)
        span.set_attribute("gen_ai.usage.cache_read.input_tokens", 50)
        span.set_attribute("gen_ai.response.finish_reasons", ["stop"])
    s = nbtrace.get_last_trace()["data"]["spans"][0]
    assert attr(s, "mlflow.spanType") == "CHAT_MODEL"
    assert attr(s, "mlflow.spanInputs") == messages
    assert attr(s, "mlflow.chat.tokenUsage") == {"input_tokens": 100, "output_tokens": 20,
                                                 "total_tokens": 120, "cache_read_input_tokens": 50}
    assert attr(s, "gen_ai.response.finish_reasons") == ["stop"]
    with tracer.start_as_current_span("tool", attributes={"gen_ai.operation.name": "execute_tool",
                                                          "gen_ai.tool.call.arguments": '{"q": "x"}'}) as t:
        t.set_attribute("gen_ai.tool.call.result", "found")
    s = nbtrace.get_last_trace()["data"]["spans"][0]
    assert attr(s, "mlflow.spanInputs") == {"q": "x"} and attr(s, "mlflow.spanOutputs") == "found"


# ---------------------------------------------------------------- mixing with nbtrace spans
def test_otel_and_nbtrace_spans_nest_in_both_directions(tracer):
    @nbtrace.trace(span_type="TOOL")
    def tool(x):
        with tracer.start_as_current_span("otel-in-tool") as inner:
            inner.set_attribute("x", x)
        return x

    with nbtrace.start_span("nb-root", span_type="AGENT"):
        with tracer.start_as_current_span("otel-mid"):
            tool(1)
            with nbtrace.start_span("nb-mid"):
                with tracer.start_as_current_span("otel-leaf"):
                    pass
        lone = tracer.start_span("otel-not-current")  # implicit parent: nb-root
        with trace.use_span(lone, end_on_exit=True):  # the API's use_span: only OTel's context
            with nbtrace.start_span("nb-under-use-span"):  # nests under it all the same
                pass
    doc = nbtrace.get_last_trace()
    assert tree(doc) == {"nb-root": None, "otel-mid": "nb-root", "tool": "otel-mid",
                         "otel-in-tool": "tool", "nb-mid": "otel-mid", "otel-leaf": "nb-mid",
                         "otel-not-current": "nb-root", "nb-under-use-span": "otel-not-current"}
    assert len({s["trace_id"] for s in doc["data"]["spans"]}) == 1


def test_threads_continue_the_trace_with_context_attach(tracer):
    @nbtrace.trace
    def step(i):
        return i

    def worker(ctx, i):
        token = context.attach(ctx)
        try:
            with tracer.start_as_current_span(f"thread-{i}"):
                step(i)
            step(-i)  # an nbtrace span directly under the attached OTel span
        finally:
            context.detach(token)

    with tracer.start_as_current_span("parent"):
        ctx = context.get_current()
        threads = [threading.Thread(target=worker, args=(ctx, i)) for i in (1, 2, 3)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        plain = threading.Thread(target=lambda: tracer.start_span("unattached").end())
        plain.start()
        plain.join()
    doc = nbtrace.get_last_trace()
    spans = doc["data"]["spans"]
    by_id = {s["span_id"]: s for s in spans}
    assert sorted(s["name"] for s in spans) == ["parent", "step", "step", "step", "step", "step", "step",
                                                "thread-1", "thread-2", "thread-3"]
    for s in spans:
        if s["name"].startswith("thread-"):
            assert by_id[s["parent_span_id"]]["name"] == "parent"
        elif s["name"] == "step":
            parent = by_id[s["parent_span_id"]]["name"]
            value = attr(s, "mlflow.spanInputs")["i"]
            assert parent == (f"thread-{value}" if value > 0 else "parent")
    unattached = nbtrace.get_collector().finished_traces()[-2]
    assert unattached.name == "unattached"  # a thread without the context: a new trace


# ---------------------------------------------------------------- live display
def test_live_display_publishes_at_start_and_updates_to_the_end(tracer, displayed):
    nbtrace.configure(update_interval=0)
    span = tracer.start_span("live", attributes={"openinference.span.kind": "AGENT"})
    assert len(displayed) == 1
    bundle, display_id, update = displayed[0]
    assert update is False and display_id == nb(span)._trace.display_id
    doc = bundle[MIME]
    assert doc["info"]["state"] == "IN_PROGRESS" and doc["data"]["spans"][0]["end_time_unix_nano"] is None
    assert bundle["text/plain"].startswith("<nbtrace trace 'live' · 1 span · running")
    with tracer.start_as_current_span("child", context=trace.set_span_in_context(span)) as child:
        child.set_attribute("gen_ai.usage.input_tokens", 5)
    assert [u for _, _, u in displayed[1:]] == [True] * (len(displayed) - 1) and len(displayed) >= 4
    assert displayed[-1][0][MIME]["info"]["state"] == "IN_PROGRESS"
    span.end()
    final = displayed[-1]
    assert final[2] is True and final[1] == display_id
    assert final[0][MIME] == nbtrace.get_last_trace()
    assert final[0][MIME]["info"]["state"] == "OK"
    assert [s["name"] for s in final[0][MIME]["data"]["spans"]] == ["live", "child"]


# ---------------------------------------------------------------- SDK span processor (stand-in)
class FakeScope:
    def __init__(self, name, version=None):
        self.name, self.version = name, version


class FakeEvent:
    def __init__(self, name, attributes, timestamp):
        self.name, self.attributes, self.timestamp = name, attributes, timestamp


class FakeSdkSpan:
    """Follows the SDK's ReadableSpan interface (what a SpanProcessor sees)."""

    _next_id = 0x1000

    def __init__(self, provider, name, parent=None, attributes=None, kind=SpanKind.INTERNAL, links=()):
        FakeSdkSpan._next_id += 1
        trace_id = parent.context.trace_id if parent else (0xABC << 116) + FakeSdkSpan._next_id
        self.context = trace.SpanContext(trace_id, FakeSdkSpan._next_id, False,
                                         trace.TraceFlags(trace.TraceFlags.SAMPLED))
        self.parent = parent.context if parent else None
        self.name, self.kind, self.links = name, kind, tuple(links)
        self.attributes = dict(attributes or {})
        self.events, self.status = (), Status(StatusCode.UNSET)
        self.start_time, self.end_time = 1_700_000_000_000_000_000 + FakeSdkSpan._next_id, None
        self.instrumentation_scope = FakeScope("sdk-lib", "0.1")
        self._provider = provider
        for processor in provider.processors:
            processor.on_start(self, parent_context=None)

    def get_span_context(self):
        return self.context

    def end(self):
        self.end_time = self.start_time + 1_000_000
        for processor in self._provider.processors:  # as SDK >= 1.26's multi-span processor
            processor._on_ending(self)
        for processor in self._provider.processors:
            processor.on_end(self)


class FakeSdkProvider(trace.TracerProvider):
    def __init__(self):
        self.processors = []

    def add_span_processor(self, processor):
        self.processors.append(processor)

    def get_tracer(self, *args, **kwargs):
        return trace.NoOpTracer()


def test_sdk_span_processor_mirrors_sdk_spans(tracer):
    sdk = FakeSdkProvider()
    assert nbtrace.otel.instrument(sdk) is sdk
    assert nbtrace.otel.instrument(sdk) is sdk and len(sdk.processors) == 1  # once
    processor = sdk.processors[0]
    assert isinstance(processor, nbtrace.otel.NbtraceSpanProcessor)
    root = FakeSdkSpan(sdk, "sdk-root", attributes={"openinference.span.kind": "AGENT"})
    assert [t.name for t in nbtrace.get_collector().active_traces()] == ["sdk-root"]  # live at start
    llm = FakeSdkSpan(sdk, "sdk-llm", parent=root, kind=SpanKind.CLIENT,
                      links=[Link(root.context, {"k": "v"})])
    # an nbtrace span and an API span started while the SDK span is current nest under it
    with trace.use_span(trace.NonRecordingSpan(llm.context)):
        with nbtrace.start_span("nb-inside-sdk"):
            pass
    llm.attributes.update({"gen_ai.operation.name": "chat", "gen_ai.usage.input_tokens": 3,
                           "gen_ai.usage.output_tokens": 4})
    llm.events = (FakeEvent("exception", {"exception.type": "TimeoutError", "exception.message": "slow"},
                            1_700_000_000_000_000_500),)
    llm.status = Status(StatusCode.ERROR, "TimeoutError: slow")
    llm.name = "sdk-llm-renamed"
    llm.end()
    with nbtrace.start_span("nb-parent"):
        FakeSdkSpan(sdk, "sdk-under-nb").end()  # SDK root span inside an nbtrace span
    root.end()
    doc = nbtrace.get_last_trace()
    assert tree(doc) == {"sdk-root": None, "sdk-llm-renamed": "sdk-root",
                         "nb-inside-sdk": "sdk-llm-renamed"}
    s = spans_by_name(doc)["sdk-llm-renamed"]
    assert attr(s, "mlflow.spanType") == "CHAT_MODEL" and attr(s, "otel.span_kind") == "CLIENT"
    assert attr(s, "mlflow.chat.tokenUsage") == {"input_tokens": 3, "output_tokens": 4, "total_tokens": 7}
    assert attr(s, "otel.scope.name") == "sdk-lib"
    assert attr(s, "otel.links")[0]["span_id"] == f"{root.context.span_id:016x}"
    assert s["status"] == {"code": "STATUS_CODE_ERROR", "message": "TimeoutError: slow"}
    assert s["events"][0]["attributes"]["exception.message"] == "slow"
    assert (s["start_time_unix_nano"], s["end_time_unix_nano"]) == (llm.start_time, llm.end_time)
    assert attr(spans_by_name(doc)["sdk-root"], "mlflow.spanType") == "AGENT"
    under_nb = nbtrace.trace_to_dict(nbtrace.get_collector().finished_traces()[-2])
    assert tree(under_nb) == {"nb-parent": None, "sdk-under-nb": "nb-parent"}
    nbtrace.otel.uninstrument()  # the processor stops mirroring
    FakeSdkSpan(sdk, "after").end()
    assert nbtrace.get_last_trace()["data"]["spans"][0]["name"] == "sdk-root"


def test_processor_subclasses_the_sdk_base_when_the_sdk_is_importable(monkeypatch):
    """(The SDK cannot be installed here: a stand-in module with its base class.)"""
    import sys
    import types

    from nbtrace._integrations.otel_sdk import NbtraceSpanProcessor, make_processor

    assert type(make_processor()) is NbtraceSpanProcessor  # no SDK here

    class SpanProcessor:  # the SDK's base: no-op hooks, some only newer SDKs call
        def on_start(self, span, parent_context=None):
            raise AssertionError("ours must win")

        def some_future_hook(self, span):
            return "base no-op"

    fake = types.ModuleType("opentelemetry.sdk.trace")
    fake.SpanProcessor = SpanProcessor
    monkeypatch.setitem(sys.modules, "opentelemetry.sdk", types.ModuleType("opentelemetry.sdk"))
    monkeypatch.setitem(sys.modules, "opentelemetry.sdk.trace", fake)
    processor = make_processor()
    assert isinstance(processor, NbtraceSpanProcessor) and isinstance(processor, SpanProcessor)
    assert processor.some_future_hook(None) == "base no-op"
    sdk = FakeSdkProvider()
    sdk.add_span_processor(processor)
    FakeSdkSpan(sdk, "mirrored").end()
    assert nbtrace.get_last_trace()["data"]["spans"][0]["name"] == "mirrored"


# ---------------------------------------------------------------- global provider handling
def test_another_global_provider_warns_and_override_replaces_it(fresh_global):
    class OtherProvider(trace.NoOpTracerProvider):
        pass

    other = OtherProvider()
    trace.set_tracer_provider(other)
    with pytest.warns(NbtraceWarning, match="already the global one"):
        ours = nbtrace.otel.instrument()
    assert isinstance(ours, nbtrace.otel.NbtraceTracerProvider)
    assert trace.get_tracer_provider() is other  # OTel refused the override
    with trace.get_tracer("x", tracer_provider=ours).start_as_current_span("explicit"):
        pass
    assert nbtrace.get_last_trace()["data"]["spans"][0]["name"] == "explicit"
    assert nbtrace.otel.instrument(override=True) is ours
    assert trace.get_tracer_provider() is ours
    nbtrace.otel.uninstrument()
    assert trace.get_tracer_provider() is other  # put back


def test_a_tracer_obtained_before_instrument_records_after_it(fresh_global):
    early = trace.get_tracer("imported-early")  # a library's module-level tracer: a proxy
    with early.start_as_current_span("before") as span:
        assert not span.is_recording()
    assert nbtrace.get_last_trace() is None
    nbtrace.otel.instrument()
    with early.start_as_current_span("after") as span:
        assert span.is_recording()
    assert nbtrace.get_last_trace()["data"]["spans"][0]["name"] == "after"


def test_a_global_sdk_provider_gets_the_span_processor(fresh_global):
    sdk = FakeSdkProvider()
    trace.set_tracer_provider(sdk)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert nbtrace.otel.instrument() is sdk
    assert len(sdk.processors) == 1
    FakeSdkSpan(sdk, "via-global-sdk").end()
    assert nbtrace.get_last_trace()["data"]["spans"][0]["name"] == "via-global-sdk"


def test_uninstrument_makes_spans_non_recording_and_instrument_turns_it_back_on(tracer):
    nbtrace.otel.uninstrument()
    assert nbtrace.get_collector().parent_hook is None
    with tracer.start_as_current_span("off") as span:
        assert not span.is_recording()
    assert nbtrace.get_last_trace() is None
    nbtrace.otel.instrument()
    with tracer.start_as_current_span("on") as span:
        assert span.is_recording()
    assert nbtrace.get_last_trace()["data"]["spans"][0]["name"] == "on"


def test_nbtrace_disable_makes_otel_spans_non_recording(tracer):
    if not hasattr(nbtrace, "disable"):
        pytest.skip("nbtrace.disable() not available")
    nbtrace.disable()
    try:
        with tracer.start_as_current_span("off") as span:
            assert not span.is_recording()
            span.set_attribute("ignored", 1)
    finally:
        nbtrace.enable()
    assert nbtrace.get_last_trace() is None
    with tracer.start_as_current_span("on"):
        pass
    assert nbtrace.get_last_trace()["data"]["spans"][0]["name"] == "on"


def test_bridge_failures_never_break_user_code(tracer, monkeypatch):
    class Unprintable:
        def __repr__(self):
            raise RuntimeError("no repr")

        __str__ = __repr__

    with tracer.start_as_current_span("odd", attributes={"weird": Unprintable()}) as span:
        span.set_attribute("weird2", Unprintable())
        span.add_event("e", {"w": Unprintable()})
        span.set_status("not a status")
    assert nbtrace.get_last_trace()["data"]["spans"][0]["name"] == "odd"

    from nbtrace._integrations import otel_api as _otel_api

    def broken(*args, **kwargs):
        raise RuntimeError("collector exploded")

    monkeypatch.setattr(_otel_api, "get_collector", lambda: type("C", (), {"start_span": broken})())
    ran = []
    with pytest.warns(NbtraceWarning, match="starting an OpenTelemetry span"):
        with pytest.raises(ZeroDivisionError):
            with tracer.start_as_current_span("broken") as span:
                ran.append(span.is_recording())
                1 / 0
    assert ran == [False]


# ---------------------------------------------------------------- in a real kernel
KERNEL_CELLS = [
    """\
import nbtrace, nbtrace.otel
from opentelemetry import trace
provider = nbtrace.otel.instrument()
tracer = trace.get_tracer("kernel-test")
print(type(trace.get_tracer_provider()).__name__)
""",
    """\
@nbtrace.trace(span_type="TOOL")
def lookup(q):
    return q.upper()

with tracer.start_as_current_span("agent", attributes={"openinference.span.kind": "AGENT",
                                                       "input.value": "hi"}) as agent:
    with tracer.start_as_current_span("chat model-x", attributes={"gen_ai.operation.name": "chat"}) as llm:
        llm.set_attribute("gen_ai.usage.input_tokens", 7)
        llm.set_attribute("gen_ai.usage.output_tokens", 3)
    lookup("x")
    agent.set_attribute("output.value", "bye")
""",
    """\
with tracer.start_as_current_span("failing"):
    raise RuntimeError("nope")
""",
]


@pytest.fixture(scope="module")
def kernel_run(tmp_path_factory):
    nbformat = pytest.importorskip("nbformat")
    pytest.importorskip("nbclient")
    from recording_client import RecordingClient

    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(code) for code in KERNEL_CELLS]
    env = kernel_env()
    client = RecordingClient(nb, kernel_name="python3", timeout=120, allow_errors=True,
                             resources={"metadata": {"path": str(tmp_path_factory.mktemp("otelnb"))}})
    client.execute(env=env)
    return nb, client.messages


def _trace_outputs(outputs):
    docs = []
    for o in outputs:
        if o["output_type"] == "display_data" and MIME in o["data"]:
            doc = o["data"][MIME]
            docs.append(json.loads(doc) if isinstance(doc, str) else doc)
    return docs


def test_kernel_cell_using_the_otel_api_shows_the_trace(kernel_run):
    nb, messages = kernel_run
    setup = nb.cells[0].outputs
    assert [o["output_type"] for o in setup] == ["stream"]
    assert setup[0]["text"].strip() == "NbtraceTracerProvider"
    outputs = nb.cells[1].outputs
    assert [o["output_type"] for o in outputs] == ["display_data"]
    (doc,) = _trace_outputs(outputs)
    assert doc["info"]["state"] == "OK"
    assert tree(doc) == {"agent": None, "chat model-x": "agent", "lookup": "agent"}
    spans = spans_by_name(doc)
    assert attr(spans["agent"], "mlflow.spanType") == "AGENT"
    assert attr(spans["chat model-x"], "mlflow.spanType") == "CHAT_MODEL"
    assert attr(spans["lookup"], "mlflow.spanType") == "TOOL"
    assert json.loads(doc["info"]["trace_metadata"]["mlflow.trace.tokenUsage"])["total_tokens"] == 10
    assert doc["info"]["trace_metadata"]["mlflow.traceOutputs"] == '"bye"'
    assert outputs[0]["data"]["text/plain"].startswith("<nbtrace trace 'agent' · 3 spans · 10 tokens · ")
    # live: displayed once when the first span started, then updated in place
    ours = [m for m in messages[1] if m["msg_type"] in ("display_data", "update_display_data")
            and MIME in m["content"]["data"]]
    kinds = [m["msg_type"] for m in ours]
    assert kinds[0] == "display_data" and kinds.count("display_data") == 1 and len(kinds) >= 2
    assert ours[0]["content"]["data"][MIME]["info"]["state"] == "IN_PROGRESS"
    assert ours[-1]["content"]["data"][MIME] == doc


def test_kernel_cell_raising_in_an_otel_span_shows_the_error(kernel_run):
    nb, _ = kernel_run
    outputs = nb.cells[2].outputs
    assert [o["output_type"] for o in outputs] == ["display_data", "error"]
    (doc,) = _trace_outputs(outputs)
    assert doc["info"]["state"] == "ERROR"
    span = doc["data"]["spans"][0]
    assert span["status"] == {"code": "STATUS_CODE_ERROR", "message": "RuntimeError: nope"}
    assert span["events"][0]["attributes"]["exception.escaped"] == "True"
    assert outputs[1]["ename"] == "RuntimeError" and outputs[1]["evalue"] == "nope"
