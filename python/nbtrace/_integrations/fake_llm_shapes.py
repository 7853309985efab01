"""Response bodies of :mod:`nbtrace.fake_llm` in the providers' documented shapes.

A scripted :class:`~nbtrace.fake_llm.Reply` (text, tool calls, thinking, usage)
is rendered here as an OpenAI chat completion / legacy completion / Responses API
response / embeddings list, or an Anthropic message — plain JSON, or the list of
Server-Sent Events the provider streams (``stream=True``). Stdlib only.
"""
from __future__ import annotations

import base64
import hashlib
import itertools
import json
import re
import struct
import time
from typing import Any

_ids = itertools.count(1)


def new_id(prefix: str) -> str:
    """``prefix`` + a process-unique suffix (ids look like the providers' ones)."""
    return f"{prefix}{next(_ids):06d}fake"


def _split_text(text: str) -> list:
    """Word-sized pieces of ``text`` (what a streamed answer arrives in)."""
    return re.findall(r"\s*\S+\s*", text) or ([text] if text else [])


def _split_json(text: str, size: int = 8) -> list:
    return [text[i:i + size] for i in range(0, len(text), size)] or [""]


def sse(data: Any, event: str | None = None) -> str:
    """One Server-Sent Event (``data`` a JSON value or a raw string such as ``[DONE]``)."""
    payload = data if isinstance(data, str) else json.dumps(data)
    return (f"event: {event}\n" if event else "") + f"data: {payload}\n\n"


def _usage(reply: Any) -> dict:
    """The reply's neutral usage counts (``input_tokens``, ``output_tokens``,
    ``cached_tokens``, ``cache_creation_tokens``, ``reasoning_tokens``)."""
    return dict(reply.usage or {})


# ------------------------------------------------------------------ OpenAI: chat completions
def openai_chat_usage(u: dict) -> dict:
    prompt, completion = u.get("input_tokens", 0), u.get("output_tokens", 0)
    return {
        "prompt_tokens": prompt, "completion_tokens": completion, "total_tokens": prompt + completion,
        "prompt_tokens_details": {"cached_tokens": u.get("cached_tokens", 0), "audio_tokens": 0},
        "completion_tokens_details": {"reasoning_tokens": u.get("reasoning_tokens", 0), "audio_tokens": 0,
                                      "accepted_prediction_tokens": 0, "rejected_prediction_tokens": 0},
    }


def _tool_calls(reply: Any) -> list:
    return [{"id": new_id("call_"), "type": "function",
             "function": {"name": name, "arguments": json.dumps(args)}}
            for name, args in reply.tool_calls]


def openai_chat(body: dict, reply: Any) -> dict:
    calls = _tool_calls(reply)
    message: dict = {"role": "assistant", "content": reply.text, "refusal": None, "annotations": []}
    if calls:
        message["tool_calls"] = calls
    return {
        "id": new_id("chatcmpl-"), "object": "chat.completion", "created": int(time.time()),
        "model": reply.model or body.get("model", "fake-model"),
        "choices": [{"index": 0, "message": message, "logprobs": None,
                     "finish_reason": "tool_calls" if calls else "stop"}],
        "usage": openai_chat_usage(_usage(reply)),
        "service_tier": "default", "system_fingerprint": "fp_fake",
    }


