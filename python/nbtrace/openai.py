"""Autolog for the ``openai`` Python SDK: every model call becomes an nbtrace span.

    import nbtrace.openai
    nbtrace.openai.autolog()          # nbtrace.openai.autolog(disable=True) undoes it

Traced, sync and async: ``chat.completions.create`` / ``.parse`` (and so
``.stream``) and ``responses.create`` / ``.parse`` (and ``.stream``) as CHAT_MODEL
spans, ``completions.create`` as LLM, ``embeddings.create`` as EMBEDDING. Span
names follow MLflow's openai autolog: the resource class name (``Completions``,
``AsyncCompletions``, ``Responses``, ``Embeddings``...). A span nests under the
current nbtrace span (or starts a trace) and records the request keyword
arguments as inputs, the response (``model_dump``) as outputs, the tools as
``mlflow.chat.tools``, ``mlflow.message.format = "openai"``, the models, finish
reasons and token usage (cached and reasoning tokens included). With
``stream=True`` the span stays open while the stream is read; the chunks are
joined into one response of the non-streamed shape. A failed call (rate limit,
server error, connection error ...) ends the span with ERROR and the exception
reaches your code unchanged. Patches are class-level, so clients created before
``autolog()`` are traced too.
"""
from __future__ import annotations

import importlib

import openai  # the SDK (this module is nbtrace.openai; absolute imports find the real one)

from ._integrations import autolog as util
from ._integrations.autolog import Endpoint, get

__all__ = ["autolog"]

_STREAMS = (openai.Stream, openai.AsyncStream)
_PARAMS = {"temperature": "gen_ai.request.temperature", "top_p": "gen_ai.request.top_p",
           "max_tokens": "gen_ai.request.max_tokens", "max_completion_tokens": "gen_ai.request.max_tokens",
           "max_output_tokens": "gen_ai.request.max_tokens", "seed": "gen_ai.request.seed"}


def _chat_tools(tools: list) -> list:
    """Tools in the chat-completions shape ``mlflow.chat.tools`` expects (Responses API
    function tools are flat: ``{"type": "function", "name": ..., "parameters": ...}``)."""
    out = []
    for tool in tools:
        if isinstance(tool, dict) and tool.get("type") == "function" and "function" not in tool:
            spec = {k: tool[k] for k in ("name", "description", "parameters", "strict") if k in tool}
            out.append({"type": "function", "function": spec})
        else:
            out.append(tool)
    return out


def _start_attributes(operation: str):
    def attributes(inputs: dict) -> dict:
        attrs = {"mlflow.message.format": "openai", "gen_ai.provider.name": "openai",
                 "gen_ai.operation.name": operation, "mlflow.llm.provider": "openai"}
        if isinstance(inputs.get("model"), str):
            attrs["gen_ai.request.model"] = attrs["mlflow.llm.model"] = inputs["model"]
        for key, name in _PARAMS.items():
            if isinstance(inputs.get(key), (int, float)) and not isinstance(inputs.get(key), bool):
                attrs[name] = inputs[key]
        if isinstance(inputs.get("tools"), list) and inputs["tools"]:
            attrs["mlflow.chat.tools"] = _chat_tools(inputs["tools"])
        return attrs
    return attributes


def _record_common(span, response: dict, finish_reasons: list) -> None:
    if isinstance(response.get("model"), str):
        span.set_attribute("gen_ai.response.model", response["model"])
    if isinstance(response.get("id"), str):
        span.set_attribute("gen_ai.response.id", response["id"])
    reasons = [r for r in finish_reasons if isinstance(r, str)]
    if reasons:
        span.set_attribute("gen_ai.response.finish_reasons", reasons)


def _record_choices(span, response: dict) -> None:
    """Chat and legacy completions: finish reasons and ``usage`` (prompt/completion tokens)."""
    _record_common(span, response, [get(c, "finish_reason") for c in response.get("choices") or []])
    usage = response.get("usage") or {}
    util.set_usage(span, usage.get("prompt_tokens"), usage.get("completion_tokens"),
                   usage.get("total_tokens"),
                   cache_read_input_tokens=(usage.get("prompt_tokens_details") or {}).get("cached_tokens"),
                   reasoning_tokens=(usage.get("completion_tokens_details") or {}).get("reasoning_tokens"))


def _record_response(span, response: dict) -> None:
    """Responses API: status as the finish reason, ``input/output_tokens`` usage."""
    _record_common(span, response, [response.get("status")])
    usage = response.get("usage") or {}
    util.set_usage(span, usage.get("input_tokens"), usage.get("output_tokens"), usage.get("total_tokens"),
                   cache_read_input_tokens=(usage.get("input_tokens_details") or {}).get("cached_tokens"),
                   reasoning_tokens=(usage.get("output_tokens_details") or {}).get("reasoning_tokens"))


def _record_embeddings(span, response: dict) -> None:
    _record_common(span, response, [])
    usage = response.get("usage") or {}
    util.set_usage(span, usage.get("prompt_tokens"), None, usage.get("total_tokens"))


