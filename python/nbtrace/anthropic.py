"""Autolog for the ``anthropic`` Python SDK: every Messages call becomes an nbtrace span.

    import nbtrace.anthropic
    nbtrace.anthropic.autolog()       # nbtrace.anthropic.autolog(disable=True) undoes it

Traced, sync and async: ``messages.create`` (also with ``stream=True``),
``messages.parse`` and ``messages.stream`` as CHAT_MODEL spans named like
MLflow's anthropic autolog (``Messages.create``, ``AsyncMessages.stream`` ...).
A span nests under the current nbtrace span (or starts a trace) and records the
request keyword arguments as inputs, the message (``model_dump``) as outputs,
the tools (in the OpenAI shape) as ``mlflow.chat.tools``,
``mlflow.message.format = "anthropic"``, the models, the stop reason and token
usage: ``input_tokens`` / ``output_tokens`` as Anthropic reports them (input
excludes cached tokens) plus ``cache_read_input_tokens`` and
``cache_creation_input_tokens``. A streamed call keeps its span open while the
stream is read and joins the events (text, thinking and ``input_json_delta``
tool input) into the final message. A failed call ends the span with ERROR and
the exception reaches your code unchanged.
"""
from __future__ import annotations

import functools
import json
from typing import Any

import anthropic  # the SDK (this module is nbtrace.anthropic; absolute imports find the real one)
from anthropic.resources import messages as _messages

from ._integrations import autolog as util
from ._integrations.autolog import Call, Endpoint, get
from ._util import report_internal_error

__all__ = ["autolog"]

_STREAMS = (anthropic.Stream, anthropic.AsyncStream)


def _openai_tools(tools: list) -> list:
    """Anthropic tools (``name``, ``description``, ``input_schema``) in the OpenAI
    function-tool shape that ``mlflow.chat.tools`` uses."""
    out = []
    for tool in tools:
        if not isinstance(tool, dict) or not tool.get("name"):
            continue
        spec = {"name": tool["name"]}
        if tool.get("description"):
            spec["description"] = tool["description"]
        if isinstance(tool.get("input_schema"), dict):
            spec["parameters"] = tool["input_schema"]
        out.append({"type": "function", "function": spec})
    return out


def _start_attributes(inputs: dict) -> dict:
    attrs = {"mlflow.message.format": "anthropic", "gen_ai.provider.name": "anthropic",
             "gen_ai.operation.name": "chat", "mlflow.llm.provider": "anthropic"}
    if isinstance(inputs.get("model"), str):
        attrs["gen_ai.request.model"] = attrs["mlflow.llm.model"] = inputs["model"]
    for key in ("temperature", "top_p", "top_k", "max_tokens"):
        if isinstance(inputs.get(key), (int, float)) and not isinstance(inputs.get(key), bool):
            attrs[f"gen_ai.request.{key}"] = inputs[key]
    tools = _openai_tools(inputs.get("tools") or []) if isinstance(inputs.get("tools"), list) else []
    if tools:
        attrs["mlflow.chat.tools"] = tools
    return attrs


def _record(span: Any, message: dict) -> None:
    if isinstance(message.get("model"), str):
        span.set_attribute("gen_ai.response.model", message["model"])
    if isinstance(message.get("id"), str):
        span.set_attribute("gen_ai.response.id", message["id"])
    if isinstance(message.get("stop_reason"), str):
        span.set_attribute("gen_ai.response.finish_reasons", [message["stop_reason"]])
    usage = message.get("usage") or {}
    util.set_usage(span, usage.get("input_tokens"), usage.get("output_tokens"),
                   cache_read_input_tokens=usage.get("cache_read_input_tokens"),
                   cache_creation_input_tokens=usage.get("cache_creation_input_tokens"))