def openai_chat_stream(body: dict, reply: Any) -> list:
    full = openai_chat(body, reply)
    base = {k: full[k] for k in ("id", "created", "model", "service_tier", "system_fingerprint")}
    base["object"] = "chat.completion.chunk"
    with_usage = bool((body.get("stream_options") or {}).get("include_usage"))

    def chunk(delta: dict, finish: str | None = None) -> str:
        data = dict(base, choices=[{"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish}])
        if with_usage:
            data["usage"] = None
        return sse(data)

    message = full["choices"][0]["message"]
    events = [chunk({"role": "assistant", "content": "" if message["content"] is not None else None,
                     "refusal": None})]
    events += [chunk({"content": piece}) for piece in _split_text(message["content"] or "")]
    for index, call in enumerate(message.get("tool_calls") or []):
        start = {"name": call["function"]["name"], "arguments": ""}
        events.append(chunk({"tool_calls": [{"index": index, "id": call["id"], "type": "function",
                                             "function": start}]}))
        events += [chunk({"tool_calls": [{"index": index, "function": {"arguments": piece}}]})
                   for piece in _split_json(call["function"]["arguments"])]
    events.append(chunk({}, full["choices"][0]["finish_reason"]))
    if with_usage:
        events.append(sse(dict(base, choices=[], usage=full["usage"])))
    events.append(sse("[DONE]"))
    return events


# ------------------------------------------------------------------ OpenAI: legacy completions
def openai_completion(body: dict, reply: Any) -> dict:
    u = _usage(reply)
    return {
        "id": new_id("cmpl-"), "object": "text_completion", "created": int(time.time()),
        "model": reply.model or body.get("model", "fake-model"), "system_fingerprint": "fp_fake",
        "choices": [{"text": reply.text or "", "index": 0, "logprobs": None, "finish_reason": "stop"}],
        "usage": {"prompt_tokens": u.get("input_tokens", 0), "completion_tokens": u.get("output_tokens", 0),
                  "total_tokens": u.get("input_tokens", 0) + u.get("output_tokens", 0)},
    }


def openai_completion_stream(body: dict, reply: Any) -> list:
    full = openai_completion(body, reply)
    base = {k: full[k] for k in ("id", "object", "created", "model", "system_fingerprint")}
    with_usage = bool((body.get("stream_options") or {}).get("include_usage"))
    events = [sse(dict(base, choices=[{"text": piece, "index": 0, "logprobs": None, "finish_reason": None}]))
              for piece in _split_text(reply.text or "")]
    last = {"text": "", "index": 0, "logprobs": None, "finish_reason": "stop"}
    events.append(sse(dict(base, choices=[last])))
    if with_usage:
        events.append(sse(dict(base, choices=[], usage=full["usage"])))
    events.append(sse("[DONE]"))
    return events


# ------------------------------------------------------------------ OpenAI: Responses API
def openai_response(body: dict, reply: Any) -> dict:
    u = _usage(reply)
    output: list = []
    if reply.thinking:
        output.append({"type": "reasoning", "id": new_id("rs_"),
                       "summary": [{"type": "summary_text", "text": reply.thinking}]})
    if reply.text is not None:
        output.append({"type": "message", "id": new_id("msg_"), "status": "completed", "role": "assistant",
                       "content": [{"type": "output_text", "text": reply.text, "annotations": [],
                                    "logprobs": []}]})
    for name, args in reply.tool_calls:
        output.append({"type": "function_call", "id": new_id("fc_"), "call_id": new_id("call_"),
                       "name": name, "arguments": json.dumps(args), "status": "completed"})
    inp, out = u.get("input_tokens", 0), u.get("output_tokens", 0)
    return {
        "id": new_id("resp_"), "object": "response", "created_at": int(time.time()), "status": "completed",
        "error": None, "incomplete_details": None, "instructions": body.get("instructions"),
        "max_output_tokens": body.get("max_output_tokens"),
        "model": reply.model or body.get("model", "fake-model"), "output": output,
        "parallel_tool_calls": True,
        "previous_response_id": body.get("previous_response_id"),
        "reasoning": {"effort": (body.get("reasoning") or {}).get("effort"), "summary": None},
        "store": True, "temperature": body.get("temperature", 1.0), "text": {"format": {"type": "text"}},
        "tool_choice": body.get("tool_choice", "auto"), "tools": body.get("tools") or [],
        "top_p": body.get("top_p", 1.0), "truncation": "disabled", "user": None, "metadata": {},
        "usage": {"input_tokens": inp, "input_tokens_details": {"cached_tokens": u.get("cached_tokens", 0)},
                  "output_tokens": out,
                  "output_tokens_details": {"reasoning_tokens": u.get("reasoning_tokens", 0)},
                  "total_tokens": inp + out},
    }


def openai_response_stream(body: dict, reply: Any) -> list:
    full = openai_response(body, reply)
    seq = itertools.count()
    events: list = []

    def emit(kind: str, **data: Any) -> None:
        events.append(sse({"type": kind, "sequence_number": next(seq), **data}, event=kind))

    started = dict(full, status="in_progress", output=[], usage=None)
    emit("response.created", response=started)
    emit("response.in_progress", response=started)
    for index, item in enumerate(full["output"]):
        if item["type"] == "message":
            text = item["content"][0]["text"]
            emit("response.output_item.added", output_index=index,
                 item=dict(item, status="in_progress", content=[]))
            part = {"type": "output_text", "text": "", "annotations": [], "logprobs": []}
            emit("response.content_part.added", item_id=item["id"], output_index=index, content_index=0,
                 part=part)
            for piece in _split_text(text):
                emit("response.output_text.delta", item_id=item["id"], output_index=index, content_index=0,
                     delta=piece, logprobs=[])
            emit("response.output_text.done", item_id=item["id"], output_index=index, content_index=0,
                 text=text, logprobs=[])
            emit("response.content_part.done", item_id=item["id"], output_index=index, content_index=0,
                 part=dict(part, text=text))
        elif item["type"] == "function_call":
            emit("response.output_item.added", output_index=index,
                 item=dict(item, arguments="", status="in_progress"))
            for piece in _split_json(item["arguments"]):
                emit("response.function_call_arguments.delta", item_id=item["id"], output_index=index,
                     delta=piece)
            emit("response.function_call_arguments.done", item_id=item["id"], output_index=index,
                 name=item["name"], arguments=item["arguments"])
        else:
            emit("response.output_item.added", output_index=index, item=dict(item, summary=[]))
        emit("response.output_item.done", output_index=index, item=item)
    emit("response.completed", response=full)
    return events


# ------------------------------------------------------------------ OpenAI: embeddings
def _vector(text: str, dims: int) -> list:
    digest = hashlib.sha256(text.encode("utf-8", "backslashreplace")).digest()
    while len(digest) < dims:
        digest += hashlib.sha256(digest).digest()
    return [round((b - 127.5) / 127.5, 4) for b in digest[:dims]]


def openai_embeddings(body: dict) -> dict:
    inputs = body.get("input")
    items = inputs if isinstance(inputs, list) and inputs and not isinstance(inputs[0], int) else [inputs]
    dims = body.get("dimensions") or 8
    data = []
    for index, item in enumerate(items):
        vector = _vector(json.dumps(item) if not isinstance(item, str) else item, int(dims))
        if body.get("encoding_format") == "base64":
            encoded: Any = base64.b64encode(struct.pack(f"<{len(vector)}f", *vector)).decode("ascii")
        else:
            encoded = vector
        data.append({"object": "embedding", "index": index, "embedding": encoded})
    tokens = sum(max(1, len(json.dumps(item)) // 4) for item in items)
    return {"object": "list", "data": data, "model": body.get("model", "fake-embedding"),
            "usage": {"prompt_tokens": tokens, "total_tokens": tokens}}


# ------------------------------------------------------------------ Anthropic: messages
def anthropic_message(body: dict, reply: Any) -> dict:
    u = _usage(reply)
    content: list = []
    if reply.thinking:
        content.append({"type": "thinking", "thinking": reply.thinking,
                        "signature": base64.b64encode(reply.thinking.encode()[:24]).decode("ascii")})
    if reply.text is not None:
        content.append({"type": "text", "text": reply.text})
    for name, args in reply.tool_calls:
        content.append({"type": "tool_use", "id": new_id("toolu_"), "name": name, "input": args})
    return {
        "id": new_id("msg_"), "type": "message", "role": "assistant",
        "model": reply.model or body.get("model", "fake-model"), "content": content,
        "stop_reason": "tool_use" if reply.tool_calls else "end_turn", "stop_sequence": None,
        "usage": {"input_tokens": u.get("input_tokens", 0), "output_tokens": u.get("output_tokens", 0),
                  "cache_creation_input_tokens": u.get("cache_creation_tokens", 0),
                  "cache_read_input_tokens": u.get("cached_tokens", 0), "service_tier": "standard"},
    }


def anthropic_message_stream(body: dict, reply: Any) -> list:
    full = anthropic_message(body, reply)
    events: list = []

    def emit(kind: str, **data: Any) -> None:
        events.append(sse({"type": kind, **data}, event=kind))

    emit("message_start", message=dict(full, content=[], stop_reason=None,
                                       usage=dict(full["usage"], output_tokens=1)))
    for index, block in enumerate(full["content"]):
        if block["type"] == "text":
            emit("content_block_start", index=index, content_block={"type": "text", "text": ""})
            if index == 0:
                events.append(sse({"type": "ping"}, event="ping"))
            for piece in _split_text(block["text"]):
                emit("content_block_delta", index=index, delta={"type": "text_delta", "text": piece})
        elif block["type"] == "thinking":
            emit("content_block_start", index=index,
                 content_block={"type": "thinking", "thinking": "", "signature": ""})
            for piece in _split_text(block["thinking"]):
                emit("content_block_delta", index=index, delta={"type": "thinking_delta", "thinking": piece})
            emit("content_block_delta", index=index,
                 delta={"type": "signature_delta", "signature": block["signature"]})
        else:
            emit("content_block_start", index=index, content_block=dict(block, input={}))
            for piece in _split_json(json.dumps(block["input"])):
                emit("content_block_delta", index=index,
                     delta={"type": "input_json_delta", "partial_json": piece})
        emit("content_block_stop", index=index)
    emit("message_delta", delta={"stop_reason": full["stop_reason"], "stop_sequence": None},
         usage={"output_tokens": full["usage"]["output_tokens"]})
    emit("message_stop")
    return events


# ------------------------------------------------------------------ errors
_OPENAI_ERRORS = {
    400: ("invalid_request_error", None, "Invalid request."),
    401: ("invalid_request_error", "invalid_api_key", "Incorrect API key provided."),
    429: ("requests", "rate_limit_exceeded", "Rate limit reached for requests. Please try again shortly."),
    500: ("server_error", None, "The server had an error while processing your request. Sorry about that!"),
    503: ("server_error", None, "The engine is currently overloaded, please try again later."),
}
_ANTHROPIC_ERRORS = {
    400: ("invalid_request_error", "Invalid request."),
    401: ("authentication_error", "invalid x-api-key"),
    403: ("permission_error", "Your API key does not have permission to use the specified resource."),
    404: ("not_found_error", "The requested resource could not be found."),
    413: ("request_too_large", "Request exceeds the maximum allowed number of bytes."),
    429: ("rate_limit_error", "Number of requests has exceeded your rate limit."),
    500: ("api_error", "Internal server error"),
    529: ("overloaded_error", "Overloaded"),
}


def openai_error(status: int, message: str | None = None) -> dict:
    kind, code, default = _OPENAI_ERRORS.get(status, ("server_error", None, f"Error {status}."))
    return {"error": {"message": message or default, "type": kind, "param": None, "code": code}}


def anthropic_error(status: int, message: str | None = None) -> dict:
    kind, default = _ANTHROPIC_ERRORS.get(status, ("api_error", f"Error {status}."))
    return {"type": "error", "error": {"type": kind, "message": message or default},
            "request_id": new_id("req_")}