# ------------------------------------------------------------------ stream accumulators
class _ChatAccumulator:
    """Joins ``chat.completion.chunk`` s into one ``chat.completion`` dict: content,
    refusal and reasoning text, tool calls (arguments joined per index), finish
    reasons and the usage chunk (``stream_options={"include_usage": True}``)."""

    def __init__(self) -> None:
        self.base: dict = {}
        self.choices: dict = {}
        self.usage = None

    def add(self, chunk) -> bool:
        first = False
        for key in ("id", "created", "model", "system_fingerprint", "service_tier"):
            value = get(chunk, key)
            if value is not None:
                self.base[key] = value
        if get(chunk, "usage") is not None:
            self.usage = util.dump(get(chunk, "usage"))
        for choice in get(chunk, "choices") or []:
            index = get(choice, "index", 0) or 0
            state = self.choices.setdefault(index, {"message": {"role": "assistant", "content": None},
                                                    "finish_reason": None, "calls": {}})
            message, delta = state["message"], get(choice, "delta")
            if delta is not None:
                if get(delta, "role"):
                    message["role"] = get(delta, "role")
                for key in ("content", "refusal", "reasoning_content", "reasoning"):
                    piece = get(delta, key)
                    if isinstance(piece, str) and piece:
                        message[key] = (message.get(key) or "") + piece
                        first = True
                for call in get(delta, "tool_calls") or []:
                    first = True
                    slot = state["calls"].setdefault(get(call, "index", 0) or 0, {
                        "id": None, "type": "function", "function": {"name": "", "arguments": ""}})
                    if get(call, "id"):
                        slot["id"] = get(call, "id")
                    if get(call, "type"):
                        slot["type"] = get(call, "type")
                    function = get(call, "function")
                    if get(function, "name"):
                        slot["function"]["name"] += get(function, "name")
                    if get(function, "arguments"):
                        slot["function"]["arguments"] += get(function, "arguments")
            if get(choice, "finish_reason"):
                state["finish_reason"] = get(choice, "finish_reason")
        return first

    def result(self) -> dict:
        choices = []
        for index in sorted(self.choices):
            state = self.choices[index]
            message = dict(state["message"])
            if state["calls"]:
                message["tool_calls"] = [state["calls"][i] for i in sorted(state["calls"])]
            choices.append({"index": index, "message": message, "finish_reason": state["finish_reason"],
                            "logprobs": None})
        return {**self.base, "object": "chat.completion", "choices": choices, "usage": self.usage}


class _CompletionAccumulator(_ChatAccumulator):
    """Legacy completions: joins ``choices[i].text``."""

    def add(self, chunk) -> bool:
        first = False
        for key in ("id", "created", "model", "system_fingerprint"):
            if get(chunk, key) is not None:
                self.base[key] = get(chunk, key)
        if get(chunk, "usage") is not None:
            self.usage = util.dump(get(chunk, "usage"))
        for choice in get(chunk, "choices") or []:
            state = self.choices.setdefault(get(choice, "index", 0) or 0, {"text": "", "finish_reason": None})
            if get(choice, "text"):
                state["text"] += get(choice, "text")
                first = True
            if get(choice, "finish_reason"):
                state["finish_reason"] = get(choice, "finish_reason")
        return first

    def result(self) -> dict:
        choices = [{"index": i, "text": self.choices[i]["text"], "logprobs": None,
                    "finish_reason": self.choices[i]["finish_reason"]} for i in sorted(self.choices)]
        return {**self.base, "object": "text_completion", "choices": choices, "usage": self.usage}


class _ResponsesAccumulator:
    """Responses API events: the final ``response`` (``response.completed`` /
    ``.incomplete`` / ``.failed``); if the stream stops early, what arrived so far."""

    def __init__(self) -> None:
        self.response: dict | None = None
        self.items: dict = {}
        self.text = ""

    def add(self, event) -> bool:
        kind = get(event, "type") or ""
        if kind in ("response.created", "response.in_progress", "response.completed",
                    "response.incomplete", "response.failed") and get(event, "response") is not None:
            self.response = util.dump(get(event, "response"))
        elif kind == "response.output_item.done":
            self.items[get(event, "output_index", len(self.items))] = util.dump(get(event, "item"))
        elif kind == "response.output_text.delta":
            self.text += get(event, "delta") or ""
        return kind.endswith(".delta")

    def result(self) -> dict:
        response = dict(self.response or {})
        if response.get("status") in (None, "in_progress", "queued"):
            response["output"] = [self.items[i] for i in sorted(self.items)]
            if self.text:
                response["output_text"] = self.text
        return response


# ------------------------------------------------------------------ endpoints
_CHAT, _TEXT = _start_attributes("chat"), _start_attributes("text_completion")
_EMBED = _start_attributes("embeddings")
# (module, class name, method, span type, start attributes, record, stream accumulator)
_TARGETS = [
    ("openai.resources.chat.completions", "Completions", "create", "CHAT_MODEL", _CHAT, _record_choices,
     _ChatAccumulator),
    ("openai.resources.chat.completions", "Completions", "parse", "CHAT_MODEL", _CHAT, _record_choices, None),
    ("openai.resources.responses", "Responses", "create", "CHAT_MODEL", _CHAT, _record_response,
     _ResponsesAccumulator),
    ("openai.resources.responses", "Responses", "parse", "CHAT_MODEL", _CHAT, _record_response, None),
    ("openai.resources.completions", "Completions", "create", "LLM", _TEXT, _record_choices,
     _CompletionAccumulator),
    ("openai.resources.embeddings", "Embeddings", "create", "EMBEDDING", _EMBED, _record_embeddings, None),
]


def _endpoints() -> list:
    """The endpoints this SDK version has (older versions lack e.g. the Responses API)."""
    out = []
    for module_name, cls_name, method, span_type, start, record, acc in _TARGETS:
        try:
            module = importlib.import_module(module_name)
        except ImportError:
            continue
        for prefix, is_async in (("", False), ("Async", True)):
            cls = getattr(module, prefix + cls_name, None)
            if isinstance(cls, type) and method in cls.__dict__:
                out.append(Endpoint(cls, method, cls.__name__, span_type, start, record, acc,
                                    _STREAMS, is_async))
    return out


def autolog(disable: bool = False) -> None:
    """Trace every OpenAI SDK model call as an nbtrace span (idempotent);
    ``disable=True`` restores the SDK's original methods."""
    util.apply(_endpoints(), disable)
