"""Duck-typed conversions of LangChain objects for :mod:`nbtrace.langchain`.

Messages, documents, ``LLMResult`` s, token usage and tool definitions become plain
dicts in the shapes MLflow records for LangChain (message dicts carry both
LangChain's ``type`` and the chat ``role``). Nothing here imports LangChain: any
object with the right attributes works, which is also how the tests drive it.
"""
from __future__ import annotations

import ast
import json
from collections.abc import Mapping
from typing import Any

from .._record.serialize import to_jsonable

_ROLES = {"human": "user", "ai": "assistant", "system": "system", "tool": "tool",
          "function": "function", "developer": "developer", "HumanMessageChunk": "user",
          "AIMessageChunk": "assistant", "SystemMessageChunk": "system",
          "ToolMessageChunk": "tool", "FunctionMessageChunk": "function"}
_MAX_DEPTH = 6
MESSAGE_FORMAT_KEY = "mlflow.message.format"
CHAT_TOOLS_KEY = "mlflow.chat.tools"


def message_dict(m: Any) -> Any:
    """A LangChain ``BaseMessage`` (duck-typed) → a dict with ``role`` and ``type``."""
    if isinstance(m, str):
        return {"role": "user", "type": "human", "content": m}
    mtype = getattr(m, "type", None)
    if isinstance(m, Mapping) or not isinstance(mtype, str) or not hasattr(m, "content"):
        return m
    role = getattr(m, "role", None) if mtype in ("chat", "ChatMessageChunk") else _ROLES.get(mtype)
    out = {"role": role if isinstance(role, str) else mtype, "type": mtype, "content": m.content}
    for key in ("name", "id", "tool_call_id", "tool_calls", "invalid_tool_calls",
                "additional_kwargs", "usage_metadata", "response_metadata"):
        value = getattr(m, key, None)
        if value:
            out[key] = value
    return out


def document_dict(d: Any) -> Any:
    """A LangChain ``Document`` → ``{page_content, metadata, id}`` (MLflow's shape)."""
    if isinstance(d, Mapping) or not hasattr(d, "page_content"):
        return d
    return {"page_content": d.page_content, "metadata": getattr(d, "metadata", None) or {},
            "id": getattr(d, "id", None)}


def convert(value: Any, depth: int = 0) -> Any:
    """Messages and documents inside chain/tool inputs and outputs → their dicts."""
    if value is None or isinstance(value, (str, int, float, bool)) or depth > _MAX_DEPTH:
        return value
    if isinstance(value, Mapping):
        return {k: convert(v, depth + 1) for k, v in list(value.items())[:2_000]}
    if isinstance(value, (list, tuple)):
        return [convert(v, depth + 1) for v in value[:2_000]]
    if hasattr(value, "additional_kwargs") and hasattr(value, "content"):
        return message_dict(value)
    if hasattr(value, "page_content"):
        return document_dict(value)
    return value


def _generation(g: Any) -> Any:
    if isinstance(g, Mapping):
        return g
    out = {"text": getattr(g, "text", ""), "generation_info": getattr(g, "generation_info", None),
           "type": getattr(g, "type", type(g).__name__)}
    message = getattr(g, "message", None)
    if message is not None:
        out["message"] = message_dict(message)
    return out


def llm_result_dict(response: Any) -> Any:
    """An ``LLMResult`` → ``{generations: [[{text, generation_info, type, message?}]], llm_output}``."""
    generations = getattr(response, "generations", None)
    if not isinstance(generations, (list, tuple)):
        return response
    return {"generations": [[_generation(g) for g in batch or ()] for batch in generations],
            "llm_output": getattr(response, "llm_output", None)}


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _add(totals: dict, key: str, value: Any) -> None:
    if _int(value) is not None:
        totals[key] = totals.get(key, 0) + value


def token_usage(response: Any) -> dict:
    """Token counts: summed ``usage_metadata`` of the generated messages, else the
    provider's ``llm_output["token_usage" | "usage"]``."""
    totals: dict = {}
    for batch in getattr(response, "generations", None) or ():
        for g in batch or ():
            usage = getattr(getattr(g, "message", None), "usage_metadata", None)
            if isinstance(usage, Mapping):
                for key in ("input_tokens", "output_tokens", "total_tokens"):
                    _add(totals, key, usage.get(key))
                details = usage.get("input_token_details")
                if isinstance(details, Mapping):
                    _add(totals, "cache_read_input_tokens", details.get("cache_read"))
                    _add(totals, "cache_creation_input_tokens", details.get("cache_creation"))
    if totals:
        return totals
    llm_output = getattr(response, "llm_output", None)
    usage = None
    if isinstance(llm_output, Mapping):
        usage = llm_output.get("token_usage") or llm_output.get("usage")
    if not isinstance(usage, Mapping):
        usage = to_jsonable(usage) if usage is not None else None
        if not isinstance(usage, Mapping):
            return {}
    pairs = (("input_tokens", ("prompt_tokens", "input_tokens")),
             ("output_tokens", ("completion_tokens", "output_tokens")),
             ("total_tokens", ("total_tokens",)),
             ("cache_read_input_tokens", ("cache_read_input_tokens",)),
             ("cache_creation_input_tokens", ("cache_creation_input_tokens",)))
    for key, names in pairs:
        for name in names:
            if _int(usage.get(name)) is not None:
                totals[key] = usage[name]
                break
    details = usage.get("prompt_tokens_details")  # OpenAI: cached prompt tokens
    if isinstance(details, Mapping) and "cache_read_input_tokens" not in totals:
        _add(totals, "cache_read_input_tokens", details.get("cached_tokens"))
    return totals


