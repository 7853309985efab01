"""nbtrace.openai.autolog against the real openai SDK talking HTTP to nbtrace.fake_llm."""
import gc
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

openai = pytest.importorskip("openai")

import nbtrace  # noqa: E402
import nbtrace.openai  # noqa: E402
from nbtrace._integrations import autolog as _autolog_util  # noqa: E402
from nbtrace.fake_llm import FakeLLMServer  # noqa: E402
from openai.resources.chat.completions import AsyncCompletions, Completions  # noqa: E402

from conftest import attr  # noqa: E402

WEATHER = [{"type": "function", "function": {
    "name": "get_weather", "description": "Current weather in a city",
    "parameters": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}}}]
ASK = [{"role": "user", "content": "What's the weather in Paris?"}]


@pytest.fixture(autouse=True)
def autolog(server):
    server.clear()
    nbtrace.openai.autolog()
    yield
    nbtrace.openai.autolog(disable=True)


@pytest.fixture
def client(server):
    with openai.OpenAI(base_url=server.openai_base_url, api_key="test", max_retries=0) as c:
        yield c


@pytest.fixture
async def aclient(server):
    async with openai.AsyncOpenAI(base_url=server.openai_base_url, api_key="test", max_retries=0) as c:
        yield c


def only_span(name=None):
    trace = nbtrace.get_last_trace()
    assert trace is not None
    spans = trace["data"]["spans"]
    assert len(spans) == 1, [s["name"] for s in spans]
    if name:
        assert spans[0]["name"] == name
    return spans[0]


def usage(span):
    return attr(span, "mlflow.chat.tokenUsage")


def test_plain_chat_completion(client, server):
    server.enqueue(text="Sunny.", usage={"input_tokens": 12, "output_tokens": 4, "cached_tokens": 5,
                                         "reasoning_tokens": 2})
    result = client.chat.completions.create(model="gpt-4o-mini", messages=ASK, temperature=0.2)
    assert isinstance(result, openai.types.chat.ChatCompletion)
    assert result.choices[0].message.content == "Sunny."
    span = only_span("Completions")
    assert attr(span, "mlflow.spanType") == "CHAT_MODEL"
    assert span["parent_span_id"] is None and span["status"]["code"] == "STATUS_CODE_OK"
    assert attr(span, "mlflow.spanInputs") == {"messages": ASK, "model": "gpt-4o-mini", "temperature": 0.2}
    outputs = attr(span, "mlflow.spanOutputs")
    assert outputs["choices"][0]["message"]["content"] == "Sunny." and outputs["id"] == result.id
    assert attr(span, "mlflow.message.format") == "openai"
    assert attr(span, "gen_ai.request.model") == attr(span, "gen_ai.response.model") == "gpt-4o-mini"
    assert attr(span, "gen_ai.response.finish_reasons") == ["stop"]
    assert attr(span, "gen_ai.request.temperature") == 0.2
    assert "mlflow.chat.tools" not in span["attributes"]
    assert usage(span) == {"input_tokens": 12, "output_tokens": 4, "total_tokens": 16,
                           "cache_read_input_tokens": 5, "reasoning_tokens": 2}
    assert server.last_request["json"]["messages"] == ASK


def test_tool_call_and_renderer_shape(client, server):
    result = client.chat.completions.create(model="gpt-4o", messages=ASK, tools=WEATHER)
    call = result.choices[0].message.tool_calls[0]
    assert call.function.name == "get_weather" and json.loads(call.function.arguments) == {"city": "Paris"}
    trace = nbtrace.get_last_trace()
    span = trace["data"]["spans"][0]
    assert attr(span, "mlflow.chat.tools") == WEATHER
    assert attr(span, "gen_ai.response.finish_reasons") == ["tool_calls"]
    inputs, outputs = attr(span, "mlflow.spanInputs"), attr(span, "mlflow.spanOutputs")
    assert inputs["messages"] == ASK and inputs["tools"] == WEATHER
    assert outputs["choices"][0]["message"]["tool_calls"][0]["function"]["name"] == "get_weather"
    assert json.loads(trace["info"]["trace_metadata"]["mlflow.trace.tokenUsage"]) == usage(span)
    assert trace["info"]["tags"]["mlflow.traceName"] == "Completions"


