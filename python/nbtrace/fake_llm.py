"""A small fake LLM HTTP server on 127.0.0.1, for demos and tests that run offline.

It answers the real ``openai`` and ``anthropic`` SDKs with the providers'
documented response shapes (plain JSON and Server-Sent-Event streams)::

    from nbtrace.fake_llm import FakeLLMServer
    import openai

    with FakeLLMServer() as server:
        client = openai.OpenAI(base_url=server.openai_base_url, api_key="test")
        client.chat.completions.create(model="gpt-4o-mini", messages=[{"role": "user", "content": "Hi"}])

Endpoints: ``POST /v1/chat/completions``, ``/v1/completions``, ``/v1/responses``,
``/v1/embeddings`` (OpenAI; ``openai_base_url`` ends in ``/v1``) and
``/v1/messages`` (Anthropic; ``anthropic_base_url`` is the bare server URL).

What it answers: the next scripted :class:`Reply` (``server.enqueue(text=...)``,
``enqueue(tool_calls=[("get_weather", {"city": "Paris"})])``, ``enqueue(error=429)``,
...) if any; otherwise a default that makes a simple agent loop work: when the
request offers tools and the last message is the user's, the model calls a tool
(the one named in the message, else the first) with arguments made up from its
JSON schema and the user's words; when the last message is a tool result, it
answers with text quoting it; otherwise it answers in text. ``fake:429`` or
``fake:500`` in the user's message returns that error. ``server.requests``
holds what the SDK sent. Stdlib only (``http.server`` in a daemon thread).
"""
from __future__ import annotations

import collections
import dataclasses
import json
import re
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from ._integrations import fake_llm_shapes as shapes

__all__ = ["FakeLLMServer", "Reply"]


@dataclasses.dataclass
class Reply:
    """One scripted answer, rendered in the shape of whichever endpoint gets it.

    ``tool_calls``: ``(name, arguments dict)`` pairs. ``thinking``: an Anthropic
    thinking block / a Responses API reasoning summary. ``usage``: neutral counts
    (``input_tokens``, ``output_tokens``, ``cached_tokens``, ``cache_creation_tokens``,
    ``reasoning_tokens``); estimated from the request when omitted. ``error``: an
    HTTP status (429, 500, ...) answered with the provider's error body. ``raw``:
    an exact JSON body (with ``status``) instead of all of the above.
    """

    text: str | None = None
    tool_calls: list = dataclasses.field(default_factory=list)
    thinking: str | None = None
    usage: dict | None = None
    error: int | None = None
    message: str | None = None
    model: str | None = None
    raw: Any = None
    status: int = 200


# ------------------------------------------------------------------ reading requests
def _text_of(content: Any) -> str:
    """The text of a message ``content``: a string or a list of text parts/blocks."""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return " ".join(_text_of(part.get("text", part.get("content", "")))
                        for part in content if isinstance(part, dict) and part.get("type") != "image")
    return "" if content is None else str(content)


def _read_turn(kind: str, body: dict) -> dict:
    """Neutral view of a request: last user text, last tool result, tool schemas."""
    user, result, tools = "", None, []
    if kind in ("chat", "anthropic"):
        messages = body.get("messages") or []
        for message in messages:
            if isinstance(message, dict) and message.get("role") == "user":
                blocks = message.get("content")
                texts = [b for b in blocks if isinstance(b, dict) and b.get("type") != "tool_result"] \
                    if isinstance(blocks, list) else blocks
                user = _text_of(texts) or user
        last = messages[-1] if messages and isinstance(messages[-1], dict) else {}
        if last.get("role") in ("tool", "function"):
            result = _text_of(last.get("content"))
        elif isinstance(last.get("content"), list):
            found = [b for b in last["content"] if isinstance(b, dict) and b.get("type") == "tool_result"]
            if found:
                result = " ".join(_text_of(b.get("content")) for b in found)
    elif kind == "responses":
        items = body.get("input")
        items = [{"role": "user", "content": items}] if isinstance(items, str) else (items or [])
        for item in items:
            if isinstance(item, dict) and item.get("role") == "user":
                user = _text_of(item.get("content")) or user
        if items and isinstance(items[-1], dict) and items[-1].get("type") == "function_call_output":
            result = _text_of(items[-1].get("output"))
    else:  # legacy completions
        prompt = body.get("prompt")
        user = prompt if isinstance(prompt, str) else " ".join(map(str, prompt or []))
    for tool in body.get("tools") or []:
        if not isinstance(tool, dict):
            continue
        spec = tool.get("function") if isinstance(tool.get("function"), dict) else tool
        schema = spec.get("parameters") or spec.get("input_schema")
        if spec.get("name") and (schema is not None or tool.get("type") == "function"):
            tools.append((spec["name"], schema if isinstance(schema, dict) else {}))
    thinking = (isinstance(body.get("thinking"), dict) and body["thinking"].get("type") != "disabled") \
        or bool(body.get("reasoning")) or bool(body.get("reasoning_effort"))
    return {"user": user, "result": result, "tools": tools, "thinking": thinking}


