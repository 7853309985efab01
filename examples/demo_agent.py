"""A tiny, fully offline "trip assistant" agent, traced with nbtrace.

Everything is plain Python: a fake LLM that returns canned OpenAI-style chat
completions (with token usage), a retriever over an in-memory corpus, and a few
tools — one of which always fails (the agent catches it and carries on).
Small sleeps make the timing bars in the trace view meaningful. ``slow_agent``
takes about 5 s so you can watch its trace grow live (``NBTRACE_DEMO_FAST=1``
shortens its sleeps 50×, for tests).
"""
from __future__ import annotations

import asyncio
import json
import math
import os
import re
import time

import nbtrace

MODEL = "fake-gpt-4o-mini"

CORPUS = [
    {"id": "kyoto-1", "text": "Kyoto has over 1,600 temples; Fushimi Inari is best visited early in the morning."},
    {"id": "kyoto-2", "text": "In Kyoto, autumn leaves peak in late November; book restaurants ahead."},
    {"id": "yen-1", "text": "Japan uses the yen (JPY). Many small restaurants in Kyoto accept cash only."},
    {"id": "rail-1", "text": "The Shinkansen from Tokyo to Kyoto takes about 2 hours 15 minutes."},
    {"id": "lisbon-1", "text": "Lisbon is hilly; tram 28 crosses the old town."},
    {"id": "oslo-1", "text": "Oslo is expensive; the Oslo Pass covers museums and public transport."},
]

TOOLS = [
    {"type": "function", "function": {"name": "get_weather", "description": "Weather forecast for a city",
                                      "parameters": {"type": "object", "properties": {"city": {"type": "string"}}}}},
    {"type": "function", "function": {"name": "convert_currency", "description": "Convert an amount",
                                      "parameters": {"type": "object", "properties": {
                                          "amount": {"type": "number"}, "from": {"type": "string"},
                                          "to": {"type": "string"}}}}},
    {"type": "function", "function": {"name": "book_restaurant", "description": "Book a table",
                                      "parameters": {"type": "object", "properties": {
                                          "city": {"type": "string"}, "people": {"type": "integer"}}}}},
]


class ToolError(RuntimeError):
    pass


# ----------------------------------------------------------------- retrieval
def _words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", text.lower())


def _bag_of_words(text: str) -> dict[str, float]:
    counts: dict[str, float] = {}
    for word in _words(text):
        counts[word] = counts.get(word, 0) + 1
    norm = math.sqrt(sum(v * v for v in counts.values())) or 1.0
    return {w: v / norm for w, v in counts.items()}


@nbtrace.trace(span_type="EMBEDDING")
def embed(text: str) -> dict[str, float]:
    """A bag-of-words 'embedding' (normalized word counts)."""
    time.sleep(0.008)
    return _bag_of_words(text)


@nbtrace.trace(span_type="RETRIEVER")
def retrieve(query: str, k: int = 3) -> list[dict]:
    """Top-k documents by cosine similarity; outputs are documents with scores."""
    q = embed(query)
    time.sleep(0.012)
    scored = []
    for doc in CORPUS:
        d = _bag_of_words(doc["text"])
        score = sum(q.get(w, 0.0) * v for w, v in d.items())
        scored.append({"id": doc["id"], "score": round(score, 3), "text": doc["text"]})
    scored.sort(key=lambda doc: doc["score"], reverse=True)
    return scored[:k]


# ----------------------------------------------------------------- tools
@nbtrace.trace(span_type="TOOL")
def get_weather(city: str) -> dict:
    time.sleep(0.02)
    return {"city": city, "forecast": "sunny, 18°C", "rain_chance": 0.1}


@nbtrace.trace(span_type="TOOL")
def convert_currency(amount: float, from_: str, to: str) -> dict:
    time.sleep(0.01)
    rates = {("EUR", "JPY"): 162.4, ("USD", "JPY"): 151.2}
    rate = rates.get((from_, to), 1.0)
    return {"amount": round(amount * rate), "currency": to, "rate": rate}