def test_stream_sync_keeps_span_open_and_joins_chunks(client, server):
    server.enqueue(text="It is sunny in Paris.", tool_calls=[("get_weather", {"city": "Paris"})],
                   usage={"input_tokens": 20, "output_tokens": 9, "cached_tokens": 4, "reasoning_tokens": 1})
    stream = client.chat.completions.create(model="gpt-4o", messages=ASK, tools=WEATHER, stream=True,
                                            stream_options={"include_usage": True})
    assert isinstance(stream, openai.Stream)
    first = next(stream)
    assert first.choices[0].delta.role == "assistant"
    [running] = nbtrace.get_collector().active_traces()
    assert not running.root.is_ended and nbtrace.get_last_trace() is None
    chunks = [first, *stream]
    assert chunks[-1].usage.total_tokens == 29
    span = only_span("Completions")
    message = attr(span, "mlflow.spanOutputs")["choices"][0]["message"]
    assert message["content"] == "It is sunny in Paris."
    assert json.loads(message["tool_calls"][0]["function"]["arguments"]) == {"city": "Paris"}
    assert message["tool_calls"][0]["id"].startswith("call_")
    assert attr(span, "mlflow.spanOutputs")["choices"][0]["finish_reason"] == "tool_calls"
    assert usage(span) == {"input_tokens": 20, "output_tokens": 9, "total_tokens": 29,
                           "cache_read_input_tokens": 4, "reasoning_tokens": 1}
    assert [e["name"] for e in span["events"]] == ["first_token"]
    assert span["status"]["code"] == "STATUS_CODE_OK"


async def test_stream_async(aclient, server):
    server.enqueue(text="Async hello there.")
    stream = await aclient.chat.completions.create(model="gpt-4o", messages=ASK, stream=True)
    assert isinstance(stream, openai.AsyncStream)
    text = "".join([c.choices[0].delta.content or "" async for c in stream if c.choices])
    assert text == "Async hello there."
    span = only_span("AsyncCompletions")
    assert attr(span, "mlflow.spanOutputs")["choices"][0]["message"]["content"] == text
    assert "mlflow.chat.tokenUsage" not in span["attributes"]  # no include_usage: no usage chunk


async def test_async_plain_and_nesting(aclient):
    @nbtrace.trace(span_type="AGENT")
    async def agent():
        reply = await aclient.chat.completions.create(model="m", messages=[{"role": "user", "content": "hi"}])
        return reply.choices[0].message.content

    assert (await agent()).startswith("This is a fake reply")
    root, child = nbtrace.get_last_trace()["data"]["spans"]
    assert child["name"] == "AsyncCompletions" and child["parent_span_id"] == root["span_id"]


def test_stream_closed_early_ends_span(client, server):
    server.enqueue(text="one two three four five")
    with client.chat.completions.create(model="m", messages=ASK, stream=True) as stream:
        next(stream)
        next(stream)
    span = only_span()
    assert span["status"]["code"] == "STATUS_CODE_OK" and span["end_time_unix_nano"]
    assert attr(span, "nbtrace.note") == "stream closed before its end"
    assert attr(span, "mlflow.spanOutputs")["choices"][0]["message"]["content"] == "one "


def test_stream_dropped_unread_ends_span(client):
    stream = client.chat.completions.create(model="m", messages=ASK, stream=True)
    del stream
    gc.collect()
    span = only_span()
    assert span["end_time_unix_nano"] and attr(span, "nbtrace.note") == "stream dropped before its end"


def test_chat_stream_helper_is_one_span(client):
    with client.chat.completions.stream(model="m", messages=ASK, tools=WEATHER) as stream:
        for _ in stream:
            pass
        final = stream.get_final_completion()
    span = only_span("Completions")
    out = attr(span, "mlflow.spanOutputs")["choices"][0]["message"]["tool_calls"][0]["function"]
    assert out["arguments"] == final.choices[0].message.tool_calls[0].function.arguments


def test_responses_api_function_call_and_usage(client, server):
    tools = [{"type": "function", "name": "get_weather", "description": "weather",
              "parameters": {"type": "object", "properties": {"city": {"type": "string"}}}}]
    server.enqueue(tool_calls=[("get_weather", {"city": "Rome"})], thinking="Need weather.",
                   usage={"input_tokens": 30, "output_tokens": 10, "cached_tokens": 8, "reasoning_tokens": 6})
    response = client.responses.create(model="gpt-5", input="Weather in Rome?", tools=tools,
                                       reasoning={"effort": "low"})
    assert [item.type for item in response.output] == ["reasoning", "function_call"]
    span = only_span("Responses")
    assert attr(span, "mlflow.spanType") == "CHAT_MODEL"
    assert attr(span, "mlflow.spanInputs")["input"] == "Weather in Rome?"
    assert attr(span, "mlflow.spanOutputs")["output"][1]["name"] == "get_weather"
    assert attr(span, "mlflow.chat.tools") == [{"type": "function", "function": {
        "name": "get_weather", "description": "weather", "parameters": tools[0]["parameters"]}}]
    assert usage(span) == {"input_tokens": 30, "output_tokens": 10, "total_tokens": 40,
                           "cache_read_input_tokens": 8, "reasoning_tokens": 6}
    assert server.last_request["path"] == "/v1/responses"