def _make_args(schema: dict, text: str) -> dict:
    """Plausible arguments for a tool's JSON schema, taken from the user's words."""
    props = schema.get("properties") if isinstance(schema.get("properties"), dict) else {}
    names = schema.get("required") or list(props)
    words = re.findall(r"\b[A-Z][\w'-]*", text)[1:] or re.findall(r"\b[A-Z][\w'-]*", text)
    numbers = re.findall(r"-?\d+(?:\.\d+)?", text)
    args: dict = {}
    for name in names:
        prop = props.get(name) if isinstance(props.get(name), dict) else {}
        kind = prop.get("type")
        if prop.get("enum"):
            args[name] = prop["enum"][0]
        elif kind in ("integer", "number"):
            value = float(numbers.pop(0)) if numbers else 1
            args[name] = int(value) if kind == "integer" else value
        elif kind == "boolean":
            args[name] = True
        elif kind == "array":
            args[name] = []
        elif kind == "object":
            args[name] = {}
        else:
            word = re.sub(r"'s$", "", words.pop(0).strip("?.!,:;'\"")) if words else ""
            args[name] = word or text.strip()[:200] or "example"
    return args


def default_reply(kind: str, body: dict) -> Reply:
    """What the server answers when nothing is scripted (see the module docstring)."""
    turn = _read_turn(kind, body)
    user = turn["user"].strip()
    if turn["result"] is None:
        match = re.search(r"fake:(\d{3})", user)
        if match:
            return Reply(error=int(match.group(1)))
    thinking = f"The user asked: {user[:200]!r}. I should answer briefly." if turn["thinking"] else None
    if turn["result"] is not None:
        return Reply(text=f"Here is what I found: {turn['result'].strip()[:500]}", thinking=thinking)
    if turn["tools"] and kind != "completions":
        named = [t for t in turn["tools"] if t[0].lower() in user.lower()]
        name, schema = (named or turn["tools"])[0]
        return Reply(tool_calls=[(name, _make_args(schema, user))], thinking=thinking)
    return Reply(text=f"This is a fake reply to: {user[:500]}" if user else "Hello from the fake LLM!",
                 thinking=thinking)