@nbtrace.trace(span_type="TOOL")
def book_restaurant(city: str, people: int) -> dict:
    time.sleep(0.03)
    raise ToolError(f"booking service timed out for {city} ({people} people)")


TOOL_FUNCTIONS = {"get_weather": get_weather, "convert_currency": convert_currency,
                  "book_restaurant": book_restaurant}


@nbtrace.trace(name="call_tool", span_type="CHAIN")
def call_tool(tool_call: dict) -> dict:
    fn = tool_call["function"]
    args = json.loads(fn["arguments"])
    if "from" in args:
        args["from_"] = args.pop("from")
    return TOOL_FUNCTIONS[fn["name"]](**args)


# ----------------------------------------------------------------- fake LLM
def _tokens(text: str) -> int:
    return max(1, len(text) // 4)


def _tool_call(call_id: str, name: str, arguments: dict) -> dict:
    return {"id": call_id, "type": "function",
            "function": {"name": name, "arguments": json.dumps(arguments)}}


def _canned_reply(messages: list[dict]) -> dict:
    """What our 'model' says, given how many tool results it has seen."""
    tool_results = [m for m in messages if m["role"] == "tool"]
    city = "Kyoto"
    if not tool_results:
        return {"role": "assistant", "content": None, "tool_calls": [
            _tool_call("call_1", "get_weather", {"city": city}),
            _tool_call("call_2", "convert_currency", {"amount": 200, "from": "EUR", "to": "JPY"}),
        ]}
    if len(tool_results) == 2:
        return {"role": "assistant", "content": None, "tool_calls": [
            _tool_call("call_3", "book_restaurant", {"city": city, "people": 2}),
        ]}
    facts = " ".join(m["content"] for m in tool_results)
    booked = "could not book a table (the booking service failed)" if "error" in facts else "booked a table"
    return {"role": "assistant", "content": (
        f"{city} will be sunny (18°C). 200 EUR is about 32,480 JPY — bring cash for small "
        f"restaurants. Visit Fushimi Inari early. I {booked}; try calling ahead.")}


@nbtrace.trace(span_type="LLM", attributes={"mlflow.llm.model": MODEL, "mlflow.llm.provider": "fake",
                                            "mlflow.message.format": "openai"})
def chat_completion(messages: list[dict], tools: list[dict] | None = None,
                    temperature: float = 0.2) -> dict:
    """Returns an OpenAI-style chat.completion; records token usage on the span."""
    time.sleep(0.04 + 0.01 * (len(messages) % 5))
    message = _canned_reply(messages)
    prompt_tokens = sum(_tokens(json.dumps(m)) for m in messages) + (60 if tools else 0)
    completion_tokens = _tokens(json.dumps(message))
    span = nbtrace.get_current_span()
    span.set_token_usage(input_tokens=prompt_tokens, output_tokens=completion_tokens)
    if tools:
        span.set_attribute("mlflow.chat.tools", tools)
    return {
        "id": f"chatcmpl-{len(messages)}", "object": "chat.completion", "model": MODEL,
        "choices": [{"index": 0, "message": message,
                     "finish_reason": "tool_calls" if message.get("tool_calls") else "stop"}],
        "usage": {"prompt_tokens": prompt_tokens, "completion_tokens": completion_tokens,
                  "total_tokens": prompt_tokens + completion_tokens},
    }


@nbtrace.trace(span_type="LLM")
def stream_words(text: str):
    """A streaming response: the span lasts for the whole iteration."""
    for word in text.split(" "):
        time.sleep(0.002)
        yield word + " "


# ----------------------------------------------------------------- the agent
@nbtrace.trace(span_type="AGENT")
def run_agent(question: str, max_steps: int = 4) -> str:
    docs = retrieve(question, k=3)
    context = "\n".join(f"[{d['id']}] {d['text']}" for d in docs)
    messages = [
        {"role": "system", "content": "You are a helpful trip assistant. Use tools when useful."},
        {"role": "user", "content": f"{question}\n\nContext:\n{context}"},
    ]
    for _ in range(max_steps):
        response = chat_completion(messages, tools=TOOLS)
        message = response["choices"][0]["message"]
        if not message.get("tool_calls"):
            return "".join(stream_words(message["content"])).strip()
        messages.append(message)
        for tool_call in message["tool_calls"]:
            try:
                result = call_tool(tool_call)
            except ToolError as exc:  # a failing tool does not stop the agent
                result = {"error": str(exc)}
            messages.append({"role": "tool", "tool_call_id": tool_call["id"],
                             "content": json.dumps(result, ensure_ascii=False)})
    return "I ran out of steps."


# ----------------------------------------------------------------- async
@nbtrace.trace(span_type="TOOL")
async def lookup_async(city: str) -> dict:
    await asyncio.sleep(0.01 * len(city))
    return {"city": city, "hits": retrieve_sync_count(city)}


def retrieve_sync_count(city: str) -> int:
    return sum(city.lower() in doc["text"].lower() for doc in CORPUS)


@nbtrace.trace(span_type="AGENT")
async def compare_cities(cities: list[str]) -> list[dict]:
    """Looks up several cities concurrently (asyncio.gather): sibling spans overlap."""
    return list(await asyncio.gather(*(lookup_async(c) for c in cities)))


# ----------------------------------------------------------------- live: a slow agent
_FAST = os.environ.get("NBTRACE_DEMO_FAST") == "1"  # tests: sleep 50× shorter


def _pause(seconds: float) -> None:
    time.sleep(seconds / 50 if _FAST else seconds)


PAGES = {
    "research": ["https://example.org/kyoto-temples", "https://example.org/kyoto-food"],
    "compare": ["https://example.org/ryokan-vs-hotel", "https://paywalled.example.com/best-ryokans"],
    "schedule": ["https://example.org/kyoto-in-3-days", "https://example.org/day-trip-nara"],
}


@nbtrace.trace(span_type="LLM", attributes={"mlflow.llm.model": MODEL, "mlflow.llm.provider": "fake"})
def think(goal: str, step: str) -> str:
    """A slow 'reasoning' call that decides what to look up next."""
    _pause(0.5)
    plan = f"For '{goal}', {step}: search, then read the two best pages."
    nbtrace.get_current_span().set_token_usage(input_tokens=_tokens(goal) + 40,
                                                output_tokens=_tokens(plan))
    return plan


@nbtrace.trace(span_type="RETRIEVER")
def web_search(query: str) -> list[dict]:
    _pause(0.4)
    step = query.rsplit(" ", 1)[-1]
    hits = [{"url": url, "rank": i + 1} for i, url in enumerate(PAGES[step])]
    nbtrace.get_current_span().add_event("results", {"count": len(hits)})
    return hits


@nbtrace.trace(span_type="TOOL")
def fetch_page(url: str) -> str:
    _pause(0.3)
    if "paywalled" in url:
        raise ToolError(f"402 Payment Required: {url}")
    return f"(text of {url})"


@nbtrace.trace(span_type="AGENT")
def slow_agent(goal: str = "Plan 3 days in Kyoto") -> str:
    """Three steps (think → search → read two pages), then an answer: ~5 s in all.
    One page is paywalled: its fetch fails, the agent skips it and carries on."""
    notes = []
    for step in ("research", "compare", "schedule"):
        with nbtrace.start_span(f"step: {step}", span_type="CHAIN") as span:
            span.set_inputs({"goal": goal, "step": step})
            think(goal, step)
            for hit in web_search(f"{goal} {step}"):
                try:
                    notes.append(fetch_page(hit["url"]))
                except ToolError as exc:
                    span.add_event("skipped page", {"url": hit["url"], "reason": str(exc)})
            span.set_outputs({"pages_read": len(notes)})
    answer = think(goal, f"write the answer from {len(notes)} pages")
    return answer