def test_responses_stream(client, server):
    server.enqueue(text="Streamed answer.", usage={"input_tokens": 5, "output_tokens": 3})
    stream = client.responses.create(model="gpt-5", input="hi", stream=True)
    deltas = [e.delta for e in stream if e.type == "response.output_text.delta"]
    assert "".join(deltas) == "Streamed answer."
    span = only_span("Responses")
    outputs = attr(span, "mlflow.spanOutputs")
    assert outputs["status"] == "completed"
    assert outputs["output"][0]["content"][0]["text"] == "Streamed answer."
    assert usage(span)["total_tokens"] == 8
    assert [e["name"] for e in span["events"]] == ["first_token"]


def test_embeddings(client):
    result = client.embeddings.create(model="text-embedding-3-small", input=["a", "b"], dimensions=4)
    assert len(result.data) == 2 and len(result.data[0].embedding) == 4
    span = only_span("Embeddings")
    assert attr(span, "mlflow.spanType") == "EMBEDDING"
    assert attr(span, "mlflow.spanInputs")["input"] == ["a", "b"]
    assert attr(span, "mlflow.spanOutputs")["data"][1]["embedding"] == pytest.approx(result.data[1].embedding)
    assert usage(span)["input_tokens"] > 0


def test_legacy_completions_llm_span(client):
    result = client.completions.create(model="gpt-3.5-turbo-instruct", prompt="Say hi")
    span = only_span("Completions")
    assert attr(span, "mlflow.spanType") == "LLM"
    assert attr(span, "mlflow.spanOutputs")["choices"][0]["text"] == result.choices[0].text
    stream = client.completions.create(model="x", prompt="Say hi", stream=True,
                                       stream_options={"include_usage": True})
    text = "".join(c.choices[0].text for c in stream if c.choices)
    span = only_span("Completions")
    assert attr(span, "mlflow.spanOutputs")["choices"][0]["text"] == text and usage(span)["total_tokens"] > 0


@pytest.mark.parametrize("status, error", [(429, "RateLimitError"), (500, "InternalServerError")])
def test_http_errors_mark_span_error_and_propagate(client, server, status, error):
    server.enqueue(error=status)
    with pytest.raises(getattr(openai, error)) as info:
        client.chat.completions.create(model="m", messages=ASK)
    assert info.value.status_code == status
    span = only_span()
    assert span["status"]["code"] == "STATUS_CODE_ERROR"
    assert span["status"]["message"].startswith(f"{error}: Error code: {status}")
    [event] = span["events"]
    assert event["name"] == "exception" and event["attributes"]["exception.type"] == error
    assert attr(span, "http.response.status_code") == status


def test_retries_are_inside_one_span(server):
    server.enqueue(error=500)
    with openai.OpenAI(base_url=server.openai_base_url, api_key="test", max_retries=1) as retrying:
        assert retrying.chat.completions.create(model="m", messages=ASK).choices
    assert len(server.requests) == 2
    assert only_span()["status"]["code"] == "STATUS_CODE_OK"


def test_connection_error(server):
    dead = FakeLLMServer().start()
    url = dead.openai_base_url
    dead.stop()
    with openai.OpenAI(base_url=url, api_key="test", max_retries=0) as c:
        with pytest.raises(openai.APIConnectionError):
            c.chat.completions.create(model="m", messages=ASK)
    span = only_span()
    assert span["status"]["code"] == "STATUS_CODE_ERROR" and "APIConnectionError" in span["status"]["message"]


def test_exception_object_is_unchanged(client, monkeypatch):
    sentinel = openai.APIConnectionError(request=None)  # raised inside the SDK's call path
    monkeypatch.setattr(client.chat.completions, "_post", lambda *a, **k: (_ for _ in ()).throw(sentinel))
    with pytest.raises(openai.APIConnectionError) as info:
        client.chat.completions.create(model="m", messages=ASK)
    assert info.value is sentinel


