"""nbtrace.anthropic.autolog against the real anthropic SDK talking HTTP to nbtrace.fake_llm."""
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

anthropic = pytest.importorskip("anthropic")

import nbtrace  # noqa: E402
import nbtrace.anthropic  # noqa: E402
from anthropic.resources.messages import AsyncMessages, Messages  # noqa: E402

from conftest import attr  # noqa: E402

TOOLS = [{"name": "get_weather", "description": "Current weather in a city",
          "input_schema": {"type": "object", "properties": {"city": {"type": "string"}},
                           "required": ["city"]}}]
ASK = [{"role": "user", "content": "What's the weather in Oslo?"}]


@pytest.fixture(autouse=True)
def autolog(server):
    server.clear()
    nbtrace.anthropic.autolog()
    yield
    nbtrace.anthropic.autolog(disable=True)


@pytest.fixture
def client(server):
    with anthropic.Anthropic(base_url=server.anthropic_base_url, api_key="test", max_retries=0) as c:
        yield c


@pytest.fixture
async def aclient(server):
    async with anthropic.AsyncAnthropic(base_url=server.anthropic_base_url, api_key="test",
                                        max_retries=0) as c:
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


def test_text_message(client, server):
    server.enqueue(text="Cold and clear.", usage={"input_tokens": 40, "output_tokens": 6, "cached_tokens": 30,
                                                  "cache_creation_tokens": 7})
    message = client.messages.create(model="claude-test-1", max_tokens=256, messages=ASK,
                                     system="Be brief.")
    assert message.content[0].text == "Cold and clear."
    span = only_span("Messages.create")
    assert attr(span, "mlflow.spanType") == "CHAT_MODEL" and span["status"]["code"] == "STATUS_CODE_OK"
    assert attr(span, "mlflow.spanInputs") == {"max_tokens": 256, "messages": ASK, "model": "claude-test-1",
                                               "system": "Be brief."}
    outputs = attr(span, "mlflow.spanOutputs")
    assert outputs["content"] == [{"type": "text", "text": "Cold and clear."}] and outputs["id"] == message.id
    assert attr(span, "mlflow.message.format") == "anthropic"
    assert attr(span, "gen_ai.request.model") == attr(span, "gen_ai.response.model") == "claude-test-1"
    assert attr(span, "gen_ai.response.finish_reasons") == ["end_turn"]
    assert usage(span) == {"input_tokens": 40, "output_tokens": 6, "total_tokens": 46,
                           "cache_read_input_tokens": 30, "cache_creation_input_tokens": 7}
    assert server.last_request["path"] == "/v1/messages"
    assert server.last_request["headers"]["x-api-key"] == "test"


def test_tool_use_and_thinking(client):
    message = client.messages.create(model="claude-opus-4", max_tokens=2048, messages=ASK, tools=TOOLS,
                                     thinking={"type": "enabled", "budget_tokens": 1024})
    assert [b.type for b in message.content] == ["thinking", "tool_use"]
    assert message.content[1].input == {"city": "Oslo"}
    span = only_span()
    assert attr(span, "mlflow.chat.tools") == [{"type": "function", "function": {
        "name": "get_weather", "description": "Current weather in a city",
        "parameters": TOOLS[0]["input_schema"]}}]
    content = attr(span, "mlflow.spanOutputs")["content"]
    assert content[0]["type"] == "thinking" and content[0]["thinking"].startswith("The user asked")
    assert content[1] == {"type": "tool_use", "id": message.content[1].id, "name": "get_weather",
                          "input": {"city": "Oslo"}}
    assert attr(span, "gen_ai.response.finish_reasons") == ["tool_use"]


def test_create_stream_joins_events(client, server):
    server.enqueue(text="Snow later.", thinking="Check the forecast.",
                   tool_calls=[("get_weather", {"city": "Oslo", "days": 2})],
                   usage={"input_tokens": 50, "output_tokens": 20, "cached_tokens": 10})
    stream = client.messages.create(model="claude-x", max_tokens=100, messages=ASK, tools=TOOLS, stream=True)
    assert isinstance(stream, anthropic.Stream)
    events = [next(stream), next(stream)]
    [running] = nbtrace.get_collector().active_traces()
    assert not running.root.is_ended
    events += list(stream)
    assert events[-1].type == "message_stop"
    span = only_span("Messages.create")
    out = attr(span, "mlflow.spanOutputs")
    assert [b["type"] for b in out["content"]] == ["thinking", "text", "tool_use"]
    assert out["content"][0]["thinking"] == "Check the forecast." and out["content"][0]["signature"]
    assert out["content"][1]["text"] == "Snow later."
    assert out["content"][2]["input"] == {"city": "Oslo", "days": 2}
    assert out["stop_reason"] == "tool_use"
    assert usage(span) == {"input_tokens": 50, "output_tokens": 20, "total_tokens": 70,
                           "cache_read_input_tokens": 10}  # zero counts are left out
    assert [e["name"] for e in span["events"]] == ["first_token"]


def test_messages_stream_helper(client):
    with client.messages.stream(model="claude-x", max_tokens=100, messages=ASK, tools=TOOLS) as stream:
        for _ in stream:
            pass
        final = stream.get_final_message()
    span = only_span("Messages.stream")
    out = attr(span, "mlflow.spanOutputs")
    assert out["id"] == final.id and out["content"][0]["input"] == final.content[0].input == {"city": "Oslo"}
    assert usage(span)["output_tokens"] == final.usage.output_tokens