def chat_tools(kwargs: Mapping) -> list:
    """Tool definitions offered to the model → OpenAI-style ``{type, function}`` dicts."""
    params = kwargs.get("invocation_params")
    raw = params.get("tools") if isinstance(params, Mapping) else None
    raw = raw or kwargs.get("tools")
    out = []
    for tool in raw if isinstance(raw, (list, tuple)) else ():
        if not isinstance(tool, Mapping):
            tool = to_jsonable(tool)
            if not isinstance(tool, Mapping):
                continue
        fn = tool.get("function") if isinstance(tool.get("function"), Mapping) else tool
        if not isinstance(fn.get("name"), str):
            continue
        spec = {"name": fn["name"]}
        if fn.get("description"):
            spec["description"] = fn["description"]
        schema = fn.get("parameters") or fn.get("input_schema")  # OpenAI / Anthropic
        if schema:
            spec["parameters"] = schema
        out.append({"type": "function", "function": spec})
    return out


def run_name(serialized: Any, name: Any, default: str) -> str:
    """The run's name: the ``name`` LangChain passes, else the serialized name or class."""
    if isinstance(name, str) and name:
        return name
    if isinstance(serialized, Mapping):
        if isinstance(serialized.get("name"), str) and serialized["name"]:
            return serialized["name"]
        ids = serialized.get("id")
        if isinstance(ids, (list, tuple)) and ids:
            return str(ids[-1])
    return default


def tool_inputs(input_str: Any, inputs: Any) -> Any:
    """The tool's inputs: the ``inputs`` dict, else ``input_str`` parsed when it is a
    JSON / Python literal (function calling passes ``"{'a': 1}"``), else as is."""
    if isinstance(inputs, Mapping) and inputs:
        return dict(inputs)
    if isinstance(input_str, str) and 1 < len(input_str) <= 100_000 and input_str[0] in "{[":
        for parse in (json.loads, ast.literal_eval):
            try:
                return parse(input_str)
            except Exception:
                pass
    return input_str


def run_attributes(kwargs: Mapping, metadata: Any) -> dict:
    """A run's span attributes: LangChain's extra callback arguments (as MLflow keeps
    them: ``invocation_params``, ``options``, …) and its ``metadata``."""
    attributes = {k: v for k, v in kwargs.items() if v is not None}
    if metadata:
        attributes["metadata"] = metadata
    return attributes


def model_attributes(kwargs: Mapping, metadata: Any) -> dict:
    """:func:`run_attributes` of an LLM / chat model run, plus the message format, the
    offered tools and the model / provider names LangChain passes."""
    attributes = run_attributes(kwargs, metadata)
    attributes[MESSAGE_FORMAT_KEY] = "langchain"
    tools = chat_tools(kwargs)
    if tools:
        attributes[CHAT_TOOLS_KEY] = tools
    params = kwargs.get("invocation_params")
    params = params if isinstance(params, Mapping) else {}
    meta = metadata if isinstance(metadata, Mapping) else {}
    model = params.get("model") or params.get("model_name") or meta.get("ls_model_name")
    if isinstance(model, str) and model:
        attributes["mlflow.llm.model"] = model
    if isinstance(meta.get("ls_provider"), str):
        attributes["mlflow.llm.provider"] = meta["ls_provider"]
    return attributes


def retry_attributes(retry_state: Any) -> dict:
    """A tenacity ``RetryCallState`` → the ``retry`` event's attributes (as MLflow)."""
    attributes = {"attempt": getattr(retry_state, "attempt_number", None),
                  "slept": getattr(retry_state, "idle_for", None)}
    outcome = getattr(retry_state, "outcome", None)
    if outcome is not None and getattr(outcome, "failed", False):
        error = outcome.exception()
        attributes.update(outcome="failed", exception=str(error),
                          exception_type=type(error).__name__)
    elif outcome is not None:
        attributes["outcome"] = "success"
    return attributes