def _estimate_usage(body: dict, reply: Reply) -> dict:
    prompt = body.get("messages", body.get("input", body.get("prompt", "")))
    answer = (reply.text or "") + json.dumps(reply.tool_calls) + (reply.thinking or "")
    reasoning = len(reply.thinking) // 4 if reply.thinking else 0
    return {"input_tokens": max(1, len(json.dumps(prompt)) // 4),
            "output_tokens": max(1, len(answer) // 4), "reasoning_tokens": reasoning}


# ------------------------------------------------------------------ the server
_ROUTES = {
    "/v1/chat/completions": ("chat", shapes.openai_chat, shapes.openai_chat_stream),
    "/v1/completions": ("completions", shapes.openai_completion, shapes.openai_completion_stream),
    "/v1/responses": ("responses", shapes.openai_response, shapes.openai_response_stream),
    "/v1/messages": ("anthropic", shapes.anthropic_message, shapes.anthropic_message_stream),
}


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as the SDKs' connection pools expect
    server: Any

    def log_message(self, format: str, *args: Any) -> None:  # quiet
        pass

    def setup(self) -> None:
        super().setup()
        self.server.fake._track(self.connection, add=True)

    def finish(self) -> None:
        try:
            super().finish()
        finally:
            self.server.fake._track(self.connection, add=False)

    def do_POST(self) -> None:
        try:
            self.server.fake._handle(self)
        except (BrokenPipeError, ConnectionResetError):  # the client closed a stream early
            self.close_connection = True

    def do_GET(self) -> None:
        self.server.fake._send_json(self, 404, shapes.openai_error(404, f"No route GET {self.path}"))


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that hung up is normal (stopped streams, closed pools): stay quiet."""


class FakeLLMServer:
    """The fake provider server. Use as a context manager, or call :meth:`start` / :meth:`stop`.

    ``stream_delay``: seconds between streamed events (0 in tests; a little, e.g.
    0.03, makes a demo's live trace visibly stream).
    """

    def __init__(self, host: str = "127.0.0.1", port: int = 0, stream_delay: float = 0.0) -> None:
        self.host, self.port, self.stream_delay = host, port, float(stream_delay)
        self._queue: collections.deque = collections.deque()
        self._requests: list = []
        self._lock = threading.Lock()
        self._conns: set = set()
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # -------------------------------------------------------------- lifecycle
    def start(self) -> FakeLLMServer:
        if self._httpd is not None:
            return self
        httpd = _HTTPServer((self.host, self.port), _Handler)
        httpd.fake = self  # type: ignore[attr-defined]
        self._httpd, self.port = httpd, httpd.server_address[1]
        self._thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05},
                                        name="nbtrace-fake-llm", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and close open (keep-alive) connections."""
        httpd, self._httpd = self._httpd, None
        if httpd is None:
            return
        httpd.shutdown()
        httpd.server_close()
        with self._lock:
            conns, self._conns = list(self._conns), set()
        for conn in conns:
            try:
                conn.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        if self._thread is not None:
            self._thread.join(timeout=5)

    def __enter__(self) -> FakeLLMServer:
        return self.start()

    def __exit__(self, *exc: Any) -> None:
        self.stop()

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def openai_base_url(self) -> str:
        return f"{self.url}/v1"

    @property
    def anthropic_base_url(self) -> str:
        return self.url

    # -------------------------------------------------------------- scripting
    def enqueue(self, reply: Reply | None = None, **fields: Any) -> Reply:
        """Script the next answer: a :class:`Reply`, or its fields as keywords
        (``text=``, ``tool_calls=``, ``thinking=``, ``usage=``, ``error=``, ``raw=``...).
        Answers are used in order, one per request (a retried request takes the next)."""
        reply = reply if reply is not None else Reply(**fields)
        reply.tool_calls = [tuple(call) if not isinstance(call, dict) else (call["name"], call["arguments"])
                            for call in reply.tool_calls]
        with self._lock:
            self._queue.append(reply)
        return reply

    def clear(self) -> None:
        """Forget scripted answers and received requests."""
        with self._lock:
            self._queue.clear()
            self._requests.clear()

    @property
    def requests(self) -> list:
        """Received requests, oldest first: dicts with ``method``, ``path``, ``headers``
        (lowercase names) and ``json`` (the decoded body)."""
        with self._lock:
            return list(self._requests)

    @property
    def last_request(self) -> dict | None:
        with self._lock:
            return self._requests[-1] if self._requests else None

    # -------------------------------------------------------------- serving
    def _track(self, conn: Any, add: bool) -> None:
        with self._lock:
            (self._conns.add if add else self._conns.discard)(conn)

    def _handle(self, handler: _Handler) -> None:
        path = handler.path.split("?", 1)[0].rstrip("/")
        length = int(handler.headers.get("content-length") or 0)
        raw = handler.rfile.read(length) if length else b""
        try:
            body = json.loads(raw or b"{}")
        except ValueError:
            body = None
        route = _ROUTES.get(path)
        anthropic = path == "/v1/messages"
        with self._lock:
            self._requests.append({"method": "POST", "path": path, "json": body,
                                   "headers": {k.lower(): v for k, v in handler.headers.items()}})
            head = self._queue[0] if self._queue else None
            # Embeddings take a scripted answer only if it is an error or a raw body.
            if head is not None and isinstance(body, dict) and (route is not None or (
                    path == "/v1/embeddings" and (head.raw is not None or head.error is not None))):
                scripted = self._queue.popleft()
            else:
                scripted = None
        if not isinstance(body, dict) or (route is None and path != "/v1/embeddings"):
            status, text = (404, f"No route {path}") if isinstance(body, dict) \
                else (400, "Invalid JSON body.")
            error = shapes.anthropic_error(status, text) if anthropic else shapes.openai_error(status, text)
            self._send_json(handler, status, error, anthropic=anthropic)
            return
        if route is None:  # embeddings
            if scripted is None:
                self._send_json(handler, 200, shapes.openai_embeddings(body))
                return
            reply = scripted
        else:
            reply = scripted or default_reply(route[0], body)
        if reply.raw is not None:
            self._send_json(handler, reply.status, reply.raw, anthropic=anthropic)
        elif reply.error is not None:
            error = shapes.anthropic_error if anthropic else shapes.openai_error
            self._send_json(handler, reply.error, error(reply.error, reply.message),
                            {"retry-after-ms": "10", "retry-after": "0"}, anthropic=anthropic)
        else:
            if reply.usage is None:
                reply = dataclasses.replace(reply, usage=_estimate_usage(body, reply))
            if body.get("stream"):
                self._send_stream(handler, route[2](body, reply), anthropic)
            else:
                self._send_json(handler, 200, route[1](body, reply), anthropic=anthropic)

    def _request_headers(self, anthropic: bool) -> dict:
        return {"request-id" if anthropic else "x-request-id": shapes.new_id("req_")}

    def _send_json(self, handler: _Handler, status: int, data: Any, headers: dict | None = None,
                   anthropic: bool = False) -> None:
        payload = json.dumps(data).encode()
        handler.send_response(status)
        handler.send_header("content-type", "application/json")
        handler.send_header("content-length", str(len(payload)))
        for key, value in {**self._request_headers(anthropic), **(headers or {})}.items():
            handler.send_header(key, value)
        handler.end_headers()
        handler.wfile.write(payload)
        handler.wfile.flush()

    def _send_stream(self, handler: _Handler, events: list, anthropic: bool) -> None:
        """Send ``events`` as a chunked ``text/event-stream``, one chunk per event."""
        handler.send_response(200)
        handler.send_header("content-type", "text/event-stream; charset=utf-8")
        handler.send_header("cache-control", "no-cache")
        handler.send_header("transfer-encoding", "chunked")
        for key, value in self._request_headers(anthropic).items():
            handler.send_header(key, value)
        handler.end_headers()
        for event in events:
            data = event.encode()
            handler.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))
            handler.wfile.flush()
            if self.stream_delay > 0:
                time.sleep(self.stream_delay)
        handler.wfile.write(b"0\r\n\r\n")
        handler.wfile.flush()