class _MessageAccumulator:
    """Joins the raw stream events (``message_start``, ``content_block_start`` /
    ``_delta`` / ``_stop``, ``message_delta``) into one ``message`` dict."""

    def __init__(self) -> None:
        self.message: dict = {}
        self.blocks: dict = {}
        self.json: dict = {}
        self.usage: dict = {}

    def add(self, event: Any) -> bool:
        kind = get(event, "type")
        if kind == "message_start":
            self.message = util.dump(get(event, "message")) or {}
            self.usage.update({k: v for k, v in (self.message.get("usage") or {}).items() if v is not None})
        elif kind == "content_block_start":
            block = util.dump(get(event, "content_block")) or {}
            self.blocks[get(event, "index", len(self.blocks))] = block
            if block.get("type") in ("tool_use", "server_tool_use", "mcp_tool_use"):
                self.json[get(event, "index")] = ""
        elif kind == "content_block_delta":
            return self._delta(get(event, "index"), get(event, "delta"))
        elif kind == "message_delta":
            delta = get(event, "delta")
            for key in ("stop_reason", "stop_sequence"):
                if get(delta, key) is not None:
                    self.message[key] = get(delta, key)
            usage = util.dump(get(event, "usage")) or {}
            self.usage.update({k: v for k, v in usage.items() if v is not None})
        return False

    def _delta(self, index: Any, delta: Any) -> bool:
        block = self.blocks.setdefault(index, {"type": "text", "text": ""})
        kind = get(delta, "type")
        if kind == "text_delta":
            block["text"] = (block.get("text") or "") + (get(delta, "text") or "")
        elif kind == "thinking_delta":
            block["thinking"] = (block.get("thinking") or "") + (get(delta, "thinking") or "")
        elif kind == "input_json_delta":
            self.json[index] = self.json.get(index, "") + (get(delta, "partial_json") or "")
        elif kind == "signature_delta":
            block["signature"] = get(delta, "signature")
            return False
        elif kind == "citations_delta":
            block.setdefault("citations", []).append(util.dump(get(delta, "citation")))
            return False
        else:
            return False
        return True

    def result(self) -> dict:
        content = []
        order = sorted(self.blocks, key=lambda i: (not isinstance(i, int), i if isinstance(i, int) else 0))
        for index in order:
            block = dict(self.blocks[index])
            if self.json.get(index):
                try:
                    block["input"] = json.loads(self.json[index])
                except ValueError:  # a stream cut short: keep the partial JSON text
                    block["input"] = self.json[index]
            content.append(block)
        message = dict(self.message, content=content)
        if self.usage:
            message["usage"] = dict(self.usage)
        return message


# ------------------------------------------------------------------ endpoints
def _endpoint(cls: type, method: str) -> Endpoint:
    return Endpoint(cls, method, f"{cls.__name__}.{method}", "CHAT_MODEL", _start_attributes, _record,
                    _MessageAccumulator, _STREAMS, is_async=cls.__name__.startswith("Async"))


def _stream_wrapper(original: Any, endpoint: Endpoint) -> Any:
    """``messages.stream()`` returns a manager whose ``__enter__`` sends the request:
    trace from there (the span starts when the request does)."""

    @functools.wraps(original)
    def stream(self: Any, *args: Any, **kwargs: Any) -> Any:
        manager = original(self, *args, **kwargs)
        try:
            attr = f"_{type(manager).__name__}__api_request"
            request = getattr(manager, attr)
            setattr(manager, attr, _traced_request(request, endpoint, kwargs))
        except Exception as exc:
            report_internal_error("tracing anthropic messages.stream", exc)
        return manager

    return stream


def _traced_request(request: Any, endpoint: Endpoint, kwargs: dict) -> Any:
    if endpoint.is_async:  # an awaitable that sends the request
        async def run() -> Any:
            call = Call.start(endpoint, kwargs)
            if call is None:
                return await request
            try:
                raw = await request
            except BaseException as exc:
                call.fail(exc)
                raise
            return call.succeed(raw)
        return run()

    def send() -> Any:
        call = Call.start(endpoint, kwargs)
        if call is None:
            return request()
        try:
            raw = request()
        except BaseException as exc:
            call.fail(exc)
            raise
        return call.succeed(raw)
    return send


def _endpoints() -> list:
    out = []
    for cls in (_messages.Messages, _messages.AsyncMessages):
        for method in ("create", "parse"):
            if method in cls.__dict__:
                out.append(_endpoint(cls, method))
    return out


_STREAM_CLASSES = (_messages.Messages, _messages.AsyncMessages)


def autolog(disable: bool = False) -> None:
    """Trace every Anthropic Messages call as an nbtrace span (idempotent);
    ``disable=True`` restores the SDK's original methods."""
    util.apply(_endpoints(), disable)
    for cls in _STREAM_CLASSES:
        if disable:
            util.unpatch(cls, "stream")
        elif "stream" in cls.__dict__:
            endpoint = _endpoint(cls, "stream")
            util.patch(cls, "stream", lambda original, e=endpoint: _stream_wrapper(original, e))