async def test_async_create_stream_and_helper(aclient, server):
    server.enqueue(text="Async reply.")
    message = await aclient.messages.create(model="m", max_tokens=10, messages=ASK)
    assert message.content[0].text == "Async reply."
    assert only_span("AsyncMessages.create")
    nbtrace.get_collector().clear()
    server.enqueue(text="Streaming async.")
    stream = await aclient.messages.create(model="m", max_tokens=10, messages=ASK, stream=True)
    assert isinstance(stream, anthropic.AsyncStream)
    async for _ in stream:
        pass
    outputs = attr(only_span("AsyncMessages.create"), "mlflow.spanOutputs")
    assert outputs["content"][0]["text"] == "Streaming async."
    nbtrace.get_collector().clear()
    async with aclient.messages.stream(model="m", max_tokens=10, messages=ASK) as helper:
        text = await helper.get_final_text()
    span = only_span("AsyncMessages.stream")
    assert attr(span, "mlflow.spanOutputs")["content"][0]["text"] == text


def test_stream_closed_early(client, server):
    server.enqueue(text="a b c d e f g")
    with client.messages.stream(model="m", max_tokens=10, messages=ASK) as stream:
        for event in stream:
            if event.type == "content_block_delta":
                break
    span = only_span("Messages.stream")
    assert span["end_time_unix_nano"] and attr(span, "nbtrace.note") == "stream closed before its end"
    assert attr(span, "mlflow.spanOutputs")["content"][0]["text"] == "a "


@pytest.mark.parametrize("status, error", [(429, "RateLimitError"), (500, "InternalServerError"),
                                           (529, "OverloadedError")])
def test_http_errors(client, server, status, error):
    server.enqueue(error=status)
    with pytest.raises(getattr(anthropic, error)) as info:
        client.messages.create(model="m", max_tokens=10, messages=ASK)
    assert info.value.status_code == status
    span = only_span()
    assert span["status"]["code"] == "STATUS_CODE_ERROR" and span["status"]["message"].startswith(error)
    assert span["events"][0]["attributes"]["exception.type"] == error


def test_stream_error_before_first_event(client, server):
    server.enqueue(error=429)
    with pytest.raises(anthropic.RateLimitError):
        with client.messages.stream(model="m", max_tokens=10, messages=ASK):
            pass
    assert only_span("Messages.stream")["status"]["code"] == "STATUS_CODE_ERROR"


def test_agent_loop_nesting(client):
    @nbtrace.trace(span_type="TOOL")
    def get_weather(city):
        return f"-3 C in {city}"

    @nbtrace.trace(span_type="AGENT")
    def agent():
        messages = list(ASK)
        while True:
            reply = client.messages.create(model="claude-x", max_tokens=100, messages=messages, tools=TOOLS)
            if reply.stop_reason != "tool_use":
                return reply.content[0].text
            messages.append({"role": "assistant", "content": [b.model_dump() for b in reply.content]})
            results = [{"type": "tool_result", "tool_use_id": b.id, "content": get_weather(**b.input)}
                       for b in reply.content if b.type == "tool_use"]
            messages.append({"role": "user", "content": results})

    assert agent() == "Here is what I found: -3 C in Oslo"
    spans = nbtrace.get_last_trace()["data"]["spans"]
    assert [s["name"] for s in spans] == ["agent", "Messages.create", "get_weather", "Messages.create"]
    assert {s["parent_span_id"] for s in spans[1:]} == {spans[0]["span_id"]}


def test_disable_restores_and_idempotent(client):
    original = Messages.__dict__["create"].__nbtrace_original__
    stream_original = Messages.__dict__["stream"].__nbtrace_original__
    nbtrace.anthropic.autolog()
    assert Messages.__dict__["create"].__nbtrace_original__ is original
    client.messages.create(model="m", max_tokens=10, messages=ASK)
    only_span()
    nbtrace.anthropic.autolog(disable=True)
    assert Messages.__dict__["create"] is original and Messages.__dict__["stream"] is stream_original
    assert not hasattr(AsyncMessages.__dict__["create"], "__nbtrace_original__")
    nbtrace.get_collector().clear()
    client.messages.create(model="m", max_tokens=10, messages=ASK)
    assert nbtrace.get_last_trace() is None


def test_request_body_is_what_the_user_sent(client, server):
    client.messages.create(model="m", max_tokens=10, messages=ASK, tools=TOOLS)
    body = server.last_request["json"]
    assert body["messages"] == ASK and body["tools"] == TOOLS
    assert json.loads(only_span()["attributes"]["mlflow.spanInputs"])["tools"] == TOOLS


def test_module_name_shadows_nothing():
    code = ("import nbtrace.anthropic, anthropic\n"
            "assert nbtrace.anthropic.anthropic is anthropic\n"
            "print(anthropic.Anthropic.__module__, nbtrace.anthropic.__name__)")
    env = dict(os.environ, PYTHONPATH=str(Path(__file__).resolve().parents[1]))
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["anthropic", "nbtrace.anthropic"]