def test_agent_loop_nests_under_traced_function(client):
    @nbtrace.trace(span_type="TOOL")
    def get_weather(city):
        return f"22 C and sunny in {city}"

    @nbtrace.trace(span_type="AGENT")
    def agent(question):
        messages = [{"role": "user", "content": question}]
        while True:
            message = client.chat.completions.create(model="gpt-4o", messages=messages,
                                                     tools=WEATHER).choices[0].message
            if not message.tool_calls:
                return message.content
            messages.append(message.model_dump(exclude_none=True))
            for call in message.tool_calls:
                result = get_weather(**json.loads(call.function.arguments))
                messages.append({"role": "tool", "tool_call_id": call.id, "content": result})

    assert agent("What's the weather in Paris?") == "Here is what I found: 22 C and sunny in Paris"
    trace = nbtrace.get_last_trace()
    names = [(s["name"], attr(s, "mlflow.spanType")) for s in trace["data"]["spans"]]
    assert names == [("agent", "AGENT"), ("Completions", "CHAT_MODEL"), ("get_weather", "TOOL"),
                     ("Completions", "CHAT_MODEL")]
    root = trace["data"]["spans"][0]
    assert all(s["parent_span_id"] == root["span_id"] for s in trace["data"]["spans"][1:])
    second = attr(trace["data"]["spans"][3], "mlflow.spanInputs")["messages"]
    assert [m["role"] for m in second] == ["user", "assistant", "tool"]
    total = sum(usage(s)["total_tokens"] for s in trace["data"]["spans"][1::2])
    assert json.loads(trace["info"]["trace_metadata"]["mlflow.trace.tokenUsage"])["total_tokens"] == total


def test_disable_restores_and_autolog_is_idempotent(client):
    original = Completions.__dict__["create"].__nbtrace_original__
    nbtrace.openai.autolog()  # second call: no double wrapping
    assert Completions.__dict__["create"].__nbtrace_original__ is original
    client.chat.completions.create(model="m", messages=ASK)
    only_span()
    nbtrace.openai.autolog(disable=True)
    assert Completions.__dict__["create"] is original
    assert not hasattr(AsyncCompletions.__dict__["create"], "__nbtrace_original__")
    nbtrace.get_collector().clear()
    client.chat.completions.create(model="m", messages=ASK)
    assert nbtrace.get_last_trace() is None
    nbtrace.openai.autolog(disable=True)  # disabling twice is fine


def test_tracing_failures_never_break_the_call(client, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("tracing is broken")

    monkeypatch.setattr(_autolog_util, "get_collector", broken)
    with pytest.warns(nbtrace.NbtraceWarning):
        assert client.chat.completions.create(model="m", messages=ASK).choices[0].message.content
    monkeypatch.undo()
    monkeypatch.setattr(_autolog_util, "dump", broken)
    with pytest.warns(nbtrace.NbtraceWarning):
        result = client.chat.completions.create(model="m", messages=ASK)
    assert isinstance(result, openai.types.chat.ChatCompletion)
    assert only_span()["end_time_unix_nano"]


def test_raw_response_and_parse(client):
    raw = client.chat.completions.with_raw_response.create(model="m", messages=ASK)
    completion = raw.parse()
    span = only_span("Completions")
    assert attr(span, "mlflow.spanOutputs")["id"] == completion.id
    nbtrace.get_collector().clear()
    parsed = client.chat.completions.parse(model="m", messages=ASK)
    assert attr(only_span("Completions"), "mlflow.spanOutputs")["id"] == parsed.id


def test_module_name_shadows_nothing():
    code = ("import nbtrace.openai, openai\n"
            "assert nbtrace.openai.openai is openai\n"
            "print(openai.OpenAI.__module__, nbtrace.openai.__name__)")
    env = dict(os.environ, PYTHONPATH=str(Path(__file__).resolve().parents[1]))
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["openai", "nbtrace.openai"]


def test_fake_server_scripting(client, server):
    server.enqueue(raw={"error": {"message": "nope", "type": "invalid_request_error", "param": None,
                                  "code": None}}, status=400)
    with pytest.raises(openai.BadRequestError) as info:
        client.chat.completions.create(model="m", messages=ASK)
    assert info.value.body["message"] == "nope"
    with pytest.raises(openai.RateLimitError):  # magic word, unscripted
        client.chat.completions.create(model="m", messages=[{"role": "user", "content": "fake:429 please"}])
    server.enqueue(text="queued for chat")
    client.embeddings.create(model="e", input="x")  # embeddings leave a scripted chat answer queued
    answer = client.chat.completions.create(model="m", messages=ASK).choices[0].message.content
    assert answer == "queued for chat"
    assert [r["path"] for r in server.requests] == ["/v1/chat/completions"] * 2 + ["/v1/embeddings",
                                                                                   "/v1/chat/completions"]
